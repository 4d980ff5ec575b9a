//! The landlord's procedure: stages, their timescales per priority, and versions. The
//! core here is pure (no database, no clock): [`Procedure::due`] turns an event time into a
//! due instant under the landlord's [`Calendar`]. [`store`] loads and saves versions.

pub mod store;

use crate::{calendar::Calendar, cases::codes};
use std::collections::HashMap;
use time::OffsetDateTime;

/// What starts a stage's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A report on the case (the first opens it; later ones add stages that now apply).
    Report,
    /// The case being closed.
    Closure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    InitialContact,
    GraffitiRemoval,
    RiskAssessment,
    VictimInterview,
    ActionPlan,
    WitnessesContacted,
    PerpetratorInterviewed,
    VictimUpdate,
    ManagerReview,
    ClosureLetter,
    PostClosureCheck,
    /// An action-plan action's target date (dated: not a procedure timescale).
    PlanAction,
    /// A court hearing in action against a perpetrator (dated).
    CourtHearing,
    /// A notice served on a perpetrator expires (dated).
    NoticeExpiry,
}

impl Stage {
    /// In the order of the procedure (and of DOMAIN.md's table).
    pub const ALL: [Stage; 11] = [
        Stage::InitialContact,
        Stage::GraffitiRemoval,
        Stage::RiskAssessment,
        Stage::VictimInterview,
        Stage::ActionPlan,
        Stage::WitnessesContacted,
        Stage::PerpetratorInterviewed,
        Stage::VictimUpdate,
        Stage::ManagerReview,
        Stage::ClosureLetter,
        Stage::PostClosureCheck,
    ];

    /// Stages whose due date is a date someone set (a target, a hearing, an expiry), not a
    /// timescale counted from an event: they are not in the procedure and never re-planned.
    pub const DATED: [Stage; 3] = [Stage::PlanAction, Stage::CourtHearing, Stage::NoticeExpiry];

    pub fn dated(self) -> bool {
        Stage::DATED.contains(&self)
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::InitialContact => "initial-contact",
            Stage::GraffitiRemoval => "graffiti-removal",
            Stage::RiskAssessment => "risk-assessment",
            Stage::VictimInterview => "victim-interview",
            Stage::ActionPlan => "action-plan",
            Stage::WitnessesContacted => "witnesses-contacted",
            Stage::PerpetratorInterviewed => "perpetrator-interviewed",
            Stage::VictimUpdate => "victim-update",
            Stage::ManagerReview => "manager-review",
            Stage::ClosureLetter => "closure-letter",
            Stage::PostClosureCheck => "post-closure-check",
            Stage::PlanAction => "plan-action",
            Stage::CourtHearing => "court-hearing",
            Stage::NoticeExpiry => "notice-expiry",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .chain(Stage::DATED)
            .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::InitialContact => "Initial contact with victim",
            Stage::GraffitiRemoval => "Graffiti or hate damage removed",
            Stage::RiskAssessment => "Risk assessment completed",
            Stage::VictimInterview => "Victim interviewed or visited",
            Stage::ActionPlan => "Action plan agreed with victim",
            Stage::WitnessesContacted => "Witnesses contacted",
            Stage::PerpetratorInterviewed => "Alleged perpetrator interviewed",
            Stage::VictimUpdate => "Regular victim update",
            Stage::ManagerReview => "Manager case review",
            Stage::ClosureLetter => "Closure letter sent",
            Stage::PostClosureCheck => "Post-closure check",
            Stage::PlanAction => "Action plan action",
            Stage::CourtHearing => "Court hearing",
            Stage::NoticeExpiry => "Notice expires",
        }
    }

    /// The label of a stored stage code (unknown codes shown as stored).
    pub fn label_of(code: &str) -> &str {
        match Stage::from_code(code) {
            Some(stage) => stage.label(),
            None => code,
        }
    }

    /// Recurring stages schedule their next occurrence when one is done.
    pub fn recurring(self) -> bool {
        matches!(self, Stage::VictimUpdate | Stage::ManagerReview)
    }

    pub fn trigger(self) -> Trigger {
        match self {
            Stage::ClosureLetter | Stage::PostClosureCheck => Trigger::Closure,
            _ => Trigger::Report,
        }
    }

    /// Only managers record a manager review as done.
    pub fn done_by_managers_only(self) -> bool {
        self == Stage::ManagerReview
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Priority {
    P1,
    P2,
}

impl Priority {
    pub const ALL: [Priority; 2] = [Priority::P1, Priority::P2];

    pub fn code(self) -> &'static str {
        match self {
            Priority::P1 => codes::P1,
            Priority::P2 => codes::P2,
        }
    }

    /// Case priorities are stored as these codes; anything else is treated as Priority 2.
    pub fn from_code(code: &str) -> Priority {
        if code == codes::P1 {
            Priority::P1
        } else {
            Priority::P2
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::P1 => "Priority 1",
            Priority::P2 => "Priority 2",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// An exact instant: so many hours after the event.
    Hours,
    /// End of working day N (see `calendar`).
    WorkingDays,
    /// End of the London day N days after the event.
    CalendarDays,
}

impl Unit {
    pub const ALL: [Unit; 3] = [Unit::Hours, Unit::WorkingDays, Unit::CalendarDays];

    pub fn code(self) -> &'static str {
        match self {
            Unit::Hours => "hours",
            Unit::WorkingDays => "working-days",
            Unit::CalendarDays => "calendar-days",
        }
    }

    pub fn from_code(code: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Hours => "hours",
            Unit::WorkingDays => "working days",
            Unit::CalendarDays => "calendar days",
        }
    }
}

