//! Connecting and migrating, the same way on SQLite and PostgreSQL.

pub mod bulk;
pub mod versioned;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, Statement, TransactionTrait,
};
use std::time::Duration;

/// Named advisory locks on PostgreSQL (arbitrary constants, unique per purpose).
#[derive(Clone, Copy)]
#[repr(i64)]
pub enum Lock {
    /// Migrations: instances starting together migrate one at a time.
    Migrations = 0x4841_5242_4f55_5201,
    /// Audit appends: two instances cannot both extend the chain from the same row.
    AuditChain = 0x4841_5242_4f55_5202,
    /// Changes to administrators: two admins cannot each remove the other as the last one.
    Administrators = 0x4841_5242_4f55_5203,
    /// Case numbers: two reports submitted at once get consecutive references.
    CaseReferences = 0x4841_5242_4f55_5204,
    /// Procedure versions: two administrators saving at once get consecutive numbers.
    Procedure = 0x4841_5242_4f55_5205,
    /// Risk question set versions: two administrators saving at once get consecutive numbers.
    RiskQuestions = 0x4841_5242_4f55_5206,
    /// The equality reports' facts: one recomputation of stale cases at a time.
    ReportFacts = 0x4841_5242_4f55_5207,
}

/// Serialises this transaction with every other holding `lock`, until it ends. On SQLite
/// transactions are already serial: each holds the one write lock from its start
/// ([`begin`]).
pub async fn lock_for_transaction(txn: &DatabaseTransaction, lock: Lock) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({})", lock as i64),
        ))
        .await?;
    }
    Ok(())
}

/// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
/// with several connections, a transaction that read first and then wrote would fail
/// instead of waiting if another connection wrote in between; taking the lock up front
/// makes writers queue (busy timeout) and keeps transactions serial, as PostgreSQL's
/// advisory locks make them there.
#[allow(clippy::disallowed_methods)] // the one place allowed to call it
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    if is_sqlite(db) {
        db.begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
    } else {
        db.begin().await
    }
}

/// Whether `db` is SQLite (one writer; each connection on a worker thread).
pub fn is_sqlite(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// SQLite connections in the pool: enough for readers on every core and a writer.
const SQLITE_CONNECTIONS: u32 = 4;

/// What a process connects for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Serving people and short commands: what a server needs.
    Serving,
    /// One long write of many rows in one transaction (`harbour import`, the demo
    /// landlord's filling) and nothing else.
    BulkWrite,
}

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_for(url, Work::Serving).await
}

pub async fn connect_for(url: &str, work: Work) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    // Every statement's text and time (never its values) at debug level, when an operator
    // asks for them: HARBOUR_LOG=sqlx=debug.
    opts.sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .acquire_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // Readers run side by side (WAL); writers queue for the one write lock, which
        // every transaction takes when it begins (`begin`).
        // An in-memory database is one per connection: it must stay on one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        opts.max_connections(if in_memory { 1 } else { SQLITE_CONNECTIONS })
            .map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    // Deleted and overwritten content is zeroed, not left in free pages: what
                    // disposal destroys is gone from the file, not just from the tables.
                    .pragma("secure_delete", "ON")
                    // Pages are read through a memory map of the file (up to SQLite's 2 GiB
                    // limit), not a system call each: each connection's 2 MiB page cache
                    // is cold for most of a large report, and at a million cases reading
                    // through it was a third of a report's time (docs/PERFORMANCE.md).
                    // Writes still go through the journal as before. The mapped pages are
                    // the operating system's file cache, shared by every connection.
                    .pragma("mmap_size", "2147418112")
                    // A bulk write's indexes outgrow the default 2 MiB page cache within
                    // a few thousand cases, and each page it misses is a system call; 32
                    // MiB (a fixed cost, whatever the file) took a tenth off 50,000 rows.
                    .pragma(
                        "cache_size",
                        if work == Work::BulkWrite {
                            "-32768"
                        } else {
                            "-2000"
                        },
                    )
                    // A statement that changes several rows inside a long transaction
                    // first copies each page it touches to a statement journal, a
                    // temporary file beyond 64 KiB: about 160 writes a case in an
                    // import, a fifth of its time (docs/PERFORMANCE.md). Held in memory it
                    // is freed as each statement ends. Only for a bulk write: in a server
                    // the same setting would also hold large sorts in memory.
                    .pragma(
                        "temp_store",
                        if work == Work::BulkWrite {
                            "MEMORY"
                        } else {
                            "DEFAULT"
                        },
                    )
            });
    } else {
        // No JIT compilation: PostgreSQL compiles any statement its planner costs highly,
        // and a report's statements are costed high and run in about a second; compiling
        // one of them took 2.5 of its 3.5 s at a million cases (docs/PERFORMANCE.md).
        opts.max_connections(10)
            .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    Database::connect(opts).await
}

