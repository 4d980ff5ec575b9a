//! Caseload queries at scale (placeholder; see docs/PERFORMANCE.md).
fn main() {}
