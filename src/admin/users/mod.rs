//! Staff accounts: list and filter, create, edit (role, areas, details), deactivate and
//! reactivate (never delete), reset a password, unlock.

mod actions;
mod edit;
mod list;

use crate::{
    auth::policy::Permission,
    error::{AppError, AppResult},
    state::AppState,
    web::route::Route,
};
use entity::{Role, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/users", Permission::ManageUsers, list::list),
        Route::get("/admin/users/new", Permission::ManageUsers, edit::new_form),
        Route::post("/admin/users", Permission::ManageUsers, edit::create),
        Route::get("/admin/users/{id}", Permission::ManageUsers, edit::edit_form),
        Route::post("/admin/users/{id}", Permission::ManageUsers, edit::update),
        Route::get(
            "/admin/users/{id}/deactivate",
            Permission::ManageUsers,
            actions::deactivate_confirm,
        ),
        Route::post(
            "/admin/users/{id}/deactivate",
            Permission::ManageUsers,
            actions::deactivate,
        ),
        Route::post(
            "/admin/users/{id}/reactivate",
            Permission::ManageUsers,
            actions::reactivate,
        ),
        Route::post(
            "/admin/users/{id}/reset-password",
            Permission::ManageUsers,
            actions::reset_password,
        ),
        Route::post(
            "/admin/users/{id}/unlock",
            Permission::ManageUsers,
            actions::unlock,
        ),
    ]
}

async fn find(state: &AppState, id: i32) -> AppResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Would taking `user`'s administrator rights away leave no active administrator? Call it
/// inside the transaction that makes the change: it takes the administrators lock, so two
/// administrators cannot each remove the other at the same moment.
async fn is_last_active_admin(
    txn: &sea_orm::DatabaseTransaction,
    user: &users::Model,
) -> Result<bool, sea_orm::DbErr> {
    if user.role != Role::Admin || !user.active {
        return Ok(false);
    }
    crate::db::lock_for_transaction(txn, crate::db::Lock::Administrators).await?;
    let admins = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .filter(users::Column::Active.eq(true))
        .count(txn)
        .await?;
    Ok(admins <= 1)
}
