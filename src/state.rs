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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Counter(AtomicUsize);

    #[derive(Default)]
    struct Other(AtomicUsize);

    #[test]
    fn each_type_gets_one_object_shared_by_every_clone_of_the_state() {
        let clock = Arc::new(crate::clock::ManualClock::new(time::OffsetDateTime::UNIX_EPOCH));
        let state = AppState::new(DatabaseConnection::default(), clock, Settings::default());
        state.shared::<Counter>().0.fetch_add(1, Ordering::SeqCst);
        state.clone().shared::<Counter>().0.fetch_add(1, Ordering::SeqCst);
        assert_eq!(state.shared::<Counter>().0.load(Ordering::SeqCst), 2);
        assert!(Arc::ptr_eq(
            &state.shared::<Counter>(),
            &state.clone().shared::<Counter>()
        ));
        assert_eq!(state.shared::<Other>().0.load(Ordering::SeqCst), 0);

        // Another instance (another AppState) has its own.
        let clock = Arc::new(crate::clock::ManualClock::new(time::OffsetDateTime::UNIX_EPOCH));
        let other = AppState::new(DatabaseConnection::default(), clock, Settings::default());
        assert_eq!(other.shared::<Counter>().0.load(Ordering::SeqCst), 0);
    }
}
