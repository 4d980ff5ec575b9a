//! The case details form as typed, the choices it offers, its checks and what the timeline
//! says of a change.

use crate::{
    cases::codes::{self, label},
    web::forms::FormErrors,
};
use entity::{areas, cases, strands};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
#[serde(default)]
pub struct DetailsForm {
    pub priority: String,
    pub priority_reason: String,
    pub hate_perceived: String,
    pub perceived_by: String,
    #[serde(rename = "strand")]
    pub strands: Vec<String>,
    pub area_id: String,
    pub version: Option<i32>,
}

impl DetailsForm {
    /// The form filled in from `case` and its strands.
    pub(super) fn from_case(case: &cases::Model, strand_ids: &[i32]) -> Self {
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

/// Choices the form offers: live strands and areas, plus any the case already has.
pub(super) struct Lists {
    pub strands: Vec<strands::Model>,
    pub areas: Vec<areas::Model>,
}

/// A valid form.
pub struct Valid {
    pub priority: &'static str,
    pub priority_reason: Option<String>,
    pub hate: bool,
    pub perceived_by: Option<String>,
    pub strand_ids: Vec<i32>,
    pub area_id: i32,
}

/// Checks `f` against `case` (whose strands are `current_strands`: retired ones it already
/// has may stay) and the choices offered.
pub(super) fn validate(
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

/// What the timeline says about the change from `case` (with `old_strands`) to `v`.
pub(super) fn changes(case: &cases::Model, old_strands: &[i32], v: &Valid, lists: &Lists) -> String {
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

/// `s`, or "none" when it is empty.
pub(super) fn or_none(s: String) -> String {
    if s.is_empty() { "none".to_owned() } else { s }
}
