//! By victim ethnicity: each case's facts, counted by its set of victim categories, and the
//! cases behind a count (drill-down).

use super::filters;
use crate::reports::equality::{
    facts,
    groups::{self, ALL},
    params::Criteria,
};
use crate::reports::sql::{self, Sql, count_if, int, lit, text};
use crate::{
    cases::{codes, visibility::Viewer},
    deadlines::state::{DONE, OPEN},
    risk,
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

/// What the case-level CTEs need besides the criteria.
pub struct Context<'a> {
    pub criteria: &'a Criteria,
    pub viewer: &'a Viewer,
    pub now: OffsetDateTime,
    pub close_target_days: u32,
}

/// `WITH … f …`: the cases in the period with their facts as they stand
/// (`equality::facts`). `f.vkey` is the case's set of victim categories.
fn facts(cx: &Context, backend: DbBackend) -> Sql {
    let (from, before) = sql::bounds(cx.criteria.period.from, cx.criteria.period.to);
    // Cases received at least the target days before the period's end, or before today for
    // a period still running, so cases too young to have been closed are not counted.
    let cohort_before = before.min(cx.now) - Duration::days(i64::from(cx.close_target_days));
    let opened = "c.received_at >= ? AND c.received_at < ?";
    let closed = super::CLOSED_IN;
    let mut s = Sql::default();
    s.push(
        &format!(
            "WITH f AS MATERIALIZED (SELECT c.id, c.victims AS vkey, c.status, c.outcome, \
             CASE WHEN {opened} THEN 1 ELSE 0 END AS opened_in, \
             CASE WHEN {closed} THEN 1 ELSE 0 END AS closed_in, \
             CASE WHEN {opened} AND c.received_at < ? THEN 1 ELSE 0 END AS cohort, \
             CASE WHEN c.ic_status = {done} OR (c.ic_status = {open} AND {past}) THEN 1 ELSE 0 END AS ic_decided, \
             c.ic_met, c.first_contact_minutes AS first_minutes, c.close_minutes, \
             c.first_risk, c.provided, c.referred, c.sat_handling, c.sat_outcome FROM ",
            done = lit(DONE),
            open = lit(OPEN),
            past = sql::instants(backend, "c.ic_due_at", "<", "?"),
        ),
        [from, before, from, before, from, before, cohort_before, cx.now].map(Into::into),
    );
    let mut scope = Sql::default();
    scope.push(
        &format!("({opened}) OR ({closed})"),
        [from, before, from, before].map(Into::into),
    );
    scope.append(filters(cx.criteria, cx.viewer, backend));
    s.append(facts::current(backend, &scope));
    s.push(" c) ", []);
    s
}

/// `f`'s cases in ethnicity row `group` (a category, a group, Not known or All), as a
/// condition on its set of victim categories ("a|b", NULL when none is recorded).
fn member(group: &str) -> Sql {
    let mut s = Sql::default();
    if group == ALL {
        s.push("1 = 1", []);
    } else if let Some((_, _, prefix)) = groups::GROUPS.iter().find(|(code, ..)| *code == group) {
        s.push("'|' || f.vkey LIKE ?", [format!("%|{prefix}%").into()]);
    } else {
        let nobody = if group == codes::NOT_KNOWN {
            "f.vkey IS NULL OR "
        } else {
            ""
        };
        s.push(
            &format!("({nobody}'|' || f.vkey || '|' LIKE ?)"),
            [format!("%|{group}|%").into()],
        );
    }
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
    // One statement, grouped by each case's set of victim categories (`f.vkey`, "a|b"):
    // the counts, then the two histograms (value, cases) padded to the same columns. Each
    // case is counted once, and Rust adds each key's figures to the rows the key belongs to
    // (its categories, their groups, All), so a case with two victims in one group still
    // counts once in it.
    let key = format!("COALESCE(f.vkey, {})", lit(codes::NOT_KNOWN));
    let pad = vec!["NULL"; columns.len() - 1].join(", ");
    let histogram = |part: u8, value: &str, condition: &str| {
        format!(
            " UNION ALL SELECT {part}, {key}, {value}, COUNT(*), {pad} FROM f \
             WHERE {condition} GROUP BY {key}, {value}"
        )
    };
    let mut s = facts(cx, backend);
    s.push(
        &format!(
            "SELECT 0, {key}, CAST(NULL AS BIGINT), {} FROM f GROUP BY {key}{}{}",
            columns.join(", "),
            histogram(
                1,
                "f.first_minutes / 6",
                "f.opened_in = 1 AND f.first_minutes IS NOT NULL"
            ),
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
    s.push(&format!("SELECT COUNT(*) FROM f WHERE {condition} AND "), []);
    s.append(member(group));
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
    s.push(&format!("SELECT f.id FROM f WHERE {condition} AND "), []);
    s.append(member(group));
    s.push(
        " ORDER BY f.id LIMIT ? OFFSET ?",
        [(limit as i64).into(), (offset as i64).into()],
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
