//! Search service (being written).
