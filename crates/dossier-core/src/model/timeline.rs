//! Timeline types (being written).
