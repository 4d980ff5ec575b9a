//! Casework benchmark: a landlord's casework at scale (by default 20,000 cases received
//! from January 2023 to November 2026, most of them with risk assessments and their
//! answers, an action plan with dated actions, support measures, referrals, action against
//! perpetrators with status histories and court or notice dates, a timeline of contacts and
//! events, and the deadlines all of that plans), plus three long-running "heavy" cases
//! (three years of activity each: 20 reports, 30 assessments, 60 plan actions, 50 support
//! measures, 20 referrals, 30 perpetrator actions, about 310 deadlines and, since every
//! change writes its timeline row as the forms do, about 640 timeline entries).
//!
//! Then the casework pages are timed two ways – the loading function alone
//! (`cases::page::load`, `chronology::load::load`, `cases::caseload::query::fetch`) and the
//! whole page over HTTP as a signed-in user (session, visibility, loading, rendering, the
//! audit row) – for a typical case and a heavy one, with the clock at Monday 23 November
//! 2026, 09:00 UTC. Each page is then requested once more with every database statement
//! counted (sea-orm's metric callback on the server's connection), to show how many
//! queries a page issues and that the number does not grow with the rows it shows.
//!
//! Run: `cargo bench --bench casework` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL
//! (a database named harbour_bench_casework is created and dropped). HARBOUR_BENCH_CASES
//! sets the number of ordinary cases (default 20,000), HARBOUR_BENCH_RUNS the timed runs
//! per page (default 20), HARBOUR_BENCH_KEEP=1 keeps the database and reuses it next time,
//! HARBOUR_BENCH_SQL=1 prints every statement of the counted request with its time.
//! Traffic goes only to a server on 127.0.0.1 started here; every loop is bounded.
//! Results: docs/PERFORMANCE.md.

mod support;

use entity::{
    Role, action_plans, case_access, case_closures, case_parties, case_sequences, case_strands, cases,
    deadlines, incident_types, incidents, legal_dates, people, perpetrator_action_events,
    perpetrator_actions, plan_actions, referrals, risk_answers, risk_assessments, support_measures,
    timeline_entries,
};
use harbour::{
    auth::password,
    calendar::{Calendar, end_of_london_day, london_date, start_of_london_day},
    cases::{
        caseload, codes,
        people::{name_key, postcode_key, tenancy_ref_key},
        reference,
        visibility::Viewer,
    },
    clock::ManualClock,
    config::Settings,
    deadlines::{
        calendar_settings,
        state::{DONE, NOT_APPLICABLE, OPEN, WAIVED},
    },
    enforcement,
    procedure::{Priority, Procedure, Stage, Timescale, store},
    risk::{self, QuestionSet},
    state::AppState,
    web::forms::FormErrors,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, Iterable, Statement,
};
use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};
use time::{Date, OffsetDateTime, macros::datetime};

const AREAS: usize = 10;
/// Two areas each, so four per area.
const HARASSMENT_OFFICERS: usize = 20;
const TENANCY_OFFICERS: usize = 12;
/// `manager0` has no areas (the whole landlord); the others one area each.
const MANAGERS: usize = 3;
/// Cases per transaction. Rows per INSERT follow the table's width (under SQLite's 32,766
/// bound values).
const BATCH: usize = 500;
/// Timed runs per page, after one untimed warm-up (HARBOUR_BENCH_RUNS to change).
const RUNS: usize = 20;
/// Long-running cases with three years of casework each.
const HEAVY: usize = 3;
/// The benchmark's "now": a Monday morning (GMT).
const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);
const FIRST_RECEIVED: OffsetDateTime = datetime!(2023-01-02 00:00 UTC);
/// The harassment officer whose cases are timed: the owner of the heavy cases.
const OFFICER: &str = "officer3";
/// Upper bound on the occurrences of one recurring deadline (a bounded loop).
const MAX_OCCURRENCES: i32 = 400;

const FIRST_NAMES: [&str; 12] = [
    "Amina",
    "Mohammed",
    "Fatima",
    "Kwame",
    "Priya",
    "Agnieszka",
    "Chen",
    "Sinead",
    "Bilal",
    "Grace",
    "Ion",
    "Zainab",
];
const SURNAMES: [&str; 12] = [
    "Khan", "Begum", "Mensah", "Patel", "Nowak", "Wang", "Murphy", "Ahmed", "Smith", "Popescu", "Okafor",
    "Rahman",
];
const STREETS: [&str; 8] = [
    "Oak Road",
    "Granby Street",
    "Belgrave Close",
    "Melton Avenue",
    "Saffron Walk",
    "Church Court",
    "Victoria Road",
    "Mill Street",
];
/// What officers write about a contact (bodies of timeline entries).
const CONTACT_NOTES: [&str; 8] = [
    "Spoke to the victim, who said there had been more shouting from the neighbouring flat last \
     night. Advised to keep the diary going and to call the police if threatened.",
    "Home visit. The victim showed new damage to the front door and said the children are \
     frightened to play outside. Photographs taken for the file.",
    "Left a voicemail; no answer. Will try again tomorrow morning.",
    "Letter sent confirming what was agreed at the visit and the next steps.",
    "The victim e-mailed the diary sheets for the last fortnight (four incidents, two with \
     witnesses). Added to the evidence log.",
    "Met the victim with the interpreter at the area office and went through the action plan \
     line by line; they are content with it.",
    "Called the police single point of contact: the crime is still under investigation and a \
     suspect has been interviewed.",
    "The victim says things have been quieter this week.",
];
const ACTIONS: [&str; 8] = [
    "Fit a fire-proof letterbox and new door locks",
    "Install a video doorbell",
    "Visit the neighbours on the landing as possible witnesses",
    "Refer the family to Victim Support",
    "Remove the graffiti in the stairwell",
    "Review CCTV footage from the estate cameras",
    "Arrange a joint visit with the police",
    "Write to the alleged perpetrator about the tenancy conditions",
];
const LANGUAGES: [&str; 5] = ["Polish", "Urdu", "Somali", "Romanian", "Bengali"];

/// Statements the server's connection ran while [`RECORDING`]: (SQL, time).
static STATEMENTS: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());
static RECORDING: AtomicBool = AtomicBool::new(false);

fn record_statement(info: &sea_orm::metric::Info<'_>) {
    if RECORDING.load(Ordering::Relaxed) {
        STATEMENTS
            .lock()
            .unwrap()
            .push((info.statement.sql.clone(), info.elapsed));
    }
}

struct Staff {
    areas: Vec<i32>,
    officers_by_area: HashMap<i32, Vec<i32>>,
    tenancy_by_area: HashMap<i32, Vec<i32>>,
    managers: Vec<i32>,
    /// Display names by user id (timeline entries carry their author's name).
    names: HashMap<i32, String>,
    /// The timed officer and the first of their areas.
    timed: (i32, i32),
}

/// One page to time: who asks, the path, and what the loading function alone does.
struct Scenario {
    what: String,
    viewer: Viewer,
    path: String,
    query: Query,
}

