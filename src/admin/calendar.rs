//! `/admin/calendar`: the landlord's working-day calendar. Administrators choose the
//! bank-holiday division, keep the list of closure days, and see each year's bank holidays
//! (computed years marked provisional). Changes affect deadlines planned from then on;
//! due dates already set are never rewritten.

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    calendar::{self, Division, Holiday},
    deadlines::calendar_settings,
    error::{AppError, AppResult},
    state::AppState,
    web::time_fmt::iso_date,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, csrf_field, error_summary, radios},
        layout,
        route::Route,
        table::{self, Col},
        time_fmt,
    },
};
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::closure_days;
use maud::{Markup, html};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use std::ops::RangeInclusive;

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

/// Years whose bank holidays can be shown (the data starts in 2019; dates stop at 2100).
pub const YEARS: RangeInclusive<i32> = 2019..=2100;

/// Longest closure-day label.
pub const MAX_LABEL_CHARS: usize = 120;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DivisionForm {
    division: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ClosureForm {
    closure_date: String,
    closure_label: String,
}

/// The year asked for (`?year=`), or this London year when none is given.
fn year_asked(asked: Option<&str>, this_year: i32) -> Result<i32, AppError> {
    match asked.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(this_year),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| YEARS.contains(y))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Choose a year from {} to {}.",
                    YEARS.start(),
                    YEARS.end()
                ))
            }),
    }
}

/// A valid new closure day, or the form's errors (duplicates are checked against the database).
fn check_closure(f: &ClosureForm) -> Result<(time::Date, String), FormErrors> {
    let mut errors = FormErrors::default();
    let day = if f.closure_date.trim().is_empty() {
        errors.add("closure_date", "Enter the date of the closure day");
        None
    } else {
        let day = time_fmt::parse_date(&f.closure_date);
        if day.is_none() {
            errors.add(
                "closure_date",
                "Enter a real date as YYYY-MM-DD, for example 2026-12-24",
            );
        }
        day
    };
    let label = f.closure_label.split_whitespace().collect::<Vec<_>>().join(" ");
    match label.chars().count() {
        0 => errors.add("closure_label", "Enter what the closure day is for"),
        n if n > MAX_LABEL_CHARS => errors.add(
            "closure_label",
            format!("The label must be {MAX_LABEL_CHARS} characters or fewer"),
        ),
        _ => {}
    }
    match day {
        Some(day) if errors.is_empty() => Ok((day, label)),
        _ => Err(errors),
    }
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
    let Some(division) = Division::from_code(f.division.trim()) else {
        let mut errors = FormErrors::default();
        errors.add("division", "Choose the bank holidays your offices follow");
        return invalid(&state, &ctx, Some(&f.division), &ClosureForm::default(), &errors).await;
    };
    let actor = ctx.actor()?;
    let by = ctx.user()?.id;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let before = calendar_settings::division(&txn).await?;
    if before == division {
        drop(txn);
        set_flash(
            &ctx.session,
            format!("The division was already {}: nothing changed.", division.label()),
        )
        .await?;
        return Ok(Redirect::to("/admin/calendar").into_response());
    }
    calendar_settings::save_division(&txn, division, now, by).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "calendar.division_changed",
            format!(
                "Bank-holiday division changed from {} to {}",
                before.label(),
                division.label()
            ),
        )
        .on("setting", "calendar.division"),
    )
    .await?;
    txn.commit().await?;
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
    let (day, label) = match check_closure(&f) {
        Ok(v) => v,
        Err(errors) => return invalid(&state, &ctx, None, &f, &errors).await,
    };
    let duplicate = |errors: &mut FormErrors| {
        errors.add(
            "closure_date",
            format!("{} is already a closure day", iso_date(day)),
        )
    };
    let existing = closure_days::Entity::find()
        .filter(closure_days::Column::Day.eq(day))
        .one(&state.db)
        .await?;
    if existing.is_some() {
        let mut errors = FormErrors::default();
        duplicate(&mut errors);
        return invalid(&state, &ctx, None, &f, &errors).await;
    }
    let actor = ctx.actor()?;
    let by = ctx.user()?.id;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let inserted = closure_days::Entity::insert(closure_days::ActiveModel {
        day: Set(day),
        label: Set(label),
        created_at: Set(now),
        created_by: Set(by),
        ..Default::default()
    })
    .exec(&txn)
    .await;
    let id = match inserted {
        Ok(r) => r.last_insert_id,
        // Another administrator added the same day a moment ago.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            let mut errors = FormErrors::default();
            duplicate(&mut errors);
            return invalid(&state, &ctx, None, &f, &errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "calendar.closure_day_added",
            format!("Closure day {} added", iso_date(day)),
        )
        .on("closure_day", id),
    )
    .await?;
    txn.commit().await?;
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
    let txn = crate::db::begin(&state.db).await?;
    let day = closure_days::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    closure_days::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "calendar.closure_day_removed",
            format!("Closure day {} removed", iso_date(day.day)),
        )
        .on("closure_day", id),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("Removed the closure day on {}.", iso_date(day.day)),
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

/// What the page shows.
struct CalendarView<'a> {
    /// The division as saved, and the choice to show ticked (as typed, after an error).
    saved: Division,
    division_typed: String,
    closure_days: Vec<closure_days::Model>,
    closure: &'a ClosureForm,
    this_year: i32,
    year: i32,
    holidays: Vec<Holiday>,
    last_published: i32,
}

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
    Ok(render(ctx, &view, errors))
}

