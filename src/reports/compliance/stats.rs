//! Compliance statistics (pure): which bucket each deadline falls in, and the measures of a
//! group of deadlines. Everything counts against the ORIGINAL due time, so an extension
//! never turns a late deadline into a met one.
//!
//! Measures of a group:
//! - due: every deadline in the group (whatever became of it);
//! - met on time: done, at or before the original due time;
//! - late: done after it (including within an extension);
//! - still overdue: not done, the original due time passed;
//! - waived; not applicable; not yet due: not done, the original due time still ahead;
//! - % on time = met ÷ (met + late + still overdue), none when that is 0;
//! - lateness of the late deadlines in working days (as stored when each was done): the
//!   median (the middle value; with an even count, the mean of the two middle values) and
//!   the 90th percentile by the nearest-rank method (see [`nearest_rank`]).

use crate::{
    calendar::london_date,
    deadlines::state::{DONE, NOT_APPLICABLE, WAIVED},
    procedure::{Priority, Stage},
};
use std::collections::BTreeMap;
use time::{Month, OffsetDateTime};

/// What became of a deadline, as the report counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    Met,
    Late,
    Overdue,
    Waived,
    NotApplicable,
    NotYetDue,
}

impl Bucket {
    pub const ALL: [Bucket; 6] = [
        Bucket::Met,
        Bucket::Late,
        Bucket::Overdue,
        Bucket::Waived,
        Bucket::NotApplicable,
        Bucket::NotYetDue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Bucket::Met => "met",
            Bucket::Late => "late",
            Bucket::Overdue => "overdue",
            Bucket::Waived => "waived",
            Bucket::NotApplicable => "not-applicable",
            Bucket::NotYetDue => "not-yet-due",
        }
    }

    pub fn from_code(code: &str) -> Option<Bucket> {
        Bucket::ALL.into_iter().find(|b| b.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Bucket::Met => "Met on time",
            Bucket::Late => "Late",
            Bucket::Overdue => "Still overdue",
            Bucket::Waived => "Waived",
            Bucket::NotApplicable => "Not applicable",
            Bucket::NotYetDue => "Not yet due",
        }
    }
}

/// What the statistics need of one deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome<'a> {
    pub status: &'a str,
    pub original_due_at: OffsetDateTime,
    pub done_at: Option<OffsetDateTime>,
    pub late_working_days: Option<i32>,
}

/// The bucket of a deadline at `now`. A done deadline without a done time counts as late
/// (as on the case page); an unknown status counts as open.
pub fn bucket(o: &Outcome, now: OffsetDateTime) -> Bucket {
    match o.status {
        DONE => match o.done_at {
            Some(done) if done <= o.original_due_at => Bucket::Met,
            _ => Bucket::Late,
        },
        WAIVED => Bucket::Waived,
        NOT_APPLICABLE => Bucket::NotApplicable,
        _ if o.original_due_at < now => Bucket::Overdue,
        _ => Bucket::NotYetDue,
    }
}

/// The measures of a group of deadlines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Measures {
    pub due: u64,
    pub met: u64,
    pub late: u64,
    pub overdue: u64,
    pub waived: u64,
    pub not_applicable: u64,
    pub not_yet_due: u64,
    /// Working days late of each late deadline that has it stored, unsorted.
    lateness: Vec<u32>,
}

impl Measures {
    /// Adds `n` deadlines that fell in `bucket` (with their working days late, if late).
    pub fn add_n(&mut self, bucket: Bucket, late_working_days: Option<i32>, n: u64) {
        self.due += n;
        match bucket {
            Bucket::Met => self.met += n,
            Bucket::Late => {
                self.late += n;
                if let Some(days) = late_working_days {
                    self.lateness
                        .extend(std::iter::repeat_n(days.max(0) as u32, n as usize));
                }
            }
            Bucket::Overdue => self.overdue += n,
            Bucket::Waived => self.waived += n,
            Bucket::NotApplicable => self.not_applicable += n,
            Bucket::NotYetDue => self.not_yet_due += n,
        }
    }

    pub fn add(&mut self, o: &Outcome, now: OffsetDateTime) {
        self.due += 1;
        match bucket(o, now) {
            Bucket::Met => self.met += 1,
            Bucket::Late => {
                self.late += 1;
                if let Some(days) = o.late_working_days {
                    self.lateness.push(days.max(0) as u32);
                }
            }
            Bucket::Overdue => self.overdue += 1,
            Bucket::Waived => self.waived += 1,
            Bucket::NotApplicable => self.not_applicable += 1,
            Bucket::NotYetDue => self.not_yet_due += 1,
        }
    }

