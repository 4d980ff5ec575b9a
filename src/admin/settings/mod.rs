//! Landlord settings for cases: how hate incidents are prioritised, the ASB Case Review
//! threshold, and the motivation strands (the five monitored ones are fixed; local ones
//! are added and retired here, never deleted).

mod form;
mod store;
mod view;

use self::form::{SettingsForm, StrandForm, validate_settings, validate_strand};
use crate::{
    audit::Origin,
    auth::policy::Permission,
    cases::settings::CaseSettings,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use maud::Markup;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/settings", Permission::ManageSettings, show),
        Route::post("/admin/settings", Permission::ManageSettings, save),
        Route::post("/admin/strands", Permission::ManageSettings, add_strand),
        Route::post(
            "/admin/strands/{id}/retire",
            Permission::ManageSettings,
            retire_strand,
        ),
        Route::post(
            "/admin/strands/{id}/reinstate",
            Permission::ManageSettings,
            reinstate_strand,
        ),
    ]
}

async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let settings = CaseSettings::load(&state.db).await?;
    page(
        &state,
        &ctx,
        &SettingsForm::from(&settings),
        &StrandForm::default(),
        &FormErrors::default(),
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let new = match validate_settings(&f) {
        Ok(new) => new,
        Err(errors) => {
            let markup = page(&state, &ctx, &f, &StrandForm::default(), &errors).await?;
            return Ok(forms::invalid(markup));
        }
    };
    let actor = ctx.actor()?;
    let now = state.now();
    store::save_settings(&state.db, &actor, &origin, now, ctx.user()?.id, &new).await?;
    set_flash(&ctx.session, "Settings saved.").await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

async fn add_strand(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<StrandForm>,
) -> AppResult<Response> {
    let taken = || {
        let mut errors = FormErrors::default();
        errors.add("label", "That strand already exists");
        errors
    };
    let strand = match validate_strand(&f) {
        Ok(strand) => strand,
        Err(errors) => return invalid_strand(&state, &ctx, &f, &errors).await,
    };
    if store::strand_exists(&state.db, &strand.code).await? {
        return invalid_strand(&state, &ctx, &f, &taken()).await;
    }
    let actor = ctx.actor()?;
    let now = state.now();
    let label = strand.label.clone();
    if let Err(store::StrandTaken) = store::add_strand(&state.db, &actor, &origin, now, strand).await? {
        return invalid_strand(&state, &ctx, &f, &taken()).await;
    }
    set_flash(&ctx.session, format!("Added the strand {label}.")).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

/// The page again with the strand as typed and its errors (422).
async fn invalid_strand(
    state: &AppState,
    ctx: &Ctx,
    f: &StrandForm,
    errors: &FormErrors,
) -> AppResult<Response> {
    let settings = CaseSettings::load(&state.db).await?;
    let markup = page(state, ctx, &SettingsForm::from(&settings), f, errors).await?;
    Ok(forms::invalid(markup))
}

async fn retire_strand(
    state: State<AppState>,
    ctx: Ctx,
    origin: Origin,
    id: Path<i32>,
) -> AppResult<Response> {
    set_strand_retired(state, ctx, origin, id, true).await
}

async fn reinstate_strand(
    state: State<AppState>,
    ctx: Ctx,
    origin: Origin,
    id: Path<i32>,
) -> AppResult<Response> {
    set_strand_retired(state, ctx, origin, id, false).await
}

async fn set_strand_retired(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    retired: bool,
) -> AppResult<Response> {
    let strand = store::find_strand(&state.db, id).await?;
    if strand.monitored {
        return Err(AppError::Conflict(
            "The five monitored strands cannot be retired.",
        ));
    }
    let actor = ctx.actor()?;
    let now = state.now();
    let verb = store::set_strand_retired(&state.db, &actor, &origin, now, &strand, retired).await?;
    set_flash(&ctx.session, format!("{verb} the strand {}.", strand.label)).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

/// The page with both forms as given and the errors.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    f: &SettingsForm,
    strand_form: &StrandForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let strands = store::strands(&state.db).await?;
    Ok(view::page(ctx, f, strand_form, &strands, errors))
}
