//! The case's timeline as the ledger of changes. Every form that changes casework writes
//! one timeline row in the same transaction (its kind, its text, who, when), so the
//! chronology is complete when each row appears once:
//!
//! - rows of a kind [`Treatment::Covered`] record the creation of a structured record (a
//!   report, an assessment, a plan, an action, a measure, a referral, a perpetrator
//!   action, a legal date, a closure) or a deadline's settlement, which happen once per
//!   record: the structured record gives that entry, with richer details and the same
//!   author, and the row is left out;
//! - every other row is shown as it is (contacts, notes, assignments and every later
//!   change to a record: `*-updated`, `deadline-extended`, …), unless a per-step
//!   structured row tells that exact step with the same author (a perpetrator action's
//!   status event), which then shows it with the row's text.
//!
//! A row and the record it belongs to are paired by kind, author and instant (written
//! in one transaction, with one clock reading), in id order.

use super::entry::Source;
use crate::cases::codes;
use crate::cases::events::EventKind;
use entity::timeline_entries;
use time::{Duration, OffsetDateTime};

/// What the chronology does with a timeline kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    /// Shown as it is: the row is the record of that change.
    Shown,
    /// Left out: each row of this kind records a step the structured source tells, once
    /// per record, with the same author.
    Covered(Source),
}

/// The treatment of every timeline kind; any kind not named here (new, or unknown) is
/// shown, so nothing can be lost by omission.
pub fn treatment(kind: &str) -> Treatment {
    use EventKind::*;
    use Treatment::{Covered, Shown};
    match EventKind::from_code(kind) {
        // One incident per report, with its author (`logged_by`).
        Some(Opened | FurtherReport) => Covered(Source::Report),
        // One closure row per closing, reopened at most once (`closed_by`, `reopened_by`).
        Some(Closed | Reopened) => Covered(Source::Closure),
        // Assessments and plan agreements are never edited: one row each (`created_by`).
        Some(RiskAssessed) => Covered(Source::Risk),
        Some(PlanAgreed) => Covered(Source::Plan),
        // Creations (`created_by`); every later change is a `*-updated` row, shown.
        Some(PlanActionAdded) => Covered(Source::PlanAction),
        Some(SupportRecorded) => Covered(Source::Support),
        Some(ReferralRecorded) => Covered(Source::Referral),
        Some(EnforcementRecorded) => Covered(Source::Enforcement),
        Some(LegalDateAdded) => Covered(Source::LegalDate),
        // Only an open deadline is settled, once (`resolved_by`). Extensions are not
        // covered: the deadline row keeps only the latest.
        Some(DeadlineDone | DeadlineWaived | DeadlineNotApplicable) => Covered(Source::Deadline),
        _ => Shown,
    }
}

/// The chronology's name for a shown timeline kind (contacts say they are contacts).
pub fn kind_label(kind: &str) -> &'static str {
    const NAMES: [codes::Code; 12] = [
        ("visit", "Contact: visit"),
        ("phone-call", "Contact: phone call"),
        ("letter", "Contact: letter"),
        ("email", "Contact: email"),
        ("meeting", "Contact: meeting"),
        ("failed-attempt", "Contact: failed attempt"),
        ("note", "Note"),
        (EventKind::PlanActionUpdated.code(), "Plan action updated"),
        (EventKind::SupportUpdated.code(), "Support measure updated"),
        (EventKind::ReferralUpdated.code(), "Referral updated"),
        (EventKind::EnforcementUpdated.code(), "Perpetrator action updated"),
        (EventKind::DeadlineExtended.code(), "Deadline extended"),
    ];
    static_label(&NAMES, kind)
        .or_else(|| static_label(codes::EVENT_KINDS, kind))
        .unwrap_or("Event")
}

/// The label of `code` in `list`, with the list's own lifetime.
pub fn static_label(list: &[codes::Code], code: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The case's timeline rows, each used by at most one structured entry.
pub struct Ledger<'a> {
    rows: &'a [timeline_entries::Model],
    used: Vec<bool>,
}

/// Written by `by` at `at`: the same transaction (one clock reading; a second's slack
/// for how each database stores instants).
fn written(t: &timeline_entries::Model, kind: &str, by: i32, at: OffsetDateTime) -> bool {
    t.kind == kind && t.author_id == Some(by) && (t.occurred_at - at).abs() < Duration::SECOND
}

