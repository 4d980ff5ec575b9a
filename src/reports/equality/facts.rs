//! Each case's facts for the victim tables, kept in `report_facts` (migration 000012):
//! its victims' ethnicities, first contact with a victim, the first initial-contact
//! deadline, the first risk level, support provided, referrals made and the latest
//! satisfaction check. The database's triggers mark a case stale whenever a row its facts
//! come from changes, on every write path. Reports read [`current`]: the kept facts of the
//! cases not marked, and the marked ones computed as they are read, so a report only reads
//! (never waiting for SQLite's write lock, say during an import) and counts the data as it
//! stands. [`refresh`] (housekeeping, every ten minutes) writes the marked cases' facts.

use super::query::CONTACTS;
use crate::{
    cases::codes,
    db::{self, Lock},
    deadlines::state::DONE,
    procedure::Stage,
    reports::sql::{Sql, instants, list, lit, minutes_between},
    support,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr};

/// Cases recomputed in one transaction: no transaction holds SQLite's write lock for long
/// (0.1–0.8 s for 1,000 cases scattered over a million on the benchmark machine).
const CHUNK: i64 = 1_000;

/// `(… ) c`-ready: the facts as they stand of the cases `condition` selects — the kept
/// facts of the cases not marked, and the marked ones computed as they are read. The
/// condition may use only columns the facts share with `cases` under the alias `c` (id,
/// received_at, status, closed_at, outcome, area_id, priority, hate_perceived, logged_by),
/// and is applied inside both halves so each uses its table's indexes. (`NOT EXISTS`, not
/// `NOT IN`: PostgreSQL turns it into an anti-join instead of re-reading the marks per row.)
pub fn current(backend: DbBackend, condition: &Sql) -> Sql {
    let mut s = Sql::new(format!(
        "(SELECT {COLUMNS} FROM report_facts c WHERE NOT EXISTS (SELECT 1 FROM report_facts_stale m WHERE m.case_id = c.id) AND ("
    ));
    s.append(condition.clone());
    s.push(
        &format!(
            // From the few marked cases to theirs (SQLite would otherwise scan the period's
            // cases for the marked ones).
            ") UNION ALL {} WHERE c.id = s.case_id AND (",
            compute(backend, "report_facts_stale s CROSS JOIN cases c")
        ),
        [],
    );
    s.append(condition.clone());
    s.push("))", []);
    s
}

/// Recomputes the facts of every case marked stale and clears the markings it has seen,
/// a chunk of cases at a time, in case order. On PostgreSQL a case marked again while
/// this runs keeps its newer marking (each marking has its own number), so it is
/// recomputed next time rather than lost.
pub async fn refresh(db: &DatabaseConnection) -> Result<(), DbErr> {
    refresh_in_chunks(db, CHUNK).await
}

/// [`refresh`] with `chunk` cases a transaction (tests use small ones).
#[doc(hidden)]
pub async fn refresh_in_chunks(db: &DatabaseConnection, chunk: i64) -> Result<(), DbErr> {
    let mut after = 0;
    while let Some(last) = refresh_chunk(db, after, chunk).await? {
        after = last;
    }
    Ok(())
}

