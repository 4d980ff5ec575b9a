//! The support catalogue and the referral agencies, kept by administrators: add, rename,
//! retire and reinstate (never delete: cases keep what they used), and for agencies which
//! one is a multi-agency risk panel. Retired entries are not offered on new records but
//! still show on the records that used them. Every change is audited.

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, checkboxes, csrf_field, error_summary},
        layout,
        route::Route,
        table::{self, Col},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{agencies, support_catalogue};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::Deserialize;
use time::OffsetDateTime;

/// Names are stored in 120 characters (`name` on both tables).
const MAX_NAME_CHARS: usize = 120;

/// Which administrator-kept list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Support,
    Agencies,
}

impl List {
    fn base(self) -> &'static str {
        match self {
            List::Support => "/admin/support",
            List::Agencies => "/admin/agencies",
        }
    }

    fn title(self) -> &'static str {
        match self {
            List::Support => "Support measures",
            List::Agencies => "Referral agencies",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            List::Support => "support measure",
            List::Agencies => "agency",
        }
    }

    /// "a support measure", "an agency".
    fn a_noun(self) -> &'static str {
        match self {
            List::Support => "a support measure",
            List::Agencies => "an agency",
        }
    }

    fn target(self) -> &'static str {
        match self {
            List::Support => "support_catalogue",
            List::Agencies => "agency",
        }
    }

    /// The audit action for `change` (created, renamed, retired, reinstated).
    fn action(self, change: Change) -> &'static str {
        match (self, change) {
            (List::Support, Change::Created) => "support_catalogue.created",
            (List::Support, Change::Renamed) => "support_catalogue.renamed",
            (List::Support, Change::Retired) => "support_catalogue.retired",
            (List::Support, Change::Reinstated) => "support_catalogue.reinstated",
            (List::Agencies, Change::Created) => "agency.created",
            (List::Agencies, Change::Renamed) => "agency.updated",
            (List::Agencies, Change::Retired) => "agency.retired",
            (List::Agencies, Change::Reinstated) => "agency.reinstated",
        }
    }
}

#[derive(Clone, Copy)]
enum Change {
    Created,
    Renamed,
    Retired,
    Reinstated,
}

/// An entry of either list.
struct Item {
    id: i32,
    name: String,
    active: bool,
    /// Agencies only: a multi-agency risk panel (MARAC or similar).
    multi_agency: bool,
}

impl From<support_catalogue::Model> for Item {
    fn from(m: support_catalogue::Model) -> Self {
        Item {
            id: m.id,
            name: m.name,
            active: m.active,
            multi_agency: false,
        }
    }
}

impl From<agencies::Model> for Item {
    fn from(m: agencies::Model) -> Self {
        Item {
            id: m.id,
            name: m.name,
            active: m.active,
            multi_agency: m.multi_agency,
        }
    }
}

async fn items(db: &impl ConnectionTrait, list: List) -> Result<Vec<Item>, DbErr> {
    Ok(match list {
        List::Support => support_catalogue::Entity::find()
            .order_by_asc(support_catalogue::Column::Position)
            .order_by_asc(support_catalogue::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Item::from)
            .collect(),
        List::Agencies => agencies::Entity::find()
            .order_by_asc(agencies::Column::Position)
            .order_by_asc(agencies::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Item::from)
            .collect(),
    })
}

async fn item(db: &impl ConnectionTrait, list: List, id: &str) -> AppResult<Item> {
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    let found = match list {
        List::Support => support_catalogue::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(Item::from),
        List::Agencies => agencies::Entity::find_by_id(id).one(db).await?.map(Item::from),
    };
    found.ok_or(AppError::NotFound)
}

