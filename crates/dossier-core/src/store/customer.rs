//! Customer rows (being written).
