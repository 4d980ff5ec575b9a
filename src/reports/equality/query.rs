//! The report aggregates, each one SQL statement grouped in the database. Definitions (also
//! printed on the page):
//! - a case is **opened** in the period it was received, and **closed** in the period of its
//!   latest closure if it is still closed (a case closed, reopened and closed again counts
//!   once, with its latest outcome; a case reopened and still open is not closed);
//! - a case counts once in each ethnic category and group of its victims, and once in "All"
//!   (a case with no victim recorded counts as "Not known");
//! - first contact is the earliest visit, phone call, letter, e-mail or meeting with one of
//!   the case's victims (failed attempts and notes do not count), over cases opened;
//! - initial contact on time: initial-contact deadlines met ÷ (met + late + still overdue);
//! - closed within target: among cases opened at least the target days before the period's
//!   end, those closed within the target days of being received.

use super::{
    groups::{self, ALL},
    params::Criteria,
};
use crate::reports::sql::{self, Sql, count_if, int, list, lit, minutes_between, text, visible};
use crate::{
    cases::{codes, visibility::Viewer},
    deadlines::state::{DONE, OPEN},
    enforcement::{self, LADDER},
    procedure::Stage,
    risk, support,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// Contacts with a victim that count as first contact.
pub const CONTACTS: [&str; 5] = ["visit", "phone-call", "letter", "email", "meeting"];

/// One ethnicity row's raw counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VictimCounts {
    pub opened: u64,
    pub still_open: u64,
    pub closed: u64,
    /// By outcome code, in `codes::OUTCOMES` order.
    pub outcomes: Vec<u64>,
    pub ic_met: u64,
    pub ic_decided: u64,
    /// Standard, medium, high, not assessed.
    pub risk: [u64; 4],
    pub support_provided: u64,
    pub referrals: u64,
    pub target_cohort: u64,
    pub target_met: u64,
    /// Latest check of cases closed in the period, by `codes::SATISFACTION` code.
    pub handling: Vec<u64>,
    pub outcome_satisfaction: Vec<u64>,
}

impl VictimCounts {
    /// Adds `other`'s counts to these.
    fn add(&mut self, other: &VictimCounts) {
        let sum = |a: &mut Vec<u64>, b: &[u64]| {
            a.resize(a.len().max(b.len()), 0);
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        };
        self.opened += other.opened;
        self.still_open += other.still_open;
        self.closed += other.closed;
        sum(&mut self.outcomes, &other.outcomes);
        self.ic_met += other.ic_met;
        self.ic_decided += other.ic_decided;
        self.risk.iter_mut().zip(other.risk).for_each(|(x, y)| *x += y);
        self.support_provided += other.support_provided;
        self.referrals += other.referrals;
        self.target_cohort += other.target_cohort;
        self.target_met += other.target_met;
        sum(&mut self.handling, &other.handling);
        sum(&mut self.outcome_satisfaction, &other.outcome_satisfaction);
    }
}

/// The victim-ethnicity aggregates: counts by row code, and histograms (value, cases)
/// of first contact in tenths of an hour and of days to close.
#[derive(Clone, Debug, Default)]
pub struct Victims {
    pub counts: BTreeMap<String, VictimCounts>,
    pub first_contact: BTreeMap<String, Vec<(i64, u64)>>,
    pub days_to_close: BTreeMap<String, Vec<(i64, u64)>>,
}

/// ` AND …` restricting the cases aliased `c` to the criteria's filters and to the cases
/// the report may count for `viewer`.
pub fn filters(c: &Criteria, viewer: &Viewer, backend: DbBackend) -> Sql {
    let mut sql = Sql::default();
    if let Some(area) = c.area_id {
        sql.push(" AND c.area_id = ?", [area.into()]);
    }
    if let Some(priority) = c.priority {
        sql.push(" AND c.priority = ?", [priority.into()]);
    }
    if let Some(hate) = c.hate {
        sql.push(" AND c.hate_perceived = ?", [hate.into()]);
    }
    if let Some(strand) = &c.strand {
        sql.push(
            " AND EXISTS (SELECT 1 FROM case_strands fs JOIN strands fst ON fst.id = fs.strand_id \
             WHERE fs.case_id = c.id AND fst.code = ?)",
            [strand.clone().into()],
        );
    }
    sql.append(visible(viewer, backend));
    sql
}

