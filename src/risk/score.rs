//! The scoring core: a question set version, its answers' scores, and the thresholds that
//! map a total to a level. Pure (no database, no clock), so every rule is unit-tested here.

use super::{HIGH, MEDIUM, STANDARD};
use std::collections::HashMap;

/// One possible answer to a question and the score it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerOption {
    pub id: i32,
    pub label: String,
    pub score: i32,
}

/// One question of a set, with its answers in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: i32,
    pub text: String,
    /// Guidance shown under the question (may be empty).
    pub help: String,
    pub options: Vec<AnswerOption>,
}

/// A version of the question set: its questions and thresholds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionSet {
    pub id: i32,
    pub number: i32,
    /// A total of at least this is medium risk.
    pub medium_from: i32,
    /// A total of at least this is high risk.
    pub high_from: i32,
    /// Manager reviews on a high-risk case: every so many calendar days.
    pub high_review_days: i32,
    pub questions: Vec<Question>,
}

/// The answer chosen to one question and the score it carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub question_id: i32,
    pub option_id: i32,
    pub score: i32,
}

/// A complete set of answers, totalled and mapped to a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    pub total: i32,
    pub level: &'static str,
    /// One per question, in the set's order.
    pub answers: Vec<Answer>,
}

impl QuestionSet {
    /// The level a total gives under this version's thresholds.
    pub fn level_for(&self, score: i32) -> &'static str {
        level_for(self.medium_from, self.high_from, score)
    }

    /// Scores `answers` (question id → chosen option id). Every question must be answered
    /// with one of its own options; otherwise the ids of the questions that are not.
    pub fn score(&self, answers: &HashMap<i32, i32>) -> Result<Scored, Vec<i32>> {
        let mut chosen = Vec::with_capacity(self.questions.len());
        let mut wrong = vec![];
        for q in &self.questions {
            let option = answers
                .get(&q.id)
                .and_then(|option_id| q.options.iter().find(|o| o.id == *option_id));
            match option {
                Some(o) => chosen.push(Answer {
                    question_id: q.id,
                    option_id: o.id,
                    score: o.score,
                }),
                None => wrong.push(q.id),
            }
        }
        if !wrong.is_empty() {
            return Err(wrong);
        }
        let total = chosen.iter().map(|a| a.score).sum();
        Ok(Scored {
            total,
            level: self.level_for(total),
            answers: chosen,
        })
    }

    /// The highest total the answers can reach.
    pub fn max_score(&self) -> i32 {
        self.questions
            .iter()
            .map(|q| q.options.iter().map(|o| o.score).max().unwrap_or(0))
            .sum()
    }

    pub fn question(&self, id: i32) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Answers given to `from`'s questions, as answers to this set's: a question with the
    /// same wording (ignoring surrounding spaces and case) keeps the answer with the same
    /// label. Anything else is dropped (asked again).
    pub fn carry_answers(&self, from: &QuestionSet, answers: &HashMap<i32, i32>) -> HashMap<i32, i32> {
        let key = |s: &str| s.trim().to_lowercase();
        let mut carried = HashMap::new();
        for (question_id, option_id) in answers {
            let Some(old) = from.question(*question_id) else {
                continue;
            };
            let Some(old_option) = old.options.iter().find(|o| o.id == *option_id) else {
                continue;
            };
            let new = self
                .questions
                .iter()
                .find(|q| key(&q.text) == key(&old.text))
                .and_then(|q| {
                    q.options
                        .iter()
                        .find(|o| key(&o.label) == key(&old_option.label))
                        .map(|o| (q.id, o.id))
                });
            if let Some((q, o)) = new {
                carried.insert(q, o);
            }
        }
        carried
    }
}

/// Total → level: at least `high_from` is high, at least `medium_from` medium, else standard.
pub fn level_for(medium_from: i32, high_from: i32, score: i32) -> &'static str {
    if score >= high_from {
        HIGH
    } else if score >= medium_from {
        MEDIUM
    } else {
        STANDARD
    }
}

/// A question as an administrator wrote it for a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftQuestion {
    pub text: String,
    pub help: String,
    /// (label, score), in order.
    pub options: Vec<(String, i32)>,
}

/// A new version as an administrator wrote it (ids come when it is saved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub medium_from: i32,
    pub high_from: i32,
    pub high_review_days: i32,
    pub questions: Vec<DraftQuestion>,
    /// Why it changed.
    pub note: String,
}

