//! Evidence rows (being written).
