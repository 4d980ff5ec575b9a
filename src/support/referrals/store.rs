//! Referrals and agencies in the database.

use crate::support::fields::{self};
use crate::{
    audit::Origin,
    cases::visibility::Viewer,
    error::{AppError, AppResult},
    state::AppState,
};
use entity::{agencies, cases, referrals};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

pub async fn active_agencies(db: &impl ConnectionTrait) -> Result<Vec<agencies::Model>, DbErr> {
    agencies::Entity::find()
        .filter(agencies::Column::Active.eq(true))
        .order_by_asc(agencies::Column::Position)
        .order_by_asc(agencies::Column::Id)
        .all(db)
        .await
}

pub(super) async fn agency_name(db: &impl ConnectionTrait, id: i32) -> Result<String, DbErr> {
    Ok(agencies::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(String::new, |a| a.name))
}

/// The visible case and its referral `id` (404 for either missing).
pub(super) async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, referrals::Model)> {
    let case = fields::case_of(state, viewer, origin, reference, "Viewed referral").await?;
    let referral = referrals::Entity::find_by_id(fields::id(id)?)
        .filter(referrals::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, referral))
}