/// Largest amount an administrator may set for any unit: a year of days, or 30 days of hours.
pub const MAX_AMOUNT: i32 = 720;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timescale {
    pub unit: Unit,
    pub amount: u32,
}

impl Timescale {
    pub fn new(unit: Unit, amount: u32) -> Self {
        Timescale { unit, amount }
    }

    /// When something counted from `from` is due.
    pub fn due(self, calendar: &Calendar, from: OffsetDateTime) -> OffsetDateTime {
        match self.unit {
            Unit::Hours => Calendar::due_in_hours(from, self.amount),
            Unit::WorkingDays => calendar.due_in_working_days(from, self.amount),
            Unit::CalendarDays => Calendar::due_in_calendar_days(from, self.amount),
        }
    }

    /// About how many calendar days it spans (a working week is seven days), to compare
    /// timescales in different units.
    pub fn rough_days(self) -> f64 {
        let amount = f64::from(self.amount);
        match self.unit {
            Unit::Hours => amount / 24.0,
            Unit::WorkingDays => amount * 7.0 / 5.0,
            Unit::CalendarDays => amount,
        }
    }

    /// e.g. "24 hours", "1 working day", "every 10 working days" (with `recurring`).
    pub fn describe(self) -> String {
        let unit = if self.amount == 1 {
            self.unit.label().trim_end_matches('s')
        } else {
            self.unit.label()
        };
        format!("{} {unit}", self.amount)
    }
}

/// One version of the procedure: a timescale for every stage and priority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Procedure {
    pub version_id: i32,
    pub number: i32,
    timescales: HashMap<(Stage, Priority), Timescale>,
}

impl Procedure {
    pub fn new(
        version_id: i32,
        number: i32,
        timescales: impl IntoIterator<Item = ((Stage, Priority), Timescale)>,
    ) -> Self {
        Procedure {
            version_id,
            number,
            timescales: timescales.into_iter().collect(),
        }
    }

    /// The stage's timescale at this priority; a stage a version lacks (none today) falls
    /// back to 5 working days rather than going unplanned.
    pub fn timescale(&self, stage: Stage, priority: Priority) -> Timescale {
        self.timescales
            .get(&(stage, priority))
            .copied()
            .unwrap_or(Timescale::new(Unit::WorkingDays, 5))
    }
}

/// What a case's facts say about which report-triggered stages apply to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseFacts {
    /// A report includes graffiti or damage to property.
    pub graffiti_or_damage: bool,
    /// Someone is recorded as a witness.
    pub has_witness: bool,
    /// An alleged perpetrator is a known person (not unknown, not a group).
    pub named_perpetrator: bool,
}

impl CaseFacts {
    /// The stages a report on an open case with these facts calls for.
    pub fn report_stages(self) -> Vec<Stage> {
        Stage::ALL
            .into_iter()
            .filter(|s| s.trigger() == Trigger::Report)
            .filter(|s| match s {
                Stage::GraffitiRemoval => self.graffiti_or_damage,
                Stage::WitnessesContacted => self.has_witness,
                Stage::PerpetratorInterviewed => self.named_perpetrator,
                _ => true,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for stage in Stage::ALL.into_iter().chain(Stage::DATED) {
            assert_eq!(Stage::from_code(stage.code()), Some(stage));
        }
        assert!(Stage::ALL.iter().all(|s| !s.dated()));
        for unit in Unit::ALL {
            assert_eq!(Unit::from_code(unit.code()), Some(unit));
        }
        assert_eq!(Priority::from_code("p1"), Priority::P1);
        assert_eq!(Priority::from_code("p2"), Priority::P2);
    }

    #[test]
    fn report_stages_follow_the_facts() {
        let bare = CaseFacts::default().report_stages();
        assert!(bare.contains(&Stage::InitialContact));
        assert!(bare.contains(&Stage::VictimUpdate));
        assert!(bare.contains(&Stage::ManagerReview));
        assert!(!bare.contains(&Stage::GraffitiRemoval));
        assert!(!bare.contains(&Stage::WitnessesContacted));
        assert!(!bare.contains(&Stage::PerpetratorInterviewed));
        assert!(!bare.contains(&Stage::ClosureLetter));
        let all = CaseFacts {
            graffiti_or_damage: true,
            has_witness: true,
            named_perpetrator: true,
        }
        .report_stages();
        assert_eq!(all.len(), 9);
    }

    #[test]
    fn timescales_compare_across_units() {
        let fortnight = Timescale::new(Unit::CalendarDays, 14);
        assert!(fortnight.rough_days() < Timescale::new(Unit::CalendarDays, 28).rough_days());
        assert!(Timescale::new(Unit::WorkingDays, 5).rough_days() < fortnight.rough_days());
        assert!(Timescale::new(Unit::WorkingDays, 15).rough_days() > fortnight.rough_days());
        assert!(Timescale::new(Unit::Hours, 24).rough_days() < fortnight.rough_days());
    }

    #[test]
    fn timescales_describe_themselves() {
        assert_eq!(Timescale::new(Unit::Hours, 24).describe(), "24 hours");
        assert_eq!(Timescale::new(Unit::WorkingDays, 1).describe(), "1 working day");
        assert_eq!(
            Timescale::new(Unit::CalendarDays, 28).describe(),
            "28 calendar days"
        );
    }
}