async fn insert(
    db: &impl ConnectionTrait,
    list: List,
    name: &str,
    multi_agency: bool,
    now: OffsetDateTime,
) -> Result<i32, DbErr> {
    Ok(match list {
        List::Support => {
            let last: Option<i32> = support_catalogue::Entity::find()
                .select_only()
                .column_as(support_catalogue::Column::Position.max(), "max")
                .into_tuple()
                .one(db)
                .await?
                .flatten();
            support_catalogue::Entity::insert(support_catalogue::ActiveModel {
                name: Set(name.to_owned()),
                position: Set(last.unwrap_or(0) + 1),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?
            .last_insert_id
        }
        List::Agencies => {
            let last: Option<i32> = agencies::Entity::find()
                .select_only()
                .column_as(agencies::Column::Position.max(), "max")
                .into_tuple()
                .one(db)
                .await?
                .flatten();
            agencies::Entity::insert(agencies::ActiveModel {
                name: Set(name.to_owned()),
                position: Set(last.unwrap_or(0) + 1),
                active: Set(true),
                multi_agency: Set(multi_agency),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?
            .last_insert_id
        }
    })
}

/// Sets name (and, for agencies, the panel flag) of `id` if it still is as `was`; returns
/// whether it was.
async fn update(
    db: &impl ConnectionTrait,
    list: List,
    id: i32,
    was: &Item,
    name: &str,
    multi_agency: bool,
) -> Result<bool, DbErr> {
    let rows = match list {
        List::Support => {
            support_catalogue::Entity::update_many()
                .col_expr(support_catalogue::Column::Name, Expr::value(name))
                .filter(support_catalogue::Column::Id.eq(id))
                .filter(support_catalogue::Column::Name.eq(was.name.as_str()))
                .exec(db)
                .await?
                .rows_affected
        }
        List::Agencies => {
            agencies::Entity::update_many()
                .col_expr(agencies::Column::Name, Expr::value(name))
                .col_expr(agencies::Column::MultiAgency, Expr::value(multi_agency))
                .filter(agencies::Column::Id.eq(id))
                .filter(agencies::Column::Name.eq(was.name.as_str()))
                .filter(agencies::Column::MultiAgency.eq(was.multi_agency))
                .exec(db)
                .await?
                .rows_affected
        }
    };
    Ok(rows == 1)
}

/// Sets `active` on `id` if it is not already; returns whether it changed.
async fn set_active(db: &impl ConnectionTrait, list: List, id: i32, active: bool) -> Result<bool, DbErr> {
    let rows = match list {
        List::Support => {
            support_catalogue::Entity::update_many()
                .col_expr(support_catalogue::Column::Active, Expr::value(active))
                .filter(support_catalogue::Column::Id.eq(id))
                .filter(support_catalogue::Column::Active.eq(!active))
                .exec(db)
                .await?
                .rows_affected
        }
        List::Agencies => {
            agencies::Entity::update_many()
                .col_expr(agencies::Column::Active, Expr::value(active))
                .filter(agencies::Column::Id.eq(id))
                .filter(agencies::Column::Active.eq(!active))
                .exec(db)
                .await?
                .rows_affected
        }
    };
    Ok(rows == 1)
}

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

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    name: String,
    /// "yes" when ticked (agencies).
    multi_agency: String,
    /// The entry as the edit form showed it: a change by someone else meanwhile is a 409.
    was_name: String,
    was_multi_agency: String,
}

impl EntryForm {
    fn of(item: &Item) -> Self {
        let multi = if item.multi_agency { "yes" } else { "" }.to_owned();
        EntryForm {
            name: item.name.clone(),
            multi_agency: multi.clone(),
            was_name: item.name.clone(),
            was_multi_agency: multi,
        }
    }

    fn multi(&self) -> bool {
        self.multi_agency == "yes"
    }
}

/// The name as it will be kept (inner runs of spaces collapsed), if valid and not already
/// used by another entry (ignoring case).
fn valid_name(
    f: &EntryForm,
    all: &[Item],
    except: Option<i32>,
    list: List,
    errors: &mut FormErrors,
) -> Option<String> {
    let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => errors.add("name", format!("Enter the {}'s name", list.noun())),
        n if n > MAX_NAME_CHARS => errors.add(
            "name",
            format!("Keep the name to {MAX_NAME_CHARS} characters or fewer"),
        ),
        _ => {
            let key = name.to_lowercase();
            if all
                .iter()
                .any(|i| Some(i.id) != except && i.name.to_lowercase() == key)
            {
                errors.add(
                    "name",
                    format!("There is already {} with that name", list.a_noun()),
                );
            }
        }
    }
    errors.is_empty().then_some(name)
}

fn panel_label(multi: bool) -> &'static str {
    if multi { " (multi-agency risk panel)" } else { "" }
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

fn multi_agency_box(list: List, f: &EntryForm, errors: &FormErrors) -> Markup {
    html! {
        @if list == List::Agencies {
            (checkboxes(
                "multi_agency",
                "Multi-agency risk panel",
                Some("A referral here answers the prompt shown on high-risk cases."),
                &[Choice { value: "yes".to_owned(), label: "This is a multi-agency risk panel (MARAC or similar)", selected: f.multi() }],
                errors,
            ))
        }
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    list: List,
    f: &EntryForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let all = items(&state.db, list).await?;
    let intro = match list {
        List::Support => {
            "The support officers can record for victims. Retire an entry to stop it being offered for new records; cases that used it keep it."
        }
        List::Agencies => {
            "The agencies victims are referred to. Retire an agency to stop it being offered for new referrals; cases that used it keep it."
        }
    };
    let mut head = vec![Col::Text("Name")];
    if list == List::Agencies {
        head.push(Col::Text("Multi-agency risk panel"));
    }
    head.extend([Col::Text("Status"), Col::Actions]);
    let title = list.title();
    Ok(layout::page(
        ctx,
        title,
        !errors.is_empty(),
        html! {
            a.back-link href="/admin/settings" { "Back to settings" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            p.body { (intro) }
            (table::table(title, &head, html! {
                @for i in &all {
                    tr {
                        td.table__cell { (i.name) }
                        @if list == List::Agencies {
                            td.table__cell { @if i.multi_agency { "Yes" } @else { "No" } }
                        }
                        td.table__cell { @if i.active { strong.tag.tag--green { "In use" } } @else { strong.tag.tag--grey { "Retired" } } }
                        td.table__cell {
                            a href={ (list.base()) "/" (i.id) } { "Change" span.visually-hidden { " " (i.name) } }
                            " "
                            form.inline method="post" action={ (list.base()) "/" (i.id) (if i.active { "/retire" } else { "/reinstate" }) } {
                                (csrf_field(&ctx.csrf))
                                button.link-button type="submit" { @if i.active { "Retire" } @else { "Reinstate" } span.visually-hidden { " " (i.name) } }
                            }
                        }
                    }
                }
            }))
            h2.heading-m { "Add " (list.a_noun()) }
            form method="post" action=(list.base()) novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("name", "Name", &f.name).render(errors))
                (multi_agency_box(list, f, errors))
                button.button.button--secondary type="submit" { "Add" }
            }
        },
    ))
}

fn edit_page(
    ctx: &Ctx,
    list: List,
    item: &Item,
    f: &EntryForm,
    theirs: Option<&Item>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Change {}: {}", list.noun(), item.name);
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href=(list.base()) { "Back to " (list.title().to_lowercase()) }
            h1.heading-xl { (title) }
            (error_summary(errors))
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "As saved" }
                    p.body { (t.name) (panel_label(t.multi_agency)) }
                }
            }
            p.body { "A new name shows everywhere the entry is used, including on earlier records." }
            form method="post" action={ (list.base()) "/" (item.id) } novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="was_name" value=(f.was_name);
                input type="hidden" name="was_multi_agency" value=(f.was_multi_agency);
                (Input::text("name", "Name", &f.name).render(errors))
                (multi_agency_box(list, f, errors))
                div.button-group {
                    button.button type="submit" { "Save" }
                    a.button.button--secondary href=(list.base()) { "Cancel" }
                }
            }
        },
    )
}
