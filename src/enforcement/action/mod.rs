//! One perpetrator action: its details, status history and court or notice dates, with
//! the form to change its status (only the moves `transitions` allows), outcome and
//! documents, and the form to add a date (`dates`). Edits carry the version they were
//! built from: a stale one is refused (409) with the action shown as it now is and what
//! was typed kept.

use crate::cases::events::EventKind;
pub mod form;
pub mod read;
pub mod view;

use crate::enforcement::{headline, status_label, store, transitions};
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, perpetrator_actions};
use maud::Markup;
use sea_orm::{EntityTrait, sea_query::Expr};

use form::{DateForm, UpdateForm, validate};
use read::load;
use view::page;

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let action = store::find(&state.db, case.id, &id).await?;
    timeline::record_view(&state, &viewer, &origin, &case, "Viewed perpetrator action").await?;
    let now = state.now();
    let view = load(&state.db, action).await?;
    let update = UpdateForm::default_for(&view.action, now);
    let date = DateForm::for_action(&view.action);
    Ok(page(
        &ctx,
        &viewer,
        &case,
        &view,
        &update,
        &date,
        &FormErrors::default(),
        now,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<UpdateForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let action = store::find(&state.db, case.id, &id).await?;
    let now = state.now();
    if !crate::web::forms::same_version(&f.version, action.version) {
        return conflict(&state, &ctx, &viewer, &case, action, f).await;
    }
    let change = match validate(&f, &action, now) {
        Ok(c) => c,
        Err(errors) => {
            let view = load(&state.db, action).await?;
            let date = DateForm::for_action(&view.action);
            return Ok(forms::invalid(page(
                &ctx, &viewer, &case, &view, &f, &date, &errors, now,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let (status, status_on) = change
        .status
        .map_or((action.status.clone(), action.status_on), |(s, on)| {
            (s.to_owned(), on)
        });
    // Only the version the form was built from changes: two people acting at once
    // cannot both succeed.
    let claimed = crate::db::versioned::save_if_unchanged(
        &txn,
        perpetrator_actions::Entity::update_many()
            .col_expr(perpetrator_actions::Column::Status, Expr::value(status.clone()))
            .col_expr(perpetrator_actions::Column::StatusOn, Expr::value(status_on))
            .col_expr(
                perpetrator_actions::Column::Outcome,
                Expr::value(change.outcome.clone()),
            )
            .col_expr(
                perpetrator_actions::Column::Documents,
                Expr::value(change.documents.clone()),
            )
            .col_expr(
                perpetrator_actions::Column::UpdatedBy,
                Expr::value(Some(viewer.id)),
            )
            .col_expr(perpetrator_actions::Column::UpdatedAt, Expr::value(Some(now))),
        action.id,
        action.version,
    )
    .await?;
    if !claimed {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &case, action, f).await;
    }
    let perpetrators = store::perpetrators(&txn, case.id).await?;
    let who = action
        .party_id
        .map(|_| store::against(&perpetrators, action.party_id));
    let mut body = format!("{}:", headline(&action.kind, who.as_deref()));
    let mut flash = "Action updated.".to_owned();
    if let Some((to, on)) = change.status {
        store::add_event(&txn, action.id, to, on, change.note.clone(), viewer.id, now).await?;
        body.push_str(&format!(
            " {} → {} on {}.",
            status_label(&action.status),
            status_label(to),
            time_fmt::plain_date(on)
        ));
        if let Some(reason) = transitions::closes_dates(to) {
            let (closed, left) = store::close_off_dates(&txn, &action, reason, viewer.id, now).await?;
            if closed > 0 {
                body.push_str(&format!(
                    " {closed} court or notice date{} no longer appl{}.",
                    if closed == 1 { "" } else { "s" },
                    if closed == 1 { "ies" } else { "y" },
                ));
            }
            if left > 0 {
                let text = format!(
                    " {left} overdue court or notice date{} left open: record {} as done or ask a manager to waive {}.",
                    if left == 1 { "" } else { "s" },
                    if left == 1 { "it" } else { "them" },
                    if left == 1 { "it" } else { "them" },
                );
                body.push_str(&text);
                flash.push_str(&text);
            }
        }
    }
    if let Some(note) = &change.note {
        body.push_str(&format!("\nNote: {note}"));
    }
    if change.outcome != action.outcome {
        body.push_str(&format!(
            "\nOutcome: {}",
            change.outcome.as_deref().unwrap_or("(removed)")
        ));
    }
    if change.documents != action.documents {
        body.push_str(&format!(
            "\nDocuments: {}",
            change.documents.as_deref().unwrap_or("(removed)")
        ));
    }
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.enforcement_updated",
        Entry::event(&case, EventKind::EnforcementUpdated, now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#enforcement", case.reference)).into_response())
}

/// The form was built from an older version: show the action as it now is, keep what was
/// typed (now against the current version, so saving again is deliberate).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    action: perpetrator_actions::Model,
    mine: UpdateForm,
) -> AppResult<Response> {
    let latest = perpetrator_actions::Entity::find_by_id(action.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        "Someone changed this action while you were filling in the form. It is shown as it is now; what you typed is still in the form. Check both, then save again",
    );
    let mine = UpdateForm {
        version: latest.version.to_string(),
        ..mine
    };
    let view = load(&state.db, latest).await?;
    let date = DateForm::for_action(&view.action);
    Ok(forms::stale(page(
        ctx,
        viewer,
        case,
        &view,
        &mine,
        &date,
        &errors,
        state.now(),
    )))
}
