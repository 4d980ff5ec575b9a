//! Pages of `/admin/areas`: the list with its add form, and one area's page.

use crate::web::{
    Ctx,
    forms::{FormErrors, Input, csrf_field, error_summary},
    layout,
    table::{self, Col},
};
use entity::areas;
use maud::{Markup, html};
use std::collections::HashMap;

/// `/admin/areas`: every area with its staff count, and the form to add one.
pub fn list_page(
    ctx: &Ctx,
    areas: &[areas::Model],
    staff: &HashMap<i32, i64>,
    typed: &str,
    errors: &FormErrors,
) -> Markup {
    layout::page(
        ctx,
        "Areas",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Areas" }
            p.body { "Areas are the patches and estates that staff and cases belong to. Retired areas take no new cases but keep their history." }
            @if areas.is_empty() {
                p.body { "There are no areas yet." }
            } @else {
                (table::table("Areas", &[Col::Text("Name"), Col::Text("Status"), Col::Numeric("Staff"), Col::Actions], html! {
                            @for a in areas {
                                tr {
                                    td.table__cell { (a.name) }
                                    td.table__cell {
                                        @if a.retired { strong.tag.tag--grey { "Retired" } } @else { strong.tag.tag--green { "In use" } }
                                    }
                                    td.table__cell.table__cell--numeric { (staff.get(&a.id).copied().unwrap_or(0)) }
                                    td.table__cell { a href={ "/admin/areas/" (a.id) } { "Change" span.visually-hidden { " " (a.name) } } }
                                }
                            }
                        }))
            }
            h2.heading-m { "Add an area" }
            form method="post" action="/admin/areas" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("name", "Area name", typed).render(errors))
                button.button type="submit" { "Add area" }
            }
        },
    )
}

/// One area: rename it, retire or reinstate it.
pub fn edit_page(ctx: &Ctx, area: &areas::Model, typed: &str, errors: &FormErrors) -> Markup {
    layout::page(
        ctx,
        &format!("Area: {}", area.name),
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            span.caption { "Area" }
            h1.heading-xl { (area.name) }
            form method="post" action={ "/admin/areas/" (area.id) } novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("name", "Name", typed).render(errors))
                button.button type="submit" { "Save name" }
            }
            h2.heading-m { "Status" }
            @if area.retired {
                p.body { "This area is retired: no new cases can be placed in it." }
                form method="post" action={ "/admin/areas/" (area.id) "/reinstate" } {
                    (csrf_field(&ctx.csrf))
                    button.button.button--secondary type="submit" { "Reinstate area" }
                }
            } @else {
                p.body { "Retiring an area stops new cases being placed in it. Existing cases and staff keep it." }
                form method="post" action={ "/admin/areas/" (area.id) "/retire" } {
                    (csrf_field(&ctx.csrf))
                    button.button.button--warning type="submit" { "Retire area" }
                }
            }
            p.body { a href="/admin/areas" { "Back to areas" } }
        },
    )
}