/// What the case-level CTEs need besides the criteria.
pub struct Context<'a> {
    pub criteria: &'a Criteria,
    pub viewer: &'a Viewer,
    pub now: OffsetDateTime,
    pub close_target_days: u32,
}

/// `WITH scope … , f …, m …`: the cases in the period with their facts (`f`) and their
/// memberships of ethnicity rows (`m`).
fn facts(cx: &Context, backend: DbBackend) -> Sql {
    let (from, before) = sql::bounds(cx.criteria.period.from, cx.criteria.period.to);
    let cohort_before = before - Duration::days(i64::from(cx.close_target_days));
    let opened = "c.received_at >= ? AND c.received_at < ?";
    let closed = "c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?";
    let mut s = Sql::default();
    s.push(
        &format!(
            "WITH scope AS MATERIALIZED (SELECT c.id, c.received_at, c.status, c.closed_at, c.outcome, \
             CASE WHEN {opened} THEN 1 ELSE 0 END AS opened_in, \
             CASE WHEN {closed} THEN 1 ELSE 0 END AS closed_in \
             FROM cases c WHERE (({opened}) OR ({closed}))"
        ),
        [from, before, from, before, from, before, from, before].map(Into::into),
    );
    s.append(filters(cx.criteria, cx.viewer, backend));
    let victim = lit(codes::VICTIM);
    let first = minutes_between(backend, "s.first_at", "s.received_at");
    let to_close = minutes_between(backend, "s.closed_at", "s.received_at");
    // Each case's facts come from index lookups on its own rows (correlated subqueries),
    // so the cost follows the cases in the period, not the size of the tables.
    s.push(
        &format!(
            "), v AS MATERIALIZED (SELECT DISTINCT cp.case_id, p.ethnicity AS code FROM scope vs \
             JOIN case_parties cp ON cp.case_id = vs.id JOIN people p ON p.id = cp.person_id WHERE cp.role = {victim}), \
             m AS (SELECT case_id, code AS g FROM v \
             UNION ALL SELECT DISTINCT case_id, {group} FROM v WHERE code NOT IN {not_given} \
             UNION ALL SELECT id, '{ALL}' FROM scope \
             UNION ALL SELECT ms.id, {not_known} FROM scope ms WHERE NOT EXISTS (SELECT 1 FROM v WHERE v.case_id = ms.id)), \
             s AS (SELECT sc.*, d.status AS ic_status, d.done_at AS ic_done_at, d.original_due_at AS ic_due_at, \
             x.handling AS sat_handling, x.outcome AS sat_outcome, \
             CASE WHEN sc.opened_in = 1 THEN (SELECT MIN(t.occurred_at) FROM timeline_entries t \
             WHERE t.case_id = sc.id AND t.kind IN {contacts} AND EXISTS (SELECT 1 FROM case_parties tp \
             WHERE tp.case_id = t.case_id AND tp.person_id = t.person_id AND tp.role = {victim})) END AS first_at, \
             CASE WHEN sc.opened_in = 1 THEN (SELECT ra.level FROM risk_assessments ra WHERE ra.case_id = sc.id \
             ORDER BY ra.assessed_at, ra.id LIMIT 1) END AS first_risk, \
             CASE WHEN sc.opened_in = 1 THEN (SELECT COUNT(*) FROM support_measures y WHERE y.case_id = sc.id \
             AND y.status = {provided}) ELSE 0 END AS provided, \
             CASE WHEN sc.opened_in = 1 THEN (SELECT COUNT(*) FROM referrals y WHERE y.case_id = sc.id \
             AND y.status IN {made}) ELSE 0 END AS referred \
             FROM scope sc \
             LEFT JOIN deadlines d ON d.case_id = sc.id AND d.stage = {initial} AND d.occurrence = 1 \
             LEFT JOIN satisfaction_checks x ON x.id = (SELECT MAX(y.id) FROM satisfaction_checks y WHERE y.case_id = sc.id)), \
             f AS MATERIALIZED (SELECT s.id, s.opened_in, s.closed_in, s.status, s.outcome, \
             {first} AS first_minutes, \
             CASE WHEN s.status = 'closed' THEN {to_close} END AS close_minutes, \
             CASE WHEN s.opened_in = 1 AND s.received_at < ? THEN 1 ELSE 0 END AS cohort, \
             CASE WHEN s.ic_status = {done} AND s.ic_done_at <= s.ic_due_at THEN 1 ELSE 0 END AS ic_met, \
             CASE WHEN s.ic_status = {done} OR (s.ic_status = {open} AND s.ic_due_at < ?) THEN 1 ELSE 0 END AS ic_decided, \
             s.first_risk, \
             s.provided, s.referred, s.sat_handling, s.sat_outcome FROM s) ",
            group = groups::group_sql("code"),
            not_known = lit(codes::NOT_KNOWN),
            not_given = list(&[codes::NOT_KNOWN, codes::PREFER_NOT]),
            contacts = list(&CONTACTS),
            done = lit(DONE),
            open = lit(OPEN),
            initial = lit(Stage::InitialContact.code()),
            provided = lit(support::PROVIDED),
            made = list(&[support::SENT, support::RESPONDED]),
        ),
        [cohort_before.into(), cx.now.into()],
    );
    s
}

