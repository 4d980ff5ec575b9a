use crate::{clock::Clock, config::Settings};
use sea_orm::DatabaseConnection;
use std::{
    any::{Any, TypeId},
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    shared: Arc<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        AppState {
            db,
            clock,
            settings: Arc::new(settings),
            shared: Arc::default(),
        }
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// This instance's one `T`, made on first use: what a capability keeps in memory for
    /// itself (a memo of figures, the imports being written), without the state having to
    /// know every capability.
    pub fn shared<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        // A panic while holding the lock leaves the map whole: carry on with it.
        let mut map = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        let any = map
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        any.downcast::<T>().expect("stored under its own type")
    }
}
