use sea_orm::entity::prelude::*;

/// One month of audit events older than the retention period, summarised: the events
/// `first_id..=last_id` were deleted and this row keeps their count per action and the
/// chain's link through them (`prev_hash` in, `last_hash` out), so the chain still
/// verifies from event 1. `hash` covers the row itself.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub first_id: i64,
    pub last_id: i64,
    pub from_at: TimeDateTimeWithTimeZone,
    pub to_at: TimeDateTimeWithTimeZone,
    /// e.g. "2020-03" (Europe/London).
    pub month: String,
    pub events: i64,
    /// JSON object: action code -> number of events.
    #[sea_orm(column_type = "Text")]
    pub actions: String,
    pub prev_hash: String,
    pub last_hash: String,
    pub hash: String,
    pub summarised_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
