//! `/admin/reporting` (administrators): the recording target, the target days to close a
//! case, the disparity reference groups, and NM01's homes owned and other-system ASB cases
//! with a methodology note for each reporting year. Every save is audited.

mod form;
mod store;
mod view;

use self::form::{SettingsForm, YearForm, validate_settings, validate_year};
use crate::reports::equality::settings::{self, ReportSettings};
use crate::{
    audit::Origin,
    auth::policy::Permission,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use maud::Markup;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/reporting", Permission::ManageSettings, show),
        Route::post("/admin/reporting", Permission::ManageSettings, save),
        Route::post("/admin/reporting/nm01", Permission::ManageSettings, save_year),
    ]
}

async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let s = ReportSettings::load(&state.db).await?;
    let form = current_year_form(&state).await?;
    page(
        &state,
        &ctx,
        &SettingsForm::from(&s),
        &form,
        &FormErrors::default(),
    )
    .await
}

/// The NM01 form for this reporting year, as saved (or ready to fill in).
async fn current_year_form(state: &AppState) -> AppResult<YearForm> {
    let year =
        crate::reports::compliance::period::financial_year_of(crate::calendar::london_date(state.now()));
    Ok(YearForm::of(year, settings::nm01_year(&state.db, year).await?))
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
            let year = current_year_form(&state).await?;
            let markup = page(&state, &ctx, &f, &year, &errors).await?;
            return Ok(forms::invalid(markup));
        }
    };
    let now = state.now();
    store::save_settings(&state.db, &ctx.actor()?, &origin, now, ctx.user()?.id, &new).await?;
    set_flash(&ctx.session, "Report settings saved.").await?;
    Ok(Redirect::to("/admin/reporting").into_response())
}

async fn save_year(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<YearForm>,
) -> AppResult<Response> {
    let y = match validate_year(&f) {
        Ok(y) => y,
        Err(errors) => {
            let s = ReportSettings::load(&state.db).await?;
            let markup = page(&state, &ctx, &SettingsForm::from(&s), &f, &errors).await?;
            return Ok(forms::invalid(markup));
        }
    };
    let now = state.now();
    store::save_year(&state.db, &ctx.actor()?, &origin, now, ctx.user()?.id, &y).await?;
    set_flash(
        &ctx.session,
        format!("NM01 figures for {} to {} saved.", y.year, y.year + 1),
    )
    .await?;
    Ok(Redirect::to("/admin/reporting").into_response())
}

/// The page with both forms as given and the errors.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    f: &SettingsForm,
    y: &YearForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let years = settings::nm01_years(&state.db).await?;
    Ok(view::page(ctx, f, y, &years, errors))
}
