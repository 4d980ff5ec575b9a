use sea_orm::entity::prelude::*;

/// Each time a case was closed (and, if so, reopened). Rows are added, never overwritten.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_closures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub closed_at: TimeDateTimeWithTimeZone,
    pub closed_by: i32,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub victim_told_on: TimeDate,
    pub reopened_at: Option<TimeDateTimeWithTimeZone>,
    pub reopened_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reopen_reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
