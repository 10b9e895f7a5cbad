//! Task types (being written).
