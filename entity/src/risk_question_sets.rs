use sea_orm::entity::prelude::*;

/// A version of the risk question set and its thresholds. Versions are only ever added;
/// an assessment keeps the version it was made under.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_question_sets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub number: i32,
    /// A total score at least this is medium risk.
    pub medium_from: i32,
    /// A total score at least this is high risk.
    pub high_from: i32,
    /// Manager reviews on a case whose standing level is high: every so many calendar days.
    pub high_review_days: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
}

impl ActiveModelBehavior for ActiveModel {}
