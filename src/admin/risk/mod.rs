//! `/admin/risk`: administrators see the current risk question set, save a changed one as
//! a new version (never editing an old one: assessments keep theirs), and look back at
//! earlier versions.

mod form;
mod view;

use self::{
    form::{QUESTIONS_ID, SetForm},
    view::{VersionSummary, VersionView},
};
use crate::risk::{score::QuestionSet, store};
use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    db::{self, Lock},
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
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::users;
use maud::Markup;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/risk", Permission::ManageSettings, overview),
        Route::get("/admin/risk/new", Permission::ManageSettings, new_form),
        Route::post("/admin/risk", Permission::ManageSettings, save),
        Route::get("/admin/risk/{number}", Permission::ManageSettings, version),
    ]
}

async fn overview(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let current = store::current(&state.db).await?;
    let summaries = summaries(&state.db).await?;
    let view = version_view(&summaries, current)?;
    Ok(view::overview_page(&ctx, &view, &summaries))
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let current = store::current(&state.db).await?;
    let summaries = summaries(&state.db).await?;
    let form = SetForm::from_set(&current);
    let view = version_view(&summaries, current)?;
    Ok(view::edit_page(
        &ctx,
        &view.summary,
        &form,
        &FormErrors::default(),
        None,
    ))
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = SetForm::from_fields(&fields);
    let valid = match form.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            return Ok(forms::invalid(rerender(&state, &ctx, form, errors, false).await?));
        }
    };
    let actor = ctx.actor()?;
    let by = ctx.user()?.id;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    db::lock_for_transaction(&txn, Lock::RiskQuestions).await?;
    let current = store::current(&txn).await?;
    if valid.based_on != Some(current.number) {
        drop(txn);
        let mut errors = FormErrors::default();
        errors.add(
            QUESTIONS_ID,
            format!(
                "Someone else saved version {} while you were editing. Your changes are still in the form and version {} is shown below: check both, then save again",
                current.number, current.number
            ),
        );
        let form = SetForm {
            based_on: current.number.to_string(),
            ..form
        };
        return Ok(forms::stale(rerender(&state, &ctx, form, errors, true).await?));
    }
    if valid.draft.same_as(&current) {
        drop(txn);
        let mut errors = FormErrors::default();
        errors.add(
            QUESTIONS_ID,
            format!(
                "Nothing changed: these questions, scores and levels are the same as version {}. Change something to save a new version",
                current.number
            ),
        );
        return Ok(forms::invalid(rerender(&state, &ctx, form, errors, false).await?));
    }
    let created = store::create(&txn, &valid.draft, by, now).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "risk.version_created",
            format!("Risk question set version {}", created.number),
        )
        .on("risk_question_set", created.id),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!(
            "Saved version {} of the risk questions. Assessments from now on use it.",
            created.number
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/risk").into_response())
}

/// The edit page again with the administrator's values; `show_latest` adds the current
/// version read-only (after a stale submission). The caller sends it as `forms::invalid`
/// or `forms::stale`.
async fn rerender(
    state: &AppState,
    ctx: &Ctx,
    form: SetForm,
    errors: FormErrors,
    show_latest: bool,
) -> AppResult<Markup> {
    let current = store::current(&state.db).await?;
    let summaries = summaries(&state.db).await?;
    let view = version_view(&summaries, current)?;
    Ok(view::edit_page(
        ctx,
        &view.summary,
        &form,
        &errors,
        show_latest.then_some(&view),
    ))
}

async fn version(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> AppResult<Markup> {
    let number: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let set = store::find_number(&state.db, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let summaries = summaries(&state.db).await?;
    let current_number = summaries.first().map_or(0, |s| s.number);
    let view = version_view(&summaries, set)?;
    Ok(view::version_page(&ctx, &view, current_number))
}

/// Versions newest first, as summaries with their authors' names.
async fn summaries(db: &impl ConnectionTrait) -> Result<Vec<VersionSummary>, DbErr> {
    let versions = store::versions(db).await?;
    let author_ids: Vec<i32> = versions.iter().filter_map(|v| v.created_by).collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(author_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(versions
        .into_iter()
        .map(|v| VersionSummary {
            number: v.number,
            created_at: v.created_at,
            author: v
                .created_by
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Harbour (initial questions)".to_owned()),
            note: v.note,
        })
        .collect())
}

fn version_view(summaries: &[VersionSummary], set: QuestionSet) -> AppResult<VersionView> {
    let s = summaries
        .iter()
        .find(|s| s.number == set.number)
        .ok_or_else(|| AppError::internal(format!("risk question set {} not listed", set.number)))?;
    Ok(VersionView {
        summary: VersionSummary {
            number: s.number,
            created_at: s.created_at,
            author: s.author.clone(),
            note: s.note.clone(),
        },
        set,
    })
}
