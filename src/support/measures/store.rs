//! Support measures and the catalogue in the database: recording a measure (the form and
//! the demo landlord), saving a change over the version the form was built from, and
//! finding one on a case.

use super::CLOSED;
use super::form::{Valid, describe};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::support::fields::{self};
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    },
    error::{AppError, AppResult},
    state::AppState,
};
use entity::{cases, support_catalogue, support_measures};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};

pub async fn active_catalogue(db: &impl ConnectionTrait) -> Result<Vec<support_catalogue::Model>, DbErr> {
    support_catalogue::Entity::find()
        .filter(support_catalogue::Column::Active.eq(true))
        .order_by_asc(support_catalogue::Column::Position)
        .order_by_asc(support_catalogue::Column::Id)
        .all(db)
        .await
}

pub(super) async fn catalogue_name(db: &impl ConnectionTrait, id: i32) -> Result<String, DbErr> {
    Ok(support_catalogue::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(String::new, |e| e.name))
}

/// Records the measure `v` (of the catalogue entry called `name`) on open `case`: the one
/// way a measure is recorded (the form and the demo landlord).
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    v: &Valid,
    name: &str,
) -> AppResult<()> {
    // Holding the case row keeps a closure from interleaving.
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    support_measures::Entity::insert(support_measures::ActiveModel {
        case_id: Set(case.id),
        catalogue_id: Set(v.catalogue_id),
        status: Set(v.status.to_owned()),
        requested_on: Set(v.requested_on),
        provided_on: Set(v.provided_on),
        declined_on: Set(v.declined_on),
        cost_pence: Set(v.cost_pence),
        notes: Set(v.notes.clone()),
        created_by: Set(by.viewer.id),
        created_at: Set(by.now),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.support_recorded",
        Entry::event(
            &case,
            EventKind::SupportRecorded,
            by.now,
            format!("Support recorded: {}", describe(name, v)),
        ),
    )
    .await?;
    Ok(())
}

/// The visible case and its measure `id` (404 for either missing).
pub(super) async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, support_measures::Model)> {
    let case = fields::case_of(state, viewer, origin, reference, "Viewed support measure").await?;
    let measure = support_measures::Entity::find_by_id(fields::id(id)?)
        .filter(support_measures::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, measure))
}

/// Saves `v` over the measure `m` (of the catalogue entry called `name`) on `case`, with
/// its timeline entry, if `m` is still the saved version (the one the form was built
/// from); false, writing nothing, when someone else saved first.
pub(super) async fn update(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    m: &support_measures::Model,
    v: &Valid,
    name: &str,
) -> AppResult<bool> {
    // Only the version the form was built from changes.
    let claimed = crate::db::versioned::save_if_unchanged(
        txn,
        support_measures::Entity::update_many()
            .col_expr(support_measures::Column::Status, Expr::value(v.status))
            .col_expr(support_measures::Column::RequestedOn, Expr::value(v.requested_on))
            .col_expr(support_measures::Column::ProvidedOn, Expr::value(v.provided_on))
            .col_expr(support_measures::Column::DeclinedOn, Expr::value(v.declined_on))
            .col_expr(support_measures::Column::CostPence, Expr::value(v.cost_pence))
            .col_expr(support_measures::Column::Notes, Expr::value(v.notes.clone()))
            .col_expr(support_measures::Column::UpdatedBy, Expr::value(by.viewer.id))
            .col_expr(support_measures::Column::UpdatedAt, Expr::value(by.now)),
        m.id,
        m.version,
    )
    .await?;
    if !claimed {
        return Ok(false);
    }
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.support_updated",
        Entry::event(
            case,
            EventKind::SupportUpdated,
            by.now,
            format!("Support updated: {}", describe(name, v)),
        ),
    )
    .await?;
    Ok(true)
}
