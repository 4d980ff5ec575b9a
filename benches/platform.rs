//! Platform load benchmark: how fast Harbour serves signed-in pages (each one loads and
//! saves the session and loads the user), signs people in (argon2id dominates) and appends
//! to the audit trail. Traffic goes only to a server on 127.0.0.1 started here; every loop
//! is bounded. Run: `cargo bench --bench platform` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL
//! (a database named harbour_bench is created and dropped). Results: docs/PERFORMANCE.md.

mod support;

use harbour::{
    audit::{self, Actor, Event, Origin},
    auth::{password, users},
    clock::SystemClock,
    config::Settings,
    state::AppState,
};
use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

const PAGE_REQUESTS: usize = 4000;
const CONCURRENCY: usize = 8;
const SIGN_INS: usize = 20;
const AUDIT_APPENDS: usize = 2000;

#[tokio::main]
async fn main() {
    let (url, cleanup) = support::database("harbour_bench", false).await;
    let db = harbour::db::connect(&url).await.expect("connect");
    harbour::migrate(&db).await.expect("migrate");
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    let hash = password::hash(support::PASSWORD.into()).await.unwrap();
    let user = users::NewUser {
        username: "bench".into(),
        display_name: "Bench Manager".into(),
        email: None,
        role: entity::Role::Manager,
        password_hash: hash,
        area_ids: vec![],
        must_change_password: false,
    };
    users::create(&db, time::OffsetDateTime::now_utc(), user)
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        public_url: format!("http://{addr}"),
        login_rate_limit: 1_000_000,
        ..Settings::default()
    };
    let app = harbour::app(AppState::new(db.clone(), Arc::new(SystemClock), settings));
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    let base = format!("http://{addr}");

    println!(
        "Harbour platform benchmark on {backend}, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // Sign-ins, one after another.
    let mut sign_in_times = vec![];
    let mut clients = vec![];
    for i in 0..SIGN_INS.max(CONCURRENCY) {
        let started = Instant::now();
        let client = support::sign_in(&base, "bench").await;
        if i < SIGN_INS {
            sign_in_times.push(started.elapsed());
        }
        if clients.len() < CONCURRENCY {
            clients.push(client);
        }
    }
    report(
        "sign-in (GET form + POST, argon2id verify)",
        &mut sign_in_times,
        None,
    );

    // Signed-in page views from CONCURRENCY sessions at once.
    let started = Instant::now();
    let mut tasks = vec![];
    for client in clients {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(PAGE_REQUESTS / CONCURRENCY);
            for _ in 0..PAGE_REQUESTS / CONCURRENCY {
                let t = Instant::now();
                let res = client.get(format!("{base}/")).send().await.unwrap();
                assert_eq!(res.status(), 200);
                res.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut page_times = vec![];
    for t in tasks {
        page_times.extend(t.await.unwrap());
    }
    let wall = started.elapsed();
    report(
        &format!("signed-in home page, {CONCURRENCY} concurrent sessions"),
        &mut page_times,
        Some(wall),
    );

    // Audit appends, each in its own transaction (as every change does).
    let mut append_times = vec![];
    let started = Instant::now();
    for i in 0..AUDIT_APPENDS {
        let t = Instant::now();
        let txn = harbour::db::begin(&db).await.unwrap();
        let event = Event::new("bench.append", format!("event {i}"));
        audit::record(
            &txn,
            time::OffsetDateTime::now_utc(),
            &Actor::named("bench"),
            &Origin::default(),
            event,
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        append_times.push(t.elapsed());
    }
    report(
        "audit append (own transaction)",
        &mut append_times,
        Some(started.elapsed()),
    );

    let started = Instant::now();
    let checked = audit::verify(&db).await.unwrap().expect("intact");
    println!(
        "| audit verify | {checked} events | {:.0} ms total | | |",
        started.elapsed().as_secs_f64() * 1000.0
    );

    db.close().await.ok();
    cleanup.await;
}

fn report(what: &str, times: &mut [Duration], wall: Option<Duration>) {
    times.sort();
    let pct = |p: f64| support::percentile_ms(times, p);
    let rate = wall.map_or(String::new(), |w| {
        format!("{:.0}/s", times.len() as f64 / w.as_secs_f64())
    });
    println!(
        "| {what} | {} | p50 {:.2} ms | p95 {:.2} ms | p99 {:.2} ms | {rate} |",
        times.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99)
    );
}
