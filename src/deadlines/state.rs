//! What a deadline's state is at a moment (pure): met, late, open, overdue, waived,
//! extended or no longer applicable, as DOMAIN.md defines them.

use entity::deadlines;
use time::OffsetDateTime;

pub const OPEN: &str = "open";
pub const DONE: &str = "done";
pub const WAIVED: &str = "waived";
pub const NOT_APPLICABLE: &str = "not-applicable";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not done, not yet due.
    Open,
    /// Not done, past its (possibly extended) due time.
    Overdue,
    /// Not done, given a new due date that has not passed.
    Extended,
    /// Done on or before the original due time.
    Met,
    /// Done after the original due time (even if within an extension).
    Late,
    Waived,
    NotApplicable,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Open => "Open",
            State::Overdue => "Overdue",
            State::Extended => "Extended",
            State::Met => "Met",
            State::Late => "Late",
            State::Waived => "Waived",
            State::NotApplicable => "No longer applicable",
        }
    }

    /// CSS modifier for the state tag.
    pub fn tag_class(self) -> &'static str {
        match self {
            State::Met => "tag tag--green",
            State::Late | State::Overdue => "tag tag--red",
            State::Extended => "tag tag--yellow",
            State::Open => "tag tag--blue",
            State::Waived | State::NotApplicable => "tag tag--grey",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, State::Open | State::Overdue | State::Extended)
    }
}

pub fn state(d: &deadlines::Model, now: OffsetDateTime) -> State {
    match d.status.as_str() {
        DONE => match d.done_at {
            Some(done) if done <= d.original_due_at => State::Met,
            _ => State::Late,
        },
        WAIVED => State::Waived,
        NOT_APPLICABLE => State::NotApplicable,
        _ if now > d.due_at => State::Overdue,
        _ if d.extended_at.is_some() => State::Extended,
        _ => State::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn deadline() -> deadlines::Model {
        let at = datetime!(2026-11-02 09:00 UTC);
        deadlines::Model {
            id: 1,
            case_id: 1,
            stage: "initial-contact".into(),
            occurrence: 1,
            procedure_version_id: 1,
            priority: "p2".into(),
            unit: "working-days".into(),
            amount: 1,
            anchored_at: at,
            original_due_at: datetime!(2026-11-03 23:59:59 UTC),
            due_at: datetime!(2026-11-03 23:59:59 UTC),
            status: OPEN.into(),
            done_at: None,
            late_working_days: None,
            resolved_by: None,
            resolved_at: None,
            resolution_note: None,
            extended_at: None,
            extended_by: None,
            extension_reason: None,
            created_at: at,
            title: None,
            version: 1,
        }
    }

    #[test]
    fn open_and_overdue_follow_the_current_due_time() {
        let d = deadline();
        assert_eq!(state(&d, datetime!(2026-11-03 12:00 UTC)), State::Open);
        assert_eq!(state(&d, datetime!(2026-11-04 00:00 UTC)), State::Overdue);
        let extended = deadlines::Model {
            due_at: datetime!(2026-11-10 23:59:59 UTC),
            extended_at: Some(datetime!(2026-11-03 10:00 UTC)),
            ..d
        };
        assert_eq!(state(&extended, datetime!(2026-11-04 00:00 UTC)), State::Extended);
        assert_eq!(state(&extended, datetime!(2026-11-11 00:00 UTC)), State::Overdue);
    }

    #[test]
    fn done_is_judged_against_the_original_due_time() {
        let d = deadline();
        let on_time = deadlines::Model {
            status: DONE.into(),
            done_at: Some(datetime!(2026-11-03 23:59:59 UTC)),
            ..d.clone()
        };
        assert_eq!(state(&on_time, datetime!(2026-12-01 00:00 UTC)), State::Met);
        // Done within an extension still counts as late against the original.
        let within_extension = deadlines::Model {
            status: DONE.into(),
            done_at: Some(datetime!(2026-11-05 10:00 UTC)),
            due_at: datetime!(2026-11-10 23:59:59 UTC),
            extended_at: Some(datetime!(2026-11-03 10:00 UTC)),
            ..d.clone()
        };
        assert_eq!(
            state(&within_extension, datetime!(2026-11-06 00:00 UTC)),
            State::Late
        );
        let waived = deadlines::Model {
            status: WAIVED.into(),
            ..d.clone()
        };
        assert_eq!(state(&waived, datetime!(2026-12-01 00:00 UTC)), State::Waived);
        let gone = deadlines::Model {
            status: NOT_APPLICABLE.into(),
            ..d
        };
        assert_eq!(
            state(&gone, datetime!(2026-12-01 00:00 UTC)),
            State::NotApplicable
        );
    }
}
