//! Load from outside, as wrk would: the real `harbour serve` binary in a child process on a
//! demo landlord (2,000 cases by default), driven over HTTP by 32 keep-alive connections for
//! a fixed time per page, each page's throughput and p99 shown as a ratio to a static asset
//! served by the same process in the same run (the anchor). Then a storm of 50 concurrent
//! sign-ins while the home page is loaded, and the server's resident memory throughout and
//! once idle. Client and server share the machine, as they did in the outside test.
//!
//! Run: `cargo bench --bench load` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL.
//! HARBOUR_LOAD_SECONDS (default 10), HARBOUR_LOAD_CONNECTIONS (32) and
//! HARBOUR_LOAD_CASES (2000) change the run. Results: docs/PERFORMANCE.md.

mod support;

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

const STORM: usize = 50;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident and peak resident memory of `pid`, in MiB (Linux).
fn rss_mib(pid: u32) -> (f64, f64) {
    let m = memory_mib(pid);
    (m[0], m[1])
}

/// `pid`'s resident memory in MiB: all, the kernel's high-water mark, the process's own
/// (anonymous) and file pages mapped in (the executable and its libraries, and on SQLite
/// the database read through its memory map: the system's file cache, which the kernel
/// may drop at any time).
fn memory_mib(pid: u32) -> [f64; 4] {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    [
        field("VmRSS:"),
        field("VmHWM:"),
        field("RssAnon:"),
        field("RssFile:"),
    ]
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(url: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_harbour"))
        .args([
            "serve",
            "--database-url",
            url,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("HARBOUR_LOGIN_RATE_LIMIT", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start harbour serve");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// Requests per second and p50/p99 (ms) of `path`, from every client at once for `secs`.
async fn measure(clients: &[reqwest::Client], base: &str, path: &str, secs: u64) -> (f64, f64, f64) {
    let started = Instant::now();
    let until = started + Duration::from_secs(secs);
    let mut tasks = vec![];
    for c in clients {
        let (c, url) = (c.clone(), format!("{base}{path}"));
        tasks.push(tokio::spawn(async move {
            let mut times = vec![];
            while Instant::now() < until {
                let t = Instant::now();
                let res = c.get(&url).send().await.expect("request");
                assert_eq!(res.status(), 200, "{url}");
                res.bytes().await.expect("body");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = vec![];
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    let wall = started.elapsed().as_secs_f64();
    times.sort();
    (
        times.len() as f64 / wall,
        support::percentile_ms(&times, 0.50),
        support::percentile_ms(&times, 0.99),
    )
}

#[tokio::main]
async fn main() {
    let secs = setting("HARBOUR_LOAD_SECONDS", 10);
    let connections = setting("HARBOUR_LOAD_CONNECTIONS", 32) as usize;
    let cases = setting("HARBOUR_LOAD_CASES", 2000) as usize;
    let (url, cleanup) = support::database("harbour_load", false).await;
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    {
        let db = harbour::db::connect(&url).await.expect("connect");
        harbour::migrate(&db).await.expect("migrate");
        harbour::demo::fill(&db, 7, cases, time::OffsetDateTime::now_utc())
            .await
            .expect("demo landlord");
    }
    let server = serve(&url);
    let base = server.base.clone();
    let pid = server.child.id();
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Memory from the first request on, sampled every 50 ms.
    let peak = Arc::new(AtomicU64::new(0));
    let peak_own = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    {
        let (peak, peak_own, sampling) = (peak.clone(), peak_own.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                let [rss, _, own, _] = memory_mib(pid);
                peak.fetch_max(rss as u64, Ordering::Relaxed);
                peak_own.fetch_max(own as u64, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
    }
    let (idle_start, _) = rss_mib(pid);

    let mut clients = vec![];
    for _ in 0..connections {
        clients.push(support::sign_in_with(&base, "demo-manager", harbour::demo::PASSWORD).await);
    }
    let home = support::text(&clients[0], &format!("{base}/")).await;
    let asset = home
        .split("href=\"/assets/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/assets/{s}"))
        .expect("a stylesheet");
    let list = support::text(&clients[0], &format!("{base}/cases")).await;
    let case = list
        .split("href=\"/cases/HC-")
        .nth(1)
        .and_then(|s| s.split(['"', '#', '/']).next())
        .map(|r| format!("/cases/HC-{r}"))
        .expect("a case on the list");

    println!(
        "Harbour load from outside on {backend}: {cases} demo cases, {connections} connections, {secs} s a page, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| page | req/s | × anchor | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    let mut anchor = 0.0;
    let mut home_p99 = 0.0;
    for (label, path) in [
        ("static asset (anchor)", asset.as_str()),
        ("signed-in home", "/"),
        ("/cases", "/cases"),
        ("a case page", case.as_str()),
    ] {
        let (rps, p50, p99) = measure(&clients, &base, path, secs).await;
        if anchor == 0.0 {
            anchor = rps;
        }
        if path == "/" {
            home_p99 = p99;
        }
        println!(
            "| {label} | {rps:.0} | {:.3} | {p50:.1} | {p99:.1} |",
            rps / anchor
        );
    }

    // The storm: STORM sign-ins at once, while every connection loads the home page.
    let storm = {
        let base = base.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let mut all = vec![];
            for _ in 0..STORM {
                let base = base.clone();
                all.push(tokio::spawn(async move {
                    support::sign_in_with(&base, "demo-officer", harbour::demo::PASSWORD).await;
                }));
            }
            for s in all {
                s.await.unwrap();
            }
            started.elapsed()
        })
    };
    let during = measure(&clients, &base, "/", secs.min(5)).await;
    let storm_took = storm.await.unwrap();
    println!(
        "\nDuring {STORM} concurrent sign-ins (all done in {:.1} s): home {:.0} req/s, p99 {:.1} ms = {:.1}× its unloaded p99",
        storm_took.as_secs_f64(),
        during.0,
        during.2,
        during.2 / home_p99
    );
    sampling.store(false, Ordering::Relaxed);
    drop(clients);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (idle_after, hwm) = rss_mib(pid);
    println!(
        "Resident memory: {idle_start:.0} MiB at start, peak {:.0} MiB (kernel high-water mark {hwm:.0} MiB), {idle_after:.0} MiB idle 10 s after",
        peak.load(Ordering::Relaxed)
    );
    let [_, _, own, file] = memory_mib(pid);
    println!(
        "Of which the process's own (anonymous) memory: peak {} MiB, {own:.0} MiB idle; file pages mapped in (the program, and on SQLite the database): {file:.0} MiB idle",
        peak_own.load(Ordering::Relaxed)
    );
    drop(server);
    cleanup.await;
}
