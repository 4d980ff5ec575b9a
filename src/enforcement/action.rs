//! One perpetrator action: its details, status history and court or notice dates, with
//! the form to change its status (only the moves `transitions` allows), outcome and
//! documents, and the form to add a date (`dates`). Edits carry the version they were
//! built from: a stale one is refused (409) with the action shown as it now is and what
//! was typed kept.

use super::{
    MAX_TEXT_CHARS, STATUSES, headline, kind_label, legal_date_label, record::legal_date_fields,
    status_label, status_tag, store, transitions, usual_legal_dates,
};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    cases::{
        codes,
        staff_names::user_names,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    deadlines::state,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields,
        forms::{self, Choice, FormErrors, Input, csrf_field, error_summary, radios, textarea},
        layout, time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, deadlines, legal_dates, perpetrator_action_events, perpetrator_actions};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct UpdateForm {
    /// The new status; empty: no change of status.
    status: String,
    on_date: String,
    note: String,
    outcome: String,
    documents: String,
    version: String,
}

impl UpdateForm {
    /// The form as the page first shows it for `a`.
    pub fn default_for(a: &perpetrator_actions::Model, now: OffsetDateTime) -> Self {
        UpdateForm {
            on_date: fields::date_value(Some(crate::calendar::london_date(now))),
            outcome: a.outcome.clone().unwrap_or_default(),
            documents: a.documents.clone().unwrap_or_default(),
            version: a.version.to_string(),
            ..Default::default()
        }
    }
}

/// The add-a-date form (posted to `dates`).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct DateForm {
    pub date_kind: String,
    pub due_on: String,
    pub date_note: String,
}

impl DateForm {
    /// The date kind the action usually has pre-chosen, when there is just one.
    pub fn for_action(a: &perpetrator_actions::Model) -> Self {
        let usual = usual_legal_dates(&a.kind);
        DateForm {
            date_kind: match usual.as_slice() {
                [only] => (*only).to_owned(),
                _ => String::new(),
            },
            ..Default::default()
        }
    }
}

/// Everything the action page shows.
pub struct ActionView {
    pub action: perpetrator_actions::Model,
    /// Who it is against; `None`: no one in particular.
    pub who: Option<String>,
    pub events: Vec<(perpetrator_action_events::Model, String)>,
    pub dates: Vec<(legal_dates::Model, Option<deadlines::Model>)>,
    pub recorded_by: String,
    pub updated_by: Option<String>,
}

impl ActionView {
    pub fn title(&self) -> String {
        headline(&self.action.kind, self.who.as_deref())
    }
}

