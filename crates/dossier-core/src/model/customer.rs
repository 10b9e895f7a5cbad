//! Customer types (being written).
