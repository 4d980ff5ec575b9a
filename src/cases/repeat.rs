//! Repeat victimisation and the ASB Case Review (ASB, Crime and Policing Act 2014 s.104):
//! a victim making a second report within six months must have the case review explained;
//! at the landlord's threshold (default three reports in six months, or a single hate
//! incident where the landlord says so) the case shows that the threshold is met.

use super::settings::CaseSettings;
use time::{Date, Month, OffsetDateTime};

/// What the case page says about one victim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatStatus {
    /// Reports naming this person as victim, received in the six months to now.
    pub reports: u64,
    /// Second report or more: explain the ASB Case Review.
    pub explain_review: bool,
    pub threshold_met: bool,
}

pub fn assess(reports: u64, hate_incident: bool, settings: &CaseSettings) -> RepeatStatus {
    RepeatStatus {
        reports,
        explain_review: reports >= 2,
        threshold_met: reports >= settings.review_threshold.max(1) as u64
            || (hate_incident && settings.single_hate_incident_qualifies && reports >= 1),
    }
}

/// The start of the rolling six-month window ending at `now` (same day of the month six
/// months earlier, or that month's last day when it is shorter).
pub fn window_start(now: OffsetDateTime) -> OffsetDateTime {
    let date = now.date();
    let mut month = date.month();
    let mut year = date.year();
    for _ in 0..6 {
        month = month.previous();
        if month == Month::December {
            year -= 1;
        }
    }
    let day = date.day().min(month.length(year));
    let start = Date::from_calendar_date(year, month, day).unwrap_or(date);
    now.replace_date(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn second_report_prompts_and_threshold_flags() {
        let s = CaseSettings::default();
        assert_eq!(
            assess(1, false, &s),
            RepeatStatus {
                reports: 1,
                explain_review: false,
                threshold_met: false
            }
        );
        assert!(assess(2, false, &s).explain_review && !assess(2, false, &s).threshold_met);
        assert!(assess(3, false, &s).threshold_met);
    }

    #[test]
    fn a_single_hate_incident_can_qualify_by_setting() {
        let s = CaseSettings {
            single_hate_incident_qualifies: true,
            ..CaseSettings::default()
        };
        assert!(assess(1, true, &s).threshold_met);
        assert!(!assess(1, false, &s).threshold_met);
        assert!(!assess(1, true, &CaseSettings::default()).threshold_met);
    }

    #[test]
    fn window_is_six_calendar_months() {
        assert_eq!(
            window_start(datetime!(2026-11-23 09:00 UTC)),
            datetime!(2026-05-23 09:00 UTC)
        );
        assert_eq!(
            window_start(datetime!(2026-08-31 09:00 UTC)),
            datetime!(2026-02-28 09:00 UTC)
        );
        assert_eq!(
            window_start(datetime!(2027-03-15 09:00 UTC)),
            datetime!(2026-09-15 09:00 UTC)
        );
    }
}
