//! Observable types (being written).
