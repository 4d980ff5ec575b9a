//! The case page: summary, people, reports, timeline, closures, related cases and the
//! repeat-victimisation prompt, with the actions the viewer's role allows. Every view is
//! written to the audit trail.

use super::{
    codes::{self, label},
    contacts::{self, NoteForm},
    repeat::{self, RepeatStatus},
    settings::CaseSettings,
    visibility::Viewer,
};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    error::AppResult,
    state::AppState,
    web::{Ctx, forms::FormErrors, layout, time_fmt},
};
use axum::extract::{Path, State};
use entity::{
    areas, case_closures, case_parties, cases, incident_types, incidents, people, strands, timeline_entries,
    users,
};
use maud::{Markup, html};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Query,
};
use std::collections::HashMap;

/// Everything the case page shows: a fixed number of queries, plus one per victim for
/// the repeat-report count.
pub struct CaseView {
    pub case: cases::Model,
    pub area: String,
    pub owner: Option<String>,
    pub logged_by: String,
    pub strands: Vec<String>,
    pub parties: Vec<(case_parties::Model, people::Model)>,
    pub incidents: Vec<(incidents::Model, Vec<String>)>,
    pub timeline: Vec<timeline_entries::Model>,
    pub closures: Vec<(case_closures::Model, String, Option<String>)>,
    /// Other visible cases sharing a person with this one: (case, person name, role there).
    pub related: Vec<(cases::Model, String, String)>,
    /// Per victim: their reports in the last six months and what that means.
    pub repeat: Vec<(people::Model, RepeatStatus)>,
    pub review_explained: bool,
    /// Harassment officers a manager may assign to.
    pub officers: Vec<(i32, String)>,
    pub can_take: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = super::timeline::open(&state, &viewer, &origin, &reference, "Viewed case page").await?;
    let view = load(&state, &viewer, case).await?;
    Ok(render(
        &ctx,
        &viewer,
        &view,
        &NoteForm::new(state.now()),
        &FormErrors::default(),
    ))
}

