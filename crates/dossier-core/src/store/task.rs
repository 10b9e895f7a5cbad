//! Task rows (being written).
