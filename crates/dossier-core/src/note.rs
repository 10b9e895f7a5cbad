//! Note service (being written).
