//! Observable rows (being written).
