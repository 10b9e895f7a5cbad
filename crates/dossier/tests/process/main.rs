//! Process-level tests: the `dossier` binary started as a child process and driven over TCP,
//! each storage test on SQLite and on PostgreSQL (`DOSSIER_TEST_DATABASE_URL`).
//!
//! Run with `cargo test -p dossier --test process`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod bootstrap;
mod cli;
mod durability;
mod outage;
mod replicas;
mod startup;
