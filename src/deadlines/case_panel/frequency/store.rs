//! The agreed contact frequency in the database: saved on the case, the open update
//! deadline re-planned, with its timeline entry.

use crate::cases::events::EventKind;
use crate::{
    cases::timeline::{self, Actor, Entry},
    deadlines::schedule,
    error::AppResult,
    procedure::{Stage, Timescale},
};
use entity::cases;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr};

/// Saves `agreed` (None: the procedure's timescale) on `case`, re-plans its open victim
/// update and records it on the timeline; returns the case as updated.
pub(super) async fn save(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: cases::Model,
    agreed: Option<Timescale>,
) -> AppResult<cases::Model> {
    let now = by.now;
    cases::Entity::update_many()
        .col_expr(
            cases::Column::ContactEveryUnit,
            Expr::value(agreed.map(|t| t.unit.code().to_owned())),
        )
        .col_expr(
            cases::Column::ContactEveryAmount,
            Expr::value(agreed.map(|t| t.amount as i32)),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .filter(cases::Column::Id.eq(case.id))
        .exec(txn)
        .await?;
    let updated = cases::Model {
        contact_every_unit: agreed.map(|t| t.unit.code().to_owned()),
        contact_every_amount: agreed.map(|t| t.amount as i32),
        ..case
    };
    schedule::replan_open(txn, &updated, Some(Stage::VictimUpdate)).await?;
    let body = match agreed {
        Some(t) => format!("Victim updates agreed every {}.", t.describe()),
        None => "Victim updates back to the procedure's timescale.".to_owned(),
    };
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.contact_frequency_set",
        Entry::event(&updated, EventKind::ContactFrequency, now, body),
    )
    .await?;
    Ok(updated)
}