pub async fn load(
    db: &impl ConnectionTrait,
    action: perpetrator_actions::Model,
) -> Result<ActionView, DbErr> {
    let perpetrators = store::perpetrators(db, action.case_id).await?;
    let who = action
        .party_id
        .map(|_| store::against(&perpetrators, action.party_id));
    let events = store::events(db, action.id).await?;
    let dates = store::legal_dates_of(db, [action.id]).await?;
    let mut deadlines = store::date_deadlines(db, action.case_id, &dates).await?;
    let names = user_names(
        db,
        events
            .iter()
            .map(|e| Some(e.created_by))
            .chain([Some(action.created_by), action.updated_by]),
    )
    .await?;
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
    Ok(ActionView {
        who,
        events: events
            .into_iter()
            .map(|e| {
                let by = name(e.created_by);
                (e, by)
            })
            .collect(),
        dates: dates
            .into_iter()
            .map(|ld| {
                let d = deadlines.remove(&ld.id);
                (ld, d)
            })
            .collect(),
        recorded_by: name(action.created_by),
        updated_by: action.updated_by.map(name),
        action,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let action = store::find(&state.db, case.id, &id).await?;
    timeline::record_view(&state, &viewer, &origin, &case, "Viewed perpetrator action").await?;
    let now = state.now();
    let view = load(&state.db, action).await?;
    let update = UpdateForm::default_for(&view.action, now);
    let date = DateForm::for_action(&view.action);
    Ok(page(
        &ctx,
        &viewer,
        &case,
        &view,
        &update,
        &date,
        &FormErrors::default(),
        now,
    ))
}

/// A valid change.
struct Change {
    status: Option<(&'static str, Date)>,
    note: Option<String>,
    outcome: Option<String>,
    documents: Option<String>,
}

/// Why `to` cannot follow `from`, naming what can.
fn refusal(from: &str) -> String {
    let next = transitions::next(from);
    if next.is_empty() {
        return format!(
            "An action that is {} cannot change status: record a new action instead",
            status_label(from).to_lowercase()
        );
    }
    let names: Vec<&str> = next.iter().map(|s| status_label(s)).collect();
    format!(
        "From “{}” the status can change only to: {}",
        status_label(from),
        names.join(", ")
    )
}

fn validate(
    f: &UpdateForm,
    a: &perpetrator_actions::Model,
    now: OffsetDateTime,
) -> Result<Change, FormErrors> {
    let mut errors = FormErrors::default();
    let wanted = f.status.trim();
    let status = if wanted.is_empty() {
        None
    } else {
        match codes::find(&STATUSES, wanted) {
            Some(to) if transitions::allowed(&a.status, to) => Some(to),
            _ => {
                errors.add("status", refusal(&a.status));
                None
            }
        }
    };
    let on = status.and_then(|_| {
        fields::past_date(
            &mut errors,
            "on_date",
            &f.on_date,
            "the date of the change",
            now,
            a.status_on,
            "the date of the current status",
        )
    });
    let note = fields::optional_text(&mut errors, "note", &f.note, MAX_TEXT_CHARS);
    let outcome = fields::optional_text(&mut errors, "outcome", &f.outcome, MAX_TEXT_CHARS);
    let documents = fields::optional_text(&mut errors, "documents", &f.documents, MAX_TEXT_CHARS);
    if errors.is_empty()
        && status.is_none()
        && note.is_none()
        && outcome == a.outcome
        && documents == a.documents
    {
        errors.add(
            "status",
            "Choose a new status, or change the outcome or documents",
        );
    }
    match (status, on) {
        _ if !errors.is_empty() => Err(errors),
        (Some(s), Some(on)) => Ok(Change {
            status: Some((s, on)),
            note,
            outcome,
            documents,
        }),
        (Some(_), None) => Err(errors),
        (None, _) => Ok(Change {
            status: None,
            note,
            outcome,
            documents,
        }),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<UpdateForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let action = store::find(&state.db, case.id, &id).await?;
    let now = state.now();
    if f.version.trim().parse::<i32>().ok() != Some(action.version) {
        return conflict(&state, &ctx, &viewer, &case, action, f).await;
    }
    let change = match validate(&f, &action, now) {
        Ok(c) => c,
        Err(errors) => {
            let view = load(&state.db, action).await?;
            let date = DateForm::for_action(&view.action);
            return Ok(forms::invalid(page(
                &ctx, &viewer, &case, &view, &f, &date, &errors, now,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let (status, status_on) = change
        .status
        .map_or((action.status.clone(), action.status_on), |(s, on)| {
            (s.to_owned(), on)
        });
    // Only the version the form was built from changes: two people acting at once
    // cannot both succeed.
    let claimed = perpetrator_actions::Entity::update_many()
        .col_expr(perpetrator_actions::Column::Status, Expr::value(status.clone()))
        .col_expr(perpetrator_actions::Column::StatusOn, Expr::value(status_on))
        .col_expr(
            perpetrator_actions::Column::Outcome,
            Expr::value(change.outcome.clone()),
        )
        .col_expr(
            perpetrator_actions::Column::Documents,
            Expr::value(change.documents.clone()),
        )
        .col_expr(
            perpetrator_actions::Column::UpdatedBy,
            Expr::value(Some(viewer.id)),
        )
        .col_expr(perpetrator_actions::Column::UpdatedAt, Expr::value(Some(now)))
        .col_expr(
            perpetrator_actions::Column::Version,
            Expr::value(action.version + 1),
        )
        .filter(perpetrator_actions::Column::Id.eq(action.id))
        .filter(perpetrator_actions::Column::Version.eq(action.version))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &case, action, f).await;
    }
    let perpetrators = store::perpetrators(&txn, case.id).await?;
    let who = action
        .party_id
        .map(|_| store::against(&perpetrators, action.party_id));
    let mut body = format!("{}:", headline(&action.kind, who.as_deref()));
    let mut flash = "Action updated.".to_owned();
    if let Some((to, on)) = change.status {
        store::add_event(&txn, action.id, to, on, change.note.clone(), viewer.id, now).await?;
        body.push_str(&format!(
            " {} → {} on {}.",
            status_label(&action.status),
            status_label(to),
            time_fmt::plain_date(on)
        ));
        if let Some(reason) = transitions::closes_dates(to) {
            let (closed, left) = store::close_off_dates(&txn, &action, reason, viewer.id, now).await?;
            if closed > 0 {
                body.push_str(&format!(
                    " {closed} court or notice date{} no longer appl{}.",
                    if closed == 1 { "" } else { "s" },
                    if closed == 1 { "ies" } else { "y" },
                ));
            }
            if left > 0 {
                let text = format!(
                    " {left} overdue court or notice date{} left open: record {} as done or ask a manager to waive {}.",
                    if left == 1 { "" } else { "s" },
                    if left == 1 { "it" } else { "them" },
                    if left == 1 { "it" } else { "them" },
                );
                body.push_str(&text);
                flash.push_str(&text);
            }
        }
    }
    if let Some(note) = &change.note {
        body.push_str(&format!("\nNote: {note}"));
    }
    if change.outcome != action.outcome {
        body.push_str(&format!(
            "\nOutcome: {}",
            change.outcome.as_deref().unwrap_or("(removed)")
        ));
    }
    if change.documents != action.documents {
        body.push_str(&format!(
            "\nDocuments: {}",
            change.documents.as_deref().unwrap_or("(removed)")
        ));
    }
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.enforcement_updated",
        Entry::event(&case, "enforcement-updated", now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#enforcement", case.reference)).into_response())
}

/// The form was built from an older version: show the action as it now is, keep what was
/// typed (now against the current version, so saving again is deliberate).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    action: perpetrator_actions::Model,
    mine: UpdateForm,
) -> AppResult<Response> {
    let latest = perpetrator_actions::Entity::find_by_id(action.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        "Someone changed this action while you were filling in the form. It is shown as it is now; what you typed is still in the form. Check both, then save again",
    );
    let mine = UpdateForm {
        version: latest.version.to_string(),
        ..mine
    };
    let view = load(&state.db, latest).await?;
    let date = DateForm::for_action(&view.action);
    Ok(forms::stale(page(
        ctx,
        viewer,
        case,
        &view,
        &mine,
        &date,
        &errors,
        state.now(),
    )))
}

/// A legal date with its deadline's state, and a link to move it (an adjournment is an
/// extension of the deadline).
pub fn date_item(
    viewer: &Viewer,
    case: &cases::Model,
    ld: &legal_dates::Model,
    d: Option<&deadlines::Model>,
    now: OffsetDateTime,
) -> Markup {
    let st = d.map(|d| state::state(d, now));
    html! {
        (legal_date_label(&ld.kind)) ": "
        @match d {
            Some(d) => { (time_fmt::date(time_fmt::london(d.due_at).date())) }
            None => { (time_fmt::date(ld.due_on)) }
        }
        @if let Some(note) = &ld.note { " – " (note) }
        @if let (Some(st), Some(d)) = (st, d) {
            " " strong class=(st.tag_class()) { (st.label()) }
            @if d.extended_at.is_some() {
                " " span.hint { "(originally " (time_fmt::date(ld.due_on)) ")" }
            }
            @if st.is_open() && allows(viewer.role, Permission::ManageDeadlines) {
                " " a.no-print href={ "/cases/" (case.reference) "/deadlines/" (d.id) "/extend" } {
                    "Move" span.visually-hidden { " " (legal_date_label(&ld.kind)) " " (time_fmt::plain_date(ld.due_on)) }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn page(
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    view: &ActionView,
    f: &UpdateForm,
    date: &DateForm,
    errors: &FormErrors,
    now: OffsetDateTime,
) -> Markup {
    let a = &view.action;
    let title = view.title();
    let base = format!("/cases/{}/enforcement/{}", case.reference, a.id);
    let next = transitions::next(&a.status);
    let mut choices = vec![Choice {
        value: String::new(),
        label: "No change",
        selected: f.status.trim().is_empty(),
    }];
    choices.extend(next.iter().map(|s| Choice {
        value: (*s).to_owned(),
        label: status_label(s),
        selected: f.status.trim() == *s,
    }));
    let row = |key: &str, value: Markup| {
        html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
    };
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) "#enforcement" } { "Back to " (case.reference) }
            span.caption { (case.reference) " · action against a perpetrator" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            dl.summary-list {
                (row("Action", html! { (kind_label(&a.kind)) }))
                (row("Against", html! { @match &view.who { Some(w) => (w), None => "No one in particular" } }))
                (row("Status", html! { (status_tag(&a.status)) " since " (time_fmt::date(a.status_on)) }))
                (row("Planned", time_fmt::date(a.planned_on)))
                (row("Outcome", html! { @match &a.outcome { Some(o) => p.body.preserve-lines { (o) }, None => "None recorded" } }))
                (row("Documents", html! { @match &a.documents { Some(d) => p.body.preserve-lines { (d) }, None => "None referenced" } }))
                @if let Some(notes) = &a.notes {
                    (row("Notes", html! { p.body.preserve-lines { (notes) } }))
                }
                (row("Recorded", html! { (time_fmt::datetime(a.created_at)) " by " (view.recorded_by) }))
                @if let (Some(at), Some(by)) = (a.updated_at, &view.updated_by) {
                    (row("Last changed", html! { (time_fmt::datetime(at)) " by " (by) }))
                }
            }
            h2.heading-l id="history" { "History" }
            ol.timeline {
                @for (e, by) in &view.events {
                    li.timeline__item {
                        h3.heading-s { (status_label(&e.status)) }
                        p.body-s { (time_fmt::date(e.on_date)) " · recorded by " (by) }
                        @if let Some(note) = &e.note { p.body.preserve-lines { (note) } }
                    }
                }
            }
            h2.heading-l id="dates" { "Court and notice dates" }
            @if view.dates.is_empty() {
                p.body { "None yet." }
            } @else {
                ul.list {
                    @for (ld, d) in &view.dates {
                        li { (date_item(viewer, case, ld, d.as_ref(), now)) }
                    }
                }
            }
            p.body.hint { "A hearing adjourned or a notice's expiry moved: use “Move” (the deadline's Extend) and give the reason; the original date is kept for reports." }
            h2.heading-l { "Change the status" }
            form method="post" action=(base) novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="version" value=(f.version);
                @if next.is_empty() {
                    p.body { "This action is " (status_label(&a.status).to_lowercase()) ": its status cannot change. You can still record its outcome and documents." }
                    input type="hidden" name="status" value="";
                } @else {
                    (radios("status", "New status", Some("Only the changes that can follow the current status are offered."), &choices, errors))
                    (Input::text("on_date", "Date of the change", &f.on_date).kind("date").narrow().hint("When it was issued, served, granted, breached… Not before the current status's date.").render(errors))
                    (textarea("note", "Note about the change (optional)", None, &f.note, errors))
                }
                (textarea("outcome", "Outcome (optional)", Some("What the action achieved, e.g. the terms of an order or the result of a hearing."), &f.outcome, errors))
                (textarea("documents", "Documents referenced (optional)", Some("Where the letters, notices or court papers are kept."), &f.documents, errors))
                button.button type="submit" { "Save changes" }
            }
            h2.heading-l id="add-date" { "Add a court or notice date" }
            @if case.status != codes::OPEN {
                p.body { "This case is closed: reopen it to add a date (nothing is left open on a closed case)." }
            } @else if transitions::is_final(&a.status) {
                p.body { "This action is " (status_label(&a.status).to_lowercase()) ": record a new action for a fresh application or notice." }
            } @else {
                form method="post" action={ (base) "/dates" } novalidate {
                    (csrf_field(&ctx.csrf))
                    (legal_date_fields(&date.date_kind, &date.due_on, &date.date_note, "Kind of date", false, errors))
                    button.button.button--secondary type="submit" { "Add date" }
                }
            }
        },
    )
}
