//! `/admin/procedure`: administrators see the current timescales, save a changed set as a
//! new version (never editing an old one), and look back at earlier versions.

mod form;
mod view;

use self::{
    form::ProcedureForm,
    view::{EditView, TABLE_ID, VersionSummary, VersionView},
};
use crate::procedure::{Priority, Procedure, Stage, store};
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
use entity::{procedure_versions, users};
use maud::Markup;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/procedure", Permission::ManageSettings, show),
        Route::post("/admin/procedure", Permission::ManageSettings, save),
        Route::get(
            "/admin/procedure/versions/{number}",
            Permission::ManageSettings,
            version,
        ),
    ]
}

async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let current = store::current(&state.db).await?;
    let view = edit_view(&state.db).await?;
    Ok(view::edit_page(
        &ctx,
        &view,
        &ProcedureForm::from_procedure(&current),
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
    let form = ProcedureForm::from_fields(&fields);
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
    db::lock_for_transaction(&txn, Lock::Procedure).await?;
    let current = store::current(&txn).await?;
    if valid.based_on != Some(current.number) {
        drop(txn);
        let mut errors = FormErrors::default();
        errors.add(
            TABLE_ID,
            format!(
                "Someone else saved version {} while you were editing. Your timescales are still in the form and version {} is shown below: check both, then save again",
                current.number, current.number
            ),
        );
        let form = ProcedureForm {
            version: current.number.to_string(),
            ..form
        };
        return Ok(forms::stale(rerender(&state, &ctx, form, errors, true).await?));
    }
    if valid.same_as(&current) {
        drop(txn);
        let mut errors = FormErrors::default();
        errors.add(
            TABLE_ID,
            format!(
                "Nothing changed: these timescales are the same as version {}. Change at least one timescale to save a new version",
                current.number
            ),
        );
        return Ok(forms::invalid(rerender(&state, &ctx, form, errors, false).await?));
    }
    let created = store::create(&txn, &valid.timescales, &valid.note, by, now).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "procedure.version_created",
            format!("Procedure version {}", created.number),
        )
        .on("procedure_version", created.version_id),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!(
            "Saved procedure version {}. Cases opened from now on follow it.",
            created.number
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/procedure").into_response())
}

/// The edit page again with the user's values; `show_latest` adds the current version
/// read-only (after a stale submission). The caller sends it as `forms::invalid` or
/// `forms::stale`.
async fn rerender(
    state: &AppState,
    ctx: &Ctx,
    form: ProcedureForm,
    errors: FormErrors,
    show_latest: bool,
) -> AppResult<Markup> {
    let view = edit_view(&state.db).await?;
    let theirs = if show_latest {
        let current = store::current(&state.db).await?;
        Some(version_view(&state.db, current).await?)
    } else {
        None
    };
    Ok(view::edit_page(ctx, &view, &form, &errors, theirs.as_ref()))
}

async fn version(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> AppResult<Markup> {
    let number: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let row = procedure_versions::Entity::find()
        .filter(procedure_versions::Column::Number.eq(number))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let procedure = store::load(&state.db, row.id).await?;
    let current = store::current(&state.db).await?;
    let view = version_view(&state.db, procedure).await?;
    Ok(view::version_page(&ctx, &view, current.number))
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
                .unwrap_or_else(|| "Harbour (initial defaults)".to_owned()),
            note: v.note,
        })
        .collect())
}

async fn edit_view(db: &impl ConnectionTrait) -> Result<EditView, DbErr> {
    let mut all = summaries(db).await?.into_iter();
    let current = all
        .next()
        .ok_or_else(|| DbErr::RecordNotFound("no procedure version".into()))?;
    Ok(EditView {
        current,
        earlier: all.collect(),
    })
}

async fn version_view(db: &impl ConnectionTrait, procedure: Procedure) -> Result<VersionView, DbErr> {
    let summary = summaries(db)
        .await?
        .into_iter()
        .find(|s| s.number == procedure.number)
        .ok_or_else(|| DbErr::RecordNotFound(format!("procedure version {}", procedure.number)))?;
    let rows = Stage::ALL
        .into_iter()
        .map(|stage| {
            (
                stage,
                procedure.timescale(stage, Priority::P1),
                procedure.timescale(stage, Priority::P2),
            )
        })
        .collect();
    Ok(VersionView { summary, rows })
}