pub async fn victims(db: &impl ConnectionTrait, cx: &Context<'_>) -> Result<Victims, DbErr> {
    let s = victims_sql(cx, db.get_database_backend());
    read_victims(s.all(db).await?)
}

/// The one statement behind [`victims`] (for reading its plan).
pub fn victims_sql(cx: &Context<'_>, backend: DbBackend) -> Sql {
    let target_minutes = i64::from(cx.close_target_days) * 1440;
    let mut columns = vec![
        count_if("f.opened_in = 1"),
        count_if("f.opened_in = 1 AND f.status = 'open'"),
        count_if("f.closed_in = 1"),
    ];
    for (code, _) in codes::OUTCOMES {
        columns.push(count_if(&format!(
            "f.closed_in = 1 AND f.outcome = {}",
            lit(code)
        )));
    }
    columns.push(count_if("f.opened_in = 1 AND f.ic_met = 1"));
    columns.push(count_if("f.opened_in = 1 AND f.ic_decided = 1"));
    for (level, _) in risk::LEVELS {
        columns.push(count_if(&format!(
            "f.opened_in = 1 AND f.first_risk = {}",
            lit(level)
        )));
    }
    columns.push(count_if("f.opened_in = 1 AND f.first_risk IS NULL"));
    columns.push(sql::sum("CASE WHEN f.opened_in = 1 THEN f.provided ELSE 0 END"));
    columns.push(sql::sum("CASE WHEN f.opened_in = 1 THEN f.referred ELSE 0 END"));
    columns.push(count_if("f.cohort = 1"));
    columns.push(count_if(&format!(
        "f.cohort = 1 AND f.close_minutes IS NOT NULL AND f.close_minutes <= {target_minutes}"
    )));
    for which in ["sat_handling", "sat_outcome"] {
        for (code, _) in codes::SATISFACTION {
            columns.push(count_if(&format!(
                "f.closed_in = 1 AND f.{which} = {}",
                lit(code)
            )));
        }
    }
    // One statement, grouped by each case's set of victim categories (`k.key`, "a|b"):
    // the counts, then the two histograms (value, cases) padded to the same columns. Each
    // case is counted once, and Rust adds each key's figures to the rows the key belongs to
    // (its categories, their groups, All), so a case with two victims in one group still
    // counts once in it.
    let concat = match backend {
        DbBackend::Postgres => "STRING_AGG(code, '|')",
        _ => "GROUP_CONCAT(code, '|')",
    };
    let key = format!("COALESCE(k.key, {})", lit(codes::NOT_KNOWN));
    let pad = vec!["NULL"; columns.len() - 1].join(", ");
    let histogram = |part: u8, value: &str, condition: &str| {
        format!(
            " UNION ALL SELECT {part}, {key}, {value}, COUNT(*), {pad} FROM f LEFT JOIN k ON k.case_id = f.id \
             WHERE {condition} GROUP BY {key}, {value}"
        )
    };
    let mut s = facts(cx, backend);
    s.push(
        &format!(
            ", k AS (SELECT case_id, {concat} AS key FROM v GROUP BY case_id) \
             SELECT 0, {key}, CAST(NULL AS BIGINT), {} FROM f LEFT JOIN k ON k.case_id = f.id GROUP BY {key}{}{}",
            columns.join(", "),
            histogram(1, "f.first_minutes / 6", "f.opened_in = 1 AND f.first_minutes IS NOT NULL"),
            histogram(2, "f.close_minutes / 1440", "f.closed_in = 1"),
        ),
        [],
    );
    s
}

