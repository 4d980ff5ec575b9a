//! Assignment: a manager assigns or reassigns a case to a harassment officer; a harassment
//! officer takes an unassigned open case in one of their own areas. Either way the owner
//! is named on the case (`case_access`), so a restricted case stays visible to them, and
//! the change is one timeline entry plus one audit row, in one transaction.
//!
//! Refusals: assigning to anyone but an active harassment officer is 422 (nothing
//! changes); taking a case that is closed or already has an owner is 409 (the case's state
//! conflicts with the request, including when someone else got there first); taking a case
//! outside one's own areas is 403. A case the viewer may not see is 404, as everywhere.

use super::{
    codes,
    timeline::{self, Entry},
    visibility::{self, Viewer},
};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    error::AppResult,
    state::AppState,
    web::{Ctx, extract::set_flash, layout},
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{Role, areas, case_access, cases, users};
use maud::html;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;

/// Whether `viewer` may take `case` from the triage queue: they hold the take permission
/// (harassment officers), and the case is open, has no owner and is in one of their areas.
/// Pure, so the case page can decide whether to offer the button.
pub fn can_take(viewer: &Viewer, case: &cases::Model) -> bool {
    allows(viewer.role, Permission::TakeCases) && take_refusal(viewer, case).is_none()
}

/// Active harassment officers a manager may assign cases to: (user id, display name),
/// by name.
pub async fn assignable_officers(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Role.eq(Role::HarassmentOfficer))
        .filter(users::Column::Active.eq(true))
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    owner_id: String,
}

/// `POST /cases/{reference}/assign` (managers).
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let officer = match f.owner_id.trim().parse::<i32>() {
        Ok(id) => assignable_officer(&state.db, id).await?,
        Err(_) => None,
    };
    let Some(officer) = officer else {
        return Ok(refusal(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "The case was not assigned",
            "Choose an active harassment officer to assign the case to. Nothing was changed.",
            &case.reference,
        ));
    };
    if case.owner_id == Some(officer.id) {
        set_flash(
            &ctx.session,
            format!(
                "{} is already assigned to {}.",
                case.reference, officer.display_name
            ),
        )
        .await?;
        return Ok(back_to(&case));
    }

    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let previous = match case.owner_id {
        Some(id) => users::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    // Only from the owner this manager saw: if someone reassigned it meanwhile, the
    // timeline would otherwise name the wrong previous owner.
    let owner_unchanged = match case.owner_id {
        Some(id) => cases::Column::OwnerId.eq(id),
        None => cases::Column::OwnerId.is_null(),
    };
    let updated = set_owner(&txn, &case, officer.id, now, owner_unchanged).await?;
    if updated == 0 {
        drop(txn);
        return Ok(refusal(
            &ctx,
            StatusCode::CONFLICT,
            "The case was not assigned",
            "Someone else assigned this case a moment ago. Nothing was changed: look at the case again, then assign it if you still need to.",
            &case.reference,
        ));
    }
    name_on_case(&txn, &case, officer.id, viewer.id, now).await?;
    let body = match (case.owner_id, previous) {
        (None, _) => format!("Assigned to {}", officer.display_name),
        (Some(_), Some(before)) => format!("Reassigned from {before} to {}", officer.display_name),
        (Some(_), None) => format!("Reassigned to {}", officer.display_name),
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.assigned",
        Entry::event(&case, "assigned", now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("{} assigned to {}.", case.reference, officer.display_name),
    )
    .await?;
    Ok(back_to(&case))
}

/// `POST /cases/{reference}/take` (harassment officers).
pub async fn take(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    if let Some(refused) = take_refusal(&viewer, &case) {
        let message = match refused {
            Refused::Closed => "This case is closed. Only open cases can be taken.".to_owned(),
            Refused::Assigned(id) if id == viewer.id => "This case is already assigned to you.".to_owned(),
            Refused::Assigned(id) => {
                let owner = users::Entity::find_by_id(id)
                    .one(&state.db)
                    .await?
                    .map_or_else(|| "someone else".to_owned(), |u| u.display_name);
                format!("This case is already assigned to {owner}. Ask a manager if it should be reassigned.")
            }
            Refused::OutOfArea => {
                let area = areas::Entity::find_by_id(case.area_id)
                    .one(&state.db)
                    .await?
                    .map_or_else(|| "another area".to_owned(), |a| a.name);
                format!("This case is in {area}, which is not one of your areas. Ask a manager to assign it.")
            }
        };
        return Ok(refusal(
            &ctx,
            refused.status(),
            "You cannot take this case",
            &message,
            &case.reference,
        ));
    }

    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    // Only while it is still open and unassigned: two officers pressing "Take" together
    // cannot both get it.
    let still_free = cases::Column::OwnerId
        .is_null()
        .and(cases::Column::Status.eq(codes::OPEN));
    if set_owner(&txn, &case, viewer.id, now, still_free).await? == 0 {
        drop(txn);
        return Ok(refusal(
            &ctx,
            StatusCode::CONFLICT,
            "You cannot take this case",
            "Someone else took or closed this case a moment ago. Nothing was changed.",
            &case.reference,
        ));
    }
    name_on_case(&txn, &case, viewer.id, viewer.id, now).await?;
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.taken",
        Entry::event(
            &case,
            "assigned",
            now,
            format!(
                "Assigned to {} (taken from the triage queue)",
                viewer.display_name
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("You now own {}.", case.reference)).await?;
    Ok(back_to(&case))
}

/// Why a case cannot be taken.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    Closed,
    Assigned(i32),
    OutOfArea,
}

impl Refused {
    fn status(&self) -> StatusCode {
        match self {
            Refused::Closed | Refused::Assigned(_) => StatusCode::CONFLICT,
            Refused::OutOfArea => StatusCode::FORBIDDEN,
        }
    }
}

fn take_refusal(viewer: &Viewer, case: &cases::Model) -> Option<Refused> {
    if case.status != codes::OPEN {
        Some(Refused::Closed)
    } else if let Some(owner) = case.owner_id {
        Some(Refused::Assigned(owner))
    } else if !viewer.area_ids.contains(&case.area_id) {
        Some(Refused::OutOfArea)
    } else {
        None
    }
}

async fn assignable_officer(db: &impl ConnectionTrait, id: i32) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id)
        .filter(users::Column::Role.eq(Role::HarassmentOfficer))
        .filter(users::Column::Active.eq(true))
        .one(db)
        .await
}

