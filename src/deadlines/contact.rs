//! What a contact completes: a visit, call, letter, e-mail or meeting with someone on a
//! case meets the deadlines of their part in it (first contact and updates for a victim,
//! an interview for an alleged perpetrator …), and a recurring one is planned again from
//! the contact. Works in the caller's transaction.

use super::{
    schedule::{Done, Rules, existing, insert_all, mark_done, next_needed, row},
    state,
};
use crate::{cases::codes, procedure::Stage};
use entity::{case_parties, cases, deadlines};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;

/// Contact kinds that reach someone (a failed attempt or a file note does not).
const REACHING: [&str; 5] = ["visit", "phone-call", "letter", "email", "meeting"];

/// The stages a contact of `kind` with someone in `role` on the case completes.
pub fn stages_met_by_contact(kind: &str, role: &str) -> Vec<Stage> {
    if !REACHING.contains(&kind) {
        return vec![];
    }
    let in_person = matches!(kind, "visit" | "meeting");
    match role {
        codes::VICTIM if in_person => {
            vec![Stage::InitialContact, Stage::VictimInterview, Stage::VictimUpdate]
        }
        codes::VICTIM => vec![Stage::InitialContact, Stage::VictimUpdate],
        codes::WITNESS => vec![Stage::WitnessesContacted],
        codes::PERPETRATOR if in_person || kind == "phone-call" => {
            vec![Stage::PerpetratorInterviewed]
        }
        _ => vec![],
    }
}

/// After a contact of `kind` with `person_id` at `at`: completes the open deadlines it
/// meets. Returns the stages completed and whether each was met on time.
pub async fn after_contact(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    kind: &str,
    person_id: Option<i32>,
    at: OffsetDateTime,
    by: i32,
    now: OffsetDateTime,
) -> Result<Vec<(Stage, bool)>, DbErr> {
    let Some(person_id) = person_id else {
        return Ok(vec![]);
    };
    let roles: Vec<String> = case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::Role)
        .filter(case_parties::Column::CaseId.eq(case.id))
        .filter(case_parties::Column::PersonId.eq(person_id))
        .into_tuple()
        .all(db)
        .await?;
    if stages_met(kind, &roles).is_empty() {
        return Ok(vec![]);
    }
    let case = &crate::cases::lock::hold_case(db, case).await?;
    let all = existing(db, case.id).await?;
    after_contact_on(db, case, all, kind, &roles, at, by, now).await
}

/// [`after_contact`] with someone whose `roles` on the case the caller knows, on a case
/// the caller holds (or opened in this transaction: an import knows whom it names and
/// what it planned) whose deadlines are `all`.
#[allow(clippy::too_many_arguments)]
pub async fn after_contact_on(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    mut all: Vec<deadlines::Model>,
    kind: &str,
    roles: &[String],
    at: OffsetDateTime,
    by: i32,
    now: OffsetDateTime,
) -> Result<Vec<(Stage, bool)>, DbErr> {
    let stages = stages_met(kind, roles);
    if stages.is_empty() {
        return Ok(vec![]);
    }
    all.sort_by_key(|d| d.id);
    let rules = Rules::for_case(db, case).await?;
    let due = all
        .iter()
        .filter(|d| d.status == state::OPEN && at >= d.anchored_at)
        .filter(|d| Stage::from_code(&d.stage).is_some_and(|s| stages.contains(&s)))
        .cloned()
        .collect();
    let done = Done {
        at,
        by,
        note: None,
        now,
    };
    let completed = mark_done(db, &rules, due, done).await?;
    // What planning the next recurring deadline needs, as the contact leaves it.
    let mut known: Vec<(String, i32, String)> = all
        .into_iter()
        .map(|d| {
            let status = match completed.iter().find(|c| c.id == d.id) {
                Some(c) => c.status.clone(),
                None => d.status,
            };
            (d.stage, d.occurrence, status)
        })
        .collect();
    let mut next = vec![];
    let mut met = vec![];
    for d in &completed {
        let Some(stage) = Stage::from_code(&d.stage) else {
            continue;
        };
        met.push((stage, state::state(d, now) == state::State::Met));
        // A recurring stage always has one open deadline: the next counts from the contact.
        if stage.recurring()
            && case.status == codes::OPEN
            && let Some(occurrence) = next_needed(&known, stage)
        {
            next.push(row(&rules, case, stage, occurrence, at, now));
            known.push((stage.code().to_owned(), occurrence, state::OPEN.to_owned()));
        }
    }
    insert_all(db, next).await?;
    Ok(met)
}

/// The stages a contact of `kind` with someone in any of `roles` completes.
fn stages_met(kind: &str, roles: &[String]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = roles
        .iter()
        .flat_map(|role| stages_met_by_contact(kind, role))
        .collect();
    stages.sort();
    stages.dedup();
    stages
}
