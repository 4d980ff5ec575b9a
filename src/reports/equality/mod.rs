//! `/reports`: equality and regulator reporting. Volume; outcomes, response times, risk,
//! support and satisfaction by victim ethnicity; enforcement by alleged perpetrator
//! ethnicity; recording completeness; NM01; disparity flags. A printable quarterly board
//! report, CSV and Excel exports of exactly what is on screen, and publication mode (small
//! numbers suppressed) — always on for the equality lead, who sees figures and never a case.
//!
//! - [`params`] the query string (pure); [`groups`] the ethnicity rows (pure);
//! - [`query`] the SQL aggregates (through `reports::sql`); [`report`] builds the report
//!   from them, [`sections`] its tables;
//! - [`stats`], [`disparity`], [`disclosure`] the statistics and suppression (pure);
//! - [`view`], [`findings`], [`charts`], [`board`] the pages, [`drill`] the cases behind a
//!   figure;
//!   [`export`] CSV and workbook;
//! - [`settings`] the landlord's report settings and NM01 homes (edited in `admin::equality`).
//!
//! Every view and export writes an audit row naming its parameters, never a figure.

pub mod board;
pub mod charts;
pub mod disclosure;
pub mod disparity;
pub mod drill;
pub mod export;
pub mod facts;
pub mod findings;
pub mod groups;
pub mod params;
pub mod query;
pub mod report;
pub mod sections;
pub mod settings;
pub mod stats;
pub mod table;
pub mod view;

use crate::web::forms;
use crate::{
    audit::{self, Event, Origin},
    auth::policy::{Permission, allows},
    calendar::london_date,
    cases::visibility::Viewer,
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, forms::FormErrors, pagination::Pager, route::Route},
};
use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use entity::{areas, cases, strands, users};
use params::{Criteria, Params};
use report::{Names, Report};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub fn routes() -> Vec<Route> {
    let routes = vec![
        Route::get("/reports", Permission::ViewReports, dashboard),
        Route::get("/reports/board", Permission::ViewReports, board_report),
        Route::get("/reports/equality.csv", Permission::ViewReports, csv),
        Route::get("/reports/equality.xlsx", Permission::ViewReports, xlsx),
        Route::get("/reports/cases", Permission::ViewReportCases, drill_down),
        Route::get(
            "/reports/repeat-perpetrators",
            Permission::ViewReportCases,
            repeat_perpetrators,
        ),
    ];
    routes
}

/// A request read and checked: the criteria, or the dashboard's form with what to fix.
struct Request {
    params: Params,
    /// The periods the form offers.
    choices: Vec<crate::reports::compliance::period::Preset>,
    criteria: Criteria,
    names: Names,
    errors: FormErrors,
}

/// Managers may choose internal mode; everyone else sees publication mode only.
pub fn may_see_internal(viewer: &Viewer) -> bool {
    allows(viewer.role, Permission::ViewReportCases)
}

async fn read(state: &AppState, viewer: &Viewer, raw: Option<String>) -> AppResult<Request> {
    let params = Params::from_query(raw.as_deref().unwrap_or(""));
    let mut errors = FormErrors::default();
    let today = london_date(state.now());
    let criteria = params::parse(&params, today, !may_see_internal(viewer), &mut errors);
    let names = names(&state.db).await?;
    if let Some(strand) = &criteria.strand
        && !names.strands.iter().any(|(code, ..)| code == strand)
    {
        errors.add("strand", "Choose a strand from the list");
    }
    if let Some(area) = criteria.area_id
        && !names.areas.iter().any(|(id, _)| *id == area)
    {
        errors.add("area", "Choose an area from the list");
    }
    Ok(Request {
        params,
        choices: crate::reports::compliance::period::choices(today),
        criteria,
        names,
        errors,
    })
}

async fn names(db: &impl ConnectionTrait) -> AppResult<Names> {
    let areas = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .column(areas::Column::Name)
        .order_by_asc(areas::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    let strands = strands::Entity::find()
        .select_only()
        .column(strands::Column::Code)
        .column(strands::Column::Label)
        .column(strands::Column::Monitored)
        .order_by_asc(strands::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let officers = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Role.is_in([
            entity::Role::TenancyOfficer,
            entity::Role::HarassmentOfficer,
            entity::Role::Manager,
        ]))
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Names {
        areas,
        strands,
        officers,
    })
}

/// The report for `criteria`: every section, or (`full` false) the headline figures only.
async fn build(
    state: &AppState,
    viewer: &Viewer,
    criteria: &Criteria,
    names: &Names,
    full: bool,
) -> AppResult<Report> {
    let settings = settings::ReportSettings::load(&state.db).await?;
    let year = crate::reports::compliance::period::financial_year_of(criteria.period.to);
    let nm01 = settings::nm01_year(&state.db, year).await?;
    let inputs = report::Inputs {
        viewer,
        criteria,
        settings: &settings,
        names,
        nm01,
        now: state.now(),
        full,
    };
    Ok(report::build(&state.db, inputs).await?)
}

