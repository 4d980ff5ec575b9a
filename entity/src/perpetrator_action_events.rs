use sea_orm::entity::prelude::*;

/// One status a perpetrator action reached, and when. Never edited.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "perpetrator_action_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub action_id: i32,
    pub status: String,
    pub on_date: TimeDate,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
