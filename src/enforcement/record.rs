//! Recording a new action against an alleged perpetrator (or a general measure aimed at no
//! one in particular): who, what, planned or already issued, documents referenced, and
//! optionally a first court hearing or notice expiry date, which becomes a deadline.

use super::{
    GENERAL_MEASURES, ISSUED, LADDER, LEGAL_DATES, MAX_DATE_NOTE_CHARS, MAX_TEXT_CHARS, PLANNED,
    STARTING_STATUSES, find_kind, is_ladder, legal_date_label, status_label,
    store::{self, Perpetrator},
};
use crate::{
    audit::Origin,
    cases::{
        codes,
        parts::case_form,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields,
        forms::{self, Choice, FormErrors, Input, radios, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::cases;
use maud::{Markup, html};
use serde::Deserialize;
use time::Date;

/// The `against` value for a measure aimed at no one in particular.
const NO_ONE: &str = "none";

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct NewForm {
    /// A perpetrator party id, or `none`.
    against: String,
    kind: String,
    status: String,
    planned_on: String,
    issued_on: String,
    documents: String,
    notes: String,
    /// Optional first legal date: empty, `hearing` or `notice-expiry`.
    date_kind: String,
    due_on: String,
    date_note: String,
}

struct Valid {
    party_id: Option<i32>,
    kind: &'static str,
    status: &'static str,
    planned_on: Date,
    status_on: Date,
    documents: Option<String>,
    notes: Option<String>,
    legal: Option<(&'static str, Date, Option<String>)>,
}

/// Why a closed case refuses this.
const CLOSED: &str = "This case is closed: reopen it to record a new action against a perpetrator.";

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(
        &state,
        &viewer,
        &origin,
        &reference,
        "Viewed perpetrator action form",
    )
    .await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let perpetrators = store::perpetrators(&state.db, case.id).await?;
    let f = NewForm {
        status: PLANNED.to_owned(),
        planned_on: fields::date_value(Some(crate::calendar::london_date(state.now()))),
        ..Default::default()
    };
    Ok(page(&ctx, &case, &perpetrators, &f, &FormErrors::default()))
}

fn validate(
    f: &NewForm,
    case: &cases::Model,
    perpetrators: &[Perpetrator],
    now: time::OffsetDateTime,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let against = f.against.trim();
    let party_id = match against {
        "" => {
            errors.add("against", "Choose who the action is against");
            None
        }
        NO_ONE => Some(None),
        id => match id
            .parse::<i32>()
            .ok()
            .filter(|id| perpetrators.iter().any(|p| p.party_id == *id))
        {
            Some(id) => Some(Some(id)),
            None => {
                errors.add(
                    "against",
                    "Choose one of this case's alleged perpetrators, or no one in particular",
                );
                None
            }
        },
    };
    let kind = find_kind(&f.kind);
    if kind.is_none() {
        errors.add("kind", "Choose the action");
    }
    if let (Some(kind), Some(None)) = (kind, party_id)
        && is_ladder(kind)
    {
        errors.add(
            "against",
            "This action needs someone it is against: choose an alleged perpetrator (named, not known or a group), or choose a general measure such as CCTV or patrols",
        );
    }
    let status = STARTING_STATUSES.into_iter().find(|s| *s == f.status.trim());
    if status.is_none() {
        errors.add(
            "status",
            "Say whether the action is planned or already issued or served",
        );
    }
    let received = crate::calendar::london_date(case.received_at);
    let planned_on = fields::past_date(
        &mut errors,
        "planned_on",
        &f.planned_on,
        "the date it was planned",
        now,
        received,
        "the case's first report",
    );
    let issued_on = match status {
        Some(ISSUED) => planned_on.and_then(|planned| {
            fields::past_date(
                &mut errors,
                "issued_on",
                &f.issued_on,
                "the date it was issued or served",
                now,
                planned,
                "the date it was planned",
            )
        }),
        _ if !f.issued_on.trim().is_empty() => {
            errors.add(
                "issued_on",
                "Only give the date issued or served for an action that has been issued or served",
            );
            None
        }
        _ => None,
    };
    let documents = fields::optional_text(&mut errors, "documents", &f.documents, MAX_TEXT_CHARS);
    let notes = fields::optional_text(&mut errors, "notes", &f.notes, MAX_TEXT_CHARS);
    let legal = legal_date(&mut errors, &f.date_kind, &f.due_on, &f.date_note, planned_on);
    match (party_id, kind, status, planned_on) {
        (Some(party_id), Some(kind), Some(status), Some(planned_on)) if errors.is_empty() => Ok(Valid {
            party_id,
            kind,
            status,
            planned_on,
            status_on: issued_on.unwrap_or(planned_on),
            documents,
            notes,
            legal,
        }),
        _ => Err(errors),
    }
}

/// An optional legal date typed as (`date_kind`, `due_on`, `date_note`): `None` when
/// none was asked for. Not before the action was planned; it may be past (recorded late).
pub fn legal_date(
    errors: &mut FormErrors,
    kind: &str,
    due_on: &str,
    note: &str,
    earliest: Option<Date>,
) -> Option<(&'static str, Date, Option<String>)> {
    let kind = kind.trim();
    let note = fields::optional_text(errors, "date_note", note, MAX_DATE_NOTE_CHARS);
    if kind.is_empty() {
        if !due_on.trim().is_empty() || note.is_some() {
            errors.add(
                "date_kind",
                "Say whether the date is a court hearing or a notice expiry",
            );
        }
        return None;
    }
    let Some(kind) = codes::find(&LEGAL_DATES, kind) else {
        errors.add("date_kind", "Choose a court hearing or a notice expiry");
        return None;
    };
    let day = fields::required_date(errors, "due_on", due_on, "the date of the hearing or expiry")?;
    if let Some(earliest) = earliest.filter(|e| day < *e) {
        errors.add(
            "due_on",
            format!(
                "The date cannot be before the action was planned ({})",
                time_fmt::plain_date(earliest)
            ),
        );
        return None;
    }
    Some((kind, day, note))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let perpetrators = store::perpetrators(&state.db, case.id).await?;
    let now = state.now();
    let v = match validate(&f, &case, &perpetrators, now) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(page(&ctx, &case, &perpetrators, &f, &errors)));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    // Holding the case row keeps a closure from interleaving: no deadline is added to a
    // case closed meanwhile.
    let case = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let new = store::NewAction {
        case_id: case.id,
        party_id: v.party_id,
        kind: v.kind,
        status: v.status,
        planned_on: v.planned_on,
        status_on: v.status_on,
        documents: v.documents.clone(),
        notes: v.notes.clone(),
    };
    let action = store::insert_action(&txn, &new, viewer.id, now).await?;
    let who = v.party_id.map(|_| store::against(&perpetrators, v.party_id));
    let mut body = new.summary(who.as_deref());
    if let Some((kind, due_on, note)) = v.legal.clone() {
        store::add_legal_date(&txn, &case, &action, kind, due_on, note.clone(), viewer.id, now).await?;
        body.push_str(&format!(
            " {} on {}",
            legal_date_label(kind),
            time_fmt::plain_date(due_on)
        ));
        match note {
            Some(note) => body.push_str(&format!(": {note}.")),
            None => body.push('.'),
        }
    }
    if let Some(notes) = &v.notes {
        body.push_str(&format!("\nNotes: {notes}"));
    }
    if let Some(documents) = &v.documents {
        body.push_str(&format!("\nDocuments: {documents}"));
    }
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.enforcement_recorded",
        Entry::event(&case, "enforcement-recorded", now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        if v.legal.is_some() {
            "Action recorded; its date is now a deadline on the case."
        } else {
            "Action recorded."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#enforcement", case.reference)).into_response())
}

/// The action choice: the ladder and the general measures as option groups.
fn kind_select(value: &str, errors: &FormErrors) -> Markup {
    let error = errors.get("kind");
    let described_by = if error.is_some() {
        "kind-hint kind-error"
    } else {
        "kind-hint"
    };
    html! {
        div.form-group.form-group--error[error.is_some()] {
            label.label for="kind" { "Action" }
            div.hint id="kind-hint" {
                "Escalation ladder actions, lightest first, need an alleged perpetrator. General measures can be aimed at anyone, or no one in particular."
            }
            @if let Some(message) = error {
                p.error-message id="kind-error" { span.visually-hidden { "Error: " } (message) }
            }
            select.select.input--error[error.is_some()] id="kind" name="kind" aria-describedby=(described_by) {
                option value="" selected[value.is_empty()] { "Choose an action" }
                optgroup label="Escalation ladder" {
                    @for (code, label) in LADDER {
                        option value=(code) selected[value == code] { (label) }
                    }
                }
                optgroup label="General measures" {
                    @for (code, label) in GENERAL_MEASURES {
                        option value=(code) selected[value == code] { (label) }
                    }
                }
            }
        }
    }
}

/// The optional legal date fields (shared with the action page's date form).
pub(super) fn legal_date_fields(
    kind: &str,
    due_on: &str,
    note: &str,
    legend: &str,
    with_none: bool,
    errors: &FormErrors,
) -> Markup {
    let mut choices: Vec<Choice> = vec![];
    if with_none {
        choices.push(Choice {
            value: String::new(),
            label: "No date yet",
            selected: kind.is_empty(),
        });
    }
    choices.extend(LEGAL_DATES.iter().map(|(code, label)| Choice {
        value: (*code).to_owned(),
        label,
        selected: kind == *code,
    }));
    html! {
        (radios("date_kind", legend, Some("It becomes a deadline on the case, due at the end of that day."), &choices, errors))
        (Input::text("due_on", "Date", due_on).kind("date").narrow().hint("For example 2027-01-15.").render(errors))
        (Input::text("date_note", "Court or notice details (optional)", note).hint("For example “Derby County Court, courtroom 3”. Up to 200 characters.").render(errors))
    }
}

fn page(
    ctx: &Ctx,
    case: &cases::Model,
    perpetrators: &[Perpetrator],
    f: &NewForm,
    errors: &FormErrors,
) -> Markup {
    let mut against: Vec<Choice> = perpetrators
        .iter()
        .map(|p| Choice {
            value: p.party_id.to_string(),
            label: &p.name,
            selected: f.against.trim() == p.party_id.to_string(),
        })
        .collect();
    against.push(Choice {
        value: NO_ONE.to_owned(),
        label: "No one in particular (CCTV, patrols, publicity)",
        selected: f.against.trim() == NO_ONE,
    });
    let statuses: Vec<Choice> = STARTING_STATUSES
        .into_iter()
        .map(|s| Choice {
            value: s.to_owned(),
            label: status_label(s),
            selected: f.status.trim() == s,
        })
        .collect();
    let before = html! {
        @if perpetrators.is_empty() {
            div.inset-text {
                p.body { "No alleged perpetrator is recorded on this case yet, so only general measures can be recorded. Add the alleged perpetrator to the case (named, not known, or a group) to record ladder actions against them." }
            }
        }
    };
    case_form(
        ctx,
        case,
        "Record an action against a perpetrator",
        "enforcement",
        errors,
        before,
        html! {
            (radios("against", "Who is the action against?", Some("The case's alleged perpetrators."), &against, errors))
            (kind_select(&f.kind, errors))
            (radios("status", "Status", None, &statuses, errors))
            (Input::text("planned_on", "Date planned", &f.planned_on).kind("date").narrow().hint("When the action was decided on.").render(errors))
            (Input::text("issued_on", "Date issued or served", &f.issued_on).kind("date").narrow().hint("Only if it has been issued or served.").render(errors))
            (textarea("documents", "Documents referenced (optional)", Some("Where the letters, notices or court papers are kept, e.g. “Warning letter ref WL/123 in the document system”."), &f.documents, errors))
            (textarea("notes", "Notes (optional)", None, &f.notes, errors))
            h2.heading-m { "First court hearing or notice expiry (optional)" }
            (legal_date_fields(&f.date_kind, &f.due_on, &f.date_note, "Is there a date to add?", true, errors))
            button.button type="submit" { "Record action" }
        },
    )
}
