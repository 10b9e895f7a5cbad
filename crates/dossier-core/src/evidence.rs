//! Evidence service (being written).
