//! Timeline rows (being written).
