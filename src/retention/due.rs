//! Which closed cases have passed their retention date, and which of those are held.

use super::{holds, rules::Retention};
use crate::cases::{codes, visibility::Viewer};
use entity::{case_disposals, cases};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Query},
};
use std::collections::BTreeMap;
use time::Date;

/// A closed case past its retention date.
pub struct Due {
    pub case: cases::Model,
    /// The last day it was to be kept.
    pub kept_until: Date,
    /// Why it is kept anyway; empty when it may be disposed of.
    pub held: Vec<String>,
}

/// Closed cases `viewer` may see whose retention ended before `today`, not yet disposed
/// of, oldest first.
pub async fn past_retention(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    today: Date,
) -> Result<Vec<Due>, DbErr> {
    let retention = Retention::load(db).await?;
    past(db, &retention, viewer.condition(), today).await
}

/// How many cases wait for a manager's decision (every case, for the daily job and the
/// managers' home page; managers see every case).
pub async fn awaiting_decision(db: &impl ConnectionTrait, today: Date) -> Result<usize, DbErr> {
    let retention = Retention::load(db).await?;
    let due = past(db, &retention, sea_orm::Condition::all(), today).await?;
    Ok(due.iter().filter(|d| d.held.is_empty()).count())
}

async fn past(
    db: &impl ConnectionTrait,
    retention: &Retention,
    visible: sea_orm::Condition,
    today: Date,
) -> Result<Vec<Due>, DbErr> {
    // No case closed after this can be due, whatever its outcome's period.
    let bound = crate::calendar::end_of_london_day(crate::calendar::add_years(today, -retention.shortest()));
    let closed = cases::Entity::find()
        .filter(cases::Column::Status.eq(codes::CLOSED))
        .filter(cases::Column::ClosedAt.lt(bound))
        .filter(
            Expr::col(cases::Column::Id).not_in_subquery(
                Query::select()
                    .column(case_disposals::Column::CaseId)
                    .from(case_disposals::Entity)
                    .to_owned(),
            ),
        )
        .filter(visible)
        .order_by_asc(cases::Column::ClosedAt)
        .order_by_asc(cases::Column::Id)
        .all(db)
        .await?;
    let due: Vec<(cases::Model, Date)> = closed
        .into_iter()
        .filter_map(|case| {
            let kept_until = retention.kept_until(case.closed_at?, case.outcome.as_deref());
            (kept_until < today).then_some((case, kept_until))
        })
        .collect();
    let ids: Vec<i32> = due.iter().map(|(c, _)| c.id).collect();
    let mut held: BTreeMap<i32, Vec<String>> = holds::reasons(db, &ids, today).await?;
    Ok(due
        .into_iter()
        .map(|(case, kept_until)| Due {
            held: held.remove(&case.id).unwrap_or_default(),
            case,
            kept_until,
        })
        .collect())
}

/// The one case, if it is past `retention` (for the final check before disposal).
pub async fn one(
    db: &impl ConnectionTrait,
    retention: &Retention,
    case: &cases::Model,
    today: Date,
) -> Result<Option<Due>, DbErr> {
    let only = sea_orm::Condition::all().add(cases::Column::Id.eq(case.id));
    Ok(past(db, retention, only, today).await?.pop())
}
