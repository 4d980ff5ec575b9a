//! Browse and filter the audit trail (managers and administrators), newest first.

use crate::calendar::start_of_london_day;
use crate::{
    auth::policy::{Permission, allows},
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        forms::{FormErrors, error_summary},
        layout,
        pagination::Pager,
        route::Route,
        table::{self, Col},
        time_fmt,
    },
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use entity::audit_events;
use maud::html;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use time::{Date, macros::format_description};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/audit", Permission::ViewAudit, browse)]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    actor: String,
    action: String,
    target_type: String,
    target_id: String,
    from: String,
    to: String,
    page: Option<u64>,
}

fn parse_day(field: &'static str, s: &str, errors: &mut FormErrors) -> Option<Date> {
    if s.trim().is_empty() {
        return None;
    }
    let parsed = Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok();
    if parsed.is_none() {
        errors.add(field, "Enter a real date, like 2026-11-22");
    }
    parsed
}

/// What is left of the trail for someone without `Permission::ViewCaseEvents`
/// (administrators): accounts, sign-ins and settings. Case events (which case was viewed or
/// exported, by whom, how many a search found) name restricted cases and who is on them.
const ADMIN_ACTIONS: [&str; 22] = [
    "account.",
    "login.",
    "logout",
    "password.",
    "setup",
    "user.",
    "area.",
    "settings.",
    "strand.",
    "calendar.",
    "procedure.",
    "agency.",
    "support_catalogue.",
    "risk.version_created",
    "cases.review_threshold",
    "cases.single_hate_incident_qualifies",
    "reports.category_reference",
    "reports.group_reference",
    "reports.close_target_days",
    "reports.not_given_target_percent",
    "reminders.run",
    "audit.",
];

/// The part of the trail someone may read: all of it with case events, else `ADMIN_ACTIONS`.
fn readable(case_events: bool) -> Condition {
    if case_events {
        return Condition::all();
    }
    ADMIN_ACTIONS.iter().fold(Condition::any(), |c, prefix| {
        c.add(audit_events::Column::Action.starts_with(*prefix))
    })
}