fn render(ctx: &Ctx, v: &CalendarView, errors: &FormErrors) -> Markup {
    let choices: Vec<Choice> = Division::ALL
        .into_iter()
        .map(|d| Choice {
            value: d.code().to_owned(),
            label: d.label(),
            selected: v.division_typed == d.code(),
        })
        .collect();
    let mut years: Vec<i32> = (v.this_year..=v.this_year + 2)
        .filter(|y| YEARS.contains(y))
        .collect();
    if !years.contains(&v.year) {
        years.push(v.year);
        years.sort_unstable();
    }
    let provisional_year = calendar::is_provisional_year(v.year);
    layout::page(
        ctx,
        "Working-day calendar",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Working-day calendar" }
            p.body {
                "Deadlines counted in working days skip weekends, the bank holidays of your division and your closure days. "
                "Changes here affect deadlines planned from now on: due dates already set are not rewritten."
            }

            h2.heading-l { "Bank-holiday division" }
            form method="post" action="/admin/calendar/division" novalidate {
                (csrf_field(&ctx.csrf))
                (radios(
                    "division",
                    "Which bank holidays do your offices follow?",
                    Some("Changing this affects deadlines planned from now on. Existing due dates are not rewritten."),
                    &choices,
                    errors,
                ))
                button.button type="submit" { "Save division" }
            }

            h2.heading-l { "Closure days" }
            p.body { "Days your offices are closed besides bank holidays, such as a staff training day or the days between Christmas and New Year." }
            @if v.closure_days.is_empty() {
                p.body { "There are no closure days." }
            } @else {
                (table::table("Closure days", &[Col::Text("Date"), Col::Text("Label"), Col::Actions], html! {
                    @for d in &v.closure_days {
                        tr {
                            td.table__cell { (time_fmt::date(d.day)) }
                            td.table__cell { (d.label) }
                            td.table__cell {
                                form.inline method="post" action={ "/admin/calendar/closure-days/" (d.id) "/delete" } {
                                    (csrf_field(&ctx.csrf))
                                    button.link-button type="submit" { "Remove" span.visually-hidden { " closure day " (iso_date(d.day)) } }
                                }
                            }
                        }
                    }
                }))
            }
            h3.heading-m { "Add a closure day" }
            form method="post" action="/admin/calendar/closure-days" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("closure_date", "Date", &v.closure.closure_date).hint("As YYYY-MM-DD, for example 2026-12-24.").narrow().render(errors))
                (Input::text("closure_label", "What is it for?", &v.closure.closure_label).hint("For example: Staff training day. Up to 120 characters.").render(errors))
                button.button.button--secondary type="submit" { "Add closure day" }
            }

            h2.heading-l { "Bank holidays in " (v.saved.label()) }
            p.body {
                "Published GOV.UK dates run to " (v.last_published) "; later years are computed and provisional."
            }
            nav.tabs aria-label="Years" {
                ul.tabs__list {
                    @for y in &years {
                        li.tabs__item.tabs__item--selected[*y == v.year] {
                            @if *y == v.year {
                                a.tabs__link href={ "/admin/calendar?year=" (y) } aria-current="true" { (y) }
                            } @else {
                                a.tabs__link href={ "/admin/calendar?year=" (y) } { (y) }
                            }
                        }
                    }
                }
            }
            @if provisional_year {
                p.body {
                    "The " (v.year) " dates are computed from the standing rules and are provisional: a one-off holiday may still be announced, or a holiday moved."
                }
            }
            @if v.holidays.is_empty() {
                p.body { "No bank holidays are known for " (v.year) "." }
            } @else {
                (table::table(&format!("Bank holidays in {}", v.year), &[Col::Text("Date"), Col::Text("Holiday"), Col::Text("Status")], html! {
                    @for h in &v.holidays {
                        tr {
                            td.table__cell { (time_fmt::date(h.date)) }
                            td.table__cell { (h.title) }
                            td.table__cell {
                                @if h.provisional { strong.tag.tag--yellow { "Provisional" } } @else { "Published" }
                            }
                        }
                    }
                }))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_the_range_or_not_numbers_are_bad_requests() {
        assert_eq!(year_asked(None, 2026).ok(), Some(2026));
        assert_eq!(year_asked(Some(""), 2026).ok(), Some(2026));
        assert_eq!(year_asked(Some("2028"), 2026).ok(), Some(2028));
        assert_eq!(year_asked(Some("2019"), 2026).ok(), Some(2019));
        assert_eq!(year_asked(Some("2100"), 2026).ok(), Some(2100));
        for bad in ["2018", "2101", "abc", "20x6", "-1", "99999999999"] {
            assert!(
                matches!(year_asked(Some(bad), 2026), Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn closure_days_need_a_real_date_and_a_short_label() {
        let form = |d: &str, l: &str| ClosureForm {
            closure_date: d.to_owned(),
            closure_label: l.to_owned(),
        };
        let (day, label) = check_closure(&form(" 2026-12-24 ", "  Staff   training  ")).expect("valid");
        assert_eq!(iso_date(day), "2026-12-24");
        assert_eq!(label, "Staff training");
        let table: [(&str, &str, &[&str]); 6] = [
            ("", "x", &["closure_date"]),
            ("2026-02-30", "x", &["closure_date"]),
            ("24/12/2026", "x", &["closure_date"]),
            ("2101-01-01", "x", &["closure_date"]),
            ("2026-12-24", "   ", &["closure_label"]),
            (
                "nope",
                &"x".repeat(MAX_LABEL_CHARS + 1),
                &["closure_date", "closure_label"],
            ),
        ];
        for (d, l, wrong) in table {
            let errors = check_closure(&form(d, l)).expect_err(d);
            for id in wrong {
                assert!(errors.get(id).is_some(), "{d:?}: no error on {id}");
            }
        }
        assert!(check_closure(&form("2026-12-24", &"x".repeat(MAX_LABEL_CHARS))).is_ok());
    }
}