impl<'a> Ledger<'a> {
    /// `rows` in id order.
    pub fn new(rows: &'a [timeline_entries::Model]) -> Self {
        Ledger {
            rows,
            used: vec![false; rows.len()],
        }
    }

    /// The first row not yet used of `kind`, written by `by` at `at`, whose body `fits`;
    /// used from now on.
    pub fn take(
        &mut self,
        kind: &str,
        by: i32,
        at: OffsetDateTime,
        fits: impl Fn(&str) -> bool,
    ) -> Option<&'a timeline_entries::Model> {
        let rows = self.rows;
        let i = rows
            .iter()
            .enumerate()
            .position(|(i, t)| !self.used[i] && written(t, kind, by, at) && fits(&t.body))?;
        self.used[i] = true;
        Some(&rows[i])
    }

    /// [`Ledger::take`], preferring a row whose body `fits` (names in a body may have
    /// changed since: a catalogue entry renamed, a person's name corrected).
    pub fn take_preferring(
        &mut self,
        kind: &str,
        by: i32,
        at: OffsetDateTime,
        fits: impl Fn(&str) -> bool,
    ) -> Option<&'a timeline_entries::Model> {
        match self.take(kind, by, at, fits) {
            Some(t) => Some(t),
            None => self.take(kind, by, at, |_| true),
        }
    }

    /// Whether a row of one of `kinds` was written by `by` at `at` (used or not): that
    /// change is on the record.
    pub fn recorded(&self, kinds: &[&str], by: i32, at: OffsetDateTime) -> bool {
        self.rows
            .iter()
            .any(|t| kinds.iter().any(|kind| written(t, kind, by, at)))
    }

    /// The rows shown as they are: of a shown kind and not used by a structured entry.
    pub fn shown(&self) -> impl Iterator<Item = &'a timeline_entries::Model> + '_ {
        self.rows
            .iter()
            .zip(&self.used)
            .filter(|(t, used)| !**used && treatment(&t.kind) == Treatment::Shown)
            .map(|(t, _)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use time::macros::datetime;

    /// The kinds whose rows are left out. Changing this list needs a structured source
    /// that gives one entry per row of the kind, with the row's author.
    const COVERED: [&str; 14] = [
        "opened",
        "further-report",
        "closed",
        "reopened",
        "risk-assessed",
        "plan-agreed",
        "plan-action-added",
        "support-recorded",
        "referral-recorded",
        "enforcement-recorded",
        "legal-date-added",
        "deadline-done",
        "deadline-waived",
        "deadline-not-applicable",
    ];

    #[test]
    fn only_creations_and_settlements_are_covered_and_every_change_is_shown() {
        let kinds: BTreeSet<&str> = codes::EVENT_KINDS
            .iter()
            .chain(codes::CONTACT_KINDS.iter())
            .map(|(k, _)| *k)
            .collect();
        let covered: BTreeSet<&str> = kinds
            .iter()
            .copied()
            .filter(|k| treatment(k) != Treatment::Shown)
            .collect();
        assert_eq!(covered, COVERED.into_iter().collect::<BTreeSet<_>>());
        for kind in &kinds {
            if kind.ends_with("-updated") || *kind == "deadline-extended" {
                assert_eq!(treatment(kind), Treatment::Shown, "{kind}");
            }
            // Every kind shown has a name of its own.
            if treatment(kind) == Treatment::Shown {
                assert_ne!(kind_label(kind), "Event", "{kind}");
            }
        }
        assert_eq!(treatment("something-new"), Treatment::Shown);
        assert_eq!(kind_label("something-new"), "Event");
    }

    #[test]
    fn each_covered_kind_names_the_source_that_tells_it() {
        for (kind, source) in [
            ("opened", Source::Report),
            ("further-report", Source::Report),
            ("closed", Source::Closure),
            ("reopened", Source::Closure),
            ("risk-assessed", Source::Risk),
            ("plan-agreed", Source::Plan),
            ("plan-action-added", Source::PlanAction),
            ("support-recorded", Source::Support),
            ("referral-recorded", Source::Referral),
            ("enforcement-recorded", Source::Enforcement),
            ("legal-date-added", Source::LegalDate),
            ("deadline-done", Source::Deadline),
            ("deadline-waived", Source::Deadline),
            ("deadline-not-applicable", Source::Deadline),
        ] {
            assert_eq!(treatment(kind), Treatment::Covered(source), "{kind}");
        }
    }

    fn row(id: i32, kind: &str, by: i32, at: OffsetDateTime, body: &str) -> timeline_entries::Model {
        timeline_entries::Model {
            id,
            case_id: 1,
            kind: kind.to_owned(),
            occurred_at: at,
            body: body.to_owned(),
            person_id: None,
            author_id: Some(by),
            author_name: format!("user {by}"),
            created_at: at,
        }
    }

    #[test]
    fn rows_are_paired_by_kind_author_and_instant_in_id_order_and_used_once() {
        let t = datetime!(2026-11-23 09:00 UTC);
        let rows = vec![
            row(1, "support-recorded", 7, t, "Support recorded: Locks: requested"),
            row(2, "support-recorded", 7, t, "Support recorded: Alarm: requested"),
            row(3, "support-updated", 8, t, "Support updated: Locks: provided"),
            row(4, "note", 7, t, "A note"),
            row(5, "support-recorded", 7, t, "Support recorded: Locks: requested"),
        ];
        let mut ledger = Ledger::new(&rows);
        let alarm = |b: &str| b.starts_with("Support recorded: Alarm:");
        let locks = |b: &str| b.starts_with("Support recorded: Locks:");
        assert_eq!(
            ledger.take("support-recorded", 7, t, alarm).map(|r| r.id),
            Some(2)
        );
        assert_eq!(
            ledger.take("support-recorded", 7, t, locks).map(|r| r.id),
            Some(1)
        );
        assert_eq!(
            ledger.take("support-recorded", 7, t, locks).map(|r| r.id),
            Some(5)
        );
        assert_eq!(ledger.take("support-recorded", 7, t, locks), None);
        // Preferring a fitting body, else any (a name changed since).
        let more = vec![
            row(
                1,
                "support-recorded",
                7,
                t,
                "Support recorded: Old name: requested",
            ),
            row(2, "support-recorded", 7, t, "Support recorded: Alarm: requested"),
        ];
        let mut renamed = Ledger::new(&more);
        assert_eq!(
            renamed
                .take_preferring("support-recorded", 7, t, alarm)
                .map(|r| r.id),
            Some(2)
        );
        assert_eq!(
            renamed
                .take_preferring("support-recorded", 7, t, locks)
                .map(|r| r.id),
            Some(1)
        );
        assert_eq!(renamed.take_preferring("support-recorded", 7, t, locks), None);
        // Another author, another instant or another kind is another step.
        assert_eq!(ledger.take("support-updated", 7, t, |_| true), None);
        let later = t + Duration::SECOND;
        assert_eq!(ledger.take("support-updated", 8, later, |_| true), None);
        assert!(ledger.recorded(&["support-updated"], 8, t));
        assert!(ledger.recorded(&["support-recorded"], 7, t));
        assert!(!ledger.recorded(&["support-updated"], 7, t));
        // Shown: the update and the note; the creations are covered, used or not.
        let shown: Vec<i32> = ledger.shown().map(|r| r.id).collect();
        assert_eq!(shown, vec![3, 4]);
        // A shown row used by a structured entry is not shown again on its own.
        assert_eq!(
            ledger.take("support-updated", 8, t, |_| true).map(|r| r.id),
            Some(3)
        );
        assert_eq!(ledger.shown().map(|r| r.id).collect::<Vec<_>>(), vec![4]);
    }

    #[test]
    fn shown_kinds_have_chronology_names() {
        assert_eq!(kind_label("visit"), "Contact: visit");
        assert_eq!(kind_label("phone-call"), "Contact: phone call");
        assert_eq!(kind_label("failed-attempt"), "Contact: failed attempt");
        assert_eq!(kind_label("note"), "Note");
        assert_eq!(kind_label("assigned"), "Assigned");
        assert_eq!(kind_label("contact-frequency"), "Contact frequency agreed");
        assert_eq!(kind_label("support-updated"), "Support measure updated");
        assert_eq!(kind_label("deadline-extended"), "Deadline extended");
        for (kind, _) in codes::CONTACT_KINDS {
            assert!(
                kind == "note" || kind_label(kind).starts_with("Contact: "),
                "{kind}"
            );
        }
    }
}