/// A data step run once the schema is current: in the migration's transaction on
/// PostgreSQL, in a transaction of its own after the schema steps on SQLite.
pub type DataStep = for<'t> fn(
    &'t DatabaseTransaction,
    time::OffsetDateTime,
) -> std::pin::Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 't>>;

/// Runs pending migrations, then `after` (data steps the capabilities own, such as
/// planning deadlines for cases opened before them), stamped with the real time of the
/// migration. On PostgreSQL the whole run holds an advisory lock, so several instances
/// starting together migrate one at a time instead of racing. The crate root's `migrate`
/// names the steps.
pub async fn migrate_then(db: &DatabaseConnection, after: DataStep) -> Result<(), DbErr> {
    let now = crate::clock::truncate(time::OffsetDateTime::now_utc());
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = crate::db::begin(db).await?;
        lock_for_transaction(&txn, Lock::Migrations).await?;
        Migrator::up(&txn, None).await?;
        after(&txn, now).await?;
        txn.commit().await
    } else {
        // SQLite: the schema steps as the migrator runs them, the data steps after.
        Migrator::up(db, None).await?;
        let txn = crate::db::begin(db).await?;
        after(&txn, now).await?;
        txn.commit().await
    }
}

pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1".to_owned(),
    ))
    .await
    .is_ok()
}

/// Refreshes PostgreSQL's planner statistics after a bulk write (an import, the demo
/// landlord), and clears the dead row versions its own updates left. Autovacuum would get
/// there within minutes, but until then it plans for the tables as they were (a few rows)
/// and picks nested loops that cost 10×, and index scans step over every dead version (the
/// team's overdue count read 26,000 index entries for 49 deadlines: 17 ms against 1 ms).
/// Not on SQLite: its bundled build keeps STAT4 samples, and with them every statement whose plan a bound
/// value might change is compiled again on each run (16 % of a case page's CPU in
/// callgrind); its plans without statistics are the ones the indexes were made for.
/// A failure only costs speed, so it is logged, not returned. A connection, not a
/// transaction: VACUUM cannot run inside one.
pub async fn refresh_statistics(db: &DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    if let Err(e) = db
        .execute_raw(Statement::from_string(DbBackend::Postgres, "VACUUM (ANALYZE)"))
        .await
    {
        tracing::warn!(error = %e, "could not refresh the planner's statistics");
    }
}

/// For a transaction that writes many rows (an import): PostgreSQL plans each statement
/// for the values it is given instead of reusing a plan made while the tables were empty.
/// After five runs of a prepared statement it may settle on one generic plan; made when
/// `deadlines` held a few rows, that plan found a deadline by its status index instead of
/// its key, so each update read every open deadline the import had written so far
/// (an import slowed down as it grew: 6 ms a case at 1,000, 10 ms at 3,000).
pub async fn plan_for_growing_tables(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
    }
    Ok(())
}

/// Whether `e` means the database was too busy to take the work, not that the work was
/// wrong: SQLite's one write lock held past the busy timeout (a long import by another
/// process, say), or no pooled connection free in time. Nothing was written; the same
/// request may well succeed a minute later.
pub fn is_busy(e: &DbErr) -> bool {
    use sea_orm::{ConnAcquireErr, RuntimeErr, sqlx::sqlite::SqliteError};
    match e {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            let sea_orm::sqlx::Error::Database(db) = &**e else {
                return false;
            };
            // SQLITE_BUSY (5) with its extended codes. (SQLITE_LOCKED is a conflict
            // within one connection here, a fault, not someone else's long write.)
            let sqlite = db.try_downcast_ref::<SqliteError>().is_some();
            let code = db.code().and_then(|code| code.parse::<i32>().ok());
            sqlite && code.is_some_and(|code| code & 0xff == 5)
        }
        _ => false,
    }
}

/// A LIKE pattern matching `text` anywhere, with the user's `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    sea_orm::sea_query::LikeExpr::new(escaped).escape('\\')
}

/// The error is a unique index refusing a duplicate (e.g. two people creating one name).
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Every landlord setting (a few key/value rows): read whole, so that a page whose parts
/// each need some (case, calendar and retention settings on the case page) reads them once
/// (`page_memo`).
pub async fn settings(
    db: &impl ConnectionTrait,
) -> Result<std::sync::Arc<Vec<entity::settings::Model>>, DbErr> {
    crate::page_memo::kept_or(0, entity::settings::Entity::find().all(db)).await
}

/// Writes one landlord setting (a key/value row in `settings`), replacing its old value.
pub async fn put_setting(
    db: &impl ConnectionTrait,
    key: &str,
    value: String,
    now: time::OffsetDateTime,
    by: i32,
) -> Result<(), DbErr> {
    use entity::settings;
    use sea_orm::{ActiveValue::Set, sea_query::OnConflict};
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_at: Set(now),
        updated_by: Set(Some(by)),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_columns([
                settings::Column::Value,
                settings::Column::UpdatedAt,
                settings::Column::UpdatedBy,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
