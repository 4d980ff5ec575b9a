//! A case's standing risk level, as the case row keeps it, and what it means for the
//! case's deadlines: a high-risk case is reviewed by a manager at the cadence of the
//! question set that assessed it. Assessing risk is `crate::risk`'s; deadlines read the
//! cadence from here.

use crate::procedure::{Timescale, Unit};
use entity::{risk_assessments, risk_question_sets};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};

pub const STANDARD: &str = "standard";
pub const MEDIUM: &str = "medium";
pub const HIGH: &str = "high";

/// The manager-review cadence for a case whose standing level is high: the one in the
/// question set of its latest assessment.
pub async fn high_risk_review(db: &impl ConnectionTrait, case_id: i32) -> Result<Option<Timescale>, DbErr> {
    // A page has read every assessment already (the risk panel lists them); elsewhere (a
    // transaction planning deadlines) the latest one is enough.
    let set = if crate::page_memo::in_page() {
        assessed(db, case_id)
            .await?
            .first()
            .and_then(|(_, set)| set.clone())
    } else {
        with_set(latest_query(case_id))
            .one(db)
            .await?
            .and_then(|(_, set)| set)
    };
    Ok(set
        .and_then(|set| u32::try_from(set.high_review_days).ok())
        .filter(|days| *days > 0)
        .map(|days| Timescale::new(Unit::CalendarDays, days)))
}

/// The case's latest assessment (by when it was made; the later recorded of two at the
/// same time): the one whose level stands.
pub async fn latest_for_case(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Option<risk_assessments::Model>, DbErr> {
    latest_query(case_id).one(db).await
}

/// Every assessment on the case, latest first, each with its question set: one
/// statement, once per page (`page_memo`).
pub async fn assessed(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<std::sync::Arc<Vec<(risk_assessments::Model, Option<risk_question_sets::Model>)>>, DbErr> {
    crate::page_memo::kept_or(i64::from(case_id), with_set(latest_query(case_id)).all(db)).await
}

fn with_set(
    q: sea_orm::Select<risk_assessments::Entity>,
) -> sea_orm::SelectTwo<risk_assessments::Entity, risk_question_sets::Entity> {
    q.join(
        JoinType::LeftJoin,
        risk_assessments::Entity::belongs_to(risk_question_sets::Entity)
            .from(risk_assessments::Column::SetId)
            .to(risk_question_sets::Column::Id)
            .into(),
    )
    .select_also(risk_question_sets::Entity)
}

fn latest_query(case_id: i32) -> sea_orm::Select<risk_assessments::Entity> {
    risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_desc(risk_assessments::Column::AssessedAt)
        .order_by_desc(risk_assessments::Column::Id)
}
