//! Agreeing an action plan with the victim, and revising it: the date agreed, the copy
//! given, the contact frequency and channel (which set the case's regular-update deadline),
//! communication needs, notes and, on the first agreement, up to three actions. Completes
//! the case's action-plan deadline (met or late by the date agreed).

use super::{
    CHANNELS, COPY_GIVEN, NOT_GIVEN, case_panel,
    fields::{self, ActionFields, TEXT_MAX, ValidAction},
};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    calendar::{end_of_london_day, london_date},
    cases::{
        codes,
        parts::case_form,
        staff_names::user_names,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    deadlines::{
        schedule::{self, Done, Rules},
        state,
    },
    error::AppResult,
    procedure::{Stage, Timescale, Unit},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, code_choices, radios, select, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{action_plans, cases, deadlines};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use time::{Date, OffsetDateTime};

/// Victim contact is agreed in days (as on the contact-frequency form).
const AGREED_UNITS: [Unit; 2] = [Unit::CalendarDays, Unit::WorkingDays];
/// The longest agreed gap between updates, in days.
pub const MAX_EVERY: i32 = 90;
/// Actions a new plan may list (more are added afterwards, one at a time).
const ROWS: usize = 3;
const INTERPRETER_MAX: usize = 60;

/// The plan form as typed.
#[derive(Default, Clone, Debug)]
struct PlanForm {
    /// The id of the plan standing when the form was built ("0" for none).
    based_on: String,
    agreed_on: String,
    copy_given_how: String,
    copy_given_on: String,
    every_amount: String,
    every_unit: String,
    channel: String,
    interpreter_language: String,
    communication_needs: String,
    notes: String,
    actions: [ActionFields; ROWS],
}

fn row_prefix(i: usize) -> String {
    format!("action-{}-", i + 1)
}

impl PlanForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = PlanForm::default();
        'pairs: for (name, value) in pairs {
            let slot = match name.as_str() {
                "based_on" => &mut f.based_on,
                "agreed_on" => &mut f.agreed_on,
                "copy_given_how" => &mut f.copy_given_how,
                "copy_given_on" => &mut f.copy_given_on,
                "every_amount" => &mut f.every_amount,
                "every_unit" => &mut f.every_unit,
                "channel" => &mut f.channel,
                "interpreter_language" => &mut f.interpreter_language,
                "communication_needs" => &mut f.communication_needs,
                "notes" => &mut f.notes,
                _ => {
                    for (i, row) in f.actions.iter_mut().enumerate() {
                        if row.set(&row_prefix(i), &name, value.clone()) {
                            continue 'pairs;
                        }
                    }
                    continue;
                }
            };
            *slot = value;
        }
        f
    }

    /// A new form: a revision starts from the standing plan; a first agreement from the
    /// case's agreed contact frequency, if any.
    fn new(case: &cases::Model, standing: Option<&action_plans::Model>, today: Date) -> Self {
        let base = PlanForm {
            based_on: standing.map_or(0, |p| p.id).to_string(),
            agreed_on: today.to_string(),
            ..Default::default()
        };
        match standing {
            Some(p) => PlanForm {
                copy_given_how: p.copy_given_how.clone(),
                copy_given_on: crate::web::fields::date_value(p.copy_given_on),
                every_amount: p.contact_every_amount.to_string(),
                every_unit: p.contact_every_unit.clone(),
                channel: p.contact_channel.clone(),
                interpreter_language: p.interpreter_language.clone().unwrap_or_default(),
                communication_needs: p.communication_needs.clone().unwrap_or_default(),
                notes: p.notes.clone().unwrap_or_default(),
                ..base
            },
            None => match schedule::agreed_frequency(case) {
                Some(t) if AGREED_UNITS.contains(&t.unit) => PlanForm {
                    every_amount: t.amount.to_string(),
                    every_unit: t.unit.code().to_owned(),
                    ..base
                },
                _ => base,
            },
        }
    }

    fn has_actions(&self) -> bool {
        self.actions.iter().any(|a| !a.is_blank())
    }
}

