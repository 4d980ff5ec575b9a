//! Loading a case's chronology: every record of the case turned into [`Entry`] rows, in
//! a fixed number of queries (none per row). The caller has already decided the viewer
//! may see the case; everything on it is shown (nothing is filtered by role).

use super::entry::{self, Details, Entry, Source, When, plain_datetime, pounds};
use crate::{
    cases::{
        codes::{self, Code},
        page::person_name,
    },
    deadlines::{
        case_panel::{self as deadline_panel, Row, stage_name},
        state::State,
    },
    enforcement, plans, procedure, risk,
    web::time_fmt::plain_date,
};
use entity::{
    action_plans, agencies, areas, case_closures, case_parties, cases, incident_types, incidents,
    legal_dates, people, perpetrator_action_events, perpetrator_actions, plan_actions, referrals,
    risk_assessments, support_catalogue, support_measures, timeline_entries, users,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

/// Shown as the author of what the system worked out itself (a deadline falling due).
pub const SYSTEM: &str = "Harbour";

/// What the chronology's header says about the case.
pub struct Header {
    pub reference: String,
    pub status: String,
    pub outcome: Option<String>,
    pub priority: String,
    pub restricted: bool,
    pub area: String,
    pub officer: Option<String>,
    pub victims: Vec<String>,
    /// The standing risk level's label and when it was assessed.
    pub risk: Option<(&'static str, OffsetDateTime)>,
    pub produced_at: OffsetDateTime,
    pub produced_by: String,
}

pub struct Chronology {
    pub header: Header,
    /// In chronology order.
    pub entries: Vec<Entry>,
}

/// Timeline kinds left out because a dedicated source below tells the same thing with
/// more detail (reports, closures, assessments, plans, support, referrals, perpetrator
/// actions, legal dates and deadlines).
fn covered_elsewhere(kind: &str) -> bool {
    const KINDS: [&str; 6] = [
        "opened",
        "further-report",
        "closed",
        "reopened",
        "risk-assessed",
        "legal-date-added",
    ];
    const PREFIXES: [&str; 5] = ["deadline-", "plan-", "support-", "referral-", "enforcement-"];
    KINDS.contains(&kind) || PREFIXES.iter().any(|p| kind.starts_with(p))
}

/// The chronology's name for a timeline kind (contacts say they are contacts).
fn timeline_kind(kind: &str) -> &'static str {
    const CONTACTS: [Code; 7] = [
        ("visit", "Contact: visit"),
        ("phone-call", "Contact: phone call"),
        ("letter", "Contact: letter"),
        ("email", "Contact: email"),
        ("meeting", "Contact: meeting"),
        ("failed-attempt", "Contact: failed attempt"),
        ("note", "Note"),
    ];
    static_label(&CONTACTS, kind)
        .or_else(|| static_label(&codes::EVENT_KINDS, kind))
        .unwrap_or("Event")
}

/// The label of `code` in `list`, with the list's own lifetime.
fn static_label(list: &[Code], code: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// A label, or the stored code for a value no longer listed.
fn label(list: &[Code], code: &str) -> String {
    codes::label(list, code).to_owned()
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    produced_by: &str,
    now: OffsetDateTime,
) -> Result<Chronology, DbErr> {
    let by_case = case.id;
    let area = areas::Entity::find_by_id(case.area_id)
        .one(db)
        .await?
        .map_or_else(String::new, |a| a.name);

    let incident_rows = incidents::Entity::find()
        .filter(incidents::Column::CaseId.eq(by_case))
        .order_by_asc(incidents::Column::Id)
        .all(db)
        .await?;
    let types = incident_types::Entity::find()
        .filter(incident_types::Column::IncidentId.is_in(incident_rows.iter().map(|i| i.id)))
        .all(db)
        .await?;
    let timeline = timeline_entries::Entity::find()
        .filter(timeline_entries::Column::CaseId.eq(by_case))
        .order_by_asc(timeline_entries::Column::Id)
        .all(db)
        .await?;
    let parties = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(by_case))
        .order_by_asc(case_parties::Column::Id)
        .all(db)
        .await?;
    let persons: HashMap<i32, people::Model> = people::Entity::find()
        .filter(people::Column::Id.is_in(parties.iter().map(|p| p.person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let closures = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(by_case))
        .order_by_asc(case_closures::Column::Id)
        .all(db)
        .await?;
    let assessments = risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(by_case))
        .order_by_asc(risk_assessments::Column::Id)
        .all(db)
        .await?;
    let plan_rows = action_plans::Entity::find()
        .filter(action_plans::Column::CaseId.eq(by_case))
        .order_by_asc(action_plans::Column::Id)
        .all(db)
        .await?;
    let plan_action_rows = plan_actions::Entity::find()
        .filter(plan_actions::Column::CaseId.eq(by_case))
        .order_by_asc(plan_actions::Column::Id)
        .all(db)
        .await?;
    let measures = support_measures::Entity::find()
        .filter(support_measures::Column::CaseId.eq(by_case))
        .order_by_asc(support_measures::Column::Id)
        .all(db)
        .await?;
    let catalogue: HashMap<i32, String> = support_catalogue::Entity::find()
        .filter(support_catalogue::Column::Id.is_in(measures.iter().map(|m| m.catalogue_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let referral_rows = referrals::Entity::find()
        .filter(referrals::Column::CaseId.eq(by_case))
        .order_by_asc(referrals::Column::Id)
        .all(db)
        .await?;
    let agency_names: HashMap<i32, String> = agencies::Entity::find()
        .filter(agencies::Column::Id.is_in(referral_rows.iter().map(|r| r.agency_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let actions = perpetrator_actions::Entity::find()
        .filter(perpetrator_actions::Column::CaseId.eq(by_case))
        .order_by_asc(perpetrator_actions::Column::Id)
        .all(db)
        .await?;
    let action_events = perpetrator_action_events::Entity::find()
        .filter(perpetrator_action_events::Column::ActionId.is_in(actions.iter().map(|a| a.id)))
        .order_by_asc(perpetrator_action_events::Column::Id)
        .all(db)
        .await?;
    let legal = legal_dates::Entity::find()
        .filter(legal_dates::Column::CaseId.eq(by_case))
        .order_by_asc(legal_dates::Column::Id)
        .all(db)
        .await?;
    // Deadlines with their state now, lateness and who resolved or extended them, as the
    // case page's deadline panel works them out.
    let deadlines = deadline_panel::load(db, case, now).await?;

    let mut user_ids = BTreeSet::new();
    user_ids.extend(case.owner_id);
    user_ids.extend(incident_rows.iter().map(|i| i.logged_by));
    for c in &closures {
        user_ids.insert(c.closed_by);
        user_ids.extend(c.reopened_by);
    }
    user_ids.extend(assessments.iter().map(|a| a.created_by));
    for p in &plan_rows {
        user_ids.insert(p.created_by);
        user_ids.extend(p.updated_by);
    }
    for a in &plan_action_rows {
        user_ids.insert(a.created_by);
        user_ids.extend(a.updated_by);
        user_ids.extend(a.owner_id);
    }
    for m in &measures {
        user_ids.insert(m.created_by);
        user_ids.extend(m.updated_by);
    }
    for r in &referral_rows {
        user_ids.insert(r.created_by);
        user_ids.extend(r.updated_by);
    }
    for a in &actions {
        user_ids.insert(a.created_by);
        user_ids.extend(a.updated_by);
    }
    user_ids.extend(action_events.iter().map(|e| e.created_by));
    user_ids.extend(legal.iter().map(|l| l.created_by));
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();

    let party_name = |party_id: Option<i32>| -> String {
        party_id
            .and_then(|id| parties.iter().find(|p| p.id == id))
            .and_then(|p| persons.get(&p.person_id))
            .map_or_else(|| "No one in particular".to_owned(), person_name)
    };

    let mut entries = vec![];
    for i in &incident_rows {
        entries.push(report(i, &types, &name));
    }
    for t in timeline.iter().filter(|t| !covered_elsewhere(&t.kind)) {
        let with = t.person_id.and_then(|id| persons.get(&id)).map(person_name);
        entries.push(
            Entry::new(
                Source::Timeline,
                t.id,
                When::At(t.occurred_at),
                timeline_kind(&t.kind),
            )
            .by(t.author_name.clone())
            .details(Details::new().field("With", with).line(t.body.clone()).build()),
        );
    }
    for c in &closures {
        entries.push(
            Entry::new(Source::Closure, c.id, When::At(c.closed_at), "Case closed")
                .by(name(c.closed_by))
                .details(
                    Details::new()
                        .field("Outcome", Some(label(&codes::OUTCOMES, &c.outcome)))
                        .field("Reason", Some(&c.reason))
                        .field("Victim told", Some(plain_date(c.victim_told_on)))
                        .build(),
                ),
        );
        if let Some(at) = c.reopened_at {
            entries.push(
                Entry::new(Source::Closure, c.id, When::At(at), "Case reopened")
                    .step(1)
                    .by(c.reopened_by.map(name).unwrap_or_default())
                    .details(Details::new().field("Reason", c.reopen_reason.as_ref()).build()),
            );
        }
    }
    for a in &assessments {
        entries.push(risk_assessment(a, &name));
    }
    for p in &plan_rows {
        entries.push(plan(p, &name));
    }
    for a in &plan_action_rows {
        entries.extend(plan_action(a, &name));
    }
    for m in &measures {
        let what = catalogue.get(&m.catalogue_id).cloned().unwrap_or_default();
        entries.extend(measure(m, &what, &name));
    }
    for r in &referral_rows {
        let agency = agency_names.get(&r.agency_id).cloned().unwrap_or_default();
        entries.extend(referral(r, &agency, &name));
    }
    for a in &actions {
        let against = party_name(a.party_id);
        let mine: Vec<_> = action_events.iter().filter(|e| e.action_id == a.id).collect();
        entries.extend(perpetrator_action(a, &against, &mine, &name));
    }
    for l in &legal {
        let action = actions.iter().find(|a| a.id == l.action_id);
        let about = action.map(|a| format!("{} against {}", action_kind(&a.kind), party_name(a.party_id)));
        let (kind, what) = match l.kind.as_str() {
            "hearing" => ("Court date", "Court hearing"),
            "notice-expiry" => ("Notice expiry", "Notice expires"),
            _ => ("Court date", "Legal date"),
        };
        entries.push(
            Entry::new(Source::LegalDate, l.id, When::Day(l.due_on), kind)
                .by(name(l.created_by))
                .details(
                    Details::new()
                        .line(match about {
                            Some(about) => format!("{what}: {about}"),
                            None => what.to_owned(),
                        })
                        .field("Note", l.note.as_ref())
                        .build(),
                ),
        );
    }
    for row in &deadlines.rows {
        entries.extend(deadline(row));
    }
    entry::sort(&mut entries);

    let victims = parties
        .iter()
        .filter(|p| p.role == codes::VICTIM)
        .filter_map(|p| persons.get(&p.person_id))
        .map(person_name)
        .fold(Vec::new(), |mut list, n| {
            if !list.contains(&n) {
                list.push(n);
            }
            list
        });
    let header = Header {
        reference: case.reference.clone(),
        status: label(&codes::STATUSES, &case.status),
        outcome: case.outcome.as_deref().map(|o| label(&codes::OUTCOMES, o)),
        priority: label(&codes::PRIORITIES, &case.priority),
        restricted: case.restricted,
        area,
        officer: case.owner_id.map(name),
        victims,
        risk: match (&case.risk_level, case.risk_assessed_at) {
            (Some(level), Some(at)) => static_label(&risk::LEVELS, level).map(|l| (l, at)),
            _ => None,
        },
        produced_at: now,
        produced_by: produced_by.to_owned(),
    };
    Ok(Chronology { header, entries })
}

fn report(i: &incidents::Model, types: &[incident_types::Model], name: &impl Fn(i32) -> String) -> Entry {
    let what: Vec<String> = codes::INCIDENT_TYPES
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
    let happened = match i.occurred_at {
        Some(at) => plain_datetime(at),
        None => label(&codes::OCCURRED_KINDS, &i.occurred_kind),
    };
    let reporter = match &i.reporter_name {
        Some(n) if !n.trim().is_empty() => format!(
            "{} ({})",
            label(&codes::REPORTER_TYPES, &i.reporter_type),
            n.trim()
        ),
        _ => label(&codes::REPORTER_TYPES, &i.reporter_type),
    };
    let place = match &i.location_address {
        Some(a) if !a.trim().is_empty() => {
            format!("{}: {}", label(&codes::LOCATIONS, &i.location_kind), a.trim())
        }
        _ => label(&codes::LOCATIONS, &i.location_kind),
    };
    let police = if i.police_involved {
        match &i.crime_reference {
            Some(r) if !r.trim().is_empty() => format!("Involved, crime reference {}", r.trim()),
            _ => "Involved".to_owned(),
        }
    } else {
        "Not involved".to_owned()
    };
    Entry::new(Source::Report, i.id, When::At(i.received_at), "Report received")
        .by(name(i.logged_by))
        .details(
            Details::new()
                .field("How received", Some(label(&codes::RECEIVED_HOW, &i.received_how)))
                .field("Reported by", Some(reporter))
                .field("When it happened", Some(happened))
                .field("Where", Some(place))
                .field("What happened", Some(what.join(", ")))
                .field("Description", Some(&i.description))
                .field("Police", Some(police))
                .build(),
        )
}

fn risk_assessment(a: &risk_assessments::Model, name: &impl Fn(i32) -> String) -> Entry {
    let level = label(&risk::LEVELS, &a.level);
    let overridden = a.level != a.computed_level;
    Entry::new(Source::Risk, a.id, When::At(a.assessed_at), "Risk assessment")
        .by(name(a.created_by))
        .details(
            Details::new()
                .field("Occasion", Some(label(&risk::OCCASIONS, &a.occasion)))
                .field("Level", Some(format!("{level} (score {})", a.score)))
                .field(
                    "Level from the score",
                    overridden.then(|| label(&risk::LEVELS, &a.computed_level)),
                )
                .field(
                    "Override reason",
                    a.override_reason.as_ref().filter(|_| overridden),
                )
                .field("Notes", a.notes.as_ref())
                .build(),
        )
}

fn plan(p: &action_plans::Model, name: &impl Fn(i32) -> String) -> Entry {
    let copy = match p.copy_given_on {
        Some(on) if p.copy_given_how != "not-given" => {
            format!(
                "{} on {}",
                label(&plans::COPY_GIVEN, &p.copy_given_how),
                plain_date(on)
            )
        }
        _ => label(&plans::COPY_GIVEN, &p.copy_given_how),
    };
    let every = procedure::Unit::from_code(&p.contact_every_unit).map_or_else(
        || format!("{} {}", p.contact_every_amount, p.contact_every_unit),
        |unit| procedure::Timescale::new(unit, p.contact_every_amount.max(0) as u32).describe(),
    );
    Entry::new(Source::Plan, p.id, When::Day(p.agreed_on), "Action plan agreed")
        .by(name(p.created_by))
        .details(
            Details::new()
                .field("Copy given", Some(copy))
                .field(
                    "Contact",
                    Some(format!(
                        "every {every}, by {}",
                        label(&plans::CHANNELS, &p.contact_channel).to_lowercase()
                    )),
                )
                .field("Interpreter", p.interpreter_language.as_ref())
                .field("Communication needs", p.communication_needs.as_ref())
                .field("Notes", p.notes.as_ref())
                .build(),
        )
}

fn plan_action(a: &plan_actions::Model, name: &impl Fn(i32) -> String) -> Vec<Entry> {
    let owner = match (a.owner_id, &a.owner_other) {
        (Some(id), _) => Some(name(id)),
        (None, Some(other)) => Some(other.clone()),
        _ => None,
    };
    let added = Entry::new(Source::PlanAction, a.id, When::At(a.created_at), "Plan action")
        .by(name(a.created_by))
        .details(
            Details::new()
                .field("Added", Some(&a.description))
                .field("Owner", owner)
                .field("Target date", Some(plain_date(a.target_on)))
                .build(),
        );
    let changer = name(a.updated_by.unwrap_or(a.created_by));
    let settled = match a.status.as_str() {
        "done" | "cancelled" => {
            let at = match (a.completed_on, a.updated_at) {
                (Some(on), _) => When::Day(on),
                (None, Some(at)) => When::At(at),
                (None, None) => When::At(a.created_at),
            };
            let key = if a.status == "done" { "Done" } else { "Cancelled" };
            Some(
                Entry::new(Source::PlanAction, a.id, at, "Plan action")
                    .step(1)
                    .by(changer)
                    .details(
                        Details::new()
                            .field(key, Some(&a.description))
                            .field("Outcome", a.outcome.as_ref())
                            .build(),
                    ),
            )
        }
        _ => None,
    };
    std::iter::once(added).chain(settled).collect()
}

fn measure(m: &support_measures::Model, what: &str, name: &impl Fn(i32) -> String) -> Vec<Entry> {
    let changer = name(m.updated_by.unwrap_or(m.created_by));
    let cost = m.cost_pence.map(pounds);
    // The cost goes with the provision when there is one, else with the request.
    let cost_on_request = m.provided_on.is_none();
    let mut out = vec![
        Entry::new(
            Source::Support,
            m.id,
            When::Day(m.requested_on),
            "Support measure",
        )
        .by(name(m.created_by))
        .details(
            Details::new()
                .line(format!("{what}: requested"))
                .field("Cost", cost.as_ref().filter(|_| cost_on_request))
                .field("Notes", m.notes.as_ref())
                .build(),
        ),
    ];
    if let Some(on) = m.provided_on {
        out.push(
            Entry::new(Source::Support, m.id, When::Day(on), "Support measure")
                .step(1)
                .by(changer.clone())
                .details(
                    Details::new()
                        .line(format!("{what}: provided"))
                        .field("Cost", cost.as_ref())
                        .build(),
                ),
        );
    }
    if let Some(on) = m.declined_on {
        out.push(
            Entry::new(Source::Support, m.id, When::Day(on), "Support measure")
                .step(2)
                .by(changer)
                .details(format!("{what}: declined")),
        );
    }
    out
}

fn referral(r: &referrals::Model, agency: &str, name: &impl Fn(i32) -> String) -> Vec<Entry> {
    let changer = name(r.updated_by.unwrap_or(r.created_by));
    let mut out = vec![
        Entry::new(Source::Referral, r.id, When::Day(r.referred_on), "Referral")
            .by(name(r.created_by))
            .details(
                Details::new()
                    .line(format!("To {agency}: referral recorded"))
                    .field("Reason", r.reason.as_ref())
                    .build(),
            ),
    ];
    if let Some(on) = r.consent_on {
        out.push(
            Entry::new(Source::Referral, r.id, When::Day(on), "Referral")
                .step(1)
                .by(changer.clone())
                .details(
                    Details::new()
                        .line(format!("To {agency}: consent to share given"))
                        .field("Given by", r.consent_by.as_ref())
                        .field("May be shared", r.consent_scope.as_ref())
                        .build(),
                ),
        );
    }
    if let Some(on) = r.sent_on {
        out.push(
            Entry::new(Source::Referral, r.id, When::Day(on), "Referral")
                .step(2)
                .by(changer.clone())
                .details(format!("To {agency}: sent")),
        );
    }
    if let Some(on) = r.response_on {
        out.push(
            Entry::new(Source::Referral, r.id, When::Day(on), "Referral")
                .step(3)
                .by(changer.clone())
                .details(
                    Details::new()
                        .line(format!("From {agency}: response received"))
                        .field("Response", r.response.as_ref())
                        .build(),
                ),
        );
    }
    if r.status == "withdrawn" {
        let at = r.updated_at.unwrap_or(r.created_at);
        out.push(
            Entry::new(Source::Referral, r.id, When::At(at), "Referral")
                .step(4)
                .by(changer)
                .details(format!("To {agency}: withdrawn")),
        );
    }
    out
}

/// A rung of the ladder or a general measure, by its label.
fn action_kind(kind: &str) -> String {
    static_label(&enforcement::LADDER, kind)
        .or_else(|| static_label(&enforcement::GENERAL_MEASURES, kind))
        .unwrap_or(kind)
        .to_owned()
}

fn perpetrator_action(
    a: &perpetrator_actions::Model,
    against: &str,
    events: &[&perpetrator_action_events::Model],
    name: &impl Fn(i32) -> String,
) -> Vec<Entry> {
    let what = format!("{} against {against}", action_kind(&a.kind));
    let status = |s: &str| label(&enforcement::STATUSES, s);
    // The outcome and documents belong to the action as it now stands: with its last
    // status.
    let closing = |d: Details| {
        d.field("Outcome", a.outcome.as_ref())
            .field("Documents", a.documents.as_ref())
            .field("Notes", a.notes.as_ref())
    };
    if events.is_empty() {
        // An action without a status history: when it was planned, and where it stands.
        let mut out = vec![];
        let planned_first = a.status != "planned";
        if planned_first {
            out.push(
                Entry::new(
                    Source::Enforcement,
                    a.id,
                    When::Day(a.planned_on),
                    "Perpetrator action",
                )
                .by(name(a.created_by))
                .details(format!("{what}: {}", status("planned"))),
            );
        }
        out.push(
            Entry::new(
                Source::Enforcement,
                a.id,
                When::Day(a.status_on),
                "Perpetrator action",
            )
            .step(1)
            .by(name(a.updated_by.unwrap_or(a.created_by)))
            .details(closing(Details::new().line(format!("{what}: {}", status(&a.status)))).build()),
        );
        return out;
    }
    let last = events.len() - 1;
    events
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let d = Details::new()
                .line(format!("{what}: {}", status(&e.status)))
                .field("Note", e.note.as_ref());
            let d = if n == last { closing(d) } else { d };
            // Events of one action sort by their own order within a day.
            Entry::new(
                Source::Enforcement,
                a.id,
                When::Day(e.on_date),
                "Perpetrator action",
            )
            .step(u8::try_from(n).unwrap_or(u8::MAX))
            .by(name(e.created_by))
            .details(d.build())
        })
        .collect()
}

/// A deadline's entries: when it was extended, and when it was settled (met, late,
/// waived, no longer applicable) or, while still open, when it falls due.
fn deadline(row: &Row) -> Vec<Entry> {
    let d = &row.deadline;
    let what = stage_name(d);
    let mut out = vec![];
    if let Some(at) = d.extended_at {
        out.push(
            Entry::new(Source::Deadline, d.id, When::At(at), "Deadline extended")
                .by(row.extended_by.clone().unwrap_or_default())
                .details(
                    Details::new()
                        .line(what.clone())
                        .field("New due date", Some(plain_datetime(d.due_at)))
                        .field("Originally due", Some(plain_datetime(d.original_due_at)))
                        .field("Reason", d.extension_reason.as_ref())
                        .build(),
                ),
        );
    }
    let due = Some(plain_datetime(d.original_due_at));
    let resolver = row.resolved_by.clone().unwrap_or_default();
    let settled = match row.state {
        State::Met | State::Late => {
            let late = match (row.state, row.working_days_late) {
                (State::Late, Some(0)) => Some("less than a working day".to_owned()),
                (State::Late, Some(n)) => Some(format!("{n} working day{}", if n == 1 { "" } else { "s" })),
                _ => None,
            };
            let kind = if row.state == State::Met {
                "Deadline met"
            } else {
                "Deadline late"
            };
            Entry::new(
                Source::Deadline,
                d.id,
                When::At(d.done_at.unwrap_or(d.due_at)),
                kind,
            )
            .by(resolver)
            .details(
                Details::new()
                    .line(what)
                    .field("Due", due)
                    .field("Late by", late)
                    .field("Note", d.resolution_note.as_ref())
                    .build(),
            )
        }
        State::Waived | State::NotApplicable => {
            let kind = if row.state == State::Waived {
                "Deadline waived"
            } else {
                "Deadline no longer applicable"
            };
            Entry::new(
                Source::Deadline,
                d.id,
                When::At(d.resolved_at.unwrap_or(d.due_at)),
                kind,
            )
            .by(resolver)
            .details(
                Details::new()
                    .line(what)
                    .field("Due", due)
                    .field("Reason", d.resolution_note.as_ref())
                    .build(),
            )
        }
        State::Overdue => {
            let by = match row.working_days_late {
                Some(0) | None => "less than a working day".to_owned(),
                Some(n) => format!("{n} working day{}", if n == 1 { "" } else { "s" }),
            };
            Entry::new(Source::Deadline, d.id, When::At(d.due_at), "Deadline overdue")
                .by(SYSTEM)
                .details(Details::new().line(what).field("Overdue by", Some(by)).build())
        }
        State::Open | State::Extended => {
            Entry::new(Source::Deadline, d.id, When::At(d.due_at), "Deadline due")
                .by(SYSTEM)
                .details(what)
        }
    };
    out.push(settled.step(1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_kinds_told_by_a_dedicated_source_are_left_out() {
        for kind in [
            "opened",
            "further-report",
            "closed",
            "reopened",
            "risk-assessed",
            "plan-agreed",
            "plan-action-added",
            "plan-action-updated",
            "support-recorded",
            "support-updated",
            "referral-recorded",
            "referral-updated",
            "enforcement-recorded",
            "enforcement-updated",
            "legal-date-added",
            "deadline-done",
            "deadline-extended",
            "deadline-waived",
            "deadline-not-applicable",
        ] {
            assert!(covered_elsewhere(kind), "{kind}");
        }
        for (kind, _) in codes::CONTACT_KINDS {
            assert!(!covered_elsewhere(kind), "{kind}");
        }
        for kind in [
            "assigned",
            "details-edited",
            "person-added",
            "restricted",
            "staff-named",
            "case-review-explained",
            "contact-frequency",
        ] {
            assert!(!covered_elsewhere(kind), "{kind}");
        }
        // Every event kind is either shown or covered: none is lost by accident.
        for (kind, _) in codes::EVENT_KINDS {
            assert!(
                covered_elsewhere(kind) || timeline_kind(kind) != "Event",
                "{kind}"
            );
        }
    }

    #[test]
    fn contacts_say_they_are_contacts() {
        assert_eq!(timeline_kind("visit"), "Contact: visit");
        assert_eq!(timeline_kind("phone-call"), "Contact: phone call");
        assert_eq!(timeline_kind("note"), "Note");
        assert_eq!(timeline_kind("assigned"), "Assigned");
        assert_eq!(timeline_kind("something-new"), "Event");
        for (kind, _) in codes::CONTACT_KINDS {
            assert_ne!(timeline_kind(kind), "Event", "{kind}");
        }
    }
}
