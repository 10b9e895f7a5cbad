//! Customer service (being written).
