//! The administrator's retention periods: years from closure, with a period of its own
//! for any outcome that needs one.

mod form;
mod view;

use self::form::{typed_from, typed_from_pairs, validate};
use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::codes,
    error::AppResult,
    retention::rules::Retention,
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
        Route::get("/admin/retention", Permission::ManageSettings, show),
        Route::post("/admin/retention", Permission::ManageSettings, save),
    ]
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let r = Retention::load(&state.db).await?;
    Ok(view::page(&ctx, &typed_from(&r), &FormErrors::default()))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = typed_from_pairs(pairs);
    let new = match validate(&f) {
        Ok(new) => new,
        Err(errors) => return Ok(forms::invalid(view::page(&ctx, &f, &errors))),
    };
    let years = new.years;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    new.save(&txn, now, ctx.user()?.id).await?;
    let own: Vec<String> = new
        .by_outcome
        .iter()
        .map(|(o, y)| format!("{} {y}", codes::label(&codes::OUTCOMES, o)))
        .collect();
    let summary = format!(
        "Retention: {years} years after closure{}",
        if own.is_empty() {
            String::new()
        } else {
            format!("; by outcome: {}", own.join(", "))
        }
    );
    audit::record(
        &txn,
        now,
        &ctx.actor()?,
        &origin,
        Event::new("settings.updated", summary).on("settings", "retention"),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Retention periods saved.").await?;
    Ok(Redirect::to("/admin/retention").into_response())
}