pub async fn load(state: &AppState, viewer: &Viewer, case: cases::Model) -> Result<CaseView, DbErr> {
    let db = &state.db;
    let names = user_names(db, [Some(case.logged_by), case.owner_id]).await?;
    let area = areas::Entity::find_by_id(case.area_id)
        .one(db)
        .await?
        .map_or_else(String::new, |a| a.name);
    let strand_ids = super::details::strand_ids(db, case.id).await?;
    let strands = strands::Entity::find()
        .filter(strands::Column::Id.is_in(strand_ids))
        .order_by_asc(strands::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.label)
        .collect();
    let party_rows = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(case.id))
        .order_by_asc(case_parties::Column::Id)
        .all(db)
        .await?;
    let person_ids: Vec<i32> = party_rows.iter().map(|p| p.person_id).collect();
    let persons: HashMap<i32, people::Model> = people::Entity::find()
        .filter(people::Column::Id.is_in(person_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let parties: Vec<_> = party_rows
        .into_iter()
        .filter_map(|cp| persons.get(&cp.person_id).cloned().map(|p| (cp, p)))
        .collect();
    let incidents = incidents_of(db, case.id).await?;
    let timeline = timeline_entries::Entity::find()
        .filter(timeline_entries::Column::CaseId.eq(case.id))
        .order_by_desc(timeline_entries::Column::OccurredAt)
        .order_by_desc(timeline_entries::Column::Id)
        .all(db)
        .await?;
    let review_explained = timeline.iter().any(|t| t.kind == "case-review-explained");
    let closures = closures_of(db, case.id).await?;
    let related = related_cases(db, viewer, &case, &persons).await?;
    let settings = CaseSettings::load(db).await?;
    let mut repeat = vec![];
    for (cp, person) in &parties {
        if cp.role == codes::VICTIM && !repeat.iter().any(|(p, _): &(people::Model, _)| p.id == person.id) {
            let reports = reports_by_victim(db, viewer, person.id, repeat::window_start(state.now())).await?;
            repeat.push((
                person.clone(),
                repeat::assess(reports, case.hate_perceived, &settings),
            ));
        }
    }
    let officers = if allows(viewer.role, Permission::AssignCases) {
        super::assign::assignable_officers(db).await?
    } else {
        vec![]
    };
    let can_take = allows(viewer.role, Permission::TakeCases) && super::assign::can_take(viewer, &case);
    Ok(CaseView {
        area,
        owner: case.owner_id.and_then(|id| names.get(&id).cloned()),
        logged_by: names.get(&case.logged_by).cloned().unwrap_or_default(),
        strands,
        parties,
        incidents,
        timeline,
        closures,
        related,
        repeat,
        review_explained,
        officers,
        can_take,
        case,
    })
}

pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, String>, DbErr> {
    let ids: Vec<i32> = ids.into_iter().flatten().collect();
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn incidents_of(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Vec<(incidents::Model, Vec<String>)>, DbErr> {
    let rows = incidents::Entity::find()
        .filter(incidents::Column::CaseId.eq(case_id))
        .order_by_asc(incidents::Column::ReceivedAt)
        .order_by_asc(incidents::Column::Id)
        .all(db)
        .await?;
    let types = incident_types::Entity::find()
        .filter(incident_types::Column::IncidentId.is_in(rows.iter().map(|i| i.id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| {
            let mine = codes::INCIDENT_TYPES
                .iter()
                .filter(|(code, _)| {
                    types
                        .iter()
                        .any(|t| t.incident_id == i.id && t.type_code == *code)
                })
                .map(|(code, l)| match (*code, &i.other_type) {
                    (codes::OTHER_TYPE, Some(other)) => format!("Other: {other}"),
                    _ => (*l).to_owned(),
                })
                .collect();
            (i, mine)
        })
        .collect())
}

async fn closures_of(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Vec<(case_closures::Model, String, Option<String>)>, DbErr> {
    let rows = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(case_id))
        .order_by_asc(case_closures::Column::Id)
        .all(db)
        .await?;
    let names = user_names(db, rows.iter().flat_map(|c| [Some(c.closed_by), c.reopened_by])).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let closer = names.get(&c.closed_by).cloned().unwrap_or_default();
            let reopener = c.reopened_by.and_then(|id| names.get(&id).cloned());
            (c, closer, reopener)
        })
        .collect())
}

/// Other cases the viewer can see that share a person with this one.
async fn related_cases(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    case: &cases::Model,
    persons: &HashMap<i32, people::Model>,
) -> Result<Vec<(cases::Model, String, String)>, DbErr> {
    let person_ids: Vec<i32> = persons.keys().copied().collect();
    if person_ids.is_empty() {
        return Ok(vec![]);
    }
    let others = cases::Entity::find()
        .filter(
            cases::Column::Id.in_subquery(
                Query::select()
                    .column(case_parties::Column::CaseId)
                    .from(case_parties::Entity)
                    .and_where(case_parties::Column::PersonId.is_in(person_ids.clone()))
                    .to_owned(),
            ),
        )
        .filter(cases::Column::Id.ne(case.id))
        .filter(viewer.condition())
        .order_by_desc(cases::Column::ReceivedAt)
        .limit(50)
        .all(db)
        .await?;
    let links = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.is_in(others.iter().map(|c| c.id)))
        .filter(case_parties::Column::PersonId.is_in(person_ids))
        .all(db)
        .await?;
    Ok(others
        .into_iter()
        .flat_map(|c| {
            links
                .iter()
                .filter(|l| l.case_id == c.id)
                .map(|l| {
                    let name = persons.get(&l.person_id).map(person_name).unwrap_or_default();
                    (c.clone(), name, label(&codes::PARTY_ROLES, &l.role).to_owned())
                })
                .collect::<Vec<_>>()
        })
        .collect())
}

/// Reports (incidents) naming `person_id` as victim since `since`. Every unrestricted case
/// counts, even in another area (the statutory prompt must not depend on who takes the
/// call); restricted cases count only for those who may see them.
async fn reports_by_victim(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i32,
    since: time::OffsetDateTime,
) -> Result<u64, DbErr> {
    incidents::Entity::find()
        .filter(incidents::Column::ReceivedAt.gte(since))
        .filter(
            incidents::Column::CaseId.in_subquery(
                Query::select()
                    .column(case_parties::Column::CaseId)
                    .from(case_parties::Entity)
                    .and_where(case_parties::Column::PersonId.eq(person_id))
                    .and_where(case_parties::Column::Role.eq(codes::VICTIM))
                    .to_owned(),
            ),
        )
        .filter(
            incidents::Column::CaseId.in_subquery(
                Query::select()
                    .column(cases::Column::Id)
                    .from(cases::Entity)
                    .cond_where(
                        sea_orm::Condition::any()
                            .add(cases::Column::Restricted.eq(false))
                            .add(viewer.condition()),
                    )
                    .to_owned(),
            ),
        )
        .count(db)
        .await
}

