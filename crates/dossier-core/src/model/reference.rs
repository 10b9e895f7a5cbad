//! Reference types (being written).
