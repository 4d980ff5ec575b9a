//! Deadlines as a case's events happen: planned when reports arrive and when the case is
//! closed, completed by the activity that meets them (a contact's in [`super::contact`]),
//! rescheduled when a recurring one is done, re-planned when priority or
//! the agreed contact frequency changes. Every function works in the caller's transaction.

use super::state;
use crate::{
    calendar::Calendar,
    cases::{codes, risk_level},
    procedure::{self, CaseFacts, Priority, Procedure, Stage, Timescale, Unit},
};
use entity::{case_parties, cases, deadlines, incident_types, incidents, people};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{CaseStatement, Condition, Expr, ExprTrait, Query},
};
use time::OffsetDateTime;

/// The case's calendar and procedure version: what its deadlines are counted in.
pub struct Rules {
    pub calendar: Calendar,
    pub procedure: Procedure,
    /// The manager-review cadence while the case's standing risk level is high.
    pub high_risk_review: Option<Timescale>,
}

impl Rules {
    pub async fn for_case(db: &impl ConnectionTrait, case: &cases::Model) -> Result<Self, DbErr> {
        let high_risk_review = if case.risk_level.as_deref() == Some(risk_level::HIGH) {
            risk_level::high_risk_review(db, case.id).await?
        } else {
            None
        };
        Ok(Rules {
            calendar: super::rules_cache::calendar(db).await?,
            procedure: super::rules_cache::procedure(db, case.procedure_version_id).await?,
            high_risk_review,
        })
    }

    /// The stage's timescale on this case: the regular victim update follows the contact
    /// frequency agreed with the victim when there is one; a high-risk case is reviewed by
    /// a manager at the high-risk cadence when that is the shorter.
    pub fn timescale(&self, case: &cases::Model, stage: Stage) -> Timescale {
        if stage == Stage::VictimUpdate
            && let Some(agreed) = agreed_frequency(case)
        {
            return agreed;
        }
        let procedure = self
            .procedure
            .timescale(stage, Priority::from_code(&case.priority));
        match self.high_risk_review {
            Some(high) if stage == Stage::ManagerReview && high.rough_days() < procedure.rough_days() => high,
            _ => procedure,
        }
    }
}

/// The victim-contact frequency agreed on this case, if any.
pub fn agreed_frequency(case: &cases::Model) -> Option<Timescale> {
    let unit = Unit::from_code(case.contact_every_unit.as_deref()?)?;
    let amount = u32::try_from(case.contact_every_amount?).ok()?;
    Some(Timescale::new(unit, amount))
}

/// Incident types that call for graffiti or hate damage to be removed.
const REMOVAL_TYPES: [&str; 3] = ["graffiti-home", "graffiti-communal", "damage"];

/// What the case's reports and people say about which stages apply. One statement: it
/// runs for every report, and an import makes thousands.
pub async fn facts(db: &impl ConnectionTrait, case_id: i32) -> Result<CaseFacts, DbErr> {
    // A bulk write holds incident types back (`intake::store`): they are read here.
    crate::db::bulk::flush::<incident_types::ActiveModel>(db).await?;
    let removal = Query::select()
        .expr(Expr::val(1))
        .from(incident_types::Entity)
        .inner_join(
            incidents::Entity,
            Expr::col((incidents::Entity, incidents::Column::Id))
                .equals((incident_types::Entity, incident_types::Column::IncidentId)),
        )
        .and_where(incidents::Column::CaseId.eq(case_id))
        .and_where(incident_types::Column::TypeCode.is_in(REMOVAL_TYPES))
        .to_owned();
    let party = |role: &str| {
        Query::select()
            .expr(Expr::val(1))
            .from(case_parties::Entity)
            .and_where(case_parties::Column::CaseId.eq(case_id))
            .and_where(case_parties::Column::Role.eq(role))
            .to_owned()
    };
    let named_perpetrator = party(codes::PERPETRATOR)
        .inner_join(
            people::Entity,
            Expr::col((people::Entity, people::Column::Id))
                .equals((case_parties::Entity, case_parties::Column::PersonId)),
        )
        .and_where(people::Column::Kind.eq(codes::NAMED))
        .to_owned();
    let query = Query::select()
        .expr_as(Expr::exists(removal), "removal")
        .expr_as(Expr::exists(party(codes::WITNESS)), "witness")
        .expr_as(Expr::exists(named_perpetrator), "named")
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("case facts".to_owned()))?;
    Ok(CaseFacts {
        graffiti_or_damage: row.try_get("", "removal")?,
        has_witness: row.try_get("", "witness")?,
        named_perpetrator: row.try_get("", "named")?,
    })
}

