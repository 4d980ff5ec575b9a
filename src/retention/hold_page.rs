//! A manager's legal hold on one case: placed with a reason, lifted with a reason. Both
//! go on the case's timeline and the audit trail (the reasons stay off the audit trail).

use super::{case_panel, holds};
use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, csrf_field, error_summary, textarea, textarea_with_id},
        layout,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{case_holds, cases};
use maud::{Markup, html};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;

/// A reason is a sentence or two, not case notes.
const MAX_REASON_CHARS: usize = 1_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Opened the legal hold page").await?;
    page(
        &state,
        &ctx,
        &viewer,
        &case,
        &ReasonForm::default(),
        None,
        &FormErrors::default(),
    )
    .await
}

pub async fn place(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let errors = check_reason(&f.reason, "reason", "Say why the case must be kept");
    if !errors.is_empty() {
        let page = page(&state, &ctx, &viewer, &case, &f, None, &errors).await?;
        return Ok(forms::invalid(page));
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    super::lock_unless_disposed(&txn, &case).await?;
    case_holds::Entity::insert(case_holds::ActiveModel {
        case_id: Set(case.id),
        reason: Set(f.reason.trim().to_owned()),
        placed_by: Set(viewer.id),
        placed_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let body = format!("Legal hold placed: {}", f.reason.trim());
    let entry = Entry::event(&case, EventKind::HoldPlaced, now, body);
    timeline::record(&txn, now, &viewer, &origin, "case.hold_placed", entry).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        "Legal hold placed: the case is kept until the hold is lifted.",
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#retention", case.reference)).into_response())
}

pub async fn lift(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, hold_id)): Path<(String, i32)>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let field = format!("lift-{hold_id}");
    let errors = check_reason(&f.reason, &field, "Say why the hold can be lifted");
    if !errors.is_empty() {
        let page = page(
            &state,
            &ctx,
            &viewer,
            &case,
            &ReasonForm::default(),
            Some((hold_id, &f)),
            &errors,
        )
        .await?;
        return Ok(forms::invalid(page));
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    super::lock_unless_disposed(&txn, &case).await?;
    // Only a hold of this case still in force: lifting twice, or another case's hold, is
    // "not found".
    let lifted = case_holds::Entity::update_many()
        .col_expr(case_holds::Column::LiftedAt, Expr::value(now))
        .col_expr(case_holds::Column::LiftedBy, Expr::value(viewer.id))
        .col_expr(case_holds::Column::LiftReason, Expr::value(f.reason.trim()))
        .filter(case_holds::Column::Id.eq(hold_id))
        .filter(case_holds::Column::CaseId.eq(case.id))
        .filter(case_holds::Column::LiftedAt.is_null())
        .exec(&txn)
        .await?;
    if lifted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let body = format!("Legal hold lifted: {}", f.reason.trim());
    let entry = Entry::event(&case, EventKind::HoldLifted, now, body);
    timeline::record(&txn, now, &viewer, &origin, "case.hold_lifted", entry).await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Legal hold lifted.").await?;
    Ok(Redirect::to(&format!("/cases/{}#retention", case.reference)).into_response())
}

fn check_reason(reason: &str, field: &str, missing: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    let reason = reason.trim();
    if reason.is_empty() {
        errors.add(field.to_owned(), missing);
    } else if reason.chars().count() > MAX_REASON_CHARS {
        errors.add(
            field.to_owned(),
            format!("Keep the reason to {MAX_REASON_CHARS} characters"),
        );
    }
    errors
}

/// The hold page; `lifting` is a lift form coming back with what was typed.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    f: &ReasonForm,
    lifting: Option<(i32, &ReasonForm)>,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let panel = case_panel::load(&state.db, case, state.now()).await?;
    let standing = holds::manual(&state.db, &[case.id]).await?;
    let title = format!("Legal hold on {}", case.reference);
    Ok(layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) "#retention" } { "Back to the case" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            (case_panel::section(viewer, case, &panel))
            @for h in &standing {
                @let field = format!("lift-{}", h.id);
                @let typed = lifting.filter(|(id, _)| *id == h.id).map(|(_, f)| f.reason.as_str()).unwrap_or("");
                section.panel {
                    h2.heading-m { "Hold placed " (crate::web::time_fmt::datetime(h.placed_at)) }
                    p.body.preserve-lines { (h.reason) }
                    form method="post" action={ "/cases/" (case.reference) "/holds/" (h.id) "/lift" } novalidate {
                        (csrf_field(&ctx.csrf))
                        (textarea_with_id(&field, "reason", "Why can the hold be lifted?", None, typed, errors))
                        button.button.button--secondary type="submit" { "Lift this hold" }
                    }
                }
            }
            h2.heading-l { "Place a hold" }
            p.body { "A held case is kept past its retention date until the hold is lifted: for a claim, a complaint, an inquiry or a request to keep it. Live court action holds a case by itself." }
            form method="post" action={ "/cases/" (case.reference) "/hold" } novalidate {
                (csrf_field(&ctx.csrf))
                (textarea("reason", "Why must the case be kept?", Some("Shown on the case; not sent anywhere."), &f.reason, errors))
                button.button type="submit" { "Place hold" }
            }
        },
    ))
}
