//! Importing the landlord's history from a spreadsheet (CSV or `.xlsx`), on the web
//! (`/import`, managers) and on the command line (`harbour import`).
//!
//! - [`read`]: bytes to a grid of cells; [`columns`]: the template and its headings;
//!   [`values`] and [`ethnicity`]: cells as landlords type them.
//! - [`plan`]: the cases a file would create and every problem, writing nothing.
//! - [`commit`]: writing a plan in one transaction through the intake service.
//! - `template`, `view`: the downloadable template and the pages.
//!
//! A file is kept (`imports`) from upload until it is committed, so the preview and the
//! commit read the same bytes; a committed import keeps only its counts.

pub mod cli;
pub mod columns;
pub mod commit;
pub mod ethnicity;
pub mod plan;
pub mod read;
pub mod running;
mod template;
pub mod values;
mod view;

use crate::web::forms;
use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::{timeline::Actor, visibility::Viewer},
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, forms::FormErrors, route::Route, upload},
};
use axum::{
    body::Bytes,
    extract::{Path, RawForm, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
};
use entity::imports;
use plan::{Context, Plan};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/import", Permission::ImportCases, upload_form),
        Route::post("/import", Permission::ImportCases, upload_file),
        Route::get("/import/template.csv", Permission::ImportCases, template_csv),
        Route::get("/import/template.xlsx", Permission::ImportCases, template_xlsx),
        Route::get("/import/{id}", Permission::ImportCases, preview),
        Route::post("/import/{id}/mappings", Permission::ImportCases, save_mappings),
        Route::post("/import/{id}/commit", Permission::ImportCases, commit_import),
    ]
}

/// Reads a file (its bytes, or where it is on disk) and plans its import: what the web
/// preview and `harbour import` show. The plan keeps the file, to read each case again
/// as it is written.
pub async fn check(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    file: impl Into<read::Source>,
    sheet: Option<&str>,
    now: OffsetDateTime,
) -> Result<Plan, DbErr> {
    check_with(db, viewer, file, sheet, now, None).await
}

/// [`check`] with ethnicity mappings given instead of the remembered ones.
pub async fn check_with(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    file: impl Into<read::Source>,
    sheet: Option<&str>,
    now: OffsetDateTime,
    mappings: Option<ethnicity::Mappings>,
) -> Result<Plan, DbErr> {
    let mut cx = Context::load(db, viewer, now).await?;
    if let Some(m) = mappings {
        cx.mappings = m;
    }
    Ok(match read::Sheet::open(file, sheet) {
        Ok(sheet) => plan::plan(db, sheet, cx).await?,
        Err(read::Unreadable(message)) => Plan::refused(message),
    })
}

/// How long an upload that was never imported is kept (it holds personal data).
pub const STALE_UPLOAD_DAYS: i64 = 7;

