//! Correcting a person's details (rectification) from a case they are on. The form is the
//! intake form's person component with the same checks, plus a required reason. Saving
//! keeps each earlier value in `person_changes` (who, when, why) in the transaction of
//! the change, keeps the search terms and match keys in step, says on the case's timeline
//! which details changed (never the values) and is audited. A stale form is refused (409)
//! with the saved details shown and the typed ones kept.

use super::fields;
use crate::cases::events::EventKind;
use crate::{
    audit::{self, Event, Origin},
    cases::{
        codes::{self, label},
        intake::service::{Body, PersonForm, person_details, person_fields},
        parts::{case_form, person_card, person_name},
        people::{MONITORING_COLUMNS, index_terms, with_details},
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, textarea},
        table::{Col, table},
        time_fmt,
    },
};
use axum::{
    extract::{Path, RawForm, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::{case_parties, cases, people, person_changes, users};
use maud::{Markup, html};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, IdenStatic, IntoActiveModel, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The longest reason kept.
const REASON_CHARS: usize = 2_000;

/// The person `id` on `case` and their part in it; `NotFound` when they are not on it.
async fn party(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    id: &str,
) -> AppResult<(people::Model, &'static str)> {
    let id: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let part = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(case.id))
        .filter(case_parties::Column::PersonId.eq(id))
        .order_by_asc(case_parties::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = people::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = codes::find(&codes::PARTY_ROLES, &part.role).unwrap_or(codes::VICTIM);
    Ok((person, role))
}

/// What the form holds besides the person: the reason and the version it was opened on.
struct Typed {
    person: PersonForm,
    reason: String,
    version: i32,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::retention::require_not_disposed(&state.db, &case).await?;
    let (person, role) = party(&state.db, &case, &id).await?;
    let summary = "Opened the correct-details form";
    crate::cases::monitoring::record_case_view(
        &state,
        &viewer,
        &origin,
        &case,
        (summary, summary),
        &[&person],
    )
    .await?;
    let typed = Typed {
        person: PersonForm::of_person(&person, role),
        reason: String::new(),
        version: person.version,
    };
    let history = history(&state.db, &viewer, person.id).await?;
    Ok(page(
        &ctx,
        &case,
        &person,
        &typed,
        None,
        &history,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    RawForm(bytes): RawForm,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let (person, role) = party(&state.db, &case, &id).await?;
    let body = Body::parse(&bytes);
    let mut typed = Typed {
        person: PersonForm::single(&body),
        reason: body.get("reason").to_owned(),
        version: body.get("version").trim().parse().unwrap_or(-1),
    };
    // Who someone is and their part in the case are not details to correct here.
    typed.person.kind = person.kind.clone();
    typed.person.role = role.to_owned();
    let mut errors = FormErrors::default();
    let details = person_details(&typed.person, &mut errors);
    let reason = typed.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add("reason", "Say why you are correcting these details");
    } else if reason.chars().count() > REASON_CHARS {
        errors.add(
            "reason",
            format!("The reason must be {REASON_CHARS} characters or fewer"),
        );
    }
    let details = match details {
        Some(d) if errors.is_empty() => d,
        _ => {
            let history = history(&state.db, &viewer, person.id).await?;
            return Ok(forms::invalid(page(
                &ctx, &case, &person, &typed, None, &history, &errors,
            )));
        }
    };
    if typed.version != person.version {
        return conflict(&state, &ctx, &viewer, &origin, &case, person, typed).await;
    }
    let corrected = with_details(&person, &details)?;
    let changed = fields::differing(&person, &corrected);
    let back = format!("/cases/{}#people", case.reference);
    if changed.is_empty() {
        set_flash(&ctx.session, "Nothing was changed: the details are as they were.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    crate::retention::lock_unless_disposed(&txn, &case).await?;
    let mut update = corrected.clone().into_active_model().reset_all();
    update.id = NotSet;
    update.version = NotSet; // moved on by the save
    update.updated_at = Set(now);
    let saved = crate::db::versioned::save_if_unchanged(
        &txn,
        people::Entity::update_many().set(update),
        person.id,
        person.version,
    )
    .await?;
    if !saved {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &origin, &case, person, typed).await;
    }
    let stored = people::Entity::find_by_id(person.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    index_terms(&txn, &stored).await?;
    for (column, _) in &changed {
        person_changes::ActiveModel {
            person_id: Set(person.id),
            case_id: Set(Some(case.id)),
            field: Set(column.as_str().to_owned()),
            old_value: Set(fields::shown(&person, *column)),
            new_value: Set(fields::shown(&stored, *column)),
            reason: Set(reason.clone()),
            changed_by: Set(viewer.id),
            changed_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    // Field names only: the timeline and the audit trail carry no values (the audit trail
    // is read by administrators; monitoring answers are need-to-know).
    let names: Vec<String> = changed.iter().map(|(_, l)| l.to_lowercase()).collect();
    let names = names.join(", ");
    let role_name = label(&codes::PARTY_ROLES, role).to_lowercase();
    let mut entry = Entry::event(
        &case,
        EventKind::PersonCorrected,
        now,
        format!("Details of the {role_name} corrected: {names}"),
    );
    entry.person_id = Some(person.id);
    timeline::write(&txn, now, &viewer, &entry).await?;
    audit::record(
        &txn,
        now,
        &viewer.audit_actor(),
        &origin,
        Event::new(
            "person.corrected",
            format!(
                "{}: details of person {} corrected: {names}",
                case.reference, person.id
            ),
        )
        .on("person", person.id),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("Details of {} corrected.", person_name(&stored)),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// The person changed since the form was opened: their saved details are shown, the
/// typed ones kept (now against the saved version, so saving again is deliberate).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    origin: &Origin,
    case: &cases::Model,
    person: people::Model,
    mut typed: Typed,
) -> AppResult<Response> {
    let latest = people::Entity::find_by_id(person.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    // The saved details are shown, monitoring answers included.
    let summary = "Correct-details form: saved version shown";
    crate::cases::monitoring::record_case_view(state, viewer, origin, case, (summary, summary), &[&latest])
        .await?;
    let mut errors = FormErrors::default();
    errors.add(
        typed.person.names.name.as_str(),
        "Someone else changed this person's details while you were correcting them. Their saved details are shown below; your corrections are still in the form. Check both, then save again",
    );
    typed.version = latest.version;
    let history = history(&state.db, viewer, latest.id).await?;
    Ok(forms::stale(page(
        ctx,
        case,
        &latest,
        &typed,
        Some(&latest),
        &history,
        &errors,
    )))
}

fn page(
    ctx: &Ctx,
    case: &cases::Model,
    person: &people::Model,
    typed: &Typed,
    theirs: Option<&people::Model>,
    history: &[Change],
    errors: &FormErrors,
) -> Markup {
    let title = format!("Correct the details of {}", person_name(person));
    case_form(
        ctx,
        case,
        &title,
        &format!("people/{}/edit", person.id),
        errors,
        html! {
            p.body { "Correct what is wrong or out of date. The earlier values are kept in this person's history with your name and reason. The change applies to every case this person is on." }
            @if let Some(saved) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    (person_card(saved, crate::cases::monitoring::Shown::Answers))
                }
            }
        },
        html! {
            input type="hidden" name="version" value=(typed.version);
            fieldset.fieldset.person {
                legend.fieldset__legend.heading-s { (label(&codes::PARTY_ROLES, &typed.person.role)) }
                (person_fields(&typed.person, errors))
            }
            (textarea("reason", "Why are you correcting this?", Some("Required. Kept with the earlier values, so anyone reading the history knows why they changed."), &typed.reason, errors))
            div.button-group {
                button.button type="submit" { "Save corrections" }
                a.button.button--secondary href={ "/cases/" (case.reference) "#people" } { "Cancel" }
            }
            (history_section(history))
        },
    )
}

/// One corrected detail, as the history shows it.
pub struct Change {
    pub row: person_changes::Model,
    /// The detail's name as people read it.
    pub label: String,
    pub by: String,
}

impl Change {
    /// Ethnicity and the other protected characteristics: their values are need-to-know,
    /// so the history says they changed without saying from what to what.
    pub fn is_monitoring(&self) -> bool {
        is_monitoring(&self.row.field)
    }
}

pub fn is_monitoring(field: &str) -> bool {
    field == people::Column::Ethnicity.as_str() || MONITORING_COLUMNS.iter().any(|c| c.as_str() == field)
}

/// A detail's name as people read it, from its column name.
fn field_label(field: &str) -> String {
    fields::all()
        .into_iter()
        .find(|(c, _)| c.as_str() == field)
        .map_or_else(|| field.to_owned(), |(_, l)| l.to_owned())
}

/// Every correction of `person_id`, newest first.
/// The person's corrections made from cases `viewer` may see (or from no case now): the
/// reasons typed on a restricted case stay with it.
pub async fn history(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i32,
) -> Result<Vec<Change>, DbErr> {
    let visible = sea_orm::sea_query::Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .cond_where(viewer.condition())
        .to_owned();
    let rows = person_changes::Entity::find()
        .filter(person_changes::Column::PersonId.eq(person_id))
        .filter(
            sea_orm::Condition::any()
                .add(person_changes::Column::CaseId.is_null())
                .add(person_changes::Column::CaseId.in_subquery(visible)),
        )
        .order_by_desc(person_changes::Column::ChangedAt)
        .order_by_desc(person_changes::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.changed_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Change {
            label: field_label(&row.field),
            by: names.get(&row.changed_by).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

/// The history as a table: detail, when, who, why, and for details other than
/// monitoring answers the values before and after.
pub fn history_section(history: &[Change]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(blank)".to_owned());
    html! {
        h2.heading-m id="history" { "Corrections" }
        @if history.is_empty() {
            p.body { "No details of this person have been corrected." }
        } @else {
            (table(
                "Corrections to this person's details, newest first",
                &[Col::Text("Detail"), Col::Text("Was"), Col::Text("Now"), Col::Text("When"), Col::Text("Who"), Col::Text("Why")],
                html! {
                    @for c in history {
                        tr.table__row {
                            td.table__cell { (c.label) }
                            @if c.is_monitoring() {
                                td.table__cell { "Not shown (monitoring answer)" }
                                td.table__cell { "Changed" }
                            } @else {
                                td.table__cell { (value(&c.row.old_value)) }
                                td.table__cell { (value(&c.row.new_value)) }
                            }
                            td.table__cell { (time_fmt::datetime(c.row.changed_at)) }
                            td.table__cell { (c.by) }
                            td.table__cell.preserve-lines { (c.row.reason) }
                        }
                    }
                },
            ))
        }
    }
}
