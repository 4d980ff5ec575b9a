//! A case's standing risk level, as the case row keeps it, and what it means for the
//! case's deadlines: a high-risk case is reviewed by a manager at the cadence of the
//! question set that assessed it. Assessing risk is `crate::risk`'s; deadlines read the
//! cadence from here.

use crate::procedure::{Timescale, Unit};
use entity::{risk_assessments, risk_question_sets};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

pub const STANDARD: &str = "standard";
pub const MEDIUM: &str = "medium";
pub const HIGH: &str = "high";

/// The manager-review cadence for a case whose standing level is high: the one in the
/// question set of its latest assessment.
pub async fn high_risk_review(db: &impl ConnectionTrait, case_id: i32) -> Result<Option<Timescale>, DbErr> {
    let Some(latest) = latest_for_case(db, case_id).await? else {
        return Ok(None);
    };
    Ok(risk_question_sets::Entity::find_by_id(latest.set_id)
        .one(db)
        .await?
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
    risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_desc(risk_assessments::Column::AssessedAt)
        .order_by_desc(risk_assessments::Column::Id)
        .one(db)
        .await
}
