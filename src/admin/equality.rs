//! `/admin/reporting` (administrators): the recording target, the target days to close a
//! case, the disparity reference groups, and NM01's homes owned and other-system ASB cases
//! with a methodology note for each reporting year. Every save is audited.

use crate::reports::equality::{
    groups::{self, GROUPS},
    settings::{self, CLOSE_DAYS_RANGE, Nm01Year, ReportSettings, TARGET_RANGE},
};
use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, csrf_field, error_summary, select, textarea},
        layout,
        route::Route,
        table::{self, Col},
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/reporting", Permission::ManageSettings, show),
        Route::post("/admin/reporting", Permission::ManageSettings, save),
        Route::post("/admin/reporting/nm01", Permission::ManageSettings, save_year),
    ]
}

/// The longest methodology note.
const MAX_NOTE_CHARS: usize = 4_000;
/// Homes and cases: whole numbers up to ten million.
const MAX_COUNT: u32 = 10_000_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettingsForm {
    not_given_target_percent: String,
    close_target_days: String,
    group_reference: String,
    category_reference: String,
}

impl From<&ReportSettings> for SettingsForm {
    fn from(s: &ReportSettings) -> Self {
        SettingsForm {
            not_given_target_percent: s.not_given_target_percent.to_string(),
            close_target_days: s.close_target_days.to_string(),
            group_reference: s.group_reference.clone(),
            category_reference: s.category_reference.clone(),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct YearForm {
    year: String,
    homes_rental: String,
    homes_ownership: String,
    other_asb_cases: String,
    methodology: String,
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
    Ok(match settings::nm01_year(&state.db, year).await? {
        Some(y) => YearForm {
            year: y.year.to_string(),
            homes_rental: y.homes_rental.to_string(),
            homes_ownership: y.homes_ownership.to_string(),
            other_asb_cases: y.other_asb_cases.to_string(),
            methodology: y.methodology,
        },
        None => YearForm {
            year: year.to_string(),
            other_asb_cases: "0".to_owned(),
            ..Default::default()
        },
    })
}

fn number(text: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    text.trim()
        .replace(',', "")
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let target = number(&f.not_given_target_percent, TARGET_RANGE);
    if target.is_none() {
        errors.add(
            "not_given_target_percent",
            "Enter a whole-number percentage from 0 to 100",
        );
    }
    let days = number(&f.close_target_days, CLOSE_DAYS_RANGE);
    if days.is_none() {
        errors.add("close_target_days", "Enter a whole number of days from 1 to 730");
    }
    let group_ok = groups::group_label(f.group_reference.trim()).is_some();
    if !group_ok {
        errors.add("group_reference", "Choose the reference group from the list");
    }
    let category_ok = groups::categories().any(|(c, _)| c == f.category_reference.trim());
    if !category_ok {
        errors.add(
            "category_reference",
            "Choose the reference category from the list",
        );
    }
    let (Some(target), Some(days), true, true) = (target, days, group_ok, category_ok) else {
        let year = current_year_form(&state).await?;
        let markup = page(&state, &ctx, &f, &year, &errors).await?;
        return Ok(forms::invalid(markup));
    };
    let new = ReportSettings {
        not_given_target_percent: target,
        close_target_days: days,
        group_reference: f.group_reference.trim().to_owned(),
        category_reference: f.category_reference.trim().to_owned(),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    new.save(&txn, now, ctx.user()?.id).await?;
    audit::record(
        &txn,
        now,
        &ctx.actor()?,
        &origin,
        Event::new(
            "settings.updated",
            format!(
                "Report settings: not-given target {target}%; close within {days} days; reference group {}; reference category {}",
                new.group_reference, new.category_reference
            ),
        )
        .on("settings", "reports"),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Report settings saved.").await?;
    Ok(Redirect::to("/admin/reporting").into_response())
}

async fn save_year(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<YearForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add(
            "year",
            "Enter the year the reporting year starts in, like 2026 for 2026 to 2027",
        );
    }
    let rental = number(&f.homes_rental, 0..=MAX_COUNT);
    if rental.is_none() {
        errors.add(
            "homes_rental",
            "Enter the number of low-cost rental homes owned, a whole number",
        );
    }
    let ownership = number(&f.homes_ownership, 0..=MAX_COUNT);
    if ownership.is_none() {
        errors.add(
            "homes_ownership",
            "Enter the number of low-cost home ownership homes owned (0 if none)",
        );
    }
    let other = number(&f.other_asb_cases, 0..=MAX_COUNT);
    if other.is_none() {
        errors.add(
            "other_asb_cases",
            "Enter the number of ASB cases logged in other systems (0 if none)",
        );
    }
    if rental.zip(ownership).is_some_and(|(r, o)| r + o == 0) {
        errors.add(
            "homes_rental",
            "Enter the homes owned: NM01 cannot divide by no homes",
        );
    }
    if f.methodology.chars().count() > MAX_NOTE_CHARS {
        errors.add(
            "methodology",
            format!("Keep the methodology note to {MAX_NOTE_CHARS} characters"),
        );
    }
    let (Some(year), Some(rental), Some(ownership), Some(other), true) =
        (year, rental, ownership, other, errors.is_empty())
    else {
        let s = ReportSettings::load(&state.db).await?;
        let markup = page(&state, &ctx, &SettingsForm::from(&s), &f, &errors).await?;
        return Ok(forms::invalid(markup));
    };
    let y = Nm01Year {
        year,
        homes_rental: rental,
        homes_ownership: ownership,
        other_asb_cases: other,
        methodology: f.methodology.trim().to_owned(),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    settings::put_nm01_year(&txn, &y, now, ctx.user()?.id).await?;
    audit::record(
        &txn,
        now,
        &ctx.actor()?,
        &origin,
        Event::new(
            "settings.updated",
            format!(
                "NM01 {year} to {}: {rental} low-cost rental + {ownership} low-cost home ownership homes; {other} ASB cases in other systems",
                year + 1
            ),
        )
        .on("nm01_year", year),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("NM01 figures for {year} to {} saved.", year + 1),
    )
    .await?;
    Ok(Redirect::to("/admin/reporting").into_response())
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    f: &SettingsForm,
    y: &YearForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let years = settings::nm01_years(&state.db).await?;
    let group_choices: Vec<Choice> = GROUPS
        .iter()
        .map(|(code, label, _)| Choice {
            value: code.to_string(),
            label,
            selected: f.group_reference == *code,
        })
        .collect();
    let category_choices: Vec<Choice> = groups::categories()
        .map(|(code, label)| Choice {
            value: code.to_owned(),
            label,
            selected: f.category_reference == code,
        })
        .collect();
    Ok(layout::page(
        ctx,
        "Reporting settings",
        !errors.is_empty(),
        html! {
            h1.heading-xl { "Reporting settings" }
            (error_summary(errors))
            p.body { "These settings shape the equality reports managers and the equality lead read at " code { "/reports" } "." }
            form method="post" action="/admin/reporting" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("not_given_target_percent", "Recording target (%)", &f.not_given_target_percent).kind("number").narrow().hint("At most this share of victims with ethnicity \"Not known\" or \"Prefer not to say\". The default is 10.").render(errors))
                (Input::text("close_target_days", "Target days to close a case", &f.close_target_days).kind("number").narrow().hint("Calendar days from the report; the share closed within it is compared across ethnic groups.").render(errors))
                (select("group_reference", "Reference group for the five ethnic groups", &group_choices, errors))
                (select("category_reference", "Reference category for the nineteen categories", &category_choices, errors))
                button.button type="submit" { "Save settings" }
            }
            h2.heading-l { "NM01: homes owned" }
            p.body {
                "The Regulator of Social Housing's NM01 divides the anti-social behaviour cases opened in a reporting year (1 April to 31 March) by the homes owned, "
                "low-cost rental and low-cost home ownership together. Cases logged in other systems that year are added to NM01(1), because total ASB cases must include hate cases."
            }
            @if !years.is_empty() {
                (table::table("NM01 years", &[Col::Text("Reporting year"), Col::Numeric("Low-cost rental"), Col::Numeric("Low-cost home ownership"), Col::Numeric("Homes"), Col::Numeric("ASB cases in other systems")], html! {
                    @for y in &years {
                        tr {
                            td.table__cell { (y.year) " to " (y.year + 1) }
                            td.table__cell.table__cell--numeric { (y.homes_rental) }
                            td.table__cell.table__cell--numeric { (y.homes_ownership) }
                            td.table__cell.table__cell--numeric { (y.homes()) }
                            td.table__cell.table__cell--numeric { (y.other_asb_cases) }
                        }
                    }
                }))
            }
            form method="post" action="/admin/reporting/nm01" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("year", "Reporting year starting in", &y.year).kind("number").narrow().hint("For example 2026 for 1 April 2026 to 31 March 2027. Saving a year again replaces its figures.").render(errors))
                (Input::text("homes_rental", "Low-cost rental homes owned", &y.homes_rental).kind("number").narrow().render(errors))
                (Input::text("homes_ownership", "Low-cost home ownership homes owned", &y.homes_ownership).kind("number").narrow().render(errors))
                (Input::text("other_asb_cases", "ASB cases logged in other systems that year", &y.other_asb_cases).kind("number").narrow().render(errors))
                (textarea("methodology", "Methodology note", Some("Printed with the figures: how cases were counted, and any change from last year that affects comparison."), &y.methodology, errors))
                button.button.button--secondary type="submit" { "Save NM01 figures" }
            }
        },
    ))
}
