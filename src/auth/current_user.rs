//! Resolves the session to a signed-in user on every request, enforcing the absolute
//! session timeout and refusing deactivated accounts. (The idle timeout is enforced by the
//! session store, which does not return an idle session at all.)

use crate::{auth::session_store::USER_ID_KEY, error::AppError, state::AppState};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use entity::{Role, users};
use sea_orm::EntityTrait;
use tower_sessions::Session;

/// Session key: when the user signed in (unix seconds), for the absolute timeout.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// Set at a first sign-in: the temporary password came with the new account, not from a
/// reset, and the account page says so.
pub const FIRST_SIGN_IN_KEY: &str = "first_sign_in";

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
}

impl From<&users::Model> for CurrentUser {
    fn from(u: &users::Model) -> Self {
        CurrentUser {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            must_change_password: u.must_change_password,
        }
    }
}

pub async fn load(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    match resolve(&state, &session).await {
        Ok(Some(user)) => {
            req.extensions_mut().insert(user);
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    next.run(req).await
}

async fn resolve(state: &AppState, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(user_id) = session.get::<i32>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT_KEY).await?.unwrap_or(0);
    let limit = state.settings.absolute_timeout_hours * 3600;
    if state.now().unix_timestamp() - signed_in_at >= limit {
        session.flush().await?;
        return Ok(None);
    }
    match users::Entity::find_by_id(user_id).one(&state.db).await? {
        Some(u) if u.active => Ok(Some(CurrentUser::from(&u))),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}
