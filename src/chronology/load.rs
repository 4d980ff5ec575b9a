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
    entry::{self, Details, Entry, Source, When},
    ledger::{self, Ledger, static_label},
    records::{
        Action, closure, deadline, legal_date, measure, perpetrator_action, plan, plan_action, referral,
        report, risk_assessment,
    },
};
use crate::{
    cases::{
        codes::{self, Code},
        parts::person_name,
    },
    deadlines::case_panel::{self as deadline_panel},
    enforcement::{headline, kind_label},
    risk,
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
pub(super) fn label(list: &[Code], code: &str) -> String {
    codes::label(list, code).to_owned()
}

/// A display name by user id ("" for none).
pub(super) type Names<'a> = dyn Fn(i32) -> String + 'a;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        deadlines::{case_panel::Row, state::State},
        enforcement, support,
    };
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
