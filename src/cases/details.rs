//! Changing a case's details (priority, hate perception, strands, area). Edits carry the
//! version the editor saw; an edit on a stale version is refused with the other person's
//! change shown and the editor's own typed values kept.

use super::{
    codes::{self, label},
    timeline::{self, Entry},
    visibility::{self, Viewer},
};
use crate::{
    audit::Origin,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, checkboxes, code_choices, radios, select, textarea},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{areas, case_strands, cases, strands};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
#[serde(default)]
pub struct DetailsForm {
    priority: String,
    priority_reason: String,
    hate_perceived: String,
    perceived_by: String,
    #[serde(rename = "strand")]
    strands: Vec<String>,
    area_id: String,
    version: Option<i32>,
}

impl DetailsForm {
    fn from_case(case: &cases::Model, strand_ids: &[i32]) -> Self {
        DetailsForm {
            priority: case.priority.clone(),
            priority_reason: case.priority_reason.clone().unwrap_or_default(),
            hate_perceived: if case.hate_perceived { "yes" } else { "no" }.to_owned(),
            perceived_by: case.perceived_by.clone().unwrap_or_default(),
            strands: strand_ids.iter().map(i32::to_string).collect(),
            area_id: case.area_id.to_string(),
            version: Some(case.version),
        }
    }
}

struct Valid {
    priority: &'static str,
    priority_reason: Option<String>,
    hate: bool,
    perceived_by: Option<String>,
    strand_ids: Vec<i32>,
    area_id: i32,
}

/// Choices the form offers: live strands and areas, plus any the case already has.
struct Lists {
    strands: Vec<strands::Model>,
    areas: Vec<areas::Model>,
}

async fn lists(db: &impl ConnectionTrait) -> Result<Lists, DbErr> {
    Ok(Lists {
        strands: strands::Entity::find()
            .order_by_asc(strands::Column::Position)
            .all(db)
            .await?,
        areas: crate::cases::areas::all(db).await?,
    })
}