/// Deletes uploads checked but not imported within [`STALE_UPLOAD_DAYS`]. Returns how many.
pub async fn purge_stale_uploads(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    let cutoff = now - time::Duration::days(STALE_UPLOAD_DAYS);
    let deleted = imports::Entity::delete_many()
        .filter(imports::Column::CommittedAt.is_null())
        .filter(imports::Column::UploadedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// The most cases one web import writes on SQLite. SQLite has one connection, and
/// everyone else waits for it while an import is written (at about 2.4 ms a case, 1,000
/// cases keep them waiting a few seconds); larger files go through `harbour import`.
pub const SQLITE_WEB_LIMIT: usize = 1_000;

fn limit_on_sqlite(state: &AppState, plan: &mut Plan) {
    let cases = plan.cases.len();
    if crate::db::is_sqlite(&state.db) && cases > SQLITE_WEB_LIMIT {
        plan.problems.insert(
            0,
            plan::Problem {
                row: 0,
                column: "",
                value: String::new(),
                message: format!(
                    "This file has {cases} new cases. On this installation (an SQLite database) the web import takes up to {SQLITE_WEB_LIMIT} at a time, because nobody else can use Harbour while it is written. Split the file, or ask your administrator to run `harbour import` with it out of hours"
                ),
            },
        );
    }
}

async fn upload_form(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Response> {
    let recent = recent(&state, &viewer).await?;
    Ok(view::upload_page(&ctx, &recent, &FormErrors::default()).into_response())
}

/// An upload as the import page lists it (without its content).
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct Upload {
    pub id: i32,
    pub file_name: String,
    pub uploaded_at: OffsetDateTime,
    pub committed_at: Option<OffsetDateTime>,
    pub cases_created: Option<i32>,
}

/// The viewer's own recent uploads, newest first.
async fn recent(state: &AppState, viewer: &Viewer) -> Result<Vec<Upload>, DbErr> {
    imports::Entity::find()
        .select_only()
        .columns([
            imports::Column::Id,
            imports::Column::FileName,
            imports::Column::UploadedAt,
            imports::Column::CommittedAt,
            imports::Column::CasesCreated,
        ])
        .filter(imports::Column::UploadedBy.eq(viewer.id))
        .order_by_desc(imports::Column::Id)
        .limit(10)
        .into_model::<Upload>()
        .all(&state.db)
        .await
}

async fn upload_file(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(parts) = upload::parts(content_type, &body).await else {
        return Err(AppError::BadRequest(
            "The upload could not be read. Choose the file again and send it.".into(),
        ));
    };
    let sheet = Some(upload::field(&parts, "sheet").trim().to_owned()).filter(|s| !s.is_empty());
    let file = parts
        .into_iter()
        .find(|p| p.name == "file" && p.file_name.is_some());
    // A form sent without choosing a file has a file part with no name and no bytes.
    let Some(file) =
        file.filter(|f| !f.bytes.is_empty() || f.file_name.as_deref().is_some_and(|n| !n.is_empty()))
    else {
        let mut errors = FormErrors::default();
        errors.add("file", "Choose a CSV or Excel file to import");
        let recent = recent(&state, &viewer).await?;
        return Ok(forms::invalid(view::upload_page(&ctx, &recent, &errors)));
    };
    let now = state.now();
    let name = file.file_name.clone().unwrap_or_default();
    let txn = crate::db::begin(&state.db).await?;
    let saved = commit::record_upload(&txn, &viewer, &name, sheet.as_deref(), file.bytes, now).await?;
    audit::record(
        &txn,
        now,
        &viewer.audit_actor(),
        &origin,
        Event::new(
            "import.uploaded",
            format!("Import {} uploaded for checking", saved.id),
        )
        .on("import", saved.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/import/{}", saved.id)).into_response())
}

/// The viewer's own upload `id` (anyone else's is not found).
async fn own_import(state: &AppState, viewer: &Viewer, id: &str) -> AppResult<imports::Model> {
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    imports::Entity::find_by_id(id)
        .filter(imports::Column::UploadedBy.eq(viewer.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let mut import = own_import(&state, &viewer, &id).await?;
    if import.committed_at.is_some() {
        return Ok(view::finished_page(&ctx, &import).into_response());
    }
    let status = state.shared::<running::Running>().get(import.id);
    if let Some(running::Status::Writing { done, total }) = status {
        return Ok(view::writing_page(&ctx, &import, done, total).into_response());
    }
    let mut plan = check(
        &state.db,
        &viewer,
        std::mem::take(&mut import.content),
        import.sheet.as_deref(),
        state.now(),
    )
    .await?;
    limit_on_sqlite(&state, &mut plan);
    Ok(view::preview_page(&ctx, &import, &plan, status).into_response())
}

async fn save_mappings(
    State(state): State<AppState>,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<String>,
    RawForm(bytes): RawForm,
) -> AppResult<Response> {
    let import = own_import(&state, &viewer, &id).await?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let get = |name: String| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let mut mappings = ethnicity::Mappings::load(&state.db).await?;
    for i in 0..1000 {
        let (Some(value), Some(code)) = (get(format!("value_{i}")), get(format!("code_{i}"))) else {
            break;
        };
        // A value left unchosen stays to be mapped; the preview asks again.
        mappings.add(&value, &code);
    }
    let txn = crate::db::begin(&state.db).await?;
    mappings.save(&txn, state.now(), viewer.id).await?;
    // The wording is the landlord's, not a person's: the audit row may say how many.
    let event = Event::new(
        "import.mappings_saved",
        format!("Ethnicity mappings saved while checking import {}", import.id),
    );
    audit::record(
        &txn,
        state.now(),
        &viewer.audit_actor(),
        &origin,
        event.on("import", import.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/import/{}#mappings", import.id)).into_response())
}

async fn commit_import(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let mut import = own_import(&state, &viewer, &id).await?;
    let finished = Redirect::to(&format!("/import/{}", import.id)).into_response();
    if import.committed_at.is_some() {
        return Ok(finished);
    }
    let now = state.now();
    let content = std::mem::take(&mut import.content);
    let mut plan = check(&state.db, &viewer, content, import.sheet.as_deref(), now).await?;
    limit_on_sqlite(&state, &mut plan);
    if !plan.can_commit() {
        return Ok(forms::invalid(view::preview_page(&ctx, &import, &plan, None)));
    }
    // A second press while it is being written just shows how far it has got.
    if !state
        .shared::<running::Running>()
        .start(import.id, plan.cases.len())
    {
        return Ok(finished);
    }
    let id = import.id;
    let running = state.shared::<running::Running>();
    let write = tokio::spawn(async move {
        let by = Actor {
            viewer: &viewer,
            origin: &origin,
            now,
        };
        let running = state.shared::<running::Running>();
        let mut progress = |done| running.progress(id, done);
        // `None`: committed meanwhile (another instance): its page says so.
        commit::commit(
            &state.db,
            &mut plan,
            commit::Target::Upload(id),
            &by,
            &mut progress,
        )
        .await
    });
    // Watched from outside, so even a panic in the write ends as "failed", never as an
    // import shown writing for ever.
    tokio::spawn(async move {
        match write.await {
            Ok(Ok(_)) => running.finish(id),
            Ok(Err(e)) => {
                tracing::error!(import = id, error = %e, "import failed; nothing was written");
                running.fail(id);
            }
            Err(e) => {
                tracing::error!(import = id, error = %e, "import task ended; nothing was written");
                running.fail(id);
            }
        }
    });
    Ok(finished)
}

async fn template_csv() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"harbour-import-template.csv\"",
            ),
        ],
        template::csv(),
    )
        .into_response()
}

async fn template_xlsx() -> AppResult<Response> {
    let bytes = template::xlsx().map_err(|e| AppError::internal(format!("template workbook: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"harbour-import-template.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
