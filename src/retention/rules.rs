//! How long a closed case is kept: the landlord's retention periods (stored as rows in
//! `settings`) and the date a case's period ends. Pure apart from load and save.

use crate::cases::codes;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

/// Six years from closure: the Limitation Act 1980 period for claims in contract and tort.
pub const DEFAULT_YEARS: i32 = 6;

/// Whole years a landlord may choose (a case kept less than a year could not be reviewed
/// or complained about; more than 25 is no longer a limit).
pub const YEARS_RANGE: std::ops::RangeInclusive<i32> = 1..=25;

const YEARS: &str = "retention.years";
const BY_OUTCOME: &str = "retention.years.";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Years kept after closure, unless the outcome has its own period.
    pub years: i32,
    /// Outcome code → years, for outcomes kept longer or shorter than the default.
    pub by_outcome: BTreeMap<String, i32>,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            years: DEFAULT_YEARS,
            by_outcome: BTreeMap::new(),
        }
    }
}

impl Retention {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let rows = crate::db::settings(db).await?;
        let years = |value: &str| value.parse().ok().filter(|y| YEARS_RANGE.contains(y));
        let mut r = Retention::default();
        for row in rows.iter() {
            if row.key == YEARS {
                r.years = years(&row.value).unwrap_or(DEFAULT_YEARS);
            } else if let Some(outcome) = row.key.strip_prefix(BY_OUTCOME)
                && codes::is_code(&codes::OUTCOMES, outcome)
                && let Some(y) = years(&row.value)
            {
                r.by_outcome.insert(outcome.to_owned(), y);
            }
        }
        Ok(r)
    }

    /// Stores every period; an outcome without its own period stores an empty value.
    pub async fn save(&self, db: &impl ConnectionTrait, now: OffsetDateTime, by: i32) -> Result<(), DbErr> {
        crate::db::put_setting(db, YEARS, self.years.to_string(), now, by).await?;
        for (outcome, _) in codes::OUTCOMES {
            let value = self
                .by_outcome
                .get(outcome)
                .map(i32::to_string)
                .unwrap_or_default();
            crate::db::put_setting(db, &format!("{BY_OUTCOME}{outcome}"), value, now, by).await?;
        }
        Ok(())
    }

    /// Years a case closed with `outcome` is kept.
    pub fn years_for(&self, outcome: Option<&str>) -> i32 {
        outcome
            .and_then(|o| self.by_outcome.get(o))
            .copied()
            .unwrap_or(self.years)
    }

    /// The last day a case closed at `closed_at` with `outcome` is kept: the London date
    /// of closure, `years` later. It may be disposed of from the day after.
    pub fn kept_until(&self, closed_at: OffsetDateTime, outcome: Option<&str>) -> Date {
        crate::calendar::add_years(crate::calendar::london_date(closed_at), self.years_for(outcome))
    }

    /// The longest period: how long anything about a case may be needed.
    pub fn longest(&self) -> i32 {
        self.by_outcome
            .values()
            .copied()
            .chain([self.years])
            .max()
            .unwrap_or(self.years)
    }

    /// The shortest period: no case closed after `today` less this many years is due.
    pub fn shortest(&self) -> i32 {
        self.by_outcome
            .values()
            .copied()
            .chain([self.years])
            .min()
            .unwrap_or(self.years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_case_is_kept_whole_years_from_the_london_day_it_closed() {
        let r = Retention::default();
        assert_eq!(
            r.kept_until(datetime!(2020-03-10 12:00 UTC), Some("resolved")),
            date!(2026 - 03 - 10)
        );
        // 23:30 UTC on 31 July is 00:30 on 1 August in London (summer time).
        assert_eq!(
            r.kept_until(datetime!(2020-07-31 23:30 UTC), None),
            date!(2026 - 08 - 01)
        );
    }

    #[test]
    fn an_outcome_may_have_its_own_period() {
        let mut r = Retention::default();
        r.by_outcome.insert("withdrawn".to_owned(), 2);
        assert_eq!(r.years_for(Some("withdrawn")), 2);
        assert_eq!(r.years_for(Some("resolved")), 6);
        assert_eq!(r.years_for(None), 6);
        assert_eq!(r.shortest(), 2);
        assert_eq!(r.longest(), 6);
    }

    #[test]
    fn leap_days_fall_back_to_the_28th() {
        assert_eq!(
            crate::calendar::add_years(date!(2024 - 02 - 29), 1),
            date!(2025 - 02 - 28)
        );
        assert_eq!(
            crate::calendar::add_years(date!(2024 - 02 - 29), 4),
            date!(2028 - 02 - 29)
        );
    }
}
