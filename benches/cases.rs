//! Caseload benchmark: a million cases, then the caseload queries timed two ways – the
//! query function alone (`cases::caseload::query::fetch`: count, page, victims, strands,
//! owners, areas) and the whole page over HTTP as a signed-in user (session, options,
//! rendering and, for searches, the audit row).
//!
//! Run: `cargo bench --bench cases` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL
//! (a database named harbour_bench_cases is created and dropped). HARBOUR_BENCH_CASES sets
//! the number of cases (default 1,000,000). Traffic goes only to a server on 127.0.0.1
//! started here; every loop is bounded. Results: docs/PERFORMANCE.md.

mod support;

use entity::{
    Role, case_access, case_parties, case_sequences, case_strands, cases, incidents, people, person_terms,
};
use harbour::{
    auth::password,
    cases::{
        caseload::{filters, query},
        codes,
        people::{name_key, postcode_key, tenancy_ref_key, terms},
        reference,
        visibility::Viewer,
    },
    clock::SystemClock,
    config::Settings,
    state::AppState,
    web::forms::FormErrors,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, QuerySelect, Statement,
};
use std::{collections::HashMap, net::SocketAddr, sync::Arc, time::Instant};
use time::{OffsetDateTime, macros::datetime};

const AREAS: usize = 20;
const HARASSMENT_OFFICERS: usize = 40;
const TENANCY_OFFICERS: usize = 100;
/// Rows per INSERT statement (SQLite allows 32,766 bound values; cases have 19 columns).
const BATCH: usize = 1000;
/// Timed runs per query, after one untimed warm-up (HARBOUR_BENCH_RUNS to change).
const RUNS: usize = 20;

const FIRST_NAMES: [&str; 40] = [
    "Amina",
    "Mohammed",
    "Fatima",
    "Oliver",
    "Olivia",
    "Jack",
    "Grace",
    "Kwame",
    "Ama",
    "Priya",
    "Rahul",
    "Aisha",
    "Yusuf",
    "Maria",
    "Jan",
    "Agnieszka",
    "Tomasz",
    "Chen",
    "Wei",
    "Sinead",
    "Patrick",
    "Bilal",
    "Sara",
    "Daniel",
    "Emily",
    "Hassan",
    "Leila",
    "Ion",
    "Elena",
    "Kofi",
    "Zainab",
    "Ravi",
    "Sunita",
    "George",
    "Ruby",
    "Ibrahim",
    "Nadia",
    "Marek",
    "Joy",
    "Samuel",
];
const SURNAMES: [&str; 60] = [
    "Khan",
    "Ahmed",
    "Begum",
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Patel",
    "Singh",
    "Kaur",
    "Ali",
    "Hussain",
    "Mensah",
    "Owusu",
    "Okafor",
    "Adeyemi",
    "Nowak",
    "Kowalski",
    "Wisniewski",
    "Popescu",
    "Ionescu",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Wang",
    "Li",
    "Zhang",
    "Nguyen",
    "Tran",
    "Campbell",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Clarke",
    "Jackson",
    "Lewis",
    "Young",
    "Hill",
    "Moore",
    "Rahman",
    "Miah",
    "Uddin",
    "Islam",
    "Chowdhury",
    "Shah",
    "Mahmood",
    "Iqbal",
    "Akhtar",
    "Bibi",
];
const STREETS: [&str; 30] = [
    "Oak",
    "Elm",
    "Ash",
    "Beech",
    "Cedar",
    "Maple",
    "Willow",
    "Holly",
    "Rowan",
    "Hazel",
    "Station",
    "Church",
    "Mill",
    "Park",
    "Victoria",
    "Albert",
    "Queens",
    "Kings",
    "Princess",
    "Granby",
    "Belgrave",
    "Melton",
    "Narborough",
    "Hinckley",
    "Uppingham",
    "Humberstone",
    "Aylestone",
    "Welford",
    "London",
    "Saffron",
];
const STREET_KINDS: [&str; 6] = ["Road", "Street", "Close", "Avenue", "Court", "Walk"];
const TOWNS: [&str; 4] = ["Leicester", "Loughborough", "Wigston", "Oadby"];
/// Strand ids in migration order: race, religion, disability, sexual orientation, transgender.
const STRAND_WEIGHTS: [(i32, f64); 5] = [(1, 0.65), (2, 0.20), (3, 0.08), (4, 0.05), (5, 0.02)];

