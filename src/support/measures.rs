//! Support measures on a case: recorded (open cases only) and updated (status, dates, cost,
//! notes; also after closure, since support often continues) with a version check.

use super::{
    DECLINED, MEASURE_STATUSES, PROVIDED,
    fields::{self, MAX_TEXT_CHARS},
    format_pence, measure_status_label, parse_pounds,
};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{
        codes,
        parts::case_form,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields::{date_value, optional_text},
        forms::{self, Choice, FormErrors, Input, code_choices, radios, select, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, support_catalogue, support_measures};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use serde::Deserialize;
use time::Date;

const CLOSED: &str = "This case is closed: new support cannot be recorded on it. Reopen the case first, or update support already recorded.";

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MeasureForm {
    pub catalogue_id: String,
    pub status: String,
    pub requested_on: String,
    pub provided_on: String,
    pub declined_on: String,
    pub cost: String,
    pub notes: String,
    pub version: String,
}

impl MeasureForm {
    fn from_model(m: &support_measures::Model) -> Self {
        MeasureForm {
            catalogue_id: m.catalogue_id.to_string(),
            status: m.status.clone(),
            requested_on: date_value(Some(m.requested_on)),
            provided_on: date_value(m.provided_on),
            declined_on: date_value(m.declined_on),
            cost: m.cost_pence.map(format_pence).unwrap_or_default(),
            notes: m.notes.clone().unwrap_or_default(),
            version: m.version.to_string(),
        }
    }
}

/// A valid form.
pub struct Valid {
    catalogue_id: i32,
    status: &'static str,
    requested_on: Date,
    provided_on: Option<Date>,
    declined_on: Option<Date>,
    cost_pence: Option<i64>,
    notes: Option<String>,
}

/// Checks `f`; `catalogue` holds the entries that may be chosen (none when the measure is
/// already recorded: its kind does not change).
pub fn validate(
    f: &MeasureForm,
    catalogue: Option<&[support_catalogue::Model]>,
    fixed_catalogue_id: i32,
    today: Date,
    errors: &mut FormErrors,
) -> Option<Valid> {
    let catalogue_id = match catalogue {
        Some(entries) => {
            let chosen = f.catalogue_id.trim().parse::<i32>().ok();
            let found = entries.iter().find(|e| Some(e.id) == chosen).map(|e| e.id);
            if found.is_none() {
                errors.add("catalogue_id", "Choose the support measure");
            }
            found
        }
        None => Some(fixed_catalogue_id),
    };
    let status = codes::find(&MEASURE_STATUSES, &f.status);
    if status.is_none() {
        errors.add(
            "status",
            "Choose whether the support was requested, provided or declined",
        );
    }
    let requested_on = fields::past_date(&f.requested_on, "requested_on", "date requested", today, errors);
    if f.requested_on.trim().is_empty() {
        errors.add("requested_on", "Enter the date the support was requested");
    }
    let dated = |field: &'static str, text: &str, what: &str, applies: bool, errors: &mut FormErrors| {
        let blank = text.trim().is_empty();
        if !applies {
            if !blank {
                let status = if field == "provided_on" {
                    PROVIDED
                } else {
                    DECLINED
                };
                errors.add(
                    field,
                    format!("Leave the {what} blank unless the support was {status}"),
                );
            }
            return None;
        }
        if blank {
            errors.add(field, format!("Enter the {what}"));
            return None;
        }
        let on = fields::past_date(text, field, what, today, errors)?;
        if requested_on.is_some_and(|requested| on < requested) {
            errors.add(field, format!("The {what} cannot be before the date requested"));
        }
        Some(on)
    };
    let provided_on = dated(
        "provided_on",
        &f.provided_on,
        "date provided",
        status == Some(PROVIDED),
        errors,
    );
    let declined_on = dated(
        "declined_on",
        &f.declined_on,
        "date declined",
        status == Some(DECLINED),
        errors,
    );
    let cost_pence = match parse_pounds(&f.cost) {
        Ok(cost) => cost,
        Err(message) => {
            errors.add("cost", message);
            None
        }
    };
    let notes = optional_text(errors, "notes", &f.notes, MAX_TEXT_CHARS);
    if !errors.is_empty() {
        return None;
    }
    Some(Valid {
        catalogue_id: catalogue_id?,
        status: status?,
        requested_on: requested_on?,
        provided_on,
        declined_on,
        cost_pence,
        notes,
    })
}

