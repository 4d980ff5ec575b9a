//! In-app notices: `/deadlines/notices` lists the signed-in officer's reminders of the last
//! fortnight (only for cases they may still see); one button marks them all read.

use super::{Kind, job::notice_deadline_relation};
use crate::{
    auth::policy::Permission,
    cases::visibility::Viewer,
    error::AppResult,
    procedure::Stage,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::csrf_field,
        layout,
        route::Route,
        table::{self, Col},
        time_fmt,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use entity::{cases, deadlines, notices};
use maud::{Markup, html};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use time::{Date, Duration, OffsetDateTime};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/deadlines/notices", Permission::ViewDeadlines, list),
        Route::post("/deadlines/notices/read", Permission::ViewDeadlines, mark_read),
    ]
}

/// How far back the notices page looks.
const SHOWN_DAYS: i64 = 14;

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

async fn list(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Markup> {
    let since = state.now() - Duration::days(SHOWN_DAYS);
    let rows = recent(&state.db, &viewer, since).await?;
    Ok(view(&ctx, &rows))
}

async fn mark_read(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Response> {
    let marked = notices::Entity::update_many()
        .col_expr(notices::Column::ReadAt, Expr::value(Some(state.now())))
        .filter(notices::Column::UserId.eq(viewer.id))
        .filter(notices::Column::ReadAt.is_null())
        .exec(&state.db)
        .await?
        .rows_affected;
    let message = match marked {
        0 => "There were no unread notices.",
        _ => "Notices marked as read.",
    };
    set_flash(&ctx.session, message).await?;
    Ok(Redirect::to("/deadlines/notices").into_response())
}

/// The page: a function of its rows.
pub fn view(ctx: &Ctx, rows: &[Row]) -> Markup {
    let unread = rows.iter().filter(|r| r.unread).count();
    layout::page(
        ctx,
        "Notices",
        false,
        html! {
            a.back-link href="/deadlines" { "Back to deadlines" }
            h1.heading-xl { "Notices" }
            p.body {
                "Each morning Harbour reminds you of deadlines on your cases that are overdue or due by the end of the next working day. This page shows the last "
                (SHOWN_DAYS) " days."
            }
            @if rows.is_empty() {
                p.body { "You have no notices." }
            } @else {
                @if unread > 0 {
                    form method="post" action="/deadlines/notices/read" novalidate {
                        (csrf_field(&ctx.csrf))
                        button.button.button--secondary type="submit" {
                            "Mark all as read"
                            span.visually-hidden { " (" (unread) " unread)" }
                        }
                    }
                }
                (table::table("Your notices", &[Col::Text("Reminder"), Col::Text("Case"), Col::Text("Stage"), Col::Text("Due"), Col::Text("Day")], html! {
                    @for r in rows {
                        tr {
                            td.table__cell {
                                strong.tag.(r.kind.tag_class()) { (r.kind.label()) }
                                @if r.unread { " " strong.tag.tag--blue { "New" } }
                            }
                            td.table__cell { a href={ "/cases/" (r.reference) } { (r.reference) } }
                            td.table__cell { (Stage::label_of(&r.stage)) }
                            td.table__cell { (time_fmt::datetime(r.due_at)) }
                            td.table__cell { (time_fmt::date(r.for_day)) }
                        }
                    }
                }))
            }
        },
    )
}