struct Staff {
    areas: Vec<i32>,
    /// Harassment officers by area (each works in two).
    officers_by_area: HashMap<i32, Vec<i32>>,
    tenancy_by_area: HashMap<i32, Vec<i32>>,
    manager: Viewer,
    officer: Viewer,
    tenancy: Viewer,
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("HARBOUR_BENCH_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("HARBOUR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RUNS)
        .max(1);
    let (url, cleanup) = support::database("harbour_bench_cases", support::keep()).await;
    let db = harbour::db::connect(&url).await.expect("connect");
    harbour::migrate(&db).await.expect("migrate");
    // HARBOUR_BENCH_SQLITE_CACHE_MIB: try a larger SQLite page cache than the default
    // 2 MiB (one connection, so the setting holds for the whole run).
    if let Some(mib) = std::env::var("HARBOUR_BENCH_SQLITE_CACHE_MIB")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|_| url.starts_with("sqlite"))
    {
        support::exec(&db, &format!("PRAGMA cache_size = -{}", mib * 1024)).await;
        println!("SQLite page cache: {mib} MiB");
    }
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Harbour caseload benchmark on {backend}, {n} cases, {} cores",
        std::thread::available_parallelism().map_or(0, |c| c.get())
    );

    let reuse = support::keep() && cases::Entity::find().one(&db).await.unwrap().is_some();
    let staff = if reuse {
        println!("reusing the database generated earlier (HARBOUR_BENCH_KEEP)");
        existing_staff(&db).await
    } else {
        let started = Instant::now();
        let staff = staff(&db).await;
        let counts = generate(&db, n, &staff).await;
        if db.get_database_backend() == DbBackend::Postgres {
            for table in ["cases", "incidents", "people", "case_parties"] {
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
        // What autovacuum would have done by the time a landlord has a million cases:
        // statistics, and on PostgreSQL the visibility map that index-only scans need.
        let analyze = Instant::now();
        let maintenance = match db.get_database_backend() {
            DbBackend::Postgres => "VACUUM (ANALYZE)",
            _ => "ANALYZE",
        };
        support::exec(&db, maintenance).await;
        println!(
            "generated {} in {:.0} s; {maintenance} {:.1} s",
            counts,
            generated.as_secs_f64(),
            analyze.elapsed().as_secs_f64()
        );
        staff
    };

    let options = query::load_options(&db).await.unwrap();
    let viewer_areas = |v: &Viewer| v.area_ids.first().copied().unwrap_or(1);
    let sample = sample_case(&db).await;
    let area = viewer_areas(&staff.officer);
    let scenarios: Vec<(&str, &Viewer, String)> = vec![
        ("my cases, harassment officer", &staff.officer, "tab=mine".into()),
        (
            "my cases, tenancy officer (logged)",
            &staff.tenancy,
            "tab=mine".into(),
        ),
        ("triage queue, manager", &staff.manager, "tab=triage".into()),
        (
            "triage queue, harassment officer",
            &staff.officer,
            "tab=triage".into(),
        ),
        ("all cases, manager", &staff.manager, "tab=all".into()),
        ("all cases, harassment officer", &staff.officer, "tab=all".into()),
        (
            "all cases, tenancy officer (areas)",
            &staff.tenancy,
            "tab=all".into(),
        ),
        (
            "all, open + P1 + area + religion",
            &staff.manager,
            format!("tab=all&status=open&priority=p1&area={area}&strand=religion"),
        ),
        (
            "all, received in one month",
            &staff.officer,
            "tab=all&from=2025-03-01&to=2025-03-31".into(),
        ),
        (
            "all, sorted by priority",
            &staff.officer,
            "tab=all&sort=priority".into(),
        ),
        (
            "all, open in one area",
            &staff.manager,
            format!("tab=all&status=open&area={area}"),
        ),
        (
            "all, one strand (religion)",
            &staff.officer,
            "tab=all&strand=religion".into(),
        ),
        (
            "search: case reference",
            &staff.officer,
            format!("tab=all&q={}", sample.0),
        ),
        (
            "search: name prefix \"kha\"",
            &staff.officer,
            "tab=all&q=kha".into(),
        ),
        ("search: full name", &staff.officer, "tab=all&q=amina+khan".into()),
        (
            "search: postcode",
            &staff.officer,
            format!("tab=all&q={}", sample.1),
        ),
        (
            "search: postcode district",
            &staff.officer,
            "tab=all&q=le3".into(),
        ),
        (
            "search: address words",
            &staff.officer,
            "tab=all&q=12+oak+road".into(),
        ),
        (
            "search: tenancy reference",
            &staff.officer,
            format!("tab=all&q={}", sample.2),
        ),
        (
            "search: tenancy officer, surname",
            &staff.tenancy,
            "tab=all&q=smith".into(),
        ),
        (
            "deep page 2,000, manager",
            &staff.manager,
            "tab=all&page=2000".into(),
        ),
        (
            "deep page 2,000, harassment officer",
            &staff.officer,
            "tab=all&page=2000".into(),
        ),
    ];

    // The server, and a signed-in client per viewer.
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
    let mut clients = HashMap::new();
    for v in [&staff.manager, &staff.officer, &staff.tenancy] {
        clients.insert(v.id, support::sign_in(&base, &v.username).await);
    }

    println!();
    println!("| query | cases listed (total) | fetch p50 | fetch p95 | page p50 | page p95 |");
    println!("|---|---|---|---|---|---|");
    for (what, viewer, q) in &scenarios {
        let mut errors = FormErrors::default();
        let criteria = filters::parse(
            &filters::Filters::from_query(q),
            viewer.role,
            &options,
            &mut errors,
        );
        assert!(errors.is_empty(), "{q}");
        if std::env::var_os("HARBOUR_BENCH_EXPLAIN").is_some() {
            explain(&db, what, viewer, &criteria).await;
        }
        let mut fetch_times = vec![];
        let mut total = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let result = query::fetch(&db, viewer, &criteria).await.unwrap();
            if run > 0 {
                fetch_times.push(t.elapsed());
            }
            total = result.pager.total;
        }
        let client = &clients[&viewer.id];
        let mut page_times = vec![];
        for run in 0..=runs {
            let t = Instant::now();
            let res = client.get(format!("{base}/cases?{q}")).send().await.unwrap();
            assert_eq!(res.status(), 200, "{q}");
            res.bytes().await.unwrap();
            if run > 0 {
                page_times.push(t.elapsed());
            }
        }
        let (f50, f95) = support::percentiles(&mut fetch_times);
        let (p50, p95) = support::percentiles(&mut page_times);
        println!("| {what} | {total} | {f50:.1} ms | {f95:.1} ms | {p50:.1} ms | {p95:.1} ms |");
    }

    db.close().await.ok();
    cleanup.await;
}

