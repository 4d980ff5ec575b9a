//! The retention part of the daily run: counting the cases that wait for a manager.

use super::awaiting_decision;

/// The daily run's part (called once a day by the instance holding the reminder lease):
/// records how many cases wait for a manager's decision, for the run log and the digest.
pub async fn daily(
    db: &sea_orm::DatabaseConnection,
    holder: &str,
    today: time::Date,
    now: time::OffsetDateTime,
) -> Result<usize, sea_orm::DbErr> {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let waiting = awaiting_decision(db, today).await?;
    entity::job_runs::Entity::insert(entity::job_runs::ActiveModel {
        name: Set(JOB.to_owned()),
        for_day: Set(today),
        holder: Set(holder.to_owned()),
        ran_at: Set(now),
        // This job's "notices" are the cases listed for review.
        notices: Set(i32::try_from(waiting).unwrap_or(i32::MAX)),
        emails: Set(0),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    if waiting > 0 {
        tracing::info!(cases = waiting, "cases past their retention date await review");
    }
    Ok(waiting)
}

/// The retention run's name in `job_runs`.
pub const JOB: &str = "retention";