pub fn person_name(p: &people::Model) -> String {
    match (p.kind.as_str(), &p.name, &p.description) {
        (codes::NAMED, Some(name), _) => name.clone(),
        ("group", _, Some(d)) => format!("Group: {d}"),
        ("group", _, None) => "A group".to_owned(),
        (_, Some(name), _) if !name.is_empty() => name.clone(),
        (_, _, Some(d)) => format!("Not known: {d}"),
        _ => "Not known".to_owned(),
    }
}

pub fn status_tag(case: &cases::Model) -> Markup {
    html! {
        @if case.status == codes::OPEN { strong.tag.tag--blue { "Open" } }
        @else { strong.tag.tag--grey { "Closed" } }
    }
}

pub fn priority_tag(priority: &str) -> Markup {
    html! {
        @if priority == codes::P1 { strong.tag.tag--red { (label(&codes::PRIORITIES, priority)) } }
        @else { strong.tag.tag--yellow { (label(&codes::PRIORITIES, priority)) } }
    }
}

pub fn case_link(case: &cases::Model) -> Markup {
    html! { a href={ "/cases/" (case.reference) } { (case.reference) } }
}

/// The whole page; `note`/`errors` hold the contact form (kept when it was invalid).
pub fn render(ctx: &Ctx, viewer: &Viewer, view: &CaseView, note: &NoteForm, errors: &FormErrors) -> Markup {
    let case = &view.case;
    layout::page(
        ctx,
        &case.reference,
        !errors.is_empty(),
        html! {
            span.caption { "Case" }
            h1.heading-xl { (case.reference) " " (status_tag(case)) " " (priority_tag(&case.priority)) }
            @if case.restricted {
                div.banner.banner--important {
                    p.body { strong { "Restricted case. " } "Only the staff named on it and managers can see it."
                        @if let Some(reason) = &case.restricted_reason { " Reason: " (reason) } }
                }
            }
            (repeat_panel(ctx, view))
            (actions(ctx, viewer, view))
            (summary(view))
            (people_section(view))
            (incidents_section(view))
            (contacts::form(ctx, view, note, errors))
            (timeline_section(view))
            (closures_section(view))
            (related_section(view))
        },
    )
}

fn summary(view: &CaseView) -> Markup {
    let case = &view.case;
    let rows: Vec<(&str, Markup)> = vec![
        (
            "Status",
            html! { (status_tag(case)) @if let Some(o) = &case.outcome { " " (label(&codes::OUTCOMES, o)) } },
        ),
        (
            "Priority",
            html! {
                (label(&codes::PRIORITIES, &case.priority))
                @if case.priority != case.suggested_priority {
                    " (suggested " (label(&codes::PRIORITIES, &case.suggested_priority)) ")"
                    @if let Some(r) = &case.priority_reason { ". Reason: " (r) }
                }
            },
        ),
        (
            "Perceived as hate",
            html! {
                @if case.hate_perceived {
                    "Yes" @if let Some(by) = &case.perceived_by { ", by " (label(&codes::PERCEIVED_BY, by).to_lowercase()) }
                } @else { "No" }
            },
        ),
        (
            "Strands",
            html! { @if view.strands.is_empty() { "None recorded" } @else { (view.strands.join(", ")) } },
        ),
        ("Area", html! { (view.area) }),
        (
            "Case officer",
            html! { @match &view.owner { Some(o) => (o), None => strong.tag.tag--grey { "Unassigned" } } },
        ),
        ("Logged by", html! { (view.logged_by) }),
        ("First report received", time_fmt::datetime(case.received_at)),
        ("Opened", time_fmt::datetime(case.opened_at)),
        ("Last changed", time_fmt::datetime(case.updated_at)),
    ];
    html! {
        h2.heading-l { "Summary" }
        dl.summary-list {
            @for (key, value) in rows {
                div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } }
            }
            @if let Some(closed) = case.closed_at {
                div.summary-list__row { dt.summary-list__key { "Closed" } dd.summary-list__value { (time_fmt::datetime(closed)) } }
            }
        }
    }
}

