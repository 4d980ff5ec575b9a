use sea_orm::entity::prelude::*;

/// A daily job's run for one London day: its existence stops the job running twice.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub for_day: TimeDate,
    pub holder: String,
    pub ran_at: TimeDateTimeWithTimeZone,
    pub notices: i32,
    pub emails: i32,
}

impl ActiveModelBehavior for ActiveModel {}
