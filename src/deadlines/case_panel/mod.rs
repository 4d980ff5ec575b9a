//! Deadlines on the case page: every deadline with its stage, due time, state and how late,
//! and the actions on one deadline (record done, extend, waive) and on the case's agreed
//! contact frequency. Which actions show follows the access policy.

mod actions;
mod frequency;

use super::{calendar_settings, schedule, state::State};
use crate::{
    auth::policy::{Permission, allows},
    calendar::Calendar,
    cases::{codes, staff_names::user_names, visibility::Viewer},
    procedure::{Stage, Timescale, Unit},
    web::{
        route::Route,
        table::{self, Col},
        time_fmt,
    },
};
use entity::{cases, deadlines};
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get(
            "/cases/{reference}/deadlines/{id}/done",
            ManageDeadlines,
            actions::done_form,
        ),
        Route::post(
            "/cases/{reference}/deadlines/{id}/done",
            ManageDeadlines,
            actions::done,
        ),
        Route::get(
            "/cases/{reference}/deadlines/{id}/extend",
            ManageDeadlines,
            actions::extend_form,
        ),
        Route::post(
            "/cases/{reference}/deadlines/{id}/extend",
            ManageDeadlines,
            actions::extend,
        ),
        Route::get(
            "/cases/{reference}/deadlines/{id}/waive",
            WaiveDeadlines,
            actions::waive_form,
        ),
        Route::post(
            "/cases/{reference}/deadlines/{id}/waive",
            WaiveDeadlines,
            actions::waive,
        ),
        Route::get(
            "/cases/{reference}/contact-frequency",
            ManageDeadlines,
            frequency::form,
        ),
        Route::post(
            "/cases/{reference}/contact-frequency",
            ManageDeadlines,
            frequency::save,
        ),
    ]
}

/// One deadline as the case page shows it.
pub struct Row {
    pub deadline: deadlines::Model,
    pub state: State,
    /// Working days late (done late) or overdue (open past due); None when neither.
    pub working_days_late: Option<u32>,
    /// Who recorded it done, waived it or closed it off; who extended it.
    pub resolved_by: Option<String>,
    pub extended_by: Option<String>,
}

/// The case's deadlines, in the order they fall due.
pub struct Panel {
    pub rows: Vec<Row>,
    /// The regular-update timescale agreed with the victim, if any.
    pub agreed_frequency: Option<Timescale>,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let calendar = calendar_settings::load(db).await?;
    let list = super::of_case::of_case(db, case.id).await?.to_vec();
    let names = user_names(db, list.iter().flat_map(|d| [d.resolved_by, d.extended_by])).await?;
    let name = |id: Option<i32>| id.and_then(|id| names.get(&id).cloned());
    let rows = list.into_iter().map(|d| row(&calendar, d, now, &name)).collect();
    Ok(Panel {
        rows,
        agreed_frequency: schedule::agreed_frequency(case),
    })
}

fn row(
    calendar: &Calendar,
    d: deadlines::Model,
    now: OffsetDateTime,
    name: &impl Fn(Option<i32>) -> Option<String>,
) -> Row {
    let state = super::state::state(&d, now);
    let working_days_late = match state {
        State::Late => d.late_working_days.map(|n| n.max(0) as u32),
        State::Overdue => Some(calendar.working_days_late(d.due_at, now)),
        _ => None,
    };
    Row {
        state,
        working_days_late,
        resolved_by: name(d.resolved_by),
        extended_by: name(d.extended_by),
        deadline: d,
    }
}

/// "Initial contact with victim", or "Regular victim update (3)" for a recurring stage.
pub fn stage_name(d: &deadlines::Model) -> String {
    let label = Stage::label_of(&d.stage);
    match Stage::from_code(&d.stage) {
        Some(stage) if stage.dated() => match &d.title {
            Some(title) => format!("{label}: {title}"),
            None => label.to_owned(),
        },
        Some(stage) if stage.recurring() => format!("{label} ({})", d.occurrence),
        _ if d.occurrence > 1 => format!("{label} ({})", d.occurrence),
        _ => label.to_owned(),
    }
}

fn timescale_of(d: &deadlines::Model) -> String {
    if d.unit == super::dated::UNIT {
        return "Date set".to_owned();
    }
    Unit::from_code(&d.unit).map_or_else(String::new, |unit| {
        Timescale::new(unit, d.amount.max(0) as u32).describe()
    })
}

/// How late or overdue a deadline is in working days: the figure the due lists give.
pub fn lateness(row: &Row) -> Markup {
    html! {
        @match (row.state, row.working_days_late) {
            (State::Late, Some(0)) => { "Less than a working day late" }
            (State::Late, Some(n)) => { (n) " working day" @if n != 1 { "s" } " late" }
            (State::Overdue, Some(0)) => { "Overdue today" }
            (State::Overdue, Some(n)) => { (n) " working day" @if n != 1 { "s" } " overdue" }
            _ => {}
        }
    }
}

