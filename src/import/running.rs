//! Imports being written in the background. A large file takes longer than one request
//! may (the request timeout would drop the transaction half way, writing nothing), so the
//! commit runs as a task and the import's page shows how far it has got, then that it
//! finished. Held per instance: the instance writing it is the one that knows.

use std::{collections::HashMap, sync::Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Writing {
        done: usize,
        total: usize,
    },
    /// The write failed and was rolled back: nothing was written.
    Failed,
}

#[derive(Default)]
pub struct Running(Mutex<HashMap<i32, Status>>);

impl Running {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<i32, Status>) -> T) -> T {
        // A panic while holding the lock leaves plain data behind: carry on with it.
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut map)
    }

    /// Marks `id` as being written; `false` if it already is.
    pub fn start(&self, id: i32, total: usize) -> bool {
        self.with(|m| match m.get(&id) {
            Some(Status::Writing { .. }) => false,
            _ => {
                m.insert(id, Status::Writing { done: 0, total });
                true
            }
        })
    }

    pub fn progress(&self, id: i32, done: usize) {
        self.with(|m| {
            if let Some(Status::Writing { total, .. }) = m.get(&id).copied() {
                m.insert(id, Status::Writing { done, total });
            }
        });
    }

    pub fn finish(&self, id: i32) {
        self.with(|m| m.remove(&id));
    }

    pub fn fail(&self, id: i32) {
        self.with(|m| m.insert(id, Status::Failed));
    }

    pub fn get(&self, id: i32) -> Option<Status> {
        self.with(|m| m.get(&id).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_is_written_once_at_a_time_and_a_failure_can_be_retried() {
        let r = Running::default();
        assert!(r.start(1, 10));
        assert!(!r.start(1, 10), "a second commit of the same upload waits");
        r.progress(1, 4);
        assert_eq!(r.get(1), Some(Status::Writing { done: 4, total: 10 }));
        r.fail(1);
        assert_eq!(r.get(1), Some(Status::Failed));
        assert!(r.start(1, 10), "after a failure it may be tried again");
        r.finish(1);
        assert_eq!(r.get(1), None);
    }
}