/// Sets the owner if `guard` still holds; bumps the version. Returns rows changed (0 or 1).
async fn set_owner(
    txn: &sea_orm::DatabaseTransaction,
    case: &cases::Model,
    owner_id: i32,
    now: time::OffsetDateTime,
    guard: impl sea_orm::sea_query::IntoCondition,
) -> Result<u64, DbErr> {
    Ok(cases::Entity::update_many()
        .col_expr(cases::Column::OwnerId, Expr::value(owner_id))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .filter(cases::Column::Id.eq(case.id))
        .filter(guard)
        .exec(txn)
        .await?
        .rows_affected)
}

/// Names `user_id` on the case (if not already), so a restricted case stays visible to its
/// owner.
async fn name_on_case(
    txn: &sea_orm::DatabaseTransaction,
    case: &cases::Model,
    user_id: i32,
    added_by: i32,
    now: time::OffsetDateTime,
) -> Result<(), DbErr> {
    // A held row for the same pair would collide when written.
    crate::db::bulk::flush::<case_access::ActiveModel>(txn).await?;
    case_access::Entity::insert(case_access::ActiveModel {
        case_id: Set(case.id),
        user_id: Set(user_id),
        added_at: Set(now),
        added_by: Set(Some(added_by)),
    })
    .on_conflict_do_nothing_on([case_access::Column::CaseId, case_access::Column::UserId])
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

fn back_to(case: &cases::Model) -> Response {
    Redirect::to(&format!("/cases/{}", case.reference)).into_response()
}

fn refusal(ctx: &Ctx, status: StatusCode, title: &str, message: &str, reference: &str) -> Response {
    let page = layout::page(
        ctx,
        title,
        false,
        html! {
            h1.heading-xl { (title) }
            p.body { (message) }
            p.body { a href={ "/cases/" (reference) } { "Back to case " (reference) } }
        },
    );
    (status, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn viewer(role: Role, areas: &[i32]) -> Viewer {
        Viewer {
            id: 7,
            username: "hana".into(),
            display_name: "Hana".into(),
            role,
            area_ids: areas.to_vec(),
        }
    }

    fn case(status: &str, owner: Option<i32>, area: i32) -> cases::Model {
        let t = datetime!(2026-11-23 09:00 UTC);
        cases::Model {
            id: 1,
            reference: "HC-2026-000001".into(),
            status: status.into(),
            priority: codes::P1.into(),
            suggested_priority: codes::P1.into(),
            priority_reason: None,
            hate_perceived: true,
            perceived_by: None,
            area_id: area,
            owner_id: owner,
            logged_by: 3,
            received_at: t,
            opened_at: t,
            updated_at: t,
            closed_at: None,
            outcome: None,
            restricted: false,
            restricted_reason: None,
            version: 1,
            procedure_version_id: 1,
            contact_every_unit: None,
            contact_every_amount: None,
            risk_level: None,
            risk_assessed_at: None,
            external_ref: None,
            import_id: None,
        }
    }

    #[test]
    fn harassment_officers_take_open_unassigned_cases_in_their_areas() {
        let hana = viewer(Role::HarassmentOfficer, &[2, 3]);
        assert!(can_take(&hana, &case(codes::OPEN, None, 3)));
        assert!(!can_take(&hana, &case(codes::OPEN, None, 4)));
        assert!(!can_take(&hana, &case(codes::OPEN, Some(9), 3)));
        assert!(!can_take(&hana, &case(codes::CLOSED, None, 3)));
        for role in [Role::TenancyOfficer, Role::Manager, Role::Admin] {
            assert!(!can_take(&viewer(role, &[3]), &case(codes::OPEN, None, 3)));
        }
    }

    #[test]
    fn refusals_say_conflict_for_state_and_forbidden_for_area() {
        let hana = viewer(Role::HarassmentOfficer, &[2]);
        let refused = |c| take_refusal(&hana, &c).map(|r| r.status());
        assert_eq!(refused(case(codes::CLOSED, None, 2)), Some(StatusCode::CONFLICT));
        assert_eq!(refused(case(codes::OPEN, Some(1), 2)), Some(StatusCode::CONFLICT));
        assert_eq!(refused(case(codes::OPEN, None, 5)), Some(StatusCode::FORBIDDEN));
        assert_eq!(refused(case(codes::OPEN, None, 2)), None);
    }
}
