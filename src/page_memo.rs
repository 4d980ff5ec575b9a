//! What one page reads once although several of its parts ask: inside [`for_one_page`]
//! the first answer to a question (keyed by its type and a number, such as a case id) is
//! kept and later asks get it; outside one, nothing is kept and each ask reads. Only for
//! pages that read: nothing kept is refreshed after a write.

use std::{
    any::{Any, TypeId},
    cell::RefCell,
    collections::HashMap,
    future::Future,
    sync::Arc,
};

type Kept = HashMap<(TypeId, i64), Arc<dyn Any + Send + Sync>>;

tokio::task_local! {
    static PAGE: RefCell<Kept>;
}

/// Runs `work` keeping what it reads through [`kept_or`].
pub async fn for_one_page<F: Future>(work: F) -> F::Output {
    PAGE.scope(RefCell::new(HashMap::new()), work).await
}

/// Whether this task is inside [`for_one_page`].
pub fn in_page() -> bool {
    PAGE.try_with(|_| ()).is_ok()
}

/// The kept `T` for `key`, or what `read` gives (kept when inside a page).
pub async fn kept_or<T, E, F>(key: i64, read: F) -> Result<Arc<T>, E>
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, E>>,
{
    let id = (TypeId::of::<T>(), key);
    if let Ok(Some(kept)) = PAGE.try_with(|p| p.borrow().get(&id).cloned())
        && let Ok(kept) = kept.downcast::<T>()
    {
        return Ok(kept);
    }
    let fresh = Arc::new(read.await?);
    let _ = PAGE.try_with(|p| p.borrow_mut().insert(id, fresh.clone()));
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn ask(reads: &AtomicUsize, key: i64) -> Arc<String> {
        kept_or(key, async {
            reads.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(format!("answer {key}"))
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_page_reads_each_key_once_and_outside_a_page_every_ask_reads() {
        let reads = AtomicUsize::new(0);
        for_one_page(async {
            assert_eq!(*ask(&reads, 1).await, "answer 1");
            assert_eq!(*ask(&reads, 1).await, "answer 1");
            assert_eq!(*ask(&reads, 2).await, "answer 2");
        })
        .await;
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        ask(&reads, 1).await;
        ask(&reads, 1).await;
        assert_eq!(reads.load(Ordering::SeqCst), 4);
    }
}
