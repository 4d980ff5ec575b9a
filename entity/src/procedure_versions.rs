use sea_orm::entity::prelude::*;

/// A version of the landlord's procedure timescales. Versions are only ever added: a case
/// keeps the version it was opened under.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub number: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
}

impl ActiveModelBehavior for ActiveModel {}
