use sea_orm::entity::prelude::*;

/// A day the landlord's offices are closed (not a working day for deadlines).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closure_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub day: TimeDate,
    pub label: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: i32,
}

impl ActiveModelBehavior for ActiveModel {}
