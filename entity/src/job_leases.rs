use sea_orm::entity::prelude::*;

/// Which application instance may run a background job until `expires_at`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_leases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub holder: String,
    pub expires_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
