//! The possible-duplicates queue, and making two records of one person one: every case
//! part, timeline mention and queued question moves to the kept record; what both held
//! before is kept in `person_merges`, so nothing is lost. Each screen showing people's
//! details (monitoring answers included) is audited.

use crate::cases::events::EventKind;
use crate::people::fields::{self, From};
use crate::{
    audit::{self, Event, Origin},
    cases::{
        codes,
        monitoring::{self, Shown},
        people::{CaseLink, index_terms, name_key, postcode_key, tenancy_ref_key, visible_cases},
        timeline::{self, Actor, Entry},
        visibility::Viewer,
    },
    error::{AppError, AppResult},
    state::AppState,
};
use entity::{
    case_parties, cases, people, perpetrator_actions, person_changes, person_duplicates, person_merges,
    person_standins, timeline_entries,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, Value, sea_query::Expr,
};
use serde_json::{Map, json};
use time::OffsetDateTime;

/// A person with the cases they are on.
pub struct Known {
    pub person: people::Model,
    pub cases: Vec<CaseLink>,
    /// How their monitoring answers are shown. Always the answers: whoever may merge may
    /// read them (a policy test holds `MergePeople` to that), and the merge review offers
    /// them as choices.
    pub monitoring: Shown,
}

/// People `ids` (those that exist, in that order), each with the cases `viewer` may see
/// them on.
pub(super) async fn known(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i32],
) -> Result<Vec<Known>, DbErr> {
    let found = people::Entity::find()
        .filter(people::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let links = visible_cases(db, viewer, ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|p| p.id == *id))
        .map(|person| Known {
            cases: links
                .iter()
                .filter(|l| l.person_id == person.id)
                .cloned()
                .collect(),
            monitoring: monitoring::shown(viewer, person),
            person: person.clone(),
        })
        .collect())
}

/// Audits a screen showing `shown` (their details, monitoring answers included).
pub(super) async fn audit_view(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    event: Event,
    screen: &str,
    shown: &[&Known],
) -> Result<(), DbErr> {
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    audit::record(&txn, now, &viewer.audit_actor(), origin, event).await?;
    let people: Vec<&people::Model> = shown.iter().map(|k| &k.person).collect();
    monitoring::audit_shown(&txn, now, viewer, origin, screen, &people).await?;
    txn.commit().await
}

/// Audits the merge review showing `kept` and `other`.
pub(super) async fn audit_review(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    kept: &Known,
    other: &Known,
) -> Result<(), DbErr> {
    let event = merge_event("person.merge_reviewed", kept, other);
    audit_view(state, viewer, origin, event, "Merge review", &[kept, other]).await
}

fn merge_event(action: &'static str, kept: &Known, other: &Known) -> Event {
    Event::new(
        action,
        format!("Person {} and person {}", kept.person.id, other.person.id),
    )
    .on("person", kept.person.id)
}

/// The two records, earlier first (the earlier one is kept), when both exist, differ and
/// are named people.
pub(super) async fn pair(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    a: i32,
    b: i32,
) -> AppResult<(Known, Known)> {
    let (first, second) = (a.min(b), a.max(b));
    if first == second {
        return Err(AppError::NotFound);
    }
    let mut both = known(db, viewer, &[first, second]).await?;
    if both.len() != 2 || !both.iter().all(|k| mergeable(&k.person)) {
        return Err(AppError::NotFound);
    }
    // A disposed case's de-identified stand-in is nobody to merge: merging would put a
    // name back on it.
    if crate::retention::any_standin(db, &[first, second]).await? {
        return Err(AppError::NotFound);
    }
    let second = both.pop().expect("two");
    let first = both.pop().expect("two");
    Ok((first, second))
}

