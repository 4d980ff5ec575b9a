//! The notices page.

use super::{Row, SHOWN_DAYS};
use crate::{
    procedure::Stage,
    web::{
        Ctx,
        forms::csrf_field,
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};

/// The page: a function of its rows.
pub(super) fn page(ctx: &Ctx, rows: &[Row]) -> Markup {
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