fn actions(ctx: &Ctx, viewer: &Viewer, view: &CaseView) -> Markup {
    let case = &view.case;
    let base = format!("/cases/{}", case.reference);
    let open = case.status == codes::OPEN;
    let may = |p| allows(viewer.role, p);
    html! {
        div.button-group.no-print {
            @if open && may(Permission::LogCases) {
                a.button href={ (base) "/reports/new" } { "Add a further report" }
            }
            @if may(Permission::EditCases) {
                a.button.button--secondary href={ (base) "/edit" } { "Change details" }
                a.button.button--secondary href={ (base) "/restriction" } { "Restriction" }
            }
            @if open && may(Permission::CloseCases) {
                a.button.button--secondary href={ (base) "/close" } { "Close case" }
            }
            @if !open && may(Permission::ReopenCases) {
                a.button.button--secondary href={ (base) "/reopen" } { "Reopen case" }
            }
        }
        @if open && view.can_take {
            form method="post" action={ (base) "/take" } {
                (crate::web::forms::csrf_field(&ctx.csrf))
                button.button type="submit" { "Take this case" }
            }
        }
        @if !view.officers.is_empty() {
            form.filters method="post" action={ (base) "/assign" } {
                (crate::web::forms::csrf_field(&ctx.csrf))
                div.form-group {
                    label.label for="owner_id" { @if case.owner_id.is_some() { "Reassign to" } @else { "Assign to" } }
                    select.select id="owner_id" name="owner_id" {
                        @for (id, name) in &view.officers {
                            option value=(id) selected[case.owner_id == Some(*id)] { (name) }
                        }
                    }
                }
                button.button.button--secondary type="submit" { "Assign" }
            }
        }
    }
}

fn repeat_panel(ctx: &Ctx, view: &CaseView) -> Markup {
    let base = format!("/cases/{}", view.case.reference);
    html! {
        @for (person, status) in &view.repeat {
            @if status.threshold_met {
                div.banner.banner--important {
                    h2.banner__title { "ASB Case Review threshold met" }
                    p.body { (person_name(person)) " has made " (status.reports) " report"
                        @if status.reports != 1 { "s" } " in the last six months. They may apply for an ASB Case Review." }
                }
            } @else if status.explain_review {
                div.banner.banner--important {
                    h2.banner__title { "Repeat report" }
                    p.body { (person_name(person)) " has made " (status.reports) " reports in the last six months." }
                }
            }
        }
        @if view.repeat.iter().any(|(_, s)| s.explain_review || s.threshold_met) {
            @if view.review_explained {
                p.body { "The ASB Case Review has been explained to the victim (see the timeline)." }
            } @else {
                div.inset-text {
                    p.body { "Explain the ASB Case Review to the victim: if they are not satisfied with how their reports have been handled, they can ask for a case review by the council, police and landlord together." }
                    form method="post" action={ (base) "/case-review-explained" } {
                        (crate::web::forms::csrf_field(&ctx.csrf))
                        button.button.button--secondary type="submit" { "Record that I explained the case review" }
                    }
                }
            }
        }
    }
}

fn people_section(view: &CaseView) -> Markup {
    html! {
        h2.heading-l { "People" }
        @for (role, _) in codes::PARTY_ROLES {
            @let list: Vec<_> = view.parties.iter().filter(|(cp, _)| cp.role == role).collect();
            @if !list.is_empty() {
                h3.heading-m { (label(&codes::PARTY_ROLES, role)) @if list.len() > 1 { "s" } }
                @for (_, p) in list {
                    (person_card(p))
                }
            }
        }
    }
}

fn person_card(p: &people::Model) -> Markup {
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let mut rows: Vec<(&str, String)> = vec![];
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((k, v));
        }
    };
    push(
        "Description",
        p.description.clone().filter(|_| p.kind == codes::NAMED),
    );
    push("Phone", p.phone.clone());
    push("Email", p.email.clone());
    push(
        "Preferred contact",
        p.preferred_contact
            .as_deref()
            .map(|c| label(&codes::CONTACT_METHODS, c).to_owned()),
    );
    push("Address", p.address.clone());
    push("Postcode", p.postcode.clone());
    push("Tenancy reference", p.tenancy_ref.clone());
    push("Tenant", p.is_tenant.map(|t| yes_no(t).to_owned()));
    push("Household", p.household.clone());
    push("Language", p.language.clone());
    push("Interpreter needed", p.interpreter.then(|| "Yes".to_owned()));
    push("Vulnerabilities", p.vulnerabilities.clone());
    push("Ethnicity", Some(codes::ethnicity_label(&p.ethnicity).to_owned()));
    let answers = super::people::monitoring_answers(p);
    for (c, answer) in codes::CHARACTERISTICS.iter().zip(answers) {
        push(c.question, answer.map(|v| label(c.answers, &v).to_owned()));
    }
    html! {
        div.person-card {
            h4.heading-s { (person_name(p)) }
            dl.summary-list {
                @for (k, v) in rows {
                    div.summary-list__row { dt.summary-list__key { (k) } dd.summary-list__value { (v) } }
                }
            }
        }
    }
}

