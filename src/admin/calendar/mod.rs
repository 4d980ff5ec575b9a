//! `/admin/calendar`: the landlord's working-day calendar. Administrators choose the
//! bank-holiday division, keep the list of closure days, and see each year's bank holidays
//! (computed years marked provisional). Changes affect deadlines planned from then on;
//! due dates already set are never rewritten.

mod form;
mod store;
mod view;

use self::{
    form::{ClosureForm, DivisionForm, YearQuery, validate_closure, validate_division, year_asked},
    view::CalendarView,
};
use crate::{
    audit::Origin,
    auth::policy::Permission,
    calendar,
    deadlines::calendar_settings,
    error::AppResult,
    state::AppState,
    web::time_fmt::iso_date,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/calendar", Permission::ManageSettings, show),
        Route::post(
            "/admin/calendar/division",
            Permission::ManageSettings,
            save_division,
        ),
        Route::post(
            "/admin/calendar/closure-days",
            Permission::ManageSettings,
            add_closure_day,
        ),
        Route::post(
            "/admin/calendar/closure-days/{id}/delete",
            Permission::ManageSettings,
            remove_closure_day,
        ),
    ]
}

async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> AppResult<Markup> {
    let this_year = calendar::london_date(state.now()).year();
    let year = year_asked(q.year.as_deref(), this_year)?;
    page(
        &state,
        &ctx,
        year,
        None,
        &ClosureForm::default(),
        &FormErrors::default(),
    )
    .await
}

async fn save_division(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<DivisionForm>,
) -> AppResult<Response> {
    let division = match validate_division(&f) {
        Ok(division) => division,
        Err(errors) => {
            return invalid(&state, &ctx, Some(&f.division), &ClosureForm::default(), &errors).await;
        }
    };
    let actor = ctx.actor()?;
    let by = ctx.user()?.id;
    let now = state.now();
    if !store::save_division(&state.db, &actor, &origin, now, by, division).await? {
        set_flash(
            &ctx.session,
            format!("The division was already {}: nothing changed.", division.label()),
        )
        .await?;
        return Ok(Redirect::to("/admin/calendar").into_response());
    }
    set_flash(
        &ctx.session,
        format!(
            "Bank holidays now follow {}. Deadlines planned from now on use them.",
            division.label()
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/calendar").into_response())
}

async fn add_closure_day(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<ClosureForm>,
) -> AppResult<Response> {
    let closure = match validate_closure(&f) {
        Ok(v) => v,
        Err(errors) => return invalid(&state, &ctx, None, &f, &errors).await,
    };
    let day = closure.day;
    let duplicate = |errors: &mut FormErrors| {
        errors.add(
            "closure_date",
            format!("{} is already a closure day", iso_date(day)),
        )
    };
    if store::is_closure_day(&state.db, day).await? {
        let mut errors = FormErrors::default();
        duplicate(&mut errors);
        return invalid(&state, &ctx, None, &f, &errors).await;
    }
    let actor = ctx.actor()?;
    let by = ctx.user()?.id;
    let now = state.now();
    if let Err(store::DayTaken) = store::add_closure_day(&state.db, &actor, &origin, now, by, closure).await?
    {
        let mut errors = FormErrors::default();
        duplicate(&mut errors);
        return invalid(&state, &ctx, None, &f, &errors).await;
    }
    set_flash(
        &ctx.session,
        format!(
            "Added {} as a closure day. Deadlines planned from now on skip it.",
            iso_date(day)
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/calendar").into_response())
}

async fn remove_closure_day(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let now = state.now();
    let day = store::remove_closure_day(&state.db, &actor, &origin, now, id).await?;
    set_flash(
        &ctx.session,
        format!("Removed the closure day on {}.", iso_date(day)),
    )
    .await?;
    Ok(Redirect::to("/admin/calendar").into_response())
}

/// The page again with the user's input and errors (422).
async fn invalid(
    state: &AppState,
    ctx: &Ctx,
    division: Option<&str>,
    closure: &ClosureForm,
    errors: &FormErrors,
) -> AppResult<Response> {
    let year = calendar::london_date(state.now()).year();
    let markup = page(state, ctx, year, division, closure, errors).await?;
    Ok(forms::invalid(markup))
}

/// The page for `year`, with the division as typed (after an error, else as saved), the
/// closure form as typed and the errors.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    year: i32,
    division_typed: Option<&str>,
    closure: &ClosureForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let saved = calendar_settings::division(&state.db).await?;
    let view = CalendarView {
        saved,
        division_typed: division_typed.map_or_else(|| saved.code().to_owned(), str::to_owned),
        closure_days: calendar_settings::closure_days(&state.db).await?,
        closure,
        this_year: calendar::london_date(state.now()).year(),
        year,
        holidays: calendar::bank_holidays(saved, year),
        last_published: calendar::last_published_year(),
    };
    Ok(view::page(ctx, &view, errors))
}
