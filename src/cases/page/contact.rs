//! The case page's own form: contacts and notes on a case's timeline (visit, phone call, letter, email, meeting,
//! failed attempt, note), and recording that the ASB Case Review was explained.

use super::{self as page, CaseView};
use crate::cases::events::EventKind;
use crate::cases::{
    codes,
    parts::person_name,
    timeline::{self, Actor, Entry},
    visibility::{self, Viewer},
};
use crate::procedure::Stage;
use crate::{
    audit::Origin,
    deadlines,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, code_choices, csrf_field, select, textarea},
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
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Deserialize;
use time::OffsetDateTime;

/// The longest note kept (a long visit write-up fits; a pasted document does not).
const MAX_NOTE_CHARS: usize = 10_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NoteForm {
    kind: String,
    date: String,
    time: String,
    person_id: String,
    body: String,
}

impl NoteForm {
    /// A blank form, dated now.
    pub fn new(now: time::OffsetDateTime) -> Self {
        let (date, time) = time_fmt::london_fields(now);
        NoteForm {
            kind: "phone-call".to_owned(),
            date,
            time,
            ..Default::default()
        }
    }
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<NoteForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let now = state.now();
    let view = page::load(&state, &viewer, case).await?;
    let mut errors = FormErrors::default();
    let kind = codes::find(&codes::CONTACT_KINDS, &f.kind);
    if kind.is_none() {
        errors.add("kind", "Choose what kind of contact or note this is");
    }
    let occurred = time_fmt::parse_london(&f.date, &f.time);
    match occurred {
        None => {
            let (field, message) = time_fmt::unreadable_moment(&f.date, &f.time);
            errors.add(field, message);
        }
        Some(at) if at > now => errors.add("date", "The date and time cannot be in the future"),
        Some(at) if at < view.case.received_at.saturating_sub(time::Duration::days(1)) => {
            errors.add("date", "The date cannot be before the case's first report")
        }
        Some(_) => {}
    }
    let person_id = match f.person_id.as_str() {
        "" => None,
        id => {
            let found = id
                .parse::<i32>()
                .ok()
                .filter(|id| view.parties.iter().any(|(_, p)| p.id == *id));
            if found.is_none() {
                errors.add("person_id", "Choose a person on this case");
            }
            found
        }
    };
    let body = f.body.trim();
    if body.is_empty() {
        errors.add("body", "Enter what happened");
    } else if body.chars().count() > MAX_NOTE_CHARS {
        errors.add("body", format!("Keep the note under {MAX_NOTE_CHARS} characters"));
    }
    let (Some(occurred_at), Some(kind), true) = (occurred, kind, errors.is_empty()) else {
        // The refused form comes back on the case page: that is a view of the case too.
        page::record_view(&state, &viewer, &origin, &view).await?;
        return Ok(forms::invalid(page::render(&ctx, &viewer, &view, &f, &errors)));
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let completed = record(
        &txn,
        &by,
        &view.case,
        Contact {
            kind,
            person_id,
            at: occurred_at,
            body,
        },
    )
    .await?;
    txn.commit().await?;
    let mut flash = format!("{} added to the timeline.", codes::timeline_label(kind));
    for (stage, met) in completed {
        let verdict = if met { "met" } else { "done late" };
        flash.push_str(&format!(" Deadline “{}” {verdict}.", stage.label()));
    }
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#timeline", view.case.reference)).into_response())
}

/// A contact or note as recorded: its kind (`codes::CONTACT_KINDS`), with whom, when and
/// what happened.
pub struct Contact<'a> {
    pub kind: &'static str,
    pub person_id: Option<i32>,
    pub at: OffsetDateTime,
    pub body: &'a str,
}

/// Records `contact` on `case`'s timeline and completes the deadlines it meets (first
/// contact, interviews, updates …): the one way a contact is recorded on a case (the
/// form and the demo landlord). Returns the stages completed and whether each was met.
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    contact: Contact<'_>,
) -> Result<Vec<(Stage, bool)>, DbErr> {
    let Contact {
        kind,
        person_id,
        at,
        body,
    } = contact;
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.contact_added",
        Entry::contact(case, kind, at, body, person_id),
    )
    .await?;
    // The contact is the activity that meets its deadlines (first contact, updates, …).
    deadlines::contact::after_contact(txn, case, kind, person_id, at, by.viewer.id, by.now).await
}

pub async fn review_explained(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.review_explained",
        Entry::event(
            &case,
            EventKind::CaseReviewExplained,
            now,
            "Explained the ASB Case Review to the victim",
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Recorded that the ASB Case Review was explained.").await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// The "add to timeline" form on the case page.
pub fn form(ctx: &Ctx, view: &CaseView, f: &NoteForm, errors: &FormErrors) -> Markup {
    let mut names: Vec<(String, String)> = vec![];
    for (_, p) in &view.parties {
        if !names.iter().any(|(id, _)| *id == p.id.to_string()) {
            names.push((p.id.to_string(), person_name(p)));
        }
    }
    let people: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Nobody in particular",
        selected: f.person_id.is_empty(),
    })
    .chain(names.iter().map(|(id, name)| Choice {
        value: id.clone(),
        label: name,
        selected: f.person_id == *id,
    }))
    .collect();
    html! {
        section.no-print id="add-contact" {
            h2.heading-l { "Record a contact or note" }
            form method="post" action={ "/cases/" (view.case.reference) "/timeline" } novalidate {
                (csrf_field(&ctx.csrf))
                (select("kind", "What was it?", &code_choices(&codes::CONTACT_KINDS, &[f.kind.as_str()]), errors))
                div.date-time {
                    (Input::text("date", "Date", &f.date).kind("date").narrow().render(errors))
                    (Input::text("time", "Time", &f.time).kind("time").narrow().render(errors))
                }
                (select("person_id", "With", &people, errors))
                (textarea("body", "What happened", Some("Who you spoke to, what was said and agreed."), &f.body, errors))
                button.button type="submit" { "Add to timeline" }
            }
        }
    }
}