/// What the timeline says about a measure: "Emergency repair: provided on 24 Nov 2026
/// (requested 23 Nov 2026), cost £250.00. Notes".
fn describe(name: &str, v: &Valid) -> String {
    let mut out = format!("{name}: {}", measure_status_label(v.status).to_lowercase());
    match (v.provided_on, v.declined_on) {
        (Some(on), _) | (None, Some(on)) => {
            out.push_str(&format!(
                " on {} (requested {})",
                time_fmt::plain_date(on),
                time_fmt::plain_date(v.requested_on)
            ));
        }
        (None, None) => out.push_str(&format!(" on {}", time_fmt::plain_date(v.requested_on))),
    }
    if let Some(cost) = v.cost_pence {
        out.push_str(&format!(", cost {}", format_pence(cost)));
    }
    out.push('.');
    if let Some(notes) = &v.notes {
        out.push(' ');
        out.push_str(notes);
    }
    out
}

pub async fn active_catalogue(db: &impl ConnectionTrait) -> Result<Vec<support_catalogue::Model>, DbErr> {
    support_catalogue::Entity::find()
        .filter(support_catalogue::Column::Active.eq(true))
        .order_by_asc(support_catalogue::Column::Position)
        .order_by_asc(support_catalogue::Column::Id)
        .all(db)
        .await
}

async fn catalogue_name(db: &impl ConnectionTrait, id: i32) -> Result<String, DbErr> {
    Ok(support_catalogue::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(String::new, |e| e.name))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed support form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let catalogue = active_catalogue(&state.db).await?;
    let f = MeasureForm {
        status: super::REQUESTED.to_owned(),
        requested_on: date_value(Some(crate::calendar::london_date(state.now()))),
        ..Default::default()
    };
    Ok(new_page(&ctx, &case, &catalogue, &f, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<MeasureForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let now = state.now();
    let catalogue = active_catalogue(&state.db).await?;
    let mut errors = FormErrors::default();
    let Some(v) = validate(
        &f,
        Some(&catalogue),
        0,
        crate::calendar::london_date(now),
        &mut errors,
    ) else {
        return Ok(forms::invalid(new_page(&ctx, &case, &catalogue, &f, &errors)));
    };
    let name = catalogue
        .iter()
        .find(|e| e.id == v.catalogue_id)
        .map_or_else(String::new, |e| e.name.clone());
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    record(&txn, &by, &case, &v, &name).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Support recorded: {name}.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// Records the measure `v` (of the catalogue entry called `name`) on open `case`: the one
/// way a measure is recorded (the form and the demo landlord).
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    v: &Valid,
    name: &str,
) -> AppResult<()> {
    // Holding the case row keeps a closure from interleaving.
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    support_measures::Entity::insert(support_measures::ActiveModel {
        case_id: Set(case.id),
        catalogue_id: Set(v.catalogue_id),
        status: Set(v.status.to_owned()),
        requested_on: Set(v.requested_on),
        provided_on: Set(v.provided_on),
        declined_on: Set(v.declined_on),
        cost_pence: Set(v.cost_pence),
        notes: Set(v.notes.clone()),
        created_by: Set(by.viewer.id),
        created_at: Set(by.now),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.support_recorded",
        Entry::event(
            &case,
            "support-recorded",
            by.now,
            format!("Support recorded: {}", describe(name, v)),
        ),
    )
    .await?;
    Ok(())
}

/// The visible case and its measure `id` (404 for either missing).
async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, support_measures::Model)> {
    let case = match origin {
        Some(origin) => timeline::open(state, viewer, origin, reference, "Viewed support measure").await?,
        None => visibility::find(&state.db, viewer, reference).await?,
    };
    let measure = support_measures::Entity::find_by_id(fields::id(id)?)
        .filter(support_measures::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, measure))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (case, m) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    let name = catalogue_name(&state.db, m.catalogue_id).await?;
    let f = MeasureForm::from_model(&m);
    Ok(edit_page(
        &ctx,
        &case,
        &m,
        &name,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<MeasureForm>,
) -> AppResult<Response> {
    let (case, m) = find(&state, &viewer, None, &reference, &id).await?;
    let name = catalogue_name(&state.db, m.catalogue_id).await?;
    if f.version.trim().parse::<i32>().ok() != Some(m.version) {
        return Ok(conflict(&ctx, &case, &m, &name, f));
    }
    let now = state.now();
    let mut errors = FormErrors::default();
    let Some(v) = validate(
        &f,
        None,
        m.catalogue_id,
        crate::calendar::london_date(now),
        &mut errors,
    ) else {
        return Ok(forms::invalid(edit_page(
            &ctx, &case, &m, &name, &f, None, &errors,
        )));
    };
    let txn = crate::db::begin(&state.db).await?;
    // Only the version the form was built from changes.
    let claimed = support_measures::Entity::update_many()
        .col_expr(support_measures::Column::Status, Expr::value(v.status))
        .col_expr(support_measures::Column::RequestedOn, Expr::value(v.requested_on))
        .col_expr(support_measures::Column::ProvidedOn, Expr::value(v.provided_on))
        .col_expr(support_measures::Column::DeclinedOn, Expr::value(v.declined_on))
        .col_expr(support_measures::Column::CostPence, Expr::value(v.cost_pence))
        .col_expr(support_measures::Column::Notes, Expr::value(v.notes.clone()))
        .col_expr(support_measures::Column::UpdatedBy, Expr::value(viewer.id))
        .col_expr(support_measures::Column::UpdatedAt, Expr::value(now))
        .col_expr(support_measures::Column::Version, Expr::value(m.version + 1))
        .filter(support_measures::Column::Id.eq(m.id))
        .filter(support_measures::Column::Version.eq(m.version))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        let (case, latest) = find(&state, &viewer, None, &reference, &id).await?;
        return Ok(conflict(&ctx, &case, &latest, &name, f));
    }
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.support_updated",
        Entry::event(
            &case,
            "support-updated",
            now,
            format!("Support updated: {}", describe(&name, &v)),
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Support updated: {name}.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The form was built from an older version: show the saved one, keep what was typed
/// (now against the saved version, so submitting again is a deliberate overwrite).
fn conflict(
    ctx: &Ctx,
    case: &cases::Model,
    latest: &support_measures::Model,
    name: &str,
    mine: MeasureForm,
) -> Response {
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        "Someone else changed this support measure while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again",
    );
    let mine = MeasureForm {
        version: latest.version.to_string(),
        ..mine
    };
    forms::stale(edit_page(ctx, case, latest, name, &mine, Some(latest), &errors))
}

fn new_page(
    ctx: &Ctx,
    case: &cases::Model,
    catalogue: &[support_catalogue::Model],
    f: &MeasureForm,
    errors: &FormErrors,
) -> Markup {
    let choices: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose a support measure",
        selected: f.catalogue_id.trim().is_empty(),
    })
    .chain(catalogue.iter().map(|e| Choice {
        value: e.id.to_string(),
        label: &e.name,
        selected: f.catalogue_id.trim() == e.id.to_string(),
    }))
    .collect();
    case_form(
        ctx,
        case,
        "Record support",
        "support",
        errors,
        html! { p.body { "Support asked for by or offered to the victim, and what became of it." } },
        html! {
            (select("catalogue_id", "Support measure", &choices, errors))
            (measure_fields(f, errors))
            button.button type="submit" { "Record support" }
        },
    )
}

fn edit_page(
    ctx: &Ctx,
    case: &cases::Model,
    m: &support_measures::Model,
    name: &str,
    f: &MeasureForm,
    theirs: Option<&support_measures::Model>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Update support: {name}");
    case_form(
        ctx,
        case,
        &title,
        &format!("support/{}", m.id),
        errors,
        html! {
            @if case.status != codes::OPEN {
                div.inset-text { p.body { "This case is closed. You can still update support recorded on it: support is often provided after a case closes." } }
            }
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    (summary(t))
                }
            }
        },
        html! {
            input type="hidden" name="version" value=(f.version);
            (measure_fields(f, errors))
            div.button-group {
                button.button type="submit" { "Save support" }
                a.button.button--secondary href={ "/cases/" (case.reference) "#support" } { "Cancel" }
            }
        },
    )
}

