//! By victim ethnicity: each case's facts, counted by its set of victim categories, and the
//! cases behind a count (drill-down).

use super::filters;
use crate::reports::equality::{
    facts,
    groups::{self, ALL},
    params::Criteria,
};
use crate::reports::sql::{self, Sql, int, lit, text};
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

/// The parts of [`victims_sql`]'s answer, in its first column.
const OPENED: i32 = 0;
const CLOSED: i32 = 1;
const FIRST_CONTACT: i32 = 2;
const DAYS_TO_CLOSE: i32 = 3;

/// The one statement behind [`victims`] (for reading its plan): the period's cases grouped
/// by their set of victim categories (`f.vkey`, "a|b") and by the facts each measure
/// counts, so the database sorts each case once instead of testing ~45 conditions on it.
/// Rows: (part, key, text facts ×3, value, flags ×5, cases, support provided, referrals):
/// - cases opened, by (first risk level; open, initial contact decided, met, in the
///   closing-target cohort, closed within the target);
/// - cases closed, by (outcome, satisfaction with handling, with the outcome);
/// - the two histograms (value, cases): first contact in tenths of an hour, days to close.
///
/// Each case is counted once per part, and Rust adds each key's figures to the rows the key
/// belongs to (its categories, their groups, All), so a case with two victims in one group
/// still counts once in it.
pub fn victims_sql(cx: &Context<'_>, backend: DbBackend) -> Sql {
    let target_minutes = i64::from(cx.close_target_days) * 1440;
    let key = format!("COALESCE(f.vkey, {})", lit(codes::NOT_KNOWN));
    let no_text = "CAST(NULL AS VARCHAR(32))";
    let no_flags = "0, 0, 0, 0, 0";
    let opened = format!(
        "SELECT {OPENED}, {key}, f.first_risk, {no_text}, {no_text}, CAST(NULL AS BIGINT), \
         CASE WHEN f.status = 'open' THEN 1 ELSE 0 END, f.ic_decided, f.ic_met, f.cohort, \
         CASE WHEN f.cohort = 1 AND f.close_minutes IS NOT NULL AND f.close_minutes <= {target_minutes} THEN 1 ELSE 0 END, \
         COUNT(*), {provided}, {referred} FROM f WHERE f.opened_in = 1 GROUP BY {key}, f.first_risk, 7, 8, 9, 10, 11",
        provided = sql::sum("f.provided"),
        referred = sql::sum("f.referred"),
    );
    let closed = format!(
        " UNION ALL SELECT {CLOSED}, {key}, f.outcome, f.sat_handling, f.sat_outcome, NULL, {no_flags}, COUNT(*), 0, 0 \
         FROM f WHERE f.closed_in = 1 GROUP BY {key}, f.outcome, f.sat_handling, f.sat_outcome"
    );
    let histogram = |part: i32, value: &str, condition: &str| {
        format!(
            " UNION ALL SELECT {part}, {key}, NULL, NULL, NULL, {value}, {no_flags}, COUNT(*), 0, 0 FROM f \
             WHERE {condition} GROUP BY {key}, {value}"
        )
    };
    let mut s = facts(cx, backend);
    s.push(
        &format!(
            "{opened}{closed}{}{}",
            histogram(
                FIRST_CONTACT,
                "f.first_minutes / 6",
                "f.opened_in = 1 AND f.first_minutes IS NOT NULL"
            ),
            histogram(DAYS_TO_CLOSE, "f.close_minutes / 1440", "f.closed_in = 1"),
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

/// Where `code` is in `list`, if it is there.
fn position(list: &[codes::Code], code: &str) -> Option<usize> {
    list.iter().position(|(c, _)| *c == code)
}

fn read_victims(rows: Vec<sea_orm::QueryResult>) -> Result<Victims, DbErr> {
    let mut out = Victims::default();
    let mut by_key: BTreeMap<String, VictimCounts> = BTreeMap::new();
    for row in rows {
        let part: i32 = row.try_get_by_index(0)?;
        let key = text(&row, 1)?;
        let facts: [Option<String>; 3] = [
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
        ];
        let flags = (6..11)
            .map(|i| Ok(row.try_get_by_index::<Option<i32>>(i)?.unwrap_or(0) == 1))
            .collect::<Result<Vec<bool>, DbErr>>()?;
        let cases = int(&row, 11)?;
        if part == FIRST_CONTACT || part == DAYS_TO_CLOSE {
            let value: Option<i64> = row.try_get_by_index(5)?;
            let slot = if part == FIRST_CONTACT {
                &mut out.first_contact
            } else {
                &mut out.days_to_close
            };
            for g in rows_of(&key) {
                slot.entry(g)
                    .or_default()
                    .push((value.unwrap_or(0).max(0), cases));
            }
            continue;
        }
        let c = by_key.entry(key).or_insert_with(|| VictimCounts {
            outcomes: vec![0; codes::OUTCOMES.len()],
            handling: vec![0; codes::SATISFACTION.len()],
            outcome_satisfaction: vec![0; codes::SATISFACTION.len()],
            ..Default::default()
        });
        let [first, second, third] = &facts;
        if part == OPENED {
            let [open, ic_decided, ic_met, cohort, in_target] = flags[..] else {
                unreachable!("five flags")
            };
            c.opened += cases;
            c.still_open += if open { cases } else { 0 };
            c.ic_decided += if ic_decided { cases } else { 0 };
            c.ic_met += if ic_met { cases } else { 0 };
            c.target_cohort += if cohort { cases } else { 0 };
            c.target_met += if in_target { cases } else { 0 };
            // Not assessed counts in the last column; a level no longer known in none.
            let level = match first.as_deref() {
                None => Some(risk::LEVELS.len()),
                Some(level) => position(&risk::LEVELS, level),
            };
            if let Some(i) = level {
                c.risk[i] += cases;
            }
            c.support_provided += int(&row, 12)?;
            c.referrals += int(&row, 13)?;
        } else if part == CLOSED {
            c.closed += cases;
            let counted = [
                (first, &codes::OUTCOMES[..], &mut c.outcomes),
                (second, &codes::SATISFACTION[..], &mut c.handling),
                (third, &codes::SATISFACTION[..], &mut c.outcome_satisfaction),
            ];
            for (fact, list, slot) in counted {
                if let Some(i) = fact.as_deref().and_then(|f| position(list, f)) {
                    slot[i] += cases;
                }
            }
        }
    }
    for (key, c) in &by_key {
        for g in rows_of(key) {
            out.counts.entry(g).or_default().add(c);
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
