use crate::{clock::Clock, config::Settings};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// Imports being written in the background on this instance.
    pub imports: Arc<crate::import::running::Running>,
    /// The home page's landlord-wide quarter figures, while nothing they count changes.
    pub quarter: Arc<crate::web::home::QuarterMemo>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        AppState {
            db,
            clock,
            settings: Arc::new(settings),
            imports: crate::import::running::Running::shared(),
            quarter: Arc::default(),
        }
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