/// The rows a set of victim categories ("a|b") counts in: each category, its group, All.
fn rows_of(key: &str) -> Vec<String> {
    let mut rows: Vec<String> = vec![ALL.to_owned()];
    for code in key.split('|') {
        rows.push(code.to_owned());
        if let Some((group, ..)) = groups::GROUPS
            .iter()
            .find(|(_, _, prefix)| code.starts_with(prefix))
        {
            rows.push((*group).to_owned());
        }
    }
    rows.sort();
    rows.dedup();
    rows
}

fn read_victims(rows: Vec<sea_orm::QueryResult>) -> Result<Victims, DbErr> {
    let mut out = Victims::default();
    for row in rows {
        let part: i32 = row.try_get_by_index(0)?;
        let key = text(&row, 1)?;
        if part > 0 {
            let b: Option<i64> = row.try_get_by_index(2)?;
            let slot = if part == 1 {
                &mut out.first_contact
            } else {
                &mut out.days_to_close
            };
            let bin = (b.unwrap_or(0).max(0), int(&row, 3)?);
            for g in rows_of(&key) {
                slot.entry(g).or_default().push(bin);
            }
            continue;
        }
        let mut i = 2;
        let mut next = || {
            i += 1;
            int(&row, i)
        };
        let outcomes_n = codes::OUTCOMES.len();
        let sat_n = codes::SATISFACTION.len();
        let mut c = VictimCounts {
            opened: next()?,
            still_open: next()?,
            closed: next()?,
            ..Default::default()
        };
        c.outcomes = (0..outcomes_n).map(|_| next()).collect::<Result<_, _>>()?;
        c.ic_met = next()?;
        c.ic_decided = next()?;
        for slot in c.risk.iter_mut() {
            *slot = next()?;
        }
        c.support_provided = next()?;
        c.referrals = next()?;
        c.target_cohort = next()?;
        c.target_met = next()?;
        c.handling = (0..sat_n).map(|_| next()).collect::<Result<_, _>>()?;
        c.outcome_satisfaction = (0..sat_n).map(|_| next()).collect::<Result<_, _>>()?;
        for g in rows_of(&key) {
            out.counts.entry(g).or_default().add(&c);
        }
    }
    Ok(out)
}

/// How many cases are behind one victim-ethnicity count (drill-down); `None` for a
/// measure that cannot be drilled into.
pub async fn victim_case_count(
    db: &impl ConnectionTrait,
    cx: &Context<'_>,
    group: &str,
    measure: &str,
) -> Result<Option<u64>, DbErr> {
    let Some(condition) = drill_condition(measure) else {
        return Ok(None);
    };
    let mut s = facts(cx, db.get_database_backend());
    s.push(
        &format!("SELECT COUNT(*) FROM m JOIN f ON f.id = m.case_id WHERE m.g = ? AND {condition}"),
        [group.into()],
    );
    Ok(Some(match s.all(db).await?.first() {
        Some(row) => int(row, 0)?,
        None => 0,
    }))
}

/// A page of the case ids behind one victim-ethnicity count, by id.
pub async fn victim_case_ids(
    db: &impl ConnectionTrait,
    cx: &Context<'_>,
    group: &str,
    measure: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<i32>, DbErr> {
    let Some(condition) = drill_condition(measure) else {
        return Ok(vec![]);
    };
    let mut s = facts(cx, db.get_database_backend());
    s.push(
        &format!(
            "SELECT f.id FROM m JOIN f ON f.id = m.case_id WHERE m.g = ? AND {condition} ORDER BY f.id LIMIT ? OFFSET ?"
        ),
        [group.into(), (limit as i64).into(), (offset as i64).into()],
    );
    s.all(db)
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0))
        .collect()
}

/// The cases a drillable measure counts.
pub fn drill_condition(measure: &str) -> Option<String> {
    Some(match measure {
        "cases_opened" => "f.opened_in = 1".to_owned(),
        "cases_still_open" => "f.opened_in = 1 AND f.status = 'open'".to_owned(),
        "cases_closed" => "f.closed_in = 1".to_owned(),
        _ => {
            let outcome = measure.strip_prefix("closed_")?;
            let code = codes::find(&codes::OUTCOMES, outcome)?;
            format!("f.closed_in = 1 AND f.outcome = {}", lit(code))
        }
    })
}

