//! Procedure versions in the database: the current one for new cases, a case's own one
//! for its deadlines, and new versions made by administrators (never edits of old ones).

use super::{Priority, Procedure, Stage, Timescale, Unit};
use entity::{procedure_timescales, procedure_versions};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

/// The version new cases are opened under: the highest number.
pub async fn current(db: &impl ConnectionTrait) -> Result<Procedure, DbErr> {
    let version = procedure_versions::Entity::find()
        .order_by_desc(procedure_versions::Column::Number)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("no procedure version".into()))?;
    with_timescales(db, version).await
}

/// A particular version (a case's own).
pub async fn load(db: &impl ConnectionTrait, version_id: i32) -> Result<Procedure, DbErr> {
    // The version with its timescales in one statement: a row per timescale.
    let rows: Vec<(procedure_versions::Model, Option<procedure_timescales::Model>)> =
        procedure_versions::Entity::find_by_id(version_id)
            .join_rev(
                JoinType::LeftJoin,
                procedure_timescales::Entity::belongs_to(procedure_versions::Entity)
                    .from(procedure_timescales::Column::VersionId)
                    .to(procedure_versions::Column::Id)
                    .into(),
            )
            .select_also(procedure_timescales::Entity)
            .all(db)
            .await?;
    let version = rows
        .first()
        .map(|(v, _)| v.clone())
        .ok_or_else(|| DbErr::RecordNotFound(format!("procedure version {version_id}")))?;
    Ok(of_rows(version, rows.into_iter().filter_map(|(_, t)| t)))
}

/// Every version, newest first.
pub async fn versions(db: &impl ConnectionTrait) -> Result<Vec<procedure_versions::Model>, DbErr> {
    procedure_versions::Entity::find()
        .order_by_desc(procedure_versions::Column::Number)
        .all(db)
        .await
}

async fn with_timescales(
    db: &impl ConnectionTrait,
    version: procedure_versions::Model,
) -> Result<Procedure, DbErr> {
    let rows = procedure_timescales::Entity::find()
        .filter(procedure_timescales::Column::VersionId.eq(version.id))
        .all(db)
        .await?;
    Ok(of_rows(version, rows))
}

fn of_rows(
    version: procedure_versions::Model,
    rows: impl IntoIterator<Item = procedure_timescales::Model>,
) -> Procedure {
    let timescales = rows.into_iter().filter_map(|row| {
        let stage = Stage::from_code(&row.stage)?;
        let unit = Unit::from_code(&row.unit)?;
        let amount = u32::try_from(row.amount).ok()?;
        Some((
            (stage, Priority::from_code(&row.priority)),
            Timescale::new(unit, amount),
        ))
    });
    Procedure::new(version.id, version.number, timescales)
}

/// Adds a version with these timescales (one per stage and priority) and returns it.
/// Call inside a transaction holding `db::Lock::Procedure` so numbers stay consecutive.
pub async fn create(
    db: &impl ConnectionTrait,
    timescales: &[((Stage, Priority), Timescale)],
    note: &str,
    by: i32,
    now: OffsetDateTime,
) -> Result<Procedure, DbErr> {
    let latest = procedure_versions::Entity::find()
        .order_by_desc(procedure_versions::Column::Number)
        .one(db)
        .await?
        .map_or(0, |v| v.number);
    let version = procedure_versions::Entity::insert(procedure_versions::ActiveModel {
        number: Set(latest + 1),
        created_at: Set(now),
        created_by: Set(Some(by)),
        note: Set(note.to_owned()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    procedure_timescales::Entity::insert_many(timescales.iter().map(|((stage, priority), t)| {
        procedure_timescales::ActiveModel {
            version_id: Set(version.id),
            stage: Set(stage.code().to_owned()),
            priority: Set(priority.code().to_owned()),
            unit: Set(t.unit.code().to_owned()),
            amount: Set(t.amount as i32),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await?;
    with_timescales(db, version).await
}
