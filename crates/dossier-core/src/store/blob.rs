//! Blob rows (being written).
