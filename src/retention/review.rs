//! The managers' retention review: closed cases past their retention date, those held and
//! why, and disposal of the chosen ones after a confirmation step.

use super::{disposal, due};
use crate::{
    audit::Origin,
    calendar::london_date,
    cases::{codes, visibility::Viewer},
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, checkboxes, csrf_field, error_summary},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

/// At most this many cases are disposed of in one confirmation (each in its own
/// transaction), so one request never holds the database for long.
pub const MAX_PER_CONFIRMATION: usize = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Chosen {
    #[serde(rename = "case")]
    cases: Vec<String>,
    confirm: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
) -> AppResult<Markup> {
    let now = state.now();
    let due = due::past_retention(&state.db, &viewer, london_date(now)).await?;
    // The list names cases (and managers' hold reasons): its viewing is audited, by count.
    let txn = crate::db::begin(&state.db).await?;
    let summary = format!(
        "Retention review: {} cases past their retention date listed",
        due.len()
    );
    let event = crate::audit::Event::new("retention.reviewed", summary);
    crate::audit::record(&txn, now, &viewer.audit_actor(), &origin, event).await?;
    txn.commit().await?;
    Ok(list_page(&ctx, &due, &[], &FormErrors::default()))
}

/// The confirmation step: the chosen cases, and what disposal destroys.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Form(f): Form<Chosen>,
) -> AppResult<Response> {
    let today = london_date(state.now());
    let due = due::past_retention(&state.db, &viewer, today).await?;
    let (chosen, errors) = choose(&due, &f.cases);
    if !errors.is_empty() {
        return Ok(forms::invalid(list_page(&ctx, &due, &f.cases, &errors)));
    }
    Ok(confirm_page(&ctx, &chosen, &FormErrors::default()).into_response())
}

pub async fn dispose(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Form(f): Form<Chosen>,
) -> AppResult<Response> {
    let now = state.now();
    let today = london_date(now);
    let due = due::past_retention(&state.db, &viewer, today).await?;
    let (chosen, mut errors) = choose(&due, &f.cases);
    if !errors.is_empty() {
        return Ok(forms::invalid(list_page(&ctx, &due, &f.cases, &errors)));
    }
    if f.confirm != "yes" {
        errors.add(
            "confirm",
            "Confirm that these cases' identifying details may be destroyed",
        );
        return Ok(forms::invalid(confirm_page(&ctx, &chosen, &errors)));
    }
    let retention = super::rules::Retention::load(&state.db).await?;
    let mut disposed = 0;
    // All the chosen cases or none: a save that fails part way (Harbour busy with an
    // import, say) leaves nothing destroyed, so "nothing was saved" stays true and the
    // same choice can be sent again.
    let txn = crate::db::begin(&state.db).await?;
    for d in &chosen {
        // Checked again under the case's row lock: it may have been reopened or held
        // since the list was shown.
        let Some(case) = disposal::lock_closed(&txn, d.case.id).await? else {
            continue;
        };
        let still = due::one(&txn, &retention, &case, today).await?;
        if let Some(now_due) = still.filter(|now_due| now_due.held.is_empty()) {
            disposal::dispose(&txn, &case, &viewer, &origin, now, now_due.kept_until).await?;
            disposed += 1;
        }
    }
    txn.commit().await?;
    let skipped = chosen.len() - disposed;
    let mut message = format!(
        "Identifying details destroyed on {disposed} case{}.",
        if disposed == 1 { "" } else { "s" }
    );
    if skipped > 0 {
        message.push_str(&format!(
            " {skipped} no longer could be (reopened, held or already disposed of since the list was shown)."
        ));
    }
    set_flash(&ctx.session, message).await?;
    Ok(Redirect::to("/retention").into_response())
}

/// The due cases named in `references`, or what is wrong with the choice.
fn choose<'a>(due: &'a [due::Due], references: &[String]) -> (Vec<&'a due::Due>, FormErrors) {
    let mut errors = FormErrors::default();
    let mut chosen: Vec<&due::Due> = vec![];
    for r in references {
        match due
            .iter()
            .find(|d| d.case.reference.eq_ignore_ascii_case(r.trim()) && d.held.is_empty())
        {
            Some(d) if !chosen.iter().any(|c| c.case.id == d.case.id) => chosen.push(d),
            Some(_) => {}
            None => {
                errors.add("case", "Choose only cases on the list that are not held");
                return (chosen, errors);
            }
        }
    }
    if chosen.is_empty() {
        errors.add("case", "Choose at least one case to dispose of");
    } else if chosen.len() > MAX_PER_CONFIRMATION {
        errors.add(
            "case",
            format!("Choose at most {MAX_PER_CONFIRMATION} cases at a time"),
        );
    }
    (chosen, errors)
}