/// The "Deadlines" section of the case page.
pub fn section(viewer: &Viewer, case: &cases::Model, panel: &Panel) -> Markup {
    let base = format!("/cases/{}", case.reference);
    let may = |p| allows(viewer.role, p);
    let open_count = panel.rows.iter().filter(|r| r.state.is_open()).count();
    html! {
        section id="deadlines" {
            h2.heading-l { "Deadlines" }
            p.body {
                @if open_count == 0 { "No open deadlines." }
                @else { (open_count) " open deadline" @if open_count != 1 { "s" } "." }
                " Regular victim updates: "
                @match panel.agreed_frequency {
                    Some(t) => { "every " (t.describe()) " (agreed with the victim)" }
                    None => { "the procedure's timescale" }
                }
                @if case.status == codes::OPEN && may(Permission::ManageDeadlines) {
                    " " a.no-print href={ (base) "/contact-frequency" } { "Change contact frequency" }
                }
            }
            @let (open, settled): (Vec<&Row>, Vec<&Row>) = panel.rows.iter().partition(|r| r.state.is_open());
            @if !open.is_empty() {
                (rows_table(&format!("Open deadlines on {}", case.reference), viewer, &base, &open))
            }
            // Met and settled ones are history: folded away, one tap to open.
            @if !settled.is_empty() {
                details.details id="settled-deadlines" {
                    summary.details__summary { "Met and settled deadlines (" (settled.len()) ")" }
                    div.details__text {
                        (rows_table(&format!("Met and settled deadlines on {}", case.reference), viewer, &base, &settled))
                    }
                }
            }
        }
    }
}

fn rows_table(caption: &str, viewer: &Viewer, base: &str, rows: &[&Row]) -> Markup {
    table::table(
        caption,
        &[
            Col::Text("Stage"),
            Col::Text("Due"),
            Col::Text("Done"),
            Col::Text("State"),
            Col::Actions,
        ],
        html! { @for row in rows { (deadline_row(viewer, base, row)) } },
    )
}

fn deadline_row(viewer: &Viewer, base: &str, row: &Row) -> Markup {
    let d = &row.deadline;
    let may = |p| allows(viewer.role, p);
    let stage = Stage::from_code(&d.stage);
    let may_record = may(Permission::ManageDeadlines)
        && (!stage.is_some_and(Stage::done_by_managers_only) || may(Permission::RecordManagerReview));
    let link = format!("{base}/deadlines/{}", d.id);
    html! {
        tr id={ "deadline-" (d.id) } {
            td.table__cell {
                (stage_name(d))
                br; span.hint { (timescale_of(d)) ", " (crate::procedure::Priority::from_code(&d.priority).label()) }
            }
            td.table__cell {
                (time_fmt::datetime(d.due_at))
                @if d.extended_at.is_some() {
                    br; span.hint { "Extended from " (time_fmt::datetime(d.original_due_at))
                        @if let Some(by) = &row.extended_by { " by " (by) }
                        @if let Some(reason) = &d.extension_reason { ": " (reason) } }
                }
            }
            td.table__cell {
                @if let Some(done) = d.done_at { (time_fmt::datetime(done)) }
                @if let Some(by) = &row.resolved_by { br; span.hint { "by " (by) } }
                @if let Some(note) = &d.resolution_note { br; span.hint { (note) } }
            }
            td.table__cell {
                strong class=(row.state.tag_class()) { (row.state.label()) }
                @let late = lateness(row);
                @if !late.0.is_empty() { br; span.hint { (late) } }
            }
            td.table__cell.no-print {
                @if row.state.is_open() && stage == Some(Stage::PlanAction) {
                    // The action itself says when it was done or moved (one record of it).
                    @if may(Permission::ManagePlans) { a href={ (base) "/plan/actions/" (d.occurrence) } { "Update the action" span.visually-hidden { ": " (stage_name(d)) } } br; }
                    @if may(Permission::WaiveDeadlines) { a href={ (link) "/waive" } { "Waive" span.visually-hidden { ": " (stage_name(d)) } } }
                } @else if row.state.is_open() {
                    @if may_record { a href={ (link) "/done" } { "Record done" span.visually-hidden { ": " (stage_name(d)) } } br; }
                    @if may(Permission::ManageDeadlines) { a href={ (link) "/extend" } { "Extend" span.visually-hidden { ": " (stage_name(d)) } } br; }
                    @if may(Permission::WaiveDeadlines) { a href={ (link) "/waive" } { "Waive" span.visually-hidden { ": " (stage_name(d)) } } }
                }
            }
        }
    }
}
