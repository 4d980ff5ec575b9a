use sea_orm::entity::prelude::*;

/// A person's part in a case: victim, witness, alleged perpetrator or reporter.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_parties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub person_id: i32,
    pub role: String,
    /// The report that brought them into the case.
    pub incident_id: Option<i32>,
    pub added_at: TimeDateTimeWithTimeZone,
    pub added_by: i32,
}

impl ActiveModelBehavior for ActiveModel {}
