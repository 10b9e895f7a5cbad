//! Task service (being written).
