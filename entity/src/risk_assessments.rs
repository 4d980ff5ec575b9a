use sea_orm::entity::prelude::*;

/// A victim risk assessment on a case (at triage, at a review, or at another time).
/// `computed_level` is what the thresholds gave; `level` stands (an override differs and
/// carries `override_reason`). Never edited: a new assessment supersedes it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub set_id: i32,
    pub occasion: String,
    pub assessed_at: TimeDateTimeWithTimeZone,
    pub score: i32,
    pub computed_level: String,
    pub level: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub override_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
