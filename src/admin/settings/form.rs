//! The case settings' two forms as typed and their checks: the settings, and a new local
//! motivation strand.

use crate::{cases::settings::CaseSettings, web::forms::FormErrors};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettingsForm {
    pub(super) hate_is_priority_1: String,
    pub(super) review_threshold: String,
    pub(super) single_hate_incident_qualifies: String,
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
    pub(super) label: String,
}

/// A valid new strand: its name (inner runs of spaces collapsed) and its code.
pub struct NewStrand {
    pub label: String,
    pub code: String,
}

/// Checks the settings form; the settings to save.
pub fn validate_settings(f: &SettingsForm) -> Result<CaseSettings, FormErrors> {
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
        return Err(errors);
    };
    Ok(CaseSettings {
        hate_is_priority_1: hate,
        review_threshold: threshold,
        single_hate_incident_qualifies: single,
    })
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

/// Checks the strand's name (whether the strand exists is the database's to say).
pub fn validate_strand(f: &StrandForm) -> Result<NewStrand, FormErrors> {
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
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewStrand { label, code })
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
