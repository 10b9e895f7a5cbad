//! Integration tests of the HTTP application, each on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod alerts;
mod auth;
mod bad_input;
mod cases;
mod comments;
mod isolation;
mod ops;
mod workspaces;
