//! Reading the calendar and procedure versions once for a long piece of work (an import
//! of thousands of cases), not once per deadline planned. Outside
//! [`with_cached_rules`] every read goes to the database as before; inside, the first
//! read is kept for the rest of the task (one transaction: nothing changes under it).

use super::calendar_settings;
use crate::{calendar::Calendar, procedure::Procedure};
use sea_orm::{ConnectionTrait, DbErr};
use std::{cell::RefCell, collections::HashMap, future::Future};

#[derive(Default)]
struct Cache {
    calendar: Option<Calendar>,
    procedures: HashMap<i32, Procedure>,
    current: Option<Procedure>,
}

tokio::task_local! {
    static CACHE: RefCell<Cache>;
}

/// Runs `work` with the calendar and procedures read at most once each.
pub async fn with_cached_rules<F: Future>(work: F) -> F::Output {
    CACHE.scope(RefCell::new(Cache::default()), work).await
}

fn cached<T>(read: impl FnOnce(&Cache) -> Option<T>) -> Option<T> {
    CACHE.try_with(|c| read(&c.borrow())).ok().flatten()
}

fn keep(write: impl FnOnce(&mut Cache)) {
    let _ = CACHE.try_with(|c| write(&mut c.borrow_mut()));
}

pub async fn calendar(db: &impl ConnectionTrait) -> Result<Calendar, DbErr> {
    if let Some(c) = cached(|c| c.calendar.clone()) {
        return Ok(c);
    }
    let calendar = calendar_settings::load(db).await?;
    keep(|c| c.calendar = Some(calendar.clone()));
    Ok(calendar)
}

pub async fn procedure(db: &impl ConnectionTrait, version_id: i32) -> Result<Procedure, DbErr> {
    if let Some(p) = cached(|c| c.procedures.get(&version_id).cloned()) {
        return Ok(p);
    }
    let procedure = crate::procedure::store::load(db, version_id).await?;
    keep(|c| {
        c.procedures.insert(version_id, procedure.clone());
    });
    Ok(procedure)
}

/// The procedure version new cases follow.
pub async fn current_procedure(db: &impl ConnectionTrait) -> Result<Procedure, DbErr> {
    if let Some(p) = cached(|c| c.current.clone()) {
        return Ok(p);
    }
    let procedure = crate::procedure::store::current(db).await?;
    keep(|c| c.current = Some(procedure.clone()));
    Ok(procedure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_a_scope_keeps_what_was_read() {
        keep(|c| {
            c.procedures.insert(1, dummy());
        });
        assert!(
            cached(|c| c.procedures.get(&1).cloned()).is_none(),
            "outside a scope"
        );
        with_cached_rules(async {
            keep(|c| {
                c.procedures.insert(1, dummy());
            });
            assert!(cached(|c| c.procedures.get(&1).cloned()).is_some());
        })
        .await;
        with_cached_rules(async {
            assert!(
                cached(|c| c.procedures.get(&1).cloned()).is_none(),
                "a new scope starts empty"
            );
        })
        .await;
    }

    fn dummy() -> Procedure {
        Procedure::new(1, 1, [])
    }
}
