//! Areas (patches, estates): list, create, rename, retire and reinstate. Never deleted:
//! cases and staff keep pointing at them.

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, Input, csrf_field, error_summary},
        layout,
        route::Route,
        table::{self, Col},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::{areas, user_areas};
use maud::{Markup, html};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect,
};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/areas", Permission::ManageAreas, list),
        Route::post("/admin/areas", Permission::ManageAreas, create),
        Route::get("/admin/areas/{id}", Permission::ManageAreas, edit),
        Route::post("/admin/areas/{id}", Permission::ManageAreas, rename),
        Route::post("/admin/areas/{id}/retire", Permission::ManageAreas, retire),
        Route::post("/admin/areas/{id}/reinstate", Permission::ManageAreas, reinstate),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AreaForm {
    name: String,
}

fn check_name(name: &str) -> Result<String, &'static str> {
    let n = name.trim();
    match n.chars().count() {
        0 => Err("Enter the area's name"),
        c if c > 80 => Err("Area name must be 80 characters or fewer"),
        _ => Ok(n.to_owned()),
    }
}

/// The area with this name (ignoring case), if there is one.
pub async fn find_by_name<C: ConnectionTrait>(db: &C, name: &str) -> Result<Option<areas::Model>, DbErr> {
    areas::Entity::find()
        .filter(areas::Column::NameKey.eq(name.trim().to_lowercase()))
        .one(db)
        .await
}

/// The area with this name (ignoring case), created if missing. (id, created?)
pub async fn find_or_create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<(i32, bool), anyhow::Error> {
    let name = check_name(name).map_err(anyhow::Error::msg)?;
    if let Some(a) = find_by_name(db, &name).await? {
        return Ok((a.id, false));
    }
    Ok((insert(db, &name, now).await?.id, true))
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<areas::Model, DbErr> {
    areas::Entity::insert(areas::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        retired: Set(false),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    list_page(&state, &ctx, "", &FormErrors::default()).await
}

async fn list_page(state: &AppState, ctx: &Ctx, typed: &str, errors: &FormErrors) -> AppResult<Markup> {
    let areas = crate::cases::areas::all(&state.db).await?;
    let staff: HashMap<i32, i64> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::AreaId)
        .column_as(user_areas::Column::UserId.count(), "n")
        .group_by(user_areas::Column::AreaId)
        .into_tuple::<(i32, i64)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    Ok(layout::page(
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
                            @for a in &areas {
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
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    axum::Form(f): axum::Form<AreaForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let mut errors = FormErrors::default();
    let name = match check_name(&f.name) {
        Ok(n) => n,
        Err(e) => {
            errors.add("name", e);
            String::new()
        }
    };
    if errors.is_empty() {
        let now = state.now();
        let txn = crate::db::begin(&state.db).await?;
        match insert(&txn, &name, now).await {
            Ok(area) => {
                audit::record(
                    &txn,
                    now,
                    &actor,
                    &origin,
                    Event::new("area.created", format!("Created area {}", area.name)).on("area", area.id),
                )
                .await?;
                txn.commit().await?;
                set_flash(&ctx.session, format!("Area {} added.", area.name)).await?;
                return Ok(Redirect::to("/admin/areas").into_response());
            }
            Err(e) if crate::db::is_unique_violation(&e) => {
                errors.add("name", "An area with that name already exists");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(forms::invalid(list_page(&state, &ctx, &f.name, &errors).await?))
}

async fn find(state: &AppState, id: i32) -> AppResult<areas::Model> {
    areas::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Markup> {
    let area = find(&state, id).await?;
    Ok(edit_page(&ctx, &area, &area.name, &FormErrors::default()))
}

fn edit_page(ctx: &Ctx, area: &areas::Model, typed: &str, errors: &FormErrors) -> Markup {
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

async fn rename(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    axum::Form(f): axum::Form<AreaForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let area = find(&state, id).await?;
    let mut errors = FormErrors::default();
    match check_name(&f.name) {
        Err(e) => errors.add("name", e),
        Ok(name) => {
            let now = state.now();
            let txn = crate::db::begin(&state.db).await?;
            let old = area.name.clone();
            let mut row = area.clone().into_active_model();
            row.name = Set(name.clone());
            row.name_key = Set(name.to_lowercase());
            match row.update(&txn).await {
                Ok(_) => {
                    audit::record(
                        &txn,
                        now,
                        &actor,
                        &origin,
                        Event::new("area.renamed", format!("Renamed area {old} to {name}")).on("area", id),
                    )
                    .await?;
                    txn.commit().await?;
                    set_flash(&ctx.session, format!("Area renamed to {name}.")).await?;
                    return Ok(Redirect::to("/admin/areas").into_response());
                }
                Err(e) if crate::db::is_unique_violation(&e) => {
                    errors.add("name", "An area with that name already exists");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(forms::invalid(edit_page(&ctx, &area, &f.name, &errors)))
}

async fn retire(state: State<AppState>, ctx: Ctx, origin: Origin, id: Path<i32>) -> AppResult<Response> {
    set_retired(state, ctx, origin, id, true).await
}

async fn reinstate(state: State<AppState>, ctx: Ctx, origin: Origin, id: Path<i32>) -> AppResult<Response> {
    set_retired(state, ctx, origin, id, false).await
}

async fn set_retired(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    retired: bool,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let area = find(&state, id).await?;
    if area.retired != retired {
        let now = state.now();
        let txn = crate::db::begin(&state.db).await?;
        let name = area.name.clone();
        let mut row = area.into_active_model();
        row.retired = Set(retired);
        row.update(&txn).await?;
        let (action, verb) = if retired {
            ("area.retired", "Retired")
        } else {
            ("area.reinstated", "Reinstated")
        };
        audit::record(
            &txn,
            now,
            &actor,
            &origin,
            Event::new(action, format!("{verb} area {name}")).on("area", id),
        )
        .await?;
        txn.commit().await?;
        set_flash(&ctx.session, format!("{verb} area {name}.")).await?;
    }
    Ok(Redirect::to("/admin/areas").into_response())
}