/// A breakdown of volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    Strand,
    IncidentType,
    Area,
    Priority,
    Month,
}

/// Volume by the key of `dim`, in one statement: key → (cases opened, reports received —
/// every report, further reports included — and cases opened in the same period a year
/// earlier; by month, a year-earlier month counts under this period's month).
pub async fn volume(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
    dim: Dimension,
) -> Result<BTreeMap<String, (u64, u64, u64)>, DbErr> {
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
            Dimension::Strand => (
                "st.code".to_owned(),
                "JOIN case_strands cs ON cs.case_id = c.id JOIN strands st ON st.id = cs.strand_id"
                    .to_owned(),
                vec![],
            ),
            // A case counts once per type, however many of its reports name it (the
            // branch is DISTINCT on the case and the type).
            Dimension::IncidentType if !reports => (
                "it.type_code".to_owned(),
                "JOIN incidents ti ON ti.case_id = c.id JOIN incident_types it ON it.incident_id = ti.id"
                    .to_owned(),
                vec![],
            ),
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
        let base = if reports {
            "incidents i JOIN cases c ON c.id = i.case_id"
        } else {
            "cases c"
        };
        let flags = ["0", "0", "0"]
            .iter()
            .enumerate()
            .map(|(j, zero)| if j == column { "1" } else { zero })
            .collect::<Vec<_>>();
        let (from, before) = sql::bounds(period.period.from, period.period.to);
        if i > 0 {
            s.push(" UNION ALL ", []);
        }
        s.push(
            &format!(
                "SELECT {distinct} {counted} AS id, {key} AS k, {} AS o, {} AS r, {} AS p \
                 FROM {base} {joins} WHERE {at} >= ? AND {at} < ?",
                flags[0],
                flags[1],
                flags[2],
                distinct = if dim == Dimension::IncidentType && !reports {
                    "DISTINCT"
                } else {
                    ""
                },
                counted = if reports { "i.id" } else { "c.id" },
            ),
            values.into_iter().chain([from.into(), before.into()]),
        );
        s.append(filters(criteria, viewer, backend));
    }
    s.push(") x GROUP BY k", []);

    let mut out = BTreeMap::new();
    for row in s.all(db).await? {
        out.insert(text(&row, 0)?, (int(&row, 1)?, int(&row, 2)?, int(&row, 3)?));
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

/// One alleged-perpetrator row's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerpetratorCounts {
    pub people: u64,
    pub with_action: u64,
    /// Actions taken (beyond planned), by rung in `LADDER` order.
    pub rungs: Vec<u64>,
    /// Actions now granted, refused, breached, withdrawn.
    pub outcomes: [u64; 4],
}

pub const PERPETRATOR_OUTCOMES: [&str; 4] = [
    enforcement::GRANTED,
    enforcement::REFUSED,
    enforcement::BREACHED,
    enforcement::WITHDRAWN,
];
pub const UNKNOWN_PERSON: &str = "unknown-person";
pub const GROUP_OF_PEOPLE: &str = "group-of-people";

/// `WITH pc …, pp …`: cases opened in the period and their alleged perpetrators.
fn perpetrators_cte(criteria: &Criteria, viewer: &Viewer, backend: DbBackend) -> Sql {
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    let mut s = Sql::default();
    s.push(
        "WITH pc AS (SELECT c.id FROM cases c WHERE c.received_at >= ? AND c.received_at < ?",
        [from.into(), before.into()],
    );
    s.append(filters(criteria, viewer, backend));
    s.push(
        &format!(
            "), pp AS (SELECT DISTINCT cp.person_id, p.kind, p.ethnicity FROM case_parties cp \
             JOIN pc ON pc.id = cp.case_id JOIN people p ON p.id = cp.person_id WHERE cp.role = {}) ",
            lit(codes::PERPETRATOR)
        ),
        [],
    );
    s
}

