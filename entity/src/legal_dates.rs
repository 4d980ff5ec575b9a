use sea_orm::entity::prelude::*;

/// A court hearing or notice expiry date of a perpetrator action. Each is a deadline on
/// the case (stage `court-hearing` or `notice-expiry`, occurrence = this id).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_dates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub action_id: i32,
    /// hearing, notice-expiry
    pub kind: String,
    pub due_on: TimeDate,
    pub note: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