fn list_page(ctx: &Ctx, due: &[due::Due], ticked: &[String], errors: &FormErrors) -> Markup {
    let (free, held): (Vec<&due::Due>, Vec<&due::Due>) = due.iter().partition(|d| d.held.is_empty());
    layout::page(
        ctx,
        "Retention review",
        !errors.is_empty(),
        html! {
            h1.heading-xl { "Retention review" }
            (error_summary(errors))
            p.body { "Closed cases are kept for the retention period the administrator sets (from the day the case was last closed). These cases have passed it. Disposing of a case destroys its people's names, contact details and addresses, its descriptions and every note; its dates, priority, strands, outcome, deadlines and each person's monitoring answers stay, without the person, so past reports do not change." }
            h2.heading-l { "Ready to dispose of (" (free.len()) ")" }
            @if free.is_empty() {
                p.body { "No case is waiting." }
            } @else {
                form method="post" action="/retention/confirm" novalidate {
                    (csrf_field(&ctx.csrf))
                    div.form-group.form-group--error[errors.get("case").is_some()] id="case" {
                        @if let Some(e) = errors.get("case") { p.error-message { span.visually-hidden { "Error: " } (e) } }
                        (table::table("Cases past their retention date", &[Col::Text("Dispose"), Col::Text("Case"), Col::Text("Closed"), Col::Text("Outcome"), Col::Text("Kept until")], html! {
                            @for d in &free {
                                @let r = &d.case.reference;
                                tr {
                                    td.table__cell {
                                        div.checkboxes__item {
                                            input.checkboxes__input type="checkbox" name="case" value=(r) id={ "case-" (r) }
                                                checked[ticked.iter().any(|t| t.eq_ignore_ascii_case(r))];
                                            label.checkboxes__label for={ "case-" (r) } { span.visually-hidden { "Dispose of " (r) } }
                                        }
                                    }
                                    td.table__cell { a href={ "/cases/" (r) } { (r) } }
                                    td.table__cell { @if let Some(at) = d.case.closed_at { (time_fmt::date(london_date(at))) } }
                                    td.table__cell { (d.case.outcome.as_deref().map(|o| codes::label(&codes::OUTCOMES, o)).unwrap_or("")) }
                                    td.table__cell { (time_fmt::date(d.kept_until)) }
                                }
                            }
                        }))
                    }
                    button.button type="submit" { "Continue" }
                }
            }
            h2.heading-l { "Held (" (held.len()) ")" }
            @if held.is_empty() {
                p.body { "No case past its retention date is held." }
            } @else {
                p.body { "Kept while court action is live (a hearing or notice date ahead, an order or notice in force) or while a manager's hold stands. Record an order as complied with or withdrawn when it ends; lift a manager's hold on the case page." }
                (table::table("Held cases", &[Col::Text("Case"), Col::Text("Kept until"), Col::Text("Held because")], html! {
                    @for d in &held {
                        tr {
                            td.table__cell { a href={ "/cases/" (d.case.reference) "#retention" } { (d.case.reference) } }
                            td.table__cell { (time_fmt::date(d.kept_until)) }
                            td.table__cell { ul.list { @for why in &d.held { li { (why) } } } }
                        }
                    }
                }))
            }
        },
    )
}

fn confirm_page(ctx: &Ctx, chosen: &[&due::Due], errors: &FormErrors) -> Markup {
    let n = chosen.len();
    let title = format!("Dispose of {n} case{}?", if n == 1 { "" } else { "s" });
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href="/retention" { "Back to the retention review" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            ul.list { @for d in chosen { li { (d.case.reference) " (kept until " (time_fmt::plain_date(d.kept_until)) ")" } } }
            div.banner.banner--warning {
                strong { "This cannot be undone. " }
                "Names, contact details, addresses, descriptions and notes on these cases are destroyed, and anyone on no other case is deleted. Dates, outcomes, deadlines and monitoring answers stay for the statistics."
            }
            form method="post" action="/retention/dispose" novalidate {
                (csrf_field(&ctx.csrf))
                @for d in chosen { input type="hidden" name="case" value=(d.case.reference); }
                (checkboxes("confirm", "Confirm", None, &[Choice { value: "yes".to_owned(), label: "I have checked these cases are no longer needed", selected: false }], errors))
                button.button.button--warning type="submit" { "Destroy identifying details" }
            }
        },
    )
}
