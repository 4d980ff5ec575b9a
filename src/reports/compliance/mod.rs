//! `/compliance`: how well deadlines were kept, for managers. For a period (a financial
//! year, a quarter, or custom dates, by the London date each deadline was ORIGINALLY due),
//! per stage: due, met on time, late, still overdue, waived, not applicable, not yet due,
//! % on time and lateness; the same by officer, area and priority; and month by month.
//! `/compliance/cases` lists the deadlines behind any of those numbers.
//!
//! - [`params`] reads and checks the query string (pure);
//! - [`period`] financial years, quarters and custom periods (pure);
//! - [`stats`] buckets and measures (pure);
//! - [`query`] counts the period's deadlines in the database, in groups, through the
//!   viewer's visibility filter (restricted cases count only for those who may see them),
//!   and lists them for the drill-down;
//! - [`view`] renders both pages.
//!
//! Neither page writes an audit row: the figures are not case content, and the drill-down
//! lists case references the way a caseload does (no names appear anywhere).

pub mod params;
pub mod period;
pub mod query;
pub mod stats;
pub mod view;

use crate::web::forms;
use crate::{
    auth::policy::Permission,
    calendar::london_date,
    cases::visibility::Viewer,
    error::AppResult,
    state::AppState,
    web::{Ctx, forms::FormErrors, pagination::Pager, route::Route},
};
use axum::{
    extract::{RawQuery, State},
    response::{IntoResponse, Response},
};
use params::{Criteria, Params};
use stats::{Dashboard, Item};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/compliance", Permission::ViewCompliance, dashboard),
        Route::get("/compliance/cases", Permission::ViewCompliance, drill_down),
    ]
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let now = state.now();
    let today = london_date(now);
    let params = Params::from_query(raw.as_deref().unwrap_or(""));
    let mut errors = FormErrors::default();
    let criteria = params::parse(&params, today, &mut errors);
    let choices = period::choices(today);
    if !errors.is_empty() {
        return refused(&state, &ctx, &params, &criteria, &choices, &errors).await;
    }
    let groups = query::groups(&state.db, &viewer, &criteria, now).await?;
    let names = query::names(&state.db, &query::group_owner_ids(&groups)).await?;
    let dashboard = Dashboard::from_groups(&groups, &criteria.period.months());
    let met_ahead = query::met_ahead(&state.db, &viewer, &criteria).await?;
    let page = view::render(
        &ctx,
        &view::Page {
            params: &params,
            criteria: &criteria,
            names: &names,
            choices: &choices,
            dashboard: Some(&dashboard),
            met_ahead,
            errors: &errors,
        },
    );
    Ok(page.into_response())
}

/// Invalid parameters: the dashboard's form with the typed values and what to fix, so the
/// period can be put right (for the dashboard and the drill-down alike).
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    params: &Params,
    criteria: &Criteria,
    choices: &[period::Preset],
    errors: &FormErrors,
) -> AppResult<Response> {
    let names = query::names(&state.db, &[]).await?;
    let page = view::render(
        ctx,
        &view::Page {
            params,
            criteria,
            names: &names,
            choices,
            dashboard: None,
            met_ahead: 0,
            errors,
        },
    );
    Ok(forms::invalid(page))
}

async fn drill_down(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let now = state.now();
    let today = london_date(now);
    let params = Params::from_query(raw.as_deref().unwrap_or(""));
    let mut errors = FormErrors::default();
    let criteria = params::parse(&params, today, &mut errors);
    let drill = params::parse_drill(&params, &mut errors);
    if !errors.is_empty() {
        let choices = period::choices(today);
        return refused(&state, &ctx, &params, &criteria, &choices, &errors).await;
    }
    let items = query::items(&state.db, &viewer, &criteria).await?;
    let matching: Vec<&Item> = items
        .iter()
        .filter(|i| drill.bucket.is_none_or(|b| i.bucket(now) == b))
        .filter(|i| drill.month.is_none_or(|m| i.due_month() == m))
        .collect();
    let pager = Pager::new(drill.page, matching.len() as u64);
    let start = (pager.offset() as usize).min(matching.len());
    let end = (start + pager.per_page as usize).min(matching.len());
    let owners: Vec<i32> = match criteria.officer {
        Some(params::Officer::User(id)) => vec![id],
        _ => vec![],
    };
    let names = query::names(&state.db, &owners).await?;
    let page = view::render_drill(
        &ctx,
        &view::DrillPage {
            criteria: &criteria,
            drill: &drill,
            names: &names,
            rows: &matching[start..end],
            pager: &pager,
            now,
            calendar: &crate::deadlines::calendar_settings::load(&state.db).await?,
        },
    );
    Ok(page.into_response())
}
