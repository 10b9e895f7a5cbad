//! Asset types (being written).