fn measure_fields(f: &MeasureForm, errors: &FormErrors) -> Markup {
    html! {
        (radios("status", "Status", None, &code_choices(&MEASURE_STATUSES, &[f.status.trim()]), errors))
        (Input::text("requested_on", "Date requested", &f.requested_on).kind("date").narrow().render(errors))
        (Input::text("provided_on", "Date provided", &f.provided_on).kind("date").narrow().hint("Needed when the support was provided; leave blank otherwise.").render(errors))
        (Input::text("declined_on", "Date declined", &f.declined_on).kind("date").narrow().hint("Needed when the victim declined the support; leave blank otherwise.").render(errors))
        (Input::text("cost", "Cost to the landlord (optional)", &f.cost).narrow().hint("In pounds, for example 250 or £1,234.50.").render(errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
    }
}

/// A measure as saved (shown beside a conflicting edit).
fn summary(m: &support_measures::Model) -> Markup {
    let row = |key: &str, value: Markup| {
        html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
    };
    let date = |d: Option<Date>| d.map_or_else(|| html! { "–" }, time_fmt::date);
    html! {
        dl.summary-list {
            (row("Status", html! { (measure_status_label(&m.status)) }))
            (row("Date requested", time_fmt::date(m.requested_on)))
            (row("Date provided", date(m.provided_on)))
            (row("Date declined", date(m.declined_on)))
            (row("Cost", html! { (m.cost_pence.map(format_pence).unwrap_or_else(|| "–".to_owned())) }))
            (row("Notes", html! { (m.notes.as_deref().unwrap_or("–")) }))
        }
    }
}
