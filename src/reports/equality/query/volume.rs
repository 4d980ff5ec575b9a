//! Volume: cases opened and reports received by month, strand, incident type, area and
//! priority, against the same period a year earlier.

use super::filters;
use crate::cases::visibility::Viewer;
use crate::reports::equality::{facts, params::Criteria};
use crate::reports::sql::{self, Sql, int, text};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::BTreeMap;

/// A breakdown of volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    Strand,
    IncidentType,
    Area,
    Priority,
    Month,
}

/// Volume by key: (cases opened, reports received, cases opened a year earlier).
pub type VolumeCounts = BTreeMap<String, (u64, u64, u64)>;

/// Volume by the key of `dim`, in one statement: key → (cases opened, reports received —
/// every report, further reports included — and cases opened in the same period a year
/// earlier; by month, a year-earlier month counts under this period's month).
pub async fn volume(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
    dim: Dimension,
) -> Result<VolumeCounts, DbErr> {
    let backend = db.get_database_backend();
    let earlier = criteria.a_year_earlier();
    let mut s = Sql::new("SELECT k, ");
    s.push(
        &format!("{}, {}, {} FROM (", sql::sum("o"), sql::sum("r"), sql::sum("p")),
        [],
    );
    // (which column counts, whose period, counting reports rather than cases)
    for (i, (column, period, reports)) in [(0, criteria, false), (1, criteria, true), (2, &earlier, false)]
        .into_iter()
        .enumerate()
    {
        let at = if reports { "i.received_at" } else { "c.received_at" };
        let (key, joins, values) = match dim {
            // Each case's set of strands and of incident types ("a|b", kept with its
            // facts): a case counts once under each member of its set. A report counts
            // once under each strand of its case.
            Dimension::Strand if !reports => ("c.strands".to_owned(), String::new(), vec![]),
            Dimension::Strand => (
                "st.code".to_owned(),
                "JOIN case_strands cs ON cs.case_id = c.id JOIN strands st ON st.id = cs.strand_id"
                    .to_owned(),
                vec![],
            ),
            Dimension::IncidentType if !reports => ("c.types".to_owned(), String::new(), vec![]),
            Dimension::IncidentType => (
                "it.type_code".to_owned(),
                "JOIN incident_types it ON it.incident_id = i.id".to_owned(),
                vec![],
            ),
            Dimension::Area => ("CAST(c.area_id AS VARCHAR(12))".to_owned(), String::new(), vec![]),
            Dimension::Priority => ("c.priority".to_owned(), String::new(), vec![]),
            Dimension::Month => {
                let (case, values) = month_case(period, criteria, at);
                (case, String::new(), values)
            }
        };
        // Reports are joined to their cases; cases are read with their facts as they stand.
        let (from, before) = sql::bounds(period.period.from, period.period.to);
        let mut base = Sql::default();
        if reports {
            base.push("incidents i JOIN cases c ON c.id = i.case_id", []);
        } else {
            let mut scope = Sql::default();
            scope.push(
                "c.received_at >= ? AND c.received_at < ?",
                [from.into(), before.into()],
            );
            scope.append(filters(criteria, viewer, backend));
            base.append(facts::current(backend, &scope));
            base.push(" c", []);
        }
        let flags = ["0", "0", "0"]
            .iter()
            .enumerate()
            .map(|(j, zero)| if j == column { "1" } else { zero })
            .collect::<Vec<_>>();
        if i > 0 {
            s.push(" UNION ALL ", []);
        }
        s.push(
            &format!(
                "SELECT {key} AS k, {} AS o, {} AS r, {} AS p FROM ",
                flags[0], flags[1], flags[2],
            ),
            values,
        );
        s.append(base);
        s.push(&format!(" {joins}"), []);
        if reports {
            s.push(
                &format!(" WHERE {at} >= ? AND {at} < ?"),
                [from.into(), before.into()],
            );
            s.append(filters(criteria, viewer, backend));
        }
    }
    s.push(") x WHERE k IS NOT NULL GROUP BY k", []);

    // A set key ("a|b") adds its counts to each of its members.
    let mut out = VolumeCounts::new();
    for row in s.all(db).await? {
        let counts = (int(&row, 1)?, int(&row, 2)?, int(&row, 3)?);
        for member in text(&row, 0)?.split('|') {
            let slot = out.entry(member.to_owned()).or_default();
            slot.0 += counts.0;
            slot.1 += counts.1;
            slot.2 += counts.2;
        }
    }
    Ok(out)
}

/// `CASE WHEN at >= ? AND at < ? THEN 'YYYY-MM' …`: the London month of `at` within
/// `period`, named as the same month of `named` (this period's, for a year earlier).
fn month_case(period: &Criteria, named: &Criteria, at: &str) -> (String, Vec<sea_orm::Value>) {
    let mut case = String::from("CASE");
    let mut values = vec![];
    for ((y, m), (ny, nm)) in period.period.months().into_iter().zip(named.period.months()) {
        let first = time::Date::from_calendar_date(y, m, 1).expect("first of month");
        let last = time::Date::from_calendar_date(y, m, m.length(y)).expect("last of month");
        let (from, before) = sql::bounds(first, last);
        case.push_str(&format!(
            " WHEN {at} >= ? AND {at} < ? THEN '{ny:04}-{:02}'",
            nm as u8
        ));
        values.push(from.into());
        values.push(before.into());
    }
    case.push_str(" ELSE 'other' END");
    (case, values)
}
