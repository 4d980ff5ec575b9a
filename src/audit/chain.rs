//! The tamper-evident chain: each row's hash covers its content and the previous hash.
//! Events older than the retention period are summarised by month (`periods`): the chain
//! then starts from the newest summary's closing hash instead of from event 1.

use entity::{audit_events, audit_periods};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
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

/// A summarised period's own hash, over every column but itself.
pub fn period_hash(p: &audit_periods::Model) -> String {
    let content = serde_json::json!([
        p.first_id,
        p.last_id,
        p.from_at.unix_timestamp(),
        p.to_at.unix_timestamp(),
        p.month,
        p.events,
        p.actions,
        p.prev_hash,
        p.last_hash,
        p.summarised_at.unix_timestamp(),
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub reason: &'static str,
}

/// The newest event's id and hash: the last row, else the newest summary's closing row,
/// else (an empty trail) 0 and [`GENESIS`].
pub async fn head(db: &impl ConnectionTrait) -> Result<(i64, String), DbErr> {
    let last: Option<(i64, String)> = audit_events::Entity::find()
        .select_only()
        .column(audit_events::Column::Id)
        .column(audit_events::Column::Hash)
        .order_by_desc(audit_events::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    if let Some(last) = last {
        return Ok(last);
    }
    let period: Option<(i64, String)> = audit_periods::Entity::find()
        .select_only()
        .column(audit_periods::Column::LastId)
        .column(audit_periods::Column::LastHash)
        .order_by_desc(audit_periods::Column::LastId)
        .into_tuple()
        .one(db)
        .await?;
    Ok(period.unwrap_or((0, GENESIS.to_owned())))
}

/// Audit events are never summarised younger than this (whatever the retention setting).
pub const SUMMARY_FLOOR_YEARS: u32 = 6;

/// Checks the summarised periods: contiguous from event 1, each linked to the one before
/// and matching its hash. Ok((next event id, hash it must link to)).
pub async fn verify_periods(db: &impl ConnectionTrait) -> Result<Result<(i64, String), ChainBreak>, DbErr> {
    let periods = audit_periods::Entity::find()
        .order_by_asc(audit_periods::Column::FirstId)
        .all(db)
        .await?;
    // Only events at least six years older than the newest may be summarised: a summary
    // of anything newer is someone hiding recent events behind a made-up period.
    let newest: Option<time::OffsetDateTime> = audit_events::Entity::find()
        .select_only()
        .column(audit_events::Column::At)
        .order_by_desc(audit_events::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    let floor = newest.map(|at| crate::calendar::add_years(at.date(), -(SUMMARY_FLOOR_YEARS as i32)));
    let mut expected_id = 1i64;
    let mut prev = GENESIS.to_owned();
    for p in periods {
        let broken = |reason| {
            Ok(Err(ChainBreak {
                id: p.first_id,
                reason,
            }))
        };
        if p.first_id != expected_id {
            return Ok(Err(ChainBreak {
                id: expected_id,
                reason: "summarised period missing (summaries are not contiguous from event 1)",
            }));
        }
        if p.last_id < p.first_id || p.prev_hash != prev {
            return broken("summarised period does not link to the events before it");
        }
        if period_hash(&p) != p.hash {
            return broken("summarised period does not match its hash (edited)");
        }
        if floor.is_some_and(|floor| p.to_at.date() >= floor) {
            return broken(
                "summarised period is less than six years older than the newest event (recent events removed)",
            );
        }
        expected_id = p.last_id + 1;
        prev = p.last_hash;
    }
    Ok(Ok((expected_id, prev)))
}

/// Walks the whole trail in id order, a page at a time, from the newest summarised period
/// (or event 1). Ok(number of rows checked).
pub async fn verify(db: &DatabaseConnection) -> Result<Result<u64, ChainBreak>, DbErr> {
    const PAGE: u64 = 1000;
    let (mut expected_id, mut prev) = match verify_periods(db).await? {
        Ok(start) => start,
        Err(b) => return Ok(Err(b)),
    };
    let mut checked = 0u64;
    loop {
        let rows = audit_events::Entity::find()
            .filter(audit_events::Column::Id.gte(expected_id))
            .order_by_asc(audit_events::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(Ok(checked));
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
            checked += 1;
        }
    }
}
