//! Which status a perpetrator action may move to next (pure).
//!
//! | from     | to                                                   |
//! |----------|------------------------------------------------------|
//! | planned  | issued, withdrawn                                    |
//! | issued   | complied, breached, granted, refused, withdrawn      |
//! | granted  | breached, complied, withdrawn                        |
//! | breached | breached, granted, refused, withdrawn, complied      |
//! | complied | breached                                             |
//! | refused  | (final)                                              |
//! | withdrawn| (final)                                              |
//!
//! Why:
//! - "Issued or served" covers a letter sent, a notice served and a claim issued at court;
//!   a court then grants or refuses, a person complies or breaches.
//! - **breached → breached** (a further breach) is allowed: each breach of an ABC, a CPN
//!   or an injunction is separate evidence for the next rung (committal for contempt, a
//!   possession claim, a fixed penalty), so each is recorded with its own date rather than
//!   folded into a note.
//! - breached → granted / refused: a breach leads to the court being asked for an order
//!   (a CPN breach to a remedial or forfeiture order, an NSP to possession).
//! - complied → breached: compliance is never the last word while an order or contract runs.
//! - refused and withdrawn are final: an appeal or a fresh application is a new action
//!   (a withdrawn notice cannot be revived: a new one must be served), recorded as such so
//!   that each has its own dates.
//!
//! Withdrawn and refused also close off the action's court and notice dates that are not
//! yet overdue ([`closes_dates`]): a date already passed stays open, because calling it
//! "no longer applicable" would excuse a missed deadline (only a manager may waive one) —
//! it is recorded as done (the hearing was held) or waived.

use super::{BREACHED, COMPLIED, GRANTED, ISSUED, PLANNED, REFUSED, STATUSES, WITHDRAWN};

/// The statuses an action with status `from` may move to, in the order offered.
pub fn next(from: &str) -> &'static [&'static str] {
    match from {
        PLANNED => &[ISSUED, WITHDRAWN],
        ISSUED => &[COMPLIED, BREACHED, GRANTED, REFUSED, WITHDRAWN],
        GRANTED => &[BREACHED, COMPLIED, WITHDRAWN],
        BREACHED => &[BREACHED, GRANTED, REFUSED, WITHDRAWN, COMPLIED],
        COMPLIED => &[BREACHED],
        _ => &[],
    }
}

pub fn allowed(from: &str, to: &str) -> bool {
    next(from).contains(&to)
}

/// No further status: refused or withdrawn (or a code no longer known).
pub fn is_final(status: &str) -> bool {
    next(status).is_empty()
}

/// When an action reaches `status`, why its open court and notice dates no longer apply.
pub fn closes_dates(status: &str) -> Option<&'static str> {
    match status {
        WITHDRAWN => Some("Action withdrawn"),
        REFUSED => Some("Refused by the court"),
        _ => None,
    }
}

/// Every status code known (for checking the table covers them all).
pub fn all() -> impl Iterator<Item = &'static str> {
    STATUSES.iter().map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_as_documented() {
        let expect: [(&str, &[&str]); 7] = [
            (PLANNED, &[ISSUED, WITHDRAWN]),
            (ISSUED, &[COMPLIED, BREACHED, GRANTED, REFUSED, WITHDRAWN]),
            (GRANTED, &[BREACHED, COMPLIED, WITHDRAWN]),
            (BREACHED, &[BREACHED, GRANTED, REFUSED, WITHDRAWN, COMPLIED]),
            (COMPLIED, &[BREACHED]),
            (REFUSED, &[]),
            (WITHDRAWN, &[]),
        ];
        for (from, to) in expect {
            assert_eq!(next(from), to, "from {from}");
        }
        assert_eq!(all().count(), expect.len());
    }

    #[test]
    fn every_pair_is_decided_by_the_table() {
        for from in all() {
            for to in all() {
                assert_eq!(allowed(from, to), next(from).contains(&to), "{from} → {to}");
            }
        }
    }

    #[test]
    fn nothing_goes_back_to_planned_and_only_live_actions_move() {
        for from in all() {
            assert!(!allowed(from, PLANNED), "{from} → planned");
        }
        assert!(!allowed(PLANNED, GRANTED));
        assert!(!allowed(PLANNED, COMPLIED));
        assert!(!allowed(GRANTED, REFUSED));
        assert!(!allowed(ISSUED, ISSUED));
        assert!(allowed(BREACHED, BREACHED));
        assert!(is_final(REFUSED) && is_final(WITHDRAWN));
        assert!(!is_final(COMPLIED));
        assert!(is_final("unknown-code"));
        assert!(next("unknown-code").is_empty());
    }

    #[test]
    fn withdrawn_and_refused_close_dates_off() {
        assert_eq!(closes_dates(WITHDRAWN), Some("Action withdrawn"));
        assert_eq!(closes_dates(REFUSED), Some("Refused by the court"));
        for status in [PLANNED, ISSUED, GRANTED, BREACHED, COMPLIED] {
            assert_eq!(closes_dates(status), None);
        }
        // Every status that closes dates is final.
        for status in all() {
            if closes_dates(status).is_some() {
                assert!(is_final(status));
            }
        }
    }
}
