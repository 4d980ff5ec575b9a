//! People who may be recorded twice: the queue of possible duplicates found when an
//! officer recorded someone who matches a person on a case they could not see; recording
//! that two are different people; and the manager's merge (review both, choose the values
//! to keep, every case part moves over, audited, nothing lost).

mod form;
mod store;
mod view;

use crate::{
    audit::{Event, Origin},
    auth::policy::Permission,
    cases::{timeline::Actor, visibility::Viewer},
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use form::Pair;
use maud::Markup;
use std::collections::HashMap;
use store::{audit_review, audit_view, known, pair};

/// The queue, setting two apart, and the merge review and merge (managers).
pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::get("/people/duplicates", Permission::MergePeople, queue),
        Route::post(
            "/people/duplicates/{id}/different",
            Permission::MergePeople,
            set_apart,
        ),
        Route::get("/people/merge", Permission::MergePeople, review),
        Route::post("/people/merge", Permission::MergePeople, merge),
    ]
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
    let question = store::question(&state.db, id).await?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::set_apart(&txn, &by, &question).await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Recorded as two different people.").await?;
    Ok(Redirect::to("/people/duplicates").into_response())
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
    let choices = form::suggested(&kept.person, &other.person);
    Ok(view::review(
        &ctx,
        &kept,
        &other,
        &choices,
        &FormErrors::default(),
    ))
}

async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (Some(a), Some(b)) = (form::id(&f, "kept"), form::id(&f, "other")) else {
        return Err(AppError::BadRequest("Choose the two records to merge".into()));
    };
    let (kept, other) = pair(&state.db, &viewer, a, b).await?;
    let stale = form::stale(&f, &kept.person, &other.person);
    let (taken, mut errors) = match form::validate(&f, &kept.person, &other.person) {
        Ok(v) => (v.taken, FormErrors::default()),
        Err(errors) => (vec![], errors),
    };
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
        return Ok((
            status,
            view::review(&ctx, &kept, &other, &form::typed(f), &errors),
        )
            .into_response());
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
            &form::typed(f),
            &errors,
        )));
    };
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::record_merge(&txn, &by, (&kept, &other), &merged, moved).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("{} is now one record.", crate::cases::parts::person_name(&merged)),
    )
    .await?;
    Ok(Redirect::to("/people/duplicates").into_response())
}
