//! Referrals and agencies in the database: recording a referral (the form and the demo
//! landlord), saving a change over the version the form was built from, and finding one
//! on a case.

use super::CLOSED;
use super::form::{Valid, describe};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::support::{fields, referral_status_label};
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    },
    error::{AppError, AppResult},
    state::AppState,
};
use entity::{agencies, cases, referrals};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};

/// The case's referrals with their agencies, in the order they were made: one statement,
/// once per page (`page_memo`): the support panel lists them, the risk panel asks whether
/// one went to a multi-agency panel.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<std::sync::Arc<Vec<(referrals::Model, Option<agencies::Model>)>>, DbErr> {
    crate::page_memo::kept_or(
        i64::from(case_id),
        referrals::Entity::find()
            .join(
                sea_orm::JoinType::LeftJoin,
                referrals::Entity::belongs_to(agencies::Entity)
                    .from(referrals::Column::AgencyId)
                    .to(agencies::Column::Id)
                    .into(),
            )
            .select_also(agencies::Entity)
            .filter(referrals::Column::CaseId.eq(case_id))
            .order_by_asc(referrals::Column::ReferredOn)
            .order_by_asc(referrals::Column::Id)
            .all(db),
    )
    .await
}

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

/// Records the referral `v` (to the agency called `agency`) on open `case`: the one way a
/// referral is recorded (the form and the demo landlord).
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    v: &Valid,
    agency: &str,
) -> AppResult<()> {
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    referrals::Entity::insert(referrals::ActiveModel {
        case_id: Set(case.id),
        agency_id: Set(v.agency_id),
        status: Set(v.status.to_owned()),
        referred_on: Set(v.referred_on),
        reason: Set(Some(v.reason.clone())),
        consent_by: Set(v.consent.by.clone()),
        consent_on: Set(v.consent.on),
        consent_scope: Set(v.consent.scope.clone()),
        sent_on: Set(v.sent_on),
        response_on: Set(None),
        response: Set(None),
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
        "case.referral_recorded",
        Entry::event(
            &case,
            EventKind::ReferralRecorded,
            by.now,
            format!("Referral recorded: {}", describe(agency, v)),
        ),
    )
    .await?;
    Ok(())
}

/// Saves `v` over the referral `r` (to the agency called `agency`) on `case`, with its
/// timeline entry, if `r` is still the saved version (the one the form was built from);
/// false, writing nothing, when someone else saved first.
pub(super) async fn update(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    r: &referrals::Model,
    v: &Valid,
    agency: &str,
) -> AppResult<bool> {
    // Only the version (and so the status) the form was built from changes.
    let claimed = crate::db::versioned::save_if_unchanged(
        txn,
        referrals::Entity::update_many()
            .col_expr(referrals::Column::Status, Expr::value(v.status))
            .col_expr(referrals::Column::ReferredOn, Expr::value(v.referred_on))
            .col_expr(referrals::Column::Reason, Expr::value(Some(v.reason.clone())))
            .col_expr(referrals::Column::ConsentBy, Expr::value(v.consent.by.clone()))
            .col_expr(referrals::Column::ConsentOn, Expr::value(v.consent.on))
            .col_expr(
                referrals::Column::ConsentScope,
                Expr::value(v.consent.scope.clone()),
            )
            .col_expr(referrals::Column::SentOn, Expr::value(v.sent_on))
            .col_expr(referrals::Column::ResponseOn, Expr::value(v.response_on))
            .col_expr(referrals::Column::Response, Expr::value(v.response.clone()))
            .col_expr(referrals::Column::UpdatedBy, Expr::value(by.viewer.id))
            .col_expr(referrals::Column::UpdatedAt, Expr::value(by.now)),
        r.id,
        r.version,
    )
    .await?;
    if !claimed {
        return Ok(false);
    }
    let change = if v.status == r.status {
        String::new()
    } else {
        format!(" (was {})", referral_status_label(&r.status).to_lowercase())
    };
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.referral_updated",
        Entry::event(
            case,
            EventKind::ReferralUpdated,
            by.now,
            format!("Referral updated{change}: {}", describe(agency, v)),
        ),
    )
    .await?;
    Ok(true)
}
