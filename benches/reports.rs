//! Equality reports benchmark: a landlord with a million cases (default) received evenly from
//! January 2020 to November 2026, each with a victim (ethnicity drawn from a fixed mix of
//! the 21 answers), for one in five a named alleged perpetrator, a first contact with the
//! victim (95 %), the initial-contact deadline, 90 % closed with an outcome, and for some a
//! risk assessment, support, a referral, action against the perpetrator and a post-closure
//! check. The rows are generated inside the database (one INSERT … SELECT per table over a
//! number series), deterministic, then ANALYZE on PostgreSQL (as an import does).
//!
//! Then, for financial year 2025 to 2026 (about 145,000 cases opened), each is timed after
//! a warm-up:
//! - the anchor: ONE hand-written SQL query computing the victim-ethnicity core (cases
//!   opened, closed and closed as resolved by ethnic category);
//! - the whole report built in Rust (`reports::equality::report::build`: every section);
//! - over HTTP as a signed-in manager: the dashboard, the CSV, the workbook, the board
//!   report (five reports: the period and the four quarters before it), and the compliance
//!   dashboard for the same year.
//!
//! Run: `cargo bench --bench reports` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (a database named
//! harbour_bench_reports). HARBOUR_BENCH_CASES (default 1,000,000), HARBOUR_BENCH_RUNS (timed
//! runs, default 5), HARBOUR_BENCH_KEEP=1 (keep and reuse the database),
//! HARBOUR_BENCH_ONLY=sections (stop after the anchor, the whole build and each section alone).
//! Traffic goes only to a server on 127.0.0.1 started here; every loop is bounded.
//! Results: docs/PERFORMANCE.md.

mod support;

use entity::Role;
use harbour::{
    clock::ManualClock,
    config::Settings,
    reports::{
        compliance::period::{Period, Preset},
        equality::{params::Criteria, report, settings::ReportSettings},
    },
    state::AppState,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};
use time::macros::datetime;

/// 1 January 2020 and 30 November 2026, 00:00 UTC, as Unix seconds.
const FIRST: i64 = 1_577_836_800;
const LAST: i64 = 1_795_996_800;
const AREAS: usize = 20;
const TENANCY_OFFICERS: usize = 100;

