//! The threads that compute argon2 hashes: one per core, taking work in arrival order, at a
//! lower scheduling priority than the threads serving pages. A hash is tens of milliseconds
//! of CPU and 19 MiB of memory traffic; fifty sign-ins at once on the tokio blocking pool
//! (even bounded to the cores) took the CPU from every other page, whose 99th percentile
//! rose 4–9× (docs/PERFORMANCE.md, "Load from outside"). At nice 10 a busy page thread
//! outweighs a hashing thread about ten to one, so pages in use stay quick while a storm of
//! sign-ins waits its turn; an idle server still hashes at full speed.

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

/// Runs `work` on a hashing thread and waits for its result without blocking the runtime.
/// A panic in `work` is an internal error for this request; the thread carries on.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = catch_unwind(AssertUnwindSafe(work));
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        // The caller may have gone (its request was dropped): nothing to tell.
        let _ = tx.send(out.ok());
    });
    queue()
        .ok_or_else(|| crate::error::AppError::internal("no hashing thread could be started"))?
        .send(job)
        .map_err(crate::error::AppError::internal)?;
    rx.await
        .map_err(crate::error::AppError::internal)?
        .ok_or_else(|| crate::error::AppError::internal("a password hash panicked"))
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
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Lowers this thread's scheduling priority (on Linux the nice value is per thread). Where
/// that is refused or unsupported the hashes run at normal priority, as they did before.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls about the calling thread.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICENESS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_below_the_pages_priority() {
        // SAFETY: reads the calling thread's priority.
        let niceness = || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let page = niceness();
        assert_eq!(run(niceness).await.unwrap(), (page + NICENESS).min(19));
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
