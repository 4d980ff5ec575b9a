use sea_orm::entity::prelude::*;

/// One action of a case's action plan. Its target date is a deadline on the case (stage
/// `plan-action`, occurrence = this id). Status codes: open, done, cancelled.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// The agreement under which it was added.
    pub plan_id: i32,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owner_id: Option<i32>,
    /// An owner who is not staff (the victim, the police, ...).
    pub owner_other: Option<String>,
    pub target_on: TimeDate,
    pub status: String,
    pub completed_on: Option<TimeDate>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<i32>,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    /// Optimistic-concurrency counter: a stale edit is refused.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