pub async fn strand_ids(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<i32>, DbErr> {
    case_strands::Entity::find()
        .select_only()
        .column(case_strands::Column::StrandId)
        .filter(case_strands::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await
}

fn validate(
    f: &DetailsForm,
    case: &cases::Model,
    current_strands: &[i32],
    lists: &Lists,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let priority = codes::find(&codes::PRIORITIES, &f.priority);
    if priority.is_none() {
        errors.add("priority", "Choose a priority");
    }
    let reason = f.priority_reason.trim();
    if priority.is_some_and(|p| p != case.suggested_priority) && reason.is_empty() {
        errors.add(
            "priority_reason",
            format!(
                "Give a reason for not using the suggested priority ({})",
                label(&codes::PRIORITIES, &case.suggested_priority)
            ),
        );
    }
    let hate = match f.hate_perceived.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("hate_perceived", "Say whether anyone perceives this as hate");
            None
        }
    };
    let perceived_by = f.perceived_by.trim();
    if hate == Some(true) && !codes::is_code(&codes::PERCEIVED_BY, perceived_by) {
        errors.add("perceived_by", "Say who perceives it as hate");
    }
    let mut strand_ids = vec![];
    for s in &f.strands {
        match s.parse::<i32>().ok().filter(|id| {
            lists
                .strands
                .iter()
                .any(|k| k.id == *id && (!k.retired || current_strands.contains(id)))
        }) {
            Some(id) if !strand_ids.contains(&id) => strand_ids.push(id),
            Some(_) => {}
            None => errors.add("strand", "Choose strands from the list"),
        }
    }
    if hate == Some(true) && strand_ids.is_empty() && errors.get("strand").is_none() {
        errors.add("strand", "Select what the hate is perceived to be about");
    }
    let area_id = f.area_id.parse::<i32>().ok().filter(|id| {
        lists
            .areas
            .iter()
            .any(|a| a.id == *id && (!a.retired || *id == case.area_id))
    });
    if area_id.is_none() {
        errors.add("area_id", "Choose an area");
    }
    match (priority, hate, area_id) {
        (Some(priority), Some(hate), Some(area_id)) if errors.is_empty() => Ok(Valid {
            priority,
            priority_reason: (!reason.is_empty()).then(|| reason.to_owned()),
            hate,
            perceived_by: hate.then(|| perceived_by.to_owned()),
            strand_ids,
            area_id,
        }),
        _ => Err(errors),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = super::timeline::open(
        &state,
        &viewer,
        &origin,
        &reference,
        "Opened the change-details form",
    )
    .await?;
    let current = strand_ids(&state.db, case.id).await?;
    let lists = lists(&state.db).await?;
    Ok(form_page(
        &ctx,
        &case,
        &lists,
        &DetailsForm::from_case(&case, &current),
        None,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<DetailsForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let current = strand_ids(&state.db, case.id).await?;
    let lists = lists(&state.db).await?;
    let v = match validate(&f, &case, &current, &lists) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(form_page(&ctx, &case, &lists, &f, None, &errors)));
        }
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let updated = cases::Entity::update_many()
        .col_expr(cases::Column::Priority, Expr::value(v.priority))
        .col_expr(
            cases::Column::PriorityReason,
            Expr::value(v.priority_reason.clone()),
        )
        .col_expr(cases::Column::HatePerceived, Expr::value(v.hate))
        .col_expr(cases::Column::PerceivedBy, Expr::value(v.perceived_by.clone()))
        .col_expr(cases::Column::AreaId, Expr::value(v.area_id))
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Version.eq(f.version.unwrap_or(-1)))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &reference, &lists, f).await;
    }
    case_strands::Entity::delete_many()
        .filter(case_strands::Column::CaseId.eq(case.id))
        .exec(&txn)
        .await?;
    if !v.strand_ids.is_empty() {
        case_strands::Entity::insert_many(v.strand_ids.iter().map(|id| case_strands::ActiveModel {
            case_id: Set(case.id),
            strand_id: Set(*id),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let summary = changes(&case, &current, &v, &lists);
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.updated",
        Entry::event(&case, "details-edited", now, summary),
    )
    .await?;
    // A new priority re-plans the open deadlines under the case's own procedure version.
    let mut flash = "Case details saved.".to_owned();
    if v.priority != case.priority {
        let reprioritised = cases::Model {
            priority: v.priority.to_owned(),
            ..case.clone()
        };
        let replanned = crate::deadlines::schedule::replan_open(&txn, &reprioritised, None).await?;
        if replanned > 0 {
            flash.push_str(&format!(
                " {replanned} open deadline(s) re-planned for the new priority."
            ));
        }
    }
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// The edit was made on a stale version: show theirs, keep mine (now against their
/// version, so saving again is a deliberate overwrite).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    reference: &str,
    lists: &Lists,
    mine: DetailsForm,
) -> AppResult<Response> {
    let latest = visibility::find(&state.db, viewer, reference).await?;
    let theirs = DetailsForm::from_case(&latest, &strand_ids(&state.db, latest.id).await?);
    let mut errors = FormErrors::default();
    errors.add(
        "priority",
        "Someone else changed this case while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again",
    );
    let mine = DetailsForm {
        version: Some(latest.version),
        ..mine
    };
    Ok(forms::stale(form_page(
        ctx,
        &latest,
        lists,
        &mine,
        Some(&theirs),
        &errors,
    )))
}

fn changes(case: &cases::Model, old_strands: &[i32], v: &Valid, lists: &Lists) -> String {
    let mut out = vec![];
    if case.priority != v.priority {
        out.push(format!(
            "priority {} → {}",
            label(&codes::PRIORITIES, &case.priority),
            label(&codes::PRIORITIES, v.priority)
        ));
    }
    if let Some(r) = v
        .priority_reason
        .as_ref()
        .filter(|r| case.priority_reason.as_ref() != Some(*r))
    {
        out.push(format!("priority reason: {r}"));
    }
    if case.hate_perceived != v.hate || case.perceived_by != v.perceived_by {
        out.push(if v.hate {
            format!(
                "perceived as hate by {}",
                label(&codes::PERCEIVED_BY, v.perceived_by.as_deref().unwrap_or("")).to_lowercase()
            )
        } else {
            "not perceived as hate".to_owned()
        });
    }
    let names = |ids: &[i32]| {
        lists
            .strands
            .iter()
            .filter(|s| ids.contains(&s.id))
            .map(|s| s.label.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if names(old_strands) != names(&v.strand_ids) {
        out.push(format!("strands: {}", or_none(names(&v.strand_ids))));
    }
    if case.area_id != v.area_id {
        let area = |id| {
            lists
                .areas
                .iter()
                .find(|a| a.id == id)
                .map_or("", |a| a.name.as_str())
        };
        out.push(format!("area {} → {}", area(case.area_id), area(v.area_id)));
    }
    if out.is_empty() {
        "Saved with no changes".to_owned()
    } else {
        format!("Changed {}", out.join("; "))
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() { "none".to_owned() } else { s }
}

fn form_page(
    ctx: &Ctx,
    case: &cases::Model,
    lists: &Lists,
    f: &DetailsForm,
    theirs: Option<&DetailsForm>,
    errors: &FormErrors,
) -> Markup {
    let strand_choices: Vec<Choice> = lists
        .strands
        .iter()
        .filter(|s| !s.retired || f.strands.contains(&s.id.to_string()))
        .map(|s| Choice {
            value: s.id.to_string(),
            label: &s.label,
            selected: f.strands.contains(&s.id.to_string()),
        })
        .collect();
    let area_choices: Vec<Choice> = lists
        .areas
        .iter()
        .filter(|a| !a.retired || a.id == case.area_id)
        .map(|a| Choice {
            value: a.id.to_string(),
            label: &a.name,
            selected: f.area_id == a.id.to_string(),
        })
        .collect();
    let yes_no = [("yes", "Yes"), ("no", "No")];
    let title = format!("Change details of {}", case.reference);
    super::parts::case_form(
        ctx,
        case,
        &title,
        "edit",
        errors,
        html! {
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    dl.summary-list {
                        (pair("Priority", label(&codes::PRIORITIES, &t.priority)))
                        (pair("Priority reason", &t.priority_reason))
                        (pair("Perceived as hate", if t.hate_perceived == "yes" { "Yes" } else { "No" }))
                        (pair("Perceived by", label(&codes::PERCEIVED_BY, &t.perceived_by)))
                        (pair("Strands", &or_none(lists.strands.iter().filter(|s| t.strands.contains(&s.id.to_string())).map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "))))
                        (pair("Area", lists.areas.iter().find(|a| a.id.to_string() == t.area_id).map_or("", |a| a.name.as_str())))
                    }
                }
            }
        },
        html! {
                input type="hidden" name="version" value=(f.version.unwrap_or(case.version));
                (radios("priority", "Priority", Some(&format!("Suggested when the case was opened: {}", label(&codes::PRIORITIES, &case.suggested_priority))), &code_choices(&codes::PRIORITIES, &[f.priority.as_str()]), errors))
                (textarea("priority_reason", "Reason for the priority", Some("Needed when it differs from the suggested priority."), &f.priority_reason, errors))
                (radios("hate_perceived", "Does the victim or anyone else perceive this as hate?", Some("Perception is enough: no proof is needed."), &code_choices(&yes_no, &[f.hate_perceived.as_str()]), errors))
                (select("perceived_by", "Perceived as hate by", &std::iter::once(Choice { value: String::new(), label: "Not applicable", selected: f.perceived_by.is_empty() }).chain(code_choices(&codes::PERCEIVED_BY, &[f.perceived_by.as_str()])).collect::<Vec<_>>(), errors))
                (checkboxes("strand", "Perceived motivation", Some("Select all that apply."), &strand_choices, errors))
                (select("area_id", "Area", &area_choices, errors))
                div.button-group {
                    button.button type="submit" { "Save changes" }
                    a.button.button--secondary href={ "/cases/" (case.reference) } { "Cancel" }
                }
        },
    )
}

fn pair(key: &str, value: &str) -> Markup {
    html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
}
