//! The reporting settings' audited writes (the settings themselves are kept by
//! `reports::equality::settings`).

use crate::{
    audit::{self, Actor, Event, Origin},
    error::AppResult,
    reports::equality::settings::{self, Nm01Year, ReportSettings},
};
use sea_orm::DatabaseConnection;
use time::OffsetDateTime;

/// Saves the report settings `new`, audited.
pub(super) async fn save_settings(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    by: i32,
    new: &ReportSettings,
) -> AppResult<()> {
    let (target, days) = (new.not_given_target_percent, new.close_target_days);
    let txn = crate::db::begin(db).await?;
    new.save(&txn, now, by).await?;
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "settings.updated",
            format!(
                "Report settings: not-given target {target}%; close within {days} days; reference group {}; reference category {}",
                new.group_reference, new.category_reference
            ),
        )
        .on("settings", "reports"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Saves (or replaces) one reporting year's NM01 figures, audited.
pub(super) async fn save_year(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    by: i32,
    y: &Nm01Year,
) -> AppResult<()> {
    let Nm01Year {
        year,
        homes_rental: rental,
        homes_ownership: ownership,
        other_asb_cases: other,
        ..
    } = *y;
    let txn = crate::db::begin(db).await?;
    settings::put_nm01_year(&txn, y, now, by).await?;
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "settings.updated",
            format!(
                "NM01 {year} to {}: {rental} low-cost rental + {ownership} low-cost home ownership homes; {other} ASB cases in other systems",
                year + 1
            ),
        )
        .on("nm01_year", year),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
