//! The assessment form, as typed: occasion, when, one answer per question of the set the
//! form was built from, notes, and the level (the score's, or an override with a reason).
//! Pure: parsing and validation only, so every rule is unit-tested here.

use super::{
    LEVELS, OCCASIONS,
    score::{QuestionSet, Scored},
};
use crate::web::{forms::FormErrors, time_fmt};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The level choice meaning "what the answers score".
pub const USE_SCORE: &str = "score";
/// Longest override reason kept.
pub const MAX_REASON_CHARS: usize = 2_000;
/// Longest notes kept.
pub const MAX_NOTES_CHARS: usize = 10_000;
/// Id of the questions block, for messages about the whole set.
pub const QUESTIONS_ID: &str = "questions";

/// Field name (and id) of a question's radio group, e.g. `q-12`.
pub fn question_field(question_id: i32) -> String {
    format!("q-{question_id}")
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssessForm {
    /// Id of the question set version the form was built from.
    pub set_id: String,
    pub occasion: String,
    pub date: String,
    pub time: String,
    /// Question id → the chosen option's id, as typed.
    pub answers: HashMap<i32, String>,
    pub notes: String,
    /// `USE_SCORE` or a level code.
    pub level: String,
    pub reason: String,
}

/// A valid submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valid {
    pub occasion: &'static str,
    pub assessed_at: OffsetDateTime,
    pub scored: Scored,
    /// The level that stands: the computed one unless overridden.
    pub level: &'static str,
    pub override_reason: Option<String>,
    pub notes: Option<String>,
}

impl Valid {
    pub fn overridden(&self) -> bool {
        self.level != self.scored.level
    }
}

impl AssessForm {
    /// A blank form for `set`, dated `now`: at triage when the case has no assessment yet,
    /// otherwise at a review.
    pub fn new(set: &QuestionSet, first: bool, now: OffsetDateTime) -> Self {
        let (date, time) = time_fmt::london_fields(now);
        AssessForm {
            set_id: set.id.to_string(),
            occasion: if first { "triage" } else { "review" }.to_owned(),
            date,
            time,
            level: USE_SCORE.to_owned(),
            ..Default::default()
        }
    }

    /// The form as submitted (unknown fields ignored; missing ones empty; for a repeated
    /// field the first wins).
    pub fn from_fields(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut answers = HashMap::new();
        for (k, v) in fields {
            if let Some(id) = k.strip_prefix("q-").and_then(|id| id.parse::<i32>().ok()) {
                answers.entry(id).or_insert_with(|| v.clone());
            }
        }
        AssessForm {
            set_id: get("set_id"),
            occasion: get("occasion"),
            date: get("date"),
            time: get("time"),
            answers,
            notes: get("notes"),
            level: get("level"),
            reason: get("reason"),
        }
    }

    /// The answers as option ids (unparseable ones left out).
    pub fn chosen(&self) -> HashMap<i32, i32> {
        self.answers
            .iter()
            .filter_map(|(q, o)| o.trim().parse::<i32>().ok().map(|o| (*q, o)))
            .collect()
    }

    /// The form with its answers moved from `from` to `to` (see
    /// [`QuestionSet::carry_answers`]) and built from `to`.
    pub fn carried(self, from: Option<&QuestionSet>, to: &QuestionSet) -> Self {
        let answers = match from {
            Some(from) => to
                .carry_answers(from, &self.chosen())
                .into_iter()
                .map(|(q, o)| (q, o.to_string()))
                .collect(),
            None => HashMap::new(),
        };
        AssessForm {
            set_id: to.id.to_string(),
            answers,
            ..self
        }
    }

    /// The answers' total and level, when every question is answered.
    pub fn scored(&self, set: &QuestionSet) -> Option<Scored> {
        set.score(&self.chosen()).ok()
    }

