//! Keeping a long serial write on one CPU. SQLite's driver runs each connection on a
//! worker thread, so every statement is a hand-off between two threads and back. On
//! separate cores each hand-off wakes a sleeping core (an inter-processor interrupt, tens
//! of microseconds on a virtual machine); on one core it is a plain switch. An import of
//! 50,000 cases writes about two million statements, one after another, and runs about
//! twice as fast held on one core (docs/PERFORMANCE.md). Only for a process doing that one
//! job (`harbour import`, the demo landlord's filling): a server needs all its cores.

/// While held, every thread of the process (and any it starts) runs on one CPU; dropping
/// it gives them back the CPUs they had.
pub struct Held {
    #[cfg(target_os = "linux")]
    before: libc::cpu_set_t,
}

/// Holds the whole process on the CPU this thread is running on. `None` where that is not
/// possible (another operating system, a refused system call): the work then runs as it
/// would have, only slower.
pub fn hold() -> Option<Held> {
    imp::hold()
}

impl Drop for Held {
    fn drop(&mut self) {
        imp::release(self);
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Held;
    use std::{
        collections::HashSet,
        mem::{size_of, zeroed},
    };

    pub fn hold() -> Option<Held> {
        // SAFETY: plain system calls on sets this function owns.
        unsafe {
            let mut before: libc::cpu_set_t = zeroed();
            if libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut before) != 0 {
                return None;
            }
            let cpu = usize::try_from(libc::sched_getcpu()).ok()?;
            if cpu >= libc::CPU_SETSIZE as usize {
                return None;
            }
            let mut one: libc::cpu_set_t = zeroed();
            libc::CPU_SET(cpu, &mut one);
            if set_every_thread(&one) {
                return Some(Held { before });
            }
            // Some were moved and some not: give them all back as they were.
            set_every_thread(&before);
            None
        }
    }

    pub fn release(held: &Held) {
        set_every_thread(&held.before);
    }

    /// Most passes over the process's threads: each pass catches the threads started during
    /// the one before (by a thread not yet moved), so a few are enough.
    const PASSES: usize = 100;

    /// Sets the CPUs of every thread running now; threads started later inherit them from
    /// the thread that starts them. `false` when a thread refused.
    fn set_every_thread(set: &libc::cpu_set_t) -> bool {
        let mut done = HashSet::new();
        for _ in 0..PASSES {
            let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
                return false;
            };
            let fresh: Vec<i32> = tasks
                .flatten()
                .filter_map(|t| t.file_name().to_str()?.parse().ok())
                .filter(|tid| !done.contains(tid))
                .collect();
            if fresh.is_empty() {
                return true;
            }
            for tid in fresh {
                // SAFETY: `set` is a valid, initialised set.
                let result = unsafe { libc::sched_setaffinity(tid, size_of::<libc::cpu_set_t>(), set) };
                // A thread that ended since the list was read is no failure.
                let ended = || std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
                if result != 0 && !ended() {
                    return false;
                }
                done.insert(tid);
            }
        }
        true
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::Held;

    pub fn hold() -> Option<Held> {
        None
    }

    pub fn release(_: &Held) {}
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::mem::{size_of, zeroed};

    fn cpus_of_this_thread() -> usize {
        // SAFETY: reads this thread's set into one it owns.
        unsafe {
            let mut set: libc::cpu_set_t = zeroed();
            assert_eq!(
                libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set),
                0
            );
            libc::CPU_COUNT(&set) as usize
        }
    }

    #[test]
    fn holds_every_thread_on_one_cpu_and_gives_them_back() {
        let before = cpus_of_this_thread();
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let (seen, read) = std::sync::mpsc::channel();
        // A thread already running when the hold starts is held too.
        let other = std::thread::spawn(move || {
            wait.recv().unwrap();
            seen.send(cpus_of_this_thread()).unwrap();
            wait.recv().unwrap();
            seen.send(cpus_of_this_thread()).unwrap();
        });
        let held = super::hold().expect("held");
        assert_eq!(cpus_of_this_thread(), 1);
        go.send(()).unwrap();
        assert_eq!(read.recv().unwrap(), 1);
        drop(held);
        assert_eq!(cpus_of_this_thread(), before);
        go.send(()).unwrap();
        assert_eq!(read.recv().unwrap(), before);
        other.join().unwrap();
    }
}
