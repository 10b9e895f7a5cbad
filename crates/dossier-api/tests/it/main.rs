//! Integration tests of the HTTP application, each on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod access_matrix;
mod alerts;
mod assets;
mod auth;
mod bad_input;
mod case_access;
mod cases;
mod comments;
mod custom_fields;
mod customers;
mod evidence;
mod iris_alerts;
mod iris_assets;
mod iris_cases;
mod iris_datastore;
mod iris_iocs;
mod iris_notes;
mod iris_server;
mod iris_tasks;
mod iris_timeline;
mod iris_work;
mod isolation;
mod kit;
mod notes;
mod observables;
mod ops;
mod reference;
mod search;
mod tasks;
mod templates;
mod timeline;
mod tracecat;
mod workspaces;
