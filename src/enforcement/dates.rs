//! Adding a court hearing or notice expiry date to an action: a `legal_dates` row and a
//! dated deadline on the case (due at the end of that London day). A date that moves
//! (an adjournment) is moved with the deadline's Extend, which keeps the original.
//! Refused on a closed case (409: a closed case has no open deadlines; reopen it) and on
//! a withdrawn or refused action.

use super::{
    action::{
        self,
        form::{DateForm, UpdateForm},
    },
    headline, legal_date_label,
    record::legal_date,
    store, transitions,
};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::web::forms;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, extract::set_flash, forms::FormErrors, time_fmt},
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, perpetrator_actions};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use time::Date;

/// Why a closed case refuses this.
const CLOSED: &str =
    "This case is closed: reopen it to add a court or notice date (nothing is left open on a closed case).";

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<DateForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let action = store::find(&state.db, case.id, &id).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    refuse_final(&action)?;
    let now = state.now();
    let mut errors = FormErrors::default();
    let legal = legal_date(
        &mut errors,
        &f.date_kind,
        &f.due_on,
        &f.date_note,
        Some(action.planned_on),
    );
    if legal.is_none() && errors.is_empty() {
        errors.add("date_kind", "Choose a court hearing or a notice expiry");
    }
    let Some((kind, due_on, note)) = legal.filter(|_| errors.is_empty()) else {
        let view = action::read::load(&state.db, action).await?;
        let update = UpdateForm::default_for(&view.action, now);
        return Ok(forms::invalid(action::view::page(
            &ctx, &viewer, &case, &view, &update, &f, &errors, now,
        )));
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    record(&txn, &by, &case, &action, kind, due_on, note).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!(
            "{} added; it is now a deadline on the case.",
            legal_date_label(kind)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#enforcement", case.reference)).into_response())
}

/// Adds a court hearing or notice expiry date (`kind`) to `action`, already recorded, on
/// open `case` (the action's page and the demo landlord; recording an action may give its
/// first date through `store::add_legal_date` directly).
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    action: &perpetrator_actions::Model,
    kind: &'static str,
    due_on: Date,
    note: Option<String>,
) -> AppResult<()> {
    refuse_final(action)?;
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    // Holds the action row as read (PostgreSQL locks it): a withdrawal committed meanwhile
    // means no match, so no open date is left on a withdrawn action; one that comes after
    // waits for this and then closes the new date off with the others.
    let held = entity::perpetrator_actions::Entity::update_many()
        .col_expr(
            entity::perpetrator_actions::Column::Status,
            sea_orm::sea_query::Expr::col(entity::perpetrator_actions::Column::Status),
        )
        .filter(entity::perpetrator_actions::Column::Id.eq(action.id))
        .filter(entity::perpetrator_actions::Column::Status.eq(action.status.as_str()))
        .exec(txn)
        .await?;
    if held.rows_affected == 0 {
        return Err(AppError::Conflict(
            "This action changed while you were adding the date: check its status and add the date again.",
        ));
    }
    store::add_legal_date(
        txn,
        &case,
        action,
        kind,
        due_on,
        note.clone(),
        by.viewer.id,
        by.now,
    )
    .await?;
    let perpetrators = store::perpetrators(txn, case.id).await?;
    let who = action
        .party_id
        .map(|_| store::against(&perpetrators, action.party_id));
    let mut body = format!(
        "{}: {} on {}",
        headline(&action.kind, who.as_deref()),
        legal_date_label(kind).to_lowercase(),
        time_fmt::plain_date(due_on)
    );
    match &note {
        Some(note) => body.push_str(&format!(" – {note}.")),
        None => body.push('.'),
    }
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.legal_date_added",
        Entry::event(&case, EventKind::LegalDateAdded, by.now, body),
    )
    .await?;
    Ok(())
}

/// A withdrawn or refused action takes no new date.
fn refuse_final(action: &perpetrator_actions::Model) -> AppResult<()> {
    if transitions::is_final(&action.status) {
        return Err(AppError::Conflict(
            "This action is withdrawn or refused: record a new action for a fresh application or notice.",
        ));
    }
    Ok(())
}
