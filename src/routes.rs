//! The route table: every capability's routes, each behind the guard of its permission.
//! Tests walk [`table`] for every role, so a new route cannot skip the policy. This sits
//! at the top of the crate: it knows every capability, and none of them knows it.

use crate::{
    auth::policy::Permission,
    state::AppState,
    web::route::{Route, guarded},
};
use axum::{Router, http::Method, middleware};

/// Every route of the application, from each capability.
pub fn all() -> Vec<Route> {
    [
        crate::home::routes(),
        crate::auth::login::routes(),
        crate::auth::setup::routes(),
        crate::auth::account::routes(),
        crate::admin::routes(),
        crate::audit::routes(),
        crate::cases::routes(),
        crate::deadlines::routes(),
        crate::reports::routes(),
        crate::risk::routes(),
        crate::plans::routes(),
        crate::support::routes(),
        crate::enforcement::routes(),
        crate::chronology::routes(),
        crate::import::routes(),
        crate::people::routes(),
        crate::people::subject_access::routes(),
        crate::retention::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// (method, path pattern, permission) of every route: what the access tests walk.
pub fn table() -> Vec<(Method, &'static str, Permission)> {
    all()
        .into_iter()
        .map(|r| (r.method, r.path, r.permission))
        .collect()
}

pub fn router(state: &AppState) -> Router<AppState> {
    all().into_iter().fold(Router::new(), |router, r| {
        let mut handler = r.handler;
        // Every change to a case is a POST under its reference: one check keeps a case
        // whose identifying details were destroyed from taking new ones.
        if r.method == Method::POST && r.path.starts_with("/cases/{reference}") {
            handler = handler.route_layer(middleware::from_fn_with_state(
                state.clone(),
                crate::retention::refuse_disposed,
            ));
        }
        router.route(r.path, guarded(handler, r.permission))
    })
}