/// The victims' ethnicity mix, per thousand (roughly an English city).
const MIX: [(&str, u32); 21] = [
    ("asian-indian", 60),
    ("asian-pakistani", 70),
    ("asian-bangladeshi", 30),
    ("asian-chinese", 15),
    ("asian-other", 20),
    ("black-caribbean", 40),
    ("black-african", 70),
    ("black-other", 15),
    ("mixed-white-black-caribbean", 15),
    ("mixed-white-black-african", 10),
    ("mixed-white-asian", 10),
    ("mixed-other", 10),
    ("white-british", 400),
    ("white-irish", 15),
    ("white-gypsy-traveller", 10),
    ("white-roma", 10),
    ("white-other", 80),
    ("other-arab", 20),
    ("other-any", 20),
    ("prefer-not-to-say", 30),
    ("not-known", 50),
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let n = env_usize("HARBOUR_BENCH_CASES", 1_000_000);
    let runs = env_usize("HARBOUR_BENCH_RUNS", 5);
    let keep = support::keep();
    let (url, cleanup) = support::database("harbour_bench_reports", keep).await;
    let db = harbour::db::connect(&url).await.unwrap();
    harbour::migrate(&db).await.unwrap();
    let backend = db.get_database_backend();
    println!(
        "database: {}",
        if backend == DbBackend::Postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let existing = count(&db, "SELECT COUNT(*) FROM cases").await;
    if existing == 0 {
        let started = Instant::now();
        staff(&db).await;
        generate(&db, n as i64).await;
        println!("generated {n} cases in {:.1} s", started.elapsed().as_secs_f64());
    } else {
        println!("reusing {existing} cases");
    }
    // A database kept from an earlier run may still hold the statistics earlier versions
    // of this bench made on SQLite.
    if backend == DbBackend::Sqlite {
        for table in ["sqlite_stat1", "sqlite_stat4"] {
            db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await
                .unwrap();
        }
    }
    // As housekeeping does after a large import: the reports then read kept facts.
    let started = Instant::now();
    harbour::reports::equality::facts::refresh(&db).await.unwrap();
    println!(
        "recomputed the facts of every marked case in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (what, sql) in [
        ("cases", "SELECT COUNT(*) FROM cases"),
        ("people", "SELECT COUNT(*) FROM people"),
        ("case parties", "SELECT COUNT(*) FROM case_parties"),
        ("timeline entries", "SELECT COUNT(*) FROM timeline_entries"),
        ("deadlines", "SELECT COUNT(*) FROM deadlines"),
        ("closures", "SELECT COUNT(*) FROM case_closures"),
    ] {
        println!("  {what}: {}", count(&db, sql).await);
    }

    let fy = Preset::Year(2025);
    let (from, to) = fy.dates();
    let (from_at, before_at) = harbour::reports::sql::bounds(from, to);
    // The anchor: one hand-written query computing the core of the victim table.
    let anchor_sql = "SELECT p.ethnicity, \
        SUM(CASE WHEN c.received_at >= $1 AND c.received_at < $2 THEN 1 ELSE 0 END), \
        SUM(CASE WHEN c.status = 'closed' AND c.closed_at >= $1 AND c.closed_at < $2 THEN 1 ELSE 0 END), \
        SUM(CASE WHEN c.status = 'closed' AND c.closed_at >= $1 AND c.closed_at < $2 AND c.outcome = 'resolved' THEN 1 ELSE 0 END) \
        FROM cases c JOIN case_parties cp ON cp.case_id = c.id AND cp.role = 'victim' JOIN people p ON p.id = cp.person_id \
        WHERE (c.received_at >= $1 AND c.received_at < $2) OR (c.status = 'closed' AND c.closed_at >= $1 AND c.closed_at < $2) \
        GROUP BY p.ethnicity";
    let anchor_sql = if backend == DbBackend::Postgres {
        anchor_sql.to_owned()
    } else {
        anchor_sql.replace("$1", "?1").replace("$2", "?2")
    };
    let anchor = time_it(runs, || async {
        db.query_all_raw(Statement::from_sql_and_values(
            backend,
            &anchor_sql,
            [from_at.into(), before_at.into()],
        ))
        .await
        .unwrap();
    })
    .await;

    let manager = support::viewer(&db, "manager0").await;
    let settings = ReportSettings::load(&db).await.unwrap();
    let criteria = Criteria::new(Period::of(fy));
    let names = report::Names::default();
    let now = datetime!(2026-12-06 09:00 UTC);
    let inputs = || report::Inputs {
        viewer: &manager,
        criteria: &criteria,
        settings: &settings,
        names: &names,
        nm01: None,
        now,
        full: true,
    };
    let built = time_it(runs, || async {
        report::build(&db, inputs()).await.unwrap();
    })
    .await;
    let opened = report::build(&db, inputs())
        .await
        .unwrap()
        .table("victims")
        .and_then(|t| t.cell("all", "cases_opened").and_then(|c| c.as_count()))
        .unwrap_or(0);
    println!("financial year 2025 to 2026: {opened} cases opened");
    sections(&db, &manager, &criteria, &settings, now).await;
    if std::env::var("HARBOUR_BENCH_ONLY").as_deref() == Ok("sections") {
        println!(
            "anchor p50 {:.0} ms, report::build p50 {:.0} ms",
            anchor.0, built.0
        );
        cleanup.await;
        return;
    }

    // The pages over HTTP.
    let clock = Arc::new(ManualClock::new(now));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        db.clone(),
        clock,
        Settings {
            public_url: format!("http://{addr}"),
            request_timeout_seconds: 600,
            ..Settings::default()
        },
    );
    let app = harbour::app(state);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    let base = format!("http://{addr}");
    let client = support::sign_in(&base, "manager0").await;
    let mut rows = vec![
        ("one hand-written SQL query (anchor)".to_owned(), anchor),
        ("report::build, every section".to_owned(), built),
    ];
    for (label, path) in [
        ("GET /reports (dashboard)", "/reports?period=fy-2025"),
        (
            "GET /reports/equality.csv",
            "/reports/equality.csv?period=fy-2025",
        ),
        (
            "GET /reports/equality.xlsx",
            "/reports/equality.xlsx?period=fy-2025",
        ),
        (
            "GET /reports (publication mode)",
            "/reports?period=fy-2025&mode=publication",
        ),
        (
            "GET /reports/board (five reports)",
            "/reports/board?period=q4-2025",
        ),
        ("GET /compliance (same year)", "/compliance?period=fy-2025"),
    ] {
        let url = format!("{base}{path}");
        let t = time_it(runs, || async {
            let res = client.get(&url).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.bytes().await.unwrap();
        })
        .await;
        rows.push((label.to_owned(), t));
    }
    let anchor_ms = rows[0].1.0;
    println!("\n| measurement | p50 | max | × anchor (p50) |\n|---|---|---|---|");
    for (label, (p50, max)) in &rows {
        println!("| {label} | {p50:.0} ms | {max:.0} ms | {:.1} |", p50 / anchor_ms);
    }
    cleanup.await;
}

