use sea_orm::entity::prelude::*;

/// Fixed-window request counters (e.g. sign-in attempts per client address), kept in the
/// database so the limit holds across several app instances.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    pub window_start: TimeDateTimeWithTimeZone,
    pub hits: i32,
}

impl ActiveModelBehavior for ActiveModel {}