/// One audit row per view or export: what was asked for, never what it showed.
async fn audit(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    action: &'static str,
    what: &str,
    criteria: &Criteria,
) -> AppResult<()> {
    let txn = crate::db::begin(&state.db).await?;
    audit::record(
        &txn,
        state.now(),
        &viewer.audit_actor(),
        origin,
        Event::new(action, format!("{what}: {}", criteria.query())).on("report", "equality"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The dashboard for a request, with its report (None: only the form and what to fix).
fn dashboard_page(ctx: &Ctx, r: &Request, viewer: &Viewer, report: Option<&Report>) -> maud::Markup {
    view::dashboard(
        ctx,
        &view::Dashboard {
            params: &r.params,
            criteria: &r.criteria,
            names: &r.names,
            report,
            errors: &r.errors,
            internal_allowed: may_see_internal(viewer),
            choices: &r.choices,
        },
    )
}

fn refused(ctx: &Ctx, r: &Request, viewer: &Viewer) -> Response {
    forms::invalid(dashboard_page(ctx, r, viewer, None))
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let r = read(&state, &viewer, raw).await?;
    if !r.errors.is_empty() {
        return Ok(refused(&ctx, &r, &viewer));
    }
    let report = build(&state, &viewer, &r.criteria, &r.names, true).await?;
    audit(
        &state,
        &viewer,
        &origin,
        "reports.viewed",
        "Equality report viewed",
        &r.criteria,
    )
    .await?;
    Ok(dashboard_page(&ctx, &r, &viewer, Some(&report)).into_response())
}

async fn board_report(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let r = read(&state, &viewer, raw).await?;
    if !r.errors.is_empty() {
        return Ok(refused(&ctx, &r, &viewer));
    }
    let report = build(&state, &viewer, &r.criteria, &r.names, true).await?;
    // This period against the four quarters before it (headline figures).
    let mut quarters = vec![];
    for q in board::previous_quarters(&r.criteria, 4) {
        quarters.push(build(&state, &viewer, &q, &r.names, false).await?);
    }
    audit(
        &state,
        &viewer,
        &origin,
        "reports.board_viewed",
        "Board report viewed",
        &r.criteria,
    )
    .await?;
    Ok(board::page(&ctx, &report, &quarters).into_response())
}

async fn csv(
    State(state): State<AppState>,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    download(&state, &viewer, &origin, raw, export::Format::Csv).await
}

async fn xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    download(&state, &viewer, &origin, raw, export::Format::Xlsx).await
}

/// An export of the report the query string asks for (a 400 naming the problems when it
/// cannot be made: an export has no form to come back to).
async fn download(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    raw: Option<String>,
    format: export::Format,
) -> AppResult<Response> {
    let r = read(state, viewer, raw).await?;
    if !r.errors.is_empty() {
        return Err(AppError::BadRequest(export::problems(&r.errors)));
    }
    let report = build(state, viewer, &r.criteria, &r.names, true).await?;
    let body = format.write(&report).map_err(AppError::internal)?;
    let what = format!("Equality report exported as {}", format.label());
    audit(state, viewer, origin, "reports.exported", &what, &r.criteria).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    export::file_name(&report, format.extension())
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// The cases behind one count of the victim-ethnicity table (managers; through the
/// visibility filter).
async fn drill_down(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let r = read(&state, &viewer, raw).await?;
    let group = r.params.group.trim().to_owned();
    let measure = r.params.measure.trim().to_owned();
    if !r.errors.is_empty() {
        return Ok(refused(&ctx, &r, &viewer));
    }
    if !groups::rows().iter().any(|g| g.code == group) || query::drill_condition(&measure).is_none() {
        return Err(AppError::NotFound);
    }
    let settings = settings::ReportSettings::load(&state.db).await?;
    let cx = query::Context {
        criteria: &r.criteria,
        viewer: &viewer,
        now: state.now(),
        close_target_days: settings.close_target_days,
    };
    let Some(total) = query::victim_case_count(&state.db, &cx, &group, &measure).await? else {
        return Err(AppError::NotFound);
    };
    let pager = Pager::new(r.params.page.trim().parse().ok(), total);
    let ids =
        query::victim_case_ids(&state.db, &cx, &group, &measure, pager.offset(), pager.per_page).await?;
    let rows = cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids))
        .filter(viewer.condition())
        .order_by_asc(cases::Column::Id)
        .all(&state.db)
        .await?;
    audit(
        &state,
        &viewer,
        &origin,
        "reports.drilled",
        &format!("Cases behind {measure} for {group}"),
        &r.criteria,
    )
    .await?;
    Ok(drill::page(&ctx, &r.criteria, &group, &measure, &rows, &pager).into_response())
}

/// People alleged on two or more cases, with the cases (managers).
async fn repeat_perpetrators(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let r = read(&state, &viewer, raw).await?;
    if !r.errors.is_empty() {
        return Ok(refused(&ctx, &r, &viewer));
    }
    let repeat = query::repeat_perpetrators(&state.db, &r.criteria, &viewer).await?;
    let people = drill::repeat_people(&state.db, &viewer, &repeat).await?;
    audit(
        &state,
        &viewer,
        &origin,
        "reports.repeat_perpetrators_viewed",
        "Repeat alleged perpetrators viewed",
        &r.criteria,
    )
    .await?;
    Ok(drill::repeat_page(&ctx, &r.criteria, &people).into_response())
}
