use sea_orm::entity::prelude::*;

/// Two records of one person made one: what both held before, so nothing is lost and a
/// manager can put any value back by editing the kept record.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_merges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kept_id: i32,
    /// The record merged in, now deleted.
    pub merged_id: i32,
    pub merged_by: i32,
    pub merged_at: TimeDateTimeWithTimeZone,
    /// JSON: both records as they were and the case parts that moved.
    #[sea_orm(column_type = "Text")]
    pub record: String,
}

impl ActiveModelBehavior for ActiveModel {}