/// Areas, staff (one password hash for all) and the three viewers timed.
async fn staff(db: &DatabaseConnection) -> Staff {
    let hash = password::hash(support::PASSWORD.into()).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let areas = support::areas(db, AREAS, now).await;
    let create = async |username: String, role: Role, area_ids: Vec<i32>| {
        support::user(db, now, &hash, username, role, area_ids).await
    };
    let mut officers_by_area: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut officer_ids = vec![];
    for i in 0..HARASSMENT_OFFICERS {
        let mine = vec![areas[i % AREAS], areas[(i + 1) % AREAS]];
        let id = create(format!("officer{i}"), Role::HarassmentOfficer, mine.clone()).await;
        for a in mine {
            officers_by_area.entry(a).or_default().push(id);
        }
        officer_ids.push(id);
    }
    let mut tenancy_by_area: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut tenancy_ids = vec![];
    for i in 0..TENANCY_OFFICERS {
        let id = create(
            format!("tenancy{i}"),
            Role::TenancyOfficer,
            vec![areas[i % AREAS]],
        )
        .await;
        tenancy_by_area.entry(areas[i % AREAS]).or_default().push(id);
        tenancy_ids.push(id);
    }
    let manager_id = create("manager".into(), Role::Manager, vec![]).await;
    let viewer = |id: i32, username: &str, role: Role, area_ids: Vec<i32>| Viewer {
        id,
        username: username.into(),
        display_name: format!("{username} Bench"),
        role,
        area_ids,
    };
    Staff {
        manager: viewer(manager_id, "manager", Role::Manager, vec![]),
        officer: viewer(
            officer_ids[2],
            "officer2",
            Role::HarassmentOfficer,
            vec![areas[2], areas[3]],
        ),
        tenancy: viewer(tenancy_ids[2], "tenancy2", Role::TenancyOfficer, vec![areas[2]]),
        areas,
        officers_by_area,
        tenancy_by_area,
    }
}

