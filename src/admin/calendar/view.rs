//! The page of `/admin/calendar`: a function of a plain view model, no queries.

use super::form::{ClosureForm, YEARS};
use crate::{
    calendar::{self, Division, Holiday},
    web::time_fmt::iso_date,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, csrf_field, error_summary, radios},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use entity::closure_days;
use maud::{Markup, html};

/// What the page shows.
pub struct CalendarView<'a> {
    /// The division as saved, and the choice to show ticked (as typed, after an error).
    pub saved: Division,
    pub division_typed: String,
    pub closure_days: Vec<closure_days::Model>,
    pub closure: &'a ClosureForm,
    pub this_year: i32,
    pub year: i32,
    pub holidays: Vec<Holiday>,
    pub last_published: i32,
}

/// `/admin/calendar`: the division, the closure days and one year's bank holidays.
pub fn page(ctx: &Ctx, v: &CalendarView, errors: &FormErrors) -> Markup {
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