    pub fn count(&self, b: Option<Bucket>) -> u64 {
        match b {
            None => self.due,
            Some(Bucket::Met) => self.met,
            Some(Bucket::Late) => self.late,
            Some(Bucket::Overdue) => self.overdue,
            Some(Bucket::Waived) => self.waived,
            Some(Bucket::NotApplicable) => self.not_applicable,
            Some(Bucket::NotYetDue) => self.not_yet_due,
        }
    }

    /// Met ÷ (met + late + still overdue) as a whole percentage (halves rounded up), or
    /// `None` when nothing has reached its due time undecided.
    pub fn percent_on_time(&self) -> Option<u64> {
        let denominator = self.met + self.late + self.overdue;
        (denominator > 0).then(|| (200 * self.met + denominator) / (2 * denominator))
    }

    /// Median working days late, in half days (so 1.5 days is 3): `None` with no late items.
    pub fn median_late_halves(&self) -> Option<u32> {
        median_halves(&self.sorted_lateness())
    }

    /// 90th-percentile working days late (nearest rank).
    pub fn p90_late(&self) -> Option<u32> {
        nearest_rank(&self.sorted_lateness(), 90)
    }

    fn sorted_lateness(&self) -> Vec<u32> {
        let mut v = self.lateness.clone();
        v.sort_unstable();
        v
    }
}

/// The median of sorted values, in halves: the middle value doubled, or with an even count
/// the sum of the two middle values.
pub fn median_halves(sorted: &[u32]) -> Option<u32> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        2 * sorted[n / 2]
    } else {
        sorted[n / 2 - 1] + sorted[n / 2]
    })
}

/// The `p`th percentile (1–100) of sorted values by the nearest-rank method: the value at
/// rank ⌈p × n ÷ 100⌉ (1-based), so always one of the values. `None` for no values.
pub fn nearest_rank(sorted: &[u32], p: u32) -> Option<u32> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p.clamp(1, 100) as usize * n).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

/// Half days as shown: "1", "1.5".
pub fn show_halves(halves: u32) -> String {
    if halves.is_multiple_of(2) {
        (halves / 2).to_string()
    } else {
        format!("{}.5", halves / 2)
    }
}

/// What the report needs of one deadline and its case (read in one query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: i32,
    pub reference: String,
    pub restricted: bool,
    pub stage: String,
    /// The deadline's own priority code (`p1`, `p2`): the timescale it was planned under.
    pub priority: String,
    /// The case's current officer.
    pub owner_id: Option<i32>,
    pub area_id: i32,
    pub original_due_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub extended: bool,
    pub status: String,
    pub done_at: Option<OffsetDateTime>,
    pub late_working_days: Option<i32>,
}

impl Item {
    pub fn outcome(&self) -> Outcome<'_> {
        Outcome {
            status: &self.status,
            original_due_at: self.original_due_at,
            done_at: self.done_at,
            late_working_days: self.late_working_days,
        }
    }

    pub fn bucket(&self, now: OffsetDateTime) -> Bucket {
        bucket(&self.outcome(), now)
    }

    /// The London calendar month of the original due time.
    pub fn due_month(&self) -> (i32, Month) {
        let d = london_date(self.original_due_at);
        (d.year(), d.month())
    }
}

/// Deadlines counted together by the database: alike in everything the dashboard breaks
/// them down by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub stage: String,
    pub priority: String,
    pub owner_id: Option<i32>,
    pub area_id: i32,
    /// The London month of the original due time.
    pub month: (i32, Month),
    pub bucket: Bucket,
    /// Working days late, for late deadlines that have it.
    pub late_working_days: Option<i32>,
    pub count: u64,
}

/// The measures of a period's deadlines, whole and broken down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    /// Every stage of the procedure in order (then any stage code no longer known).
    pub by_stage: Vec<(String, Measures)>,
    pub total: Measures,
    /// By the case's current officer (`None`: unassigned), in id order.
    pub by_officer: Vec<(Option<i32>, Measures)>,
    pub by_area: Vec<(i32, Measures)>,
    /// Both priorities, in order.
    pub by_priority: Vec<(&'static str, Measures)>,
    /// Every month of the period, in order.
    pub by_month: Vec<((i32, Month), Measures)>,
}

impl Dashboard {
    /// From deadlines counted in groups by the database (what the page uses).
    pub fn from_groups(groups: &[Group], months: &[(i32, Month)]) -> Self {
        let mut b = Breakdown::default();
        for g in groups {
            let add = |m: &mut Measures| m.add_n(g.bucket, g.late_working_days, g.count);
            b.add(&g.stage, &g.priority, g.owner_id, g.area_id, g.month, add);
        }
        b.finish(months)
    }

