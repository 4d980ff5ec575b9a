use sea_orm::entity::prelude::*;

/// An in-app reminder for one officer about one deadline on one day ("due-soon" or
/// "overdue"); unique per (user, deadline, kind, day) so a repeated run adds nothing.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub deadline_id: i32,
    pub kind: String,
    pub for_day: TimeDate,
    pub created_at: TimeDateTimeWithTimeZone,
    pub read_at: Option<TimeDateTimeWithTimeZone>,
}

impl ActiveModelBehavior for ActiveModel {}
