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
    // The latest assessment with its question set, in one statement.
    let latest: Option<(risk_assessments::Model, Option<risk_question_sets::Model>)> = latest_query(case_id)
        .join(
            JoinType::LeftJoin,
            risk_assessments::Entity::belongs_to(risk_question_sets::Entity)
                .from(risk_assessments::Column::SetId)
                .to(risk_question_sets::Column::Id)
                .into(),
        )
        .select_also(risk_question_sets::Entity)
        .one(db)
        .await?;
    Ok(latest
        .and_then(|(_, set)| set)
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

fn latest_query(case_id: i32) -> sea_orm::Select<risk_assessments::Entity> {
    risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_desc(risk_assessments::Column::AssessedAt)
        .order_by_desc(risk_assessments::Column::Id)
}