    pub fn build(items: &[Item], months: &[(i32, Month)], now: OffsetDateTime) -> Self {
        let mut b = Breakdown::default();
        for item in items {
            let o = item.outcome();
            b.add(
                &item.stage,
                &item.priority,
                item.owner_id,
                item.area_id,
                item.due_month(),
                |m| m.add(&o, now),
            );
        }
        b.finish(months)
    }
}

/// The dashboard's breakdowns while they are being added up.
#[derive(Default)]
struct Breakdown {
    stages: BTreeMap<String, Measures>,
    officers: BTreeMap<Option<i32>, Measures>,
    areas: BTreeMap<i32, Measures>,
    priorities: BTreeMap<String, Measures>,
    months: BTreeMap<(i32, u8), Measures>,
    total: Measures,
}

impl Breakdown {
    /// Applies `add` to the total and to each breakdown the deadlines fall in.
    fn add(
        &mut self,
        stage: &str,
        priority: &str,
        owner_id: Option<i32>,
        area_id: i32,
        (y, m): (i32, Month),
        add: impl Fn(&mut Measures),
    ) {
        add(&mut self.total);
        add(self.stages.entry(stage.to_owned()).or_default());
        add(self.officers.entry(owner_id).or_default());
        add(self.areas.entry(area_id).or_default());
        add(self.priorities.entry(priority.to_owned()).or_default());
        add(self.months.entry((y, m as u8)).or_default());
    }