/// Each section's statements alone (one run each, facts up to date); then with 1,000 cases
/// marked (what a day's changes might mark), the victim tables and recomputing them.
async fn sections(
    db: &DatabaseConnection,
    viewer: &harbour::cases::visibility::Viewer,
    criteria: &Criteria,
    settings: &ReportSettings,
    now: time::OffsetDateTime,
) {
    use harbour::reports::equality::{facts, query};
    let once =
        |label: &'static str, t: Instant| println!("  {label}: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    println!("each section alone:");
    let cx = query::Context {
        criteria,
        viewer,
        now,
        close_target_days: settings.close_target_days,
    };
    let t = Instant::now();
    query::victims(db, &cx).await.unwrap();
    once("victims by ethnicity", t);
    let t = Instant::now();
    query::volumes(db, criteria, viewer, |s| async move { s.all(db).await })
        .await
        .unwrap();
    once("volume (every breakdown, four statements at once)", t);
    let t = Instant::now();
    query::perpetrators(db, criteria, viewer).await.unwrap();
    once("alleged perpetrators", t);
    let t = Instant::now();
    query::repeat_perpetrators(db, criteria, viewer).await.unwrap();
    once("repeat alleged perpetrators", t);
    let t = Instant::now();
    query::recording(db, criteria, viewer, false).await.unwrap();
    once("recording completeness", t);
    let t = Instant::now();
    query::recording(db, criteria, viewer, true).await.unwrap();
    once(
        "recording completeness with the other characteristics (one statement)",
        t,
    );
    db.execute_unprepared(
        "INSERT INTO report_facts_stale (case_id, seq) SELECT id, 0 FROM cases WHERE id % 1000 = 0",
    )
    .await
    .unwrap();
    let t = Instant::now();
    query::victims(db, &cx).await.unwrap();
    once(
        "victims by ethnicity with 1,000 cases marked (computed as read)",
        t,
    );
    let t = Instant::now();
    facts::refresh(db).await.unwrap();
    once("recomputing the facts of 1,000 cases", t);
}

