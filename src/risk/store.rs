//! Risk question sets and assessments in the database: the current set for new
//! assessments, an assessment's own set, new versions made by administrators (never edits
//! of old ones), and a case's assessments.

use super::score::{Answer, AnswerOption, Draft, Question, QuestionSet};
use crate::cases::risk_level::latest_first;
use entity::{risk_answer_options, risk_answers, risk_assessments, risk_question_sets, risk_questions};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The version new assessments use: the highest number.
pub async fn current(db: &impl ConnectionTrait) -> Result<QuestionSet, DbErr> {
    let row = risk_question_sets::Entity::find()
        .order_by_desc(risk_question_sets::Column::Number)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("no risk question set".into()))?;
    with_questions(db, row).await
}

/// A particular version (an assessment's own).
pub async fn load(db: &impl ConnectionTrait, set_id: i32) -> Result<QuestionSet, DbErr> {
    let row = risk_question_sets::Entity::find_by_id(set_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("risk question set {set_id}")))?;
    with_questions(db, row).await
}

/// The version numbered `number`, if there is one.
pub async fn find_number(db: &impl ConnectionTrait, number: i32) -> Result<Option<QuestionSet>, DbErr> {
    match risk_question_sets::Entity::find()
        .filter(risk_question_sets::Column::Number.eq(number))
        .one(db)
        .await?
    {
        Some(row) => Ok(Some(with_questions(db, row).await?)),
        None => Ok(None),
    }
}

/// Every version, newest first.
pub async fn versions(db: &impl ConnectionTrait) -> Result<Vec<risk_question_sets::Model>, DbErr> {
    risk_question_sets::Entity::find()
        .order_by_desc(risk_question_sets::Column::Number)
        .all(db)
        .await
}

/// A set's questions and answers: two queries.
async fn with_questions(
    db: &impl ConnectionTrait,
    row: risk_question_sets::Model,
) -> Result<QuestionSet, DbErr> {
    let questions = risk_questions::Entity::find()
        .filter(risk_questions::Column::SetId.eq(row.id))
        .order_by_asc(risk_questions::Column::Position)
        .all(db)
        .await?;
    let mut options: HashMap<i32, Vec<AnswerOption>> = HashMap::new();
    for o in risk_answer_options::Entity::find()
        .filter(risk_answer_options::Column::QuestionId.is_in(questions.iter().map(|q| q.id)))
        .order_by_asc(risk_answer_options::Column::QuestionId)
        .order_by_asc(risk_answer_options::Column::Position)
        .all(db)
        .await?
    {
        options.entry(o.question_id).or_default().push(AnswerOption {
            id: o.id,
            label: o.label,
            score: o.score,
        });
    }
    Ok(QuestionSet {
        id: row.id,
        number: row.number,
        medium_from: row.medium_from,
        high_from: row.high_from,
        high_review_days: row.high_review_days,
        questions: questions
            .into_iter()
            .map(|q| Question {
                options: options.remove(&q.id).unwrap_or_default(),
                id: q.id,
                text: q.text,
                help: q.help,
            })
            .collect(),
    })
}

/// Adds a version made from `draft` and returns it. Call inside a transaction holding
/// `db::Lock::RiskQuestions` so numbers stay consecutive.
pub async fn create(
    db: &impl ConnectionTrait,
    draft: &Draft,
    by: i32,
    now: OffsetDateTime,
) -> Result<QuestionSet, DbErr> {
    let latest = risk_question_sets::Entity::find()
        .order_by_desc(risk_question_sets::Column::Number)
        .one(db)
        .await?
        .map_or(0, |s| s.number);
    let row = risk_question_sets::Entity::insert(risk_question_sets::ActiveModel {
        number: Set(latest + 1),
        medium_from: Set(draft.medium_from),
        high_from: Set(draft.high_from),
        high_review_days: Set(draft.high_review_days),
        created_at: Set(now),
        created_by: Set(Some(by)),
        note: Set(draft.note.clone()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    for (i, q) in draft.questions.iter().enumerate() {
        let question = risk_questions::Entity::insert(risk_questions::ActiveModel {
            set_id: Set(row.id),
            position: Set(i as i32 + 1),
            text: Set(q.text.clone()),
            help: Set(q.help.clone()),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await?;
        risk_answer_options::Entity::insert_many(q.options.iter().enumerate().map(|(j, (label, score))| {
            risk_answer_options::ActiveModel {
                question_id: Set(question.id),
                position: Set(j as i32 + 1),
                label: Set(label.clone()),
                score: Set(*score),
                ..Default::default()
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    with_questions(db, row).await
}

/// The case's latest assessment (the one whose level stands), if any.
pub async fn latest_for_case(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Option<risk_assessments::Model>, DbErr> {
    latest_first(case_id).one(db).await
}

/// Every assessment on the case, latest first.
pub async fn history(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<risk_assessments::Model>, DbErr> {
    latest_first(case_id).all(db).await
}

/// The assessment `id` if it is on case `case_id`.
pub async fn find_on_case(
    db: &impl ConnectionTrait,
    case_id: i32,
    id: i32,
) -> Result<Option<risk_assessments::Model>, DbErr> {
    risk_assessments::Entity::find_by_id(id)
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .one(db)
        .await
}

/// The answers of an assessment, by question id.
pub async fn answers(db: &impl ConnectionTrait, assessment_id: i32) -> Result<HashMap<i32, Answer>, DbErr> {
    Ok(risk_answers::Entity::find()
        .filter(risk_answers::Column::AssessmentId.eq(assessment_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.question_id,
                Answer {
                    question_id: a.question_id,
                    option_id: a.option_id,
                    score: a.score,
                },
            )
        })
        .collect())
}

/// An assessment to record.
pub struct NewAssessment<'a> {
    pub case_id: i32,
    pub set_id: i32,
    pub occasion: &'a str,
    pub assessed_at: OffsetDateTime,
    pub score: i32,
    pub computed_level: &'a str,
    pub level: &'a str,
    pub override_reason: Option<String>,
    pub notes: Option<String>,
    pub answers: &'a [Answer],
    pub by: i32,
    pub now: OffsetDateTime,
}

/// Inserts the assessment and its answers.
pub async fn insert(
    db: &impl ConnectionTrait,
    a: NewAssessment<'_>,
) -> Result<risk_assessments::Model, DbErr> {
    let row = risk_assessments::Entity::insert(risk_assessments::ActiveModel {
        case_id: Set(a.case_id),
        set_id: Set(a.set_id),
        occasion: Set(a.occasion.to_owned()),
        assessed_at: Set(a.assessed_at),
        score: Set(a.score),
        computed_level: Set(a.computed_level.to_owned()),
        level: Set(a.level.to_owned()),
        override_reason: Set(a.override_reason),
        notes: Set(a.notes),
        created_by: Set(a.by),
        created_at: Set(a.now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    if !a.answers.is_empty() {
        risk_answers::Entity::insert_many(a.answers.iter().map(|ans| risk_answers::ActiveModel {
            assessment_id: Set(row.id),
            question_id: Set(ans.question_id),
            option_id: Set(ans.option_id),
            score: Set(ans.score),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(row)
}
