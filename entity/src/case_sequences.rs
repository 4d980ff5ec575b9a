use sea_orm::entity::prelude::*;

/// The last case number issued in each year (references are `HC-YYYY-NNNNNN`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_sequences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub last_number: i32,
}

impl ActiveModelBehavior for ActiveModel {}
