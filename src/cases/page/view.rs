//! Rendering the case page from a [`CaseView`]: plain functions of the loaded data.

use super::CaseView;
use crate::web::layout::summary_row as row;
use crate::{
    auth::policy::{Permission, allows},
    cases::parts::{case_link, person_card, person_name, priority_tag, status_tag},
    cases::{
        codes::{self, label},
        monitoring::{self, Shown},
        page::contact::{self as contacts, NoteForm},
        visibility::Viewer,
    },
    web::{Ctx, forms::FormErrors, layout, time_fmt},
};
use entity::cases;
use maud::{Markup, html};

/// The whole page; `note`/`errors` hold the contact form (kept when it was invalid).
pub fn render(ctx: &Ctx, viewer: &Viewer, view: &CaseView, note: &NoteForm, errors: &FormErrors) -> Markup {
    let case = &view.case;
    let sections = sections(ctx, viewer, view, note, errors);
    layout::page(
        ctx,
        &case.reference,
        !errors.is_empty(),
        html! {
            span.caption { "Case" }
            h1.heading-xl { (case.reference) " " (status_tag(case)) " " (priority_tag(&case.priority)) }
            // A refused contact comes back with its problems first, where they are seen;
            // each links down to its field in the form.
            (crate::web::forms::error_summary(errors))
            @if case.restricted {
                div.banner.banner--important {
                    p.body { strong { "Restricted case. " } "Only the staff named on it and managers can see it."
                        @if let Some(reason) = &case.restricted_reason { " Reason: " (reason) } }
                }
            }
            (repeat_panel(ctx, view))
            (due_next(&view.deadlines))
            (actions(ctx, viewer, view))
            (contents(&sections))
            @for (_, _, section) in &sections { (section) }
        },
    )
}

/// A long page's sections (those the viewer has), each with its anchor and name.
type Sections = Vec<(&'static str, &'static str, Markup)>;

fn sections(ctx: &Ctx, viewer: &Viewer, view: &CaseView, note: &NoteForm, errors: &FormErrors) -> Sections {
    let case = &view.case;
    let all: Sections = vec![
        ("summary", "Summary", summary(view)),
        (
            "deadlines",
            "Deadlines",
            crate::deadlines::case_panel::section(viewer, case, &view.deadlines),
        ),
        (
            "risk",
            "Risk assessment",
            crate::risk::case_panel::section(viewer, case, &view.risk),
        ),
        (
            "plan",
            "Action plan",
            crate::plans::case_panel::section(viewer, case, &view.plan),
        ),
        (
            "support",
            "Support and referrals",
            crate::support::case_panel::section(viewer, case, &view.support),
        ),
        (
            "enforcement",
            "Action against perpetrators",
            crate::enforcement::case_panel::section(viewer, case, &view.enforcement),
        ),
        ("people", "People", people_section(viewer, view)),
        ("reports", "Reports", incidents_section(view)),
        (
            "add-contact",
            "Record a contact or note",
            contacts::form(ctx, view, note, errors),
        ),
        ("timeline", "Timeline", timeline_section(view)),
        ("closures", "Closures", closures_section(view)),
        (
            "retention",
            "Retention",
            crate::retention::case_panel::section(viewer, case, &view.retention),
        ),
        (
            "related",
            "Other cases involving these people",
            related_section(view),
        ),
    ];
    all.into_iter()
        .filter(|(_, _, m)| !m.0.trim().is_empty())
        .collect()
}

/// The page is long (12,000 px and more on a phone): its sections, one tap away.
fn contents(sections: &Sections) -> Markup {
    html! {
        nav.contents-list.no-print aria-labelledby="contents-heading" {
            h2.heading-s id="contents-heading" { "Contents" }
            ol.contents-list__list {
                @for (id, name, _) in sections {
                    li { a href={ "#" (id) } { (name) } }
                }
            }
        }
    }
}