/// What was generated, for the report.
struct Counts {
    cases: usize,
    people: usize,
    terms: usize,
    strands: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases (and as many reports), {} people, {} search terms, {} case strands",
            self.cases, self.people, self.terms, self.strands
        )
    }
}

/// Generates `n` cases received over seven years, oldest first (ids follow time, as they
/// would in use), each with one report, a victim, 20 % with a named alleged perpetrator,
/// strands, and 0.3 % restricted (their owner named). Deterministic (fixed seed).
async fn generate(db: &DatabaseConnection, n: usize, staff: &Staff) -> Counts {
    let mut rng = StdRng::seed_from_u64(20261122);
    let start = datetime!(2020-01-01 00:00 UTC);
    let end = datetime!(2026-11-22 00:00 UTC);
    let span = (end - start).whole_seconds();
    let mut counts = Counts {
        cases: 0,
        people: 0,
        terms: 0,
        strands: 0,
    };
    let mut next_person = 1;
    let mut next_party = 1;
    let mut numbers: HashMap<i32, i32> = HashMap::new();
    let progress = Instant::now();
    let mut case_id = 1;
    while case_id <= n {
        let batch_end = (case_id + BATCH - 1).min(n);
        let mut case_rows = vec![];
        let mut incident_rows = vec![];
        let mut person_rows = vec![];
        let mut term_rows = vec![];
        let mut party_rows = vec![];
        let mut strand_rows = vec![];
        let mut access_rows = vec![];
        for id in case_id..=batch_end {
            let id32 = id as i32;
            let received =
                start + time::Duration::seconds(span * (id as i64 - 1) / n as i64 + rng.random_range(0..600));
            let year = received.year();
            let number = numbers.entry(year).or_insert(0);
            *number += 1;
            let area = staff.areas[rng.random_range(0..AREAS)];
            let age_days = (end - received).whole_days();
            let closed = rng.random_bool(if age_days > 120 { 0.98 } else { 0.4 });
            let officers = &staff.officers_by_area[&area];
            let owner =
                (closed || rng.random_bool(0.9)).then(|| officers[rng.random_range(0..officers.len())]);
            let loggers = &staff.tenancy_by_area[&area];
            let logged_by = loggers[rng.random_range(0..loggers.len())];
            let priority = if rng.random_bool(0.75) {
                codes::P1
            } else {
                codes::P2
            };
            let restricted = rng.random_bool(0.003);
            case_rows.push(cases::ActiveModel {
                id: Set(id32),
                reference: Set(reference::format(year, *number)),
                status: Set(if closed { codes::CLOSED } else { codes::OPEN }.into()),
                priority: Set(priority.into()),
                suggested_priority: Set(priority.into()),
                priority_reason: Set(None),
                hate_perceived: Set(true),
                perceived_by: Set(Some("victim".into())),
                area_id: Set(area),
                owner_id: Set(owner),
                logged_by: Set(logged_by),
                received_at: Set(received),
                opened_at: Set(received),
                updated_at: Set(received),
                closed_at: Set(closed.then_some(received + time::Duration::days(30))),
                outcome: Set(closed.then(|| "resolved".into())),
                restricted: Set(restricted),
                restricted_reason: Set(restricted.then(|| "Staff member involved".into())),
                version: Set(1),
                procedure_version_id: Set(1),
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
            incident_rows.push(incidents::ActiveModel {
                id: Set(id32),
                case_id: Set(id32),
                received_at: Set(received),
                received_how: Set("phone".into()),
                reporter_type: Set("victim".into()),
                reporter_name: Set(None),
                occurred_kind: Set("unknown".into()),
                occurred_at: Set(None),
                location_kind: Set("home".into()),
                location_address: Set(None),
                other_type: Set(None),
                description: Set("Shouted abuse at the victim outside their home".into()),
                police_involved: Set(false),
                police_known: Set(true),
                crime_reference: Set(None),
                logged_by: Set(logged_by),
                created_at: Set(received),
            });
            let mut strand = pick_strand(&mut rng);
            strand_rows.push((id32, strand));
            if rng.random_bool(0.15) {
                let second = pick_strand(&mut rng);
                if second != strand {
                    strand = second;
                    strand_rows.push((id32, strand));
                }
            }
            let people_here = if rng.random_bool(0.2) { 2 } else { 1 };
            for k in 0..people_here {
                let role = if k == 0 { codes::VICTIM } else { codes::PERPETRATOR };
                let person = make_person(&mut rng, next_person, area, logged_by, received, k == 0);
                for t in terms(&person) {
                    term_rows.push(person_terms::ActiveModel {
                        term: Set(t),
                        person_id: Set(person.id),
                    });
                }
                person_rows.push(people::ActiveModel::from(person).reset_all());
                party_rows.push(case_parties::ActiveModel {
                    id: Set(next_party),
                    case_id: Set(id32),
                    person_id: Set(next_person),
                    role: Set(role.into()),
                    incident_id: Set(Some(id32)),
                    added_at: Set(received),
                    added_by: Set(logged_by),
                });
                next_person += 1;
                next_party += 1;
            }
        }
        counts.cases += case_rows.len();
        counts.people += person_rows.len();
        counts.terms += term_rows.len();
        counts.strands += strand_rows.len();
        let txn = harbour::db::begin(db).await.unwrap();
        cases::Entity::insert_many(case_rows)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        incidents::Entity::insert_many(incident_rows)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        for chunk in chunks(person_rows, BATCH) {
            people::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        for chunk in chunks(term_rows, 5 * BATCH) {
            person_terms::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        for chunk in chunks(party_rows, BATCH) {
            case_parties::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        case_strands::Entity::insert_many(strand_rows.into_iter().map(|(case_id, strand_id)| {
            case_strands::ActiveModel {
                case_id: Set(case_id),
                strand_id: Set(strand_id),
            }
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
        if !access_rows.is_empty() {
            case_access::Entity::insert_many(access_rows)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        if batch_end.is_multiple_of(100_000) || batch_end == n {
            eprintln!(
                "  {batch_end} cases after {:.0} s",
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
    counts
}

fn chunks<T>(rows: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = vec![];
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        out.push(rows.by_ref().take(size).collect());
    }
    out
}

fn pick_strand(rng: &mut StdRng) -> i32 {
    let mut x: f64 = rng.random();
    for (id, weight) in STRAND_WEIGHTS {
        if x < weight {
            return id;
        }
        x -= weight;
    }
    1
}

/// A victim (with address, postcode and usually a tenancy) or a named alleged perpetrator.
fn make_person(
    rng: &mut StdRng,
    id: i32,
    area: i32,
    created_by: i32,
    at: OffsetDateTime,
    victim: bool,
) -> people::Model {
    let name = format!(
        "{} {}",
        FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())],
        SURNAMES[rng.random_range(0..SURNAMES.len())]
    );
    let (address, postcode, tenancy) = if victim {
        let letters = b"ABDEFGHJLNPQRSTUWXYZ";
        let postcode = format!(
            "LE{} {}{}{}",
            area % 10,
            rng.random_range(0..10),
            letters[rng.random_range(0..letters.len())] as char,
            letters[rng.random_range(0..letters.len())] as char
        );
        let address = format!(
            "{} {} {}, {}",
            rng.random_range(1..200),
            STREETS[rng.random_range(0..STREETS.len())],
            STREET_KINDS[rng.random_range(0..STREET_KINDS.len())],
            TOWNS[rng.random_range(0..TOWNS.len())]
        );
        let tenancy = rng.random_bool(0.8).then(|| format!("T-{id:07}"));
        (Some(address), Some(postcode), tenancy)
    } else {
        (None, None, None)
    };
    people::Model {
        id,
        kind: codes::NAMED.into(),
        name_key: Some(name_key(&name)),
        name: Some(name),
        description: None,
        phone: None,
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
    }
}

/// A reference, postcode and tenancy reference of a real victim, for the searches.
async fn sample_case(db: &DatabaseConnection) -> (String, String, String) {
    let person = people::Entity::find_by_id(4242).one(db).await.unwrap().unwrap();
    let case: (String,) = case_parties::Entity::find()
        .select_only()
        .column(cases::Column::Reference)
        .join(
            sea_orm::JoinType::InnerJoin,
            case_parties::Entity::belongs_to(cases::Entity)
                .from(case_parties::Column::CaseId)
                .to(cases::Column::Id)
                .into(),
        )
        .filter(case_parties::Column::PersonId.eq(person.id))
        .into_tuple()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    (
        case.0,
        encode(person.postcode.as_deref().unwrap_or("LE1 1AA")),
        encode(person.tenancy_ref.as_deref().unwrap_or("T-0004242")),
    )
}

/// The staff of a kept database, found by username.
async fn existing_staff(db: &DatabaseConnection) -> Staff {
    let find = async |username: &str| {
        let user = entity::users::Entity::find()
            .filter(entity::users::Column::UsernameKey.eq(username))
            .one(db)
            .await
            .unwrap()
            .expect("kept database has the bench users");
        let area_ids: Vec<i32> = entity::user_areas::Entity::find()
            .select_only()
            .column(entity::user_areas::Column::AreaId)
            .filter(entity::user_areas::Column::UserId.eq(user.id))
            .into_tuple()
            .all(db)
            .await
            .unwrap();
        Viewer {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            area_ids,
        }
    };
    Staff {
        areas: vec![],
        officers_by_area: HashMap::new(),
        tenancy_by_area: HashMap::new(),
        manager: find("manager").await,
        officer: find("officer2").await,
        tenancy: find("tenancy2").await,
    }
}

/// Prints the plans of a scenario's count and page queries (HARBOUR_BENCH_EXPLAIN=1):
/// SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE.
async fn explain(db: &DatabaseConnection, what: &str, viewer: &Viewer, c: &filters::Criteria) {
    use sea_orm::QueryTrait;
    let backend = db.get_database_backend();
    let c = &query::planned(db, c).await.unwrap();
    let count = query::select(viewer, c, query::Purpose::Count).build(backend);
    let offset = c.page.unwrap_or(1).saturating_sub(1) * 50;
    let page = query::sorted(query::select(viewer, c, query::Purpose::Page), c.sort)
        .select_only()
        .column(cases::Column::Id)
        .limit(50)
        .offset(offset)
        .build(backend);
    let prefix = match backend {
        DbBackend::Postgres => "EXPLAIN (ANALYZE, COSTS OFF) ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    println!("\n### {what}");
    for (label, stmt, wrap) in [("count", count, true), ("page", page, false)] {
        let sql = if wrap {
            format!("SELECT COUNT(*) FROM ({}) AS sub", stmt.sql)
        } else {
            stmt.sql.clone()
        };
        println!("{label}: {sql}");
        let values = stmt.values.unwrap_or_else(|| sea_orm::Values(vec![]));
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("{prefix}{sql}"),
                values,
            ))
            .await
            .unwrap();
        for row in rows {
            let line: String = match backend {
                DbBackend::Postgres => row.try_get_by_index(0).unwrap(),
                _ => row.try_get_by_index(3).unwrap(),
            };
            println!("    {line}");
        }
    }
}
