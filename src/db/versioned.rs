//! Optimistic concurrency for rows people edit through a form: a save applies only over
//! the version the form was filled in against, and moves the version on, so of two people
//! editing at once the second is told (a 409 showing both) instead of silently
//! overwriting the first.

use entity::{
    cases, deadlines, people, perpetrator_actions, plan_actions, referrals, support_measures, users,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, UpdateMany,
    sea_query::{Expr, ExprTrait},
};

/// A table whose rows carry an `id` and a `version`.
pub trait Versioned: EntityTrait {
    const ID: Self::Column;
    const VERSION: Self::Column;
}

/// Applies `update` to row `id` if it still has version `seen`, adding one to the version;
/// `false` (nothing changed) when someone else saved first, or the row is gone or no longer
/// matches the update's own filters. The version is this function's to set: an update built
/// from a model (`.set(model)`) must leave `version` `NotSet` (PostgreSQL refuses a column
/// assigned twice).
pub async fn save_if_unchanged<E: Versioned>(
    db: &impl ConnectionTrait,
    update: UpdateMany<E>,
    id: i32,
    seen: i32,
) -> Result<bool, DbErr> {
    let saved = update
        .col_expr(E::VERSION, Expr::col(E::VERSION).add(1))
        .filter(E::ID.eq(id))
        .filter(E::VERSION.eq(seen))
        .exec(db)
        .await?;
    Ok(saved.rows_affected == 1)
}

macro_rules! versioned {
    ($($table:ident),*) => {$(
        impl Versioned for $table::Entity {
            const ID: $table::Column = $table::Column::Id;
            const VERSION: $table::Column = $table::Column::Version;
        }
    )*};
}

versioned!(
    cases,
    deadlines,
    people,
    perpetrator_actions,
    plan_actions,
    referrals,
    support_measures,
    users
);
