//! Writing a checked plan: every case through the intake service, its history (first
//! contact, perpetrator action, closure, satisfaction) through the same stores the case
//! page uses, all in one transaction with one audit row. A failure anywhere writes nothing.

use super::plan::{Counts, Plan, Planned};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::{
    audit::{self, Event},
    cases::{
        closure::{self, store::Closing},
        codes,
        intake::service::{self, Opening},
        people, reference, satisfaction,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines::{
        self as deadline_rules, contact, dated, schedule as deadlines, state as deadline_state, unrecorded,
    },
    enforcement::{self, store as actions},
    plans,
    procedure::Stage,
    web::time_fmt,
};
use entity::{cases, imports, plan_actions};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, macros::time};

/// The timeline's text for an imported first contact.
const FIRST_CONTACT: &str = "First contact with the victim (imported)";

/// Called after each case is written, with how many are done (for a progress bar).
pub type Progress<'a> = &'a mut (dyn FnMut(usize) + Send);

/// Where the file being committed is recorded.
pub enum Target<'a> {
    /// Uploaded on the web and previewed: its row is claimed, so a second commit of the
    /// same upload (a double click, another tab) writes nothing.
    Upload(i32),
    /// Read from disk (the command line, the demo): its row is made with the cases.
    File { name: &'a str, sheet: Option<&'a str> },
}

/// What a caller records on each case after its report, first contact and actions and
/// before its closure: the demo landlord's casework (risk, plans, support, referrals,
/// court dates, restrictions), through the same services as the case page. A file import
/// records nothing more. Says whether it recorded anything.
pub trait Casework: Sync {
    fn record<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        case: &'a cases::Model,
        planned: &'a Planned,
    ) -> impl Future<Output = Result<bool, DbErr>> + Send + 'a;
}

/// Nothing beyond what the file says.
pub struct FileOnly;

impl Casework for FileOnly {
    async fn record(&self, _: &DatabaseTransaction, _: &cases::Model, _: &Planned) -> Result<bool, DbErr> {
        Ok(false)
    }
}

/// Writes every planned case of `plan` (which must have no problems). Returns what was
/// created, or `None` when the upload was committed already.
pub async fn commit(
    db: &DatabaseConnection,
    plan: &mut Plan,
    target: Target<'_>,
    by: &Actor<'_>,
    progress: Progress<'_>,
) -> Result<Option<Counts>, DbErr> {
    commit_with(db, plan, target, by, progress, &FileOnly).await
}

