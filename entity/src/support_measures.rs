use sea_orm::entity::prelude::*;

/// A support measure for the victim on a case. Status codes: requested, provided, declined.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_measures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub catalogue_id: i32,
    pub status: String,
    pub requested_on: TimeDate,
    pub provided_on: Option<TimeDate>,
    pub declined_on: Option<TimeDate>,
    /// What it cost the landlord, in pence.
    pub cost_pence: Option<i64>,
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
