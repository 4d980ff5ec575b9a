//! The administrator's retention periods: years from closure, with a period of its own
//! for any outcome that needs one.

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::codes,
    error::AppResult,
    retention::rules::{Retention, YEARS_RANGE},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, Input, csrf_field, error_summary},
        layout,
        route::Route,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use maud::{Markup, html};
use std::collections::{BTreeMap, HashMap};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/retention", Permission::ManageSettings, show),
        Route::post("/admin/retention", Permission::ManageSettings, save),
    ]
}

/// The form as typed: `years`, and `years-<outcome>` (blank: the default applies).
type Typed = HashMap<String, String>;

fn typed_from(r: &Retention) -> Typed {
    let mut f = Typed::from([("years".to_owned(), r.years.to_string())]);
    for (outcome, years) in &r.by_outcome {
        f.insert(format!("years-{outcome}"), years.to_string());
    }
    f
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let r = Retention::load(&state.db).await?;
    Ok(page(&ctx, &typed_from(&r), &FormErrors::default()))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    // As pairs: a field sent twice is read once (the first), not refused unread.
    let mut f = Typed::new();
    for (k, v) in pairs {
        f.entry(k).or_insert(v);
    }
    let mut errors = FormErrors::default();
    let message = format!(
        "Enter a whole number of years from {} to {}",
        YEARS_RANGE.start(),
        YEARS_RANGE.end()
    );
    let parse = |v: &str| v.trim().parse::<i32>().ok().filter(|y| YEARS_RANGE.contains(y));
    let years = parse(f.get("years").map(String::as_str).unwrap_or(""));
    if years.is_none() {
        errors.add("years", message.clone());
    }
    let mut by_outcome = BTreeMap::new();
    for (outcome, _) in codes::OUTCOMES {
        let field = format!("years-{outcome}");
        match f.get(&field).map(|v| v.trim()).unwrap_or("") {
            "" => {}
            v => match parse(v) {
                Some(y) => {
                    by_outcome.insert(outcome.to_owned(), y);
                }
                None => errors.add(field, message.clone()),
            },
        }
    }
    let Some(years) = years.filter(|_| errors.is_empty()) else {
        return Ok(forms::invalid(page(&ctx, &f, &errors)));
    };
    let new = Retention { years, by_outcome };
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

fn page(ctx: &Ctx, f: &Typed, errors: &FormErrors) -> Markup {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    layout::page(
        ctx,
        "Retention periods",
        !errors.is_empty(),
        html! {
            a.back-link href="/admin/settings" { "Back to settings" }
            h1.heading-xl { "Retention periods" }
            (error_summary(errors))
            p.body { "How long a closed case is kept, counted from the day it was last closed. Afterwards a manager reviews it and destroys its identifying details (names, contact details, addresses, descriptions and notes); its dates, outcome and monitoring answers stay for the statistics. Cases with live court action, and cases a manager holds, are kept until that ends." }
            form method="post" action="/admin/retention" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("years", "Years after closure", get("years")).kind("number").narrow()
                    .hint("Six years is the Limitation Act period for most claims.").render(errors))
                h2.heading-m { "Outcomes with a period of their own (optional)" }
                @for (outcome, label) in codes::OUTCOMES {
                    @let field = format!("years-{outcome}");
                    (Input::text(&field, label, get(&field)).kind("number").narrow().render(errors))
                }
                button.button type="submit" { "Save retention periods" }
            }
        },
    )
}
