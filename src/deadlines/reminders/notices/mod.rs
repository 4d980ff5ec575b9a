//! In-app notices: `/deadlines/notices` lists the signed-in officer's reminders of the last
//! fortnight (only for cases they may still see); one button marks them all read.
//!
//! Handlers here; the queries and the write in `store`, the page in `view`.

mod store;
mod view;

pub use store::{Row, recent, unread_count};

use crate::{
    auth::policy::Permission,
    cases::visibility::Viewer,
    error::AppResult,
    state::AppState,
    web::{Ctx, extract::set_flash, route::Route},
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;
use time::Duration;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/deadlines/notices", Permission::ViewDeadlines, list),
        Route::post("/deadlines/notices/read", Permission::ViewDeadlines, mark_read),
    ]
}

/// How far back the notices page looks.
const SHOWN_DAYS: i64 = 14;

async fn list(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Markup> {
    let since = state.now() - Duration::days(SHOWN_DAYS);
    let rows = recent(&state.db, &viewer, since).await?;
    Ok(view::page(&ctx, &rows))
}

async fn mark_read(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Response> {
    let marked = store::mark_read(&state.db, &viewer, state.now()).await?;
    let message = match marked {
        0 => "There were no unread notices.",
        _ => "Notices marked as read.",
    };
    set_flash(&ctx.session, message).await?;
    Ok(Redirect::to("/deadlines/notices").into_response())
}