enum Query {
    CasePage(cases::Model),
    Chronology(cases::Model),
    Caseload(&'static str),
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("HARBOUR_BENCH_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(20_000);
    let runs: usize = std::env::var("HARBOUR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RUNS)
        .max(1);
    let (url, cleanup) = support::database("harbour_bench_casework", support::keep()).await;
    let mut db = harbour::db::connect(&url).await.expect("connect");
    harbour::migrate(&db).await.expect("migrate");
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Harbour casework benchmark on {backend}, {n} cases + {HEAVY} heavy, {} cores, now {NOW}",
        std::thread::available_parallelism().map_or(0, |c| c.get())
    );

    let reuse = support::keep() && cases::Entity::find().one(&db).await.unwrap().is_some();
    if reuse {
        println!("reusing the database generated earlier (HARBOUR_BENCH_KEEP)");
    } else {
        let started = Instant::now();
        let staff = staff(&db).await;
        generate(&db, n, &staff).await;
        if db.get_database_backend() == DbBackend::Postgres {
            for table in TABLES {
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
            "generated in {:.0} s; {maintenance} {:.1} s",
            generated.as_secs_f64(),
            analyze.elapsed().as_secs_f64()
        );
    }
    print_mix(&db).await;

    let officer = support::viewer(&db, OFFICER).await;
    let manager = support::viewer(&db, "manager0").await;
    let typical = typical_case(&db, officer.id).await;
    let heavy = heavy_case(&db).await;
    println!(
        "typical case {} (median of {OFFICER}'s cases with every kind of casework): {}",
        typical.reference,
        describe_case(&db, typical.id).await
    );
    println!(
        "heavy case {}: {}",
        heavy.reference,
        describe_case(&db, heavy.id).await
    );

    // Count the statements of the server's connection from here on (only while RECORDING).
    db.set_metric_callback(record_statement);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        public_url: format!("http://{addr}"),
        login_rate_limit: 1_000_000,
        ..Settings::default()
    };
    let state = AppState::new(db.clone(), Arc::new(ManualClock::new(NOW)), settings);
    let app = harbour::app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    let base = format!("http://{addr}");
    let mut clients = HashMap::new();
    for v in [&officer, &manager] {
        clients.insert(v.id, support::sign_in(&base, &v.username).await);
    }

    let case_scenarios = |label: &str, case: &cases::Model| {
        let r = &case.reference;
        vec![
            Scenario {
                what: format!("case page, {label} case, owner"),
                viewer: officer.clone(),
                path: format!("/cases/{r}"),
                query: Query::CasePage(case.clone()),
            },
            Scenario {
                what: format!("chronology page, {label} case"),
                viewer: officer.clone(),
                path: format!("/cases/{r}/chronology"),
                query: Query::Chronology(case.clone()),
            },
            Scenario {
                what: format!("chronology CSV, {label} case"),
                viewer: officer.clone(),
                path: format!("/cases/{r}/chronology.csv"),
                query: Query::Chronology(case.clone()),
            },
        ]
    };
    let mut scenarios = case_scenarios("typical", &typical);
    scenarios.extend(case_scenarios("heavy", &heavy));
    scenarios.push(Scenario {
        what: "case page, heavy case, manager (with assignment)".into(),
        viewer: manager.clone(),
        path: format!("/cases/{}", heavy.reference),
        query: Query::CasePage(heavy.clone()),
    });
    for (what, viewer, q) in [
        ("/cases?tab=all&risk=high, manager", &manager, "tab=all&risk=high"),
        (
            "/cases?tab=all&risk=high, harassment officer",
            &officer,
            "tab=all&risk=high",
        ),
        (
            "/cases?tab=all&status=open&risk=high, manager",
            &manager,
            "tab=all&status=open&risk=high",
        ),
        ("/cases?tab=mine, harassment officer", &officer, "tab=mine"),
    ] {
        scenarios.push(Scenario {
            what: what.into(),
            viewer: viewer.clone(),
            path: format!("/cases?{q}"),
            query: Query::Caseload(q),
        });
    }

    let options = caseload::query::load_options(&db).await.unwrap();
    let print_sql = std::env::var_os("HARBOUR_BENCH_SQL").is_some();
    println!();
    println!(
        "| page (viewer) | rows | function p50 | function p95 | page p50 | page p95 | size | queries (DB time) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for s in &scenarios {
        let mut function_times = vec![];
        let mut rows = String::new();
        for run in 0..=runs {
            let t = Instant::now();
            rows = run_function(&state, &options, s).await;
            if run > 0 {
                function_times.push(t.elapsed());
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
        // Once more, counting the statements (sessions, visibility, audit row included).
        STATEMENTS.lock().unwrap().clear();
        RECORDING.store(true, Ordering::Relaxed);
        let res = client.get(format!("{base}{}", s.path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{}", s.path);
        res.bytes().await.unwrap();
        RECORDING.store(false, Ordering::Relaxed);
        let statements = std::mem::take(&mut *STATEMENTS.lock().unwrap());
        let queries = query_summary(&statements);
        if print_sql {
            eprintln!("\n### {} ({})", s.what, queries);
            for (sql, took) in &statements {
                eprintln!("  {:7.2} ms  {sql}", took.as_secs_f64() * 1000.0);
            }
        }
        let (f50, f95) = support::percentiles(&mut function_times);
        let (p50, p95) = support::percentiles(&mut page_times);
        println!(
            "| {} | {rows} | {f50:.1} ms | {f95:.1} ms | {p50:.1} ms | {p95:.1} ms | {} KiB | {queries} |",
            s.what,
            size / 1024
        );
    }

    db.close().await.ok();
    cleanup.await;
}

/// Runs a scenario's loading function once; what it found, for the table.
async fn run_function(state: &AppState, options: &caseload::filters::Options, s: &Scenario) -> String {
    match &s.query {
        Query::CasePage(case) => {
            let v = harbour::cases::page::load(state, &s.viewer, case.clone())
                .await
                .unwrap();
            let perpetrator_actions: usize = v.enforcement.groups.iter().map(|g| g.items.len()).sum();
            let shown = v.timeline.len()
                + v.deadlines.rows.len()
                + v.risk.history.len()
                + v.plan.agreements.len()
                + v.plan.actions.len()
                + v.support.measures.len()
                + v.support.referrals.len()
                + perpetrator_actions
                + v.incidents.len()
                + v.parties.len();
            format!("{shown} records")
        }
        Query::Chronology(case) => {
            let c = harbour::chronology::load::load(&state.db, case, &s.viewer.display_name, NOW)
                .await
                .unwrap();
            format!("{} entries", c.entries.len())
        }
        Query::Caseload(q) => {
            let mut errors = FormErrors::default();
            let criteria = caseload::filters::parse(
                &caseload::filters::Filters::from_query(q),
                s.viewer.role,
                options,
                &mut errors,
            );
            assert!(errors.is_empty(), "{q}");
            let found = caseload::query::fetch(&state.db, &s.viewer, &criteria)
                .await
                .unwrap();
            format!("{} of {}", found.rows.len(), found.pager.total)
        }
    }
}

/// "23 (4.1 ms)": statements and their time in the database, with the most repeated
/// statement when one ran more than five times (a query per row would).
fn query_summary(statements: &[(String, Duration)]) -> String {
    let total: Duration = statements.iter().map(|(_, d)| *d).sum();
    let mut repeats: HashMap<&str, usize> = HashMap::new();
    for (sql, _) in statements {
        *repeats.entry(sql.as_str()).or_default() += 1;
    }
    let most = repeats.values().copied().max().unwrap_or(0);
    let mut out = format!("{} ({:.1} ms)", statements.len(), total.as_secs_f64() * 1000.0);
    if most > 5 {
        out.push_str(&format!(", one statement ×{most}"));
    }
    out
}

/// Areas and staff (one password hash for all): 20 harassment officers, 12 tenancy
/// officers and 3 managers.
async fn staff(db: &DatabaseConnection) -> Staff {
    let hash = password::hash(support::PASSWORD.into()).await.unwrap();
    let now = FIRST_RECEIVED;
    let areas = support::areas(db, AREAS, now).await;
    let mut names = HashMap::new();
    let mut create = async |username: String, role: Role, area_ids: Vec<i32>| {
        let name = format!("{username} Bench");
        let id = support::user(db, now, &hash, username, role, area_ids).await;
        names.insert(id, name);
        id
    };
    let mut officers_by_area: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut timed = (0, 0);
    for i in 0..HARASSMENT_OFFICERS {
        let username = format!("officer{i}");
        let mine = vec![areas[i % AREAS], areas[(i + 1) % AREAS]];
        let id = create(username.clone(), Role::HarassmentOfficer, mine.clone()).await;
        if username == OFFICER {
            timed = (id, mine[0]);
        }
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
        names,
        timed,
    }
}

/// The tables given explicit ids here (PostgreSQL's sequences are moved past them).
const TABLES: [&str; 16] = [
    "cases",
    "incidents",
    "people",
    "case_parties",
    "case_closures",
    "timeline_entries",
    "risk_assessments",
    "risk_answers",
    "action_plans",
    "plan_actions",
    "support_measures",
    "referrals",
    "perpetrator_actions",
    "perpetrator_action_events",
    "legal_dates",
    "deadlines",
];

/// Rows waiting to be inserted, by table.
#[derive(Default)]
struct Rows {
    cases: Vec<cases::ActiveModel>,
    access: Vec<case_access::ActiveModel>,
    incidents: Vec<incidents::ActiveModel>,
    incident_types: Vec<incident_types::ActiveModel>,
    people: Vec<people::ActiveModel>,
    parties: Vec<case_parties::ActiveModel>,
    strands: Vec<case_strands::ActiveModel>,
    closures: Vec<case_closures::ActiveModel>,
    timeline: Vec<timeline_entries::ActiveModel>,
    assessments: Vec<risk_assessments::ActiveModel>,
    answers: Vec<risk_answers::ActiveModel>,
    plans: Vec<action_plans::ActiveModel>,
    actions: Vec<plan_actions::ActiveModel>,
    measures: Vec<support_measures::ActiveModel>,
    referrals: Vec<referrals::ActiveModel>,
    perpetrator_actions: Vec<perpetrator_actions::ActiveModel>,
    events: Vec<perpetrator_action_events::ActiveModel>,
    legal: Vec<legal_dates::ActiveModel>,
    deadlines: Vec<deadlines::ActiveModel>,
}

/// The next id of each table.
struct Ids {
    person: i32,
    party: i32,
    incident: i32,
    closure: i32,
    timeline: i32,
    assessment: i32,
    answer: i32,
    plan: i32,
    action: i32,
    measure: i32,
    referral: i32,
    perpetrator_action: i32,
    event: i32,
    legal: i32,
    deadline: i32,
}

fn take(next: &mut i32) -> i32 {
    *next += 1;
    *next - 1
}

/// How much casework one case has.
struct Shape {
    reports: usize,
    perpetrators: usize,
    witnesses: usize,
    /// Contacts besides those that completed a deadline (failed attempts, notes, witnesses).
    contacts: usize,
    assessments: usize,
    /// Agreements of the action plan (the first and its revisions).
    plans: usize,
    actions: usize,
    measures: usize,
    referrals: usize,
    perpetrator_actions: usize,
}

/// What the rows of one case share.
struct Case {
    id: i32,
    received: OffsetDateTime,
    closed: Option<OffsetDateTime>,
    /// Its closure, or now.
    end: OffsetDateTime,
    priority: Priority,
    logged_by: i32,
    /// The owner, or whoever logged it while it has none.
    responsible: i32,
    victim: i32,
    /// Party ids of the alleged perpetrators (what actions against them name).
    perpetrators: Vec<i32>,
    /// Person ids of the witnesses (whom contacts name).
    witnesses: Vec<i32>,
    high_risk: bool,
}

/// How one deadline ended up.
enum Outcome {
    Open,
    Done(OffsetDateTime),
    Waived(OffsetDateTime),
    NotApplicable(OffsetDateTime),
}

struct Generator<'a> {
    rng: StdRng,
    calendar: Calendar,
    procedure: Procedure,
    questions: QuestionSet,
    staff: &'a Staff,
    ids: Ids,
    rows: Rows,
    numbers: HashMap<i32, i32>,
    /// Recent victims by area, some of whom report again (repeat victims).
    recent_victims: HashMap<i32, Vec<i32>>,
}

/// Generates `n` cases received evenly from January 2023 to this morning, oldest first,
/// then [`HEAVY`] cases of three years, in batches of [`BATCH`] cases per transaction.
/// About 8 % of cases are open (60 % of the last 120 days', 3 % of older ones); 0.5 %
/// restricted. Deterministic (fixed seed).
async fn generate(db: &DatabaseConnection, n: usize, staff: &Staff) {
    let mut g = Generator {
        rng: StdRng::seed_from_u64(20261123),
        calendar: calendar_settings::load(db).await.unwrap(),
        procedure: store::load(db, 1).await.unwrap(),
        questions: risk::store::current(db).await.unwrap(),
        staff,
        ids: Ids {
            person: 1,
            party: 1,
            incident: 1,
            closure: 1,
            timeline: 1,
            assessment: 1,
            answer: 1,
            plan: 1,
            action: 1,
            measure: 1,
            referral: 1,
            perpetrator_action: 1,
            event: 1,
            legal: 1,
            deadline: 1,
        },
        rows: Rows::default(),
        numbers: HashMap::new(),
        recent_victims: HashMap::new(),
    };
    let end = NOW - time::Duration::hours(2);
    let span = (end - FIRST_RECEIVED).whole_seconds();
    let progress = Instant::now();
    let mut case_id = 1;
    while case_id <= n {
        let batch_end = (case_id + BATCH - 1).min(n);
        for id in case_id..=batch_end {
            let received = FIRST_RECEIVED
                + time::Duration::seconds(span * (id as i64 - 1) / n as i64 + g.rng.random_range(0..600));
            g.ordinary_case(id as i32, received);
        }
        flush(db, std::mem::take(&mut g.rows)).await;
        if batch_end.is_multiple_of(5_000) || batch_end == n {
            eprintln!(
                "  {batch_end} cases, {} deadlines, {} timeline entries after {:.0} s",
                g.ids.deadline - 1,
                g.ids.timeline - 1,
                progress.elapsed().as_secs_f64()
            );
        }
        case_id = batch_end + 1;
    }
    for k in 0..HEAVY {
        g.heavy_case((n + k + 1) as i32, k);
    }
    flush(db, std::mem::take(&mut g.rows)).await;
    for (year, last) in &g.numbers {
        case_sequences::Entity::insert(case_sequences::ActiveModel {
            year: Set(*year),
            last_number: Set(*last),
        })
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    eprintln!(
        "  and {HEAVY} heavy cases: {} deadlines, {} timeline entries after {:.0} s",
        g.ids.deadline - 1,
        g.ids.timeline - 1,
        progress.elapsed().as_secs_f64()
    );
}

impl Generator<'_> {
    /// A uniformly random instant in [a, b] (a when b is not later).
    fn between(&mut self, a: OffsetDateTime, b: OffsetDateTime) -> OffsetDateTime {
        let span = (b - a).whole_seconds();
        if span <= 0 {
            a
        } else {
            a + time::Duration::seconds(self.rng.random_range(0..=span))
        }
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.rng.random_range(0..list.len())]
    }

    /// 0..=max, smaller counts likelier.
    fn few(&mut self, max: usize) -> usize {
        let a = self.rng.random_range(0..=max);
        let b = self.rng.random_range(0..=max);
        a.min(b)
    }

    fn manager(&mut self) -> i32 {
        let staff = self.staff;
        self.pick(&staff.managers)
    }

    fn ordinary_case(&mut self, id: i32, received: OffsetDateTime) {
        let staff = self.staff;
        let area = self.pick(&staff.areas);
        let age_days = (NOW - received).whole_days();
        let open = self.rng.random_bool(if age_days > 120 { 0.03 } else { 0.6 });
        let officers = &staff.officers_by_area[&area];
        let owner = (!open || self.rng.random_bool(0.9)).then(|| self.pick(officers));
        let closed = (!open).then(|| {
            let days = if self.rng.random_bool(0.1) {
                self.rng.random_range(90..240)
            } else {
                self.rng.random_range(5..90)
            };
            (received + time::Duration::days(days))
                .min(NOW - time::Duration::minutes(1))
                .max(received + time::Duration::hours(1))
        });
        let life_days = ((closed.unwrap_or(NOW) - received).whole_days().max(0)) as usize;
        let perpetrators = match self.rng.random_range(0..100) {
            0..30 => 0,
            30..85 => 1,
            _ => 2,
        };
        let assessed = self.rng.random_bool(0.88);
        let planned = assessed && self.rng.random_bool(0.8);
        let shape = Shape {
            reports: if self.rng.random_bool(0.12) { 2 } else { 1 },
            perpetrators,
            witnesses: self.few(2),
            contacts: self.rng.random_range(1..=6) + (life_days / 30).min(20),
            assessments: if assessed { 1 + self.few(3) } else { 0 },
            plans: if planned {
                if self.rng.random_bool(0.12) { 2 } else { 1 }
            } else {
                0
            },
            actions: if planned { self.few(5) } else { 0 },
            measures: self.few(6),
            referrals: self.few(3),
            perpetrator_actions: if perpetrators > 0 {
                self.few(4)
            } else if self.rng.random_bool(0.2) {
                1
            } else {
                0
            },
        };
        let restricted = self.rng.random_bool(0.005);
        let priority = if self.rng.random_bool(0.75) {
            Priority::P1
        } else {
            Priority::P2
        };
        self.case(id, received, closed, area, owner, priority, restricted, shape);
    }

    /// A case received about three years ago, still open, owned by the timed officer:
    /// a long-running dispute with several perpetrators, repeated reports and court action.
    fn heavy_case(&mut self, id: i32, k: usize) {
        let received = NOW - time::Duration::days(3 * 365 + 30 * k as i64);
        let (owner, area) = self.staff.timed;
        let shape = Shape {
            reports: 20,
            perpetrators: 3,
            witnesses: 4,
            contacts: 10,
            assessments: 30,
            plans: 12,
            actions: 60,
            measures: 50,
            referrals: 20,
            perpetrator_actions: 30,
        };
        self.case(id, received, None, area, Some(owner), Priority::P1, false, shape);
    }

    #[allow(clippy::too_many_arguments)]
    fn case(
        &mut self,
        id: i32,
        received: OffsetDateTime,
        closed: Option<OffsetDateTime>,
        area: i32,
        owner: Option<i32>,
        priority: Priority,
        restricted: bool,
        shape: Shape,
    ) {
        let year = received.year();
        let number = self.numbers.entry(year).or_insert(0);
        *number += 1;
        let reference = reference::format(year, *number);
        let staff = self.staff;
        let logged_by = self.pick(&staff.tenancy_by_area[&area]);
        let end = closed.unwrap_or(NOW);
        let mut c = Case {
            id,
            received,
            closed,
            end,
            priority,
            logged_by,
            responsible: owner.unwrap_or(logged_by),
            victim: 0,
            perpetrators: vec![],
            witnesses: vec![],
            high_risk: false,
        };

        // Reports, the first when the case was received, further ones through its life.
        let mut reports = vec![received];
        for _ in 1..shape.reports {
            let at = self.between(received + time::Duration::days(1), end);
            reports.push(at);
        }
        reports.sort();
        let first_incident = self.ids.incident;
        for (k, at) in reports.iter().enumerate() {
            let incident = take(&mut self.ids.incident);
            let types: Vec<&str> = codes::INCIDENT_TYPES[..14].iter().map(|(c, _)| *c).collect();
            let first = self.pick(&types);
            let second = self.pick(&types);
            for t in if first == second {
                vec![first]
            } else {
                vec![first, second]
            } {
                self.rows.incident_types.push(incident_types::ActiveModel {
                    incident_id: Set(incident),
                    type_code: Set(t.into()),
                });
            }
            self.rows.incidents.push(incidents::ActiveModel {
                id: Set(incident),
                case_id: Set(id),
                received_at: Set(*at),
                received_how: Set("phone".into()),
                reporter_type: Set("victim".into()),
                reporter_name: Set(None),
                occurred_kind: Set(codes::OCCURRED_AT.into()),
                occurred_at: Set(Some(*at - time::Duration::hours(self.rng.random_range(1..48)))),
                location_kind: Set("home".into()),
                location_address: Set(None),
                other_type: Set(None),
                description: Set(
                    "Shouted racist abuse at the victim and their children outside their home, \
                     then kicked the front door."
                        .into(),
                ),
                police_involved: Set(self.rng.random_bool(0.4)),
                police_known: Set(true),
                crime_reference: Set(None),
                logged_by: Set(logged_by),
                created_at: Set(*at),
            });
            if k > 0 {
                self.timeline(
                    &c,
                    "further-report",
                    *at,
                    "Further report added.",
                    None,
                    logged_by,
                );
            }
        }

        // People: the victim (sometimes one who reported before), perpetrators, witnesses.
        let victim = match self.recent_victims.get(&area) {
            Some(recent) if !recent.is_empty() && self.rng.random_bool(0.04) => {
                recent[self.rng.random_range(0..recent.len())]
            }
            _ => self.person(area, logged_by, received, codes::VICTIM),
        };
        let recent = self.recent_victims.entry(area).or_default();
        recent.push(victim);
        if recent.len() > 50 {
            recent.remove(0);
        }
        c.victim = victim;
        self.party(&c, victim, codes::VICTIM, first_incident);
        for _ in 0..shape.perpetrators {
            let person = self.person(area, logged_by, received, codes::PERPETRATOR);
            let party = self.party(&c, person, codes::PERPETRATOR, first_incident);
            c.perpetrators.push(party);
        }
        for _ in 0..shape.witnesses {
            let person = self.person(area, logged_by, received, codes::WITNESS);
            self.party(&c, person, codes::WITNESS, first_incident);
            c.witnesses.push(person);
        }
        self.rows.strands.push(case_strands::ActiveModel {
            case_id: Set(id),
            strand_id: Set(if self.rng.random_bool(0.8) { 1 } else { 2 }),
        });
        if restricted && let Some(owner) = owner {
            self.rows.access.push(case_access::ActiveModel {
                case_id: Set(id),
                user_id: Set(owner),
                added_at: Set(received),
                added_by: Set(None),
            });
        }

        // The timeline's own events.
        self.timeline(&c, "opened", received, "Case opened.", None, logged_by);
        if let Some(owner) = owner {
            let manager = self.manager();
            let at = received + time::Duration::hours(self.rng.random_range(1..30));
            let name = self.staff.names[&owner].clone();
            self.timeline(
                &c,
                "assigned",
                at.min(end),
                &format!("Assigned to {name}."),
                None,
                manager,
            );
        }
        for _ in 0..shape.contacts {
            let at = self.between(received, end);
            let kind = self.pick(&["failed-attempt", "note", "phone-call", "letter"]);
            let with = if kind == "note" {
                None
            } else if !c.witnesses.is_empty() && self.rng.random_bool(0.3) {
                Some(self.pick(&c.witnesses))
            } else {
                Some(c.victim)
            };
            let body = self.pick(&CONTACT_NOTES);
            let author = c.responsible;
            self.timeline(&c, kind, at, body, with, author);
        }

        let level = self.assessments(&mut c, shape.assessments);
        self.plans(&c, shape.plans, shape.actions);
        self.support(&c, shape.measures, shape.referrals);
        self.enforcement(&c, shape.perpetrator_actions);
        self.timescale_deadlines(&c);

        if let Some(closed) = closed {
            let by = c.responsible;
            self.rows.closures.push(case_closures::ActiveModel {
                id: Set(take(&mut self.ids.closure)),
                case_id: Set(id),
                closed_at: Set(closed),
                closed_by: Set(by),
                outcome: Set("resolved".into()),
                reason: Set("No further incidents for six weeks; the victim is content.".into()),
                victim_told_on: Set(london_date(closed)),
                reopened_at: Set(None),
                reopened_by: Set(None),
                reopen_reason: Set(None),
            });
            self.timeline(&c, "closed", closed, "Case closed: resolved.", None, by);
        }

        let contact_every =
            (shape.plans > 0).then(|| self.procedure.timescale(Stage::VictimUpdate, priority));
        self.rows.cases.push(cases::ActiveModel {
            id: Set(id),
            reference: Set(reference),
            status: Set(if closed.is_none() {
                codes::OPEN
            } else {
                codes::CLOSED
            }
            .into()),
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
            updated_at: Set(end),
            closed_at: Set(closed),
            outcome: Set(closed.map(|_| "resolved".into())),
            restricted: Set(restricted),
            restricted_reason: Set(restricted.then(|| "Staff member involved".into())),
            version: Set(1),
            procedure_version_id: Set(self.procedure.version_id),
            contact_every_unit: Set(contact_every.map(|t| t.unit.code().into())),
            contact_every_amount: Set(contact_every.map(|t| t.amount as i32)),
            risk_level: Set(level.map(|(l, _)| l.into())),
            risk_assessed_at: Set(level.map(|(_, at)| at)),
            external_ref: Set(None),
            import_id: Set(None),
        });
    }

    /// A person in the area: a victim with an address and tenancy, a named or unknown
    /// alleged perpetrator or group, a named witness.
    fn person(&mut self, area: i32, created_by: i32, at: OffsetDateTime, role: &str) -> i32 {
        let id = take(&mut self.ids.person);
        let kind = if role == codes::PERPETRATOR {
            self.pick(&[codes::NAMED, codes::NAMED, "unknown", "group"])
        } else {
            codes::NAMED
        };
        let name = if kind == codes::NAMED {
            Some(format!("{} {}", self.pick(&FIRST_NAMES), self.pick(&SURNAMES)))
        } else {
            None
        };
        let victim = role == codes::VICTIM;
        let address = if victim {
            Some(format!(
                "{} {}, Leicester",
                self.rng.random_range(1..200),
                self.pick(&STREETS)
            ))
        } else {
            None
        };
        let postcode = victim.then(|| format!("LE{} {}AB", area % 10, id % 10));
        let tenancy = victim.then(|| format!("T-{id:07}"));
        let person = people::Model {
            id,
            kind: kind.into(),
            name_key: name.as_deref().map(name_key),
            name,
            description: (kind != codes::NAMED).then(|| "Group of teenagers from the next block".into()),
            phone: victim.then(|| "07700 900123".into()),
            email: None,
            preferred_contact: None,
            address,
            postcode_key: postcode.as_deref().map(postcode_key),
            postcode,
            tenancy_ref_key: tenancy.as_deref().map(tenancy_ref_key),
            tenancy_ref: tenancy,
            is_tenant: Some(victim),
            household: None,
            language: None,
            interpreter: false,
            vulnerabilities: None,
            ethnicity: codes::NOT_KNOWN.into(),
            ethnicity_list: codes::ETHNICITY_LIST.into(),
            age_band: None,
            sex: None,
            disability: None,
            religion: None,
            sexual_orientation: None,
            gender_reassignment: None,
            marriage: None,
            pregnancy: None,
            created_by,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        self.rows
            .people
            .push(people::ActiveModel::from(person).reset_all());
        id
    }

    fn party(&mut self, c: &Case, person: i32, role: &str, incident: i32) -> i32 {
        let id = take(&mut self.ids.party);
        self.rows.parties.push(case_parties::ActiveModel {
            id: Set(id),
            case_id: Set(c.id),
            person_id: Set(person),
            role: Set(role.into()),
            incident_id: Set(Some(incident)),
            added_at: Set(c.received),
            added_by: Set(c.logged_by),
        });
        id
    }

    fn timeline(
        &mut self,
        c: &Case,
        kind: &str,
        at: OffsetDateTime,
        body: &str,
        person: Option<i32>,
        author: i32,
    ) {
        let id = take(&mut self.ids.timeline);
        self.rows.timeline.push(timeline_entries::ActiveModel {
            id: Set(id),
            case_id: Set(c.id),
            kind: Set(kind.into()),
            occurred_at: Set(at),
            body: Set(body.into()),
            person_id: Set(person),
            author_id: Set(Some(author)),
            author_name: Set(self.staff.names[&author].clone()),
            created_at: Set(at),
        });
    }

    /// `count` assessments through the case's life, each answering every question; the
    /// latest one's level and time, which stand on the case.
    fn assessments(&mut self, c: &mut Case, count: usize) -> Option<(&'static str, OffsetDateTime)> {
        let mut times: Vec<OffsetDateTime> = (0..count)
            .map(|k| {
                if k == 0 {
                    c.received + time::Duration::hours(self.rng.random_range(2..72))
                } else {
                    self.between(c.received + time::Duration::days(3), c.end)
                }
            })
            .map(|t| t.min(c.end))
            .collect();
        times.sort();
        // How bad things are for this victim: a "Yes" to each question this often.
        let mut yes: f64 = self.pick(&[0.1, 0.1, 0.2, 0.3, 0.45, 0.6]);
        let mut latest = None;
        for (k, at) in times.into_iter().enumerate() {
            let id = take(&mut self.ids.assessment);
            let mut score = 0;
            for q in self.questions.questions.clone() {
                let r: f64 = self.rng.random();
                // Options in order: Yes, No, Not known.
                let option = if r < yes {
                    &q.options[0]
                } else if r < yes + 0.08 {
                    &q.options[2]
                } else {
                    &q.options[1]
                };
                score += option.score;
                self.rows.answers.push(risk_answers::ActiveModel {
                    id: Set(take(&mut self.ids.answer)),
                    assessment_id: Set(id),
                    question_id: Set(q.id),
                    option_id: Set(option.id),
                    score: Set(option.score),
                });
            }
            let computed = self.questions.level_for(score);
            let overridden = computed != risk::HIGH && self.rng.random_bool(0.03);
            let level = if overridden {
                if computed == risk::STANDARD {
                    risk::MEDIUM
                } else {
                    risk::HIGH
                }
            } else {
                computed
            };
            let by = c.responsible;
            self.rows.assessments.push(risk_assessments::ActiveModel {
                id: Set(id),
                case_id: Set(c.id),
                set_id: Set(self.questions.id),
                occasion: Set(if k == 0 { "triage" } else { "review" }.into()),
                assessed_at: Set(at),
                score: Set(score),
                computed_level: Set(computed.into()),
                level: Set(level.into()),
                override_reason: Set(overridden
                    .then(|| "The victim's son has been followed home from school twice this week.".into())),
                notes: Set(self.rng.random_bool(0.4).then(|| {
                    "Discussed with the victim at the visit; the children are not sleeping.".into()
                })),
                created_by: Set(by),
                created_at: Set(at),
            });
            self.timeline(
                c,
                "risk-assessed",
                at,
                &format!("Risk assessed: {level}."),
                None,
                by,
            );
            latest = Some((level, at));
            yes = (yes + self.rng.random_range(-0.1..0.1)).clamp(0.05, 0.7);
        }
        c.high_risk = latest.is_some_and(|(l, _)| l == risk::HIGH);
        latest
    }

    /// `plans` agreements (the first and revisions) and `count` actions added under them,
    /// each with its target date as a deadline.
    fn plans(&mut self, c: &Case, plans: usize, count: usize) {
        if plans == 0 {
            return;
        }
        let mut agreed: Vec<OffsetDateTime> = (0..plans)
            .map(|k| {
                if k == 0 {
                    c.received + time::Duration::days(self.rng.random_range(2..12))
                } else {
                    self.between(c.received + time::Duration::days(14), c.end)
                }
            })
            .map(|t| t.min(c.end))
            .collect();
        agreed.sort();
        let every = self.procedure.timescale(Stage::VictimUpdate, c.priority);
        let mut plan_ids = vec![];
        for at in &agreed {
            let id = take(&mut self.ids.plan);
            let copy = self.pick(&["in-person", "post", "email", "not-given"]);
            let on = london_date(*at);
            let by = c.responsible;
            let channel = self.pick(&["phone", "visit", "email", "letter"]);
            let interpreter = self.rng.random_bool(0.1).then(|| self.pick(&LANGUAGES));
            self.rows.plans.push(action_plans::ActiveModel {
                id: Set(id),
                case_id: Set(c.id),
                agreed_on: Set(on),
                copy_given_how: Set(copy.into()),
                copy_given_on: Set((copy != "not-given").then_some(on)),
                contact_every_unit: Set(every.unit.code().into()),
                contact_every_amount: Set(every.amount as i32),
                contact_channel: Set(channel.into()),
                interpreter_language: Set(interpreter.map(str::to_owned)),
                communication_needs: Set(self
                    .rng
                    .random_bool(0.2)
                    .then(|| "Prefers calls after 4 pm; large print letters.".into())),
                notes: Set(self
                    .rng
                    .random_bool(0.3)
                    .then(|| "Agreed at a home visit with the victim and their daughter.".into())),
                created_by: Set(by),
                created_at: Set(*at),
                updated_by: Set(None),
                updated_at: Set(None),
                version: Set(1),
            });
            self.timeline(c, "plan-agreed", *at, "Action plan agreed.", None, by);
            plan_ids.push((id, *at));
        }
        for _ in 0..count {
            let k = self.rng.random_range(0..plan_ids.len());
            let (plan, plan_at) = plan_ids[k];
            let next_plan = plan_ids.get(k + 1).map_or(c.end, |(_, at)| *at);
            let created = self.between(plan_at, next_plan);
            let id = take(&mut self.ids.action);
            let target = london_date(created) + time::Duration::days(self.rng.random_range(7..57));
            let due = end_of_london_day(target);
            let description = self.pick(&ACTIONS);
            let (owner_id, owner_other) = match self.rng.random_range(0..10) {
                0..6 => (Some(c.responsible), None),
                6 => (Some(c.logged_by), None),
                7 | 8 => (None, Some("Victim".to_owned())),
                _ => (None, Some("Police".to_owned())),
            };
            let by = c.responsible;
            // Due by the end of the case (or now): mostly done, some cancelled, some open.
            let (status, completed_on, outcome) = if due < c.end {
                match self.rng.random_range(0..100) {
                    0..82 => {
                        let late = self.rng.random_bool(0.15);
                        let on = if late {
                            target + time::Duration::days(self.rng.random_range(1..10))
                        } else {
                            target - time::Duration::days(self.rng.random_range(0..7))
                        };
                        let on = on.max(london_date(created)).min(london_date(c.end));
                        (
                            harbour::plans::DONE,
                            Some(on),
                            Some(Outcome::Done(noon(on).min(c.end))),
                        )
                    }
                    82..92 => (
                        "cancelled",
                        None,
                        Some(Outcome::NotApplicable(self.between(created, c.end))),
                    ),
                    _ if c.closed.is_none() => ("open", None, None),
                    _ => ("cancelled", None, Some(Outcome::NotApplicable(c.end))),
                }
            } else if c.closed.is_some() {
                ("cancelled", None, Some(Outcome::NotApplicable(c.end)))
            } else {
                ("open", None, None)
            };
            let settled_at = match &outcome {
                Some(Outcome::Done(at) | Outcome::NotApplicable(at) | Outcome::Waived(at)) => Some(*at),
                _ => None,
            };
            self.rows.actions.push(plan_actions::ActiveModel {
                id: Set(id),
                case_id: Set(c.id),
                plan_id: Set(plan),
                description: Set(description.into()),
                owner_id: Set(owner_id),
                owner_other: Set(owner_other),
                target_on: Set(target),
                status: Set(status.into()),
                completed_on: Set(completed_on),
                outcome: Set((status == "done").then(|| "Done as agreed.".into())),
                created_by: Set(by),
                created_at: Set(created),
                updated_by: Set(settled_at.map(|_| by)),
                updated_at: Set(settled_at),
                version: Set(if settled_at.is_some() { 2 } else { 1 }),
            });
            self.timeline(c, "plan-action-added", created, description, None, by);
            if let Some(at) = settled_at {
                self.timeline(c, "plan-action-updated", at, description, None, by);
            }
            let outcome = outcome.unwrap_or(Outcome::Open);
            self.dated_deadline(c, Stage::PlanAction, id, description, created, due, outcome);
        }
    }

    fn support(&mut self, c: &Case, measures: usize, referrals: usize) {
        let by = c.responsible;
        for _ in 0..measures {
            let id = take(&mut self.ids.measure);
            let requested_at = self.between(c.received, c.end);
            let requested = london_date(requested_at);
            let later = |g: &mut Self, days: i64| {
                (requested + time::Duration::days(g.rng.random_range(1..days))).min(london_date(c.end))
            };
            let (status, provided, declined) = match self.rng.random_range(0..100) {
                0..60 => ("provided", Some(later(self, 21)), None),
                60..75 => ("declined", None, Some(later(self, 10))),
                _ => ("requested", None, None),
            };
            let cost = (status != "declined" && self.rng.random_bool(0.5))
                .then(|| self.rng.random_range(20..2_000) * 100);
            let catalogue = self.rng.random_range(1..=14);
            let changed_at = provided.or(declined).map(|on| noon(on).min(c.end));
            self.rows.measures.push(support_measures::ActiveModel {
                id: Set(id),
                case_id: Set(c.id),
                catalogue_id: Set(catalogue),
                status: Set(status.into()),
                requested_on: Set(requested),
                provided_on: Set(provided),
                declined_on: Set(declined),
                cost_pence: Set(cost),
                notes: Set(self
                    .rng
                    .random_bool(0.3)
                    .then(|| "Fitted by the repairs contractor.".into())),
                created_by: Set(by),
                created_at: Set(requested_at),
                updated_by: Set((status != "requested").then_some(by)),
                updated_at: Set(changed_at),
                version: Set(if status == "requested" { 1 } else { 2 }),
            });
            self.timeline(
                c,
                "support-recorded",
                requested_at,
                "Support measure recorded.",
                None,
                by,
            );
            if let Some(at) = changed_at {
                self.timeline(c, "support-updated", at, "Support measure updated.", None, by);
            }
        }
        for k in 0..referrals {
            let id = take(&mut self.ids.referral);
            let at = self.between(c.received, c.end);
            let on = london_date(at);
            // The high-risk prompt: a referral to the multi-agency panel (agency 5).
            let agency = if k == 0 && c.high_risk && self.rng.random_bool(0.7) {
                5
            } else {
                self.rng.random_range(1..=8)
            };
            let status = self.pick(&["to-send", "sent", "sent", "responded", "responded", "withdrawn"]);
            let consented = status == "sent" || status == "responded";
            let last = london_date(c.end);
            let sent = consented.then(|| (on + time::Duration::days(self.rng.random_range(0..4))).min(last));
            let response = (status == "responded")
                .then(|| (on + time::Duration::days(self.rng.random_range(4..30))).min(last));
            let updated_at = (status != "to-send").then(|| self.between(at, c.end));
            self.rows.referrals.push(referrals::ActiveModel {
                id: Set(id),
                case_id: Set(c.id),
                agency_id: Set(agency),
                status: Set(status.into()),
                referred_on: Set(on),
                reason: Set(Some(
                    "Repeated targeting; the victim wants specialist support.".into(),
                )),
                consent_by: Set(consented.then(|| "The victim".into())),
                consent_on: Set(consented.then_some(on)),
                consent_scope: Set(consented.then(|| "Incident details and the risk assessment".into())),
                sent_on: Set(sent),
                response_on: Set(response),
                response: Set(response.map(|_| "Accepted; a caseworker will call the victim.".into())),
                created_by: Set(by),
                created_at: Set(at),
                updated_by: Set((status != "to-send").then_some(by)),
                updated_at: Set(updated_at),
                version: Set(1),
            });
            self.timeline(c, "referral-recorded", at, "Referral recorded.", None, by);
            if let Some(updated_at) = updated_at {
                self.timeline(c, "referral-updated", updated_at, "Referral updated.", None, by);
            }
        }
    }

    /// `count` actions against the perpetrators (escalating up the ladder) or general
    /// measures, each with its status history and, for court and notice actions, dates
    /// that are deadlines.
    fn enforcement(&mut self, c: &Case, count: usize) {
        let by = c.responsible;
        let mut rung: HashMap<Option<i32>, usize> = HashMap::new();
        for _ in 0..count {
            let id = take(&mut self.ids.perpetrator_action);
            let party = if c.perpetrators.is_empty() || self.rng.random_bool(0.15) {
                None
            } else {
                Some(self.pick(&c.perpetrators))
            };
            let kind = match party {
                None => self.pick(&enforcement::GENERAL_MEASURES).0,
                Some(_) => {
                    let step = rung.entry(party).or_insert(0);
                    let kind = enforcement::LADDER[(*step * 2 + self.rng.random_range(0..3)).min(12)].0;
                    *step += 1;
                    kind
                }
            };
            let planned_at = self
                .between(c.received + time::Duration::days(7), c.end)
                .min(c.end);
            let mut on = london_date(planned_at);
            let last_day = london_date(c.end);
            let mut status = enforcement::PLANNED;
            let mut history = vec![(status, on)];
            for _ in 0..self.rng.random_range(0..4) {
                let next = enforcement::transitions::next(status);
                let next_on = on + time::Duration::days(self.rng.random_range(3..60));
                if next.is_empty() || next_on > last_day {
                    break;
                }
                // Most planned actions are then issued or served.
                status = if status == enforcement::PLANNED {
                    if self.rng.random_bool(0.85) {
                        enforcement::ISSUED
                    } else {
                        enforcement::WITHDRAWN
                    }
                } else {
                    self.pick(next)
                };
                on = next_on;
                history.push((status, on));
            }
            let issued_on = history
                .iter()
                .find(|(s, _)| *s == enforcement::ISSUED)
                .map(|(_, on)| *on);
            self.rows
                .perpetrator_actions
                .push(perpetrator_actions::ActiveModel {
                    id: Set(id),
                    case_id: Set(c.id),
                    party_id: Set(party),
                    kind: Set(kind.into()),
                    status: Set(status.into()),
                    status_on: Set(on),
                    planned_on: Set(history[0].1),
                    outcome: Set((history.len() > 2).then(|| "The order was granted for two years.".into())),
                    documents: Set(self
                        .rng
                        .random_bool(0.3)
                        .then(|| "Letter ref. WL/2025/118 in the document system".into())),
                    notes: Set(None),
                    created_by: Set(by),
                    created_at: Set(planned_at),
                    updated_by: Set((history.len() > 1).then_some(by)),
                    updated_at: Set((history.len() > 1).then(|| noon(on).min(c.end))),
                    version: Set(history.len() as i32),
                });
            for (k, (s, day)) in history.iter().enumerate() {
                // The first event is written with the action; each later one by the
                // status change's form, with its timeline row at the same instant.
                let at = if k == 0 { planned_at } else { noon(*day).min(c.end) };
                self.rows.events.push(perpetrator_action_events::ActiveModel {
                    id: Set(take(&mut self.ids.event)),
                    action_id: Set(id),
                    status: Set((*s).into()),
                    on_date: Set(*day),
                    note: Set((k > 0).then(|| "Served by hand.".into())),
                    created_by: Set(by),
                    created_at: Set(at),
                });
                let what = if k == 0 {
                    "enforcement-recorded"
                } else {
                    "enforcement-updated"
                };
                self.timeline(c, what, at, "Perpetrator action.", None, by);
            }
            // Court and notice dates once served: a hearing for court actions, an expiry
            // for notices.
            let Some(issued_on) = issued_on else { continue };
            let mut dates = vec![];
            if enforcement::USUALLY_HEARD.contains(&kind) {
                dates.push((
                    enforcement::HEARING,
                    Stage::CourtHearing,
                    self.rng.random_range(14..90),
                ));
            }
            if enforcement::USUALLY_NOTICED.contains(&kind) {
                dates.push((enforcement::NOTICE_EXPIRY, Stage::NoticeExpiry, 28));
            }
            for (legal_kind, stage, days) in dates {
                let legal = take(&mut self.ids.legal);
                let due_on = issued_on + time::Duration::days(days);
                let added = noon(issued_on).min(c.end);
                let note = (legal_kind == enforcement::HEARING).then(|| "Leicester County Court".to_owned());
                self.rows.legal.push(legal_dates::ActiveModel {
                    id: Set(legal),
                    case_id: Set(c.id),
                    action_id: Set(id),
                    kind: Set(legal_kind.into()),
                    due_on: Set(due_on),
                    note: Set(note.clone()),
                    created_by: Set(by),
                    created_at: Set(added),
                });
                self.timeline(
                    c,
                    "legal-date-added",
                    added,
                    "Court or notice date added.",
                    None,
                    by,
                );
                let due = end_of_london_day(due_on);
                let ended = matches!(status, enforcement::WITHDRAWN | enforcement::REFUSED);
                let outcome = if due < c.end.min(NOW) {
                    Outcome::Done(noon(due_on))
                } else if ended || c.closed.is_some() {
                    Outcome::NotApplicable(c.end)
                } else {
                    Outcome::Open
                };
                let title = enforcement::store::title(kind, note.as_deref());
                self.dated_deadline(c, stage, legal, &title, added, due, outcome);
            }
        }
    }

    /// A deadline on a date someone set (occurrence = the record's id), as `dated::add`
    /// plans it, settled by `outcome`; 5 % of open or met ones were extended a week.
    #[allow(clippy::too_many_arguments)]
    fn dated_deadline(
        &mut self,
        c: &Case,
        stage: Stage,
        source: i32,
        title: &str,
        created: OffsetDateTime,
        due: OffsetDateTime,
        outcome: Outcome,
    ) {
        let extended = self.rng.random_bool(0.05);
        let row = self.deadline_row(
            c,
            stage,
            source,
            harbour::deadlines::dated::UNIT,
            0,
            // From the start of the day at the latest, as `dated::add` plans it.
            created.min(start_of_london_day(london_date(due))),
            due,
            extended.then(|| due + time::Duration::days(7)),
            outcome,
            c.responsible,
        );
        let mut row = row;
        row.title = Set(Some(
            title.chars().take(harbour::deadlines::dated::TITLE_MAX).collect(),
        ));
        row.created_at = Set(created);
        self.rows.deadlines.push(row);
    }

    /// The procedure's deadlines: the report stages, the victim updates and manager
    /// reviews through the case's life (each counted from the last one done), and the
    /// closure letter and post-closure check on closed cases.
    fn timescale_deadlines(&mut self, c: &Case) {
        let mut stages = vec![
            Stage::InitialContact,
            Stage::RiskAssessment,
            Stage::VictimInterview,
            Stage::ActionPlan,
        ];
        for (stage, p) in [
            (Stage::GraffitiRemoval, 0.10),
            (
                Stage::WitnessesContacted,
                if c.witnesses.is_empty() { 0.0 } else { 0.9 },
            ),
            (
                Stage::PerpetratorInterviewed,
                if c.perpetrators.is_empty() { 0.0 } else { 0.8 },
            ),
        ] {
            if self.rng.random_bool(p) {
                stages.push(stage);
            }
        }
        for stage in stages {
            let ts = self.procedure.timescale(stage, c.priority);
            let due = ts.due(&self.calendar, c.received);
            let outcome = self.outcome(c, c.received, due);
            if let (Outcome::Done(at), Stage::InitialContact | Stage::VictimInterview) = (&outcome, stage) {
                let kind = if stage == Stage::InitialContact {
                    "phone-call"
                } else {
                    "visit"
                };
                let body = self.pick(&CONTACT_NOTES);
                self.timeline(c, kind, *at, body, Some(c.victim), c.responsible);
            }
            let extended = self
                .rng
                .random_bool(0.05)
                .then(|| self.calendar.due_in_working_days(due, 5));
            let row = self.deadline_row(
                c,
                stage,
                1,
                ts.unit.code(),
                ts.amount as i32,
                c.received,
                due,
                extended,
                outcome,
                c.responsible,
            );
            self.rows.deadlines.push(row);
        }
        self.recurring(c, Stage::VictimUpdate);
        self.recurring(c, Stage::ManagerReview);
        if let Some(closed) = c.closed {
            for stage in [Stage::ClosureLetter, Stage::PostClosureCheck] {
                let ts = self.procedure.timescale(stage, c.priority);
                let due = ts.due(&self.calendar, closed);
                let outcome = if due > NOW {
                    Outcome::Open
                } else {
                    Outcome::Done(self.between(closed, due))
                };
                let row = self.deadline_row(
                    c,
                    stage,
                    1,
                    ts.unit.code(),
                    ts.amount as i32,
                    closed,
                    due,
                    None,
                    outcome,
                    c.responsible,
                );
                self.rows.deadlines.push(row);
            }
        }
    }

    /// Occurrences of a recurring stage, each counted from when the last was done: victim
    /// updates done by a contact with the victim, manager reviews recorded by a manager.
    /// On an open case the last is open (a few overdue); on a closed case the one
    /// running at closure is no longer applicable.
    fn recurring(&mut self, c: &Case, stage: Stage) {
        let ts: Timescale = self.procedure.timescale(stage, c.priority);
        let mut anchor = c.received;
        for occurrence in 1..=MAX_OCCURRENCES {
            let due = ts.due(&self.calendar, anchor);
            let outcome = match c.closed {
                None if due > NOW || occurrence == MAX_OCCURRENCES => Outcome::Open,
                // The current occurrence, past due in the last fortnight: sometimes not
                // done yet (overdue).
                None if due > NOW - time::Duration::days(14) && self.rng.random_bool(0.3) => Outcome::Open,
                Some(closed) if due >= closed => Outcome::NotApplicable(closed),
                _ => {
                    let limit = c.end.min(NOW) - time::Duration::minutes(1);
                    let at = if self.rng.random_bool(0.1) {
                        due + time::Duration::hours(self.rng.random_range(1..72))
                    } else {
                        let room = (due - anchor).whole_seconds().max(60);
                        anchor + time::Duration::seconds(self.rng.random_range(room / 2..=room))
                    };
                    Outcome::Done(at.min(limit).max(anchor))
                }
            };
            let (resolver, next) = match outcome {
                Outcome::Done(at) => (
                    if stage == Stage::ManagerReview {
                        self.manager()
                    } else {
                        c.responsible
                    },
                    Some(at),
                ),
                _ => (c.responsible, None),
            };
            if let Some(at) = next {
                if stage == Stage::VictimUpdate {
                    let kind =
                        self.pick(&["phone-call", "phone-call", "visit", "letter", "email", "meeting"]);
                    let body = self.pick(&CONTACT_NOTES);
                    self.timeline(c, kind, at, body, Some(c.victim), c.responsible);
                } else {
                    self.timeline(
                        c,
                        "deadline-done",
                        at,
                        "Manager review recorded as done.",
                        None,
                        resolver,
                    );
                }
            }
            let row = self.deadline_row(
                c,
                stage,
                occurrence,
                ts.unit.code(),
                ts.amount as i32,
                anchor,
                due,
                None,
                outcome,
                resolver,
            );
            self.rows.deadlines.push(row);
            match next {
                Some(at) if c.closed.is_none_or(|closed| at < closed) => anchor = at,
                _ => break,
            }
        }
    }

    /// How a report-stage deadline ended up: open on an open case while not yet due (and
    /// 15 % past due: overdue); otherwise mostly met, 12 % late, 4 % waived, 4 % not
    /// applicable.
    fn outcome(&mut self, c: &Case, anchor: OffsetDateTime, due: OffsetDateTime) -> Outcome {
        if c.closed.is_none() && (due > NOW || self.rng.random_bool(0.15)) {
            return Outcome::Open;
        }
        let by = c.end.min(NOW) - time::Duration::minutes(1);
        let r: f64 = self.rng.random();
        if r < 0.04 {
            Outcome::Waived(due.min(by))
        } else if r < 0.08 {
            Outcome::NotApplicable(by)
        } else if r < 0.08 + 0.92 * 0.12 {
            let late = due + time::Duration::hours(self.rng.random_range(2..24 * 12));
            Outcome::Done(late.min(NOW - time::Duration::minutes(1)))
        } else {
            let room = (due.min(by) - anchor).whole_seconds().max(60);
            Outcome::Done(anchor + time::Duration::seconds(self.rng.random_range(room / 20..=room)))
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn deadline_row(
        &mut self,
        c: &Case,
        stage: Stage,
        occurrence: i32,
        unit: &str,
        amount: i32,
        anchor: OffsetDateTime,
        original_due: OffsetDateTime,
        extended_to: Option<OffsetDateTime>,
        outcome: Outcome,
        resolver: i32,
    ) -> deadlines::ActiveModel {
        let manager = self.manager();
        let (status, done_at, late, resolved_by, resolved_at, note) = match outcome {
            Outcome::Open => (OPEN, None, None, None, None, None),
            Outcome::Done(at) => (
                DONE,
                Some(at),
                Some(self.calendar.working_days_late(original_due, at) as i32),
                Some(resolver),
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
                Some(resolver),
                Some(at),
                Some("No longer applicable when the case was closed"),
            ),
        };
        let extended_to = extended_to.filter(|_| status == OPEN || status == DONE);
        // Extended the day before it fell due, with the row the extension form writes.
        let extended_at = extended_to.map(|_| (original_due.min(NOW) - time::Duration::days(1)).max(anchor));
        if let Some(at) = extended_at {
            let body = "Deadline extended: the victim is away until next week.";
            self.timeline(c, "deadline-extended", at, body, None, c.responsible);
        }
        deadlines::ActiveModel {
            id: Set(take(&mut self.ids.deadline)),
            case_id: Set(c.id),
            stage: Set(stage.code().into()),
            occurrence: Set(occurrence),
            procedure_version_id: Set(self.procedure.version_id),
            priority: Set(c.priority.code().into()),
            unit: Set(unit.into()),
            amount: Set(amount),
            anchored_at: Set(anchor),
            original_due_at: Set(original_due),
            due_at: Set(extended_to.unwrap_or(original_due)),
            status: Set(status.into()),
            done_at: Set(done_at),
            late_working_days: Set(late),
            resolved_by: Set(resolved_by),
            resolved_at: Set(resolved_at),
            resolution_note: Set(note.map(str::to_owned)),
            extended_at: Set(extended_at),
            extended_by: Set(extended_to.map(|_| c.responsible)),
            extension_reason: Set(extended_to.map(|_| "Victim away until next week".into())),
            created_at: Set(anchor),
            version: Set(1),
            title: Set(None),
        }
    }
}

/// Midday (UTC) of a day: when something recorded by date only happened.
fn noon(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc() + time::Duration::hours(12)
}

/// Inserts the batch's rows in one transaction, parents first.
async fn flush(db: &DatabaseConnection, rows: Rows) {
    let txn = harbour::db::begin(db).await.unwrap();
    insert(&txn, rows.cases).await;
    insert(&txn, rows.access).await;
    insert(&txn, rows.incidents).await;
    insert(&txn, rows.incident_types).await;
    insert(&txn, rows.people).await;
    insert(&txn, rows.parties).await;
    insert(&txn, rows.strands).await;
    insert(&txn, rows.closures).await;
    insert(&txn, rows.timeline).await;
    insert(&txn, rows.assessments).await;
    insert(&txn, rows.answers).await;
    insert(&txn, rows.plans).await;
    insert(&txn, rows.actions).await;
    insert(&txn, rows.measures).await;
    insert(&txn, rows.referrals).await;
    insert(&txn, rows.perpetrator_actions).await;
    insert(&txn, rows.events).await;
    insert(&txn, rows.legal).await;
    insert(&txn, rows.deadlines).await;
    txn.commit().await.unwrap();
}

/// Multi-row INSERTs of at most 30,000 bound values (SQLite allows 32,766) and 2,000 rows.
async fn insert<A>(txn: &DatabaseTransaction, rows: Vec<A>)
where
    A: ActiveModelTrait + Send,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_insert = (30_000 / columns.max(1)).clamp(1, 2_000);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_insert).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await
            .unwrap();
    }
}

/// Rows per table and the standing risk levels, for the report.
async fn print_mix(db: &DatabaseConnection) {
    let mut counts = vec![];
    for table in TABLES {
        counts.push(format!(
            "{table} {}",
            scalar(db, &format!("SELECT COUNT(*) FROM {table}")).await
        ));
    }
    println!("rows: {}", counts.join(", "));
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(risk_level, 'not assessed'), status, COUNT(*) FROM cases \
             GROUP BY risk_level, status ORDER BY 1, 2"
                .to_owned(),
        ))
        .await
        .unwrap();
    let mix: Vec<String> = rows
        .iter()
        .map(|r| {
            let level: String = r.try_get_by_index(0).unwrap();
            let status: String = r.try_get_by_index(1).unwrap();
            let count: i64 = r.try_get_by_index(2).unwrap();
            format!("{level} {status} {count}")
        })
        .collect();
    println!("cases by risk level and status: {}", mix.join(", "));
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .expect("a row")
        .try_get_by_index(0)
        .unwrap()
}

/// How much of each kind of record `case_id` has, for the report.
async fn describe_case(db: &DatabaseConnection, case_id: i32) -> String {
    let mut out = vec![];
    for (what, sql) in [
        (
            "reports",
            format!("SELECT COUNT(*) FROM incidents WHERE case_id = {case_id}"),
        ),
        (
            "people",
            format!("SELECT COUNT(*) FROM case_parties WHERE case_id = {case_id}"),
        ),
        (
            "timeline entries",
            format!("SELECT COUNT(*) FROM timeline_entries WHERE case_id = {case_id}"),
        ),
        (
            "assessments",
            format!("SELECT COUNT(*) FROM risk_assessments WHERE case_id = {case_id}"),
        ),
        (
            "plan agreements",
            format!("SELECT COUNT(*) FROM action_plans WHERE case_id = {case_id}"),
        ),
        (
            "plan actions",
            format!("SELECT COUNT(*) FROM plan_actions WHERE case_id = {case_id}"),
        ),
        (
            "support measures",
            format!("SELECT COUNT(*) FROM support_measures WHERE case_id = {case_id}"),
        ),
        (
            "referrals",
            format!("SELECT COUNT(*) FROM referrals WHERE case_id = {case_id}"),
        ),
        (
            "perpetrator actions",
            format!("SELECT COUNT(*) FROM perpetrator_actions WHERE case_id = {case_id}"),
        ),
        (
            "action events",
            format!(
                "SELECT COUNT(*) FROM perpetrator_action_events e JOIN perpetrator_actions a \
                 ON a.id = e.action_id WHERE a.case_id = {case_id}"
            ),
        ),
        (
            "legal dates",
            format!("SELECT COUNT(*) FROM legal_dates WHERE case_id = {case_id}"),
        ),
        (
            "deadlines",
            format!("SELECT COUNT(*) FROM deadlines WHERE case_id = {case_id}"),
        ),
    ] {
        out.push(format!("{} {what}", scalar(db, &sql).await));
    }
    out.join(", ")
}

/// The median (by records) of the timed officer's cases with a risk assessment, an action
/// plan with actions, a support measure and an action against a perpetrator: a typical
/// case with every panel of casework filled in.
async fn typical_case(db: &DatabaseConnection, officer: i32) -> cases::Model {
    let count = |table: &str| format!("(SELECT COUNT(*) FROM {table} x WHERE x.case_id = c.id)");
    let sql = format!(
        "SELECT c.id FROM cases c WHERE c.owner_id = {officer} AND c.risk_level IS NOT NULL \
         AND EXISTS (SELECT 1 FROM plan_actions x WHERE x.case_id = c.id) \
         AND EXISTS (SELECT 1 FROM support_measures x WHERE x.case_id = c.id) \
         AND EXISTS (SELECT 1 FROM perpetrator_actions x WHERE x.case_id = c.id) \
         ORDER BY {} + {} + {} + {} + {} + {} + {}, c.id",
        count("timeline_entries"),
        count("deadlines"),
        count("risk_assessments"),
        count("plan_actions"),
        count("support_measures"),
        count("referrals"),
        count("perpetrator_actions"),
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    assert!(!rows.is_empty(), "no worked case for {OFFICER}");
    let id: i32 = rows[rows.len() / 2].try_get_by_index(0).unwrap();
    cases::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

/// The case with the longest timeline.
async fn heavy_case(db: &DatabaseConnection) -> cases::Model {
    let id: i32 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT case_id FROM timeline_entries GROUP BY case_id ORDER BY COUNT(*) DESC, case_id LIMIT 1"
                .to_owned(),
        ))
        .await
        .unwrap()
        .expect("a timeline")
        .try_get_by_index(0)
        .unwrap();
    cases::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}
