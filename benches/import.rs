//! Import benchmark: a landlord's history as one CSV file (the demo landlord's generator,
//! deterministic: victims, repeat victims, alleged perpetrators, witnesses, first contacts,
//! closures, perpetrator action, satisfaction), read, checked and written by the same code
//! as `harbour import`, on a fresh database per size.
//!
//! For each size (default 10,000 and 50,000 rows) it times:
//! - the anchor: the same number of single-row INSERTs of a case-sized row in one
//!   transaction, through the same driver (the floor any row-by-row import pays);
//! - the check (read the CSV, plan every case, every problem) and the write (commit);
//!
//! The file is read from disk, as `harbour import` reads it (never held whole). The bench
//! also reads the process's peak resident memory while checking and writing each size
//! (Linux `VmHWM`, reset once the file is made; the generator's freed memory may still be
//! counted). Then, on a second fresh landlord, it runs the `harbour import` command itself
//! on the same file and reports its wall-clock time and peak memory, which nothing else
//! in this process inflates.
//!
//! Run: `cargo bench --bench import` (SQLite), or with
//! HARBOUR_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres.
//! HARBOUR_BENCH_ROWS (comma-separated sizes, default 10000,50000);
//! HARBOUR_BENCH_SAVE_CSV=DIR also saves each file as DIR/import-ROWS.csv.
//! Results: docs/PERFORMANCE.md.

mod support;

use entity::Role;
use harbour::{
    audit::Origin,
    cases::timeline::Actor,
    import::{self, commit},
};
use std::time::Instant;
use time::macros::datetime;

// As `harbour` itself allocates (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("HARBOUR_BENCH_ROWS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 50_000]);
    let now = datetime!(2026-11-23 09:00 UTC);
    println!(
        "| rows | cases | anchor: INSERTs | check | write | write ÷ anchor | peak memory | `harbour import` | its peak memory |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for rows in sizes {
        let (url, cleanup) = support::database("harbour_bench_import", false).await;
        let db = landlord(&url, now).await;
        let viewer = support::viewer(&db, "boss").await;
        let file = std::env::temp_dir().join(format!("harbour-bench-import-{rows}.csv"));
        std::fs::write(&file, to_csv(&harbour::demo::landlord(7, rows, now))).unwrap();
        if let Some(dir) = std::env::var_os("HARBOUR_BENCH_SAVE_CSV") {
            // For timing `harbour import` itself on the same file.
            std::fs::copy(
                &file,
                std::path::Path::new(&dir).join(format!("import-{rows}.csv")),
            )
            .unwrap();
        }
        // The generator's own rows are gone: measure the import's peak from here.
        reset_peak_memory();

        // The anchor held on one core too, as the write is: the same conditions.
        let held = harbour::db::is_sqlite(&db).then(harbour::one_cpu::hold);
        let anchor = anchor(&db, rows).await;
        drop(held);
        let started = Instant::now();
        let source = import::read::Source::Path(file.clone());
        let mut plan = import::check(&db, &viewer, source, None, now).await.unwrap();
        let checked = started.elapsed();
        assert!(
            plan.can_commit(),
            "the generated file has problems: {:?}",
            plan.problems.first()
        );
        let origin = Origin::default();
        let by = Actor {
            viewer: &viewer,
            origin: &origin,
            now,
        };
        let started = Instant::now();
        let target = commit::Target::File {
            name: "bench.csv",
            sheet: None,
        };
        // As `harbour import` writes (src/import/cli.rs).
        let held = harbour::db::is_sqlite(&db).then(harbour::one_cpu::hold);
        let counts = commit::commit(&db, &mut plan, target, &by, &mut |_| {})
            .await
            .unwrap()
            .unwrap();
        drop(held);
        let written = started.elapsed();
        let peak = peak_memory_mb();
        db.close().await.ok();
        cleanup.await;
        let (command, command_peak) = command(&file, now).await;
        println!(
            "| {rows} | {} | {:.2} s | {:.2} s | {:.2} s | {:.1} | {peak} MB | {:.2} s | {command_peak} MB |",
            counts.cases,
            anchor.as_secs_f64(),
            checked.as_secs_f64(),
            written.as_secs_f64(),
            written.as_secs_f64() / anchor.as_secs_f64(),
            command.as_secs_f64(),
        );
        std::fs::remove_file(&file).ok();
    }
}