/// What is due on the case, first: anything overdue, then the next deadline.
fn due_next(panel: &crate::deadlines::case_panel::Panel) -> Markup {
    use crate::deadlines::{case_panel::stage_name, state::State};
    let open: Vec<_> = panel.rows.iter().filter(|r| r.state.is_open()).collect();
    let overdue: Vec<_> = open.iter().filter(|r| r.state == State::Overdue).collect();
    let next = open
        .iter()
        .filter(|r| r.state != State::Overdue)
        .min_by_key(|r| (r.deadline.due_at, r.deadline.id));
    html! {
        @if !open.is_empty() {
            div.due-next {
                h2.heading-m { "What is due" }
                ul.list {
                    @for r in &overdue {
                        li {
                            strong.tag.tag--red { "Overdue" } " "
                            a href={ "#deadline-" (r.deadline.id) } { (stage_name(&r.deadline)) }
                            ", due " (time_fmt::datetime(r.deadline.due_at))
                            @if r.working_days_late.is_some() { " (" (crate::deadlines::case_panel::lateness(r)) ")" }
                        }
                    }
                    @if let Some(r) = next {
                        li {
                            "Next: " a href={ "#deadline-" (r.deadline.id) } { (stage_name(&r.deadline)) }
                            ", due " (time_fmt::datetime(r.deadline.due_at))
                        }
                    }
                }
            }
        }
    }
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
                    "Yes" @if let Some(by) = case.perceived_by.as_ref().filter(|b| *b != codes::NOT_RECORDED) { ", by " (label(&codes::PERCEIVED_BY, by).to_lowercase()) }
                } @else { "No" }
            },
        ),
        ("Risk", risk_summary(case)),
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
        (
            if case.import_id.is_some() {
                "Imported"
            } else {
                "Opened"
            },
            time_fmt::datetime(case.opened_at),
        ),
        ("Last changed", time_fmt::datetime(case.updated_at)),
    ];
    let mut rows = rows;
    if let Some(theirs) = &case.external_ref {
        // Imported from the landlord's earlier records: their reference finds it too.
        rows.insert(0, ("Landlord's reference", html! { (theirs) }));
    }
    html! {
        h2.heading-l id="summary" { "Summary" }
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

/// The standing risk level and when it was assessed (or that it has not been).
fn risk_summary(case: &cases::Model) -> Markup {
    html! {
        @match (&case.risk_level, case.risk_assessed_at) {
            (Some(level), Some(at)) => { (crate::risk::level_tag(level)) " assessed " (time_fmt::datetime(at)) }
            _ => strong.tag.tag--grey { "Not assessed" },
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
            @if !open && may(Permission::CloseCases) {
                a.button.button--secondary href={ (base) "/satisfaction" } { "Record post-closure check" }
            }
            a.button.button--secondary href={ (base) "/chronology" } { "Chronology" }
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

fn people_section(viewer: &Viewer, view: &CaseView) -> Markup {
    let withheld = view
        .parties
        .iter()
        .any(|(_, p)| monitoring::shown(viewer, p) == Shown::WhetherRecorded);
    let may_correct = allows(viewer.role, Permission::EditCases);
    html! {
        h2.heading-l id="people" { "People" }
        @if withheld {
            p.body.hint { "Equality monitoring answers are shown only to harassment officers, managers and whoever recorded the person; here you see whether each was recorded." }
        }
        @for (role, _) in codes::PARTY_ROLES {
            @let list: Vec<_> = view.parties.iter().filter(|(cp, _)| cp.role == role).collect();
            @if !list.is_empty() {
                h3.heading-m { (label(&codes::PARTY_ROLES, role)) @if list.len() > 1 { "s" } }
                @for (_, p) in list {
                    (person_card(p, monitoring::shown(viewer, p)))
                    @if may_correct {
                        p.body-s.no-print {
                            a href={ "/cases/" (view.case.reference) "/people/" (p.id) "/edit" } {
                                "Correct details" span.visually-hidden { " of " (person_name(p)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn incidents_section(view: &CaseView) -> Markup {
    html! {
        h2.heading-l id="reports" { "Reports" }
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
                    (codes::police_answer(i.police_known.then_some(i.police_involved), i.crime_reference.as_deref()))
                }))
            }
        }
    }
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
            h2.heading-l id="closures" { "Closures" }
            @for (c, closer, reopener) in &view.closures {
                dl.summary-list {
                    (row("Closed", html! { (time_fmt::datetime(c.closed_at)) " by " (closer) }))
                    (row("Outcome", html! { (label(&codes::OUTCOMES, &c.outcome)) }))
                    (row("Reason", html! { p.body.preserve-lines { (c.reason) } }))
                    (row("Victim told", time_fmt::date(c.victim_told_on)))
                    @for check in view.satisfaction.iter().filter(|s| s.closure_id == Some(c.id)) {
                        (row("Post-closure check", html! {
                            (time_fmt::date(check.checked_on)) ": handling " (label(&codes::SATISFACTION, &check.handling).to_lowercase())
                            ", outcome " (label(&codes::SATISFACTION, &check.outcome).to_lowercase())
                        }))
                    }
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
        h2.heading-l id="related" { "Other cases involving these people" }
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
