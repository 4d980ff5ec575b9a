use sea_orm::entity::prelude::*;

/// Action against an alleged perpetrator (a rung of the ladder in `harbour::enforcement`),
/// or a measure aimed at no one in particular when `party_id` is none. Its status history
/// is in `perpetrator_action_events`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "perpetrator_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub party_id: Option<i32>,
    pub kind: String,
    pub status: String,
    /// When the current status was reached.
    pub status_on: TimeDate,
    pub planned_on: TimeDate,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    /// References to documents held elsewhere (letters, notices, court papers).
    #[sea_orm(column_type = "Text", nullable)]
    pub documents: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<i32>,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    /// Optimistic-concurrency counter: a stale edit is refused.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
