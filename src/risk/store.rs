//! Risk question sets and assessments in the database.

use crate::procedure::{Timescale, Unit};
use entity::{risk_assessments, risk_question_sets};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// The manager-review cadence for a case whose standing level is high: the one in the
/// question set of its latest assessment.
pub async fn high_risk_review(db: &impl ConnectionTrait, case_id: i32) -> Result<Option<Timescale>, DbErr> {
    let Some(latest) = risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_desc(risk_assessments::Column::AssessedAt)
        .order_by_desc(risk_assessments::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(risk_question_sets::Entity::find_by_id(latest.set_id)
        .one(db)
        .await?
        .and_then(|set| u32::try_from(set.high_review_days).ok())
        .filter(|days| *days > 0)
        .map(|days| Timescale::new(Unit::CalendarDays, days)))
}
