//! Request extractors shared by every page.

use crate::{
    audit::Origin,
    auth::{CurrentUser, csrf},
    error::AppError,
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use std::{net::SocketAddr, sync::Arc};
use tower_sessions::Session;

/// What every page needs to render its layout: the signed-in user (if any), the session's
/// form token, a one-off message from the previous action, and where we are.
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub settings: Arc<crate::config::Settings>,
    pub session: Session,
}

const FLASH_KEY: &str = "flash";

impl Ctx {
    /// The signed-in user. Routes guarded by anything but `Public` always have one.
    pub fn user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Forbidden)
    }

    /// The signed-in user as the actor of an audit row.
    pub fn actor(&self) -> Result<crate::audit::Actor, AppError> {
        self.user().map(|u| crate::audit::Actor::user(u.id, &u.username))
    }
}

/// Leaves a message for the next page this session renders (after a redirect).
pub async fn set_flash(session: &Session, message: impl Into<String>) -> Result<(), AppError> {
    session.insert(FLASH_KEY, message.into()).await?;
    Ok(())
}

impl Ctx {
    pub async fn build(
        session: Session,
        user: Option<CurrentUser>,
        path: String,
        settings: Arc<crate::config::Settings>,
    ) -> Result<Self, AppError> {
        let csrf = csrf::token(&session).await?;
        let flash = session.remove::<String>(FLASH_KEY).await?;
        Ok(Ctx {
            user,
            csrf,
            flash,
            path,
            settings,
            session,
        })
    }
}

pub fn session_of(parts: &Parts) -> Result<Session, AppError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::internal("session layer missing"))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ctx::build(
            session_of(parts)?,
            parts.extensions.get::<CurrentUser>().cloned(),
            parts.uri.path().to_owned(),
            state.settings.clone(),
        )
        .await
    }
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Origin {
            client_addr: client_addr(parts, &state.settings),
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        })
    }
}

/// The client's address: the configured proxy header's last entry (the one our own proxy
/// appended; earlier entries come from the client and can be forged), else the peer.
pub fn client_addr(parts: &Parts, settings: &crate::config::Settings) -> Option<String> {
    let from_header = settings
        .client_ip_header
        .as_ref()
        .and_then(|h| parts.headers.get(h.as_str()))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(address) = from_header {
        return Some(address.to_owned());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}
