//! Deadlines benchmark: a landlord's deadlines at scale (by default 100,000 cases received
//! from April 2024 to November 2026 with about eight deadlines each), then the deadline
//! pages timed two ways – the query function alone (`deadlines::lists::query::fetch`,
//! `reports::compliance::query::items`) and the whole page over HTTP as a signed-in user
//! (session, query, statistics, rendering) – with the clock at Monday 23 November 2026,
//! 09:00 UTC. The reminder job's run for that day is timed once before the pages.
//!
//! Run: `cargo bench --bench deadlines` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL
//! (a database named harbour_bench_deadlines is created and dropped). HARBOUR_BENCH_CASES
//! sets the number of cases (default 100,000), HARBOUR_BENCH_RUNS the timed runs per page
//! (default 20), HARBOUR_BENCH_KEEP=1 keeps the database and reuses it next time.
//! Traffic goes only to a server on 127.0.0.1 started here; every loop is bounded.
//! Results: docs/PERFORMANCE.md.

mod support;

use entity::{Role, case_access, case_sequences, cases, deadlines};
use harbour::{
    auth::password,
    calendar::Calendar,
    cases::{codes, reference, visibility::Viewer},
    clock::ManualClock,
    config::Settings,
    deadlines::{
        calendar_settings,
        lists::{
            query::{self as lists, Scope},
            window::Window,
        },
        reminders,
        state::{DONE, NOT_APPLICABLE, OPEN, WAIVED},
    },
    procedure::{Priority, Stage, store},
    reports::compliance::{params as compliance_params, query as compliance, stats::Bucket},
    state::AppState,
    web::forms::FormErrors,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, Statement,
};
use std::{collections::HashMap, net::SocketAddr, sync::Arc, time::Instant};
use time::{OffsetDateTime, macros::datetime};

const AREAS: usize = 10;
/// Two areas each, so five per area.
const HARASSMENT_OFFICERS: usize = 25;
const TENANCY_OFFICERS: usize = 12;
/// `manager0` has no areas (the whole landlord); the others one area each.
const MANAGERS: usize = 3;
/// Cases per transaction, and rows per INSERT (deadlines have 22 columns: 22,000 bound
/// values, inside SQLite's 32,766).
const BATCH: usize = 1000;
/// Timed runs per page, after one untimed warm-up (HARBOUR_BENCH_RUNS to change).
const RUNS: usize = 20;
/// The benchmark's "now": a Monday morning (GMT).
const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);
const FIRST_RECEIVED: OffsetDateTime = datetime!(2024-04-01 00:00 UTC);

struct Staff {
    areas: Vec<i32>,
    officers_by_area: HashMap<i32, Vec<i32>>,
    tenancy_by_area: HashMap<i32, Vec<i32>>,
    managers: Vec<i32>,
}

/// One page to time: who asks, the path, and what the query function alone does.
struct Scenario {
    what: &'static str,
    viewer: Viewer,
    path: String,
    query: Query,
}

enum Query {
    List(Scope),
    Compliance(&'static str),
    Drill(&'static str, Bucket),
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("HARBOUR_BENCH_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("HARBOUR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RUNS)
        .max(1);
    let (url, cleanup) = support::database("harbour_bench_deadlines", support::keep()).await;
    let db = harbour::db::connect(&url).await.expect("connect");
    harbour::migrate(&db).await.expect("migrate");
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Harbour deadlines benchmark on {backend}, {n} cases, {} cores, now {NOW}",
        std::thread::available_parallelism().map_or(0, |c| c.get())
    );

    let reuse = support::keep() && cases::Entity::find().one(&db).await.unwrap().is_some();
    if reuse {
        println!("reusing the database generated earlier (HARBOUR_BENCH_KEEP)");
    } else {
        let started = Instant::now();
        let staff = staff(&db).await;
        let (case_count, deadline_count) = generate(&db, n, &staff).await;
        if db.get_database_backend() == DbBackend::Postgres {
            for table in ["cases", "deadlines"] {
                support::exec(
                    &db,
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    ),
                )
                .await;
            }
        }
        let generated = started.elapsed();
        let analyze = Instant::now();
        let maintenance = match db.get_database_backend() {
            DbBackend::Postgres => "VACUUM (ANALYZE)",
            _ => "ANALYZE",
        };
        support::exec(&db, maintenance).await;
        println!(
            "generated {case_count} cases and {deadline_count} deadlines in {:.0} s; {maintenance} {:.1} s",
            generated.as_secs_f64(),
            analyze.elapsed().as_secs_f64()
        );
    }
    print_mix(&db).await;

