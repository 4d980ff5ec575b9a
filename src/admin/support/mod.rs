//! The support catalogue and the referral agencies, kept by administrators: add, rename,
//! retire and reinstate (never delete: cases keep what they used), and for agencies which
//! one is a multi-agency risk panel. Retired entries are not offered on new records but
//! still show on the records that used them. Every change is audited.

mod form;
mod list;
mod view;

use form::{EntryForm, panel_label, valid_name};
use list::{Change, Item, List, insert, item, items, set_active, update};
use view::{edit_page, list_page};

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    error::{AppError, AppResult},
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
use axum_extra::extract::Form;
use maud::Markup;

pub fn routes() -> Vec<Route> {
    use Permission::ManageSettings;
    vec![
        Route::get("/admin/support", ManageSettings, support_show),
        Route::post("/admin/support", ManageSettings, support_add),
        Route::get("/admin/support/{id}", ManageSettings, support_edit),
        Route::post("/admin/support/{id}", ManageSettings, support_save),
        Route::post("/admin/support/{id}/retire", ManageSettings, support_retire),
        Route::post("/admin/support/{id}/reinstate", ManageSettings, support_reinstate),
        Route::get("/admin/agencies", ManageSettings, agencies_show),
        Route::post("/admin/agencies", ManageSettings, agencies_add),
        Route::get("/admin/agencies/{id}", ManageSettings, agencies_edit),
        Route::post("/admin/agencies/{id}", ManageSettings, agencies_save),
        Route::post("/admin/agencies/{id}/retire", ManageSettings, agencies_retire),
        Route::post(
            "/admin/agencies/{id}/reinstate",
            ManageSettings,
            agencies_reinstate,
        ),
    ]
}

async fn support_show(s: State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    show(s, ctx, List::Support).await
}
async fn support_add(s: State<AppState>, ctx: Ctx, o: Origin, f: Form<EntryForm>) -> AppResult<Response> {
    add(s, ctx, o, f, List::Support).await
}
async fn support_edit(s: State<AppState>, ctx: Ctx, id: Path<String>) -> AppResult<Markup> {
    edit(s, ctx, id, List::Support).await
}
async fn support_save(
    s: State<AppState>,
    ctx: Ctx,
    o: Origin,
    id: Path<String>,
    f: Form<EntryForm>,
) -> AppResult<Response> {
    save(s, ctx, o, id, f, List::Support).await
}
async fn support_retire(s: State<AppState>, ctx: Ctx, o: Origin, id: Path<String>) -> AppResult<Response> {
    activate(s, ctx, o, id, List::Support, false).await
}
async fn support_reinstate(s: State<AppState>, ctx: Ctx, o: Origin, id: Path<String>) -> AppResult<Response> {
    activate(s, ctx, o, id, List::Support, true).await
}
async fn agencies_show(s: State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    show(s, ctx, List::Agencies).await
}
async fn agencies_add(s: State<AppState>, ctx: Ctx, o: Origin, f: Form<EntryForm>) -> AppResult<Response> {
    add(s, ctx, o, f, List::Agencies).await
}
async fn agencies_edit(s: State<AppState>, ctx: Ctx, id: Path<String>) -> AppResult<Markup> {
    edit(s, ctx, id, List::Agencies).await
}
async fn agencies_save(
    s: State<AppState>,
    ctx: Ctx,
    o: Origin,
    id: Path<String>,
    f: Form<EntryForm>,
) -> AppResult<Response> {
    save(s, ctx, o, id, f, List::Agencies).await
}
async fn agencies_retire(s: State<AppState>, ctx: Ctx, o: Origin, id: Path<String>) -> AppResult<Response> {
    activate(s, ctx, o, id, List::Agencies, false).await
}
async fn agencies_reinstate(
    s: State<AppState>,
    ctx: Ctx,
    o: Origin,
    id: Path<String>,
) -> AppResult<Response> {
    activate(s, ctx, o, id, List::Agencies, true).await
}

async fn show(State(state): State<AppState>, ctx: Ctx, list: List) -> AppResult<Markup> {
    list_page(&state, &ctx, list, &EntryForm::default(), &FormErrors::default()).await
}

