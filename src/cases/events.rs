//! The timeline entries the system records as things happen, each defined once: the code
//! stored in `timeline_entries.kind` and the label people read. (Contacts and notes, which
//! people record, are `codes::CONTACT_KINDS`.)

use super::codes::Code;

macro_rules! events {
    ($($name:ident = $code:literal, $label:literal;)*) => {
        /// A kind of timeline entry the system records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum EventKind {
            $($name),*
        }

        impl EventKind {
            pub const ALL: &'static [EventKind] = &[$(EventKind::$name),*];

            /// The code stored in `timeline_entries.kind`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(EventKind::$name => $code),*
                }
            }
        }

        /// Every event's code and label, for lists and labels.
        pub const EVENT_KINDS: &[Code] = &[$(($code, $label)),*];
    };
}

events! {
    Opened = "opened", "Case opened";
    Imported = "imported", "Imported";
    FurtherReport = "further-report", "Further report added";
    Assigned = "assigned", "Assigned";
    DetailsEdited = "details-edited", "Details changed";
    PersonAdded = "person-added", "Person added";
    Closed = "closed", "Closed";
    Reopened = "reopened", "Reopened";
    Restricted = "restricted", "Restriction changed";
    StaffNamed = "staff-named", "Staff named on case";
    CaseReviewExplained = "case-review-explained", "ASB Case Review explained";
    DeadlineDone = "deadline-done", "Deadline recorded as done";
    DeadlineExtended = "deadline-extended", "Deadline extended";
    DeadlineWaived = "deadline-waived", "Deadline waived";
    DeadlineNotApplicable = "deadline-not-applicable", "Deadline no longer applicable";
    ContactFrequency = "contact-frequency", "Contact frequency agreed";
    RiskAssessed = "risk-assessed", "Risk assessed";
    PlanAgreed = "plan-agreed", "Action plan agreed";
    PlanActionAdded = "plan-action-added", "Action plan action added";
    PlanActionUpdated = "plan-action-updated", "Action plan action updated";
    SupportRecorded = "support-recorded", "Support measure recorded";
    SupportUpdated = "support-updated", "Support measure updated";
    ReferralRecorded = "referral-recorded", "Referral recorded";
    ReferralUpdated = "referral-updated", "Referral updated";
    EnforcementRecorded = "enforcement-recorded", "Perpetrator action recorded";
    EnforcementUpdated = "enforcement-updated", "Perpetrator action updated";
    LegalDateAdded = "legal-date-added", "Court or notice date added";
    SatisfactionRecorded = "satisfaction-recorded", "Post-closure check recorded";
    PeopleMerged = "people-merged", "People merged";
    HoldPlaced = "hold-placed", "Legal hold placed";
    HoldLifted = "hold-lifted", "Legal hold lifted";
    Disposed = "disposed", "Identifying details destroyed";
    PersonCorrected = "person-corrected", "Details corrected";
}

impl EventKind {
    /// The event stored as `code`, if it is one.
    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.iter().copied().find(|e| e.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_has_one_code_and_a_label_in_the_list() {
        assert_eq!(EventKind::ALL.len(), EVENT_KINDS.len());
        for (event, (code, label)) in EventKind::ALL.iter().zip(EVENT_KINDS) {
            assert_eq!(event.code(), *code);
            assert_eq!(EventKind::from_code(code), Some(*event));
            assert!(!label.is_empty());
        }
        assert_eq!(EventKind::from_code("visit"), None);
    }
}
