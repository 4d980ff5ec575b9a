use sea_orm::entity::prelude::*;

/// A kind of victim support the landlord offers (administrators maintain the list;
/// retired entries stay on the cases that used them).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_catalogue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub position: i32,
    pub active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
