//! Blob service (being written).
