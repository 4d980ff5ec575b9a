//! Pages of `/admin/procedure`: functions of plain view models, no queries.

use super::form::{ProcedureForm, amount_id, unit_id};
use crate::{
    procedure::{MAX_AMOUNT, Priority, Stage, Timescale, Unit},
    web::{
        Ctx,
        forms::{FormErrors, csrf_field, error_summary, textarea},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};
use time::OffsetDateTime;

/// A version as listed: number, when, by whom, why.
pub struct VersionSummary {
    pub number: i32,
    pub created_at: OffsetDateTime,
    pub author: String,
    pub note: String,
}

/// A version shown read-only: its summary and, per stage, the Priority 1 and 2 timescales.
pub struct VersionView {
    pub summary: VersionSummary,
    pub rows: Vec<(Stage, Timescale, Timescale)>,
}

/// The edit page: the current version (the form starts from it) and the earlier ones.
pub struct EditView {
    pub current: VersionSummary,
    pub earlier: Vec<VersionSummary>,
}

/// Id of the timescales table, for error-summary links about the whole table.
pub const TABLE_ID: &str = "timescales";

pub fn edit_page(
    ctx: &Ctx,
    view: &EditView,
    form: &ProcedureForm,
    errors: &FormErrors,
    theirs: Option<&VersionView>,
) -> Markup {
    let next = view.current.number + 1;
    layout::page(
        ctx,
        "Procedure timescales",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Procedure timescales" }
            (summary_list(&view.current, "Current version"))
            p.body {
                "Saving creates version " (next) ". Cases opened from then on follow it. "
                "Cases already open keep the version they were opened under, and no deadline already set is changed."
            }
            p.body {
                "Each timescale is a whole number from 1 to " (MAX_AMOUNT) " of hours (an exact time), working days (due at the end of the day in London, not counting weekends, bank holidays and closure days) or calendar days. "
                "Recurring stages are scheduled again each time one is done; a frequency agreed with the victim overrides the regular victim update."
            }
            form method="post" action="/admin/procedure" novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="version" value=(form.version);
                div id=(TABLE_ID) tabindex="-1" {
                    (table::table(
                        "Timescales by stage and priority",
                        &[Col::Text("Stage"), Col::Text("Priority 1"), Col::Text("Priority 2")],
                        html! {
                            @for stage in Stage::ALL {
                                tr {
                                    th.table__header scope="row" {
                                        (stage.label())
                                        @if stage.recurring() { " " strong.tag.tag--blue { "Recurring" } }
                                    }
                                    @for priority in Priority::ALL {
                                        (cell(stage, priority, form, errors))
                                    }
                                }
                            }
                        },
                    ))
                }
                (textarea(
                    "note",
                    "Why are the timescales changing?",
                    Some("For example, the board meeting that agreed it. Up to 500 characters; shown with the version."),
                    &form.note,
                    errors,
                ))
                button.button type="submit" { "Save as version " (next) }
            }
            @if let Some(theirs) = theirs {
                h2.heading-l { "Version " (theirs.summary.number) " as saved by " (theirs.summary.author) }
                (timescales_table(theirs))
            }
            h2.heading-l { "Earlier versions" }
            @if view.earlier.is_empty() {
                p.body { "There are no earlier versions." }
            } @else {
                (versions_table(&view.earlier))
            }
        },
    )
}

fn cell(stage: Stage, priority: Priority, form: &ProcedureForm, errors: &FormErrors) -> Markup {
    let typed = form.cell(stage, priority);
    let amount = amount_id(stage, priority);
    let unit = unit_id(stage, priority);
    let amount_error = errors.get(&amount);
    let unit_error = errors.get(&unit);
    let amount_error_id = format!("{amount}-error");
    let unit_error_id = format!("{unit}-error");
    html! {
        td.table__cell {
            div.form-group.form-group--error[amount_error.is_some() || unit_error.is_some()] {
                @if let Some(message) = amount_error {
                    p.error-message id=(amount_error_id) { span.visually-hidden { "Error: " } (message) }
                }
                @if let Some(message) = unit_error {
                    p.error-message id=(unit_error_id) { span.visually-hidden { "Error: " } (message) }
                }
                label.visually-hidden for=(amount) { (stage.label()) ", " (priority.label()) ": how many" }
                input.input.input--width-10.input--error[amount_error.is_some()]
                    id=(amount) name=(amount) type="text" inputmode="numeric" spellcheck="false"
                    value=(typed.amount)
                    aria-describedby=[amount_error.map(|_| amount_error_id.as_str())];
                label.visually-hidden for=(unit) { (stage.label()) ", " (priority.label()) ": unit" }
                select.select.input--error[unit_error.is_some()] id=(unit) name=(unit)
                    aria-describedby=[unit_error.map(|_| unit_error_id.as_str())] {
                    @for u in Unit::ALL {
                        option value=(u.code()) selected[typed.unit.trim() == u.code()] { (u.label()) }
                    }
                }
            }
        }
    }
}

fn summary_list(v: &VersionSummary, heading: &str) -> Markup {
    html! {
        dl.summary-list aria-label=(heading) {
            div.summary-list__row {
                dt.summary-list__key { (heading) }
                dd.summary-list__value { "Version " (v.number) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Saved" }
                dd.summary-list__value { (time_fmt::datetime(v.created_at)) " by " (v.author) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Why" }
                dd.summary-list__value.preserve-lines { (v.note) }
            }
        }
    }
}

fn versions_table(versions: &[VersionSummary]) -> Markup {
    table::table(
        "Earlier versions",
        &[
            Col::Numeric("Version"),
            Col::Text("Saved"),
            Col::Text("By"),
            Col::Text("Why"),
            Col::Actions,
        ],
        html! {
            @for v in versions {
                tr {
                    td.table__cell.table__cell--numeric { (v.number) }
                    td.table__cell { (time_fmt::datetime(v.created_at)) }
                    td.table__cell { (v.author) }
                    td.table__cell.preserve-lines { (v.note) }
                    td.table__cell {
                        a href={ "/admin/procedure/versions/" (v.number) } {
                            "View" span.visually-hidden { " version " (v.number) }
                        }
                    }
                }
            }
        },
    )
}

fn timescales_table(v: &VersionView) -> Markup {
    table::table(
        &format!("Timescales of version {}", v.summary.number),
        &[
            Col::Text("Stage"),
            Col::Text("Priority 1"),
            Col::Text("Priority 2"),
        ],
        html! {
            @for (stage, p1, p2) in &v.rows {
                tr {
                    th.table__header scope="row" {
                        (stage.label())
                        @if stage.recurring() { " " strong.tag.tag--blue { "Recurring" } }
                    }
                    td.table__cell { (p1.describe()) }
                    td.table__cell { (p2.describe()) }
                }
            }
        },
    )
}

/// One version, read-only.
pub fn version_page(ctx: &Ctx, v: &VersionView, current_number: i32) -> Markup {
    let title = format!("Procedure version {}", v.summary.number);
    layout::page(
        ctx,
        &title,
        false,
        html! {
            a.back-link href="/admin/procedure" { "Back to procedure timescales" }
            span.caption { "Procedure timescales" }
            h1.heading-xl { (title) }
            (summary_list(&v.summary, "Version"))
            @if v.summary.number == current_number {
                p.body { "This is the current version: new cases are opened under it." }
            } @else {
                p.body { "This version has been replaced. Cases opened under it keep these timescales." }
            }
            (timescales_table(v))
        },
    )
}
