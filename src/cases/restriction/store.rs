//! Restrictions in the database: the staff who may be named, who is named on a case, and
//! setting a restriction (the form and the demo landlord).

use crate::cases::events::EventKind;
use crate::{
    cases::timeline::{self, Actor, Entry},
    error::AppResult,
};
use entity::{Role, case_access, cases, users};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};

/// Active staff who work on cases (administrators cannot be named: they see no cases).
pub async fn staff(db: &impl ConnectionTrait) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Role.ne(Role::Admin))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await
}

/// The ids of the staff named on the case `case_id`.
pub async fn named_ids(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<i32>, DbErr> {
    crate::db::bulk::flush::<case_access::ActiveModel>(db).await?;
    case_access::Entity::find()
        .select_only()
        .column(case_access::Column::UserId)
        .filter(case_access::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await
}

/// A restriction as chosen: whether, why, who is named, and the case version it was
/// chosen against.
pub struct Restriction<'a> {
    pub restricted: bool,
    pub reason: &'a str,
    pub named: Vec<i32>,
    pub version: i32,
}

/// Restricts (or lifts the restriction on) `case` and names staff (ids from `staff`): the
/// one way a restriction is set (the form and the demo landlord). `false`, with nothing
/// written, when the case is no longer at `change.version`.
pub async fn restrict(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    staff: &[users::Model],
    change: Restriction<'_>,
) -> AppResult<bool> {
    let Restriction {
        restricted,
        reason,
        mut named,
        version,
    } = change;
    // Whoever restricts a case keeps sight of it (managers see every case anyway).
    if !by.viewer.sees_every_case() && !named.contains(&by.viewer.id) {
        named.push(by.viewer.id);
    }
    let now = by.now;
    let before = named_ids(txn, case.id).await?;
    // Only the version the form was filled in against may change: a stale form must not
    // silently lift (or impose) a restriction someone else just set.
    let updated = crate::db::versioned::save_if_unchanged(
        txn,
        cases::Entity::update_many()
            .col_expr(cases::Column::Restricted, Expr::value(restricted))
            .col_expr(
                cases::Column::RestrictedReason,
                Expr::value(restricted.then(|| reason.to_owned())),
            )
            .col_expr(cases::Column::UpdatedAt, Expr::value(now)),
        case.id,
        version,
    )
    .await?;
    if !updated {
        return Ok(false);
    }
    crate::db::bulk::flush::<case_access::ActiveModel>(txn).await?;
    case_access::Entity::delete_many()
        .filter(case_access::Column::CaseId.eq(case.id))
        .filter(case_access::Column::UserId.is_not_in(named.clone()))
        .exec(txn)
        .await?;
    let added: Vec<i32> = named.iter().copied().filter(|id| !before.contains(id)).collect();
    if !added.is_empty() {
        case_access::Entity::insert_many(added.iter().map(|id| case_access::ActiveModel {
            case_id: Set(case.id),
            user_id: Set(*id),
            added_at: Set(now),
            added_by: Set(Some(by.viewer.id)),
        }))
        .on_conflict_do_nothing()
        .exec_without_returning(txn)
        .await?;
    }
    let names: Vec<&str> = staff
        .iter()
        .filter(|s| named.contains(&s.id))
        .map(|s| s.display_name.as_str())
        .collect();
    let body = format!(
        "{}. Staff named: {}",
        if restricted {
            format!("Restricted: {reason}")
        } else {
            "Not restricted".to_owned()
        },
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    );
    let action = if restricted {
        "case.restricted"
    } else {
        "case.unrestricted"
    };
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        action,
        Entry::event(case, EventKind::Restricted, now, body),
    )
    .await?;
    Ok(true)
}
