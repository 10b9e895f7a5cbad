//! Reference service (being written).
