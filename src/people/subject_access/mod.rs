//! Subject access (UK GDPR art. 15): a manager finds a person (`/people`), opens what is
//! held about them (`/people/{id}`: details, cases, corrections) and produces it all as a
//! printable page or a zip of JSON and CSV, with everyone else on those cases redacted and
//! a list of what was. Producing either is audited as an export
//! (`person.subject_access_exported`, naming the person and the format, no content), in
//! the transaction that reads the data.
//!
//! Which cases are included is decided by `cases::visibility`, as everywhere: a case the
//! producer may not see is counted, never shown.

mod collect;
mod export;
mod redact;
mod view;

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::{
        caseload::{filters::words, query::term_matches},
        people::visible_cases,
        visibility::Viewer,
    },
    error::{AppError, AppResult},
    people::correction,
    state::AppState,
    web::{Ctx, route::Route},
};
use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use entity::{people, person_terms};
use maud::Markup;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Query as Sql,
};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    use Permission::SubjectAccess;
    vec![
        Route::get("/people", SubjectAccess, search),
        Route::get("/people/{id}", SubjectAccess, person),
        Route::get("/people/{id}/subject-access", SubjectAccess, page),
        Route::get("/people/{id}/subject-access.zip", SubjectAccess, zip),
    ]
}

/// Most people a search lists.
const MAX_FOUND: u64 = 50;
/// The longest search read.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

/// People whose stored search terms match every typed word (name, address, postcode or
/// tenancy reference), in name order.
async fn find_people(db: &impl ConnectionTrait, q: &str) -> Result<Vec<people::Model>, DbErr> {
    let words = words(q);
    if words.is_empty() {
        return Ok(vec![]);
    }
    let mut found = people::Entity::find();
    for word in &words {
        found = found.filter(
            people::Column::Id.in_subquery(
                Sql::select()
                    .column(person_terms::Column::PersonId)
                    .from(person_terms::Entity)
                    .cond_where(term_matches(word))
                    .to_owned(),
            ),
        );
    }
    found
        .order_by_asc(people::Column::NameKey)
        .order_by_asc(people::Column::Id)
        .limit(MAX_FOUND)
        .all(db)
        .await
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Query(SearchQuery { q }): Query<SearchQuery>,
) -> AppResult<Markup> {
    let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
    if q.trim().is_empty() {
        return Ok(view::search(&ctx, &q, None));
    }
    let found = find_people(&state.db, &q).await?;
    let ids: Vec<i32> = found.iter().map(|p| p.id).collect();
    let links = visible_cases(&state.db, &viewer, &ids).await?;
    // Only people on a case the viewer may see are listed.
    let results: Vec<view::Found> = found
        .into_iter()
        .map(|person| view::Found {
            cases: links
                .iter()
                .filter(|l| l.person_id == person.id)
                .cloned()
                .collect(),
            person,
        })
        .filter(|f| !f.cases.is_empty())
        .collect();
    // Never the searched words: they are personal data.
    let txn = crate::db::begin(&state.db).await?;
    audit::record(
        &txn,
        state.now(),
        &viewer.audit_actor(),
        &origin,
        Event::new(
            "people.searched",
            format!("Person search: {} found", results.len()),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(view::search(&ctx, &q, Some(&results)))
}

/// The person `id` if they are on a case the viewer may see; otherwise `NotFound`.
async fn subject(db: &impl ConnectionTrait, viewer: &Viewer, id: &str) -> AppResult<people::Model> {
    let id: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let person = people::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    // A stand-in holds no one's identity: there is no subject to answer for.
    if crate::retention::any_standin(db, &[id]).await? || visible_cases(db, viewer, &[id]).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(person)
}

pub async fn person(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let person = subject(&state.db, &viewer, &id).await?;
    let links = visible_cases(&state.db, &viewer, &[person.id]).await?;
    let (_, hidden) = collect::cases_of(&state.db, &viewer, person.id).await?;
    let history = correction::history(&state.db, &viewer, person.id).await?;
    let txn = crate::db::begin(&state.db).await?;
    audit::record(
        &txn,
        state.now(),
        &viewer.audit_actor(),
        &origin,
        Event::new("person.viewed", format!("Person {} viewed", person.id)).on("person", person.id),
    )
    .await?;
    crate::cases::monitoring::audit_shown(&txn, state.now(), &viewer, &origin, "Person page", &[&person])
        .await?;
    txn.commit().await?;
    Ok(view::person(&ctx, &person, &links, hidden, &history))
}

/// Everything held about the person, read in one transaction with its audit row.
async fn produce(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    id: &str,
    format: &str,
) -> AppResult<collect::Dossier> {
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let person = subject(&txn, viewer, id).await?;
    let dossier = collect::collect(&txn, viewer, &person, now).await?;
    audit::record(
        &txn,
        now,
        &viewer.audit_actor(),
        origin,
        Event::new(
            "person.subject_access_exported",
            format!("Subject access for person {} produced as {format}", person.id),
        )
        .on("person", person.id),
    )
    .await?;
    // The subject's monitoring answers are in what is produced.
    crate::cases::monitoring::audit_shown(&txn, now, viewer, origin, "Subject access", &[&person]).await?;
    txn.commit().await?;
    Ok(dossier)
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let dossier = produce(&state, &viewer, &origin, &id, "a printable page").await?;
    Ok(view::dossier(&ctx, &dossier))
}

pub async fn zip(
    State(state): State<AppState>,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let dossier = produce(&state, &viewer, &origin, &id, "a zip (JSON and CSV)").await?;
    let bytes = export::zip(&dossier).map_err(AppError::internal)?;
    let disposition = format!(
        "attachment; filename=\"subject-access-person-{}.zip\"",
        dossier.person.person_id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
