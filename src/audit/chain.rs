//! The tamper-evident chain: each row's hash covers its content and the previous hash.

use entity::audit_events;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Canonical content as a JSON array: unambiguous whatever the fields contain.
pub fn hash_of(row: &audit_events::Model) -> String {
    let content = serde_json::json!([
        row.id,
        row.at.unix_timestamp(),
        row.actor_id,
        row.actor_name,
        row.action,
        row.target_type,
        row.target_id,
        row.summary,
        row.client_addr,
        row.request_id,
        row.prev_hash,
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub reason: &'static str,
}

/// Walks the whole trail in id order, a page at a time. Ok(number of rows checked).
pub async fn verify(db: &DatabaseConnection) -> Result<Result<u64, ChainBreak>, DbErr> {
    const PAGE: u64 = 1000;
    let mut expected_id = 1i64;
    let mut prev = GENESIS.to_owned();
    loop {
        let rows = audit_events::Entity::find()
            .filter(audit_events::Column::Id.gte(expected_id))
            .order_by_asc(audit_events::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(Ok((expected_id - 1) as u64));
        }
        for row in rows {
            let broken = |reason| Ok(Err(ChainBreak { id: row.id, reason }));
            if row.id != expected_id {
                return Ok(Err(ChainBreak {
                    id: expected_id,
                    reason: "row missing (ids are not consecutive)",
                }));
            }
            if row.prev_hash != prev {
                return broken("previous-hash link does not match the row before");
            }
            if hash_of(&row) != row.hash {
                return broken("row content does not match its hash (edited)");
            }
            prev = row.hash;
            expected_id += 1;
        }
    }
}
