use sea_orm::entity::prelude::*;

/// One possible answer to a risk question and the score it carries.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_answer_options")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub question_id: i32,
    pub position: i32,
    pub label: String,
    pub score: i32,
}

impl ActiveModelBehavior for ActiveModel {}