    /// Checks every field against `set`; `earliest` is when the case's first report came
    /// in. Errors in the order of the page.
    pub fn validate(
        &self,
        set: &QuestionSet,
        earliest: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Valid, FormErrors> {
        let mut errors = FormErrors::default();
        let occasion = OCCASIONS
            .iter()
            .find(|(code, _)| *code == self.occasion.trim())
            .map(|(code, _)| *code);
        if occasion.is_none() {
            errors.add("occasion", "Choose when this assessment was made");
        }
        // Typed to the minute: a report at 09:00:30 may be assessed "at 09:00".
        let earliest = earliest
            .replace_second(0)
            .and_then(|t| t.replace_nanosecond(0))
            .unwrap_or(earliest);
        let assessed_at = match time_fmt::parse_london(&self.date, &self.time) {
            None => {
                let (field, message) = time_fmt::unreadable_moment(&self.date, &self.time);
                errors.add(field, message);
                None
            }
            Some(at) if at > now => {
                errors.add("date", "The date and time cannot be in the future");
                None
            }
            Some(at) if at < earliest => {
                errors.add("date", "The date cannot be before the case's first report");
                None
            }
            Some(at) => Some(at),
        };
        let scored = match set.score(&self.chosen()) {
            Ok(scored) => Some(scored),
            Err(unanswered) => {
                for id in unanswered {
                    let position = set.questions.iter().position(|q| q.id == id).map_or(0, |i| i + 1);
                    errors.add(question_field(id), format!("Answer question {position}"));
                }
                None
            }
        };
        let notes = self.notes.trim();
        if notes.chars().count() > MAX_NOTES_CHARS {
            errors.add(
                "notes",
                format!("Keep the notes under {MAX_NOTES_CHARS} characters"),
            );
        }
        let chosen_level = match self.level.trim() {
            "" | USE_SCORE => Some(None),
            code => LEVELS.iter().find(|(c, _)| *c == code).map(|(c, _)| Some(*c)),
        };
        if chosen_level.is_none() {
            errors.add("level", "Choose the score's level, or standard, medium or high");
        }
        let reason = self.reason.trim();
        let level = match (chosen_level, &scored) {
            (Some(Some(level)), Some(_)) => Some(level),
            (Some(None), Some(scored)) => Some(scored.level),
            _ => None,
        };
        let overridden = matches!((&scored, level), (Some(s), Some(l)) if s.level != l);
        if reason.chars().count() > MAX_REASON_CHARS {
            errors.add(
                "reason",
                format!("Keep the reason under {MAX_REASON_CHARS} characters"),
            );
        } else if overridden && reason.is_empty() {
            errors.add("reason", "Give the reason for a level different from the score's");
        }
        match (occasion, assessed_at, scored, level, errors.is_empty()) {
            (Some(occasion), Some(assessed_at), Some(scored), Some(level), true) => Ok(Valid {
                occasion,
                assessed_at,
                level,
                override_reason: (level != scored.level).then(|| reason.to_owned()),
                scored,
                notes: (!notes.is_empty()).then(|| notes.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::{HIGH, MEDIUM, score::tests::v1};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);
    const REPORTED: OffsetDateTime = datetime!(2026-11-23 09:00:30 UTC);

    /// A complete form: `pick` chooses the answer index (0 Yes, 1 No, 2 Not known).
    fn form(pick: impl Fn(usize) -> usize) -> AssessForm {
        let set = v1();
        let mut f = AssessForm::new(&set, true, NOW);
        for (i, q) in set.questions.iter().enumerate() {
            f.answers.insert(q.id, q.options[pick(i)].id.to_string());
        }
        f
    }

    fn fields(f: &AssessForm) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = [
            ("set_id", &f.set_id),
            ("occasion", &f.occasion),
            ("date", &f.date),
            ("time", &f.time),
            ("notes", &f.notes),
            ("level", &f.level),
            ("reason", &f.reason),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        for (q, o) in &f.answers {
            out.push((question_field(*q), o.clone()));
        }
        out
    }

    #[test]
    fn a_new_form_is_dated_now_and_at_triage_first() {
        let set = v1();
        let f = AssessForm::new(&set, true, NOW);
        assert_eq!(
            (f.occasion.as_str(), f.date.as_str(), f.time.as_str()),
            ("triage", "2026-11-23", "12:00")
        );
        assert_eq!(f.level, USE_SCORE);
        assert_eq!(AssessForm::new(&set, false, NOW).occasion, "review");
        assert_eq!(f.set_id, "1");
    }

    #[test]
    fn a_form_round_trips_through_its_fields() {
        let mut f = form(|_| 1);
        f.notes = "Notes".to_owned();
        assert_eq!(AssessForm::from_fields(&fields(&f)), f);
    }

    #[test]
    fn a_complete_form_scores_its_level() {
        let v = form(|i| if i < 5 { 0 } else { 1 })
            .validate(&v1(), REPORTED, NOW)
            .expect("valid");
        assert_eq!((v.scored.total, v.level), (13, HIGH));
        assert!(!v.overridden());
        assert_eq!((v.override_reason.clone(), v.notes.clone()), (None, None));
        assert_eq!(v.assessed_at, NOW);
        assert_eq!(v.occasion, "triage");
    }

    #[test]
    fn choosing_the_computed_level_is_no_override() {
        let mut f = form(|_| 2);
        f.level = MEDIUM.to_owned();
        let v = f.validate(&v1(), REPORTED, NOW).expect("valid");
        assert_eq!(v.level, MEDIUM);
        assert_eq!(v.override_reason, None);
    }

    #[test]
    fn an_override_needs_a_reason() {
        let mut f = form(|_| 2);
        f.level = HIGH.to_owned();
        let errors = f.validate(&v1(), REPORTED, NOW).expect_err("no reason");
        assert!(errors.get("reason").is_some());
        f.reason = "  Threats made again yesterday ".to_owned();
        let v = f.validate(&v1(), REPORTED, NOW).expect("valid");
        assert_eq!((v.scored.level, v.level), (MEDIUM, HIGH));
        assert!(v.overridden());
        assert_eq!(v.override_reason.as_deref(), Some("Threats made again yesterday"));
        f.reason = "x".repeat(MAX_REASON_CHARS + 1);
        assert!(
            f.validate(&v1(), REPORTED, NOW)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
    }

    #[test]
    fn unanswered_and_foreign_answers_are_errors_on_their_question() {
        let set = v1();
        let mut f = form(|_| 1);
        f.answers.remove(&2);
        f.answers.insert(4, "abc".to_owned());
        f.answers.insert(5, "999999999999".to_owned());
        f.answers.insert(6, "70".to_owned());
        let errors = f.validate(&set, REPORTED, NOW).expect_err("incomplete");
        for id in [2, 4, 5, 6] {
            assert!(errors.get(&question_field(id)).is_some(), "q-{id}");
        }
        assert_eq!(errors.get("q-2"), Some("Answer question 2"));
        assert!(errors.get("q-1").is_none());
        assert!(f.scored(&set).is_none());
        assert_eq!(form(|_| 2).scored(&set).map(|s| s.total), Some(10));
    }

    #[test]
    fn dates_are_checked() {
        for (date, time, field, why) in [
            ("2026-11-23", "12:01", "date", "future"),
            ("2026-11-23", "08:59", "date", "before the case"),
            ("2026-02-30", "10:00", "date", "YYYY-MM-DD"),
            ("23/11/2026", "10:00", "date", "YYYY-MM-DD"),
            ("2026-11-23", "", "time", "Enter the time"),
            ("2026-11-23", "9.30", "time", "HH:MM"),
            ("99999-11-23", "10:00", "date", "YYYY-MM-DD"),
        ] {
            let mut f = form(|_| 1);
            f.date = date.to_owned();
            f.time = time.to_owned();
            let errors = f.validate(&v1(), REPORTED, NOW).expect_err(date);
            assert!(errors.get(field).unwrap().contains(why), "{date} {time}");
        }
        // The minute of the report is allowed.
        let mut f = form(|_| 1);
        f.time = "09:00".to_owned();
        assert!(f.validate(&v1(), REPORTED, NOW).is_ok());
    }

    #[test]
    fn unknown_codes_and_long_notes_are_refused() {
        let mut f = form(|_| 1);
        f.occasion = "whenever".to_owned();
        f.level = "extreme".to_owned();
        f.notes = "n".repeat(MAX_NOTES_CHARS + 1);
        let errors = f.validate(&v1(), REPORTED, NOW).expect_err("bad");
        for id in ["occasion", "level", "notes"] {
            assert!(errors.get(id).is_some(), "{id}");
        }
    }
}
