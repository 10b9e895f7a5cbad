//! Asset service (being written).
