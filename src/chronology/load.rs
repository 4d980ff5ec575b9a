//! Loading a case's chronology: every record of the case turned into [`Entry`] rows, in
//! a fixed number of queries (none per row). The caller has already decided the viewer
//! may see the case; everything on it is shown (nothing is filtered by role).
//!
//! Where each entry comes from (see [`super::ledger`] for why this is complete):
//! - the creation of each record, from its structured row, with rich details and its
//!   creator (`logged_by`, `created_by`, `closed_by`, …). A measure, referral, plan action
//!   or perpetrator action changed since shows what was recorded then (the creation's
//!   timeline text), not what it says now;
//! - each later change, from the timeline row that change wrote (its text, author and
//!   time), except a perpetrator action's status change, which its status event dates and
//!   credits (with the row's text);
//! - a deadline's settlement from the deadline (`resolved_by`); each extension from its
//!   `deadline-extended` row (or the plan action's change of target date);
//! - should a record's last change have no timeline row (a plan action settled by closing
//!   the case), that change from the record as it now stands, credited to whoever made
//!   it (`updated_by`, which then is exactly that change's author).

use super::{
    entry::{self, Details, Entry, Source, When, plain_datetime},
    ledger::{self, Ledger, static_label},
};
use crate::{
    cases::{
        codes::{self, Code},
        page::person_name,
    },
    deadlines::{
        case_panel::{self as deadline_panel, Row, stage_name},
        state::State,
    },
    enforcement::{self, headline, kind_label, legal_date_label, status_label},
    plans, procedure, risk,
    support::{self, format_pence},
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

/// A label, or the stored code for a value no longer listed.
fn label(list: &[Code], code: &str) -> String {
    codes::label(list, code).to_owned()
}

/// A display name by user id ("" for none).
type Names<'a> = dyn Fn(i32) -> String + 'a;

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
    user_ids.extend(plan_rows.iter().map(|p| p.created_by));
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
    // The action's headline as its timeline rows begin (`enforcement::store::against`).
    let action_headline = |a: &perpetrator_actions::Model| -> String {
        let who = a.party_id.map(|id| {
            parties
                .iter()
                .find(|p| p.id == id && p.role == codes::PERPETRATOR)
                .and_then(|p| persons.get(&p.person_id))
                .map_or_else(|| "a former party".to_owned(), person_name)
        });
        headline(&a.kind, who.as_deref())
    };

    let mut ledger = Ledger::new(&timeline);
    let mut entries = vec![];
    for i in &incident_rows {
        entries.push(report(i, &types, &name));
    }
    for c in &closures {
        entries.extend(closure(c, &name));
    }
    for a in &assessments {
        entries.push(risk_assessment(a, &name));
    }
    for (n, p) in plan_rows.iter().enumerate() {
        entries.push(plan(p, n > 0, &name));
    }
    for a in &plan_action_rows {
        entries.extend(plan_action(a, &mut ledger, &name));
    }
    for m in &measures {
        let what = catalogue.get(&m.catalogue_id).cloned().unwrap_or_default();
        entries.extend(measure(m, &what, &mut ledger, &name));
    }
    for r in &referral_rows {
        let agency = agency_names.get(&r.agency_id).cloned().unwrap_or_default();
        entries.extend(referral(r, &agency, &mut ledger, &name));
    }
    for a in &actions {
        let about = Action {
            what: format!("{} against {}", kind_label(&a.kind), party_name(a.party_id)),
            headline: action_headline(a),
        };
        let mine: Vec<_> = action_events.iter().filter(|e| e.action_id == a.id).collect();
        entries.extend(perpetrator_action(a, &about, &mine, &mut ledger, &name));
    }
    for l in &legal {
        let about = actions
            .iter()
            .find(|a| a.id == l.action_id)
            .map(|a| format!("{} against {}", kind_label(&a.kind), party_name(a.party_id)));
        entries.push(legal_date(l, about, &name));
    }
    for row in &deadlines.rows {
        entries.extend(deadline(row, &ledger));
    }
    // Last, every row no structured entry used: contacts, notes, events and changes.
    for t in ledger.shown() {
        let with = t.person_id.and_then(|id| persons.get(&id)).map(person_name);
        entries.push(
            Entry::new(
                Source::Timeline,
                t.id,
                When::At(t.occurred_at),
                ledger::kind_label(&t.kind),
            )
            .by(t.author_name.clone())
            .details(Details::new().field("With", with).line(t.body.clone()).build()),
        );
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

/// A record's last change, when no timeline row of `kinds` records it (written by
/// `updated_by` at `updated_at`): who made it and when.
fn unrecorded_change(
    ledger: &Ledger,
    kinds: &[&str],
    updated_by: Option<i32>,
    updated_at: Option<OffsetDateTime>,
) -> Option<(i32, OffsetDateTime)> {
    let (by, at) = (updated_by?, updated_at?);
    (!ledger.recorded(kinds, by, at)).then_some((by, at))
}

/// The step number of an entry for the change [`unrecorded_change`] found: after every
/// other step of its record.
const LAST_CHANGE: u8 = u8::MAX;

fn report(i: &incidents::Model, types: &[incident_types::Model], name: &Names) -> Entry {
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

fn risk_assessment(a: &risk_assessments::Model, name: &Names) -> Entry {
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

fn closure(c: &case_closures::Model, name: &Names) -> Vec<Entry> {
    let mut out = vec![
        Entry::new(Source::Closure, c.id, When::At(c.closed_at), "Case closed")
            .by(name(c.closed_by))
            .details(
                Details::new()
                    .field("Outcome", Some(label(&codes::OUTCOMES, &c.outcome)))
                    .field("Reason", Some(&c.reason))
                    .field("Victim told", Some(plain_date(c.victim_told_on)))
                    .build(),
            ),
    ];
    if let Some(at) = c.reopened_at {
        out.push(
            Entry::new(Source::Closure, c.id, When::At(at), "Case reopened")
                .step(1)
                .by(c.reopened_by.map(name).unwrap_or_default())
                .details(Details::new().field("Reason", c.reopen_reason.as_ref()).build()),
        );
    }
    out
}

/// The first agreement is "agreed"; every later one revises it.
fn plan(p: &action_plans::Model, revision: bool, name: &Names) -> Entry {
    let copy = match p.copy_given_on {
        Some(on) if p.copy_given_how != plans::NOT_GIVEN => {
            format!(
                "{} on {}",
                plans::copy_given_label(&p.copy_given_how),
                plain_date(on)
            )
        }
        _ => plans::copy_given_label(&p.copy_given_how).to_owned(),
    };
    let every = procedure::Unit::from_code(&p.contact_every_unit).map_or_else(
        || format!("{} {}", p.contact_every_amount, p.contact_every_unit),
        |unit| procedure::Timescale::new(unit, p.contact_every_amount.max(0) as u32).describe(),
    );
    let kind = if revision {
        "Action plan revised"
    } else {
        "Action plan agreed"
    };
    Entry::new(Source::Plan, p.id, When::Day(p.agreed_on), kind)
        .by(name(p.created_by))
        .details(
            Details::new()
                .field("Copy given", Some(copy))
                .field(
                    "Contact",
                    Some(format!(
                        "every {every}, by {}",
                        plans::channel_label(&p.contact_channel).to_lowercase()
                    )),
                )
                .field("Interpreter", p.interpreter_language.as_ref())
                .field("Communication needs", p.communication_needs.as_ref())
                .field("Notes", p.notes.as_ref())
                .build(),
        )
}

/// Added (by its creator); every later change is a `plan-action-updated` row.
fn plan_action(a: &plan_actions::Model, ledger: &mut Ledger, name: &Names) -> Vec<Entry> {
    let owner = match (a.owner_id, &a.owner_other) {
        (Some(id), _) => Some(name(id)),
        (None, Some(other)) => Some(other.clone()),
        _ => None,
    };
    // Actions added together (a plan's) are paired with their rows in id order.
    let recorded = ledger.take("plan-action-added", a.created_by, a.created_at, |_| true);
    let changed = a.updated_at.is_some();
    let details = match recorded {
        Some(t) if changed => t.body.clone(),
        _ => Details::new()
            .field("Added", Some(&a.description))
            .field("Owner", owner.as_ref())
            .field("Target date", Some(plain_date(a.target_on)))
            .build(),
    };
    let mut out = vec![
        Entry::new(Source::PlanAction, a.id, When::At(a.created_at), "Plan action")
            .by(name(a.created_by))
            .details(details),
    ];
    let last = if changed {
        unrecorded_change(ledger, &["plan-action-updated"], a.updated_by, a.updated_at)
            .map(|(by, at)| (by, When::At(at)))
    } else if a.status != plans::OPEN {
        // Recorded settled and never changed (not something the forms do): by its
        // creator, on the day completed.
        Some((
            a.created_by,
            a.completed_on.map_or(When::At(a.created_at), When::Day),
        ))
    } else {
        None
    };
    if let Some((by, at)) = last {
        out.push(
            Entry::new(Source::PlanAction, a.id, at, "Plan action")
                .step(LAST_CHANGE)
                .by(name(by))
                .details(
                    Details::new()
                        .line(format!(
                            "{}: {}",
                            plans::action_status_label(&a.status),
                            a.description
                        ))
                        .field("Owner", owner)
                        .field("Target date", Some(plain_date(a.target_on)))
                        .field("Completed on", a.completed_on.map(plain_date))
                        .field("Outcome", a.outcome.as_ref())
                        .build(),
                ),
        );
    }
    out
}

/// Requested, provided, declined (by its creator, unchanged since); once changed, what
/// was recorded at first, every change being a `support-updated` row.
fn measure(m: &support_measures::Model, what: &str, ledger: &mut Ledger, name: &Names) -> Vec<Entry> {
    let cost = m.cost_pence.map(format_pence);
    let start = format!("Support recorded: {what}:");
    let recorded = ledger.take_preferring("support-recorded", m.created_by, m.created_at, |b| {
        b.starts_with(&start)
    });
    let requested = Entry::new(
        Source::Support,
        m.id,
        When::Day(m.requested_on),
        "Support measure",
    )
    .by(name(m.created_by));
    if m.updated_at.is_some() {
        let mut out = vec![
            requested.details(recorded.map_or_else(|| format!("{what}: requested"), |t| t.body.clone())),
        ];
        if let Some((by, at)) = unrecorded_change(ledger, &["support-updated"], m.updated_by, m.updated_at) {
            out.push(
                Entry::new(Source::Support, m.id, When::At(at), "Support measure updated")
                    .step(LAST_CHANGE)
                    .by(name(by))
                    .details(
                        Details::new()
                            .line(format!(
                                "{what}: {}",
                                support::measure_status_label(&m.status).to_lowercase()
                            ))
                            .field("Requested", Some(plain_date(m.requested_on)))
                            .field("Provided", m.provided_on.map(plain_date))
                            .field("Declined", m.declined_on.map(plain_date))
                            .field("Cost", cost.as_ref())
                            .field("Notes", m.notes.as_ref())
                            .build(),
                    ),
            );
        }
        return out;
    }
    // The cost goes with the provision when there is one, else with the request.
    let cost_on_request = m.provided_on.is_none();
    let mut out = vec![
        requested.details(
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
                .by(name(m.created_by))
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
                .by(name(m.created_by))
                .details(format!("{what}: declined")),
        );
    }
    out
}

/// Referred, consent, sent, response (by its creator, unchanged since); once changed,
/// what was recorded at first, every change being a `referral-updated` row.
fn referral(r: &referrals::Model, agency: &str, ledger: &mut Ledger, name: &Names) -> Vec<Entry> {
    let start = format!("Referral recorded: {agency}:");
    let recorded = ledger.take_preferring("referral-recorded", r.created_by, r.created_at, |b| {
        b.starts_with(&start)
    });
    let referred =
        Entry::new(Source::Referral, r.id, When::Day(r.referred_on), "Referral").by(name(r.created_by));
    if r.updated_at.is_some() {
        let mut out =
            vec![referred.details(
                recorded.map_or_else(|| format!("To {agency}: referral recorded"), |t| t.body.clone()),
            )];
        if let Some((by, at)) = unrecorded_change(ledger, &["referral-updated"], r.updated_by, r.updated_at) {
            out.push(
                Entry::new(Source::Referral, r.id, When::At(at), "Referral updated")
                    .step(LAST_CHANGE)
                    .by(name(by))
                    .details(
                        Details::new()
                            .line(format!(
                                "To {agency}: {}",
                                support::referral_status_label(&r.status).to_lowercase()
                            ))
                            .field("Consent given by", r.consent_by.as_ref())
                            .field("Consent given on", r.consent_on.map(plain_date))
                            .field("May be shared", r.consent_scope.as_ref())
                            .field("Sent", r.sent_on.map(plain_date))
                            .field("Response received", r.response_on.map(plain_date))
                            .field("Response", r.response.as_ref())
                            .build(),
                    ),
            );
        }
        return out;
    }
    let mut out = vec![
        referred.details(
            Details::new()
                .line(format!("To {agency}: referral recorded"))
                .field("Reason", r.reason.as_ref())
                .build(),
        ),
    ];
    let mut step = |on: When, details: String| {
        let n = u8::try_from(out.len()).unwrap_or(LAST_CHANGE);
        out.push(
            Entry::new(Source::Referral, r.id, on, "Referral")
                .step(n)
                .by(name(r.created_by))
                .details(details),
        );
    };
    if let Some(on) = r.consent_on {
        let d = Details::new().line(format!("To {agency}: consent to share given"));
        step(
            When::Day(on),
            d.field("Given by", r.consent_by.as_ref())
                .field("May be shared", r.consent_scope.as_ref())
                .build(),
        );
    }
    if let Some(on) = r.sent_on {
        step(When::Day(on), format!("To {agency}: sent"));
    }
    if let Some(on) = r.response_on {
        step(
            When::Day(on),
            Details::new()
                .line(format!("From {agency}: response received"))
                .field("Response", r.response.as_ref())
                .build(),
        );
    }
    if r.status == support::WITHDRAWN {
        step(When::At(r.created_at), format!("To {agency}: withdrawn"));
    }
    out
}

/// How an action is named: in the chronology, and as its timeline rows begin.
struct Action {
    what: String,
    headline: String,
}

/// Each status event (dated on its day, credited to who recorded it) with the text of
/// the timeline row written with it; changes without a status event (outcome,
/// documents) are their own `enforcement-updated` rows.
fn perpetrator_action(
    a: &perpetrator_actions::Model,
    about: &Action,
    events: &[&perpetrator_action_events::Model],
    ledger: &mut Ledger,
    name: &Names,
) -> Vec<Entry> {
    let what = &about.what;
    let ours = |b: &str| b.starts_with(&about.headline);
    let recorded = ledger.take_preferring("enforcement-recorded", a.created_by, a.created_at, ours);
    let changed = a.updated_at.is_some();
    let status = |s: &str| status_label(s).to_owned();
    // As first recorded: the notes never change; documents and outcome only while the
    // action is unchanged.
    let first = |status_code: &str, on, by, note: Option<&String>| {
        let d = Details::new()
            .line(format!("{what}: {}", status(status_code)))
            .field(
                "Planned on",
                (status_code != enforcement::PLANNED).then(|| plain_date(a.planned_on)),
            )
            .field("Note", note)
            .field("Notes", a.notes.as_ref());
        let d = if changed {
            d
        } else {
            d.field("Outcome", a.outcome.as_ref())
                .field("Documents", a.documents.as_ref())
        };
        let details = match recorded {
            Some(t) if changed => t.body.clone(),
            _ => d.build(),
        };
        Entry::new(Source::Enforcement, a.id, When::Day(on), "Perpetrator action")
            .by(name(by))
            .details(details)
    };
    let mut out = match events.split_first() {
        // No status history: as it stands, from its creator.
        None => vec![first(&a.status, a.status_on, a.created_by, None)],
        Some((created, later)) => {
            let mut out = vec![first(
                &created.status,
                created.on_date,
                created.created_by,
                created.note.as_ref(),
            )];
            for (n, e) in later.iter().enumerate() {
                let row = ledger.take_preferring("enforcement-updated", e.created_by, e.created_at, ours);
                let details = row.map_or_else(
                    || {
                        Details::new()
                            .line(format!("{what}: {}", status(&e.status)))
                            .field("Note", e.note.as_ref())
                            .build()
                    },
                    |t| t.body.clone(),
                );
                out.push(
                    Entry::new(
                        Source::Enforcement,
                        a.id,
                        When::Day(e.on_date),
                        "Perpetrator action",
                    )
                    .step(u8::try_from(n + 1).unwrap_or(LAST_CHANGE - 1))
                    .by(name(e.created_by))
                    .details(details),
                );
            }
            out
        }
    };
    if let Some((by, at)) = unrecorded_change(ledger, &["enforcement-updated"], a.updated_by, a.updated_at) {
        out.push(
            Entry::new(Source::Enforcement, a.id, When::At(at), "Perpetrator action")
                .step(LAST_CHANGE)
                .by(name(by))
                .details(
                    Details::new()
                        .line(format!(
                            "{what}: {} since {}",
                            status(&a.status),
                            plain_date(a.status_on)
                        ))
                        .field("Outcome", a.outcome.as_ref())
                        .field("Documents", a.documents.as_ref())
                        .build(),
                ),
        );
    }
    out
}

fn legal_date(l: &legal_dates::Model, about: Option<String>, name: &Names) -> Entry {
    let kind = match l.kind.as_str() {
        enforcement::NOTICE_EXPIRY => "Notice expiry",
        _ => "Court date",
    };
    let what = legal_date_label(&l.kind);
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
        )
}

/// A deadline's settlement (met, late, waived, no longer applicable) or, while still
/// open, when it falls due. Its extensions are the `deadline-extended` rows (and the
/// plan action's target changes); the deadline row's own (latest) extension is shown
/// only when no row records it.
fn deadline(row: &Row, ledger: &Ledger) -> Vec<Entry> {
    let d = &row.deadline;
    let what = stage_name(d);
    let mut out = vec![];
    if let (Some(at), Some(by)) = (d.extended_at, d.extended_by)
        && !ledger.recorded(&["deadline-extended", "plan-action-updated"], by, at)
    {
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
    use time::macros::{date, datetime};

    const TESS: i32 = 1;
    const HARRY: i32 = 2;
    const MO: i32 = 3;

    fn name(id: i32) -> String {
        ["", "tess", "harry", "mo"][id as usize].to_owned()
    }

    fn row(id: i32, kind: &str, by: i32, at: OffsetDateTime, body: &str) -> timeline_entries::Model {
        timeline_entries::Model {
            id,
            case_id: 1,
            kind: kind.to_owned(),
            occurred_at: at,
            body: body.to_owned(),
            person_id: None,
            author_id: Some(by),
            author_name: name(by),
            created_at: at,
        }
    }

    fn shown(entries: &[Entry]) -> Vec<(&str, &str)> {
        entries.iter().map(|e| (e.kind, e.author.as_str())).collect()
    }

    fn locks() -> support_measures::Model {
        support_measures::Model {
            id: 5,
            case_id: 1,
            catalogue_id: 1,
            status: support::PROVIDED.to_owned(),
            requested_on: date!(2026 - 11 - 17),
            provided_on: Some(date!(2026 - 11 - 20)),
            declined_on: None,
            cost_pence: Some(12_550),
            notes: None,
            created_by: TESS,
            created_at: datetime!(2026-11-17 12:00 UTC),
            updated_by: Some(HARRY),
            updated_at: Some(datetime!(2026-11-20 12:00 UTC)),
            version: 2,
        }
    }

    #[test]
    fn a_changed_measure_shows_what_was_recorded_first_and_leaves_the_change_to_its_row() {
        let m = locks();
        let rows = vec![
            row(
                1,
                "support-recorded",
                TESS,
                m.created_at,
                "Support recorded: Locks: requested on 17 Nov 2026.",
            ),
            row(
                2,
                "support-updated",
                HARRY,
                m.updated_at.unwrap(),
                "Support updated: Locks: provided",
            ),
        ];
        let mut ledger = Ledger::new(&rows);
        let entries = measure(&m, "Locks", &mut ledger, &name);
        assert_eq!(shown(&entries), vec![("Support measure", "tess")]);
        assert_eq!(
            entries[0].details,
            "Support recorded: Locks: requested on 17 Nov 2026."
        );
        assert_eq!(entries[0].at, When::Day(date!(2026 - 11 - 17)));
        // The update row is shown on its own, by Harry.
        assert_eq!(ledger.shown().map(|t| t.id).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn a_change_with_no_row_is_shown_as_the_record_now_stands_by_who_made_it() {
        let m = locks();
        let mut ledger = Ledger::new(&[]);
        let entries = measure(&m, "Locks", &mut ledger, &name);
        assert_eq!(
            shown(&entries),
            vec![("Support measure", "tess"), ("Support measure updated", "harry")]
        );
        assert_eq!(entries[0].details, "Locks: requested");
        assert_eq!(entries[1].at, When::At(datetime!(2026-11-20 12:00 UTC)));
        assert!(
            entries[1].details.contains("Provided: 20 Nov 2026"),
            "{}",
            entries[1].details
        );
        assert!(
            entries[1].details.contains("Cost: £125.50"),
            "{}",
            entries[1].details
        );
    }

    #[test]
    fn a_measure_never_changed_has_each_step_from_its_creator() {
        let m = support_measures::Model {
            updated_by: None,
            updated_at: None,
            version: 1,
            ..locks()
        };
        let entries = measure(&m, "Locks", &mut Ledger::new(&[]), &name);
        assert_eq!(
            shown(&entries),
            vec![("Support measure", "tess"), ("Support measure", "tess")]
        );
        assert_eq!(entries[1].details, "Locks: provided\nCost: £125.50");
    }

    fn police() -> referrals::Model {
        referrals::Model {
            id: 9,
            case_id: 1,
            agency_id: 1,
            status: support::RESPONDED.to_owned(),
            referred_on: date!(2026 - 11 - 17),
            reason: Some("Threats".to_owned()),
            consent_by: Some("Amina Khan".to_owned()),
            consent_on: Some(date!(2026 - 11 - 17)),
            consent_scope: Some("All".to_owned()),
            sent_on: Some(date!(2026 - 11 - 18)),
            response_on: Some(date!(2026 - 11 - 20)),
            response: Some("Officer assigned".to_owned()),
            created_by: HARRY,
            created_at: datetime!(2026-11-17 12:30 UTC),
            updated_by: Some(MO),
            updated_at: Some(datetime!(2026-11-20 13:00 UTC)),
            version: 3,
        }
    }

    #[test]
    fn a_referral_changed_without_a_row_credits_the_last_change_not_the_steps() {
        let r = police();
        let entries = referral(&r, "Police", &mut Ledger::new(&[]), &name);
        assert_eq!(
            shown(&entries),
            vec![("Referral", "harry"), ("Referral updated", "mo")]
        );
        assert!(entries[1].details.starts_with("To Police: response received"));
        // With the rows the forms write, the steps are theirs.
        let rows = vec![
            row(
                1,
                "referral-recorded",
                HARRY,
                r.created_at,
                "Referral recorded: Police: to send",
            ),
            row(
                2,
                "referral-updated",
                MO,
                r.updated_at.unwrap(),
                "Referral updated: Police: sent",
            ),
        ];
        let mut ledger = Ledger::new(&rows);
        let entries = referral(&r, "Police", &mut ledger, &name);
        assert_eq!(shown(&entries), vec![("Referral", "harry")]);
        assert_eq!(entries[0].details, "Referral recorded: Police: to send");
        assert_eq!(ledger.shown().map(|t| t.id).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn status_events_carry_their_rows_text_and_other_changes_stay_rows() {
        let a = perpetrator_actions::Model {
            id: 4,
            case_id: 1,
            party_id: None,
            kind: "cctv".to_owned(),
            status: enforcement::ISSUED.to_owned(),
            status_on: date!(2026 - 11 - 19),
            planned_on: date!(2026 - 11 - 18),
            outcome: Some("Camera up".to_owned()),
            documents: None,
            notes: None,
            created_by: HARRY,
            created_at: datetime!(2026-11-18 16:00 UTC),
            updated_by: Some(MO),
            updated_at: Some(datetime!(2026-11-20 09:00 UTC)),
            version: 3,
        };
        let event = |id, status: &str, on, by, at| perpetrator_action_events::Model {
            id,
            action_id: 4,
            status: status.to_owned(),
            on_date: on,
            note: None,
            created_by: by,
            created_at: at,
        };
        let events = [
            event(
                1,
                enforcement::PLANNED,
                date!(2026 - 11 - 18),
                HARRY,
                a.created_at,
            ),
            event(
                2,
                enforcement::ISSUED,
                date!(2026 - 11 - 19),
                HARRY,
                datetime!(2026-11-19 10:00 UTC),
            ),
        ];
        let head = headline("cctv", None);
        let rows = vec![
            row(
                1,
                "enforcement-recorded",
                HARRY,
                a.created_at,
                &format!("{head}: planned"),
            ),
            row(
                2,
                "enforcement-updated",
                HARRY,
                datetime!(2026-11-19 10:00 UTC),
                &format!("{head}: Planned → Issued or served on 19 Nov 2026.\nNote: Fitted"),
            ),
            row(
                3,
                "enforcement-updated",
                MO,
                datetime!(2026-11-20 09:00 UTC),
                &format!("{head}:\nOutcome: Camera up"),
            ),
        ];
        let about = Action {
            what: "CCTV against No one in particular".to_owned(),
            headline: head.clone(),
        };
        let mut ledger = Ledger::new(&rows);
        let refs: Vec<_> = events.iter().collect();
        let entries = perpetrator_action(&a, &about, &refs, &mut ledger, &name);
        assert_eq!(
            shown(&entries),
            vec![("Perpetrator action", "harry"), ("Perpetrator action", "harry")]
        );
        assert_eq!(entries[0].details, format!("{head}: planned"));
        assert_eq!(entries[1].at, When::Day(date!(2026 - 11 - 19)));
        assert!(entries[1].details.ends_with("Note: Fitted"));
        // The outcome change (Mo's) has no event: its row is shown as it is.
        assert_eq!(ledger.shown().map(|t| t.id).collect::<Vec<_>>(), vec![3]);
        // Without that row, the change is the action as it now stands, by Mo.
        let mut ledger = Ledger::new(&rows[..2]);
        let entries = perpetrator_action(&a, &about, &refs, &mut ledger, &name);
        let last = entries.last().unwrap();
        assert_eq!((last.kind, last.author.as_str()), ("Perpetrator action", "mo"));
        assert!(last.details.contains("Outcome: Camera up"), "{}", last.details);
    }

    #[test]
    fn extensions_come_from_their_rows_and_the_deadline_only_when_none_records_it() {
        use entity::deadlines;
        let d = deadlines::Model {
            id: 3,
            case_id: 1,
            stage: "victim-interview".to_owned(),
            occurrence: 1,
            procedure_version_id: 1,
            title: None,
            priority: "p1".to_owned(),
            unit: "working-days".to_owned(),
            amount: 5,
            anchored_at: datetime!(2026-11-16 08:00 UTC),
            original_due_at: datetime!(2026-11-23 23:59:59 UTC),
            due_at: datetime!(2026-11-30 23:59:59 UTC),
            status: "open".to_owned(),
            done_at: None,
            late_working_days: None,
            resolved_by: None,
            resolved_at: None,
            resolution_note: None,
            extended_at: Some(datetime!(2026-11-20 10:00 UTC)),
            extended_by: Some(HARRY),
            extension_reason: Some("In hospital".to_owned()),
            created_at: datetime!(2026-11-16 08:00 UTC),
            version: 3,
        };
        let row_of = |d: deadlines::Model| Row {
            deadline: d,
            state: State::Extended,
            working_days_late: None,
            resolved_by: None,
            extended_by: Some("harry".to_owned()),
        };
        let rows = vec![row(
            1,
            "deadline-extended",
            HARRY,
            datetime!(2026-11-20 10:00 UTC),
            "Extended",
        )];
        let recorded = deadline(&row_of(d.clone()), &Ledger::new(&rows));
        assert_eq!(shown(&recorded), vec![("Deadline due", SYSTEM)]);
        let unrecorded = deadline(&row_of(d), &Ledger::new(&[]));
        assert_eq!(
            shown(&unrecorded),
            vec![("Deadline extended", "harry"), ("Deadline due", SYSTEM)]
        );
    }
}
