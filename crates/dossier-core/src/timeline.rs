//! Timeline service (being written).