/// [`facts`] of a case that holds one report, worked out from that report (the incident's
/// types, and each person's role and kind) without reading anything: what a case being
/// opened calls for.
pub fn facts_of_report<'a>(
    types: &[String],
    people: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> CaseFacts {
    let mut facts = CaseFacts {
        graffiti_or_damage: types.iter().any(|t| REMOVAL_TYPES.contains(&t.as_str())),
        has_witness: false,
        named_perpetrator: false,
    };
    for (role, kind) in people {
        facts.has_witness |= role == codes::WITNESS;
        facts.named_perpetrator |= role == codes::PERPETRATOR && kind == codes::NAMED;
    }
    facts
}

pub(super) async fn existing(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Vec<deadlines::Model>, DbErr> {
    deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .order_by_asc(deadlines::Column::Id)
        .all(db)
        .await
}

fn next_occurrence(all: &[deadlines::Model], stage: Stage) -> i32 {
    next_of(all.iter().map(|d| (d.stage.as_str(), d.occurrence)), stage)
}

fn next_of<'a>(all: impl Iterator<Item = (&'a str, i32)>, stage: Stage) -> i32 {
    all.filter(|(s, _)| *s == stage.code())
        .map(|(_, occurrence)| occurrence)
        .max()
        .unwrap_or(0)
        + 1
}

/// [`next_occurrence`] among what [`occurrences`] read.
fn next_among(read: &[(String, i32, String)], stage: Stage) -> i32 {
    next_of(read.iter().map(|(s, o, _)| (s.as_str(), *o)), stage)
}

/// The stage, occurrence and status of the case's deadlines of `stages` only: what
/// planning the next one needs, without reading every deadline the case has.
async fn occurrences(
    db: &impl ConnectionTrait,
    case_id: i32,
    stages: &[Stage],
) -> Result<Vec<(String, i32, String)>, DbErr> {
    deadlines::Entity::find()
        .select_only()
        .columns([
            deadlines::Column::Stage,
            deadlines::Column::Occurrence,
            deadlines::Column::Status,
        ])
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Stage.is_in(stages.iter().map(|s| s.code())))
        .into_tuple()
        .all(db)
        .await
}

