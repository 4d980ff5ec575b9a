use crate::{
    auth::policy::{role_code, role_label},
    error::AppResult,
    state::AppState,
    web::{
        Ctx, layout,
        pagination::Pager,
        table::{self, Col},
        time_fmt,
    },
};
use axum::extract::{Query, State};
use entity::{Role, areas, user_areas, users};
use maud::{Markup, html};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, ExprTrait, Iterable, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    q: String,
    role: String,
    status: String,
    page: Option<u64>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(f): Query<Filters>) -> AppResult<Markup> {
    let mut query = users::Entity::find();
    let q = f.q.trim().to_lowercase();
    if !q.is_empty() {
        let pattern = crate::db::contains_pattern(&q);
        query = query.filter(
            Condition::any()
                .add(users::Column::UsernameKey.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(users::Column::DisplayName),
                    ))
                    .like(pattern),
                ),
        );
    }
    if let Some(role) = crate::auth::policy::parse_role(&f.role) {
        query = query.filter(users::Column::Role.eq(role));
    }
    match f.status.as_str() {
        "deactivated" => query = query.filter(users::Column::Active.eq(false)),
        "all" => {}
        _ => query = query.filter(users::Column::Active.eq(true)),
    }
    let total = query.clone().count(&state.db).await?;
    let pager = Pager::new(f.page, total);
    let rows = query
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(&state.db)
        .await?;

    // Areas of the shown users in one query, not one per row.
    let ids: Vec<i32> = rows.iter().map(|u| u.id).collect();
    let links: Vec<(i32, String)> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::UserId)
        .column(areas::Column::Name)
        .inner_join(areas::Entity)
        .filter(user_areas::Column::UserId.is_in(ids))
        .order_by_asc(areas::Column::NameKey)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut area_names: HashMap<i32, Vec<String>> = HashMap::new();
    for (uid, name) in links {
        area_names.entry(uid).or_default().push(name);
    }
    let now = state.now();

    Ok(layout::page(
        &ctx,
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
                            @for u in &rows {
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
    ))
}

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
