//! Staff accounts: creation and lookup, shared by first-run setup, the command line and
//! the admin pages.

use entity::{Role, areas, user_areas, users};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub password_hash: String,
    pub area_ids: Vec<i32>,
    pub must_change_password: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with that username already exists")]
    DuplicateUsername,
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// The username rules as a form states them before anyone breaks one.
pub const USERNAME_HINT: &str =
    "3 to 64 characters: letters, numbers, full stops, hyphens, underscores or @. Used to sign in.";

/// 3–64 of letters, digits and . _ - @ (so e-mail addresses work as usernames).
pub fn check_username(username: &str) -> Result<(), &'static str> {
    let u = username.trim();
    if u.is_empty() {
        return Err("Enter a username");
    }
    if !(3..=64).contains(&u.chars().count()) {
        return Err("Username must be between 3 and 64 characters");
    }
    if !u.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c)) {
        return Err("Username can only contain letters, numbers, full stops, hyphens, underscores and @");
    }
    Ok(())
}

/// Optional; when given, it must look like an address (the mail server has the last word).
pub fn check_email(email: &str) -> Result<Option<String>, &'static str> {
    let e = email.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let valid = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(Some(e.to_owned()))
    } else {
        Err("Enter an email address in the correct format, like name@example.org")
    }
}

pub fn check_display_name(name: &str) -> Result<(), &'static str> {
    match name.trim().chars().count() {
        0 => Err("Enter the person's full name"),
        n if n > 100 => Err("Full name must be 100 characters or fewer"),
        _ => Ok(()),
    }
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    now: time::OffsetDateTime,
    new: NewUser,
) -> Result<users::Model, CreateUserError> {
    let key = username_key(&new.username);
    if find_by_username(db, &key).await?.is_some() {
        return Err(CreateUserError::DuplicateUsername);
    }
    let row = users::ActiveModel {
        username: Set(new.username.trim().to_owned()),
        username_key: Set(key),
        display_name: Set(new.display_name.trim().to_owned()),
        email: Set(new.email),
        role: Set(new.role),
        active: Set(true),
        password_hash: Set(new.password_hash),
        must_change_password: Set(new.must_change_password),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    let user = users::Entity::insert(row)
        .exec_with_returning(db)
        .await
        .map_err(|e| {
            // Two people creating the same username at once: the index decides.
            if crate::db::is_unique_violation(&e) {
                CreateUserError::DuplicateUsername
            } else {
                CreateUserError::Db(e)
            }
        })?;
    set_areas(db, user.id, &new.area_ids).await?;
    Ok(user)
}

pub async fn find_by_username<C: ConnectionTrait>(
    db: &C,
    username: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::UsernameKey.eq(username_key(username)))
        .one(db)
        .await
}

pub async fn active_admin_exists<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .filter(users::Column::Active.eq(true))
        .count(db)
        .await?
        > 0)
}

pub async fn area_ids_of<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<Vec<i32>, DbErr> {
    user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::AreaId)
        .filter(user_areas::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await
}

pub async fn set_areas<C: ConnectionTrait>(db: &C, user_id: i32, area_ids: &[i32]) -> Result<(), DbErr> {
    user_areas::Entity::delete_many()
        .filter(user_areas::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let mut area_ids = area_ids.to_vec();
    area_ids.sort_unstable();
    area_ids.dedup();
    let rows = area_ids.into_iter().map(|area_id| user_areas::ActiveModel {
        user_id: Set(user_id),
        area_id: Set(area_id),
    });
    user_areas::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Names of areas, for display, in name order.
pub async fn area_names<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<String>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    areas::Entity::find()
        .select_only()
        .column(areas::Column::Name)
        .filter(areas::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(areas::Column::NameKey)
        .into_tuple()
        .all(db)
        .await
}
