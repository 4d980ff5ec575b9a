//! Deadline actions in the database: finding a case's deadline, and recording it done,
//! extending it or waiving it over the version the form was built from, with its timeline
//! entry.

use super::form::Change;
use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Actor, Entry},
        visibility::Viewer,
    },
    deadlines::{
        case_panel::stage_name,
        schedule::{self, Done, Rules},
        state,
    },
    error::{AppError, AppResult},
    procedure::Stage,
    state::AppState,
    web::time_fmt,
};
use entity::{cases, deadlines};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

/// The visible case and its deadline `id` (404 for either missing), the view audited.
pub(super) async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, deadlines::Model)> {
    // Showing the form is a view of the case; submitting it is audited as the change.
    let case = match origin {
        Some(origin) => timeline::open(state, viewer, origin, reference, "Viewed deadline form").await?,
        None => crate::cases::visibility::find(&state.db, viewer, reference).await?,
    };
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    let deadline = deadlines::Entity::find_by_id(id)
        .filter(deadlines::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, deadline))
}

/// Makes `change` to deadline `d` of `case` with its timeline entry, `text` its note or
/// reason, if `d` is still open and the saved version (a 409 otherwise); returns the
/// message to show.
pub(super) async fn save(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    d: deadlines::Model,
    change: Change,
    text: String,
) -> AppResult<String> {
    let (viewer, origin, now) = (by.viewer, by.origin, by.now);
    let name = stage_name(&d);
    // Only the version the form was built from changes: two people acting at once cannot
    // both succeed.
    let claimed = crate::db::versioned::save_if_unchanged(
        txn,
        deadlines::Entity::update_many().filter(deadlines::Column::Status.eq(state::OPEN)),
        d.id,
        d.version,
    )
    .await?;
    if !claimed {
        return Err(AppError::Conflict("This deadline changed or is no longer open."));
    }
    let d = deadlines::Model {
        version: d.version + 1,
        ..d
    };
    // Holding the case row keeps a closure from interleaving (nothing recurring is planned
    // on a case closed meanwhile).
    let case = crate::cases::lock::hold_case(txn, case).await?;
    let rules = Rules::for_case(txn, &case).await?;
    let stage = Stage::from_code(&d.stage);
    let (kind, action_code, body, flash) = match change {
        Change::Done(at) => {
            let note = (!text.is_empty()).then(|| text.clone());
            let done = schedule::complete(
                txn,
                &rules,
                &case,
                d,
                Done {
                    at,
                    by: viewer.id,
                    note,
                    now,
                },
            )
            .await?
            .ok_or(AppError::Conflict("This deadline changed or is no longer open."))?;
            let verdict = state::state(&done, now).label().to_lowercase();
            let mut body = format!("Recorded “{name}” as done ({verdict}).");
            if !text.is_empty() {
                body.push(' ');
                body.push_str(&text);
            }
            (
                EventKind::DeadlineDone,
                "deadline.completed",
                body,
                format!("“{name}” recorded as done ({verdict})."),
            )
        }
        Change::Extend(due) => {
            deadlines::Entity::update(deadlines::ActiveModel {
                id: Set(d.id),
                due_at: Set(due),
                extended_at: Set(Some(now)),
                extended_by: Set(Some(viewer.id)),
                extension_reason: Set(Some(text.clone())),
                ..Default::default()
            })
            .exec(txn)
            .await?;
            let shown = time_fmt::london(due).date();
            (
                EventKind::DeadlineExtended,
                "deadline.extended",
                format!("Extended “{name}” to {}: {text}", time_fmt::plain_date(shown)),
                format!("“{name}” extended."),
            )
        }
        Change::Waive => {
            deadlines::Entity::update(deadlines::ActiveModel {
                id: Set(d.id),
                status: Set(state::WAIVED.to_owned()),
                resolved_by: Set(Some(viewer.id)),
                resolved_at: Set(Some(now)),
                resolution_note: Set(Some(text.clone())),
                ..Default::default()
            })
            .exec(txn)
            .await?;
            if let Some(stage) = stage {
                schedule::schedule_next(txn, &rules, &case, stage, now, now).await?;
            }
            (
                EventKind::DeadlineWaived,
                "deadline.waived",
                format!("Waived “{name}”: {text}"),
                format!("“{name}” waived."),
            )
        }
    };
    timeline::record(
        txn,
        now,
        viewer,
        origin,
        action_code,
        Entry::event(&case, kind, now, body),
    )
    .await?;
    Ok(flash)
}
