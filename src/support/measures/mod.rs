//! Support measures on a case: recorded (open cases only) and updated (status, dates, cost,
//! notes; also after closure, since support often continues) with a version check.

pub mod form;
pub mod store;
mod view;

use crate::cases::timeline::Actor;
use crate::support::fields;
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
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, support_measures};
use form::{MeasureForm, validate};
use maud::Markup;
use store::{active_catalogue, catalogue_name, find, record};
use view::{edit_page, new_page};

const CLOSED: &str = "This case is closed: new support cannot be recorded on it. Reopen the case first, or update support already recorded.";

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed support form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let catalogue = active_catalogue(&state.db).await?;
    let f = MeasureForm {
        status: super::REQUESTED.to_owned(),
        requested_on: date_value(Some(crate::calendar::london_date(state.now()))),
        ..Default::default()
    };
    Ok(new_page(&ctx, &case, &catalogue, &f, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<MeasureForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let now = state.now();
    let catalogue = active_catalogue(&state.db).await?;
    let v = match validate(&f, Some(&catalogue), 0, crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(new_page(&ctx, &case, &catalogue, &f, &errors))),
    };
    let name = catalogue
        .iter()
        .find(|e| e.id == v.catalogue_id)
        .map_or_else(String::new, |e| e.name.clone());
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    record(&txn, &by, &case, &v, &name).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Support recorded: {name}.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (case, m) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    let name = catalogue_name(&state.db, m.catalogue_id).await?;
    let f = MeasureForm::from_model(&m);
    Ok(edit_page(
        &ctx,
        &case,
        &m,
        &name,
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
    Form(f): Form<MeasureForm>,
) -> AppResult<Response> {
    let (case, m) = find(&state, &viewer, None, &reference, &id).await?;
    let name = catalogue_name(&state.db, m.catalogue_id).await?;
    if !crate::web::forms::same_version(&f.version, m.version) {
        return Ok(conflict(&ctx, &case, &m, &name, f));
    }
    let now = state.now();
    let v = match validate(&f, None, m.catalogue_id, crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(edit_page(
                &ctx, &case, &m, &name, &f, None, &errors,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    if !store::update(&txn, &by, &case, &m, &v, &name).await? {
        drop(txn);
        let (case, latest) = find(&state, &viewer, None, &reference, &id).await?;
        return Ok(conflict(&ctx, &case, &latest, &name, f));
    }
    txn.commit().await?;
    set_flash(&ctx.session, format!("Support updated: {name}.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The form was built from an older version: show the saved one, keep what was typed
/// (now against the saved version, so submitting again is a deliberate overwrite).
fn conflict(
    ctx: &Ctx,
    case: &cases::Model,
    latest: &support_measures::Model,
    name: &str,
    mine: MeasureForm,
) -> Response {
    let errors = fields::changed_meanwhile("support measure");
    let mine = MeasureForm {
        version: latest.version.to_string(),
        ..mine
    };
    forms::stale(edit_page(ctx, case, latest, name, &mine, Some(latest), &errors))
}
