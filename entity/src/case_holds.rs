use sea_orm::entity::prelude::*;

/// A legal hold a manager placed on a case: it is kept past its retention date until the
/// hold is lifted (with a reason). Automatic holds (live court action) are not stored.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_holds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub placed_by: i32,
    pub placed_at: TimeDateTimeWithTimeZone,
    pub lifted_at: Option<TimeDateTimeWithTimeZone>,
    pub lifted_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub lift_reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
