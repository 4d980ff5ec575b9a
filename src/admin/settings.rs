//! Landlord settings for cases: how hate incidents are prioritised, the ASB Case Review
//! threshold, and the motivation strands (the five monitored ones are fixed; local ones
//! are added and retired here, never deleted).

use crate::{
    audit::{self, Event, Origin},
    auth::policy::Permission,
    cases::settings::CaseSettings,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, Input, code_choices, csrf_field, error_summary, radios},
        layout,
        route::Route,
        table::{self, Col},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::strands;
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/settings", Permission::ManageSettings, show),
        Route::post("/admin/settings", Permission::ManageSettings, save),
        Route::post("/admin/strands", Permission::ManageSettings, add_strand),
        Route::post(
            "/admin/strands/{id}/retire",
            Permission::ManageSettings,
            retire_strand,
        ),
        Route::post(
            "/admin/strands/{id}/reinstate",
            Permission::ManageSettings,
            reinstate_strand,
        ),
    ]
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettingsForm {
    hate_is_priority_1: String,
    review_threshold: String,
    single_hate_incident_qualifies: String,
}

impl From<&CaseSettings> for SettingsForm {
    fn from(s: &CaseSettings) -> Self {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        SettingsForm {
            hate_is_priority_1: yes_no(s.hate_is_priority_1),
            review_threshold: s.review_threshold.to_string(),
            single_hate_incident_qualifies: yes_no(s.single_hate_incident_qualifies),
        }
    }
}

/// Strand codes are stored in 48 characters (`strands.code`).
const MAX_STRAND_CHARS: usize = 48;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StrandForm {
    label: String,
}

async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let settings = CaseSettings::load(&state.db).await?;
    page(
        &state,
        &ctx,
        &SettingsForm::from(&settings),
        &StrandForm::default(),
        &FormErrors::default(),
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let yes_no = |v: &str| match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let hate = yes_no(&f.hate_is_priority_1);
    if hate.is_none() {
        errors.add("hate_is_priority_1", "Say whether hate incidents are Priority 1");
    }
    let threshold = f
        .review_threshold
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| crate::cases::settings::REVIEW_THRESHOLD_RANGE.contains(n));
    if threshold.is_none() {
        errors.add("review_threshold", "Enter a whole number of reports from 1 to 3");
    }
    let single = yes_no(&f.single_hate_incident_qualifies);
    if single.is_none() {
        errors.add(
            "single_hate_incident_qualifies",
            "Say whether a single hate incident qualifies",
        );
    }
    let (Some(hate), Some(threshold), Some(single)) = (hate, threshold, single) else {
        let markup = page(&state, &ctx, &f, &StrandForm::default(), &errors).await?;
        return Ok(forms::invalid(markup));
    };
    let new = CaseSettings {
        hate_is_priority_1: hate,
        review_threshold: threshold,
        single_hate_incident_qualifies: single,
    };
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    new.save(&txn, now, ctx.user()?.id).await?;
    let summary = format!(
        "Case settings: hate incidents Priority 1 {}; case review threshold {} reports in six months; single hate incident qualifies {}",
        f.hate_is_priority_1, threshold, f.single_hate_incident_qualifies
    );
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new("settings.updated", summary).on("settings", "cases"),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Settings saved.").await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

