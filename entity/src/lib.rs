//! sea-orm entities, one module per table. Written by hand to match `migration/`:
//! ids are `i32` on both databases and every instant is UTC (`OffsetDateTime`).
//! Enumerations are stored as stable string codes, never as positions.

pub mod areas;
pub mod audit_events;
pub mod rate_limits;
pub mod sessions;
pub mod setup_tokens;
pub mod user_areas;
pub mod users;

pub use users::Role;
