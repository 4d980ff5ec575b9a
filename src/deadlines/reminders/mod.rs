//! Reminders: once a day, after the reminder hour (Europe/London), one instance — whichever
//! holds the database lease ([`lease`]) — makes in-app notices for open deadlines that are
//! overdue or due by the end of the next working day ([`job`]), and, when SMTP is configured,
//! sends each officer one digest e-mail naming case references and stages only ([`digest`]).
//! Officers read their notices at `/deadlines/notices` ([`notices`]).

pub mod digest;
pub mod job;
pub mod lease;
pub mod notices;

pub use job::{Counts, JOB, RunOutcome, release, run_due, spawn};
pub use notices::{routes, unread_count};

/// Why an officer is reminded of a deadline; stored in `notices.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Open past its due instant.
    Overdue,
    /// Due by the end of the next working day (London).
    DueSoon,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Overdue, Kind::DueSoon];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Overdue => "overdue",
            Kind::DueSoon => "due-soon",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Overdue => "Overdue",
            Kind::DueSoon => "Due soon",
        }
    }

    pub fn tag_class(self) -> &'static str {
        match self {
            Kind::Overdue => "tag--red",
            Kind::DueSoon => "tag--yellow",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn kind_codes_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(Kind::from_code("due soon"), None);
        assert_eq!(Kind::Overdue.code(), "overdue");
        assert_eq!(Kind::DueSoon.code(), "due-soon");
    }
}
