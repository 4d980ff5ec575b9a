//! support (being written).
