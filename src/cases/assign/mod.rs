//! Assignment: a manager assigns or reassigns a case to a harassment officer; a harassment
//! officer takes an unassigned open case in one of their own areas. Either way the owner
//! is named on the case (`case_access`), so a restricted case stays visible to them, and
//! the change is one timeline entry plus one audit row, in one transaction.
//!
//! Refusals: assigning to anyone but an active harassment officer is 422 (nothing
//! changes); taking a case that is closed or already has an owner is 409 (the case's state
//! conflicts with the request, including when someone else got there first); taking a case
//! outside one's own areas is 403. A case the viewer may not see is 404, as everywhere.

pub mod form;
pub mod store;
mod view;

use crate::{
    audit::Origin,
    cases::{
        timeline::Actor,
        visibility::{self, Viewer},
    },
    error::AppResult,
    state::AppState,
    web::{Ctx, extract::set_flash, forms},
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::cases;
use form::{AssignForm, Refused, take_refusal};
use view::refusal;

/// `POST /cases/{reference}/assign` (managers).
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let officer = match form::validate(&f) {
        Some(id) => store::assignable_officer(&state.db, id).await?,
        None => None,
    };
    let Some(officer) = officer else {
        return Ok(forms::invalid(refusal(
            &ctx,
            "The case was not assigned",
            "Choose an active harassment officer to assign the case to. Nothing was changed.",
            &case.reference,
        )));
    };
    if case.owner_id == Some(officer.id) {
        set_flash(
            &ctx.session,
            format!(
                "{} is already assigned to {}.",
                case.reference, officer.display_name
            ),
        )
        .await?;
        return Ok(back_to(&case));
    }

    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    if !store::assign(&txn, &by, &case, &officer).await? {
        drop(txn);
        return Ok(forms::stale(refusal(
            &ctx,
            "The case was not assigned",
            "Someone else assigned this case a moment ago. Nothing was changed: look at the case again, then assign it if you still need to.",
            &case.reference,
        )));
    }
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("{} assigned to {}.", case.reference, officer.display_name),
    )
    .await?;
    Ok(back_to(&case))
}

/// `POST /cases/{reference}/take` (harassment officers).
pub async fn take(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    if let Some(refused) = take_refusal(&viewer, &case) {
        let message = match refused {
            Refused::Closed => "This case is closed. Only open cases can be taken.".to_owned(),
            Refused::Assigned(id) if id == viewer.id => "This case is already assigned to you.".to_owned(),
            Refused::Assigned(id) => {
                let owner = store::user_name(&state.db, id)
                    .await?
                    .unwrap_or_else(|| "someone else".to_owned());
                format!("This case is already assigned to {owner}. Ask a manager if it should be reassigned.")
            }
            Refused::OutOfArea => {
                let area = store::area_name(&state.db, case.area_id)
                    .await?
                    .unwrap_or_else(|| "another area".to_owned());
                format!("This case is in {area}, which is not one of your areas. Ask a manager to assign it.")
            }
        };
        let page = refusal(&ctx, "You cannot take this case", &message, &case.reference);
        return Ok((refused.status(), page).into_response());
    }

    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    if !store::take(&txn, &by, &case).await? {
        drop(txn);
        return Ok(forms::stale(refusal(
            &ctx,
            "You cannot take this case",
            "Someone else took or closed this case a moment ago. Nothing was changed.",
            &case.reference,
        )));
    }
    txn.commit().await?;
    set_flash(&ctx.session, format!("You now own {}.", case.reference)).await?;
    Ok(back_to(&case))
}

fn back_to(case: &cases::Model) -> Response {
    Redirect::to(&format!("/cases/{}", case.reference)).into_response()
}