/// [`commit`], recording `casework` on each case too.
pub async fn commit_with(
    db: &DatabaseConnection,
    plan: &mut Plan,
    target: Target<'_>,
    by: &Actor<'_>,
    progress: Progress<'_>,
    casework: &impl Casework,
) -> Result<Option<Counts>, DbErr> {
    let counts = plan.counts();
    // Numbered in the order they were received, as if logged at the time.
    plan.cases.sort_by_key(|c| c.received_at);
    let txn = crate::db::begin(db).await?;
    crate::db::plan_for_growing_tables(&txn).await?;
    // Only new cases are written: they are marked for the reports in one go at the end.
    let report_triggers = crate::reports::equality::facts::set_aside(&txn).await?;
    let import_id = match target {
        Target::Upload(id) => {
            let claimed = imports::Entity::update_many()
                .col_expr(imports::Column::CommittedAt, Expr::value(Some(by.now)))
                .filter(imports::Column::Id.eq(id))
                .filter(imports::Column::CommittedAt.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 0 {
                return Ok(None);
            }
            id
        }
        Target::File { name, sheet } => {
            record_upload(&txn, by.viewer, name, sheet, vec![], by.now)
                .await?
                .id
        }
    };
    // One transaction throughout: the calendar and procedures cannot change under it.
    let plan = &*plan;
    let cases = async {
        for (done, case) in plan.cases.iter().enumerate() {
            let mut planned = plan
                .planned(case)
                .ok_or_else(|| DbErr::Custom("a case of the file no longer passes its check".into()))?;
            // On the heap: a case's write is a deep future, and a web import runs it on a
            // worker thread's stack.
            Box::pin(write_case(&txn, &mut planned, import_id, by, casework)).await?;
            progress(done + 1);
        }
        Ok(())
    };
    // Numbered by the year each was received in (`intake::store::create_case`).
    let mut per_year = BTreeMap::new();
    for case in &plan.cases {
        *per_year
            .entry(time_fmt::london(case.received_at).year())
            .or_insert(0) += 1;
    }
    // Most people in a file are new: proving it needs no query each (`people::known`).
    let cases = people::known::matching_within(&txn, cases);
    let cases = reference::reserving(&txn, &per_year, crate::db::bulk::batched(&txn, cases));
    deadline_rules::rules_cache::with_cached_rules(cases).await?;
    imports::Entity::update_many()
        .col_expr(imports::Column::CommittedAt, Expr::value(Some(by.now)))
        .col_expr(
            imports::Column::CasesCreated,
            Expr::value(Some(counts.cases as i32)),
        )
        // The cases now hold what the file said.
        .col_expr(imports::Column::Content, Expr::value(Vec::<u8>::new()))
        .filter(imports::Column::Id.eq(import_id))
        .exec(&txn)
        .await?;
    let summary = format!(
        "Import {import_id}: {} cases, {} people named, {} first contacts, {} closures, {} perpetrator actions, {} satisfaction checks; {} already imported",
        counts.cases,
        counts.people,
        counts.contacts,
        counts.closures,
        counts.actions,
        counts.satisfaction,
        plan.already_imported
    );
    audit::record(
        &txn,
        by.now,
        &by.viewer.audit_actor(),
        by.origin,
        Event::new("import.committed", summary).on("import", import_id),
    )
    .await?;
    report_triggers
        .restore(
            &txn,
            &format!("SELECT id FROM cases WHERE import_id = {import_id}"),
        )
        .await?;
    txn.commit().await?;
    crate::db::refresh_statistics(db).await;
    Ok(Some(counts))
}

async fn write_case(
    txn: &DatabaseTransaction,
    planned: &mut Planned,
    import_id: i32,
    by: &Actor<'_>,
    casework: &impl Casework,
) -> Result<(), DbErr> {
    service::link_known(txn, &mut planned.new.report.people).await?;
    let opening = Opening::Imported {
        import_id,
        external_ref: &planned.external_ref,
        owner: planned.officer.as_ref().map(|(id, _)| *id),
    };
    let service::Opened {
        case,
        named,
        deadlines: planned_deadlines,
    } = service::open(txn, by, &planned.new, &opening).await?;
    let mut case = case;
    if let Some((_, name)) = &planned.officer {
        let entry = Entry::event(
            &case,
            EventKind::Assigned,
            by.now,
            format!("Assigned to {name} (imported)"),
        );
        timeline::write(txn, by.now, by.viewer, &entry).await?;
    }
    if let Some((at, kind)) = planned.first_contact {
        first_contact(txn, &case, &named, planned_deadlines, at, kind, by).await?;
    }
    for &(kind, on, dated) in &planned.actions {
        action(txn, &case, &named, kind, on, dated, by).await?;
    }
    let worked = casework.record(txn, &case, planned).await?;
    if worked {
        // The case as the casework left it (a risk level, a new version).
        case = cases::Entity::find_by_id(case.id)
            .one(txn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("case {}", case.id)))?;
    }
    match planned.closed {
        Some((on, outcome)) => {
            // Closed at the end of the working day, after anything recorded that day.
            let not_before = planned
                .first_contact
                .map_or(case.received_at, |(at, _)| at.max(case.received_at));
            close(txn, &case, on, outcome, planned.satisfaction, not_before, by).await?;
            if worked {
                settle_plan_actions(txn, &case, by).await?;
            }
            Ok(())
        }
        None if planned.live => Ok(()),
        None => {
            // What fell due before the import is history the file could not tell; what
            // recurs starts again from today, so the case is live in the due lists.
            unrecorded::close_off_unrecorded(txn, case.id, by.now, by.now).await?;
            deadlines::after_report(txn, &case, by.now, by.now).await?;
            if worked {
                settle_plan_actions(txn, &case, by).await?;
            }
            Ok(())
        }
    }
}

/// The first person the file named on the case in `role`.
fn first_named<'a>(named: &'a [service::Named], role: &str) -> Option<&'a service::Named> {
    named.iter().find(|n| n.role == role)
}

/// The first contact with the victim, on a case just opened with the deadlines `planned`.
async fn first_contact(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    named: &[service::Named],
    planned: Vec<entity::deadlines::Model>,
    at: OffsetDateTime,
    kind: &'static str,
    by: &Actor<'_>,
) -> Result<(), DbErr> {
    let person_id = first_named(named, codes::VICTIM).map(|victim| victim.person_id);
    let entry = Entry::contact(case, kind, at, FIRST_CONTACT, person_id);
    timeline::write(txn, by.now, by.viewer, &entry).await?;
    // Every part the victim has on the case (a victim may be a witness too).
    let roles: Vec<String> = named
        .iter()
        .filter(|n| Some(n.person_id) == person_id)
        .map(|n| n.role.clone())
        .collect();
    contact::after_contact_on(txn, case, planned, kind, &roles, at, by.viewer.id, by.now).await?;
    Ok(())
}

