//! Observable service (being written).