fn incidents_section(view: &CaseView) -> Markup {
    html! {
        h2.heading-l { "Reports" }
        @for (n, (i, types)) in view.incidents.iter().enumerate() {
            h3.heading-m { "Report " (n + 1) }
            dl.summary-list {
                (row("Received", html! { (time_fmt::datetime(i.received_at)) ", " (label(&codes::RECEIVED_HOW, &i.received_how).to_lowercase()) }))
                (row("Reported by", html! { (label(&codes::REPORTER_TYPES, &i.reporter_type)) @if let Some(n) = &i.reporter_name { " (" (n) ")" } }))
                (row("When it happened", html! {
                    @match i.occurred_at { Some(at) => (time_fmt::datetime(at)), None => (label(&codes::OCCURRED_KINDS, &i.occurred_kind)) }
                }))
                (row("Where", html! { (label(&codes::LOCATIONS, &i.location_kind)) @if let Some(a) = &i.location_address { ": " (a) } }))
                (row("What happened", html! { (types.join(", ")) }))
                (row("Description", html! { p.body.preserve-lines { (i.description) } }))
                (row("Police", html! {
                    @if i.police_involved { "Involved" @if let Some(r) = &i.crime_reference { ", crime reference " (r) } } @else { "Not involved" }
                }))
            }
        }
    }
}

fn row(key: &str, value: Markup) -> Markup {
    html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
}

fn timeline_section(view: &CaseView) -> Markup {
    html! {
        h2.heading-l id="timeline" { "Timeline" }
        @if view.timeline.is_empty() { p.body { "Nothing recorded yet." } }
        ol.timeline {
            @for t in &view.timeline {
                li.timeline__item {
                    h3.heading-s { (codes::timeline_label(&t.kind)) }
                    p.body-s { (time_fmt::datetime(t.occurred_at)) " · " (t.author_name)
                        @if let Some(person) = t.person_id.and_then(|id| view.parties.iter().find(|(_, p)| p.id == id)) {
                            " · with " (person_name(&person.1))
                        }
                    }
                    p.body.preserve-lines { (t.body) }
                }
            }
        }
    }
}

fn closures_section(view: &CaseView) -> Markup {
    html! {
        @if !view.closures.is_empty() {
            h2.heading-l { "Closures" }
            @for (c, closer, reopener) in &view.closures {
                dl.summary-list {
                    (row("Closed", html! { (time_fmt::datetime(c.closed_at)) " by " (closer) }))
                    (row("Outcome", html! { (label(&codes::OUTCOMES, &c.outcome)) }))
                    (row("Reason", html! { p.body.preserve-lines { (c.reason) } }))
                    (row("Victim told", time_fmt::date(c.victim_told_on)))
                    @if let Some(at) = c.reopened_at {
                        (row("Reopened", html! { (time_fmt::datetime(at)) @if let Some(r) = reopener { " by " (r) } }))
                        (row("Why reopened", html! { (c.reopen_reason.clone().unwrap_or_default()) }))
                    }
                }
            }
        }
    }
}

fn related_section(view: &CaseView) -> Markup {
    html! {
        h2.heading-l { "Other cases involving these people" }
        @if view.related.is_empty() {
            p.body { "None." }
        } @else {
            ul.list {
                @for (c, name, role) in &view.related {
                    li { (case_link(c)) " – " (name) ", " (role.to_lowercase()) " · " (status_tag(c)) " · received " (time_fmt::datetime(c.received_at)) }
                }
            }
        }
    }
}

/// A form about one case (change details, restriction, close, reopen): back link,
/// heading, error summary, `before` (e.g. the other person's saved version), then the
/// form posting to `/cases/{reference}/{action}` with `fields`.
pub fn case_form(
    ctx: &Ctx,
    case: &cases::Model,
    title: &str,
    action: &str,
    errors: &FormErrors,
    before: Markup,
    fields: Markup,
) -> Markup {
    layout::page(
        ctx,
        title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) } { "Back to " (case.reference) }
            h1.heading-xl { (title) }
            (crate::web::forms::error_summary(errors))
            (before)
            form method="post" action={ "/cases/" (case.reference) "/" (action) } novalidate {
                (crate::web::forms::csrf_field(&ctx.csrf))
                (fields)
            }
        },
    )
}