impl Draft {
    /// Whether saving this would change nothing: the same questions, help, answers,
    /// scores and thresholds as `set` (the note does not count).
    pub fn same_as(&self, set: &QuestionSet) -> bool {
        self.medium_from == set.medium_from
            && self.high_from == set.high_from
            && self.high_review_days == set.high_review_days
            && self.questions.len() == set.questions.len()
            && self.questions.iter().zip(&set.questions).all(|(d, q)| {
                d.text == q.text
                    && d.help == q.help
                    && d.options.len() == q.options.len()
                    && d.options
                        .iter()
                        .zip(&q.options)
                        .all(|((label, score), o)| *label == o.label && *score == o.score)
            })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Version 1 as seeded: ten questions answered Yes / No / Not known; Yes scores as
    /// below, No 0, Not known 1; medium from 6, high from 12.
    pub fn v1() -> QuestionSet {
        let yes = [2, 3, 3, 3, 2, 2, 2, 1, 2, 2];
        let questions = yes
            .iter()
            .enumerate()
            .map(|(i, y)| {
                let id = i as i32 + 1;
                Question {
                    id,
                    text: format!("Question {id}?"),
                    help: String::new(),
                    options: [("Yes", *y), ("No", 0), ("Not known", 1)]
                        .into_iter()
                        .enumerate()
                        .map(|(j, (label, score))| AnswerOption {
                            id: id * 10 + j as i32,
                            label: label.to_owned(),
                            score,
                        })
                        .collect(),
                }
            })
            .collect();
        QuestionSet {
            id: 1,
            number: 1,
            medium_from: 6,
            high_from: 12,
            high_review_days: 14,
            questions,
        }
    }

    /// Answers choosing option `pick(question index)` (0 Yes, 1 No, 2 Not known).
    fn answers(set: &QuestionSet, pick: impl Fn(usize) -> usize) -> HashMap<i32, i32> {
        set.questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id, q.options[pick(i)].id))
            .collect()
    }

    #[test]
    fn version_1_boundaries() {
        let set = v1();
        for (score, level) in [
            (0, STANDARD),
            (5, STANDARD),
            (6, MEDIUM),
            (11, MEDIUM),
            (12, HIGH),
            (22, HIGH),
        ] {
            assert_eq!(set.level_for(score), level, "{score}");
        }
        assert_eq!(set.max_score(), 22);
    }

    #[test]
    fn all_no_is_zero_and_all_not_known_is_ten() {
        let set = v1();
        let none = set.score(&answers(&set, |_| 1)).expect("complete");
        assert_eq!((none.total, none.level), (0, STANDARD));
        assert_eq!(none.answers.len(), 10);
        let unknown = set.score(&answers(&set, |_| 2)).expect("complete");
        assert_eq!((unknown.total, unknown.level), (10, MEDIUM));
    }

    #[test]
    fn yes_answers_add_their_scores() {
        let set = v1();
        // Yes to the first three (2 + 3 + 3 = 8), No to the rest: medium.
        let s = set.score(&answers(&set, |i| if i < 3 { 0 } else { 1 })).unwrap();
        assert_eq!((s.total, s.level), (8, MEDIUM));
        assert_eq!(s.answers[1].score, 3);
        // Yes to the first five (13): high.
        let s = set.score(&answers(&set, |i| if i < 5 { 0 } else { 1 })).unwrap();
        assert_eq!((s.total, s.level), (13, HIGH));
        // Yes to the eighth (1) and ninth (2), Not known elsewhere (8): 11, medium.
        let s = set
            .score(&answers(&set, |i| if i == 7 || i == 8 { 0 } else { 2 }))
            .unwrap();
        assert_eq!((s.total, s.level), (11, MEDIUM));
    }

    #[test]
    fn every_question_needs_one_of_its_own_answers() {
        let set = v1();
        let mut a = answers(&set, |_| 1);
        a.remove(&3);
        // Question 5 answered with question 6's option.
        a.insert(5, 60);
        // An answer to a question not in the set changes nothing.
        a.insert(99, 10);
        assert_eq!(set.score(&a), Err(vec![3, 5]));
        assert_eq!(set.score(&HashMap::new()).unwrap_err().len(), 10);
    }

    #[test]
    fn another_version_has_its_own_thresholds() {
        let mut set = v1();
        set.id = 2;
        set.number = 2;
        set.medium_from = 3;
        set.high_from = 8;
        set.questions.truncate(4);
        for (score, level) in [(2, STANDARD), (3, MEDIUM), (7, MEDIUM), (8, HIGH)] {
            assert_eq!(set.level_for(score), level, "{score}");
        }
        // Not known to all four: 4, medium here (standard under version 1's thresholds).
        let s = set.score(&answers(&set, |_| 2)).unwrap();
        assert_eq!((s.total, s.level), (4, MEDIUM));
        assert_eq!(v1().level_for(4), STANDARD);
        assert_eq!(set.max_score(), 11);
    }

    #[test]
    fn answers_carry_to_a_new_version_by_wording() {
        let old = v1();
        let mut new = v1();
        new.id = 2;
        for q in &mut new.questions {
            q.id += 100;
            for o in &mut q.options {
                o.id += 1000;
            }
        }
        // Question 2 reworded: its answer is asked again. Question 3 loses "Not known".
        new.questions[1].text = "Reworded?".to_owned();
        new.questions[2].options.truncate(2);
        let given = answers(&old, |_| 2);
        let carried = new.carry_answers(&old, &given);
        assert_eq!(carried.len(), 8);
        assert_eq!(carried.get(&101), Some(&(1012)));
        assert!(!carried.contains_key(&102));
        assert!(!carried.contains_key(&103));
        // Unknown question ids or options are dropped.
        let odd = HashMap::from([(1, 999), (999, 10)]);
        assert!(new.carry_answers(&old, &odd).is_empty());
    }

    #[test]
    fn a_draft_is_the_same_only_when_nothing_that_scores_changed() {
        let set = v1();
        let draft = Draft {
            medium_from: 6,
            high_from: 12,
            high_review_days: 14,
            note: "anything".to_owned(),
            questions: set
                .questions
                .iter()
                .map(|q| DraftQuestion {
                    text: q.text.clone(),
                    help: q.help.clone(),
                    options: q.options.iter().map(|o| (o.label.clone(), o.score)).collect(),
                })
                .collect(),
        };
        assert!(draft.same_as(&set));
        let mut d = draft.clone();
        d.high_review_days = 7;
        assert!(!d.same_as(&set));
        let mut d = draft.clone();
        d.questions[0].options[0].1 = 5;
        assert!(!d.same_as(&set));
        let mut d = draft.clone();
        d.questions[9].help = "New guidance".to_owned();
        assert!(!d.same_as(&set));
        let mut d = draft.clone();
        d.questions.pop();
        assert!(!d.same_as(&set));
    }
}