/// A strand's code: its name in lower case, letters and digits kept and anything else one
/// hyphen ("Race | Religion" → `race-religion`). Codes appear in links and in the report
/// facts' "|"-joined sets, so they hold nothing else.
fn strand_code(label: &str) -> String {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

async fn add_strand(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<StrandForm>,
) -> AppResult<Response> {
    let label = f.label.split_whitespace().collect::<Vec<_>>().join(" ");
    let code = strand_code(&label);
    let mut errors = FormErrors::default();
    match label.chars().count() {
        0 => errors.add("label", "Enter the strand's name"),
        _ if code.is_empty() => errors.add("label", "Give the strand a name with letters or numbers"),
        n if n > MAX_STRAND_CHARS => errors.add(
            "label",
            format!("Strand names must be {MAX_STRAND_CHARS} characters or fewer"),
        ),
        _ => {}
    }
    let existing = strands::Entity::find()
        .filter(strands::Column::Code.eq(code.clone()))
        .one(&state.db)
        .await?;
    if errors.is_empty() && existing.is_some() {
        errors.add("label", "That strand already exists");
    }
    if !errors.is_empty() {
        let settings = CaseSettings::load(&state.db).await?;
        let markup = page(&state, &ctx, &SettingsForm::from(&settings), &f, &errors).await?;
        return Ok(forms::invalid(markup));
    }
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let position: Option<i32> = strands::Entity::find()
        .select_only()
        .column_as(strands::Column::Position.max(), "max")
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    let created = match strands::Entity::insert(strands::ActiveModel {
        code: Set(code),
        label: Set(label.clone()),
        monitored: Set(false),
        retired: Set(false),
        position: Set(position.unwrap_or(0) + 1),
        ..Default::default()
    })
    .exec(&txn)
    .await
    {
        Ok(created) => created,
        // Another administrator added the same strand a moment ago.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            errors.add("label", "That strand already exists");
            let settings = CaseSettings::load(&state.db).await?;
            let markup = page(&state, &ctx, &SettingsForm::from(&settings), &f, &errors).await?;
            return Ok(forms::invalid(markup));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new("strand.created", format!("Added local strand {label:?}"))
            .on("strand", created.last_insert_id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Added the strand {label}.")).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

async fn retire_strand(
    state: State<AppState>,
    ctx: Ctx,
    origin: Origin,
    id: Path<i32>,
) -> AppResult<Response> {
    set_strand_retired(state, ctx, origin, id, true).await
}

async fn reinstate_strand(
    state: State<AppState>,
    ctx: Ctx,
    origin: Origin,
    id: Path<i32>,
) -> AppResult<Response> {
    set_strand_retired(state, ctx, origin, id, false).await
}

async fn set_strand_retired(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    retired: bool,
) -> AppResult<Response> {
    let strand = strands::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if strand.monitored {
        return Err(AppError::Conflict(
            "The five monitored strands cannot be retired.",
        ));
    }
    let actor = ctx.actor()?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    strands::Entity::update_many()
        .col_expr(strands::Column::Retired, Expr::value(retired))
        .filter(strands::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let (action, verb) = if retired {
        ("strand.retired", "Retired")
    } else {
        ("strand.reinstated", "Reinstated")
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(action, format!("{verb} local strand {:?}", strand.label)).on("strand", id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{verb} the strand {}.", strand.label)).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    f: &SettingsForm,
    strand_form: &StrandForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let strands = strands::Entity::find()
        .order_by_asc(strands::Column::Position)
        .all(&state.db)
        .await?;
    let yes_no = [("yes", "Yes"), ("no", "No")];
    Ok(layout::page(
        ctx,
        "Case settings",
        !errors.is_empty(),
        html! {
            h1.heading-xl { "Case settings" }
            (error_summary(errors))
            h2.heading-m { "Deadlines" }
            ul.list {
                li { a href="/admin/procedure" { "Procedure timescales" } ": how long each stage may take, by priority (saved as versions)" }
                li { a href="/admin/calendar" { "Working-day calendar" } ": bank-holiday division and closure days" }
            }
            h2.heading-m { "Casework" }
            ul.list {
                li { a href="/admin/risk" { "Risk questions" } ": the victim risk assessment's questions, scores and thresholds (saved as versions)" }
                li { a href="/admin/support" { "Support measures" } ": the support the landlord offers victims" }
                li { a href="/admin/agencies" { "Referral agencies" } ": where victims are referred, and which is the multi-agency risk panel" }
            }
            h2.heading-m { "Reporting" }
            ul.list {
                li { a href="/admin/reporting" { "Reporting settings" } ": homes owned for NM01, the recording target, the target days to close and the disparity reference groups" }
            }
            h2.heading-m { "Data protection" }
            ul.list {
                li { a href="/admin/retention" { "Retention periods" } ": how many years closed cases are kept, overall and for particular outcomes" }
            }
            form method="post" action="/admin/settings" novalidate {
                (csrf_field(&ctx.csrf))
                (radios("hate_is_priority_1", "Are hate incidents Priority 1?", Some("Violence, threats and serious harm are always Priority 1."), &code_choices(&yes_no, &[f.hate_is_priority_1.as_str()]), errors))
                (Input::text("review_threshold", "ASB Case Review threshold", &f.review_threshold).kind("number").narrow().hint("Reports by one victim within six months that meet the threshold (the law allows at most 3).").render(errors))
                (radios("single_hate_incident_qualifies", "Does a single hate incident meet the threshold?", Some("Many areas treat one hate incident as enough for a case review."), &code_choices(&yes_no, &[f.single_hate_incident_qualifies.as_str()]), errors))
                button.button type="submit" { "Save settings" }
            }
            h2.heading-l { "Motivation strands" }
            p.body { "The five monitored strands are fixed. Add the strands your landlord also records; retire one to stop it being offered for new cases (cases keep it)." }
            (table::table("Motivation strands", &[Col::Text("Strand"), Col::Text("Kind"), Col::Text("Status"), Col::Actions], html! {
                @for s in &strands {
                    tr {
                        td.table__cell { (s.label) }
                        td.table__cell { @if s.monitored { "Monitored" } @else { "Local" } }
                        td.table__cell { @if s.retired { strong.tag.tag--grey { "Retired" } } @else { strong.tag.tag--green { "In use" } } }
                        td.table__cell {
                            @if !s.monitored {
                                form.inline method="post" action={ "/admin/strands/" (s.id) (if s.retired { "/reinstate" } else { "/retire" }) } {
                                    (csrf_field(&ctx.csrf))
                                    button.link-button type="submit" { @if s.retired { "Reinstate" } @else { "Retire" } span.visually-hidden { " " (s.label) } }
                                }
                            }
                        }
                    }
                }
            }))
            form method="post" action="/admin/strands" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("label", "Add a local strand", &strand_form.label).hint("For example: Age, Sex, Alternative subculture.").render(errors))
                button.button.button--secondary type="submit" { "Add strand" }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::strand_code;

    #[test]
    fn strand_codes_hold_only_letters_digits_and_single_hyphens() {
        assert_eq!(strand_code("Alternative  subculture"), "alternative-subculture");
        assert_eq!(strand_code("Race | Religion"), "race-religion");
        assert_eq!(strand_code("Sex workers (local)"), "sex-workers-local");
        assert_eq!(strand_code("Gitanos/Roma"), "gitanos-roma");
        assert_eq!(strand_code("| - |"), "");
    }
}
