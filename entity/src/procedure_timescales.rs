use sea_orm::entity::prelude::*;

/// One stage's time limit for one priority in one procedure version. Stage, priority and
/// unit codes are defined in `harbour::procedure`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_timescales")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version_id: i32,
    pub stage: String,
    pub priority: String,
    pub unit: String,
    pub amount: i32,
}

impl ActiveModelBehavior for ActiveModel {}
