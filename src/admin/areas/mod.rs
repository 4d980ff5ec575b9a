//! Areas (patches, estates): list, create, rename, retire and reinstate. Never deleted:
//! cases and staff keep pointing at them.

mod form;
pub mod store;
mod view;

use self::form::{AreaForm, validate};
use crate::{
    audit::Origin,
    auth::policy::Permission,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;

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

async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    list_page(&state, &ctx, "", &FormErrors::default()).await
}

async fn list_page(state: &AppState, ctx: &Ctx, typed: &str, errors: &FormErrors) -> AppResult<Markup> {
    let areas = crate::cases::areas::all(&state.db).await?;
    let staff = store::staff_counts(&state.db).await?;
    Ok(view::list_page(ctx, &areas, &staff, typed, errors))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    axum::Form(f): axum::Form<AreaForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let valid = match validate(&f) {
        Ok(valid) => valid,
        Err(errors) => return Ok(forms::invalid(list_page(&state, &ctx, &f.name, &errors).await?)),
    };
    let now = state.now();
    match store::create(&state.db, &actor, &origin, now, &valid.name).await? {
        Ok(area) => {
            set_flash(&ctx.session, format!("Area {} added.", area.name)).await?;
            Ok(Redirect::to("/admin/areas").into_response())
        }
        Err(store::NameTaken) => {
            let mut errors = FormErrors::default();
            errors.add("name", "An area with that name already exists");
            Ok(forms::invalid(list_page(&state, &ctx, &f.name, &errors).await?))
        }
    }
}

async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Markup> {
    let area = store::find(&state.db, id).await?;
    Ok(view::edit_page(&ctx, &area, &area.name, &FormErrors::default()))
}

async fn rename(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    axum::Form(f): axum::Form<AreaForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let area = store::find(&state.db, id).await?;
    let errors = match validate(&f) {
        Err(errors) => errors,
        Ok(valid) => {
            let now = state.now();
            match store::rename(&state.db, &actor, &origin, now, &area, &valid.name).await? {
                Ok(()) => {
                    set_flash(&ctx.session, format!("Area renamed to {}.", valid.name)).await?;
                    return Ok(Redirect::to("/admin/areas").into_response());
                }
                Err(store::NameTaken) => {
                    let mut errors = FormErrors::default();
                    errors.add("name", "An area with that name already exists");
                    errors
                }
            }
        }
    };
    Ok(forms::invalid(view::edit_page(&ctx, &area, &f.name, &errors)))
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
    let area = store::find(&state.db, id).await?;
    if area.retired != retired {
        let now = state.now();
        let name = area.name.clone();
        let verb = store::set_retired(&state.db, &actor, &origin, now, area, retired).await?;
        set_flash(&ctx.session, format!("{verb} area {name}.")).await?;
    }
    Ok(Redirect::to("/admin/areas").into_response())
}
