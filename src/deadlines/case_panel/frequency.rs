//! The victim-contact frequency agreed with the victim: it replaces the procedure's
//! regular-update timescale on this case and re-plans the open update deadline.

use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    cases::{
        codes,
        parts::case_form,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines::schedule,
    error::{AppError, AppResult},
    procedure::{MAX_AMOUNT, Stage, Timescale, Unit},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, select},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::cases;
use maud::{Markup, html};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;

/// Victim contact is agreed in days; an hourly "update" is not a frequency anyone agrees.
const AGREED_UNITS: [Unit; 2] = [Unit::CalendarDays, Unit::WorkingDays];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FrequencyForm {
    /// Empty: back to the procedure's timescale.
    unit: String,
    amount: String,
}

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
        "Viewed contact frequency form",
    )
    .await?;
    require_open(&case)?;
    let f = match schedule::agreed_frequency(&case) {
        Some(t) => FrequencyForm {
            unit: t.unit.code().to_owned(),
            amount: t.amount.to_string(),
        },
        None => FrequencyForm::default(),
    };
    Ok(page(&ctx, &case, &f, &FormErrors::default()))
}

fn require_open(case: &cases::Model) -> AppResult<()> {
    if case.status == codes::OPEN {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This case is closed: there are no more regular updates to plan.",
        ))
    }
}

fn validate(f: &FrequencyForm) -> Result<Option<Timescale>, FormErrors> {
    if f.unit.trim().is_empty() {
        return Ok(None);
    }
    let mut errors = FormErrors::default();
    let unit = Unit::from_code(f.unit.trim()).filter(|u| AGREED_UNITS.contains(u));
    if unit.is_none() {
        errors.add("unit", "Choose calendar days or working days");
    }
    let amount = f
        .amount
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=MAX_AMOUNT).contains(n));
    if amount.is_none() {
        errors.add("amount", format!("Enter a whole number from 1 to {MAX_AMOUNT}"));
    }
    match (unit, amount) {
        (Some(unit), Some(amount)) => Ok(Some(Timescale::new(unit, amount as u32))),
        _ => Err(errors),
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<FrequencyForm>,
) -> AppResult<Response> {
    let case = crate::cases::visibility::find(&state.db, &viewer, &reference).await?;
    require_open(&case)?;
    let agreed = match validate(&f) {
        Ok(agreed) => agreed,
        Err(errors) => return Ok(forms::invalid(page(&ctx, &case, &f, &errors))),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    cases::Entity::update_many()
        .col_expr(
            cases::Column::ContactEveryUnit,
            Expr::value(agreed.map(|t| t.unit.code().to_owned())),
        )
        .col_expr(
            cases::Column::ContactEveryAmount,
            Expr::value(agreed.map(|t| t.amount as i32)),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .filter(cases::Column::Id.eq(case.id))
        .exec(&txn)
        .await?;
    let updated = cases::Model {
        contact_every_unit: agreed.map(|t| t.unit.code().to_owned()),
        contact_every_amount: agreed.map(|t| t.amount as i32),
        ..case
    };
    schedule::replan_open(&txn, &updated, Some(Stage::VictimUpdate)).await?;
    let body = match agreed {
        Some(t) => format!("Victim updates agreed every {}.", t.describe()),
        None => "Victim updates back to the procedure's timescale.".to_owned(),
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.contact_frequency_set",
        Entry::event(&updated, EventKind::ContactFrequency, now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        "Contact frequency saved; the next update deadline is re-planned.",
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#deadlines", updated.reference)).into_response())
}

fn page(ctx: &Ctx, case: &cases::Model, f: &FrequencyForm, errors: &FormErrors) -> Markup {
    let units: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Use the procedure's timescale",
        selected: f.unit.is_empty(),
    })
    .chain(AGREED_UNITS.into_iter().map(|u| Choice {
        value: u.code().to_owned(),
        label: u.label(),
        selected: f.unit == u.code(),
    }))
    .collect();
    case_form(
        ctx,
        case,
        "Agreed contact frequency",
        "contact-frequency",
        errors,
        html! { p.body { "How often the victim will be updated, as agreed with them. It replaces the procedure's regular-update timescale on this case." } },
        html! {
            (Input::text("amount", "Every", &f.amount).narrow().hint("A whole number.").render(errors))
            (select("unit", "Unit", &units, errors))
            button.button type="submit" { "Save frequency" }
        },
    )
}
