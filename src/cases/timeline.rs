//! Writing to a case's timeline and the audit trail together: every change to a case is
//! one timeline entry people read on the case page and one audit row, in the caller's
//! transaction. Views of case data are audited here too.

use super::visibility::Viewer;
use crate::cases::events::EventKind;
use crate::{
    audit::{self, Event, Origin},
    error::AppResult,
    state::AppState,
};
use entity::{cases, timeline_entries};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, DbErr};
use time::OffsetDateTime;

/// One thing that happened to a case.
/// Who does a piece of casework, from where, and when: what every save records besides
/// the record itself (the forms, the importer and the demo landlord all pass one).
pub struct Actor<'a> {
    pub viewer: &'a Viewer,
    pub origin: &'a Origin,
    pub now: OffsetDateTime,
}

pub struct Entry<'a> {
    pub case: &'a cases::Model,
    /// Timeline kind (`codes::CONTACT_KINDS` or an `Event`'s code).
    pub kind: &'static str,
    pub occurred_at: OffsetDateTime,
    pub body: String,
    pub person_id: Option<i32>,
}

impl<'a> Entry<'a> {
    /// A contact or note about `person_id`, of `kind` (`codes::CONTACT_KINDS`).
    pub fn contact(
        case: &'a cases::Model,
        kind: &'static str,
        at: OffsetDateTime,
        body: impl Into<String>,
        person_id: Option<i32>,
    ) -> Self {
        Entry {
            case,
            kind,
            occurred_at: at,
            body: body.into(),
            person_id,
        }
    }

    pub fn event(
        case: &'a cases::Model,
        kind: EventKind,
        at: OffsetDateTime,
        body: impl Into<String>,
    ) -> Self {
        Entry {
            case,
            kind: kind.code(),
            occurred_at: at,
            body: body.into(),
            person_id: None,
        }
    }
}

/// Adds `entry` to the timeline and writes the audit row `action` for it (summarised by
/// the entry's kind only).
pub async fn record(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    viewer: &Viewer,
    origin: &Origin,
    action: &'static str,
    entry: Entry<'_>,
) -> Result<(), DbErr> {
    write(txn, now, viewer, &entry).await?;
    // The audit trail names what was done, never the free text: administrators read it
    // and must see no case content.
    audit_case(
        txn,
        now,
        viewer,
        origin,
        action,
        entry.case,
        super::codes::timeline_label(entry.kind),
    )
    .await
}

/// Adds `entry` to the timeline only: for work audited as a whole elsewhere (an import
/// writes one audit row for every case it brings in).
pub async fn write(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    viewer: &Viewer,
    entry: &Entry<'_>,
) -> Result<(), DbErr> {
    let row = timeline_entries::ActiveModel {
        case_id: Set(entry.case.id),
        kind: Set(entry.kind.to_owned()),
        occurred_at: Set(entry.occurred_at),
        body: Set(entry.body.clone()),
        person_id: Set(entry.person_id),
        author_id: Set(Some(viewer.id)),
        author_name: Set(viewer.display_name.clone()),
        created_at: Set(now),
        ..Default::default()
    };
    // Held back and written with others in a bulk write: nothing in one reads the
    // timeline back.
    crate::db::bulk::insert(txn, vec![row]).await
}

/// An audit row about `case` (no timeline entry). `summary` must hold no case content.
pub async fn audit_case(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    viewer: &Viewer,
    origin: &Origin,
    action: &'static str,
    case: &cases::Model,
    summary: &str,
) -> Result<(), DbErr> {
    audit::record(
        txn,
        now,
        &viewer.audit_actor(),
        origin,
        Event::new(action, format!("{}: {summary}", case.reference)).on("case", &case.reference),
    )
    .await
}

/// Records that `viewer` looked at case data (`case.viewed`; `summary` says which page).
pub async fn record_view(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    case: &cases::Model,
    summary: &str,
) -> Result<(), DbErr> {
    let txn = crate::db::begin(&state.db).await?;
    audit_case(&txn, state.now(), viewer, origin, "case.viewed", case, summary).await?;
    txn.commit().await
}

/// The case `reference` if `viewer` may see it (else `NotFound`), its viewing audited.
pub async fn open(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    reference: &str,
    summary: &str,
) -> AppResult<cases::Model> {
    let case = super::visibility::find(&state.db, viewer, reference).await?;
    record_view(state, viewer, origin, &case, summary).await?;
    Ok(case)
}
