//! The question set form, as typed: one row per question (text, help, and its answers as
//! lines of `Label = score`), the thresholds, the high-risk review cadence, the version the
//! form was built from, and what changed. Pure: parsing and validation only.

use crate::{
    risk::score::{Draft, DraftQuestion, QuestionSet},
    web::forms::FormErrors,
};

/// Blank rows offered after the existing questions, for new ones.
pub const BLANK_ROWS: usize = 3;
/// Rows read from a submission (anything beyond is ignored).
pub const MAX_ROWS: usize = 60;
/// Questions a version may have.
pub const MAX_QUESTIONS: usize = 40;
/// Answers a question may have.
pub const MAX_OPTIONS: usize = 10;
pub const MAX_TEXT_CHARS: usize = 500;
pub const MAX_HELP_CHARS: usize = 1_000;
pub const MAX_LABEL_CHARS: usize = 60;
pub const MAX_SCORE: i32 = 100;
pub const MAX_THRESHOLD: i32 = 10_000;
pub const MAX_REVIEW_DAYS: i32 = 365;
pub const MAX_NOTE_CHARS: usize = 500;
/// Id of the questions block, for messages about the whole set.
pub const QUESTIONS_ID: &str = "questions";

pub fn text_id(row: usize) -> String {
    format!("question-{row}-text")
}

pub fn help_id(row: usize) -> String {
    format!("question-{row}-help")
}

pub fn answers_id(row: usize) -> String {
    format!("question-{row}-answers")
}

/// One question row as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub text: String,
    pub help: String,
    /// Lines of `Label = score`.
    pub answers: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetForm {
    /// Number of the version the form was built from (for spotting a stale form).
    pub based_on: String,
    /// Rows in page order; field ids count from 1.
    pub rows: Vec<Row>,
    pub medium_from: String,
    pub high_from: String,
    pub high_review_days: String,
    pub note: String,
}

/// A valid submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valid {
    pub based_on: Option<i32>,
    pub draft: Draft,
}

