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
/// question set of its latest assessment. One statement, once per page (the risk and the
/// deadlines panels both ask, through `deadlines::schedule::Rules`).
pub async fn high_risk_review(db: &impl ConnectionTrait, case_id: i32) -> Result<Option<Timescale>, DbErr> {
    // A type of its own: the page memo keeps one answer per type and case.
    struct ReviewDays(Option<i32>);
    let days = crate::page_memo::kept_or(i64::from(case_id), async {
        let days: Option<Option<i32>> = latest_first(case_id)
            .join(
                JoinType::LeftJoin,
                risk_assessments::Entity::belongs_to(risk_question_sets::Entity)
                    .from(risk_assessments::Column::SetId)
                    .to(risk_question_sets::Column::Id)
                    .into(),
            )
            .select_only()
            .column(risk_question_sets::Column::HighReviewDays)
            .into_tuple()
            .one(db)
            .await?;
        Ok::<_, DbErr>(ReviewDays(days.flatten()))
    })
    .await?;
    Ok(days
        .0
        .and_then(|days| u32::try_from(days).ok())
        .filter(|days| *days > 0)
        .map(|days| Timescale::new(Unit::CalendarDays, days)))
}

/// The case's assessments, latest first: by when each was made, the later recorded of two
/// made at the same time first. The first is the one whose level stands, and whose
/// question set gives the high-risk cadence; `crate::risk::store` reads them in this order.
pub fn latest_first(case_id: i32) -> sea_orm::Select<risk_assessments::Entity> {
    risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_desc(risk_assessments::Column::AssessedAt)
        .order_by_desc(risk_assessments::Column::Id)
}
