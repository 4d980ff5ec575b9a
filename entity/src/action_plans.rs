use sea_orm::entity::prelude::*;

/// An action plan agreed with the victim. Each agreement or revision is a row; the latest
/// (by `agreed_on`, then id) stands.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub agreed_on: TimeDate,
    /// How the victim was given a copy (codes in `harbour::plans`), or not-given.
    pub copy_given_how: String,
    pub copy_given_on: Option<TimeDate>,
    /// The contact frequency agreed (also set on the case, where it drives deadlines).
    pub contact_every_unit: String,
    pub contact_every_amount: i32,
    pub contact_channel: String,
    pub interpreter_language: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub communication_needs: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<i32>,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    /// Optimistic-concurrency counter: a stale edit is refused.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
