//! A case's details in the database: the choices the form offers, the case's strands, and
//! saving a change (with its timeline entry, and re-planning deadlines for a new priority).

use super::form::{Lists, Valid, changes};
use crate::cases::events::EventKind;
use crate::{
    cases::timeline::{self, Actor, Entry},
    error::AppResult,
};
use entity::{case_strands, cases, strands};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use std::collections::HashMap;

/// The strands and areas the form offers.
pub(super) async fn lists(db: &impl ConnectionTrait) -> Result<Lists, DbErr> {
    Ok(Lists {
        strands: strands::Entity::find()
            .order_by_asc(strands::Column::Position)
            .all(db)
            .await?,
        areas: crate::cases::areas::all(db).await?,
    })
}

/// The ids of the strands recorded on the case `case_id`.
pub async fn strand_ids(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<i32>, DbErr> {
    case_strands::Entity::find()
        .select_only()
        .column(case_strands::Column::StrandId)
        .filter(case_strands::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await
}

/// The labels of the strands recorded on each of `case_ids`, in the landlord's order: one
/// statement for a case page or a caseload's page.
pub async fn strand_labels(
    db: &impl ConnectionTrait,
    case_ids: &[i32],
) -> Result<HashMap<i32, Vec<String>>, DbErr> {
    let rows: Vec<(i32, String)> = case_strands::Entity::find()
        .select_only()
        .column(case_strands::Column::CaseId)
        .column(strands::Column::Label)
        .join(
            JoinType::InnerJoin,
            case_strands::Entity::belongs_to(strands::Entity)
                .from(case_strands::Column::StrandId)
                .to(strands::Column::Id)
                .into(),
        )
        .filter(case_strands::Column::CaseId.is_in(case_ids.iter().copied()))
        .order_by_asc(strands::Column::Position)
        .order_by_asc(strands::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut labels: HashMap<i32, Vec<String>> = HashMap::new();
    for (case_id, label) in rows {
        labels.entry(case_id).or_default().push(label);
    }
    Ok(labels)
}

/// Saves `v` over `case` (whose strands were `old_strands`) if the case is still at
/// `version`, with its timeline entry. `None`, with nothing written, when it is not;
/// otherwise how many open deadlines were re-planned for a new priority.
pub(super) async fn save(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    version: i32,
    old_strands: &[i32],
    v: &Valid,
    lists: &Lists,
) -> AppResult<Option<usize>> {
    let now = by.now;
    let updated = crate::db::versioned::save_if_unchanged(
        txn,
        cases::Entity::update_many()
            .col_expr(cases::Column::Priority, Expr::value(v.priority))
            .col_expr(
                cases::Column::PriorityReason,
                Expr::value(v.priority_reason.clone()),
            )
            .col_expr(cases::Column::HatePerceived, Expr::value(v.hate))
            .col_expr(cases::Column::PerceivedBy, Expr::value(v.perceived_by.clone()))
            .col_expr(cases::Column::AreaId, Expr::value(v.area_id))
            .col_expr(cases::Column::UpdatedAt, Expr::value(now)),
        case.id,
        version,
    )
    .await?;
    if !updated {
        return Ok(None);
    }
    case_strands::Entity::delete_many()
        .filter(case_strands::Column::CaseId.eq(case.id))
        .exec(txn)
        .await?;
    if !v.strand_ids.is_empty() {
        case_strands::Entity::insert_many(v.strand_ids.iter().map(|id| case_strands::ActiveModel {
            case_id: Set(case.id),
            strand_id: Set(*id),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    let summary = changes(case, old_strands, v, lists);
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.updated",
        Entry::event(case, EventKind::DetailsEdited, now, summary),
    )
    .await?;
    // A new priority re-plans the open deadlines under the case's own procedure version.
    let mut replanned = 0;
    if v.priority != case.priority {
        let reprioritised = cases::Model {
            priority: v.priority.to_owned(),
            ..case.clone()
        };
        replanned = crate::deadlines::schedule::replan_open(txn, &reprioritised, None).await?;
    }
    Ok(Some(replanned))
}