/// A valid plan.
struct Valid {
    agreed_on: Date,
    copy_given_how: &'static str,
    copy_given_on: Option<Date>,
    every: Timescale,
    channel: &'static str,
    interpreter_language: Option<String>,
    communication_needs: Option<String>,
    notes: Option<String>,
    actions: Vec<ValidAction>,
}

/// Why a closed case refuses this.
const CLOSED: &str =
    "This case is closed: its action plan can no longer be agreed or changed. Reopen the case first.";

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed action plan form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let standing = super::standing(&state.db, case.id).await?;
    let staff = super::staff(&state.db).await?;
    let f = PlanForm::new(&case, standing.as_ref(), london_date(state.now()));
    let standing = with_author(&state, standing).await?;
    Ok(page(
        &ctx,
        &case,
        standing.as_ref(),
        &staff,
        &f,
        &FormErrors::default(),
    ))
}

/// The standing plan and the name of whoever recorded it.
async fn with_author(
    state: &AppState,
    plan: Option<action_plans::Model>,
) -> AppResult<Option<(action_plans::Model, String)>> {
    let Some(plan) = plan else { return Ok(None) };
    let names = user_names(&state.db, [Some(plan.created_by)]).await?;
    let by = names.get(&plan.created_by).cloned().unwrap_or_default();
    Ok(Some((plan, by)))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let f = PlanForm::from_pairs(pairs);
    let now = state.now();
    let standing = super::standing(&state.db, case.id).await?;
    let staff = super::staff(&state.db).await?;
    if !is_based_on(&f, standing.as_ref()) {
        return stale(&state, &ctx, &case, standing, &staff, f).await;
    }
    let valid = match validate(&f, &case, standing.as_ref(), &staff, now) {
        Ok(valid) => valid,
        Err(errors) => {
            let standing = with_author(&state, standing).await?;
            return Ok(forms::invalid(page(
                &ctx,
                &case,
                standing.as_ref(),
                &staff,
                &f,
                &errors,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    // The case row is held from here (PostgreSQL), so two agreements cannot interleave.
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    let now_standing = super::standing(&txn, case.id).await?;
    if !is_based_on(&f, now_standing.as_ref()) {
        drop(txn);
        return stale(&state, &ctx, &case, now_standing, &staff, f).await;
    }
    let revision = now_standing.is_some();
    let updated = write(&txn, &viewer, &origin, held, &valid, revision, now).await?;
    txn.commit().await?;
    let flash = if revision {
        "Action plan revised; the regular-update deadline follows the agreed contact frequency."
    } else {
        "Action plan agreed; the regular-update deadline follows the agreed contact frequency."
    };
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#plan", updated.reference)).into_response())
}

/// Agrees a case's first plan from `pairs` (the fields as the form sends them) on open
/// `case`, through the form's checks and the same write: how the demo landlord records
/// plans. The form's errors when it would refuse them.
pub async fn agree_first(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    pairs: Vec<(String, String)>,
) -> AppResult<Result<cases::Model, FormErrors>> {
    let f = PlanForm::from_pairs(pairs);
    let staff = super::staff(txn).await?;
    let valid = match validate(&f, case, None, &staff, by.now) {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(errors)),
    };
    let held = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    if super::standing(txn, case.id).await?.is_some() {
        return Err(crate::error::AppError::Conflict(
            "This case has a plan already: revise it instead.",
        ));
    }
    Ok(Ok(
        write(txn, by.viewer, by.origin, held, &valid, false, by.now).await?
    ))
}

fn is_based_on(f: &PlanForm, standing: Option<&action_plans::Model>) -> bool {
    f.based_on.trim().parse::<i32>().ok() == Some(standing.map_or(0, |p| p.id))
}

/// Another plan was agreed since the form was built: the form again, with what they typed
/// and the plan that now stands shown above it.
async fn stale(
    state: &AppState,
    ctx: &Ctx,
    case: &cases::Model,
    standing: Option<action_plans::Model>,
    staff: &[(i32, String)],
    f: PlanForm,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    errors.add(
        "agreed_on",
        "Someone else recorded an action plan on this case while you were filling in the form. It is shown above; what you typed is still in the form. Check both, then save again",
    );
    let f = PlanForm {
        based_on: standing.as_ref().map_or(0, |p| p.id).to_string(),
        ..f
    };
    let standing = with_author(state, standing).await?;
    Ok(forms::stale(page(
        ctx,
        case,
        standing.as_ref(),
        staff,
        &f,
        &errors,
    )))
}

fn validate(
    f: &PlanForm,
    case: &cases::Model,
    standing: Option<&action_plans::Model>,
    staff: &[(i32, String)],
    now: OffsetDateTime,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let today = london_date(now);
    let reported = london_date(case.received_at);
    let agreed_on = match time_fmt::parse_date(&f.agreed_on) {
        None => {
            errors.add("agreed_on", "Enter the date agreed as YYYY-MM-DD");
            None
        }
        Some(d) if d > today => {
            errors.add("agreed_on", "The date agreed cannot be in the future");
            None
        }
        Some(d) if d < reported => {
            errors.add(
                "agreed_on",
                format!(
                    "The date agreed cannot be before the case's first report ({})",
                    time_fmt::plain_date(reported)
                ),
            );
            None
        }
        Some(d) if standing.is_some_and(|p| d < p.agreed_on) => {
            let current = standing.map(|p| p.agreed_on).unwrap_or(d);
            errors.add(
                "agreed_on",
                format!(
                    "The date agreed cannot be before the current plan's ({})",
                    time_fmt::plain_date(current)
                ),
            );
            None
        }
        Some(d) => Some(d),
    };
    let copy_given_how = codes::find(&COPY_GIVEN, &f.copy_given_how);
    if copy_given_how.is_none() {
        errors.add(
            "copy_given_how",
            "Say whether and how the victim was given a copy",
        );
    }
    let copy_given_on = match copy_given_how {
        Some(NOT_GIVEN) if !f.copy_given_on.trim().is_empty() => {
            errors.add(
                "copy_given_on",
                "Leave the date given empty when no copy has been given yet",
            );
            None
        }
        Some(NOT_GIVEN) | None => None,
        Some(_) => match time_fmt::parse_date(&f.copy_given_on) {
            None => {
                errors.add("copy_given_on", "Enter the date the copy was given as YYYY-MM-DD");
                None
            }
            Some(d) if d > today => {
                errors.add("copy_given_on", "The date given cannot be in the future");
                None
            }
            Some(d) if agreed_on.is_some_and(|a| d < a) => {
                errors.add("copy_given_on", "The date given cannot be before the date agreed");
                None
            }
            Some(d) => Some(d),
        },
    };
    let amount = f
        .every_amount
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=MAX_EVERY).contains(n));
    if amount.is_none() {
        errors.add(
            "every_amount",
            format!("Enter how often to update the victim: a whole number of days from 1 to {MAX_EVERY}"),
        );
    }
    let unit = Unit::from_code(f.every_unit.trim()).filter(|u| AGREED_UNITS.contains(u));
    if unit.is_none() {
        errors.add("every_unit", "Choose calendar days or working days");
    }
    let channel = codes::find(&CHANNELS, &f.channel);
    if channel.is_none() {
        errors.add("channel", "Choose how the victim will be contacted");
    }
    let interpreter_language = crate::web::fields::optional_text(
        &mut errors,
        "interpreter_language",
        &f.interpreter_language,
        INTERPRETER_MAX,
    );
    let communication_needs = crate::web::fields::optional_text(
        &mut errors,
        "communication_needs",
        &f.communication_needs,
        TEXT_MAX,
    );
    let notes = crate::web::fields::optional_text(&mut errors, "notes", &f.notes, TEXT_MAX);
    let rules = fields::Rules {
        staff,
        keep: None,
        earliest: Some((agreed_on.unwrap_or(reported), "the date agreed")),
        today,
    };
    let mut actions = vec![];
    for (i, row) in f.actions.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let which = format!("action {}", i + 1);
        match fields::validate(row, &row_prefix(i), &which, &rules) {
            Ok(valid) => actions.push(valid),
            Err(row_errors) => errors.append(row_errors),
        }
    }
    match (agreed_on, copy_given_how, unit, amount, channel) {
        (Some(agreed_on), Some(copy_given_how), Some(unit), Some(amount), Some(channel))
            if errors.is_empty() =>
        {
            Ok(Valid {
                agreed_on,
                copy_given_how,
                copy_given_on,
                every: Timescale::new(unit, amount as u32),
                channel,
                interpreter_language,
                communication_needs,
                notes,
                actions,
            })
        }
        _ => Err(errors),
    }
}

/// Everything one agreement writes, in the caller's transaction; returns the case as it
/// now stands.
async fn write(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    origin: &Origin,
    case: cases::Model,
    v: &Valid,
    revision: bool,
    now: OffsetDateTime,
) -> AppResult<cases::Model> {
    let plan = action_plans::Entity::insert(action_plans::ActiveModel {
        case_id: Set(case.id),
        agreed_on: Set(v.agreed_on),
        copy_given_how: Set(v.copy_given_how.to_owned()),
        copy_given_on: Set(v.copy_given_on),
        contact_every_unit: Set(v.every.unit.code().to_owned()),
        contact_every_amount: Set(v.every.amount as i32),
        contact_channel: Set(v.channel.to_owned()),
        interpreter_language: Set(v.interpreter_language.clone()),
        communication_needs: Set(v.communication_needs.clone()),
        notes: Set(v.notes.clone()),
        created_by: Set(viewer.id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    // The agreed frequency drives the case's regular-update deadline.
    cases::Entity::update_many()
        .col_expr(
            cases::Column::ContactEveryUnit,
            Expr::value(Some(v.every.unit.code().to_owned())),
        )
        .col_expr(
            cases::Column::ContactEveryAmount,
            Expr::value(Some(v.every.amount as i32)),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .filter(cases::Column::Id.eq(case.id))
        .exec(txn)
        .await?;
    let case = cases::Model {
        contact_every_unit: Some(v.every.unit.code().to_owned()),
        contact_every_amount: Some(v.every.amount as i32),
        updated_at: now,
        ..case
    };
    schedule::replan_open(txn, &case, Some(Stage::VictimUpdate)).await?;
    // Agreeing the plan is the action-plan stage's activity: done at the end of the day
    // agreed (or now, if that is still to come).
    let agreed_at = now.min(end_of_london_day(v.agreed_on));
    let verdict = complete_plan_deadline(txn, &case, agreed_at, viewer.id, now).await?;
    let mut body = format!(
        "Action plan {} with the victim on {}. Contact every {} by {}. Copy given: {}",
        if revision { "revised" } else { "agreed" },
        time_fmt::plain_date(v.agreed_on),
        v.every.describe(),
        super::channel_label(v.channel).to_lowercase(),
        super::copy_given_label(v.copy_given_how).to_lowercase(),
    );
    if let Some(on) = v.copy_given_on {
        body.push_str(&format!(" on {}", time_fmt::plain_date(on)));
    }
    body.push('.');
    if let Some(language) = &v.interpreter_language {
        body.push_str(&format!(" Interpreter: {language}."));
    }
    if let Some(verdict) = verdict {
        body.push_str(&format!(" Action plan deadline {verdict}."));
    }
    timeline::record(
        txn,
        now,
        viewer,
        origin,
        "case.plan_agreed",
        Entry::event(&case, "plan-agreed", agreed_at, body),
    )
    .await?;
    for action in &v.actions {
        super::actions::store::insert(txn, viewer, origin, &case, &plan, action, now).await?;
    }
    Ok(case)
}

/// Completes the case's first open action-plan deadline at `at` (unless `at` is before the
/// event it counts from); "met" or "late" when it did.
async fn complete_plan_deadline(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    at: OffsetDateTime,
    by: i32,
    now: OffsetDateTime,
) -> AppResult<Option<&'static str>> {
    let open = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case.id))
        .filter(deadlines::Column::Stage.eq(Stage::ActionPlan.code()))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_asc(deadlines::Column::Occurrence)
        .order_by_asc(deadlines::Column::Id)
        .one(txn)
        .await?;
    let Some(d) = open.filter(|d| at >= d.anchored_at) else {
        return Ok(None);
    };
    let rules = Rules::for_case(txn, case).await?;
    let done = Done {
        at,
        by,
        note: None,
        now,
    };
    Ok(schedule::complete(txn, &rules, case, d, done)
        .await?
        .map(|d| match state::state(&d, now) {
            state::State::Met => "met",
            _ => "late",
        }))
}

fn page(
    ctx: &Ctx,
    case: &cases::Model,
    standing: Option<&(action_plans::Model, String)>,
    staff: &[(i32, String)],
    f: &PlanForm,
    errors: &FormErrors,
) -> Markup {
    let revising = standing.is_some();
    let title = if revising {
        "Revise the action plan"
    } else {
        "Agree an action plan"
    };
    let units: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose a unit",
        selected: f.every_unit.trim().is_empty(),
    })
    .chain(AGREED_UNITS.into_iter().map(|u| Choice {
        value: u.code().to_owned(),
        label: u.label(),
        selected: f.every_unit.trim() == u.code(),
    }))
    .collect();
    let channels: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose how",
        selected: f.channel.trim().is_empty(),
    })
    .chain(code_choices(&CHANNELS, &[f.channel.trim()]))
    .collect();
    let copy = code_choices(&COPY_GIVEN, &[f.copy_given_how.trim()]);
    // Action rows show on a first agreement, and whenever some were typed.
    let rows = !revising || f.has_actions();
    let before = html! {
        @if let Some((plan, by)) = standing {
            div.inset-text id="standing-plan" {
                h2.heading-m { "The plan as it stands" }
                (case_panel::plan_summary(plan, by))
            }
        }
        p.body {
            "Record what was agreed with the victim. The contact frequency replaces the procedure's regular-update timescale on this case"
            @if !revising { ", and agreeing the plan completes the action-plan deadline" }
            "."
        }
    };
    let fields_html = html! {
        input type="hidden" name="based_on" value=(f.based_on);
        (Input::text("agreed_on", "Date agreed with the victim", &f.agreed_on).kind("date").narrow().render(errors))
        (radios("copy_given_how", "Was the victim given a copy of the plan?", None, &copy, errors))
        (Input::text("copy_given_on", "Date the copy was given", &f.copy_given_on).kind("date").narrow().hint("Leave empty if no copy has been given yet.").render(errors))
        div.form-group {
            fieldset.fieldset {
                legend.fieldset__legend { "How often the victim will be updated" }
                (Input::text("every_amount", "Every", &f.every_amount).narrow().hint("A whole number of days, from 1 to 90.").render(errors))
                (select("every_unit", "Unit", &units, errors))
            }
        }
        (select("channel", "How the victim will be contacted", &channels, errors))
        (Input::text("interpreter_language", "Interpreter language (optional)", &f.interpreter_language).hint("Leave empty if no interpreter is needed.").render(errors))
        (textarea("communication_needs", "Communication or other needs (optional)", Some("For example: large print, a trusted person present, no visits after dark."), &f.communication_needs, errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
        @if rows {
            h2.heading-m { "Actions" }
            p.body { "Up to three actions now; add more from the case page afterwards. Leave a row empty to skip it." }
            @for (i, row) in f.actions.iter().enumerate() {
                div.form-group {
                    fieldset.fieldset {
                        legend.fieldset__legend.heading-s { "Action " (i + 1) }
                        (fields::render(row, &row_prefix(i), staff, None, errors))
                    }
                }
            }
        }
        button.button type="submit" { @if revising { "Save the revised plan" } @else { "Save the action plan" } }
    };
    case_form(ctx, case, title, "plan", errors, before, fields_html)
}
