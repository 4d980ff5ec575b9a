use sea_orm::entity::prelude::*;

/// The audit chain's head as the daily job found it: the newest event's id and hash. A
/// later truncation below it fails `harbour audit verify`. (Whoever can delete audit rows
/// can delete these too: the same line also goes out in managers' digests and to
/// `harbour audit head`, for keeping elsewhere.)
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_anchors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub for_day: TimeDate,
    pub last_id: i64,
    pub hash: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
