use sea_orm::entity::prelude::*;

/// Append-only audit trail. Each row's `hash` covers its own content and the previous
/// row's hash, so an edited or deleted row breaks the chain (`harbour audit verify`).
/// The id is assigned by the writer (previous id + 1), never by the database, so the
/// chain order is the id order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_id: Option<i32>,
    /// Username at the time (or "system", "cli", or the name typed at a failed sign-in).
    pub actor_name: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
