use sea_orm::entity::prelude::*;

/// A signed-in (or anonymous, pre-login) browser session. The id is the SHA-256 of the
/// cookie value, so a copy of this table cannot be replayed as cookies.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Copied out of `data` so every session of a user can be ended at once.
    pub user_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