pub async fn perpetrators(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<BTreeMap<String, PerpetratorCounts>, DbErr> {
    let backend = db.get_database_backend();
    let kind = |then: &str| {
        format!(
            "CASE WHEN kind = 'unknown' THEN '{UNKNOWN_PERSON}' WHEN kind = 'group' THEN '{GROUP_OF_PEOPLE}' ELSE {then} END"
        )
    };
    let mut columns = vec![
        "COUNT(DISTINCT pm.person_id)".to_owned(),
        "COUNT(DISTINCT acts.person_id)".to_owned(),
    ];
    for (rung, _) in LADDER {
        columns.push(count_if(&format!(
            "acts.kind = {} AND acts.status <> {}",
            lit(rung),
            lit(enforcement::PLANNED)
        )));
    }
    for status in PERPETRATOR_OUTCOMES {
        columns.push(count_if(&format!("acts.status = {}", lit(status))));
    }
    let mut s = perpetrators_cte(criteria, viewer, backend);
    s.push(
        &format!(
            ", pm AS (SELECT person_id, {by_category} AS g FROM pp UNION SELECT person_id, {by_group} FROM pp \
             UNION SELECT person_id, '{ALL}' FROM pp), \
             acts AS (SELECT cp.person_id, a.kind, a.status FROM perpetrator_actions a \
             JOIN case_parties cp ON cp.id = a.party_id JOIN pc ON pc.id = a.case_id) \
             SELECT pm.g, {columns} FROM pm LEFT JOIN acts ON acts.person_id = pm.person_id GROUP BY pm.g",
            by_category = kind("ethnicity"),
            by_group = kind(&groups::group_sql("ethnicity")),
            columns = columns.join(", ")
        ),
        [],
    );
    let mut out = BTreeMap::new();
    for row in s.all(db).await? {
        let mut c = PerpetratorCounts {
            people: int(&row, 1)?,
            with_action: int(&row, 2)?,
            ..Default::default()
        };
        c.rungs = (0..LADDER.len())
            .map(|i| int(&row, 3 + i))
            .collect::<Result<_, _>>()?;
        for (j, slot) in c.outcomes.iter_mut().enumerate() {
            *slot = int(&row, 3 + LADDER.len() + j)?;
        }
        out.insert(text(&row, 0)?, c);
    }
    Ok(out)
}

/// Named people alleged on two or more cases (any time), at least one of them opened in
/// the period: (person id, number of cases).
pub async fn repeat_perpetrators(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<Vec<(i32, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let mut s = perpetrators_cte(criteria, viewer, backend);
    s.push(
        &format!(
            "SELECT cp.person_id, COUNT(DISTINCT cp.case_id) FROM case_parties cp JOIN cases c ON c.id = cp.case_id \
             WHERE cp.role = {} AND cp.person_id IN (SELECT person_id FROM pp WHERE kind = {})",
            lit(codes::PERPETRATOR),
            lit(codes::NAMED)
        ),
        [],
    );
    // Every earlier case counts, whatever the filters, but only those the viewer may count.
    s.append(sql::visible(viewer, backend));
    s.push(
        " GROUP BY cp.person_id HAVING COUNT(DISTINCT cp.case_id) >= 2 ORDER BY COUNT(DISTINCT cp.case_id) DESC, cp.person_id",
        [],
    );
    s.all(db)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<i32>(0)?, int(r, 1)?)))
        .collect()
}

/// Recording completeness for one row: victims (or alleged perpetrators) on cases opened
/// in the period, counted once per case they are on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    pub people: u64,
    pub not_known: u64,
    pub prefer_not: u64,
}

/// By (key, role): key `all`, `area-N` or `officer-N` (the officer who logged the case).
pub async fn recording(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<BTreeMap<(String, String), Recording>, DbErr> {
    let backend = db.get_database_backend();
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    // One statement by (area, logging officer, role); All, each area and each officer are
    // added up from it.
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT c.area_id, c.logged_by, cp.role, COUNT(*), {nk}, {pn} FROM case_parties cp \
             JOIN cases c ON c.id = cp.case_id JOIN people p ON p.id = cp.person_id \
             WHERE p.kind = {named} AND cp.role IN {roles} AND c.received_at >= ? AND c.received_at < ?",
            nk = count_if(&format!("p.ethnicity = {}", lit(codes::NOT_KNOWN))),
            pn = count_if(&format!("p.ethnicity = {}", lit(codes::PREFER_NOT))),
            named = lit(codes::NAMED),
            roles = list(&[codes::VICTIM, codes::PERPETRATOR]),
        ),
        [from.into(), before.into()],
    );
    s.append(filters(criteria, viewer, backend));
    s.push(" GROUP BY c.area_id, c.logged_by, cp.role", []);
    let mut out: BTreeMap<(String, String), Recording> = BTreeMap::new();
    for row in s.all(db).await? {
        let area: i32 = row.try_get_by_index(0)?;
        let officer: i32 = row.try_get_by_index(1)?;
        let role = text(&row, 2)?;
        let (people, not_known, prefer_not) = (int(&row, 3)?, int(&row, 4)?, int(&row, 5)?);
        for key in [
            ALL.to_owned(),
            format!("area-{area}"),
            format!("officer-{officer}"),
        ] {
            let r = out.entry((key, role.clone())).or_default();
            r.people += people;
            r.not_known += not_known;
            r.prefer_not += prefer_not;
        }
    }
    Ok(out)
}

