//! `/admin/users`: staff accounts, filtered by name or username, role and status, a page
//! at a time.

mod store;
mod view;

pub(super) use self::view::status_tag;
use crate::{error::AppResult, state::AppState, web::Ctx};
use axum::extract::{Query, State};
use maud::Markup;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    q: String,
    role: String,
    status: String,
    page: Option<u64>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(f): Query<Filters>) -> AppResult<Markup> {
    let (pager, rows) = store::page(&state.db, &f).await?;
    let area_names = store::area_names(&state.db, &rows).await?;
    let now = state.now();
    Ok(view::list_page(&ctx, &f, &pager, &rows, &area_names, now))
}
