use sea_orm::entity::prelude::*;

/// The victim's answers at a post-closure check: satisfied with how the case was handled,
/// and with its outcome (codes in `reports::satisfaction`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "satisfaction_checks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub closure_id: Option<i32>,
    pub checked_on: TimeDate,
    pub handling: String,
    pub outcome: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
