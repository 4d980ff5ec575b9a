//! The append-only audit trail: who did what, to what, when, from where. Every change and
//! every view or export of case data writes one row, inside the same transaction as the
//! change itself, so a change without its audit row cannot exist.

pub mod anchors;
mod browse;
mod chain;
pub mod periods;

pub use browse::routes;
pub use chain::{ChainBreak, GENESIS, hash_of, head, period_hash, verify};

use entity::audit_events;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, Set,
    sea_query::{Expr, ExprTrait, Query},
};

/// Who acted.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i32>,
    pub name: String,
}

impl Actor {
    pub fn user(id: i32, username: &str) -> Self {
        Actor {
            id: Some(id),
            name: username.to_owned(),
        }
    }

    pub fn named(name: &str) -> Self {
        Actor {
            id: None,
            name: name.to_owned(),
        }
    }
}

/// Where the request came from; attached to every audit row it writes.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

/// What happened.
#[derive(Clone, Debug)]
pub struct Event {
    pub action: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub summary: String,
}

impl Event {
    pub fn new(action: &'static str, summary: impl Into<String>) -> Self {
        Event {
            action,
            target_type: None,
            target_id: None,
            summary: summary.into(),
        }
    }

    pub fn on(mut self, target_type: &'static str, target_id: impl ToString) -> Self {
        self.target_type = Some(target_type);
        self.target_id = Some(target_id.to_string());
        self
    }
}

/// Appends one row. Takes a transaction on purpose: the row commits or rolls back with
/// the change it describes.
pub async fn record(
    txn: &DatabaseTransaction,
    at: time::OffsetDateTime,
    actor: &Actor,
    origin: &Origin,
    event: Event,
) -> Result<(), DbErr> {
    crate::db::lock_for_transaction(txn, crate::db::Lock::AuditChain).await?;
    // After summarising, the head may be a summarised period's closing event.
    let (last_id, prev_hash) = chain::head(txn).await?;
    let id = last_id + 1;
    let mut row = audit_events::Model {
        id,
        at,
        actor_id: actor.id,
        actor_name: truncate(&actor.name, 200),
        action: event.action.to_owned(),
        target_type: event.target_type.map(str::to_owned),
        target_id: event.target_id,
        summary: event.summary,
        client_addr: origin.client_addr.as_deref().map(|a| truncate(a, 64)),
        request_id: origin.request_id.as_deref().map(|r| truncate(r, 64)),
        prev_hash,
        hash: String::new(),
    };
    row.hash = chain::hash_of(&row);
    audit_events::Entity::insert(audit_events::ActiveModel {
        id: Set(row.id),
        at: Set(row.at),
        actor_id: Set(row.actor_id),
        actor_name: Set(row.actor_name),
        action: Set(row.action),
        target_type: Set(row.target_type),
        target_id: Set(row.target_id),
        summary: Set(row.summary),
        client_addr: Set(row.client_addr),
        request_id: Set(row.request_id),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
    })
    .exec_without_returning(txn)
    .await?;
    if changes_data(event.action) {
        // Under the same lock as the append, so the number only ever rises.
        txn.execute(
            Query::update()
                .table("data_changes")
                .value("last_event_id", id)
                .and_where(Expr::col("id").eq(1)),
        )
        .await?;
    }
    Ok(())
}

/// Whether an event with `action` records a change, as opposed to a read: a view, an
/// export, a search or a drill-down of case data, or a sign-in or out. Unlisted actions
/// count as changes, so a new kind of event can only make kept figures be worked out more
/// often.
fn changes_data(action: &str) -> bool {
    const READS: [&str; 7] = [
        ".viewed",
        "_viewed",
        ".exported",
        "_exported",
        ".searched",
        "_searched",
        ".drilled",
    ];
    const SIGN_INS: [&str; 2] = ["login.", "logout"];
    !(READS.iter().any(|end| action.ends_with(end)) || SIGN_INS.iter().any(|start| action.starts_with(start)))
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// The number of the newest event recording a change ([`changes_data`]): it moves with
/// every change, on every instance, and not with views or sign-ins. `None` if the row is
/// missing (then nothing may be kept against it).
pub async fn newest_change(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT last_event_id FROM data_changes WHERE id = 1",
        ))
        .await?;
    row.map(|row| row.try_get_by_index::<i64>(0)).transpose()
}

#[cfg(test)]
mod tests {
    use super::changes_data;

    #[test]
    fn views_exports_searches_and_sign_ins_are_reads_and_everything_else_a_change() {
        for read in [
            "case.viewed",
            "case.chronology_viewed",
            "case.chronology_exported",
            "caseload.searched",
            "people.searched",
            "person.viewed",
            "person.monitoring_viewed",
            "person.subject_access_exported",
            "reports.viewed",
            "reports.board_viewed",
            "reports.exported",
            "reports.drilled",
            "login.succeeded",
            "login.failed",
            "logout",
        ] {
            assert!(!changes_data(read), "{read}");
        }
        // "reviewed" is not "viewed": a review records a decision.
        for change in [
            "retention.reviewed",
            "person.merge_reviewed",
            "case.created",
            "settings.updated",
            "import.committed",
            "account.locked",
            "a.new_kind_of_event",
        ] {
            assert!(changes_data(change), "{change}");
        }
    }
}
