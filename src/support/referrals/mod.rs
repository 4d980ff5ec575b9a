//! Referrals to agencies: recorded on open cases, with consent to share (who gave it,
//! when, what may be shared) required before a referral is marked sent and fixed from
//! then on; statuses move to-send → sent | withdrawn, sent → responded | withdrawn.

pub mod form;
pub mod store;
mod view;

use super::{TO_SEND, fields};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{
        timeline,
        visibility::{self, Viewer},
    },
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields::date_value,
        forms::{self, FormErrors},
    },
};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, referrals};
use form::{ReferralForm, validate};
use maud::Markup;
use serde::Deserialize;
use store::{active_agencies, agency_name, find, record};
use view::{edit_page, new_page};

const CLOSED: &str = "This case is closed: new referrals cannot be recorded on it. Reopen the case first.";

/// `?agency=<id>` on the new-referral form preselects an agency (the high-risk prompt
/// links to the multi-agency panel this way).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    agency: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Query(query): Query<NewQuery>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed referral form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let agencies = active_agencies(&state.db).await?;
    let preselected = query
        .agency
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| agencies.iter().any(|a| a.id == *id));
    let f = ReferralForm {
        agency_id: preselected.map(|id| id.to_string()).unwrap_or_default(),
        referred_on: date_value(Some(crate::calendar::london_date(state.now()))),
        status: TO_SEND.to_owned(),
        ..Default::default()
    };
    Ok(new_page(&ctx, &case, &agencies, &f, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let now = state.now();
    let agencies = active_agencies(&state.db).await?;
    let v = match validate(&f, Some(&agencies), None, crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(new_page(&ctx, &case, &agencies, &f, &errors))),
    };
    let agency = agencies
        .iter()
        .find(|a| a.id == v.agency_id)
        .map_or_else(String::new, |a| a.name.clone());
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    record(&txn, &by, &case, &v, &agency).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} recorded.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (case, r) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    let f = ReferralForm::from_model(&r);
    Ok(edit_page(
        &ctx,
        &case,
        &r,
        &agency,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let (case, r) = find(&state, &viewer, None, &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    if !crate::web::forms::same_version(&f.version, r.version) {
        return Ok(conflict(&ctx, &case, &r, &agency, f));
    }
    let now = state.now();
    let v = match validate(&f, None, Some(&r), crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(edit_page(
                &ctx, &case, &r, &agency, &f, None, &errors,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    if !store::update(&txn, &by, &case, &r, &v, &agency).await? {
        drop(txn);
        let (case, latest) = find(&state, &viewer, None, &reference, &id).await?;
        return Ok(conflict(&ctx, &case, &latest, &agency, f));
    }
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} updated.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The form was built from an older version: show the saved one, keep what was typed.
fn conflict(
    ctx: &Ctx,
    case: &cases::Model,
    latest: &referrals::Model,
    agency: &str,
    mine: ReferralForm,
) -> Response {
    let errors = fields::changed_meanwhile("referral");
    let mine = ReferralForm {
        version: latest.version.to_string(),
        ..mine
    };
    forms::stale(edit_page(ctx, case, latest, agency, &mine, Some(latest), &errors))
}
