use sea_orm::entity::prelude::*;

/// A de-identified stand-in (`standin_id`, a `people` row with no identity) for a person's
/// parts in disposed cases; `original_id` is cleared when the person record is deleted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_standins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub standin_id: i32,
    #[sea_orm(unique)]
    pub original_id: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
