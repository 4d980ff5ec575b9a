//! Intake: logging a report as a new case, or as a further report on an open case.
//!
//! One form, submitted until it is complete: invalid answers come back (422) with every
//! value kept and nothing saved; people who may already be known, and a victim's open
//! case, come back (200) as questions; a complete report is saved in one transaction and
//! the officer is sent to its case.

mod check;
mod form;
mod matching;
pub mod service;
mod store;
mod view;

use crate::cases::people::CaseLink;
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{
        codes,
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, extract::set_flash, forms::FormErrors},
};
use axum::{
    extract::{Path, RawForm, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use check::{People, Report, ValidIncident};
use entity::cases;
use form::{ADD_PERSON, Body, ReportForm};
use matching::{Matches, SlotOffer};
use maud::Markup;
use sea_orm::{ConnectionTrait, DbErr};
use store::Choices;
use time::OffsetDateTime;
use view::{FormView, Mode};

pub async fn new_form(State(state): State<AppState>, ctx: Ctx, viewer: Viewer) -> AppResult<Markup> {
    let choices = Choices::load(&state.db, &viewer).await?;
    let form = ReportForm::new_case(state.now(), choices.default_area());
    Ok(view::page(
        &ctx,
        &blank_view(Mode::NewCase(&choices), &form, &FormErrors::default()),
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawForm(bytes): RawForm,
) -> AppResult<Response> {
    let body = Body::parse(&bytes);
    let mut form = ReportForm::parse(&body);
    let choices = Choices::load(&state.db, &viewer).await?;
    let mode = || Mode::NewCase(&choices);
    if body.get("action") == ADD_PERSON {
        form.add_person();
        return Ok(respond(
            &ctx,
            StatusCode::OK,
            blank_view(mode(), &form, &FormErrors::default()),
        ));
    }
    let now = state.now();
    let mut errors = FormErrors::default();
    let target = matching::target_case(&state.db, &viewer, &form, &mut errors).await?;
    // A report added to an open case need not name a victim again.
    let checked = check_report(&state.db, &viewer, &form, now, target.is_none(), &mut errors).await?;
    let case = match target {
        Some(_) => None,
        None => check::case(
            &form.case,
            &form.incident.types,
            &choices.strands,
            &choices.areas(),
            choices.settings.hate_is_priority_1,
            &mut errors,
        ),
    };
    let (report, offers) = match checked.complete(&errors) {
        Ok(complete) => complete,
        Err((status, offers)) => {
            return Ok(respond(
                &ctx,
                status,
                view_with(mode(), &form, &errors, &offers, &[]),
            ));
        }
    };
    let render = |status, errors: &FormErrors, attach: &[CaseLink]| {
        respond(&ctx, status, view_with(mode(), &form, errors, &offers, attach))
    };
    if target.is_none() && form.attach_to.trim().is_empty() {
        let attach = matching::open_victim_cases(&state.db, &viewer, &report.people).await?;
        if !attach.is_empty() {
            return Ok(render(StatusCode::OK, &errors, &attach));
        }
    }
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    match (target, case) {
        (Some(target), _) => {
            let reference = &target.case.reference;
            if add_report(&state, &by, &target.case, &report).await? {
                return redirect_to_case(&ctx, reference, format!("Further report added to {reference}"))
                    .await;
            }
            errors.add(target.field, closed_meanwhile(reference));
            Ok(render(StatusCode::CONFLICT, &errors, &[]))
        }
        (None, Some(case)) => {
            let txn = crate::db::begin(&state.db).await?;
            let new = service::NewCase { case, report };
            let saved = service::open(&txn, &by, &new, &service::Opening::Logged)
                .await?
                .case;
            txn.commit().await?;
            let reference = &saved.reference;
            redirect_to_case(&ctx, reference, format!("Case {reference} logged")).await
        }
        // check::case gives no case only with an error recorded, answered above.
        (None, None) => Err(AppError::internal("case details neither valid nor refused")),
    }
}

pub async fn further_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    if case.status != codes::OPEN {
        return Ok(view::closed_page(&ctx, &case));
    }
    let form = ReportForm::further(state.now());
    Ok(view::page(
        &ctx,
        &blank_view(Mode::Further(&case), &form, &FormErrors::default()),
    ))
}

pub async fn further_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    RawForm(bytes): RawForm,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    if case.status != codes::OPEN {
        return Err(AppError::Conflict(
            "This case is closed, so a further report cannot be added. A manager can reopen it; otherwise log the report as a new case.",
        ));
    }
    let body = Body::parse(&bytes);
    let mut form = ReportForm::parse(&body);
    let mode = || Mode::Further(&case);
    if body.get("action") == ADD_PERSON {
        form.add_person();
        return Ok(respond(
            &ctx,
            StatusCode::OK,
            blank_view(mode(), &form, &FormErrors::default()),
        ));
    }
    let now = state.now();
    let mut errors = FormErrors::default();
    let checked = check_report(&state.db, &viewer, &form, now, false, &mut errors).await?;
    let (report, offers) = match checked.complete(&errors) {
        Ok(complete) => complete,
        Err((status, offers)) => {
            return Ok(respond(
                &ctx,
                status,
                view_with(mode(), &form, &errors, &offers, &[]),
            ));
        }
    };
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let reference = &case.reference;
    if add_report(&state, &by, &case, &report).await? {
        return redirect_to_case(&ctx, reference, format!("Further report added to {reference}")).await;
    }
    // The description holds most of what was typed: the error sits there.
    errors.add("description", closed_meanwhile(reference));
    Ok(respond(
        &ctx,
        StatusCode::CONFLICT,
        view_with(mode(), &form, &errors, &offers, &[]),
    ))
}

/// The incident and people of a submission, checked, with people matched to known ones.
struct Checked {
    incident: Option<ValidIncident>,
    people: People,
    offers_shown: Vec<SlotOffer>,
    undecided: bool,
}

impl Checked {
    /// The complete report, or how the form must come back: 422 with errors, or 200 with
    /// people to confirm. The offers to show come back either way.
    fn complete(self, errors: &FormErrors) -> Result<(Report, Vec<SlotOffer>), (StatusCode, Vec<SlotOffer>)> {
        match self.incident {
            Some(incident) if errors.is_empty() && self.people.complete && !self.undecided => Ok((
                Report {
                    incident,
                    people: self.people.valid,
                },
                self.offers_shown,
            )),
            Some(_) if errors.is_empty() && self.people.complete => Err((StatusCode::OK, self.offers_shown)),
            // A part that is not valid always has an error recorded.
            _ => Err((StatusCode::UNPROCESSABLE_ENTITY, self.offers_shown)),
        }
    }
}

async fn check_report(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    form: &ReportForm,
    now: OffsetDateTime,
    need_victim: bool,
    errors: &mut FormErrors,
) -> Result<Checked, DbErr> {
    let incident = check::incident(&form.incident, now, errors);
    let mut people = check::people(&form.people, need_victim, errors);
    // Matched even when other answers are wrong, so the reuse questions stay on the page.
    let Matches { offers, undecided } = matching::match_people(db, viewer, &mut people.valid, errors).await?;
    Ok(Checked {
        incident,
        people,
        offers_shown: offers,
        undecided,
    })
}

async fn add_report(
    state: &AppState,
    by: &Actor<'_>,
    case: &cases::Model,
    report: &Report,
) -> AppResult<bool> {
    let txn = crate::db::begin(&state.db).await?;
    let added = store::add_report(&txn, by, case, report).await?;
    txn.commit().await?;
    Ok(added)
}

fn closed_meanwhile(reference: &str) -> String {
    format!(
        "{reference} was closed while you were writing this report, so nothing was saved. A manager can reopen it"
    )
}

async fn redirect_to_case(ctx: &Ctx, reference: &str, flash: String) -> AppResult<Response> {
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{reference}")).into_response())
}

fn blank_view<'a>(mode: Mode<'a>, form: &'a ReportForm, errors: &'a FormErrors) -> FormView<'a> {
    view_with(mode, form, errors, &[], &[])
}

fn view_with<'a>(
    mode: Mode<'a>,
    form: &'a ReportForm,
    errors: &'a FormErrors,
    offers: &'a [SlotOffer],
    attach: &'a [CaseLink],
) -> FormView<'a> {
    FormView {
        mode,
        form,
        errors,
        offers,
        attach,
    }
}

fn respond(ctx: &Ctx, status: StatusCode, view: FormView) -> Response {
    (status, view::page(ctx, &view)).into_response()
}
