//! The users page: the filters, one page of accounts, and an account's status tag.

use super::Filters;
use crate::{
    auth::policy::{role_code, role_label},
    web::{
        Ctx, layout,
        pagination::Pager,
        table::{self, Col},
        time_fmt,
    },
};
use entity::{Role, users};
use maud::{Markup, html};
use sea_orm::Iterable;
use std::collections::HashMap;

/// `/admin/users`: the filters `f`, the page's `rows` with their areas, and the pager.
pub(super) fn list_page(
    ctx: &Ctx,
    f: &Filters,
    pager: &Pager,
    rows: &[users::Model],
    area_names: &HashMap<i32, Vec<String>>,
    now: time::OffsetDateTime,
) -> Markup {
    layout::page(
        ctx,
        "Users",
        false,
        html! {
            h1.heading-xl { "Users" }
            p.body { a.button href="/admin/users/new" { "Add a user" } }
            form.filters method="get" action="/admin/users" {
                div.form-group {
                    label.label for="q" { "Name or username" }
                    input.input id="q" name="q" type="search" value=(f.q);
                }
                div.form-group {
                    label.label for="role" { "Role" }
                    select.select id="role" name="role" {
                        option value="" { "Any role" }
                        @for r in Role::iter() {
                            option value=(role_code(r)) selected[f.role == role_code(r)] { (role_label(r)) }
                        }
                    }
                }
                div.form-group {
                    label.label for="status" { "Status" }
                    select.select id="status" name="status" {
                        option value="active" selected[f.status.is_empty() || f.status == "active"] { "Active" }
                        option value="deactivated" selected[f.status == "deactivated"] { "Deactivated" }
                        option value="all" selected[f.status == "all"] { "All" }
                    }
                }
                div.form-group { button.button.button--secondary type="submit" { "Filter" } }
            }
            @if rows.is_empty() {
                p.body { "No users match." }
            } @else {
                (table::table("Users", &[Col::Text("Name"), Col::Text("Username"), Col::Text("Role"), Col::Text("Areas"), Col::Text("Status"), Col::Text("Last sign-in")], html! {
                            @for u in rows {
                                tr {
                                    td.table__cell { a href={ "/admin/users/" (u.id) } { (u.display_name) } }
                                    td.table__cell { (u.username) }
                                    td.table__cell { (role_label(u.role)) }
                                    td.table__cell { (area_names.get(&u.id).map(|v| v.join(", ")).unwrap_or_default()) }
                                    td.table__cell { (status_tag(u, now)) }
                                    td.table__cell {
                                        @if let Some(t) = u.last_login_at { (time_fmt::datetime(t)) } @else { "Never" }
                                    }
                                }
                            }
                        }))
                (pager.render("/admin/users", &[("q", f.q.clone()), ("role", f.role.clone()), ("status", f.status.clone())]))
            }
        },
    )
}

/// An account's status: deactivated, locked, waiting for a new password, or active.
pub fn status_tag(u: &users::Model, now: time::OffsetDateTime) -> Markup {
    html! {
        @if !u.active {
            strong.tag.tag--grey { "Deactivated" }
        } @else if u.locked_until.is_some_and(|t| t > now) {
            strong.tag.tag--red { "Locked" }
        } @else if u.must_change_password {
            strong.tag.tag--yellow { "Must change password" }
        } @else {
            strong.tag.tag--green { "Active" }
        }
    }
}
