use sea_orm::entity::prelude::*;

/// A procedural time limit on a case. `original_due_at` is what reports count against;
/// `due_at` moves only with an extension. Status codes: open, done, waived, not-applicable
/// (met or late is `done_at` against `original_due_at`; overdue is open past `due_at`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadlines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub stage: String,
    pub occurrence: i32,
    pub procedure_version_id: i32,
    pub priority: String,
    pub unit: String,
    pub amount: i32,
    /// The event the limit counts from (report received, closure, last update).
    pub anchored_at: TimeDateTimeWithTimeZone,
    pub original_due_at: TimeDateTimeWithTimeZone,
    pub due_at: TimeDateTimeWithTimeZone,
    pub status: String,
    pub done_at: Option<TimeDateTimeWithTimeZone>,
    /// Working days late against the original due date, fixed when it was done.
    pub late_working_days: Option<i32>,
    pub resolved_by: Option<i32>,
    pub resolved_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution_note: Option<String>,
    pub extended_at: Option<TimeDateTimeWithTimeZone>,
    pub extended_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub extension_reason: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub version: i32,
    /// What a dated deadline is for (a plan action, a hearing); none on timescale ones.
    pub title: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
