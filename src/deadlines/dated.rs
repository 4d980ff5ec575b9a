//! Deadlines on a date someone set rather than a timescale: an action plan action's target
//! date, a court hearing, a notice's expiry (`Stage::DATED`). Each belongs to the record
//! that set it: `occurrence` is that record's id (a plan action, a legal date), so the
//! pair (stage, occurrence) finds it. Due at the end of the London day. Once planned they
//! behave like any deadline: met or late when done, extended with a reason (the original
//! date kept for reporting), waived by a manager, listed and reminded. Every function works
//! in the caller's transaction.

use super::{
    schedule::{self, Done, Rules},
    state,
};
use crate::{calendar, procedure::Stage};
use entity::{cases, deadlines};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr,
};
use time::{Date, OffsetDateTime};

/// Stored as the unit of a dated deadline (there is no timescale to describe).
pub const UNIT: &str = "date";

/// Longest title kept on a deadline (the column's size); longer ones are cut at a
/// character boundary with an ellipsis.
pub const TITLE_MAX: usize = 200;

/// Plans the deadline `stage` for the record `source_id`, due at the end of `due_on`;
/// `title` says what it is for ("Fit new locks"), shown beside the stage.
pub async fn add(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    stage: Stage,
    source_id: i32,
    title: &str,
    due_on: Date,
    now: OffsetDateTime,
) -> Result<deadlines::Model, DbErr> {
    debug_assert!(stage.dated());
    let due = calendar::end_of_london_day(due_on);
    deadlines::Entity::insert(deadlines::ActiveModel {
        case_id: Set(case.id),
        stage: Set(stage.code().to_owned()),
        occurrence: Set(source_id),
        procedure_version_id: Set(case.procedure_version_id),
        priority: Set(case.priority.clone()),
        unit: Set(UNIT.to_owned()),
        amount: Set(0),
        // From the start of the day at the latest, so an activity recorded after the fact
        // (a hearing entered the day after) can be done at its real time that day.
        anchored_at: Set(now.min(calendar::start_of_london_day(due_on))),
        original_due_at: Set(due),
        due_at: Set(due),
        status: Set(state::OPEN.to_owned()),
        created_at: Set(now),
        version: Set(1),
        title: Set(Some(short_title(title))),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

/// The record's description changed: so does its deadline's title (open or not).
pub async fn retitle(
    db: &impl ConnectionTrait,
    deadline: &deadlines::Model,
    title: &str,
) -> Result<(), DbErr> {
    deadlines::Entity::update_many()
        .col_expr(deadlines::Column::Title, Expr::value(Some(short_title(title))))
        .filter(deadlines::Column::Id.eq(deadline.id))
        .exec(db)
        .await?;
    Ok(())
}

fn short_title(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= TITLE_MAX {
        return title.to_owned();
    }
    let mut cut: String = title.chars().take(TITLE_MAX - 1).collect();
    cut.push('…');
    cut
}

/// The deadline planned for the record `source_id`, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    case_id: i32,
    stage: Stage,
    source_id: i32,
) -> Result<Option<deadlines::Model>, DbErr> {
    deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Stage.eq(stage.code()))
        .filter(deadlines::Column::Occurrence.eq(source_id))
        .one(db)
        .await
}

/// The record's date moved. Put back (a target missed, a hearing adjourned) it is an
/// extension with `reason`, so the original date still counts in reports; brought forward
/// it is the new date reports count against (doing it by the old, later date would be
/// late). Only an open deadline moves; `false` when it is no longer open or already due
/// then.
pub async fn move_to(
    db: &impl ConnectionTrait,
    deadline: &deadlines::Model,
    due_on: Date,
    reason: &str,
    by: i32,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let due = calendar::end_of_london_day(due_on);
    if deadline.status != state::OPEN || due == deadline.due_at {
        return Ok(false);
    }
    let forward = due < deadline.original_due_at;
    let (extended_at, extended_by, reason) = if forward {
        // No longer an extension: the earlier date is the one that counts.
        (None, None, None)
    } else {
        (Some(now), Some(by), Some(reason.to_owned()))
    };
    let original = if forward { due } else { deadline.original_due_at };
    let changed = crate::db::versioned::save_if_unchanged(
        db,
        deadlines::Entity::update_many()
            .col_expr(deadlines::Column::OriginalDueAt, Expr::value(original))
            .col_expr(deadlines::Column::DueAt, Expr::value(due))
            .col_expr(deadlines::Column::ExtendedAt, Expr::value(extended_at))
            .col_expr(deadlines::Column::ExtendedBy, Expr::value(extended_by))
            .col_expr(deadlines::Column::ExtensionReason, Expr::value(reason))
            .filter(deadlines::Column::Status.eq(state::OPEN)),
        deadline.id,
        deadline.version,
    )
    .await?;
    Ok(changed)
}

/// The record's activity happened at `at` (an action done, a hearing held): the deadline
/// is done, met or late against its original date. `None` when it was not open.
pub async fn complete(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    deadline: deadlines::Model,
    at: OffsetDateTime,
    by: i32,
    now: OffsetDateTime,
) -> Result<Option<deadlines::Model>, DbErr> {
    if deadline.status != state::OPEN {
        return Ok(None);
    }
    let rules = Rules::for_case(db, case).await?;
    let done = Done {
        at,
        by,
        note: None,
        now,
    };
    schedule::complete(db, &rules, case, deadline, done).await
}

/// The record no longer needs its deadline (an action cancelled, a claim withdrawn): no
/// longer applicable, with `reason`. `false` when it was not open.
pub async fn close_off(
    db: &impl ConnectionTrait,
    deadline: &deadlines::Model,
    reason: &str,
    by: i32,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let changed = deadlines::Entity::update_many()
        .col_expr(deadlines::Column::Status, Expr::value(state::NOT_APPLICABLE))
        .col_expr(deadlines::Column::ResolvedBy, Expr::value(Some(by)))
        .col_expr(deadlines::Column::ResolvedAt, Expr::value(Some(now)))
        .col_expr(
            deadlines::Column::ResolutionNote,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(deadlines::Column::Version, Expr::value(deadline.version + 1))
        .filter(deadlines::Column::Id.eq(deadline.id))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_titles_are_cut_to_the_column() {
        let long = "é".repeat(300);
        let cut = super::short_title(&long);
        assert_eq!(cut.chars().count(), super::TITLE_MAX);
        assert!(cut.ends_with('…'));
        assert_eq!(super::short_title("  Fit locks "), "Fit locks");
    }
}
