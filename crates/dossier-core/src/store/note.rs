//! Note rows (being written).