/// The queued question `id`; `NotFound` when there is none.
pub(super) async fn question(db: &impl ConnectionTrait, id: i32) -> AppResult<person_duplicates::Model> {
    person_duplicates::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records that the two people `question` asks about are different people, audited when it
/// settles anything.
pub(super) async fn set_apart(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    question: &person_duplicates::Model,
) -> Result<(), DbErr> {
    let (now, viewer) = (by.now, by.viewer);
    let settled = resolve_pair(
        txn,
        now,
        viewer.id,
        (question.person_id, question.other_id),
        "different",
    )
    .await?;
    if settled > 0 {
        audit::record(
            txn,
            now,
            &viewer.audit_actor(),
            by.origin,
            Event::new(
                "person.set_apart",
                format!(
                    "Person {} and person {} are different people",
                    question.person_id, question.other_id
                ),
            )
            .on("person", question.person_id),
        )
        .await?;
    }
    Ok(())
}

/// What follows `merge` of `other` into `kept` (now `merged`; `moved` the cases the other
/// was on): the audit record, and an entry on the timeline of every case either was on.
pub(super) async fn record_merge(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    (kept, other): (&Known, &Known),
    merged: &people::Model,
    moved: Vec<i32>,
) -> Result<(), DbErr> {
    let (now, viewer) = (by.now, by.viewer);
    audit::record(
        txn,
        now,
        &viewer.audit_actor(),
        by.origin,
        merge_event("person.merged", kept, other),
    )
    .await?;
    // Every case either record was on says so: the kept record's values may have changed too.
    let mut case_ids: Vec<i32> = moved
        .into_iter()
        .chain(kept.cases.iter().map(|c| c.case_id))
        .collect();
    case_ids.sort_unstable();
    case_ids.dedup();
    // No other case is named: readers of this one may not see the others.
    let body = format!(
        "Two records of {} were made one by {}: this case's record of them and another are now the same person",
        crate::cases::parts::person_name(merged),
        viewer.display_name,
    );
    for case in cases::Entity::find()
        .filter(cases::Column::Id.is_in(case_ids))
        .all(txn)
        .await?
    {
        let mut entry = Entry::event(&case, EventKind::PeopleMerged, now, body.clone());
        entry.person_id = Some(merged.id);
        timeline::record(txn, now, viewer, by.origin, "case.people_merged", entry).await?;
    }
    Ok(())
}

/// The questions still waiting, oldest first.
pub(super) async fn waiting(db: &impl ConnectionTrait) -> Result<Vec<person_duplicates::Model>, DbErr> {
    person_duplicates::Entity::find()
        .filter(person_duplicates::Column::ResolvedAt.is_null())
        .order_by_asc(person_duplicates::Column::FoundAt)
        .order_by_asc(person_duplicates::Column::Id)
        .all(db)
        .await
}

/// Settles the waiting questions between `a` and `b` (either way round).
pub(super) async fn resolve_pair(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    by: i32,
    (a, b): (i32, i32),
    resolution: &'static str,
) -> Result<u64, DbErr> {
    let pair = Condition::any()
        .add(
            Condition::all()
                .add(person_duplicates::Column::PersonId.eq(a))
                .add(person_duplicates::Column::OtherId.eq(b)),
        )
        .add(
            Condition::all()
                .add(person_duplicates::Column::PersonId.eq(b))
                .add(person_duplicates::Column::OtherId.eq(a)),
        );
    let done = person_duplicates::Entity::update_many()
        .col_expr(person_duplicates::Column::ResolvedAt, Expr::value(now))
        .col_expr(person_duplicates::Column::ResolvedBy, Expr::value(by))
        .col_expr(person_duplicates::Column::Resolution, Expr::value(resolution))
        .filter(person_duplicates::Column::ResolvedAt.is_null())
        .filter(pair)
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Makes `other` part of `kept` with the chosen values, returning the kept record and the
/// cases the other was on; `None` (nothing written) when either record changed since the
/// manager looked (the versions of `kept` and `other` are what they saw).
pub(super) async fn merge(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    by: i32,
    (kept, other): (&people::Model, &people::Model),
    taken: &[(people::Column, From)],
) -> Result<Option<(people::Model, Vec<i32>)>, DbErr> {
    // Claim both versions first, so a concurrent edit or merge loses cleanly.
    for p in [kept, other] {
        let claimed =
            crate::db::versioned::save_if_unchanged(db, people::Entity::update_many(), p.id, p.version)
                .await?;
        if !claimed {
            return Ok(None);
        }
    }
    let record = json!({
        "kept": snapshot(kept),
        "merged": snapshot(other),
    });
    let (moved, parts) = move_parts(db, kept.id, other.id).await?;
    let mut update = kept.clone().into_active_model();
    for (column, from) in taken {
        if *from == From::Other {
            update.set(*column, other.get(*column));
        }
    }
    let name = match update.name.clone().into_value() {
        Some(Value::String(n)) => n,
        _ => None,
    };
    update.name_key = Set(name.as_deref().map(name_key));
    update.postcode_key = Set(string(&update, people::Column::Postcode).map(|p| postcode_key(&p)));
    update.tenancy_ref_key = Set(string(&update, people::Column::TenancyRef).map(|t| tenancy_ref_key(&t)));
    if taken
        .iter()
        .any(|(c, from)| matches!(c, people::Column::Ethnicity) && *from == From::Other)
    {
        update.ethnicity_list = Set(other.ethnicity_list.clone());
    }
    update.version = Set(kept.version + 1);
    update.updated_at = Set(now);
    let merged = update.update(db).await?;
    index_terms(db, &merged).await?;
    // Earlier merges into the record now merged in stay on record, with the kept one.
    person_merges::Entity::update_many()
        .col_expr(person_merges::Column::KeptId, Expr::value(kept.id))
        .filter(person_merges::Column::KeptId.eq(other.id))
        .exec(db)
        .await?;
    person_merges::Entity::insert(person_merges::ActiveModel {
        kept_id: Set(kept.id),
        merged_id: Set(other.id),
        merged_by: Set(by),
        merged_at: Set(now),
        record: Set(json!({"before": record, "moved": parts}).to_string()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    resolve_pair(db, now, by, (kept.id, other.id), "merged").await?;
    // Open questions about the merged record with anyone else now ask about the kept one;
    // settled ones go with it (they are the history of a record that is gone).
    for column in [
        person_duplicates::Column::PersonId,
        person_duplicates::Column::OtherId,
    ] {
        person_duplicates::Entity::update_many()
            .col_expr(column, Expr::value(kept.id))
            .filter(column.eq(other.id))
            .filter(person_duplicates::Column::ResolvedAt.is_null())
            .exec(db)
            .await?;
    }
    // The merged record's corrections are history of the kept one now.
    person_changes::Entity::update_many()
        .col_expr(person_changes::Column::PersonId, Expr::value(kept.id))
        .filter(person_changes::Column::PersonId.eq(other.id))
        .exec(db)
        .await?;
    carry_standin(db, kept.id, other.id).await?;
    other.clone().delete(db).await?;
    Ok(Some((merged, moved)))
}

/// The merged record's stand-in (its parts in disposed cases) now stands for the kept
/// record, so past reports still count the person once: it becomes the kept record's
/// stand-in, or joins the one the kept record already has.
async fn carry_standin(db: &impl ConnectionTrait, kept: i32, other: i32) -> Result<(), DbErr> {
    let of = |id: i32| {
        person_standins::Entity::find()
            .filter(person_standins::Column::OriginalId.eq(id))
            .one(db)
    };
    let Some(theirs) = of(other).await? else {
        return Ok(());
    };
    match of(kept).await? {
        None => {
            person_standins::Entity::update_many()
                .col_expr(person_standins::Column::OriginalId, Expr::value(kept))
                .filter(person_standins::Column::StandinId.eq(theirs.standin_id))
                .exec(db)
                .await?;
        }
        Some(ours) => {
            move_parts(db, ours.standin_id, theirs.standin_id).await?;
            people::Entity::delete_by_id(theirs.standin_id).exec(db).await?;
        }
    }
    Ok(())
}

fn string(update: &people::ActiveModel, column: people::Column) -> Option<String> {
    match update.get(column).into_value() {
        Some(Value::String(Some(s))) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

/// A record as it was, for `person_merges`.
fn snapshot(p: &people::Model) -> serde_json::Value {
    let mut values = Map::new();
    values.insert("id".into(), json!(p.id));
    values.insert("kind".into(), json!(p.kind));
    values.insert("ethnicity_list".into(), json!(p.ethnicity_list));
    values.insert("created_by".into(), json!(p.created_by));
    values.insert("created_at".into(), json!(p.created_at.to_string()));
    values.insert("version".into(), json!(p.version));
    for (column, _) in fields::all() {
        use sea_orm::IdenStatic;
        let value = match p.get(column) {
            Value::String(s) => json!(s),
            Value::Bool(b) => json!(b),
            _ => serde_json::Value::Null,
        };
        values.insert(column.as_str().into(), value);
    }
    serde_json::Value::Object(values)
}

/// Moves `other`'s case parts to `kept`. Where both are in a case in the same role, the
/// kept part stays and any action against the other part moves to it. Returns the cases
/// and, for the merge record, every part of `other` as it was.
async fn move_parts(
    db: &impl ConnectionTrait,
    kept: i32,
    other: i32,
) -> Result<(Vec<i32>, Vec<serde_json::Value>), DbErr> {
    let kept_parts = case_parties::Entity::find()
        .filter(case_parties::Column::PersonId.eq(kept))
        .all(db)
        .await?;
    let other_parts = case_parties::Entity::find()
        .filter(case_parties::Column::PersonId.eq(other))
        .order_by_asc(case_parties::Column::Id)
        .all(db)
        .await?;
    let mut moved = vec![];
    let mut record = vec![];
    for part in other_parts {
        let same = kept_parts
            .iter()
            .find(|k| k.case_id == part.case_id && k.role == part.role);
        record.push(json!({
            "id": part.id,
            "case_id": part.case_id,
            "role": part.role,
            "incident_id": part.incident_id,
            "added_at": part.added_at.to_string(),
            "added_by": part.added_by,
            "joined_part": same.map(|s| s.id),
        }));
        moved.push(part.case_id);
        match same {
            Some(same) => {
                perpetrator_actions::Entity::update_many()
                    .col_expr(perpetrator_actions::Column::PartyId, Expr::value(same.id))
                    .filter(perpetrator_actions::Column::PartyId.eq(part.id))
                    .exec(db)
                    .await?;
                part.delete(db).await?;
            }
            None => {
                let mut update = part.into_active_model();
                update.person_id = Set(kept);
                update.update(db).await?;
            }
        }
    }
    timeline_entries::Entity::update_many()
        .col_expr(timeline_entries::Column::PersonId, Expr::value(kept))
        .filter(timeline_entries::Column::PersonId.eq(other))
        .exec(db)
        .await?;
    Ok((moved, record))
}

/// Only records of named people are merged: unknown people and groups are descriptions,
/// not identities.
pub(super) fn mergeable(p: &people::Model) -> bool {
    p.kind == codes::NAMED
}
