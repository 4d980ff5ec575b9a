use sea_orm::entity::prelude::*;

/// Staff named on a case. On a restricted case only they (and managers) may see it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_access")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    pub added_at: TimeDateTimeWithTimeZone,
    pub added_by: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
