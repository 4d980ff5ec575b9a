use sea_orm::entity::prelude::*;

/// One question of a risk question set version, in `position` order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub set_id: i32,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// Guidance shown under the question (may be empty).
    #[sea_orm(column_type = "Text")]
    pub help: String,
}

impl ActiveModelBehavior for ActiveModel {}
