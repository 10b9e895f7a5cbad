//! Asset rows (being written).