    let busy = support::viewer(&db, &busiest_officer(&db).await).await;
    let manager = support::viewer(&db, "manager0").await;
    println!(
        "busy harassment officer: {} (id {}, areas {:?}); manager: {} (no areas)",
        busy.username, busy.id, busy.area_ids, manager.username
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        public_url: format!("http://{addr}"),
        login_rate_limit: 1_000_000,
        ..Settings::default()
    };
    let state = AppState::new(db.clone(), Arc::new(ManualClock::new(NOW)), settings);

    // The day's reminder run (no SMTP configured: notices only), as at 07:00 before the
    // officers look at their lists.
    let t = Instant::now();
    let outcome = reminders::run_due(&state, "bench").await.unwrap();
    println!(
        "reminder run (reminders::run_due): {outcome:?} in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let app = harbour::app(state);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    let base = format!("http://{addr}");
    let mut clients = HashMap::new();
    for v in [&busy, &manager] {
        clients.insert(v.id, support::sign_in(&base, &v.username).await);
    }

    let scenarios = vec![
        Scenario {
            what: "/deadlines, busy harassment officer (own)",
            viewer: busy.clone(),
            path: "/deadlines".into(),
            query: Query::List(Scope::Officer(busy.id)),
        },
        Scenario {
            what: "/deadlines?view=team, manager with no areas",
            viewer: manager.clone(),
            path: "/deadlines?view=team".into(),
            query: Query::List(Scope::Team),
        },
        Scenario {
            what: "/deadlines?officer=<busy officer>, manager",
            viewer: manager.clone(),
            path: format!("/deadlines?officer={}", busy.id),
            query: Query::List(Scope::Officer(busy.id)),
        },
        Scenario {
            what: "/compliance (financial year to date), manager",
            viewer: manager.clone(),
            path: "/compliance".into(),
            query: Query::Compliance(""),
        },
        Scenario {
            what: "/compliance?period=fy-2025, manager",
            viewer: manager.clone(),
            path: "/compliance?period=fy-2025".into(),
            query: Query::Compliance("period=fy-2025"),
        },
        Scenario {
            what: "/compliance/cases, fy-2025 initial contact late",
            viewer: manager.clone(),
            path: "/compliance/cases?period=fy-2025&stage=initial-contact&bucket=late".into(),
            query: Query::Drill("period=fy-2025&stage=initial-contact", Bucket::Late),
        },
        Scenario {
            what: "/compliance/cases, fy-2025 late (every stage)",
            viewer: manager.clone(),
            path: "/compliance/cases?period=fy-2025&bucket=late".into(),
            query: Query::Drill("period=fy-2025", Bucket::Late),
        },
    ];

    let calendar = calendar_settings::load(&db).await.unwrap();
    println!();
    println!("| page (viewer) | rows | query p50 | query p95 | page p50 | page p95 | page size |");
    println!("|---|---|---|---|---|---|---|");
    for s in &scenarios {
        let mut query_times = vec![];
        let mut rows = String::new();
        for run in 0..=runs {
            let t = Instant::now();
            rows = run_query(&db, &calendar, s).await;
            if run > 0 {
                query_times.push(t.elapsed());
            }
        }
        let client = &clients[&s.viewer.id];
        let mut page_times = vec![];
        let mut size = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let res = client.get(format!("{base}{}", s.path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{}", s.path);
            size = res.bytes().await.unwrap().len();
            if run > 0 {
                page_times.push(t.elapsed());
            }
        }
        let (q50, q95) = support::percentiles(&mut query_times);
        let (p50, p95) = support::percentiles(&mut page_times);
        println!(
            "| {} | {rows} | {q50:.1} ms | {q95:.1} ms | {p50:.1} ms | {p95:.1} ms | {} KiB |",
            s.what,
            size / 1024
        );
    }

    db.close().await.ok();
    cleanup.await;
}

/// Runs a scenario's query function once; what it found, for the table.
async fn run_query(db: &DatabaseConnection, calendar: &Calendar, s: &Scenario) -> String {
    match &s.query {
        Query::List(scope) => {
            let cutoff = Window::at(calendar, NOW).cutoff();
            let found = lists::fetch(db, &s.viewer, *scope, cutoff).await.unwrap();
            format!(
                "{}{}",
                found.rows.len(),
                if found.truncated { " (cut short)" } else { "" }
            )
        }
        Query::Compliance(q) => {
            let items = compliance::items(db, &s.viewer, &criteria(q)).await.unwrap();
            format!("{} deadlines", items.len())
        }
        Query::Drill(q, bucket) => {
            let items = compliance::items(db, &s.viewer, &criteria(q)).await.unwrap();
            let matching = items.iter().filter(|i| i.bucket(NOW) == *bucket).count();
            format!("{matching} of {}", items.len())
        }
    }
}

fn criteria(q: &str) -> compliance_params::Criteria {
    let mut errors = FormErrors::default();
    let c = compliance_params::parse(&compliance_params::Params::from_query(q), NOW.date(), &mut errors);
    assert!(errors.is_empty(), "{q}");
    c
}

/// Areas and staff (one password hash for all): 25 harassment officers, 12 tenancy
/// officers and 3 managers.
async fn staff(db: &DatabaseConnection) -> Staff {
    let hash = password::hash(support::PASSWORD.into()).await.unwrap();
    let now = FIRST_RECEIVED;
    let areas = support::areas(db, AREAS, now).await;
    let create = async |username: String, role: Role, area_ids: Vec<i32>| {
        support::user(db, now, &hash, username, role, area_ids).await
    };
    let mut officers_by_area: HashMap<i32, Vec<i32>> = HashMap::new();
    for i in 0..HARASSMENT_OFFICERS {
        let mine = vec![areas[i % AREAS], areas[(i + 1) % AREAS]];
        let id = create(format!("officer{i}"), Role::HarassmentOfficer, mine.clone()).await;
        for a in mine {
            officers_by_area.entry(a).or_default().push(id);
        }
    }
    let mut tenancy_by_area: HashMap<i32, Vec<i32>> = HashMap::new();
    for i in 0..TENANCY_OFFICERS {
        let area = areas[i % AREAS];
        let id = create(format!("tenancy{i}"), Role::TenancyOfficer, vec![area]).await;
        tenancy_by_area.entry(area).or_default().push(id);
    }
    let mut managers = vec![];
    for (i, &area) in areas.iter().take(MANAGERS).enumerate() {
        let mine = if i == 0 { vec![] } else { vec![area] };
        managers.push(create(format!("manager{i}"), Role::Manager, mine).await);
    }
    Staff {
        areas,
        officers_by_area,
        tenancy_by_area,
        managers,
    }
}

/// How one deadline ended up.
enum Outcome {
    Open,
    Done(OffsetDateTime),
    Waived(OffsetDateTime),
    NotApplicable(OffsetDateTime),
}

/// Generates `n` cases received evenly from April 2024 to this morning, oldest first, and
/// their deadlines under procedure version 1 in the landlord's calendar: the report stages
/// (initial contact, risk assessment, interview, action plan; graffiti, witnesses and the
/// alleged perpetrator for some), a victim update, a manager review on open and longer
/// cases, and the closure letter and post-closure check on closed ones. About 15 % of cases
/// are open; 0.5 % restricted (their owner named). Done deadlines are mostly met, 12 %
/// late; 4 % waived, 4 % not applicable; 5 % extended; 15 % of past-due deadlines on open
/// cases still open (overdue). Deterministic (fixed seed). Returns (cases, deadlines).
async fn generate(db: &DatabaseConnection, n: usize, staff: &Staff) -> (usize, usize) {
    let mut rng = StdRng::seed_from_u64(20261123);
    let calendar = calendar_settings::load(db).await.unwrap();
    let procedure = store::load(db, 1).await.unwrap();
    let end = NOW - time::Duration::hours(2);
    let span = (end - FIRST_RECEIVED).whole_seconds();
    let mut numbers: HashMap<i32, i32> = HashMap::new();
    let progress = Instant::now();
    let mut next_deadline = 1;
    let mut case_id = 1;
    while case_id <= n {
        let batch_end = (case_id + BATCH - 1).min(n);
        let mut case_rows = vec![];
        let mut access_rows = vec![];
        let mut deadline_rows = vec![];
        for id in case_id..=batch_end {
            let id32 = id as i32;
            let received = FIRST_RECEIVED
                + time::Duration::seconds(span * (id as i64 - 1) / n as i64 + rng.random_range(0..600));
            let year = received.year();
            let number = numbers.entry(year).or_insert(0);
            *number += 1;
            let area = staff.areas[rng.random_range(0..AREAS)];
            let age_days = (NOW - received).whole_days();
            let open = rng.random_bool(if age_days > 120 { 0.085 } else { 0.6 });
            let officers = &staff.officers_by_area[&area];
            let owner =
                (!open || rng.random_bool(0.9)).then(|| officers[rng.random_range(0..officers.len())]);
            let loggers = &staff.tenancy_by_area[&area];
            let logged_by = loggers[rng.random_range(0..loggers.len())];
            let responsible = owner.unwrap_or(logged_by);
            let priority = if rng.random_bool(0.75) {
                Priority::P1
            } else {
                Priority::P2
            };
            let closed_at = (!open).then(|| {
                (received + time::Duration::days(rng.random_range(5..90)))
                    .min(NOW - time::Duration::minutes(1))
                    .max(received + time::Duration::minutes(1))
            });
            let restricted = rng.random_bool(0.005);
            case_rows.push(cases::ActiveModel {
                id: Set(id32),
                reference: Set(reference::format(year, *number)),
                status: Set(if open { codes::OPEN } else { codes::CLOSED }.into()),
                priority: Set(priority.code().into()),
                suggested_priority: Set(priority.code().into()),
                priority_reason: Set(None),
                hate_perceived: Set(true),
                perceived_by: Set(Some("victim".into())),
                area_id: Set(area),
                owner_id: Set(owner),
                logged_by: Set(logged_by),
                received_at: Set(received),
                opened_at: Set(received),
                updated_at: Set(closed_at.unwrap_or(received)),
                closed_at: Set(closed_at),
                outcome: Set(closed_at.map(|_| "resolved".into())),
                restricted: Set(restricted),
                restricted_reason: Set(restricted.then(|| "Staff member involved".into())),
                version: Set(1),
                procedure_version_id: Set(procedure.version_id),
                contact_every_unit: Set(None),
                contact_every_amount: Set(None),
                risk_level: Set(None),
                risk_assessed_at: Set(None),
                external_ref: Set(None),
                import_id: Set(None),
            });
            if let (true, Some(owner)) = (restricted, owner) {
                access_rows.push(case_access::ActiveModel {
                    case_id: Set(id32),
                    user_id: Set(owner),
                    added_at: Set(received),
                    added_by: Set(None),
                });
            }

            // (stage, occurrence, anchor) for every deadline the case has.
            let mut planned = vec![
                (Stage::InitialContact, 1, received),
                (Stage::RiskAssessment, 1, received),
                (Stage::VictimInterview, 1, received),
                (Stage::ActionPlan, 1, received),
            ];
            for (stage, p) in [
                (Stage::GraffitiRemoval, 0.10),
                (Stage::WitnessesContacted, 0.20),
                (Stage::PerpetratorInterviewed, 0.25),
            ] {
                if rng.random_bool(p) {
                    planned.push((stage, 1, received));
                }
            }
            match closed_at {
                None => {
                    // The open occurrence of each recurring stage, counted from the last one
                    // (a few Priority 1 ones overdue: weekly updates, 28-day reviews).
                    for (stage, every_days) in [(Stage::VictimUpdate, 8), (Stage::ManagerReview, 32)] {
                        let last =
                            (NOW - time::Duration::days(rng.random_range(0..every_days))).max(received);
                        let occurrence = 1 + ((last - received).whole_days() / every_days) as i32;
                        planned.push((stage, occurrence, last));
                    }
                }
                Some(closed) => {
                    planned.push((Stage::VictimUpdate, 1, received));
                    let review = procedure.timescale(Stage::ManagerReview, priority).amount as i64;
                    if (closed - received).whole_days() > review {
                        planned.push((Stage::ManagerReview, 1, received));
                    }
                    planned.push((Stage::ClosureLetter, 1, closed));
                    planned.push((Stage::PostClosureCheck, 1, closed));
                }
            }

            for (stage, occurrence, anchor) in planned {
                let timescale = procedure.timescale(stage, priority);
                let original_due = timescale.due(&calendar, anchor);
                let extended = rng.random_bool(0.05);
                let due = if extended {
                    calendar.due_in_working_days(original_due, 5)
                } else {
                    original_due
                };
                let closure_stage = matches!(stage, Stage::ClosureLetter | Stage::PostClosureCheck);
                // Open: the current occurrence of a recurring stage on an open case, anything
                // not yet due on an open case (or after closure), some past due (overdue).
                let still_open = (closed_at.is_none() && stage.recurring())
                    || (due > NOW && (closed_at.is_none() || closure_stage))
                    || (closed_at.is_none() && rng.random_bool(0.15));
                let outcome = if still_open {
                    Outcome::Open
                } else {
                    // Resolved: at or before its case's closure for report stages.
                    let by = closed_at
                        .filter(|_| !closure_stage)
                        .unwrap_or(NOW)
                        .min(NOW - time::Duration::minutes(1));
                    let r: f64 = rng.random();
                    if r < 0.04 {
                        Outcome::Waived(original_due.min(by))
                    } else if r < 0.08 {
                        Outcome::NotApplicable(closed_at.unwrap_or(by).min(by))
                    } else if r < 0.08 + 0.92 * 0.12 {
                        let late = original_due + time::Duration::hours(rng.random_range(2..24 * 12));
                        Outcome::Done(late.min(NOW - time::Duration::minutes(1)))
                    } else {
                        let room = (original_due.min(by) - anchor).whole_seconds().max(60);
                        Outcome::Done(anchor + time::Duration::seconds(rng.random_range(room / 20..=room)))
                    }
                };
                let manager = staff.managers[rng.random_range(0..staff.managers.len())];
                let (status, done_at, late, resolved_by, resolved_at, note) = match outcome {
                    Outcome::Open => (OPEN, None, None, None, None, None),
                    Outcome::Done(at) => (
                        DONE,
                        Some(at),
                        Some(calendar.working_days_late(original_due, at) as i32),
                        Some(responsible),
                        Some(at),
                        None,
                    ),
                    Outcome::Waived(at) => (
                        WAIVED,
                        None,
                        None,
                        Some(manager),
                        Some(at),
                        Some("Victim declined"),
                    ),
                    Outcome::NotApplicable(at) => (
                        NOT_APPLICABLE,
                        None,
                        None,
                        Some(responsible),
                        Some(at),
                        Some("No longer applicable when the case was closed"),
                    ),
                };
                deadline_rows.push(deadlines::ActiveModel {
                    id: Set(next_deadline),
                    case_id: Set(id32),
                    stage: Set(stage.code().into()),
                    occurrence: Set(occurrence),
                    procedure_version_id: Set(procedure.version_id),
                    priority: Set(priority.code().into()),
                    unit: Set(timescale.unit.code().into()),
                    amount: Set(timescale.amount as i32),
                    anchored_at: Set(anchor),
                    original_due_at: Set(original_due),
                    due_at: Set(due),
                    status: Set(status.into()),
                    done_at: Set(done_at),
                    late_working_days: Set(late),
                    resolved_by: Set(resolved_by),
                    resolved_at: Set(resolved_at),
                    resolution_note: Set(note.map(str::to_owned)),
                    extended_at: Set(extended.then_some(original_due.min(NOW))),
                    extended_by: Set(extended.then_some(responsible)),
                    extension_reason: Set(extended.then(|| "Victim away until next week".into())),
                    created_at: Set(anchor),
                    version: Set(1),
                    title: Set(None),
                });
                next_deadline += 1;
            }
        }
        let txn = harbour::db::begin(db).await.unwrap();
        cases::Entity::insert_many(case_rows)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        if !access_rows.is_empty() {
            case_access::Entity::insert_many(access_rows)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        for chunk in chunks(deadline_rows, BATCH) {
            deadlines::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        if batch_end.is_multiple_of(20_000) || batch_end == n {
            eprintln!(
                "  {batch_end} cases, {} deadlines after {:.0} s",
                next_deadline - 1,
                progress.elapsed().as_secs_f64()
            );
        }
        case_id = batch_end + 1;
    }
    for (year, last) in numbers {
        case_sequences::Entity::insert(case_sequences::ActiveModel {
            year: Set(year),
            last_number: Set(last),
        })
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    (n, next_deadline as usize - 1)
}

fn chunks<T>(rows: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = vec![];
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        out.push(rows.by_ref().take(size).collect());
    }
    out
}

/// Deadlines by status, and how many open ones are past due, for the report.
async fn print_mix(db: &DatabaseConnection) {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT status, COUNT(*) FROM deadlines GROUP BY status ORDER BY status".to_owned(),
        ))
        .await
        .unwrap();
    let mix: Vec<String> = rows
        .iter()
        .map(|r| {
            let status: String = r.try_get_by_index(0).unwrap();
            let count: i64 = r.try_get_by_index(1).unwrap();
            format!("{status} {count}")
        })
        .collect();
    let overdue = deadlines::Entity::find()
        .filter(deadlines::Column::Status.eq(OPEN))
        .filter(deadlines::Column::DueAt.lt(NOW))
        .count(db)
        .await
        .unwrap();
    let open_cases = cases::Entity::find()
        .filter(cases::Column::Status.eq(codes::OPEN))
        .count(db)
        .await
        .unwrap();
    println!(
        "deadlines: {}; open past due {overdue}; open cases {open_cases}",
        mix.join(", ")
    );
}

/// The harassment officer answering for the most open deadlines.
async fn busiest_officer(db: &DatabaseConnection) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT u.username, COUNT(*) AS n FROM deadlines d \
             JOIN cases c ON c.id = d.case_id JOIN users u ON u.id = c.owner_id \
             WHERE d.status = 'open' GROUP BY u.username ORDER BY n DESC, u.username LIMIT 1"
                .to_owned(),
        ))
        .await
        .unwrap()
        .expect("some open deadlines");
    row.try_get_by_index(0).unwrap()
}
