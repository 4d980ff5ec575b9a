//! plans (being written).
