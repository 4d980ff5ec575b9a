//! Periodic clean-up: expired sessions, old rate-limit windows, and uploads for import
//! that were checked but never imported; and the equality reports' facts brought up to
//! date (at start too), so the first report after an upgrade or a large import need not
//! recompute them. Safe to run on every instance at once (deletes of expired rows only;
//! the facts are recomputed by one instance at a time).

use crate::state::AppState;
use std::time::Duration;

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = state.now();
            if let Err(e) = crate::auth::session_store::purge_expired(&state.db, now).await {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
            if let Err(e) = crate::auth::throttle::purge_old(&state.db, now).await {
                tracing::warn!(error = %e, "could not purge old rate limits");
            }
            if let Err(e) = crate::import::purge_stale_uploads(&state.db, now).await {
                tracing::warn!(error = %e, "could not purge stale uploads");
            }
            if let Err(e) = crate::reports::equality::facts::refresh(&state.db).await {
                tracing::warn!(error = %e, "could not bring the report facts up to date");
            }
        }
    });
}
