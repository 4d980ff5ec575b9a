use sea_orm::entity::prelude::*;

/// Landlord settings as key/value rows (typed and defaulted by the code that reads them).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