/// Recomputes the next chunk of stale cases after case `after`; the last case id it
/// covered, or `None` when none was left.
async fn refresh_chunk(db: &DatabaseConnection, after: i64, chunk: i64) -> Result<Option<i64>, DbErr> {
    let backend = db.get_database_backend();
    // Usually nothing is stale: one read, and no write lock.
    if last_stale(db, after, chunk).await?.is_none() {
        return Ok(None);
    }
    let txn = db::begin(db).await?;
    if backend == DbBackend::Postgres {
        db::lock_for_transaction(&txn, Lock::ReportFacts).await?;
    }
    let Some(last) = last_stale(&txn, after, chunk).await? else {
        return Ok(None); // another instance got there first
    };
    let range = format!("case_id > {after} AND case_id <= {last}");
    let batch = if backend == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "CREATE TEMP TABLE report_facts_batch ON COMMIT DROP AS \
             SELECT case_id, seq FROM report_facts_stale WHERE {range}"
        ))
        .await?;
        // Without statistics the planner guesses the batch's size and may scan every case.
        txn.execute_unprepared("ANALYZE report_facts_batch").await?;
        "report_facts_batch".to_owned()
    } else {
        // SQLite: this transaction holds the one write lock, so nothing is marked meanwhile.
        format!("report_facts_stale WHERE {range}")
    };
    txn.execute_unprepared(&format!(
        "DELETE FROM report_facts WHERE id IN (SELECT case_id FROM {batch})"
    ))
    .await?;
    // A deleted case (retention) has no row in `cases`, so it simply has no facts now.
    txn.execute_unprepared(&format!(
        "INSERT INTO report_facts ({COLUMNS}) {} WHERE c.id IN (SELECT case_id FROM {batch})",
        compute(backend, "cases c")
    ))
    .await?;
    txn.execute_unprepared(&if backend == DbBackend::Postgres {
        // A marking locked by a writer still at work is left (it will carry a newer
        // number): waiting for it could deadlock with a writer marking several cases.
        "DELETE FROM report_facts_stale WHERE ctid IN (SELECT s.ctid FROM report_facts_stale s \
         JOIN report_facts_batch b ON b.case_id = s.case_id AND b.seq = s.seq FOR UPDATE OF s SKIP LOCKED)"
            .to_owned()
    } else {
        format!("DELETE FROM report_facts_stale WHERE {range}")
    })
    .await?;
    txn.commit().await?;
    Ok(Some(last))
}

/// The last of the next `chunk` stale cases after case `after`.
async fn last_stale(db: &impl ConnectionTrait, after: i64, chunk: i64) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT MAX(case_id) FROM (SELECT case_id FROM report_facts_stale WHERE case_id > {after} \
                 ORDER BY case_id LIMIT {chunk}) x"
            ),
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<Option<i32>>(0)?.map(i64::from),
        None => None,
    })
}

/// The fact triggers a bulk write on SQLite has set aside (their `CREATE` statements).
#[must_use = "put the triggers back with `restore`"]
pub struct SetAside(Vec<String>);

/// On SQLite, inside a transaction that holds the write lock and writes only new cases (an
/// import): drops the fact triggers, which would otherwise run for every row written (12 %
/// of a 50,000-case import), so that [`SetAside::restore`] marks the new cases in one
/// statement. The drop is part of the transaction: if it rolls back, the triggers were
/// never gone, and no other connection can write meanwhile. On PostgreSQL (where dropping
/// a trigger would lock its table against every reader) nothing is set aside.
pub async fn set_aside(txn: &DatabaseTransaction) -> Result<SetAside, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        return Ok(SetAside(vec![]));
    }
    let rows = txn
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rf\\_%' ESCAPE '\\'",
        ))
        .await?;
    let mut created = vec![];
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        created.push(row.try_get_by_index::<String>(1)?);
        txn.execute_unprepared(&format!("DROP TRIGGER \"{name}\""))
            .await?;
    }
    Ok(SetAside(created))
}

impl SetAside {
    /// Marks the cases `cases` selects (`SELECT id FROM cases WHERE …`) and puts the
    /// triggers back, in the same transaction.
    pub async fn restore(self, txn: &DatabaseTransaction, cases: &str) -> Result<(), DbErr> {
        if self.0.is_empty() {
            return Ok(());
        }
        txn.execute_unprepared(&format!(
            "INSERT OR IGNORE INTO report_facts_stale (case_id, seq) SELECT id, 0 FROM ({cases}) x"
        ))
        .await?;
        for create in self.0 {
            txn.execute_unprepared(&create).await?;
        }
        Ok(())
    }
}

/// Marks every case stale, so the next report recomputes all facts (`harbour` has no use
/// for it in normal running: the triggers mark what changes; tests use it to compare).
pub async fn mark_all(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("DELETE FROM report_facts_stale").await?;
    db.execute_unprepared("INSERT INTO report_facts_stale (case_id, seq) SELECT id, 0 FROM cases")
        .await?;
    Ok(())
}

