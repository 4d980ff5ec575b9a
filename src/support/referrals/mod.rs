//! Referrals to agencies: recorded on open cases, with consent to share (who gave it,
//! when, what may be shared) required before a referral is marked sent and fixed from
//! then on; statuses move to-send → sent | withdrawn, sent → responded | withdrawn.

pub mod form;
pub mod store;
mod view;

use super::{TO_SEND, referral_status_label};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields::date_value,
        forms::{self, FormErrors},
    },
};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, referrals};
use form::{ReferralForm, Valid, describe, validate};
use maud::Markup;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr,
};
use serde::Deserialize;
use store::{active_agencies, agency_name, find};
use view::{edit_page, new_page};

const CLOSED: &str = "This case is closed: new referrals cannot be recorded on it. Reopen the case first.";

/// `?agency=<id>` on the new-referral form preselects an agency (the high-risk prompt
/// links to the multi-agency panel this way).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    agency: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Query(query): Query<NewQuery>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed referral form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let agencies = active_agencies(&state.db).await?;
    let preselected = query
        .agency
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| agencies.iter().any(|a| a.id == *id));
    let f = ReferralForm {
        agency_id: preselected.map(|id| id.to_string()).unwrap_or_default(),
        referred_on: date_value(Some(crate::calendar::london_date(state.now()))),
        status: TO_SEND.to_owned(),
        ..Default::default()
    };
    Ok(new_page(&ctx, &case, &agencies, &f, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let now = state.now();
    let agencies = active_agencies(&state.db).await?;
    let v = match validate(&f, Some(&agencies), None, crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(new_page(&ctx, &case, &agencies, &f, &errors))),
    };
    let agency = agencies
        .iter()
        .find(|a| a.id == v.agency_id)
        .map_or_else(String::new, |a| a.name.clone());
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    record(&txn, &by, &case, &v, &agency).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} recorded.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
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
            "referral-recorded",
            by.now,
            format!("Referral recorded: {}", describe(agency, v)),
        ),
    )
    .await?;
    Ok(())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (case, r) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    let f = ReferralForm::from_model(&r);
    Ok(edit_page(
        &ctx,
        &case,
        &r,
        &agency,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let (case, r) = find(&state, &viewer, None, &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    if f.version.trim().parse::<i32>().ok() != Some(r.version) {
        return Ok(conflict(&ctx, &case, &r, &agency, f));
    }
    let now = state.now();
    let v = match validate(&f, None, Some(&r), crate::calendar::london_date(now)) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(edit_page(
                &ctx, &case, &r, &agency, &f, None, &errors,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    // Only the version (and so the status) the form was built from changes.
    let claimed = referrals::Entity::update_many()
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
        .col_expr(referrals::Column::UpdatedBy, Expr::value(viewer.id))
        .col_expr(referrals::Column::UpdatedAt, Expr::value(now))
        .col_expr(referrals::Column::Version, Expr::value(r.version + 1))
        .filter(referrals::Column::Id.eq(r.id))
        .filter(referrals::Column::Version.eq(r.version))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        let (case, latest) = find(&state, &viewer, None, &reference, &id).await?;
        return Ok(conflict(&ctx, &case, &latest, &agency, f));
    }
    let change = if v.status == r.status {
        String::new()
    } else {
        format!(" (was {})", referral_status_label(&r.status).to_lowercase())
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.referral_updated",
        Entry::event(
            &case,
            "referral-updated",
            now,
            format!("Referral updated{change}: {}", describe(&agency, &v)),
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} updated.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The form was built from an older version: show the saved one, keep what was typed.
fn conflict(
    ctx: &Ctx,
    case: &cases::Model,
    latest: &referrals::Model,
    agency: &str,
    mine: ReferralForm,
) -> Response {
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        "Someone else changed this referral while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again",
    );
    let mine = ReferralForm {
        version: latest.version.to_string(),
        ..mine
    };
    forms::stale(edit_page(ctx, case, latest, agency, &mine, Some(latest), &errors))
}
