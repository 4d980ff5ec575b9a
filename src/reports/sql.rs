//! Hand-written report SQL that runs on both databases: `?` placeholders (numbered `$n` for
//! PostgreSQL), the few expressions the two dialects spell differently, and the cases a
//! report may count. Reports aggregate in the database (GROUP BY and conditional sums); Rust
//! receives one row per group, or per (group, value) for medians.

use crate::auth::policy::{Permission, allows};
use crate::{calendar::start_of_london_day, cases::visibility::Viewer};
use entity::cases;
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryResult, QuerySelect, QueryTrait,
    Statement, Value,
};
use time::{Date, OffsetDateTime};

/// SQL text with `?` placeholders and their values, in order.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            values: vec![],
        }
    }

    /// Appends `text`, binding `values` to its placeholders.
    pub fn push(&mut self, text: &str, values: impl IntoIterator<Item = Value>) -> &mut Self {
        self.text.push_str(text);
        self.values.extend(values);
        self
    }

    pub fn append(&mut self, other: Sql) -> &mut Self {
        self.text.push_str(&other.text);
        self.values.extend(other.values);
        self
    }

    /// The statement for `backend` (PostgreSQL numbers its placeholders).
    pub fn statement(&self, backend: DbBackend) -> Statement {
        let text = match backend {
            DbBackend::Postgres => {
                let mut out = String::with_capacity(self.text.len() + 16);
                let mut n = 0;
                for ch in self.text.chars() {
                    if ch == '?' {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            _ => self.text.clone(),
        };
        Statement::from_sql_and_values(backend, text, self.values.clone())
    }

    pub async fn all(&self, db: &impl ConnectionTrait) -> Result<Vec<QueryResult>, DbErr> {
        db.query_all_raw(self.statement(db.get_database_backend())).await
    }
}

/// Whole minutes from `earlier` to `later` (NULL when either is NULL).
pub fn minutes_between(backend: DbBackend, later: &str, earlier: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 60) AS BIGINT)")
        }
        // julianday is a double: a small nudge keeps exact minutes from rounding down.
        _ => format!("CAST((julianday({later}) - julianday({earlier})) * 1440 + 0.0001 AS INTEGER)"),
    }
}

/// `a op b` for two instants (`op` one of `<`, `<=`), exact to the millisecond on SQLite
/// too (where instants are text and fractions of a second would otherwise compare as
/// characters).
pub fn instants(backend: DbBackend, a: &str, op: &str, b: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{a} {op} {b}"),
        _ => format!("julianday({a}) {op} julianday({b})"),
    }
}

/// The Europe/London month of instant `at`, as "YYYY-MM". SQLite has no time zones, but a
/// UTC instant is in another London month only in the last hour (23:00 UTC) of a month
/// whose next month starts in British Summer Time: March to September (summer time runs
/// from the last Sunday of March to the last Sunday of October, 01:00 UTC, and has since
/// 1981). Instants are stored in UTC as "YYYY-MM-DD HH…", so the text gives the month
/// directly, and only an instant of those hours is read an hour on.
pub fn london_month(backend: DbBackend, at: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("TO_CHAR({at} AT TIME ZONE 'Europe/London', 'YYYY-MM')"),
        _ => format!(
            "CASE WHEN substr({at}, 12, 2) = '23' AND substr({at}, 6, 2) BETWEEN '03' AND '09' \
             THEN strftime('%Y-%m', {at}, '+1 hour') ELSE substr({at}, 1, 7) END"
        ),
    }
}

/// A conditional count as a BIGINT on both databases (PostgreSQL sums to NUMERIC otherwise).
pub fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`.
pub fn count_if(cond: &str) -> String {
    sum(&format!("CASE WHEN {cond} THEN 1 ELSE 0 END"))
}

/// A string literal for a code the program itself defines (never user input).
pub fn lit(code: &str) -> String {
    debug_assert!(
        code.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    format!("'{}'", code.replace('\'', "''"))
}

/// `(a, b, c)` of literals.
pub fn list(codes: &[&str]) -> String {
    format!(
        "({})",
        codes.iter().map(|c| lit(c)).collect::<Vec<_>>().join(", ")
    )
}

/// The first instant of `from` and the first instant after `to`, London time, as UTC.
pub fn bounds(from: Date, to: Date) -> (OffsetDateTime, OffsetDateTime) {
    let before = to
        .next_day()
        .map(start_of_london_day)
        .unwrap_or(OffsetDateTime::new_utc(Date::MAX, time::Time::MIDNIGHT));
    (start_of_london_day(from), before)
}

/// ` AND …` restricting the cases aliased `c` to those the report may count for `viewer`.
pub fn visible(viewer: &Viewer, backend: DbBackend) -> Sql {
    match visibility(viewer, backend) {
        Some(subquery) => Sql::new(format!(" AND c.id IN ({subquery})")),
        None => Sql::default(),
    }
}

/// The cases a report counts for `viewer`, as a subquery; `None` for every case. Reports
/// are aggregates: managers count every case (as they see every case), and so does the
/// equality lead, who sees figures only, always in publication mode. Anyone else is held
/// to the visibility filter, so a future role with reports cannot count what it cannot see.
fn visibility(viewer: &Viewer, backend: DbBackend) -> Option<String> {
    if allows(viewer.role, Permission::CountEveryCaseInReports) {
        return None;
    }
    let query = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .filter(viewer.condition())
        .into_query();
    Some(match backend {
        DbBackend::Postgres => query.to_string(sea_orm::sea_query::PostgresQueryBuilder),
        _ => query.to_string(sea_orm::sea_query::SqliteQueryBuilder),
    })
}

/// An i64 from column `i` of a row (NULL as 0).
pub fn int(row: &QueryResult, i: usize) -> Result<u64, DbErr> {
    let v: Option<i64> = row.try_get_by_index(i)?;
    Ok(v.unwrap_or(0).max(0) as u64)
}

pub fn text(row: &QueryResult, i: usize) -> Result<String, DbErr> {
    let v: Option<String> = row.try_get_by_index(i)?;
    Ok(v.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered_in_order() {
        let mut s = Sql::new("SELECT ? + ?");
        s.values = vec![1.into(), 2.into()];
        s.push(" WHERE x = ?", [3.into()]);
        assert_eq!(
            s.statement(DbBackend::Postgres).sql,
            "SELECT $1 + $2 WHERE x = $3"
        );
        assert_eq!(s.statement(DbBackend::Sqlite).sql, "SELECT ? + ? WHERE x = ?");
    }

    #[test]
    fn literals_and_lists() {
        assert_eq!(list(&["visit", "phone-call"]), "('visit', 'phone-call')");
        assert_eq!(
            count_if("x = 1"),
            "CAST(COALESCE(SUM(CASE WHEN x = 1 THEN 1 ELSE 0 END), 0) AS BIGINT)"
        );
    }
}