const COLUMNS: &str = "id, received_at, status, closed_at, outcome, area_id, priority, \
    hate_perceived, logged_by, victims, strands, types, first_contact_minutes, close_minutes, ic_status, ic_met, \
    ic_due_at, first_risk, provided, referred, sat_handling, sat_outcome";

/// `SELECT … FROM {cases} …` computing [`COLUMNS`] for each case `c` of `cases` (a WHERE
/// follows). Each fact is an index lookup on the case's own rows.
fn compute(backend: DbBackend, cases: &str) -> String {
    let victim = lit(codes::VICTIM);
    // The distinct values of `value` over `rows`, sorted and joined by "|" (NULL for none).
    let set = |value: &str, rows: &str| match backend {
        DbBackend::Postgres => {
            format!("(SELECT STRING_AGG(DISTINCT {value}, '|' ORDER BY {value}) FROM {rows})")
        }
        _ => format!(
            "(SELECT GROUP_CONCAT(e, '|') FROM (SELECT DISTINCT {value} AS e FROM {rows} ORDER BY e))"
        ),
    };
    let victims = set(
        "p.ethnicity",
        &format!(
            "case_parties cp JOIN people p ON p.id = cp.person_id WHERE cp.case_id = c.id AND cp.role = {victim}"
        ),
    );
    let strands = set(
        "st.code",
        "case_strands cs JOIN strands st ON st.id = cs.strand_id WHERE cs.case_id = c.id",
    );
    let types = set(
        "it.type_code",
        "incidents ti JOIN incident_types it ON it.incident_id = ti.id WHERE ti.case_id = c.id",
    );
    let first_at = format!(
        "(SELECT MIN(t.occurred_at) FROM timeline_entries t WHERE t.case_id = c.id AND t.kind IN {} \
         AND EXISTS (SELECT 1 FROM case_parties tp WHERE tp.case_id = t.case_id AND tp.person_id = t.person_id \
         AND tp.role = {victim}))",
        list(&CONTACTS)
    );
    format!(
        "SELECT c.id, c.received_at, c.status, c.closed_at, c.outcome, c.area_id, c.priority, \
         c.hate_perceived, c.logged_by, {victims}, {strands}, {types}, \
         {first_contact}, \
         CASE WHEN c.status = {closed} THEN {to_close} END, \
         d.status, CASE WHEN d.status = {done} AND {met} THEN 1 ELSE 0 END, d.original_due_at, \
         (SELECT ra.level FROM risk_assessments ra WHERE ra.case_id = c.id ORDER BY ra.assessed_at, ra.id LIMIT 1), \
         (SELECT COUNT(*) FROM support_measures y WHERE y.case_id = c.id AND y.status = {provided}), \
         (SELECT COUNT(*) FROM referrals y WHERE y.case_id = c.id AND y.status IN {made}), \
         x.handling, x.outcome \
         FROM {cases} \
         LEFT JOIN deadlines d ON d.case_id = c.id AND d.stage = {initial} AND d.occurrence = 1 \
         LEFT JOIN satisfaction_checks x ON x.id = (SELECT MAX(y.id) FROM satisfaction_checks y WHERE y.case_id = c.id \
         AND (y.closure_id IS NULL OR y.closure_id = (SELECT MAX(cc.id) FROM case_closures cc WHERE cc.case_id = c.id)))",
        first_contact = minutes_between(backend, &first_at, "c.received_at"),
        to_close = minutes_between(backend, "c.closed_at", "c.received_at"),
        closed = lit(codes::CLOSED),
        done = lit(DONE),
        met = instants(backend, "d.done_at", "<=", "d.original_due_at"),
        provided = lit(support::PROVIDED),
        made = list(&[support::SENT, support::RESPONDED]),
        initial = lit(Stage::InitialContact.code()),
    )
}
