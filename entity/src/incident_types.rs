use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub incident_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub type_code: String,
}

impl ActiveModelBehavior for ActiveModel {}