/// The other protected characteristics of victims on cases opened in the period, each as
/// (answered, prefer not to say, not asked), in `codes::CHARACTERISTICS` order.
pub async fn characteristics(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<Vec<(u64, u64, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    let prefer = lit(codes::PREFER_NOT);
    let columns: Vec<String> = codes::CHARACTERISTICS
        .iter()
        .flat_map(|ch| {
            let f = format!("p.{}", ch.field);
            [
                count_if(&format!("{f} IS NOT NULL AND {f} <> {prefer}")),
                count_if(&format!("{f} = {prefer}")),
                count_if(&format!("{f} IS NULL")),
            ]
        })
        .collect();
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT {} FROM case_parties cp JOIN cases c ON c.id = cp.case_id JOIN people p ON p.id = cp.person_id \
             WHERE p.kind = {} AND cp.role = {} AND c.received_at >= ? AND c.received_at < ?",
            columns.join(", "),
            lit(codes::NAMED),
            lit(codes::VICTIM)
        ),
        [from.into(), before.into()],
    );
    s.append(filters(criteria, viewer, backend));
    let rows = s.all(db).await?;
    let Some(row) = rows.first() else {
        return Ok(vec![(0, 0, 0); codes::CHARACTERISTICS.len()]);
    };
    (0..codes::CHARACTERISTICS.len())
        .map(|i| Ok((int(row, 3 * i)?, int(row, 3 * i + 1)?, int(row, 3 * i + 2)?)))
        .collect()
}

/// NM01's numerators: every case opened from `from` up to `before` (no filters: the
/// regulator's figure is landlord-wide), and those perceived as hate incidents.
pub async fn nm01(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    from: OffsetDateTime,
    before: OffsetDateTime,
) -> Result<(u64, u64), DbErr> {
    let backend = db.get_database_backend();
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT COUNT(*), {} FROM cases c WHERE c.received_at >= ? AND c.received_at < ?",
            count_if("c.hate_perceived")
        ),
        [from.into(), before.into()],
    );
    s.append(sql::visible(viewer, backend));
    let rows = s.all(db).await?;
    Ok(match rows.first() {
        Some(row) => (int(row, 0)?, int(row, 1)?),
        None => (0, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_counts_once_in_each_row_of_its_victims() {
        // Two Black victims of different categories: both categories, Black once, All.
        assert_eq!(
            rows_of("black-african|black-caribbean"),
            ["all", "black-african", "black-caribbean", "group-black"]
        );
        // Victims of two groups count in both.
        assert_eq!(
            rows_of("white-british|asian-indian"),
            [
                "all",
                "asian-indian",
                "group-asian",
                "group-white",
                "white-british"
            ]
        );
        // The answers that are not an ethnicity have no group.
        assert_eq!(rows_of("not-known"), ["all", "not-known"]);
        assert_eq!(
            rows_of("prefer-not-to-say|white-irish"),
            ["all", "group-white", "prefer-not-to-say", "white-irish"]
        );
    }

    #[test]
    fn only_the_listed_measures_can_be_drilled_into() {
        assert!(drill_condition("cases_opened").is_some());
        assert!(drill_condition("closed_unresolved-nfa").is_some());
        assert!(drill_condition("closed_nonsense").is_none());
        assert!(drill_condition("resolved_rate").is_none());
        assert!(drill_condition("1=1; DROP TABLE cases").is_none());
    }
}
