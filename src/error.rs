//! One error type for every handler. Its responses carry an [`ErrorPage`] marker that
//! `web::error_pages` turns into a full page in the site layout, with the request id.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The action does not fit the record's current state (e.g. closing a closed case).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database could not take the work in time (another long write holds it).
    #[error("busy: {0}")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// What the error page should say; attached to error responses as an extension.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_busy(&e) {
            AppError::Busy(e.to_string())
        } else {
            AppError::internal(e)
        }
    }
}

impl<E: std::fmt::Display + std::fmt::Debug + std::error::Error> From<sea_orm::TransactionError<E>>
    for AppError
{
    fn from(e: sea_orm::TransactionError<E>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => e.into(),
            e => AppError::internal(e),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::internal(e)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, page_for(StatusCode::NOT_FOUND)),
            AppError::Forbidden => (StatusCode::FORBIDDEN, page_for(StatusCode::FORBIDDEN)),
            AppError::BadRequest(why) => (
                StatusCode::BAD_REQUEST,
                ErrorPage {
                    title: "The request could not be understood",
                    message: why,
                },
            ),
            AppError::Conflict(why) => (
                StatusCode::CONFLICT,
                ErrorPage {
                    title: "That cannot be done now",
                    message: format!("{why} Nothing was changed."),
                },
            ),
            AppError::Busy(detail) => {
                tracing::warn!(error = %detail, "database busy");
                let page = busy_page();
                let mut res = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "60")],
                    page.message.clone(),
                )
                    .into_response();
                res.extensions_mut().insert(page);
                res.extensions_mut().insert(NothingSaved);
                return res;
            }
            AppError::Internal(detail) => {
                // Logged inside the request's span, which carries the request id.
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    page_for(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
        };
        let mut res = (status, page.message.clone()).into_response();
        res.extensions_mut().insert(page);
        res
    }
}

/// What a request the database was too busy for is told: the truth, which is that nothing
/// was saved and it will very likely work in a minute.
fn busy_page() -> ErrorPage {
    ErrorPage {
        title: BUSY_TITLE,
        message: format!(
            "{BUSY_WHY} If you were filling in a form, go back in your browser: it may still hold what you typed. Try again in a minute or two."
        ),
    }
}

pub const BUSY_TITLE: &str = "Harbour is busy saving other work";
/// Why a busy answer came, and that nothing was saved (true of every `AppError::Busy`:
/// its transaction never committed).
pub const BUSY_WHY: &str = "Harbour could not reach the database in time: other work (such as a large spreadsheet import) is being saved. Nothing you sent was saved.";

/// Marks an answer as `AppError::Busy`'s: nothing the request sent was saved, so a form
/// may be offered back to send again (`web::error_pages::Resend`).
#[derive(Clone, Copy, Debug)]
pub struct NothingSaved;

/// The standard wording for an error status, used for errors raised outside our handlers
/// too (unknown routes, body limits, time-outs, malformed forms).
pub fn page_for(status: StatusCode) -> ErrorPage {
    let (title, message) = match status.as_u16() {
        400 => (
            "The request could not be understood",
            "Go back, check what you entered and try again.",
        ),
        403 => (
            "You do not have permission to see this page",
            "If you think you should, ask your manager or an administrator.",
        ),
        404 => (
            "Page not found",
            "If you typed the web address, check it is correct. If you followed a link, the page may have moved or you may not be able to see it.",
        ),
        405 => (
            "That action is not available here",
            "Go back and use the links and buttons on the page.",
        ),
        408 => (
            "The request took too long",
            "Nothing was saved. Try again in a moment.",
        ),
        413 => (
            "What you sent is too large",
            "Nothing was saved. A form takes at most 256 KB and an uploaded file at most 20 MB: shorten it, or split the file, and try again.",
        ),
        415 | 422 => (
            "The form could not be read",
            "Nothing was saved. Go back, reload the page and try again.",
        ),
        429 => ("Too many attempts", "Wait a few minutes and try again."),
        _ if status.is_server_error() => (
            "Sorry, there is a problem with the service",
            "What you were doing was not saved. If you were filling in a form, go back in your browser: it may still hold what you typed. Try again later; if it keeps happening, give your administrator the reference below.",
        ),
        _ => ("Something went wrong", "Go back and try again."),
    };
    ErrorPage {
        title,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{begin, connect, is_busy};
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use sea_orm::{ConnectionTrait, DbErr};
    use std::str::FromStr;
    use std::time::Duration;

    #[tokio::test]
    async fn a_write_lock_held_by_someone_else_is_busy_not_a_fault() {
        let path = std::env::temp_dir().join(format!("harbour-busy-{}.db", std::process::id()));
        let remove = || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        };
        remove();
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = connect(&url).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (x INTEGER)").await.unwrap();
        let holder = begin(&db).await.unwrap();
        holder
            .execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        // A second connection that waits for nobody meets the held lock at once.
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .busy_timeout(Duration::ZERO);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let other = sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool);
        let refused = begin(&other).await.unwrap_err();
        assert!(is_busy(&refused), "{refused}");
        let answer = AppError::from(refused).into_response();
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        // Other failures are not.
        let wrong = other
            .execute_unprepared("SELECT * FROM no_such_table")
            .await
            .unwrap_err();
        assert!(!is_busy(&wrong), "{wrong}");
        assert!(!is_busy(&DbErr::Custom("case 1".into())));
        holder.rollback().await.unwrap();
        drop((db, other));
        remove();
    }
}