async fn browse(State(state): State<AppState>, ctx: Ctx, Query(f): Query<Filters>) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let case_events = allows(ctx.user()?.role, Permission::ViewCaseEvents);
    let is_admin = !case_events;
    let readable = readable(case_events);
    let from = parse_day("from", &f.from, &mut errors);
    let to = parse_day("to", &f.to, &mut errors);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        errors.add("to", "The end date must be the same as or after the start date");
    }

    let mut q = audit_events::Entity::find().filter(readable.clone());
    if !f.actor.trim().is_empty() {
        q = q.filter(audit_events::Column::ActorName.eq(f.actor.trim()));
    }
    if !f.action.is_empty() {
        q = q.filter(audit_events::Column::Action.eq(f.action.as_str()));
    }
    if !f.target_type.is_empty() {
        q = q.filter(audit_events::Column::TargetType.eq(f.target_type.as_str()));
    }
    if !f.target_id.trim().is_empty() {
        q = q.filter(audit_events::Column::TargetId.eq(f.target_id.trim()));
    }
    if let Some(d) = from {
        q = q.filter(audit_events::Column::At.gte(start_of_london_day(d)));
    }
    if let Some(d) = to.and_then(|d| d.next_day()) {
        q = q.filter(audit_events::Column::At.lt(start_of_london_day(d)));
    }
    let (rows, pager) = if errors.is_empty() {
        let total = q.clone().count(&state.db).await?;
        let pager = Pager::new(f.page, total);
        let rows = q
            .order_by_desc(audit_events::Column::Id)
            .offset(pager.offset())
            .limit(pager.per_page)
            .all(&state.db)
            .await?;
        (rows, Some(pager))
    } else {
        (vec![], None)
    };
    let actions: Vec<String> = audit_events::Entity::find()
        .filter(readable.clone())
        .select_only()
        .column(audit_events::Column::Action)
        .distinct()
        .order_by_asc(audit_events::Column::Action)
        .into_tuple()
        .all(&state.db)
        .await?;
    // Every kind of record the trail names, not a fixed list.
    let record_types: Vec<String> = audit_events::Entity::find()
        .filter(readable)
        .select_only()
        .column(audit_events::Column::TargetType)
        .filter(audit_events::Column::TargetType.is_not_null())
        .distinct()
        .order_by_asc(audit_events::Column::TargetType)
        .into_tuple::<Option<String>>()
        .all(&state.db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let summarised_until = super::periods::summarised_until(&state.db).await?;

    let page = layout::page(
        &ctx,
        "Audit trail",
        !errors.is_empty(),
        html! {
            (error_summary(&errors))
            h1.heading-xl { "Audit trail" }
            @if is_admin {
                p.body { "Sign-ins, and changes to accounts, areas and settings. Case events (views, changes, exports, searches) are shown to managers only. Entries cannot be edited: " code { "harbour audit verify" } " detects any tampering." }
            } @else {
                p.body { "Every sign-in, change, and view or export of case data. Entries cannot be edited: " code { "harbour audit verify" } " detects any tampering." }
            }
            @if let Some(until) = summarised_until {
                p.body { "Events up to " (time_fmt::date(time_fmt::london(until).date())) " are older than the retention period: they are kept as a count per action for each month, not listed here." }
            }
            form.filters method="get" action="/audit" novalidate {
                div.form-group {
                    label.label for="actor" { "Username" }
                    input.input id="actor" name="actor" type="text" value=(f.actor);
                }
                div.form-group {
                    label.label for="action" { "Action" }
                    select.select id="action" name="action" {
                        option value="" { "Any action" }
                        @for a in &actions { option value=(a) selected[&f.action == a] { (action_label(a)) } }
                    }
                }
                div.form-group {
                    label.label for="target_type" { "Record type" }
                    select.select id="target_type" name="target_type" {
                        option value="" { "Any" }
                        @for t in &record_types { option value=(t) selected[&f.target_type == t] { (sentence(t)) } }
                    }
                }
                div.form-group.form-group--error[errors.get("from").is_some()] {
                    label.label for="from" { "From" }
                    @if let Some(e) = errors.get("from") { p.error-message { (e) } }
                    input.input.input--width-10 id="from" name="from" type="date" value=(f.from);
                }
                div.form-group.form-group--error[errors.get("to").is_some()] {
                    label.label for="to" { "To" }
                    @if let Some(e) = errors.get("to") { p.error-message { (e) } }
                    input.input.input--width-10 id="to" name="to" type="date" value=(f.to);
                }
                div.form-group {
                    label.label for="target_id" { "Record" }
                    div.hint id="target_id-hint" { @if is_admin { "A user's or area's number" } @else { "A case reference like HC-2026-000123, or a user's or import's number" } }
                    input.input.input--width-20 id="target_id" name="target_id" type="text" value=(f.target_id) aria-describedby="target_id-hint";
                }
                div.form-group { button.button.button--secondary type="submit" { "Filter" } }
            }
            @if let Some(pager) = &pager {
                @if rows.is_empty() {
                    p.body { "No events match." }
                } @else {
                    (table::table("Audit events, newest first", &[Col::Text("When"), Col::Text("Who"), Col::Text("Action"), Col::Text("Record"), Col::Text("Details"), Col::Text("From")], html! {
                                @for e in &rows {
                                    tr {
                                        td.table__cell { (time_fmt::datetime(e.at)) }
                                        td.table__cell { (e.actor_name) }
                                        td.table__cell { (action_label(&e.action)) }
                                        td.table__cell {
                                            @if let (Some(t), Some(id)) = (&e.target_type, &e.target_id) { (sentence(t)) " " (id) }
                                        }
                                        td.table__cell { (e.summary) }
                                        td.table__cell { (e.client_addr.as_deref().unwrap_or("")) }
                                    }
                                }
                            }))
                    (pager.render("/audit", &[
                        ("actor", f.actor.clone()), ("action", f.action.clone()), ("target_type", f.target_type.clone()),
                        ("target_id", f.target_id.clone()), ("from", f.from.clone()), ("to", f.to.clone()),
                    ]))
                }
            }
        },
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

/// An action code as people read it: `case.chronology_exported` → "Case: chronology
/// exported" (codes stay stable for filters and exports; labels are for reading).
pub fn action_label(code: &str) -> String {
    match code.split_once('.') {
        Some((record, what)) => format!("{}: {}", sentence(record), what.replace(['_', '-'], " ")),
        None => sentence(code),
    }
}

/// `import` → "Import", `login_throttle` → "Login throttle".
fn sentence(code: &str) -> String {
    let words = code.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::action_label;
    use crate::calendar::start_of_london_day;

    #[test]
    fn action_codes_read_as_words() {
        assert_eq!(
            action_label("case.chronology_exported"),
            "Case: chronology exported"
        );
        assert_eq!(action_label("login.succeeded"), "Login: succeeded");
        assert_eq!(action_label("odd"), "Odd");
        assert_eq!(
            action_label(crate::cases::monitoring::VIEWED),
            "Person: monitoring viewed"
        );
    }

    #[test]
    fn a_view_of_monitoring_answers_is_a_case_event_administrators_do_not_read() {
        let action = crate::cases::monitoring::VIEWED;
        assert!(
            !super::ADMIN_ACTIONS
                .iter()
                .any(|prefix| action.starts_with(prefix))
        );
    }

    use time::macros::{date, datetime};

    #[test]
    fn london_days_start_at_the_right_utc_instant() {
        assert_eq!(
            start_of_london_day(date!(2026 - 01 - 15)),
            datetime!(2026-01-15 00:00 UTC)
        );
        let summer = start_of_london_day(date!(2026 - 07 - 01));
        assert_eq!(summer, datetime!(2026-06-30 23:00 UTC));
        assert!(
            summer.offset().is_utc(),
            "stored and compared as UTC text on SQLite"
        );
    }
}
