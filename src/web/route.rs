//! A route and its guard. Every route declares the permission it needs, and one guard
//! enforces it: a signed-out visitor is sent to sign in, a signed-in one without the
//! permission gets 403. The table of every route is `crate::routes`.

use crate::{
    auth::{
        current_user::CurrentUser,
        policy::{Permission, allows},
    },
    error::AppError,
    state::AppState,
};
use axum::{
    extract::Request,
    handler::Handler,
    http::Method,
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::MethodRouter,
};

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub permission: Permission,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn get<H, T>(path: &'static str, permission: Permission, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route {
            method: Method::GET,
            path,
            permission,
            handler: axum::routing::get(handler),
        }
    }

    pub fn post<H, T>(path: &'static str, permission: Permission, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route {
            method: Method::POST,
            path,
            permission,
            handler: axum::routing::post(handler),
        }
    }
}

/// `handler` behind the guard that enforces `permission`.
pub fn guarded(handler: MethodRouter<AppState>, permission: Permission) -> MethodRouter<AppState> {
    handler.route_layer(middleware::from_fn(move |req: Request, next: Next| {
        guard(permission, req, next)
    }))
}

/// Paths a user who must change their password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 2] = ["/account/password", "/logout"];

async fn guard(permission: Permission, req: Request, next: Next) -> Response {
    if permission == Permission::Public {
        return next.run(req).await;
    }
    let Some(user) = req.extensions().get::<CurrentUser>() else {
        return to_login(&req);
    };
    if user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.uri().path()) {
        return Redirect::to("/account/password").into_response();
    }
    if !allows(user.role, permission) {
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

/// Sends a signed-out visitor to sign in, remembering where they were going (for reads:
/// a form post cannot be replayed after sign-in).
fn to_login(req: &Request) -> Response {
    if req.method() == Method::GET {
        let wanted = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", wanted)
            .finish();
        Redirect::to(&format!("/login?{query}")).into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}
