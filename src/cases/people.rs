//! People: one record per person across cases, matched for reuse, searchable by word.