async fn insert(
    db: &impl ConnectionTrait,
    rules: &Rules,
    case: &cases::Model,
    stage: Stage,
    occurrence: i32,
    anchor: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<deadlines::Model, DbErr> {
    deadlines::Entity::insert(row(rules, case, stage, occurrence, anchor, now))
        .exec_with_returning(db)
        .await
}

/// A new open deadline for `stage`, due by the case's timescale from `anchor`.
pub(super) fn row(
    rules: &Rules,
    case: &cases::Model,
    stage: Stage,
    occurrence: i32,
    anchor: OffsetDateTime,
    now: OffsetDateTime,
) -> deadlines::ActiveModel {
    let timescale = rules.timescale(case, stage);
    let due = timescale.due(&rules.calendar, anchor);
    deadlines::ActiveModel {
        case_id: Set(case.id),
        stage: Set(stage.code().to_owned()),
        occurrence: Set(occurrence),
        procedure_version_id: Set(rules.procedure.version_id),
        priority: Set(case.priority.clone()),
        unit: Set(timescale.unit.code().to_owned()),
        amount: Set(timescale.amount as i32),
        anchored_at: Set(anchor),
        original_due_at: Set(due),
        due_at: Set(due),
        status: Set(state::OPEN.to_owned()),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
}

/// Inserts `rows` in one statement (a report plans several stages at once) and returns
/// them as stored, in the order of their ids.
pub(super) async fn insert_all(
    db: &impl ConnectionTrait,
    rows: Vec<deadlines::ActiveModel>,
) -> Result<Vec<deadlines::Model>, DbErr> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let mut stored = deadlines::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await?;
    stored.sort_by_key(|d| d.id);
    Ok(stored)
}

/// After a report (the first, or a further one) on an open case: plans every stage the
/// case now calls for that it does not have, counted from `received_at`, and a next
/// recurring deadline where none is open. Returns how many were planned.
pub async fn after_report(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    received_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<usize, DbErr> {
    if case.status != codes::OPEN {
        return Ok(0);
    }
    let all = existing(db, case.id).await?;
    let facts = facts(db, case.id).await?;
    Ok(plan_report(db, case, &all, facts, received_at, now).await?.len())
}

/// After the report that opened `case` (in this transaction), with the `facts` it gives
/// ([`facts_of_report`]): [`after_report`] on a case with no deadlines yet, reading nothing.
/// Returns the deadlines planned: all the case has.
pub async fn after_opening(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    facts: CaseFacts,
    received_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<deadlines::Model>, DbErr> {
    plan_report(db, case, &[], facts, received_at, now).await
}

/// Plans what a report calls for on a case that has the deadlines `all` and the `facts`.
async fn plan_report(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    all: &[deadlines::Model],
    facts: CaseFacts,
    received_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<deadlines::Model>, DbErr> {
    let rules = Rules::for_case(db, case).await?;
    let mut rows = vec![];
    for stage in facts.report_stages() {
        let mut same = all.iter().filter(|d| d.stage == stage.code());
        let needed = if stage.recurring() {
            !same.any(|d| d.status == state::OPEN)
        } else {
            same.next().is_none()
        };
        if needed {
            let occurrence = next_occurrence(all, stage);
            rows.push(row(&rules, case, stage, occurrence, received_at, now));
        }
    }
    insert_all(db, rows).await
}

/// The case's open deadlines `which` selects are no longer applicable, with `note`, in one
/// statement by the (case, status, due) index. Returns how many.
pub(super) async fn close_off_open(
    db: &impl ConnectionTrait,
    case_id: i32,
    which: Condition,
    note: &str,
    at: OffsetDateTime,
) -> Result<u64, DbErr> {
    let closed = deadlines::Entity::update_many()
        .col_expr(deadlines::Column::Status, Expr::value(state::NOT_APPLICABLE))
        .col_expr(deadlines::Column::ResolvedAt, Expr::value(Some(at)))
        .col_expr(
            deadlines::Column::ResolutionNote,
            Expr::value(Some(note.to_owned())),
        )
        .col_expr(
            deadlines::Column::Version,
            Expr::col(deadlines::Column::Version).add(1),
        )
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .filter(which)
        .exec(db)
        .await?;
    Ok(closed.rows_affected)
}

/// After a reopening: the recurring stages start again from `at`, a one-off stage the
/// closure left undone is planned again, and any stage the case now calls for that it
/// never had is planned: the deadlines a new report would bring.
pub async fn after_reopen(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    at: OffsetDateTime,
) -> Result<usize, DbErr> {
    // The closure letter and post-closure check belong to the closure that was undone.
    let closure_stages = closure_stages().into_iter().map(Stage::code);
    let undone = Condition::all().add(deadlines::Column::Stage.is_in(closure_stages));
    close_off_open(db, case.id, undone, "The case was reopened", at).await?;
    // A stage the closure left undone (no longer applicable) is needed again, as for a
    // new report: a fresh occurrence, counted from the reopening. Stages done stay done.
    let rules = Rules::for_case(db, case).await?;
    let all = existing(db, case.id).await?;
    let mut rows = vec![];
    for stage in facts(db, case.id).await?.report_stages() {
        let latest = all
            .iter()
            .filter(|d| d.stage == stage.code())
            .max_by_key(|d| d.occurrence);
        if !stage.recurring() && latest.is_some_and(|d| d.status == state::NOT_APPLICABLE) {
            rows.push(row(&rules, case, stage, next_occurrence(&all, stage), at, at));
        }
    }
    let replanned = insert_all(db, rows).await?.len();
    Ok(replanned + after_report(db, case, at, at).await?)
}

/// Cases open before deadlines existed get the plan intake would have made. Runs once
/// (a settings row records it), inside the migration's transaction and lock.
pub async fn plan_cases_opened_before_deadlines(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    use entity::settings;
    const DONE_KEY: &str = "deadlines.planned_existing_cases";
    if settings::Entity::find_by_id(DONE_KEY).one(db).await?.is_some() {
        return Ok(());
    }
    let planned: std::collections::HashSet<i32> = deadlines::Entity::find()
        .select_only()
        .column(deadlines::Column::CaseId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let open = cases::Entity::find()
        .filter(cases::Column::Status.eq(codes::OPEN))
        .all(db)
        .await?;
    for case in open.into_iter().filter(|c| !planned.contains(&c.id)) {
        after_report(db, &case, case.received_at, now).await?;
    }
    settings::Entity::insert(settings::ActiveModel {
        key: Set(DONE_KEY.to_owned()),
        value: Set("true".to_owned()),
        updated_at: Set(now),
        updated_by: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// After a closure at `closed_at`: the closure letter and the post-closure check.
pub async fn after_closure(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    closed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let all = occurrences(db, case.id, &closure_stages()).await?;
    plan_closure(db, case, &all, closed_at, now).await.map(drop)
}

/// [`after_closure`] for a case never closed before (one imported in this transaction),
/// reading nothing. Returns the deadlines planned.
pub async fn after_first_closure(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    closed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<deadlines::Model>, DbErr> {
    plan_closure(db, case, &[], closed_at, now).await
}

/// The stages a closure brings (the letter, the post-closure check), as the procedure
/// says.
pub(super) fn closure_stages() -> Vec<Stage> {
    Stage::ALL
        .into_iter()
        .filter(|s| s.trigger() == procedure::Trigger::Closure)
        .collect()
}

/// Plans [`closure_stages`] after the occurrences the case has of them (`all`).
async fn plan_closure(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    all: &[(String, i32, String)],
    closed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<deadlines::Model>, DbErr> {
    let rules = Rules::for_case(db, case).await?;
    let rows = closure_stages()
        .into_iter()
        .map(|stage| row(&rules, case, stage, next_among(all, stage), closed_at, now))
        .collect();
    insert_all(db, rows).await
}

/// Who did a deadline's activity, when, with an optional note.
pub struct Done {
    pub at: OffsetDateTime,
    pub by: i32,
    pub note: Option<String>,
    /// When it was recorded.
    pub now: OffsetDateTime,
}

/// Marks an open deadline done (judged against its original due time) and, for a
/// recurring stage on an open case, plans the next one from when it was done. `None` when
/// the deadline changed since it was read (someone else completed or closed it off).
pub async fn complete(
    db: &impl ConnectionTrait,
    rules: &Rules,
    case: &cases::Model,
    deadline: deadlines::Model,
    done: Done,
) -> Result<Option<deadlines::Model>, DbErr> {
    let (from, now) = (done.at, done.now);
    let Some(done) = mark_done(db, rules, vec![deadline], done).await?.pop() else {
        return Ok(None);
    };
    if let Some(stage) = Stage::from_code(&done.stage) {
        schedule_next(db, rules, case, stage, from, now).await?;
    }
    Ok(Some(done))
}

/// Marks the open deadlines `due` done in one statement (each judged against its own
/// original due time) without planning what comes next. Returns those it changed, in the
/// order of their ids: one changed since it was read (someone else completed or closed it
/// off) is left as it is.
pub(super) async fn mark_done(
    db: &impl ConnectionTrait,
    rules: &Rules,
    due: Vec<deadlines::Model>,
    done: Done,
) -> Result<Vec<deadlines::Model>, DbErr> {
    if due.is_empty() {
        return Ok(vec![]);
    }
    let Done {
        at: done_at,
        by,
        note,
        now,
    } = done;
    let mut late = CaseStatement::new();
    // Only the open version read: two people completing one at once cannot both write.
    let mut as_read = Condition::any();
    for d in &due {
        let days = rules.calendar.working_days_late(d.original_due_at, done_at) as i32;
        late = late.case(deadlines::Column::Id.eq(d.id), Expr::value(days));
        as_read = as_read.add(
            deadlines::Column::Id
                .eq(d.id)
                .and(deadlines::Column::Version.eq(d.version)),
        );
    }
    let mut changed = deadlines::Entity::update_many()
        .col_expr(deadlines::Column::Status, Expr::value(state::DONE))
        .col_expr(deadlines::Column::DoneAt, Expr::value(Some(done_at)))
        .col_expr(deadlines::Column::LateWorkingDays, late.into())
        .col_expr(deadlines::Column::ResolvedBy, Expr::value(Some(by)))
        .col_expr(deadlines::Column::ResolvedAt, Expr::value(Some(now)))
        .col_expr(deadlines::Column::ResolutionNote, Expr::value(note))
        .col_expr(
            deadlines::Column::Version,
            Expr::col(deadlines::Column::Version).add(1),
        )
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .filter(as_read)
        .exec_with_returning(db)
        .await?;
    changed.sort_by_key(|d| d.id);
    Ok(changed)
}

/// A recurring stage on an open case always has one open deadline: after one is done
/// (or waived), the next counts from `from`.
pub async fn schedule_next(
    db: &impl ConnectionTrait,
    rules: &Rules,
    case: &cases::Model,
    stage: Stage,
    from: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    if !stage.recurring() || case.status != codes::OPEN {
        return Ok(());
    }
    let same = occurrences(db, case.id, &[stage]).await?;
    if let Some(occurrence) = next_needed(&same, stage) {
        insert(db, rules, case, stage, occurrence, from, now).await?;
    }
    Ok(())
}

/// The occurrence to plan next for a recurring `stage`, among a case's deadlines as
/// [`occurrences`] reads them; `None` while one is open.
pub(super) fn next_needed(known: &[(String, i32, String)], stage: Stage) -> Option<i32> {
    let open = known
        .iter()
        .any(|(s, _, status)| s == stage.code() && status == state::OPEN);
    (!open).then(|| next_among(known, stage))
}

/// Re-plans the case's open deadlines (all, or one stage's) under its own procedure
/// version after its priority or agreed contact frequency changed. Done, waived and
/// closed-off deadlines are history and stay as recorded; an extension keeps its date.
pub async fn replan_open(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    only: Option<Stage>,
) -> Result<usize, DbErr> {
    let rules = Rules::for_case(db, case).await?;
    let mut changed = 0;
    for d in existing(db, case.id).await? {
        let Some(stage) = Stage::from_code(&d.stage) else {
            continue;
        };
        if d.status != state::OPEN || only.is_some_and(|s| s != stage) {
            continue;
        }
        // Dated deadlines keep the date someone set; only their priority follows the case.
        if stage.dated() {
            if d.priority != case.priority {
                let version = d.version;
                let mut active = d.into_active_model();
                active.priority = Set(case.priority.clone());
                active.version = Set(version + 1);
                active.update(db).await?;
                changed += 1;
            }
            continue;
        }
        let timescale = rules.timescale(case, stage);
        let due = timescale.due(&rules.calendar, d.anchored_at);
        if due == d.original_due_at
            && d.priority == case.priority
            && d.unit == timescale.unit.code()
            && d.amount == timescale.amount as i32
        {
            continue;
        }
        let extended = d.extended_at.is_some();
        let current_due = d.due_at;
        let version = d.version;
        let mut active = d.into_active_model();
        active.priority = Set(case.priority.clone());
        active.unit = Set(timescale.unit.code().to_owned());
        active.amount = Set(timescale.amount as i32);
        active.original_due_at = Set(due);
        // An extension stays unless the new timescale itself gives longer.
        if !extended || due > current_due {
            active.due_at = Set(due);
        }
        active.version = Set(version + 1);
        active.update(db).await?;
        changed += 1;
    }
    Ok(changed)
}
