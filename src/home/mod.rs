//! The signed-in home page: a summary of the work the user's role lets them see, above
//! the links to everything they can reach. The policy decides each section:
//!
//! - [`work`] (who sees cases): their open cases, and their deadlines overdue or due today;
//!   for those who also see the team's due list (managers), only when they have some;
//! - [`team`] (who sees the team's due list): overdue deadlines and the triage queue;
//! - [`quarter`] (who reads reports): this quarter's headline figures, in publication mode
//!   for whoever may not see internal reports;
//! - [`links`] (everyone): the pages their role may use.
//!
//! Administrators see the links only. Every figure and row comes from the query behind the
//! page it links to (caseload, due lists, compliance, equality reports), so through the
//! same visibility filter. Like those lists, the page is not audited: it shows case
//! references, priorities, stages and dates, never a name or free text.

mod links;
mod quarter;

mod team;
mod work;

use crate::{
    auth::policy::{Permission, allows, role_label},
    cases::visibility::Viewer,
    error::AppResult,
    state::AppState,
    web::{Ctx, layout, route::Route},
};
use axum::extract::State;
use maud::{Markup, html};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/", Permission::SignedIn, home)]
}

async fn home(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Markup> {
    let user = ctx.user()?;
    let (db, now, role) = (&state.db, state.now(), viewer.role);
    let sees_cases = allows(role, Permission::ViewCases);
    // Someone with the team in view sees their own work only when they have some (most
    // have none): the statement counting the team's figures says whether they may have any,
    // and an empty list is dropped below.
    let (team, has_work) = if allows(role, Permission::ViewTeamDeadlines) {
        let mine = sees_cases.then(|| work::any_statement(&viewer));
        let (team, mine) = team::load(db, &viewer, now, mine).await?;
        (Some(team), mine)
    } else {
        (None, sees_cases)
    };
    let work = if sees_cases && has_work {
        Some(work::load(db, &viewer, now).await?).filter(|w| team.is_none() || !w.is_empty())
    } else {
        None
    };
    let quarter = if allows(role, Permission::ViewReports) {
        Some(quarter::load_memoised(db, &state.shared::<quarter::Memo>(), &viewer, now).await?)
    } else {
        None
    };
    let summary = work.is_some() || team.is_some() || quarter.is_some();
    Ok(layout::page(
        &ctx,
        "Home",
        false,
        html! {
            span.caption { (role_label(user.role)) }
            h1.heading-xl { "Welcome, " (user.display_name) }
            @if let Some(w) = &work { (work::render(w)) }
            @if let Some(t) = &team { (team::render(t)) }
            @if let Some(q) = &quarter { (quarter::render(q)) }
            @if summary {
                h2.heading-l { "Everything you can do" }
            }
            (links::render(user.role, summary))
        },
    ))
}
