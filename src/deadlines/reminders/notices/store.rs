//! Notices in the database: the viewer's unread count, their recent notices on cases they
//! may see, and marking them all read.

use super::SHOWN_DAYS;
use crate::{
    cases::visibility::Viewer,
    deadlines::reminders::{Kind, job::notice_deadline_relation},
};
use entity::{cases, deadlines, notices};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use time::{Date, Duration, OffsetDateTime};

/// The viewer's unread notices (for a count beside a link): exactly those the notices
/// page lists as new, so on cases they may still see.
pub async fn unread_count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: OffsetDateTime,
) -> Result<u64, DbErr> {
    notices::Entity::find()
        .join(JoinType::InnerJoin, notice_deadline_relation())
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .filter(notices::Column::UserId.eq(viewer.id))
        .filter(notices::Column::ReadAt.is_null())
        .filter(notices::Column::CreatedAt.gte(now - Duration::days(SHOWN_DAYS)))
        .filter(viewer.condition())
        .count(db)
        .await
}

/// One notice as shown.
pub struct Row {
    pub kind: Kind,
    pub reference: String,
    pub stage: String,
    pub due_at: OffsetDateTime,
    pub for_day: Date,
    pub unread: bool,
}

/// The viewer's own notices since `since`, newest first, on cases they may see.
pub async fn recent(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    since: OffsetDateTime,
) -> Result<Vec<Row>, DbErr> {
    type Tuple = (
        String,
        Date,
        Option<OffsetDateTime>,
        String,
        String,
        OffsetDateTime,
    );
    let rows: Vec<Tuple> = notices::Entity::find()
        .select_only()
        .column(notices::Column::Kind)
        .column(notices::Column::ForDay)
        .column(notices::Column::ReadAt)
        .column(cases::Column::Reference)
        .column(deadlines::Column::Stage)
        .column(deadlines::Column::DueAt)
        .join(JoinType::InnerJoin, notice_deadline_relation())
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .filter(notices::Column::UserId.eq(viewer.id))
        .filter(notices::Column::CreatedAt.gte(since))
        .filter(viewer.condition())
        .order_by_desc(notices::Column::ForDay)
        .order_by_desc(notices::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, for_day, read_at, reference, stage, due_at)| {
            Some(Row {
                kind: Kind::from_code(&kind)?,
                reference,
                stage,
                due_at,
                for_day,
                unread: read_at.is_none(),
            })
        })
        .collect())
}

/// Marks all the viewer's unread notices read at `now`; how many there were.
pub(super) async fn mark_read(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: OffsetDateTime,
) -> Result<u64, DbErr> {
    Ok(notices::Entity::update_many()
        .col_expr(notices::Column::ReadAt, Expr::value(Some(now)))
        .filter(notices::Column::UserId.eq(viewer.id))
        .filter(notices::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