    fn finish(mut self, months: &[(i32, Month)]) -> Dashboard {
        let mut by_stage: Vec<(String, Measures)> = Stage::ALL
            .into_iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    self.stages.remove(s.code()).unwrap_or_default(),
                )
            })
            .collect();
        by_stage.extend(self.stages);
        let by_priority = Priority::ALL
            .into_iter()
            .map(|p| (p.code(), self.priorities.remove(p.code()).unwrap_or_default()))
            .collect();
        Dashboard {
            by_stage,
            total: self.total,
            by_officer: self.officers.into_iter().collect(),
            by_area: self.areas.into_iter().collect(),
            by_priority,
            by_month: months
                .iter()
                .map(|&(y, m)| ((y, m), self.months.remove(&(y, m as u8)).unwrap_or_default()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::state::OPEN;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);
    const DUE: OffsetDateTime = datetime!(2026-11-10 23:59:59 UTC);

    fn o(status: &str, done_at: Option<OffsetDateTime>, late: Option<i32>) -> Outcome<'_> {
        Outcome {
            status,
            original_due_at: DUE,
            done_at,
            late_working_days: late,
        }
    }

    #[test]
    fn buckets_count_against_the_original_due_time() {
        assert_eq!(bucket(&o(DONE, Some(DUE), Some(0)), NOW), Bucket::Met);
        assert_eq!(
            bucket(&o(DONE, Some(datetime!(2026-11-11 00:00 UTC)), Some(1)), NOW),
            Bucket::Late
        );
        assert_eq!(bucket(&o(DONE, None, None), NOW), Bucket::Late);
        assert_eq!(bucket(&o(OPEN, None, None), NOW), Bucket::Overdue);
        assert_eq!(bucket(&o(OPEN, None, None), DUE), Bucket::NotYetDue);
        assert_eq!(bucket(&o(WAIVED, None, None), NOW), Bucket::Waived);
        assert_eq!(bucket(&o(NOT_APPLICABLE, None, None), NOW), Bucket::NotApplicable);
        for b in Bucket::ALL {
            assert_eq!(Bucket::from_code(b.code()), Some(b));
        }
        assert_eq!(Bucket::from_code("due"), None);
    }

    #[test]
    fn counts_and_percent_on_time() {
        let mut m = Measures::default();
        let late = |days| o(DONE, Some(datetime!(2026-11-12 10:00 UTC)), Some(days));
        for item in [
            o(DONE, Some(DUE), Some(0)),
            o(DONE, Some(DUE), Some(0)),
            late(1),
            late(3),
            o(OPEN, None, None),
            o(WAIVED, None, None),
            o(NOT_APPLICABLE, None, None),
        ] {
            m.add(&item, NOW);
        }
        m.add(
            &Outcome {
                original_due_at: datetime!(2026-12-01 23:59:59 UTC),
                ..o(OPEN, None, None)
            },
            NOW,
        );
        assert_eq!(
            (
                m.due,
                m.met,
                m.late,
                m.overdue,
                m.waived,
                m.not_applicable,
                m.not_yet_due
            ),
            (8, 2, 2, 1, 1, 1, 1)
        );
        assert_eq!(m.count(None), 8);
        assert_eq!(m.count(Some(Bucket::Late)), 2);
        // 2 ÷ 5.
        assert_eq!(m.percent_on_time(), Some(40));
        assert_eq!(m.median_late_halves(), Some(4));
        assert_eq!(m.p90_late(), Some(3));
    }

    #[test]
    fn percent_is_none_without_a_denominator_and_rounds_halves_up() {
        let mut m = Measures::default();
        assert_eq!(m.percent_on_time(), None);
        m.add(&o(WAIVED, None, None), NOW);
        m.add(&o(OPEN, None, None), DUE);
        assert_eq!(m.percent_on_time(), None);
        m.met = 2;
        m.late = 1;
        assert_eq!(m.percent_on_time(), Some(67));
        m.met = 1;
        m.late = 7;
        // 12.5% rounds to 13%.
        assert_eq!(m.percent_on_time(), Some(13));
        m.late = 0;
        assert_eq!(m.percent_on_time(), Some(100));
    }

    #[test]
    fn median_with_odd_even_and_empty_sets() {
        assert_eq!(median_halves(&[]), None);
        assert_eq!(median_halves(&[4]), Some(8));
        assert_eq!(median_halves(&[1, 2, 9]), Some(4));
        assert_eq!(median_halves(&[1, 2]), Some(3));
        assert_eq!(median_halves(&[1, 3, 5, 20]), Some(8));
        assert_eq!(show_halves(3), "1.5");
        assert_eq!(show_halves(8), "4");
        assert_eq!(show_halves(0), "0");
    }

    #[test]
    fn nearest_rank_percentile() {
        assert_eq!(nearest_rank(&[], 90), None);
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        // n = 2: rank ⌈1.8⌉ = 2.
        assert_eq!(nearest_rank(&[1, 3], 90), Some(3));
        // n = 10: rank 9.
        let ten: Vec<u32> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        // n = 11: rank ⌈9.9⌉ = 10.
        let eleven: Vec<u32> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 90), Some(10));
        assert_eq!(nearest_rank(&eleven, 50), Some(6));
        assert_eq!(nearest_rank(&eleven, 100), Some(11));
        assert_eq!(nearest_rank(&[2, 4, 6, 8, 10], 0), Some(2));
    }

    #[test]
    fn lateness_ignores_late_items_without_a_stored_figure() {
        let mut m = Measures::default();
        m.add(&o(DONE, None, None), NOW);
        m.add(&o(DONE, Some(datetime!(2026-11-12 10:00 UTC)), Some(2)), NOW);
        assert_eq!(m.late, 2);
        assert_eq!(m.median_late_halves(), Some(4));
        assert_eq!(m.p90_late(), Some(2));
    }

    fn item(stage: &str, owner: Option<i32>, priority: &str, due: OffsetDateTime, status: &str) -> Item {
        Item {
            id: 1,
            reference: "HC-2026-000001".into(),
            restricted: false,
            stage: stage.into(),
            priority: priority.into(),
            owner_id: owner,
            area_id: 7,
            original_due_at: due,
            due_at: due,
            extended: false,
            status: status.into(),
            done_at: None,
            late_working_days: None,
        }
    }

    #[test]
    fn dashboard_rows_every_stage_priority_and_month_in_order() {
        let items = [
            item("risk-assessment", Some(3), "p1", DUE, OPEN),
            item(
                "initial-contact",
                None,
                "p2",
                datetime!(2026-10-31 23:30 UTC),
                WAIVED,
            ),
            item("retired-stage", Some(3), "p2", DUE, OPEN),
        ];
        let months = [
            (2026, Month::October),
            (2026, Month::November),
            (2026, Month::December),
        ];
        let d = Dashboard::build(&items, &months, NOW);
        assert_eq!(d.by_stage.len(), Stage::ALL.len() + 1);
        assert_eq!(d.by_stage[0].0, "initial-contact");
        assert_eq!(d.by_stage[0].1.waived, 1);
        assert_eq!(d.by_stage[2].1.overdue, 1);
        assert_eq!(d.by_stage[11].0, "retired-stage");
        assert_eq!(d.total.due, 3);
        assert_eq!(
            d.by_officer.iter().map(|(o, m)| (*o, m.due)).collect::<Vec<_>>(),
            vec![(None, 1), (Some(3), 2)]
        );
        assert_eq!(d.by_area, vec![(7, d.total.clone())]);
        assert_eq!(
            d.by_priority.iter().map(|(p, m)| (*p, m.due)).collect::<Vec<_>>(),
            vec![("p1", 1), ("p2", 2)]
        );
        // 23:30 UTC on 31 October is still 31 October in London (GMT); December is empty.
        assert_eq!(
            d.by_month.iter().map(|(m, x)| (m.1, x.due)).collect::<Vec<_>>(),
            vec![(Month::October, 1), (Month::November, 2), (Month::December, 0)]
        );
    }
}
