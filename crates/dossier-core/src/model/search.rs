//! Search types (being written).