/// (p50, max) in milliseconds over `runs` timed runs after one warm-up.
async fn time_it<F, Fut>(runs: usize, f: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut times: Vec<Duration> = vec![];
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    (
        support::percentile_ms(&times, 0.5),
        times.last().unwrap().as_secs_f64() * 1000.0,
    )
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Areas 1–20, tenancy officers (ids from 2), a manager.
async fn staff(db: &DatabaseConnection) {
    let now = datetime!(2020-01-01 00:00 UTC);
    let hash = harbour::auth::password::hash(support::PASSWORD.into())
        .await
        .unwrap();
    let areas = support::areas(db, AREAS, now).await;
    support::user(db, now, &hash, "manager0".into(), Role::Manager, vec![]).await;
    for i in 0..TENANCY_OFFICERS {
        support::user(
            db,
            now,
            &hash,
            format!("tenancy{i}"),
            Role::TenancyOfficer,
            vec![areas[i % AREAS]],
        )
        .await;
    }
}

/// The dialect's pieces: a number series 1..=n as `n(i)`, a timestamp from Unix seconds,
/// and a zero-padded reference.
struct Dialect {
    backend: DbBackend,
}

impl Dialect {
    fn series(&self, n: i64) -> String {
        match self.backend {
            DbBackend::Postgres => format!("(SELECT generate_series(1, {n}) AS i) n"),
            _ => format!(
                "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) n"
            ),
        }
    }

    fn ts(&self, seconds: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("to_timestamp({seconds})"),
            _ => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {seconds}, 'unixepoch')"),
        }
    }

    fn reference(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "'HC-' || lpad(CAST(n.i AS TEXT), 9, '0')",
            _ => "printf('HC-%09d', n.i)",
        }
    }
}

/// A CASE choosing an ethnicity from [`MIX`] by `key` (0–999).
fn ethnicity(key: &str) -> String {
    let mut sql = String::from("CASE");
    let mut upto = 0;
    for (code, share) in MIX {
        upto += share;
        sql.push_str(&format!(" WHEN {key} < {upto} THEN '{code}'"));
    }
    sql.push_str(" ELSE 'not-known' END");
    sql
}