impl SetForm {
    /// The form pre-filled with a version, and blank rows for new questions.
    pub fn from_set(set: &QuestionSet) -> Self {
        let mut rows: Vec<Row> = set
            .questions
            .iter()
            .map(|q| Row {
                text: q.text.clone(),
                help: q.help.clone(),
                answers: q
                    .options
                    .iter()
                    .map(|o| format!("{} = {}", o.label, o.score))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .collect();
        rows.extend(std::iter::repeat_n(Row::default(), BLANK_ROWS));
        SetForm {
            based_on: set.number.to_string(),
            rows,
            medium_from: set.medium_from.to_string(),
            high_from: set.high_from.to_string(),
            high_review_days: set.high_review_days.to_string(),
            note: String::new(),
        }
    }

    /// The form as submitted (unknown fields ignored; missing ones empty).
    pub fn from_fields(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let rows = (1..=MAX_ROWS)
            .filter_map(|n| {
                let (text, help, answers) = (get(&text_id(n)), get(&help_id(n)), get(&answers_id(n)));
                (text.is_some() || help.is_some() || answers.is_some()).then(|| Row {
                    text: text.unwrap_or_default(),
                    help: help.unwrap_or_default(),
                    answers: answers.unwrap_or_default(),
                })
            })
            .collect();
        SetForm {
            based_on: get("based_on").unwrap_or_default(),
            rows,
            medium_from: get("medium_from").unwrap_or_default(),
            high_from: get("high_from").unwrap_or_default(),
            high_review_days: get("high_review_days").unwrap_or_default(),
            note: get("note").unwrap_or_default(),
        }
    }

    /// Checks every row, threshold and the note; errors in the order of the page.
    pub fn validate(&self) -> Result<Valid, FormErrors> {
        let mut errors = FormErrors::default();
        let mut questions = vec![];
        let mut rows_ok = true;
        for (i, row) in self.rows.iter().enumerate() {
            let n = i + 1;
            let text = row.text.trim();
            // A blank question removes the row (its help and answers with it).
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_TEXT_CHARS {
                errors.add(
                    text_id(n),
                    format!("Question {n}: keep the question to {MAX_TEXT_CHARS} characters or fewer"),
                );
                rows_ok = false;
            }
            let help = row.help.trim();
            if help.chars().count() > MAX_HELP_CHARS {
                errors.add(
                    help_id(n),
                    format!("Question {n}: keep the help to {MAX_HELP_CHARS} characters or fewer"),
                );
                rows_ok = false;
            }
            match parse_answers(&row.answers) {
                Ok(options) => questions.push(DraftQuestion {
                    text: text.to_owned(),
                    help: help.to_owned(),
                    options,
                }),
                Err(why) => {
                    errors.add(answers_id(n), format!("Question {n}: {why}"));
                    rows_ok = false;
                }
            }
        }
        if rows_ok && questions.is_empty() {
            errors.add(QUESTIONS_ID, "Keep at least one question");
        } else if questions.len() > MAX_QUESTIONS {
            errors.add(
                QUESTIONS_ID,
                format!("A question set can have at most {MAX_QUESTIONS} questions"),
            );
        }
        let number =
            |s: &str, min: i32, max: i32| s.trim().parse::<i32>().ok().filter(|n| (min..=max).contains(n));
        let medium_from = number(&self.medium_from, 1, MAX_THRESHOLD);
        if medium_from.is_none() {
            errors.add(
                "medium_from",
                format!("Enter the medium-risk threshold as a whole number from 1 to {MAX_THRESHOLD}"),
            );
        }
        let high_from = number(&self.high_from, 1, MAX_THRESHOLD);
        match (high_from, medium_from) {
            (None, _) => errors.add(
                "high_from",
                format!("Enter the high-risk threshold as a whole number from 2 to {MAX_THRESHOLD}"),
            ),
            (Some(high), Some(medium)) if high <= medium => errors.add(
                "high_from",
                "The high-risk threshold must be more than the medium-risk threshold",
            ),
            (Some(high), _) if rows_ok && !questions.is_empty() => {
                let max: i32 = questions
                    .iter()
                    .map(|q| q.options.iter().map(|(_, s)| *s).max().unwrap_or(0))
                    .sum();
                if high > max {
                    errors.add(
                        "high_from",
                        format!("The highest possible total is {max}: a high-risk threshold of {high} could never be reached"),
                    );
                }
            }
            _ => {}
        }
        let high_review_days = number(&self.high_review_days, 1, MAX_REVIEW_DAYS);
        if high_review_days.is_none() {
            errors.add(
                "high_review_days",
                format!(
                    "Enter the days between manager reviews as a whole number from 1 to {MAX_REVIEW_DAYS}"
                ),
            );
        }
        let note = self.note.trim();
        if note.is_empty() {
            errors.add("note", "Enter what changed and why");
        } else if note.chars().count() > MAX_NOTE_CHARS {
            errors.add(
                "note",
                format!("Keep the note to {MAX_NOTE_CHARS} characters or fewer"),
            );
        }
        match (medium_from, high_from, high_review_days, errors.is_empty()) {
            (Some(medium_from), Some(high_from), Some(high_review_days), true) => Ok(Valid {
                based_on: self.based_on.trim().parse().ok(),
                draft: Draft {
                    medium_from,
                    high_from,
                    high_review_days,
                    questions,
                    note: note.to_owned(),
                },
            }),
            _ => Err(errors),
        }
    }
}

/// Lines of `Label = score` (blank lines ignored) as (label, score) pairs, or what is wrong.
pub fn parse_answers(text: &str) -> Result<Vec<(String, i32)>, String> {
    let mut options: Vec<(String, i32)> = vec![];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((label, score)) = line.rsplit_once('=') else {
            return Err(format!(
                "write each answer as a label, an equals sign and its score, like “Yes = 2” (not “{}”)",
                shorten(line)
            ));
        };
        let label = label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
            return Err(format!(
                "each answer needs a label of 1 to {MAX_LABEL_CHARS} characters before the equals sign"
            ));
        }
        let Some(score) = score
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| (0..=MAX_SCORE).contains(s))
        else {
            return Err(format!(
                "the score of “{}” must be a whole number from 0 to {MAX_SCORE}",
                shorten(label)
            ));
        };
        if options
            .iter()
            .any(|(l, _)| l.to_lowercase() == label.to_lowercase())
        {
            return Err(format!("the answer “{}” is given twice", shorten(label)));
        }
        options.push((label.to_owned(), score));
    }
    if options.len() < 2 {
        return Err("give at least two answers, one per line".to_owned());
    }
    if options.len() > MAX_OPTIONS {
        return Err(format!("give at most {MAX_OPTIONS} answers"));
    }
    Ok(options)
}

