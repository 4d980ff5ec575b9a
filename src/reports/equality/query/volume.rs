//! Volume: cases opened and reports received by month, strand, incident type, area and
//! priority, against the same period a year earlier.
//!
//! Four statements for the five breakdowns: cases by (area, priority, month) and by (strand
//! set, incident-type set), both years in one reading of the facts; reports by (area,
//! priority, month), and by strand and by incident type. Rust adds each group to the
//! breakdowns it belongs to.

use super::filters;
use crate::cases::visibility::Viewer;
use crate::reports::equality::{facts, params::Criteria};
use crate::reports::sql::{self, Sql, int, text};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::BTreeMap;

/// A breakdown of volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Strand,
    IncidentType,
    Area,
    Priority,
    Month,
}

/// Volume by key: (cases opened, reports received, cases opened a year earlier).
pub type VolumeCounts = BTreeMap<String, (u64, u64, u64)>;

/// Every breakdown's counts: key → (cases opened, reports received — every report,
/// further reports included — and cases opened in the same period a year earlier; by
/// month, a year-earlier month counts under this period's month).
pub type Volumes = BTreeMap<Dimension, VolumeCounts>;

/// Which of the three counts a row adds to.
#[derive(Clone, Copy)]
enum Count {
    Opened,
    Reports,
    Earlier,
}

/// The five breakdowns, each statement run by `run` (so the caller can bound how many run
/// at once).
pub async fn volumes<F, Fut>(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
    run: F,
) -> Result<Volumes, DbErr>
where
    F: Fn(Sql) -> Fut,
    Fut: Future<Output = Result<Vec<sea_orm::QueryResult>, DbErr>>,
{
    let backend = db.get_database_backend();
    let earlier = criteria.a_year_earlier();
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    let (e_from, e_before) = sql::bounds(earlier.period.from, earlier.period.to);

    // Cases of either year (the two may overlap for a period longer than a year): which
    // year they count in, read once from the facts as they stand.
    let cases = |keys: &[&str]| {
        let mut scope = Sql::default();
        scope.push(
            "((c.received_at >= ? AND c.received_at < ?) OR (c.received_at >= ? AND c.received_at < ?))",
            [from, before, e_from, e_before].map(Into::into),
        );
        scope.append(filters(criteria, viewer, backend));
        let mut s = Sql::default();
        s.push(
            "SELECT CASE WHEN c.received_at >= ? AND c.received_at < ? THEN 1 ELSE 0 END, \
             CASE WHEN c.received_at >= ? AND c.received_at < ? THEN 1 ELSE 0 END, ",
            [from, before, e_from, e_before].map(Into::into),
        );
        s.push(&format!("{}, COUNT(*) FROM ", keys.join(", ")), []);
        s.append(facts::current(backend, &scope));
        s.push(" c GROUP BY 1, 2, ", []);
        let key_columns: Vec<String> = (3..3 + keys.len()).map(|i| i.to_string()).collect();
        s.push(&key_columns.join(", "), []);
        s
    };
    // Reports received in the period, with their cases' keys (`tag` a constant naming
    // the breakdown: PostgreSQL refuses to group by a constant).
    let reports = |tag: &str, keys: &str, joins: &str| {
        let mut s = Sql::default();
        s.push(
            &format!(
                "SELECT 1, 0, {tag}{keys}, COUNT(*) FROM incidents i JOIN cases c ON c.id = i.case_id {joins} \
                 WHERE i.received_at >= ? AND i.received_at < ?"
            ),
            [from.into(), before.into()],
        );
        s.append(filters(criteria, viewer, backend));
        s.push(&format!(" GROUP BY {keys}"), []);
        s
    };
    let case_month = sql::london_month(backend, "c.received_at");
    let report_month = sql::london_month(backend, "i.received_at");
    let (area, priority) = ("CAST(c.area_id AS VARCHAR(12))", "c.priority");
    let (a, b, c, d) = tokio::try_join!(
        run(cases(&[area, priority, &case_month])),
        run(cases(&["c.strands", "c.types"])),
        run(reports("", &format!("{area}, {priority}, {report_month}"), "")),
        run({
            // A report counts once under each strand of its case and each of its types.
            let mut s = reports(
                "'s', ",
                "st.code",
                "JOIN case_strands cs ON cs.case_id = c.id JOIN strands st ON st.id = cs.strand_id",
            );
            s.push(" UNION ALL ", []);
            s.append(reports(
                "'t', ",
                "it.type_code",
                "JOIN incident_types it ON it.incident_id = i.id",
            ));
            s
        }),
    )?;

    let mut out = Volumes::new();
    let mut add = |dim: Dimension, key: &str, count: Count, n: u64| {
        // A set key ("a|b", kept with the case's facts) counts once under each member.
        for member in key.split('|').filter(|k| !k.is_empty()) {
            let slot = out.entry(dim).or_default().entry(member.to_owned()).or_default();
            match count {
                Count::Opened => slot.0 += n,
                Count::Reports => slot.1 += n,
                Count::Earlier => slot.2 += n,
            }
        }
    };
    let by_place = [Dimension::Area, Dimension::Priority, Dimension::Month];
    let by_kind = [Dimension::Strand, Dimension::IncidentType];
    // Each row: (in the period, in the year earlier, a key for each breakdown…, count).
    for (rows, dims, this_year) in [
        (a, &by_place[..], Count::Opened),
        (b, &by_kind[..], Count::Opened),
        (c, &by_place[..], Count::Reports),
    ] {
        for row in rows {
            let n = int(&row, 2 + dims.len())?;
            let (now, then) = (flag(&row, 0)?, flag(&row, 1)?);
            for (j, dim) in dims.iter().enumerate() {
                let key = text(&row, 2 + j)?;
                if now {
                    add(*dim, &key, this_year, n);
                }
                if then {
                    add(*dim, &a_year_on(*dim, &key), Count::Earlier, n);
                }
            }
        }
    }
    for row in d {
        let dim = if text(&row, 2)? == "s" {
            Dimension::Strand
        } else {
            Dimension::IncidentType
        };
        add(dim, &text(&row, 3)?, Count::Reports, int(&row, 4)?);
    }
    Ok(out)
}

/// A 1/0 column (an INTEGER on PostgreSQL, not a BIGINT like the counts).
fn flag(row: &sea_orm::QueryResult, i: usize) -> Result<bool, DbErr> {
    Ok(row.try_get_by_index::<i32>(i)? == 1)
}

/// A year-earlier key as this period's: a month ("YYYY-MM") a year on; others as they are.
fn a_year_on(dim: Dimension, key: &str) -> String {
    match (dim, key.split_once('-')) {
        (Dimension::Month, Some((year, month))) => match year.parse::<i32>() {
            Ok(year) => format!("{:04}-{month}", year + 1),
            Err(_) => key.to_owned(),
        },
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_earlier_month_counts_under_this_periods_month() {
        assert_eq!(a_year_on(Dimension::Month, "2024-12"), "2025-12");
        assert_eq!(a_year_on(Dimension::Month, "2025-01"), "2026-01");
        assert_eq!(a_year_on(Dimension::Area, "12"), "12");
        assert_eq!(a_year_on(Dimension::Priority, "high"), "high");
        assert_eq!(a_year_on(Dimension::Strand, "race-ethnicity"), "race-ethnicity");
    }
}
