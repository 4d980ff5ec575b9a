//! The threads that compute argon2 hashes: one per core, taking work in arrival order, at a
//! lower scheduling priority than the threads serving pages. A hash is tens of milliseconds
//! of CPU and 19 MiB of memory traffic; at nice 10 a busy page thread outweighs a hashing
//! thread about ten to one, so during a storm of sign-ins the pages in use stay quick
//! (the home page's 99th percentile rose 1.1× where it rose 1.3× at normal priority:
//! docs/PERFORMANCE.md, "Load from outside") and the sign-ins wait their turn; an idle
//! server still hashes at full speed. Their freed memory goes back to the system whenever
//! the queue empties.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
};

/// How much less a hashing thread is scheduled than a page's (Linux nice value; 0 is normal).
const NICENESS: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// Hashes running now, and the most ever running at once (what the bound is tested by).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
pub(super) static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Jobs sent and not yet taken by a thread.
static QUEUED: AtomicUsize = AtomicUsize::new(0);

/// Runs `work` on a hashing thread and waits for its result without blocking the runtime.
/// A panic in `work` is an internal error for this request; the thread carries on.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job = job(work, tx);
    let queue =
        queue().ok_or_else(|| crate::error::AppError::internal("no hashing thread could be started"))?;
    QUEUED.fetch_add(1, Ordering::SeqCst);
    if let Err(e) = queue.send(job) {
        QUEUED.fetch_sub(1, Ordering::SeqCst);
        return Err(crate::error::AppError::internal(e));
    }
    rx.await
        .map_err(crate::error::AppError::internal)?
        .ok_or_else(|| crate::error::AppError::internal("a password hash panicked"))
}

/// `work` as a job that sends its result (`None` if it panicked) to `tx`, or does nothing
/// if `tx`'s receiver is gone: its request was dropped (the client hung up, or it timed out
/// waiting in the queue), and a storm's backlog must not hash for nobody.
fn job<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    tx: tokio::sync::oneshot::Sender<Option<T>>,
) -> Job {
    Box::new(move || {
        if tx.is_closed() {
            return;
        }
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = catch_unwind(AssertUnwindSafe(work));
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        // The caller may have gone meanwhile: nothing to tell.
        let _ = tx.send(out.ok());
    })
}

/// The queue's sending end, with the threads started on first use; `None` if none could be.
fn queue() -> Option<&'static mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Option<mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            let rx = Arc::new(Mutex::new(rx));
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let started = (0..cores)
                .filter(|i| {
                    let rx = rx.clone();
                    std::thread::Builder::new()
                        .name(format!("argon2-{i}"))
                        .spawn(move || work(&rx))
                        .inspect_err(|e| tracing::error!(error = %e, "a hashing thread did not start"))
                        .is_ok()
                })
                .count();
            (started > 0).then_some(tx)
        })
        .as_ref()
}

/// A hashing thread: takes the next job in arrival order until the queue is gone.
fn work(rx: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    loop {
        // The lock is held only while taking a job, so the threads share one FIFO queue.
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        QUEUED.fetch_sub(1, Ordering::SeqCst);
        job();
        if QUEUED.load(Ordering::SeqCst) == 0 {
            // Nothing waiting: hand the hashes' 19 MiB blocks back to the system before
            // sleeping (during a storm they are reused, not mapped again).
            // SAFETY: asks the allocator to free what it holds unused; no pointer is involved.
            unsafe { libmimalloc_sys::mi_collect(true) };
        }
    }
}

/// Lowers this thread's scheduling priority by [`NICENESS`] (on Linux the nice value is
/// per thread). Where that is refused or unsupported the hashes run at the priority they
/// were started with.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Some(now) = niceness() {
        // SAFETY: a plain system call about the calling thread.
        unsafe {
            libc::setpriority(
                libc::PRIO_PROCESS,
                libc::gettid() as libc::id_t,
                (now + NICENESS).min(19),
            );
        }
    }
}

/// The calling thread's nice value (`getpriority` may return -1 as a value, so errno tells
/// a failure apart).
#[cfg(target_os = "linux")]
fn niceness() -> Option<i32> {
    // SAFETY: plain system calls about the calling thread; errno is this thread's.
    unsafe {
        *libc::__errno_location() = 0;
        let n = libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t);
        (n != -1 || *libc::__errno_location() == 0).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_below_the_pages_priority() {
        let page = niceness().unwrap();
        assert_eq!(run(niceness).await.unwrap(), Some((page + NICENESS).min(19)));
    }

    #[test]
    fn a_hash_whose_request_has_gone_is_not_computed() {
        let computed = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let counter = computed.clone();
        let waited_for = job(move || counter.fetch_add(1, Ordering::SeqCst), tx);
        let (gone, dropped) = tokio::sync::oneshot::channel();
        drop(dropped);
        let counter = computed.clone();
        let abandoned = job(move || counter.fetch_add(1, Ordering::SeqCst), gone);
        abandoned();
        assert_eq!(computed.load(Ordering::SeqCst), 0);
        waited_for();
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        drop(rx);
    }

    #[tokio::test]
    async fn a_panicking_hash_is_an_error_and_the_threads_carry_on() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for _ in 0..2 * cores {
            assert!(run(|| panic!("a broken hash")).await.is_err());
        }
        assert_eq!(run(|| 42).await.unwrap(), 42);
    }
}
