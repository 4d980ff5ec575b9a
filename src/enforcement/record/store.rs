//! Recording a new action in the database: the action, its optional first legal date (a
//! dated deadline) and the timeline entry, in the caller's transaction.

use super::{CLOSED, form::Valid};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::{
    cases::timeline::{self, Entry},
    enforcement::{
        legal_date_label,
        store::{self, Perpetrator},
    },
    error::AppResult,
    web::time_fmt,
};
use entity::cases;
use sea_orm::DatabaseTransaction;

/// Records the action `v` on open `case` (whose alleged perpetrators are `perpetrators`);
/// returns the case as held.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    perpetrators: &[Perpetrator],
    v: &Valid,
) -> AppResult<cases::Model> {
    // Holding the case row keeps a closure from interleaving: no deadline is added to a
    // case closed meanwhile.
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let new = store::NewAction {
        case_id: case.id,
        party_id: v.party_id,
        kind: v.kind,
        status: v.status,
        planned_on: v.planned_on,
        status_on: v.status_on,
        documents: v.documents.clone(),
        notes: v.notes.clone(),
    };
    let action = store::insert_action(txn, &new, by.viewer.id, by.now).await?;
    let who = v.party_id.map(|_| store::against(perpetrators, v.party_id));
    let mut body = new.summary(who.as_deref());
    if let Some((kind, due_on, note)) = v.legal.clone() {
        store::add_legal_date(
            txn,
            &case,
            &action,
            kind,
            due_on,
            note.clone(),
            by.viewer.id,
            by.now,
        )
        .await?;
        body.push_str(&format!(
            " {} on {}",
            legal_date_label(kind),
            time_fmt::plain_date(due_on)
        ));
        match note {
            Some(note) => body.push_str(&format!(": {note}.")),
            None => body.push('.'),
        }
    }
    if let Some(notes) = &v.notes {
        body.push_str(&format!("\nNotes: {notes}"));
    }
    if let Some(documents) = &v.documents {
        body.push_str(&format!("\nDocuments: {documents}"));
    }
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.enforcement_recorded",
        Entry::event(&case, EventKind::EnforcementRecorded, by.now, body),
    )
    .await?;
    Ok(case)
}
