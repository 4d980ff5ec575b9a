//! enforcement (being written).
