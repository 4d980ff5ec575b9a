//! Owners in the database: who may be assigned, and assigning or taking a case (the owner
//! set and named on the case, one timeline entry and audit row).

use crate::cases::events::EventKind;
use crate::cases::{
    codes,
    timeline::{self, Actor, Entry},
};
use entity::{Role, areas, case_access, cases, users};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

/// Active harassment officers a manager may assign cases to: (user id, display name),
/// by name.
pub async fn assignable_officers(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    crate::cases::staff_names::active_in_role(db, Role::HarassmentOfficer).await
}

pub(super) async fn assignable_officer(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id)
        .filter(users::Column::Role.eq(Role::HarassmentOfficer))
        .filter(users::Column::Active.eq(true))
        .one(db)
        .await
}

/// The display name of user `id`, if there is one.
pub(super) async fn user_name(db: &impl ConnectionTrait, id: i32) -> Result<Option<String>, DbErr> {
    Ok(users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.display_name))
}

/// The name of area `id`, if there is one.
pub(super) async fn area_name(db: &impl ConnectionTrait, id: i32) -> Result<Option<String>, DbErr> {
    Ok(areas::Entity::find_by_id(id).one(db).await?.map(|a| a.name))
}

/// Assigns `case` to `officer`, if its owner is still the one read with it: `false`, with
/// nothing written, when someone reassigned it meanwhile.
pub(super) async fn assign(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    officer: &users::Model,
) -> Result<bool, DbErr> {
    let now = by.now;
    let previous = match case.owner_id {
        Some(id) => user_name(txn, id).await?,
        None => None,
    };
    // Only from the owner this manager saw: if someone reassigned it meanwhile, the
    // timeline would otherwise name the wrong previous owner.
    let owner_unchanged = match case.owner_id {
        Some(id) => cases::Column::OwnerId.eq(id),
        None => cases::Column::OwnerId.is_null(),
    };
    let updated = set_owner(txn, case, officer.id, now, owner_unchanged).await?;
    if updated == 0 {
        return Ok(false);
    }
    name_on_case(txn, case, officer.id, by.viewer.id, now).await?;
    let body = match (case.owner_id, previous) {
        (None, _) => format!("Assigned to {}", officer.display_name),
        (Some(_), Some(before)) => format!("Reassigned from {before} to {}", officer.display_name),
        (Some(_), None) => format!("Reassigned to {}", officer.display_name),
    };
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.assigned",
        Entry::event(case, EventKind::Assigned, now, body),
    )
    .await?;
    Ok(true)
}

/// Gives `case` to whoever takes it (`by`), if it is still open and unassigned: `false`,
/// with nothing written, when it is not.
pub(super) async fn take(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
) -> Result<bool, DbErr> {
    let now = by.now;
    // Only while it is still open and unassigned: two officers pressing "Take" together
    // cannot both get it.
    let still_free = cases::Column::OwnerId
        .is_null()
        .and(cases::Column::Status.eq(codes::OPEN));
    if set_owner(txn, case, by.viewer.id, now, still_free).await? == 0 {
        return Ok(false);
    }
    name_on_case(txn, case, by.viewer.id, by.viewer.id, now).await?;
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.taken",
        Entry::event(
            case,
            EventKind::Assigned,
            now,
            format!(
                "Assigned to {} (taken from the triage queue)",
                by.viewer.display_name
            ),
        ),
    )
    .await?;
    Ok(true)
}

/// Sets the owner if `guard` still holds; bumps the version. Returns rows changed (0 or 1).
async fn set_owner(
    txn: &DatabaseTransaction,
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
    txn: &DatabaseTransaction,
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
