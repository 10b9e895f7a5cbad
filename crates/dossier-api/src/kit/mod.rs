//! The dialect kit: what every API mounted on the core needs, in one place outside any one
//! dialect.
//!
//! - [`mount`]: the registry of mounts — which API owns which path prefixes, its routes and its
//!   404/405 shape.
//! - [`route`]: route registration that records every `(method, path)` (the route table).
//! - [`page`]: offset page parameters (`page`/`per_page`, `limit`/`offset`, ranges).
//! - [`enums`]: declarative dialect-value ⇄ core-enum tables with a round-trip check.
//! - [`body`]: lenient JSON bodies (numeric strings for ints, loose booleans).
//! - [`error`]: status, public text and retry hint of a core error.

pub mod body;
pub mod enums;
pub mod error;
pub mod mount;
pub mod page;
pub mod route;
