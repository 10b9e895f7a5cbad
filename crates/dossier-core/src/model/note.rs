//! Note types (being written).
