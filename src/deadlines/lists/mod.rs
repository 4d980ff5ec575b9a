//! Due lists (`GET /deadlines`): the open deadlines an officer answers for, in three
//! groups — overdue, due today, due in the next five working days — across their cases.
//!
//! - [`window`] (pure) says which group a due time falls in, in the landlord's calendar;
//! - [`params`] (pure) reads the query string: whose list (`officer=<user id>`) or the
//!   team's (`view=team`);
//! - [`query`] finds the rows in one query per list, always from the viewer's visibility
//!   filter, so a case the viewer may not see is absent from the rows and the counts alike;
//! - [`view`] renders the page.
//!
//! Any officer's list and the team's are for those the policy allows
//! (`Permission::ViewTeamDeadlines`); everyone else asking for them gets 403. A malformed
//! query string or an unknown officer is a 400 page. Views are not audited (like caseloads);
//! the page shows references, stages and dates only, never free text.

pub mod params;
pub mod query;
pub mod view;
pub mod window;

use crate::{
    auth::policy::{Permission, allows},
    cases::visibility::Viewer,
    deadlines::{calendar_settings, reminders},
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, route::Route},
};
use axum::extract::{RawQuery, State};
use maud::Markup;
use params::Wanted;
use query::Scope;
use view::Shown;
use window::Window;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/deadlines", Permission::ViewDeadlines, list)]
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    let wanted = params::parse(raw.as_deref().unwrap_or("")).map_err(AppError::BadRequest)?;
    let can_view_team = allows(viewer.role, Permission::ViewTeamDeadlines);
    if wanted != Wanted::Own && !can_view_team {
        return Err(AppError::Forbidden);
    }
    let db = &state.db;
    let (scope, shown) = match wanted {
        Wanted::Officer(id) if id != viewer.id => match query::officer(db, id).await? {
            Some(officer) => (Scope::Officer(id), Shown::Officer(officer)),
            None => {
                return Err(AppError::BadRequest(
                    "There is no officer with that id. Choose an officer from the list.".to_owned(),
                ));
            }
        },
        Wanted::Own | Wanted::Officer(_) => (Scope::Officer(viewer.id), Shown::Own),
        Wanted::Team => (
            Scope::Team,
            Shown::Team {
                all_areas: viewer.area_ids.is_empty(),
            },
        ),
    };
    let officers = if can_view_team {
        query::officers(db).await?
    } else {
        vec![]
    };
    let calendar = calendar_settings::load(db).await?;
    let window = Window::at(&calendar, state.now());
    let found = query::fetch(db, &viewer, scope, window.cutoff()).await?;
    let unread = reminders::unread_count(db, &viewer, state.now()).await?;
    Ok(view::render(
        &ctx,
        &view::Page {
            shown,
            can_view_team,
            officers: &officers,
            groups: view::Groups::new(&window, &calendar, found.rows, scope == Scope::Team),
            truncated: found.truncated,
            window: &window,
            unread,
        },
    ))
}
