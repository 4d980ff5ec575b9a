//! People who may be recorded twice: the queue of possible duplicates found when an
//! officer recorded someone who matches a person on a case they could not see, and the
//! manager's merge (review both, choose the values to keep, every case part moves over,
//! audited, nothing lost); correcting a person's details from a case, with the earlier
//! values kept (`correction`); and subject access: finding a person and producing
//! everything held about them, other people redacted (`subject_access`).

use crate::cases::events::EventKind;
pub mod correction;
mod fields;
mod store;
pub mod subject_access;
mod view;

use crate::web::forms;
use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::{
        monitoring::{self, Shown},
        people::{CaseLink, visible_cases},
        timeline::{self, Entry},
        visibility::Viewer,
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, extract::set_flash, forms::FormErrors, route::Route},
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, people, person_duplicates};
use fields::From;
use maud::Markup;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/people/duplicates", Permission::MergePeople, queue),
        Route::post(
            "/people/duplicates/{id}/different",
            Permission::MergePeople,
            set_apart,
        ),
        Route::get("/people/merge", Permission::MergePeople, review),
        Route::post("/people/merge", Permission::MergePeople, merge),
        Route::get(
            "/cases/{reference}/people/{id}/edit",
            Permission::EditCases,
            correction::form,
        ),
        Route::post(
            "/cases/{reference}/people/{id}/edit",
            Permission::EditCases,
            correction::save,
        ),
    ]
}

/// A person with the cases they are on.
pub struct Known {
    pub person: people::Model,
    pub cases: Vec<CaseLink>,
    /// How their monitoring answers are shown. Always the answers: whoever may merge may
    /// read them (a policy test holds `MergePeople` to that), and the merge review offers
    /// them as choices.
    pub monitoring: Shown,
}

async fn known(db: &impl ConnectionTrait, viewer: &Viewer, ids: &[i32]) -> Result<Vec<Known>, DbErr> {
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
async fn audit_view(
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

async fn queue(State(state): State<AppState>, ctx: Ctx, viewer: Viewer, origin: Origin) -> AppResult<Markup> {
    let waiting = store::waiting(&state.db).await?;
    let mut ids: Vec<i32> = waiting.iter().flat_map(|d| [d.person_id, d.other_id]).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = known(&state.db, &viewer, &ids).await?;
    audit_view(
        &state,
        &viewer,
        &origin,
        Event::new(
            "people.duplicates_viewed",
            format!("{} possible duplicates listed", waiting.len()),
        ),
        "Possible duplicates",
        &people.iter().collect::<Vec<_>>(),
    )
    .await?;
    Ok(view::queue(&ctx, &waiting, &people))
}

async fn set_apart(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let question = person_duplicates::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let settled = store::resolve_pair(
        &txn,
        now,
        viewer.id,
        (question.person_id, question.other_id),
        "different",
    )
    .await?;
    if settled > 0 {
        audit::record(
            &txn,
            now,
            &viewer.audit_actor(),
            &origin,
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
    txn.commit().await?;
    set_flash(&ctx.session, "Recorded as two different people.").await?;
    Ok(Redirect::to("/people/duplicates").into_response())
}

#[derive(serde::Deserialize)]
struct Pair {
    kept: i32,
    other: i32,
}

/// The two records, earlier first (the earlier one is kept), when both exist, differ and
/// are named people.
async fn pair(db: &impl ConnectionTrait, viewer: &Viewer, a: i32, b: i32) -> AppResult<(Known, Known)> {
    let (first, second) = (a.min(b), a.max(b));
    if first == second {
        return Err(AppError::NotFound);
    }
    let mut both = known(db, viewer, &[first, second]).await?;
    if both.len() != 2 || !both.iter().all(|k| store::mergeable(&k.person)) {
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

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Query(p): Query<Pair>,
) -> AppResult<Markup> {
    let (kept, other) = pair(&state.db, &viewer, p.kept, p.other).await?;
    audit_review(&state, &viewer, &origin, &kept, &other).await?;
    let choices = fields::differing(&kept.person, &other.person)
        .into_iter()
        .map(|(c, _)| {
            (
                fields::form_name(c),
                from_code(fields::suggested(&kept.person, &other.person, c)),
            )
        })
        .collect();
    Ok(view::review(
        &ctx,
        &kept,
        &other,
        &choices,
        &FormErrors::default(),
    ))
}

async fn audit_review(
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

const KEPT: &str = "kept";
const OTHER: &str = "other";

fn from_code(from: From) -> String {
    match from {
        From::Kept => KEPT,
        From::Other => OTHER,
    }
    .to_owned()
}

/// The choices as the manager made them, to show again with the form.
fn typed(form: HashMap<String, String>) -> HashMap<String, String> {
    form.into_iter()
        .filter(|(k, _)| k.starts_with(fields::CHOICE_PREFIX))
        .collect()
}

async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = |name: &str| form.get(name).and_then(|v| v.trim().parse::<i32>().ok());
    let (Some(a), Some(b)) = (id("kept"), id("other")) else {
        return Err(AppError::BadRequest("Choose the two records to merge".into()));
    };
    let (kept, other) = pair(&state.db, &viewer, a, b).await?;
    let mut errors = FormErrors::default();
    let stale =
        id("kept_version") != Some(kept.person.version) || id("other_version") != Some(other.person.version);
    let mut taken = vec![];
    for (column, label) in fields::differing(&kept.person, &other.person) {
        let name = fields::form_name(column);
        match form.get(&name).map(String::as_str) {
            Some(KEPT) => taken.push((column, From::Kept)),
            Some(OTHER) => taken.push((column, From::Other)),
            _ => errors.add(name, format!("Choose which {} to keep", label.to_lowercase())),
        }
    }
    if stale {
        errors.add(
            "kept",
            "One of these records changed since you opened this page. Both are shown as they are now; check your choices, then merge again",
        );
    }
    if !errors.is_empty() {
        let status = if stale {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        // Shown again, both records as they are now: a view of them too.
        audit_review(&state, &viewer, &origin, &kept, &other).await?;
        return Ok((status, view::review(&ctx, &kept, &other, &typed(form), &errors)).into_response());
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let Some((merged, moved)) =
        store::merge(&txn, now, viewer.id, (&kept.person, &other.person), &taken).await?
    else {
        drop(txn);
        errors.add(
            "kept",
            "One of these records changed while you were merging. Check them again, then merge",
        );
        let (kept, other) = pair(&state.db, &viewer, a, b).await?;
        audit_review(&state, &viewer, &origin, &kept, &other).await?;
        return Ok(forms::stale(view::review(
            &ctx,
            &kept,
            &other,
            &typed(form),
            &errors,
        )));
    };
    audit::record(
        &txn,
        now,
        &viewer.audit_actor(),
        &origin,
        merge_event("person.merged", &kept, &other),
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
        crate::cases::parts::person_name(&merged),
        viewer.display_name,
    );
    for case in cases::Entity::find()
        .filter(cases::Column::Id.is_in(case_ids))
        .all(&txn)
        .await?
    {
        let mut entry = Entry::event(&case, EventKind::PeopleMerged, now, body.clone());
        entry.person_id = Some(merged.id);
        timeline::record(&txn, now, &viewer, &origin, "case.people_merged", entry).await?;
    }
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("{} is now one record.", crate::cases::parts::person_name(&merged)),
    )
    .await?;
    Ok(Redirect::to("/people/duplicates").into_response())
}
