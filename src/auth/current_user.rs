//! Resolves the session to a signed-in user on every request, enforcing the absolute
//! session timeout and refusing deactivated accounts. (The idle timeout is enforced by the
//! session store, which does not return an idle session at all.)

use crate::{auth::session_store::USER_ID_KEY, error::AppError, state::AppState};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use entity::{Role, user_areas, users};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, JoinType, QueryOrder, QuerySelect};
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
    /// The areas they work in, read with them: what case visibility needs
    /// (`cases::visibility::Viewer`) without another statement on every request.
    pub area_ids: Vec<i32>,
}

impl CurrentUser {
    pub fn new(u: &users::Model, area_ids: Vec<i32>) -> Self {
        CurrentUser {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            must_change_password: u.must_change_password,
            area_ids,
        }
    }
}

/// The user with `id` and the areas they work in: one statement, a row per area.
async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<(users::Model, Vec<i32>)>, DbErr> {
    let rows: Vec<(users::Model, Option<user_areas::Model>)> = users::Entity::find_by_id(id)
        .join_rev(
            JoinType::LeftJoin,
            user_areas::Entity::belongs_to(users::Entity)
                .from(user_areas::Column::UserId)
                .to(users::Column::Id)
                .into(),
        )
        .select_also(user_areas::Entity)
        .order_by_asc(user_areas::Column::AreaId)
        .all(db)
        .await?;
    let area_ids = rows
        .iter()
        .filter_map(|(_, a)| a.as_ref().map(|a| a.area_id))
        .collect();
    Ok(rows.into_iter().next().map(|(u, _)| (u, area_ids)))
}

pub async fn load(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    match resolve(&state, &session).await {
        Ok(Some(user)) => {
            req.extensions_mut().insert(user);
        }
        Ok(None) => {}
        // Outside the pages' error renderer: dress the error as it would.
        Err(e) => {
            let asked = crate::web::error_pages::Asked::of(&req);
            return crate::web::error_pages::dress(&state, asked, e.into_response()).await;
        }
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
    match find(&state.db, user_id).await? {
        Some((u, area_ids)) if u.active => Ok(Some(CurrentUser::new(&u, area_ids))),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}