async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<EntryForm>,
    list: List,
) -> AppResult<Response> {
    let all = items(&state.db, list).await?;
    let mut errors = FormErrors::default();
    let Some(name) = valid_name(&f, &all, None, list, &mut errors) else {
        return invalid_add(&state, &ctx, list, &f, &errors).await;
    };
    let multi = list == List::Agencies && f.multi();
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let id = match insert(&txn, list, &name, multi, now).await {
        Ok(id) => id,
        // Someone added the same name a moment ago.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            errors.add(
                "name",
                format!("There is already {} with that name", list.a_noun()),
            );
            return invalid_add(&state, &ctx, list, &f, &errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            list.action(Change::Created),
            format!("Added {} {name:?}{}", list.noun(), panel_label(multi)),
        )
        .on(list.target(), id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Added {name}.")).await?;
    Ok(Redirect::to(list.base()).into_response())
}

/// The list page again with the add form as typed (422).
async fn invalid_add(
    state: &AppState,
    ctx: &Ctx,
    list: List,
    f: &EntryForm,
    errors: &FormErrors,
) -> AppResult<Response> {
    let markup = list_page(state, ctx, list, f, errors).await?;
    Ok(forms::invalid(markup))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    list: List,
) -> AppResult<Markup> {
    let item = item(&state.db, list, &id).await?;
    Ok(edit_page(
        &ctx,
        list,
        &item,
        &EntryForm::of(&item),
        None,
        &FormErrors::default(),
    ))
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<EntryForm>,
    list: List,
) -> AppResult<Response> {
    let current = item(&state.db, list, &id).await?;
    let stale = |current: &Item, f: EntryForm| {
        let mut errors = FormErrors::default();
        errors.add(
            "name",
            "Someone else changed this entry while you were editing. It is shown as saved below; your changes are still in the form. Check both, then save again",
        );
        let fresh = EntryForm::of(current);
        let mine = EntryForm {
            was_name: fresh.was_name,
            was_multi_agency: fresh.was_multi_agency,
            ..f
        };
        forms::stale(edit_page(&ctx, list, current, &mine, Some(current), &errors))
    };
    let multi_was = f.was_multi_agency == "yes";
    if f.was_name != current.name || (list == List::Agencies && multi_was != current.multi_agency) {
        return Ok(stale(&current, f));
    }
    let all = items(&state.db, list).await?;
    let mut errors = FormErrors::default();
    let Some(name) = valid_name(&f, &all, Some(current.id), list, &mut errors) else {
        return Ok(forms::invalid(edit_page(&ctx, list, &current, &f, None, &errors)));
    };
    let multi = if list == List::Agencies { f.multi() } else { false };
    if name == current.name && multi == current.multi_agency {
        set_flash(&ctx.session, "Nothing was changed.").await?;
        return Ok(Redirect::to(list.base()).into_response());
    }
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let changed = match update(&txn, list, current.id, &current, &name, multi).await {
        Ok(changed) => changed,
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            errors.add(
                "name",
                format!("There is already {} with that name", list.a_noun()),
            );
            return Ok(forms::invalid(edit_page(&ctx, list, &current, &f, None, &errors)));
        }
        Err(e) => return Err(e.into()),
    };
    if !changed {
        drop(txn);
        let latest = item(&state.db, list, &id).await?;
        return Ok(stale(&latest, f));
    }
    let mut what = vec![];
    if name != current.name {
        what.push(format!("renamed {:?} to {name:?}", current.name));
    }
    if multi != current.multi_agency {
        what.push(format!(
            "{} {name:?} as a multi-agency risk panel",
            if multi { "marked" } else { "no longer marked" }
        ));
    }
    let summary = format!("Changed {}: {}", list.noun(), what.join("; "));
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(list.action(Change::Renamed), summary).on(list.target(), current.id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Saved {name}.")).await?;
    Ok(Redirect::to(list.base()).into_response())
}

async fn activate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<String>,
    list: List,
    active: bool,
) -> AppResult<Response> {
    let current = item(&state.db, list, &id).await?;
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    if !set_active(&txn, list, current.id, active).await? {
        return Err(AppError::Conflict(if active {
            "This entry is already in use: someone may have reinstated it a moment ago."
        } else {
            "This entry is already retired: someone may have retired it a moment ago."
        }));
    }
    let (change, verb) = if active {
        (Change::Reinstated, "Reinstated")
    } else {
        (Change::Retired, "Retired")
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            list.action(change),
            format!("{verb} {} {:?}", list.noun(), current.name),
        )
        .on(list.target(), current.id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{verb} {}.", current.name)).await?;
    Ok(Redirect::to(list.base()).into_response())
}