/// Typed text quoted back in a message, cut short.
fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::score::tests::v1;

    fn fields(f: &SetForm) -> Vec<(String, String)> {
        let mut out = vec![
            ("based_on".to_owned(), f.based_on.clone()),
            ("medium_from".to_owned(), f.medium_from.clone()),
            ("high_from".to_owned(), f.high_from.clone()),
            ("high_review_days".to_owned(), f.high_review_days.clone()),
            ("note".to_owned(), f.note.clone()),
        ];
        for (i, r) in f.rows.iter().enumerate() {
            out.push((text_id(i + 1), r.text.clone()));
            out.push((help_id(i + 1), r.help.clone()));
            out.push((answers_id(i + 1), r.answers.clone()));
        }
        out
    }

    fn form() -> SetForm {
        let mut f = SetForm::from_set(&v1());
        f.note = "Reviewed".to_owned();
        f
    }

    #[test]
    fn a_form_starts_from_the_set_with_blank_rows_and_round_trips() {
        let f = form();
        assert_eq!(f.rows.len(), 10 + BLANK_ROWS);
        assert_eq!(f.rows[0].answers, "Yes = 2\nNo = 0\nNot known = 1");
        assert_eq!(f.based_on, "1");
        assert_eq!(SetForm::from_fields(&fields(&f)), f);
    }

    #[test]
    fn an_unchanged_form_is_valid_and_the_same() {
        let valid = form().validate().expect("valid");
        assert_eq!(valid.based_on, Some(1));
        assert_eq!(valid.draft.questions.len(), 10);
        assert!(valid.draft.same_as(&v1()));
    }

    #[test]
    fn changes_are_changes_and_blank_questions_are_removed() {
        let mut f = form();
        f.rows[10] = Row {
            text: " Has the victim stopped going out? ".to_owned(),
            help: String::new(),
            answers: "Yes = 2\n\n  No=0  \r\nNot known = 1\n".to_owned(),
        };
        f.rows[0].text = "  ".to_owned();
        f.high_from = "10".to_owned();
        let v = f.validate().expect("valid");
        assert_eq!(v.draft.questions.len(), 10);
        assert_eq!(v.draft.questions[9].text, "Has the victim stopped going out?");
        assert_eq!(
            v.draft.questions[9].options,
            vec![
                ("Yes".to_owned(), 2),
                ("No".to_owned(), 0),
                ("Not known".to_owned(), 1)
            ]
        );
        assert_eq!(v.draft.high_from, 10);
        assert!(!v.draft.same_as(&v1()));
    }

    #[test]
    fn answers_must_be_labelled_scored_and_unique() {
        for (answers, why) in [
            ("Yes = 2", "at least two"),
            ("Yes\nNo = 0", "equals sign"),
            (" = 2\nNo = 0", "label of 1 to 60"),
            (&format!("{} = 1\nNo = 0", "x".repeat(61)), "label of 1 to 60"),
            ("Yes = 2.5\nNo = 0", "whole number from 0 to 100"),
            ("Yes = -1\nNo = 0", "whole number from 0 to 100"),
            ("Yes = 101\nNo = 0", "whole number from 0 to 100"),
            ("Yes = 99999999999\nNo = 0", "whole number from 0 to 100"),
            ("Yes = 2\nyes = 0", "given twice"),
            (
                &(0..11)
                    .map(|i| format!("A{i} = 1"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                "at most 10",
            ),
        ] {
            let err = parse_answers(answers).expect_err(answers);
            assert!(err.contains(why), "{answers:?}: {err}");
        }
        // A label may itself contain an equals sign: the score follows the last one.
        assert_eq!(
            parse_answers("a = b = 3\nNo = 0").unwrap()[0],
            ("a = b".to_owned(), 3)
        );
        assert_eq!(
            parse_answers(&format!("{} = 100\nNo = 0", "x".repeat(60))).unwrap()[0].1,
            100
        );
    }

    #[test]
    fn bad_rows_are_errors_on_their_fields() {
        let mut f = form();
        f.rows[2].answers = "Yes = 3".to_owned();
        f.rows[3].text = "q".repeat(MAX_TEXT_CHARS + 1);
        f.rows[4].help = "h".repeat(MAX_HELP_CHARS + 1);
        let errors = f.validate().expect_err("bad rows");
        assert!(
            errors
                .get("question-3-answers")
                .unwrap()
                .starts_with("Question 3: ")
        );
        assert!(errors.get("question-4-text").is_some());
        assert!(errors.get("question-5-help").is_some());
        assert!(errors.get("question-1-answers").is_none());
    }

    #[test]
    fn thresholds_and_review_days_are_checked() {
        for (medium, high, days, wrong) in [
            ("0", "12", "14", "medium_from"),
            ("abc", "12", "14", "medium_from"),
            ("6", "6", "14", "high_from"),
            ("6", "5", "14", "high_from"),
            ("6", "23", "14", "high_from"),
            ("6", "", "14", "high_from"),
            ("6", "12", "0", "high_review_days"),
            ("6", "12", "366", "high_review_days"),
            ("6", "12", "2.5", "high_review_days"),
        ] {
            let mut f = form();
            f.medium_from = medium.to_owned();
            f.high_from = high.to_owned();
            f.high_review_days = days.to_owned();
            let errors = f.validate().expect_err(wrong);
            assert!(errors.get(wrong).is_some(), "{medium} {high} {days}: {wrong}");
        }
        let mut f = form();
        f.high_from = "22".to_owned();
        f.high_review_days = "365".to_owned();
        assert!(f.validate().is_ok());
    }

    #[test]
    fn a_set_needs_a_question_and_a_note() {
        let mut f = form();
        for row in &mut f.rows {
            row.text.clear();
        }
        f.note = " ".to_owned();
        let errors = f.validate().expect_err("empty");
        assert!(errors.get(QUESTIONS_ID).is_some());
        assert!(errors.get("note").is_some());
        let mut f = form();
        f.note = "n".repeat(MAX_NOTE_CHARS + 1);
        assert!(f.validate().unwrap_err().get("note").is_some());
        let errors = SetForm::from_fields(&[]).validate().expect_err("nothing");
        for id in [
            QUESTIONS_ID,
            "medium_from",
            "high_from",
            "high_review_days",
            "note",
        ] {
            assert!(errors.get(id).is_some(), "{id}");
        }
    }
}
