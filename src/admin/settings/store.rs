//! The case settings screen in the database: the strands, and the audited writes (the
//! settings themselves are kept by `cases::settings`).

use super::form::NewStrand;
use crate::{
    audit::{self, Actor, Event, Origin},
    cases::settings::CaseSettings,
    error::{AppError, AppResult},
};
use entity::strands;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use time::OffsetDateTime;

/// Saves the case settings `new`, audited.
pub(super) async fn save_settings(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    by: i32,
    new: &CaseSettings,
) -> AppResult<()> {
    // As the form gives them: "yes" or "no".
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let txn = crate::db::begin(db).await?;
    new.save(&txn, now, by).await?;
    let summary = format!(
        "Case settings: hate incidents Priority 1 {}; case review threshold {} reports in six months; single hate incident qualifies {}",
        yes_no(new.hate_is_priority_1),
        new.review_threshold,
        yes_no(new.single_hate_incident_qualifies)
    );
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new("settings.updated", summary).on("settings", "cases"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every strand, in the order they are offered.
pub(super) async fn strands(db: &impl ConnectionTrait) -> Result<Vec<strands::Model>, DbErr> {
    strands::Entity::find()
        .order_by_asc(strands::Column::Position)
        .all(db)
        .await
}

/// Is there a strand with this code?
pub(super) async fn strand_exists(db: &impl ConnectionTrait, code: &str) -> Result<bool, DbErr> {
    Ok(strands::Entity::find()
        .filter(strands::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

/// The strand already exists.
pub(super) struct StrandTaken;

/// Adds the local strand, last in the order, audited.
pub(super) async fn add_strand(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    strand: NewStrand,
) -> AppResult<Result<(), StrandTaken>> {
    let NewStrand { label, code } = strand;
    let txn = crate::db::begin(db).await?;
    let position: Option<i32> = strands::Entity::find()
        .select_only()
        .column_as(strands::Column::Position.max(), "max")
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    let created = match strands::Entity::insert(strands::ActiveModel {
        code: Set(code),
        label: Set(label.clone()),
        monitored: Set(false),
        retired: Set(false),
        position: Set(position.unwrap_or(0) + 1),
        ..Default::default()
    })
    .exec(&txn)
    .await
    {
        Ok(created) => created,
        // Another administrator added the same strand a moment ago.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            return Ok(Err(StrandTaken));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new("strand.created", format!("Added local strand {label:?}"))
            .on("strand", created.last_insert_id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The strand `id` (404 when there is none).
pub(super) async fn find_strand(db: &impl ConnectionTrait, id: i32) -> AppResult<strands::Model> {
    strands::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Retires `strand` (or reinstates it), audited; returns the verb, "Retired" or "Reinstated".
pub(super) async fn set_strand_retired(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    strand: &strands::Model,
    retired: bool,
) -> AppResult<&'static str> {
    let id = strand.id;
    let txn = crate::db::begin(db).await?;
    strands::Entity::update_many()
        .col_expr(strands::Column::Retired, Expr::value(retired))
        .filter(strands::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let (action, verb) = if retired {
        ("strand.retired", "Retired")
    } else {
        ("strand.reinstated", "Reinstated")
    };
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(action, format!("{verb} local strand {:?}", strand.label)).on("strand", id),
    )
    .await?;
    txn.commit().await?;
    Ok(verb)
}
