//! One record of the case turned into its chronology entries: a report, an assessment, a
//! closure, a plan agreement, a plan action, a support measure, a referral, a perpetrator
//! action, a legal date, a deadline. Plain functions of the loaded rows (and the ledger of
//! timeline rows, for the changes made since a record was created); `load` gathers them.

use super::{
    entry::{Details, Entry, Source, When, plain_datetime},
    ledger::Ledger,
    load::{Names, SYSTEM, label},
};
use crate::cases::events::EventKind;
use crate::{
    cases::codes,
    deadlines::{
        case_panel::{Row, stage_name},
        state::State,
    },
    enforcement::{self, legal_date_label, status_label},
    plans, procedure, risk,
    support::{self, format_pence},
    web::time_fmt::plain_date,
};
use entity::{
    action_plans, case_closures, incident_types, incidents, legal_dates, perpetrator_action_events,
    perpetrator_actions, plan_actions, referrals, risk_assessments, support_measures,
};
use time::OffsetDateTime;

/// A record's last change, when no timeline row of `kinds` records it (written by
/// `updated_by` at `updated_at`): who made it and when.
pub(super) fn unrecorded_change(
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
pub(super) const LAST_CHANGE: u8 = u8::MAX;

pub(super) fn report(i: &incidents::Model, types: &[incident_types::Model], name: &Names) -> Entry {
    let what: Vec<String> =
        codes::incident_types_said(&codes::codes_of(i.id, types), i.other_type.as_deref())
            .into_iter()
            .map(|(_, said)| said)
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
    let police = codes::police_answer(
        i.police_known.then_some(i.police_involved),
        i.crime_reference.as_deref(),
    );
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

pub(super) fn risk_assessment(a: &risk_assessments::Model, name: &Names) -> Entry {
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

pub(super) fn closure(c: &case_closures::Model, name: &Names) -> Vec<Entry> {
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
pub(super) fn plan(p: &action_plans::Model, revision: bool, name: &Names) -> Entry {
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
pub(super) fn plan_action(a: &plan_actions::Model, ledger: &mut Ledger, name: &Names) -> Vec<Entry> {
    let owner = match (a.owner_id, &a.owner_other) {
        (Some(id), _) => Some(name(id)),
        (None, Some(other)) => Some(other.clone()),
        _ => None,
    };
    // Actions added together (a plan's) are paired with their rows in id order.
    let recorded = ledger.take(
        EventKind::PlanActionAdded.code(),
        a.created_by,
        a.created_at,
        |_| true,
    );
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
        unrecorded_change(
            ledger,
            &[EventKind::PlanActionUpdated.code()],
            a.updated_by,
            a.updated_at,
        )
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
pub(super) fn measure(
    m: &support_measures::Model,
    what: &str,
    ledger: &mut Ledger,
    name: &Names,
) -> Vec<Entry> {
    let cost = m.cost_pence.map(format_pence);
    let start = format!("Support recorded: {what}:");
    let recorded = ledger.take_preferring(
        EventKind::SupportRecorded.code(),
        m.created_by,
        m.created_at,
        |b| b.starts_with(&start),
    );
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
        if let Some((by, at)) = unrecorded_change(
            ledger,
            &[EventKind::SupportUpdated.code()],
            m.updated_by,
            m.updated_at,
        ) {
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
pub(super) fn referral(r: &referrals::Model, agency: &str, ledger: &mut Ledger, name: &Names) -> Vec<Entry> {
    let start = format!("Referral recorded: {agency}:");
    let recorded = ledger.take_preferring(
        EventKind::ReferralRecorded.code(),
        r.created_by,
        r.created_at,
        |b| b.starts_with(&start),
    );
    let referred =
        Entry::new(Source::Referral, r.id, When::Day(r.referred_on), "Referral").by(name(r.created_by));
    if r.updated_at.is_some() {
        let mut out =
            vec![referred.details(
                recorded.map_or_else(|| format!("To {agency}: referral recorded"), |t| t.body.clone()),
            )];
        if let Some((by, at)) = unrecorded_change(
            ledger,
            &[EventKind::ReferralUpdated.code()],
            r.updated_by,
            r.updated_at,
        ) {
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
pub(super) struct Action {
    pub(super) what: String,
    pub(super) headline: String,
}

/// Each status event (dated on its day, credited to who recorded it) with the text of
/// the timeline row written with it; changes without a status event (outcome,
/// documents) are their own `enforcement-updated` rows.
pub(super) fn perpetrator_action(
    a: &perpetrator_actions::Model,
    about: &Action,
    events: &[&perpetrator_action_events::Model],
    ledger: &mut Ledger,
    name: &Names,
) -> Vec<Entry> {
    let what = &about.what;
    let ours = |b: &str| b.starts_with(&about.headline);
    let recorded = ledger.take_preferring(
        EventKind::EnforcementRecorded.code(),
        a.created_by,
        a.created_at,
        ours,
    );
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
                let row = ledger.take_preferring(
                    EventKind::EnforcementUpdated.code(),
                    e.created_by,
                    e.created_at,
                    ours,
                );
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
    if let Some((by, at)) = unrecorded_change(
        ledger,
        &[EventKind::EnforcementUpdated.code()],
        a.updated_by,
        a.updated_at,
    ) {
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

pub(super) fn legal_date(l: &legal_dates::Model, about: Option<String>, name: &Names) -> Entry {
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
pub(super) fn deadline(row: &Row, ledger: &Ledger) -> Vec<Entry> {
    let d = &row.deadline;
    let what = stage_name(d);
    let mut out = vec![];
    if let (Some(at), Some(by)) = (d.extended_at, d.extended_by)
        && !ledger.recorded(
            &[
                EventKind::DeadlineExtended.code(),
                EventKind::PlanActionUpdated.code(),
            ],
            by,
            at,
        )
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