async fn action(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    named: &[service::Named],
    kind: &'static str,
    on: Date,
    dated: bool,
    by: &Actor<'_>,
) -> Result<(), DbErr> {
    // Ladder steps are against the (first) alleged perpetrator; measures against no one.
    let party = enforcement::is_ladder(kind)
        .then(|| first_named(named, codes::PERPETRATOR))
        .flatten();
    let name = party.map(|p| p.name.clone().unwrap_or_else(|| "someone not known".to_owned()));
    let new = actions::NewAction {
        case_id: case.id,
        party_id: party.map(|p| p.party_id),
        kind,
        status: enforcement::ISSUED,
        planned_on: on,
        status_on: on,
        documents: None,
        notes: (!dated).then(|| "Imported without a date: dated the day the report was received".to_owned()),
    };
    actions::insert_action(txn, &new, by.viewer.id, by.now).await?;
    // Recorded now, as the form records it (the action's own date is in its text).
    let entry = Entry::event(
        case,
        EventKind::EnforcementRecorded,
        by.now,
        format!("{} (imported)", new.summary(name.as_deref())),
    );
    timeline::write(txn, by.now, by.viewer, &entry).await
}

async fn close(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    on: Date,
    outcome: &'static str,
    satisfied: Option<&'static str>,
    not_before: OffsetDateTime,
    by: &Actor<'_>,
) -> Result<(), DbErr> {
    // A closing date without a time: the end of the working day, not before the report.
    let at = london_at(on, time!(17:00)).max(not_before);
    closure::store::mark_closed(txn, case.id, at, Some(outcome)).await?;
    let closing = Closing {
        at,
        by: by.viewer.id,
        outcome,
        reason: "Closed before the case was imported",
        victim_told_on: on,
    };
    let closure_id = closure::store::insert_closure(txn, case.id, &closing).await?;
    timeline::write(
        txn,
        by.now,
        by.viewer,
        &Entry::event(case, EventKind::Closed, at, closing.summary()),
    )
    .await?;
    let closed = cases::Model {
        status: codes::CLOSED.to_owned(),
        closed_at: Some(at),
        outcome: Some(outcome.to_owned()),
        ..case.clone()
    };
    // Opened in this transaction: its first closure.
    let planned = deadlines::after_first_closure(txn, &closed, at, by.now).await?;
    if let Some(answer) = satisfied {
        let check = satisfaction::store::Check {
            checked_on: on,
            handling: answer,
            outcome: answer,
            notes: Some("Imported: one answer for handling and outcome".to_owned()),
            by: by.viewer.id,
        };
        let due = planned
            .into_iter()
            .find(|d| d.stage == Stage::PostClosureCheck.code());
        let (at, body) =
            satisfaction::store::store_against(txn, &closed, Some(closure_id), due, &check, by.now).await?;
        timeline::write(
            txn,
            by.now,
            by.viewer,
            &Entry::event(&closed, EventKind::SatisfactionRecorded, at, body),
        )
        .await?;
    }
    // What was due while the case was open, and the closure letter and any check not
    // given if due already: the file could not say.
    unrecorded::close_off_unrecorded_at_closure(txn, case.id, by.now).await?;
    Ok(())
}

/// A plan's open actions follow their deadlines once those were closed off as not
/// recorded (as the closure form settles each), so no open action has a settled deadline.
async fn settle_plan_actions(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    by: &Actor<'_>,
) -> Result<(), DbErr> {
    let open = plan_actions::Entity::find()
        .filter(plan_actions::Column::CaseId.eq(case.id))
        .filter(plan_actions::Column::Status.eq(plans::OPEN))
        .all(txn)
        .await?;
    for a in open {
        let deadline = dated::find(txn, case.id, Stage::PlanAction, a.id).await?;
        if deadline
            .as_ref()
            .is_some_and(|d| d.status == deadline_state::OPEN)
        {
            continue;
        }
        let done = deadline.is_some_and(|d| d.status == deadline_state::DONE);
        plans::settle_at_closure(
            txn,
            case.id,
            a.id,
            done,
            if done {
                "Done, as its deadline records"
            } else {
                unrecorded::NOT_RECORDED_NOTE
            },
            by.viewer.id,
            by.now,
        )
        .await?;
    }
    Ok(())
}

fn london_at(on: Date, at: time::Time) -> OffsetDateTime {
    time_fmt::london_at(on, at).unwrap_or_else(|| on.with_time(at).assume_utc())
}

/// The import row for a file about to be previewed.
pub async fn record_upload(
    db: &impl sea_orm::ConnectionTrait,
    viewer: &Viewer,
    file_name: &str,
    sheet: Option<&str>,
    content: Vec<u8>,
    now: OffsetDateTime,
) -> Result<imports::Model, DbErr> {
    imports::Entity::insert(imports::ActiveModel {
        // Never blank: a blank name means the file was disposed of (`retention`).
        file_name: Set(match file_name.trim() {
            "" => "unnamed file".to_owned(),
            name => name.chars().take(255).collect(),
        }),
        sheet: Set(sheet.map(|s| s.chars().take(100).collect())),
        content: Set(content),
        uploaded_by: Set(viewer.id),
        uploaded_at: Set(now),
        committed_at: Set(None),
        cases_created: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}