async fn generate(db: &DatabaseConnection, n: i64) {
    let d = Dialect {
        backend: db.get_database_backend(),
    };
    let step = (LAST - FIRST) / n;
    let received = format!("({FIRST} + (n.i - 1) * {step})");
    let closed_secs = format!("({received} + ((n.i % 120) + 1) * 86400)");
    // 90 % closed (not the newest 2 %), outcome mostly resolved.
    let closed = format!("(n.i % 10 <> 0 AND n.i < {})", n * 98 / 100);
    let outcome = "CASE n.i % 6 WHEN 0 THEN 'resolved' WHEN 1 THEN 'resolved' WHEN 2 THEN 'resolved' \
                   WHEN 3 THEN 'partly-resolved' WHEN 4 THEN 'unresolved-nfa' ELSE 'withdrawn' END";
    let series = d.series(n);
    let statements = vec![
        format!(
            "INSERT INTO cases (id, reference, status, priority, suggested_priority, hate_perceived, perceived_by, area_id, \
             logged_by, received_at, opened_at, updated_at, closed_at, outcome, restricted, version, procedure_version_id) \
             SELECT n.i, {reference}, CASE WHEN {closed} THEN 'closed' ELSE 'open' END, \
             CASE WHEN n.i % 4 = 0 THEN 'p2' ELSE 'p1' END, CASE WHEN n.i % 4 = 0 THEN 'p2' ELSE 'p1' END, \
             (n.i % 10 <> 9), 'victim', 1 + n.i % {AREAS}, 2 + n.i % {TENANCY_OFFICERS}, {r}, {r}, {r}, \
             CASE WHEN {closed} THEN {c} END, CASE WHEN {closed} THEN {outcome} END, (n.i % 333 = 0), 1, 1 FROM {series}",
            reference = d.reference(),
            r = d.ts(&received),
            c = d.ts(&closed_secs),
        ),
        format!(
            "INSERT INTO incidents (id, case_id, received_at, received_how, reporter_type, occurred_kind, location_kind, \
             description, police_involved, logged_by, created_at) \
             SELECT n.i, n.i, {r}, 'phone', 'victim', 'unknown', 'home', 'Benchmark report', (n.i % 7 = 0), \
             2 + n.i % {TENANCY_OFFICERS}, {r} FROM {series}",
            r = d.ts(&received)
        ),
        format!(
            "INSERT INTO incident_types (incident_id, type_code) SELECT n.i, 'verbal-abuse' FROM {series}"
        ),
        format!(
            "INSERT INTO case_strands (case_id, strand_id) SELECT n.i, (SELECT id FROM strands WHERE code = 'race') FROM {series}"
        ),
        // Victims: person i; alleged perpetrators: person n + i for one case in five.
        format!(
            "INSERT INTO people (id, kind, name, ethnicity, ethnicity_list, interpreter, sex, created_by, created_at, updated_at, version) \
             SELECT n.i, 'person', 'Victim', {eth}, 'ew-2021', (n.i % 50 = 0), CASE WHEN n.i % 3 = 0 THEN 'female' END, \
             2, {r}, {r}, 1 FROM {series}",
            eth = ethnicity("(((n.i % 1000) * 7919) % 1000)"),
            r = d.ts(&received)
        ),
        format!(
            "INSERT INTO people (id, kind, name, ethnicity, ethnicity_list, interpreter, created_by, created_at, updated_at, version) \
             SELECT {n} + n.i, 'person', 'Alleged', {eth}, 'ew-2021', (1 = 0), 2, {r}, {r}, 1 FROM {series} WHERE n.i % 5 = 0",
            eth = ethnicity("(((n.i % 1000) * 104729) % 1000)"),
            r = d.ts(&received)
        ),
        format!(
            "INSERT INTO case_parties (id, case_id, person_id, role, incident_id, added_at, added_by) \
             SELECT n.i, n.i, n.i, 'victim', n.i, {r}, 2 FROM {series}",
            r = d.ts(&received)
        ),
        format!(
            "INSERT INTO case_parties (id, case_id, person_id, role, incident_id, added_at, added_by) \
             SELECT {n} + n.i, n.i, {n} + n.i, 'alleged-perpetrator', n.i, {r}, 2 FROM {series} WHERE n.i % 5 = 0",
            r = d.ts(&received)
        ),
        // First contact with the victim for 95 %, 1–72 hours after the report.
        format!(
            "INSERT INTO timeline_entries (id, case_id, kind, occurred_at, body, person_id, author_name, created_at) \
             SELECT n.i, n.i, CASE WHEN n.i % 3 = 0 THEN 'visit' ELSE 'phone-call' END, {t}, 'Contact', n.i, 'Bench', {t} \
             FROM {series} WHERE n.i % 20 <> 0",
            t = d.ts(&format!("({received} + (1 + n.i % 72) * 3600)"))
        ),
        format!(
            "INSERT INTO deadlines (id, case_id, stage, occurrence, procedure_version_id, priority, unit, amount, anchored_at, \
             original_due_at, due_at, status, done_at, created_at, version) \
             SELECT n.i, n.i, 'initial-contact', 1, 1, 'p1', 'hours', 24, {r}, {due}, {due}, \
             CASE WHEN n.i % 20 <> 0 THEN 'done' ELSE 'open' END, CASE WHEN n.i % 20 <> 0 THEN {t} END, {r}, 1 FROM {series}",
            r = d.ts(&received),
            due = d.ts(&format!("({received} + 86400)")),
            t = d.ts(&format!("({received} + (1 + n.i % 72) * 3600)"))
        ),
        format!(
            "INSERT INTO case_closures (id, case_id, closed_at, closed_by, outcome, reason, victim_told_on) \
             SELECT n.i, n.i, {c}, 1, {outcome}, 'Benchmark', {day} FROM {series} WHERE {closed}",
            c = d.ts(&closed_secs),
            day = match d.backend {
                DbBackend::Postgres => format!("CAST({} AS DATE)", d.ts(&closed_secs)),
                _ => format!("date({closed_secs}, 'unixepoch')"),
            }
        ),
        format!(
            "INSERT INTO risk_assessments (id, case_id, set_id, occasion, assessed_at, score, computed_level, level, created_by, created_at) \
             SELECT n.i, n.i, 1, 'triage', {t}, n.i % 15, {lvl}, {lvl}, 1, {t} FROM {series} WHERE n.i % 2 = 0",
            t = d.ts(&format!("({received} + 86400)")),
            lvl = "CASE n.i % 3 WHEN 0 THEN 'standard' WHEN 1 THEN 'medium' ELSE 'high' END"
        ),
        format!(
            "INSERT INTO support_measures (id, case_id, catalogue_id, status, requested_on, provided_on, created_by, created_at, version) \
             SELECT n.i, n.i, 1, 'provided', {day}, {day}, 1, {t}, 1 FROM {series} WHERE n.i % 3 = 0",
            t = d.ts(&received),
            day = match d.backend {
                DbBackend::Postgres => format!("CAST({} AS DATE)", d.ts(&received)),
                _ => format!("date({received}, 'unixepoch')"),
            }
        ),
        format!(
            "INSERT INTO referrals (id, case_id, agency_id, status, referred_on, sent_on, created_by, created_at, version) \
             SELECT n.i, n.i, 1, 'sent', {day}, {day}, 1, {t}, 1 FROM {series} WHERE n.i % 10 = 0",
            t = d.ts(&received),
            day = match d.backend {
                DbBackend::Postgres => format!("CAST({} AS DATE)", d.ts(&received)),
                _ => format!("date({received}, 'unixepoch')"),
            }
        ),
        format!(
            "INSERT INTO perpetrator_actions (id, case_id, party_id, kind, status, status_on, planned_on, created_by, created_at, version) \
             SELECT n.i, n.i, {n} + n.i, {kind}, {status}, {day}, {day}, 1, {t}, 1 FROM {series} WHERE n.i % 15 = 0",
            kind = "CASE n.i % 4 WHEN 0 THEN 'warning-letter' WHEN 1 THEN 'abc' WHEN 2 THEN 'injunction' ELSE 'nsp' END",
            status = "CASE n.i % 5 WHEN 0 THEN 'planned' WHEN 1 THEN 'issued' WHEN 2 THEN 'granted' WHEN 3 THEN 'breached' ELSE 'withdrawn' END",
            t = d.ts(&received),
            day = match d.backend {
                DbBackend::Postgres => format!("CAST({} AS DATE)", d.ts(&received)),
                _ => format!("date({received}, 'unixepoch')"),
            }
        ),
        format!(
            "INSERT INTO satisfaction_checks (id, case_id, closure_id, checked_on, handling, outcome, created_by, created_at) \
             SELECT n.i, n.i, n.i, {day}, {answer}, {answer}, 1, {c} FROM {series} WHERE {closed} AND n.i % 5 = 1",
            answer = "CASE n.i % 7 WHEN 0 THEN 'very-satisfied' WHEN 1 THEN 'satisfied' WHEN 2 THEN 'satisfied' \
                      WHEN 3 THEN 'neither' WHEN 4 THEN 'dissatisfied' WHEN 5 THEN 'very-dissatisfied' ELSE 'declined' END",
            c = d.ts(&closed_secs),
            day = match d.backend {
                DbBackend::Postgres => format!("CAST({} AS DATE)", d.ts(&closed_secs)),
                _ => format!("date({closed_secs}, 'unixepoch')"),
            }
        ),
    ];
    for sql in statements {
        let t = Instant::now();
        support::exec(db, &sql).await;
        println!(
            "  {:.1} s: {}",
            t.elapsed().as_secs_f64(),
            &sql[..sql.find('(').unwrap_or(40).min(60)]
        );
    }
    // No statistics on SQLite, as in a landlord's database: Harbour never analyses SQLite
    // (docs/PERFORMANCE.md), and its bundled SQLite, built with STAT4, planned worse with
    // them (the anchor took twice as long, choosing a skip-scan index).
    if d.backend == DbBackend::Postgres {
        for table in [
            "cases",
            "people",
            "case_parties",
            "timeline_entries",
            "deadlines",
            "case_closures",
        ] {
            support::exec(
                db,
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ),
            )
            .await;
        }
        support::exec(db, "VACUUM (ANALYZE)").await;
    }
}
