//! Browse and filter the audit trail (managers and administrators), newest first.

mod form;
mod store;
mod view;

use crate::{
    auth::policy::{Permission, allows},
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
};
use form::Filters;
use view::Offered;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/audit", Permission::ViewAudit, browse)]
}

async fn browse(State(state): State<AppState>, ctx: Ctx, Query(f): Query<Filters>) -> AppResult<Response> {
    let case_events = allows(ctx.user()?.role, Permission::ViewCaseEvents);
    let is_admin = !case_events;
    let readable = store::readable(case_events);
    let (found, errors) = match form::validate(&f) {
        Ok(v) => (
            Some(store::events(&state.db, &readable, &v).await?),
            FormErrors::default(),
        ),
        Err(errors) => (None, errors),
    };
    let offered = Offered {
        actions: store::actions(&state.db, &readable).await?,
        record_types: store::record_types(&state.db, &readable).await?,
    };
    let summarised_until = super::periods::summarised_until(&state.db).await?;
    let page = view::page(
        &ctx,
        is_admin,
        summarised_until,
        &f,
        &errors,
        &offered,
        found.as_ref(),
    );
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        forms::invalid(page)
    })
}
