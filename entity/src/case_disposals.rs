use sea_orm::entity::prelude::*;

/// A case whose identifying details were destroyed at the end of its retention period;
/// its dates, codes and monitoring answers remain for the statistics.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_disposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    pub disposed_at: TimeDateTimeWithTimeZone,
    pub disposed_by: i32,
    pub retention_ended_on: TimeDate,
}

impl ActiveModelBehavior for ActiveModel {}
