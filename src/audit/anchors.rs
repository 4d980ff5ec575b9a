//! Anchoring the chain's head. The chain alone proves that no row was edited or removed
//! from the middle, but deleting the newest rows leaves a shorter chain that still holds.
//! An anchor is the head (newest id and hash) written down somewhere else: the daily job
//! stores one in `audit_anchors` and puts it in managers' digests, and `harbour audit
//! head` prints it for an external scheduler. Checking an anchor proves the chain still
//! reaches it.

use super::chain::{self, GENESIS};
use entity::{audit_anchors, audit_events, audit_periods};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::{fmt, str::FromStr};
use time::{Date, OffsetDateTime};

/// An event's id and hash, written as one line: `12345 <64 hex digits>`. Read back from
/// that line, from `12345:<hash>`, or from the hash alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub id: Option<i64>,
    pub hash: String,
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "{id} {}", self.hash),
            None => f.write_str(&self.hash),
        }
    }
}

impl FromStr for Anchor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (id, hash) = match s.split_once(|c: char| c == ':' || c.is_whitespace()) {
            Some((id, hash)) => {
                let id = id
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id >= 0)
                    .ok_or_else(|| format!("{id:?} is not an event number"))?;
                (Some(id), hash.trim())
            }
            None => (None, s),
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                "an anchor is a line printed by `harbour audit head` (an event number and a 64-digit hash), \
                 ID:HASH, or the hash alone"
                    .to_owned(),
            );
        }
        Ok(Anchor {
            id,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The chain's head now, as an anchor (`0 000…` for an empty trail).
pub async fn head(db: &impl ConnectionTrait) -> Result<Anchor, DbErr> {
    let (id, hash) = chain::head(db).await?;
    Ok(Anchor { id: Some(id), hash })
}

/// Stores today's head in `audit_anchors` (once per day: a second call keeps the first)
/// and returns the day's anchor. Call after the day's own audit row, in its transaction.
pub async fn record_daily(
    txn: &DatabaseTransaction,
    day: Date,
    now: OffsetDateTime,
) -> Result<Anchor, DbErr> {
    crate::db::lock_for_transaction(txn, crate::db::Lock::AuditChain).await?;
    let anchor = head(txn).await?;
    audit_anchors::Entity::insert(audit_anchors::ActiveModel {
        for_day: Set(day),
        last_id: Set(anchor.id.unwrap_or(0)),
        hash: Set(anchor.hash.clone()),
        recorded_at: Set(now),
    })
    .on_conflict_do_nothing_on([audit_anchors::Column::ForDay])
    .exec_without_returning(txn)
    .await?;
    Ok(stored(txn, day).await?.unwrap_or(anchor))
}

/// The anchor stored for `day`, if any.
pub async fn stored(db: &impl ConnectionTrait, day: Date) -> Result<Option<Anchor>, DbErr> {
    Ok(audit_anchors::Entity::find_by_id(day)
        .one(db)
        .await?
        .map(|a| Anchor {
            id: Some(a.last_id),
            hash: a.hash,
        }))
}

/// Every stored daily anchor, oldest first.
pub async fn all_stored(db: &impl ConnectionTrait) -> Result<Vec<audit_anchors::Model>, DbErr> {
    audit_anchors::Entity::find()
        .order_by_asc(audit_anchors::Column::ForDay)
        .all(db)
        .await
}

/// What checking an anchor against the trail found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The event is there with that hash (the chain's own check covers the rest).
    Holds { id: i64 },
    /// The trail now ends before the anchored event: events were deleted from the end.
    Truncated { id: i64, head: i64 },
    /// The event is missing from the middle (the chain check reports it too).
    Missing { id: i64 },
    /// The event is there with a different hash: it was rewritten.
    Rewritten { id: i64 },
    /// The event was summarised (older than the retention period): it can no longer be
    /// compared, so the anchor proves nothing.
    Summarised { id: i64, month: String },
    /// No event (or summary) has this hash.
    UnknownHash,
}

impl Finding {
    pub fn holds(&self) -> bool {
        matches!(self, Finding::Holds { .. })
    }

    /// A sentence for the operator, completing "The anchor …".
    pub fn sentence(&self) -> String {
        match self {
            Finding::Holds { id } => format!("holds: event {id} is in the chain with that hash"),
            Finding::Truncated { id, head } => format!(
                "is missing: the trail now ends at event {head}, before the anchored event {id}, so events were deleted from the end"
            ),
            Finding::Missing { id } => format!("is missing: event {id} was deleted"),
            Finding::Rewritten { id } => {
                format!("does not match: event {id} has a different hash now, so it was rewritten")
            }
            Finding::Summarised { id, month } => format!(
                "cannot be checked: event {id} was summarised with the events of {month} (older than the retention period); check a newer anchor"
            ),
            Finding::UnknownHash => {
                "does not match any event: the anchored event was deleted or rewritten".to_owned()
            }
        }
    }
}

/// Checks one anchor against the trail as it is now.
pub async fn check(db: &impl ConnectionTrait, anchor: &Anchor) -> Result<Finding, DbErr> {
    let Some(id) = anchor.id else {
        let row = audit_events::Entity::find()
            .filter(audit_events::Column::Hash.eq(anchor.hash.as_str()))
            .one(db)
            .await?;
        if let Some(row) = row {
            return Ok(Finding::Holds { id: row.id });
        }
        let period = audit_periods::Entity::find()
            .filter(audit_periods::Column::LastHash.eq(anchor.hash.as_str()))
            .one(db)
            .await?;
        return Ok(match period {
            Some(p) => Finding::Summarised {
                id: p.last_id,
                month: p.month,
            },
            None => Finding::UnknownHash,
        });
    };
    if id == 0 {
        // The empty trail's anchor: anything reaches it.
        return Ok(if anchor.hash == GENESIS {
            Finding::Holds { id }
        } else {
            Finding::Rewritten { id }
        });
    }
    if let Some(row) = audit_events::Entity::find_by_id(id).one(db).await? {
        return Ok(if row.hash == anchor.hash {
            Finding::Holds { id }
        } else {
            Finding::Rewritten { id }
        });
    }
    let period = audit_periods::Entity::find()
        .filter(audit_periods::Column::FirstId.lte(id))
        .filter(audit_periods::Column::LastId.gte(id))
        .one(db)
        .await?;
    if let Some(p) = period {
        return Ok(Finding::Summarised { id, month: p.month });
    }
    let (head, _) = chain::head(db).await?;
    Ok(if head < id {
        Finding::Truncated { id, head }
    } else {
        Finding::Missing { id }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn the_head_line_reads_back_in_every_form() {
        let line = Anchor {
            id: Some(12345),
            hash: H.to_owned(),
        };
        assert_eq!(line.to_string(), format!("12345 {H}"));
        assert_eq!(line.to_string().parse::<Anchor>(), Ok(line.clone()));
        assert_eq!(format!("12345:{H}").parse::<Anchor>(), Ok(line.clone()));
        assert_eq!(
            format!("  12345 \t {}\n", H.to_uppercase()).parse::<Anchor>(),
            Ok(line)
        );
        assert_eq!(H.parse::<Anchor>().unwrap().id, None);
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "12345",
            "12345 abc",
            &format!("-1 {H}"),
            &format!("x:{H}"),
            &format!("12345 {H}0"),
            &H.replace('9', "g"),
        ] {
            assert!(bad.parse::<Anchor>().is_err(), "{bad:?}");
        }
    }
}
