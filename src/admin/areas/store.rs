//! Areas in the database: finding or creating one by name (also for the command line, the
//! demo and the import bench), staff counts, and the screen's audited changes.

use super::form::check_name;
use crate::{
    audit::{self, Actor, Event, Origin},
    error::{AppError, AppResult},
};
use entity::{areas, user_areas};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The area with this name (ignoring case), if there is one.
pub async fn find_by_name<C: ConnectionTrait>(db: &C, name: &str) -> Result<Option<areas::Model>, DbErr> {
    areas::Entity::find()
        .filter(areas::Column::NameKey.eq(name.trim().to_lowercase()))
        .one(db)
        .await
}

/// The area with this name (ignoring case), created if missing. (id, created?)
pub async fn find_or_create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<(i32, bool), anyhow::Error> {
    let name = check_name(name).map_err(anyhow::Error::msg)?;
    if let Some(a) = find_by_name(db, &name).await? {
        return Ok((a.id, false));
    }
    Ok((insert(db, &name, now).await?.id, true))
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<areas::Model, DbErr> {
    areas::Entity::insert(areas::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        retired: Set(false),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

/// How many staff work in each area (areas without staff are missing).
pub(super) async fn staff_counts(db: &impl ConnectionTrait) -> Result<HashMap<i32, i64>, DbErr> {
    Ok(user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::AreaId)
        .column_as(user_areas::Column::UserId.count(), "n")
        .group_by(user_areas::Column::AreaId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The area `id` (404 when there is none).
pub(super) async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<areas::Model> {
    areas::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Another area already has the name.
pub(super) struct NameTaken;

/// Adds the area `name`, audited.
pub(super) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    name: &str,
) -> AppResult<Result<areas::Model, NameTaken>> {
    let txn = crate::db::begin(db).await?;
    match insert(&txn, name, now).await {
        Ok(area) => {
            audit::record(
                &txn,
                now,
                actor,
                origin,
                Event::new("area.created", format!("Created area {}", area.name)).on("area", area.id),
            )
            .await?;
            txn.commit().await?;
            Ok(Ok(area))
        }
        Err(e) if crate::db::is_unique_violation(&e) => Ok(Err(NameTaken)),
        Err(e) => Err(e.into()),
    }
}

/// Renames `area` to `name`, audited.
pub(super) async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    area: &areas::Model,
    name: &str,
) -> AppResult<Result<(), NameTaken>> {
    let txn = crate::db::begin(db).await?;
    let old = area.name.clone();
    let mut row = area.clone().into_active_model();
    row.name = Set(name.to_owned());
    row.name_key = Set(name.to_lowercase());
    match row.update(&txn).await {
        Ok(_) => {
            audit::record(
                &txn,
                now,
                actor,
                origin,
                Event::new("area.renamed", format!("Renamed area {old} to {name}")).on("area", area.id),
            )
            .await?;
            txn.commit().await?;
            Ok(Ok(()))
        }
        Err(e) if crate::db::is_unique_violation(&e) => Ok(Err(NameTaken)),
        Err(e) => Err(e.into()),
    }
}

/// Retires `area` (or reinstates it), audited; returns the verb, "Retired" or "Reinstated".
pub(super) async fn set_retired(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    area: areas::Model,
    retired: bool,
) -> AppResult<&'static str> {
    let txn = crate::db::begin(db).await?;
    let id = area.id;
    let name = area.name.clone();
    let mut row = area.into_active_model();
    row.retired = Set(retired);
    row.update(&txn).await?;
    let (action, verb) = if retired {
        ("area.retired", "Retired")
    } else {
        ("area.reinstated", "Reinstated")
    };
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(action, format!("{verb} area {name}")).on("area", id),
    )
    .await?;
    txn.commit().await?;
    Ok(verb)
}
