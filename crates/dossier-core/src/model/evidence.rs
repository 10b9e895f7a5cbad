//! Evidence types (being written).
