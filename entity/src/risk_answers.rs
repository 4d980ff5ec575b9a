use sea_orm::entity::prelude::*;

/// The answer chosen to one question in an assessment, with the score it carried then.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub assessment_id: i32,
    pub question_id: i32,
    pub option_id: i32,
    pub score: i32,
}

impl ActiveModelBehavior for ActiveModel {}