/// A fresh landlord at `url`: three areas, the manager who imports and two officers.
async fn landlord(url: &str, now: time::OffsetDateTime) -> sea_orm::DatabaseConnection {
    // As `harbour import` connects (src/import/cli.rs).
    let db = harbour::db::connect_for(url, harbour::db::Work::BulkWrite)
        .await
        .unwrap();
    harbour::migrate(&db).await.unwrap();
    for name in ["North Estate", "Riverside", "Town Centre"] {
        harbour::admin::areas::store::find_or_create(&db, name, now)
            .await
            .unwrap();
    }
    let hash = harbour::auth::password::hash(support::PASSWORD.into())
        .await
        .unwrap();
    support::user(&db, now, &hash, "boss".into(), Role::Manager, vec![]).await;
    for officer in ["demo-officer", "demo-officer2"] {
        support::user(&db, now, &hash, officer.into(), Role::HarassmentOfficer, vec![]).await;
    }
    db
}

/// `harbour import FILE` on a fresh landlord: its wall-clock time and peak resident
/// memory in MB (`VmHWM`, read until it exits: it only rises).
async fn command(file: &std::path::Path, now: time::OffsetDateTime) -> (std::time::Duration, u64) {
    let (url, cleanup) = support::database("harbour_bench_import_command", false).await;
    landlord(&url, now).await.close().await.ok();
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harbour"))
        .args(["import", &file.display().to_string(), "--as", "boss"])
        .args(["--database-url", &url])
        .env("HARBOUR_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        peak = peak.max(kib(&status, "VmHWM:") / 1024);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    assert!(child.wait().unwrap().success(), "harbour import failed");
    cleanup.await;
    (took, peak)
}

fn to_csv(grid: &harbour::import::read::Grid) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&grid.headers).unwrap();
    for (_, row) in &grid.rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// `rows` single-row INSERTs of a case-sized row in one transaction.
async fn anchor(db: &sea_orm::DatabaseConnection, rows: usize) -> std::time::Duration {
    use sea_orm::{ConnectionTrait, Statement};
    support::exec(db, "CREATE TABLE bench_anchor (id INTEGER PRIMARY KEY, reference VARCHAR(32), received_at VARCHAR(40), description TEXT)").await;
    let backend = db.get_database_backend();
    let started = Instant::now();
    let txn = harbour::db::begin(db).await.unwrap();
    for i in 0..rows as i64 {
        let sql = if backend == sea_orm::DbBackend::Postgres {
            "INSERT INTO bench_anchor (id, reference, received_at, description) VALUES ($1, $2, $3, $4)"
        } else {
            "INSERT INTO bench_anchor (id, reference, received_at, description) VALUES (?, ?, ?, ?)"
        };
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                i.into(),
                format!("HC-2025-{i:06}").into(),
                "2025-03-14T10:20:00Z".into(),
                "Made-up report for the demo landlord.".into(),
            ],
        ))
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    started.elapsed()
}

/// The process's peak resident memory so far, in MB (Linux; 0 elsewhere).
/// Linux: writing 5 to `clear_refs` sets the peak (`VmHWM`) to what is resident now.
fn reset_peak_memory() {
    std::fs::write("/proc/self/clear_refs", "5").ok();
}

fn peak_memory_mb() -> u64 {
    kib(
        &std::fs::read_to_string("/proc/self/status").unwrap_or_default(),
        "VmHWM:",
    ) / 1024
}

/// A `/proc/PID/status` field in KiB.
fn kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}
