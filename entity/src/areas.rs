use sea_orm::entity::prelude::*;

/// A patch or estate group. Retired areas stay for history but take no new work.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// Lower-cased name: unique, so "North" and "north" cannot both exist.
    #[sea_orm(unique)]
    pub name_key: String,
    pub retired: bool,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
