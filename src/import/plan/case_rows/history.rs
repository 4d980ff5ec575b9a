//! What the intake form does not ask, checked from a case's rows: the first contact with
//! the victim, the closure, action against alleged perpetrators and the satisfaction check.

use super::*;

impl CaseRows<'_> {
    pub(super) fn first_contact(
        &mut self,
        received: Option<(Date, Option<Time>)>,
    ) -> Option<(OffsetDateTime, &'static str)> {
        let row = self.first_row();
        let text = self.value(Column::FirstContact);
        let how_text = self.value(Column::FirstContactHow);
        if text.is_empty() {
            if !how_text.is_empty() {
                self.problem(
                    row,
                    Column::FirstContact,
                    "",
                    "Enter when the first contact was, or leave first_contact_how blank",
                );
            }
            return None;
        }
        const HOW_ALIASES: [(&str, &str); 7] = [
            ("phone", "phone-call"),
            ("telephone", "phone-call"),
            ("call", "phone-call"),
            ("home visit", "visit"),
            ("e mail", "email"),
            ("in person", "meeting"),
            ("face to face", "meeting"),
        ];
        let kind = if how_text.is_empty() {
            Some("phone-call")
        } else {
            code_in(&codes::CONTACT_KINDS[..5], &HOW_ALIASES, &how_text)
        };
        if kind.is_none() {
            self.problem(
                row,
                Column::FirstContactHow,
                &how_text,
                "Write visit, phone call, letter, e-mail or meeting",
            );
        }
        let at = match date_time(&text) {
            Ok((date, time)) => {
                let time = time.unwrap_or(match received {
                    Some((d, t)) if d == date => t.unwrap_or(DAY_START).max(DAY_START),
                    _ => DAY_START,
                });
                let at = time_fmt::london_at(date, time);
                if at.is_none() {
                    self.problem(
                        row,
                        Column::FirstContact,
                        &text,
                        "That time did not happen in London (the clocks went forward): check the time",
                    );
                }
                at
            }
            Err(e) => {
                self.problem(row, Column::FirstContact, &text, e);
                None
            }
        };
        if at.is_some_and(|at| at > self.cx.now) {
            self.problem(
                row,
                Column::FirstContact,
                &text,
                "The first contact cannot be in the future",
            );
        }
        Some((at?, kind?))
    }

    pub(super) fn closure(&mut self, received_on: Option<Date>) -> Option<(Date, &'static str)> {
        let row = self.first_row();
        let text = self.value(Column::Closed);
        let outcome_text = self.value(Column::Outcome);
        const OUTCOME_ALIASES: [(&str, &str); 5] = [
            ("moved", "unresolved-moved"),
            ("victim moved", "unresolved-moved"),
            ("no further action", "unresolved-nfa"),
            ("nfa", "unresolved-nfa"),
            ("not hate", "not-hate"),
        ];
        if text.is_empty() {
            if !outcome_text.is_empty() {
                self.problem(
                    row,
                    Column::Outcome,
                    &outcome_text,
                    "An outcome needs the date the case was closed",
                );
            }
            return None;
        }
        let date = match values::date_time(&text) {
            Ok((date, _)) => Some(date),
            Err(e) => {
                self.problem(row, Column::Closed, &text, e);
                None
            }
        };
        let today = time_fmt::london(self.cx.now).date();
        match (date, received_on) {
            (Some(d), _) if d > today => self.problem(
                row,
                Column::Closed,
                &text,
                "The closing date cannot be in the future",
            ),
            (Some(d), Some(r)) if d < r => self.problem(
                row,
                Column::Closed,
                &text,
                "The case cannot be closed before the report was received",
            ),
            _ => {}
        }
        let outcome = code_in(&codes::OUTCOMES, &OUTCOME_ALIASES, &outcome_text);
        if outcome.is_none() {
            let message = if outcome_text.is_empty() {
                "Enter the outcome of the closed case".to_owned()
            } else {
                format!("Not an outcome. Outcomes are: {}", labels(&codes::OUTCOMES))
            };
            self.problem(row, Column::Outcome, &outcome_text, message);
        }
        Some((date?, outcome?))
    }

    pub(super) fn actions(
        &mut self,
        received_on: Option<Date>,
        has_perpetrator: bool,
    ) -> Vec<(&'static str, Date, bool)> {
        let row = self.first_row();
        let text = self.value(Column::Enforcement);
        let today = time_fmt::london(self.cx.now).date();
        const ALIASES: [(&str, &str); 6] = [
            ("nosp", "nsp"),
            ("asb injunction", "injunction"),
            ("abc", "abc"),
            ("acceptable behaviour agreement", "abc"),
            ("verbal warning", "advice"),
            ("injunction", "injunction"),
        ];
        let kinds: Vec<Code> = LADDER.iter().chain(GENERAL_MEASURES.iter()).copied().collect();
        let mut out = vec![];
        for item in items(&text) {
            let (step, date_text) = match item.split_once('@') {
                Some((s, d)) => (s.trim(), Some(d.trim())),
                None => (item, None),
            };
            let Some(kind) = code_in(&kinds, &ALIASES, step) else {
                self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "Not a step of the enforcement ladder or a general measure Harbour knows",
                );
                continue;
            };
            if crate::enforcement::is_ladder(kind) && !has_perpetrator {
                self.problem(row, Column::Enforcement, item, "A step of the enforcement ladder needs an alleged perpetrator (perpetrator_name) on the case");
            }
            let date = match date_text.map(values::date_time) {
                None => received_on,
                Some(Ok((d, _))) => Some(d),
                Some(Err(e)) => {
                    self.problem(row, Column::Enforcement, item, e);
                    None
                }
            };
            match (date, received_on) {
                (Some(d), _) if d > today => self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "The action's date cannot be in the future",
                ),
                (Some(d), Some(r)) if d < r => self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "The action cannot be before the report was received",
                ),
                (Some(d), _) => out.push((kind, d, date_text.is_some())),
                (None, _) => {}
            }
        }
        out
    }

    pub(super) fn satisfaction(&mut self, closed: bool) -> Option<&'static str> {
        let text = self.value(Column::Satisfaction);
        if text.is_empty() {
            return None;
        }
        let row = self.first_row();
        let found = code_in(&codes::SATISFACTION, &[("fairly satisfied", "satisfied")], &text);
        if found.is_none() {
            self.problem(
                row,
                Column::Satisfaction,
                &text,
                format!(
                    "Not an answer Harbour records. Answers are: {}",
                    labels(&codes::SATISFACTION)
                ),
            );
        } else if !closed {
            self.problem(
                row,
                Column::Satisfaction,
                &text,
                "Satisfaction is asked after closure: this case has no closed date",
            );
        }
        found
    }
}

fn labels(list: &[Code]) -> String {
    list.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("; ")
}
