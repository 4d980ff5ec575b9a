use sea_orm::entity::prelude::*;

/// One entry on a case's timeline: a contact or note by an officer, or an event the
/// system recorded (report added, assigned, closed, reopened, …). Never edited.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timeline_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub kind: String,
    /// When it happened (a visit may be logged after the event).
    pub occurred_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// Who was contacted, for contacts with a person.
    pub person_id: Option<i32>,
    pub author_id: Option<i32>,
    pub author_name: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
