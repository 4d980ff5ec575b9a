//! chronology (being written).
