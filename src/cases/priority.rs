//! Suggesting a priority from the answers on a report (DOMAIN.md): violence, threats and
//! serious harm are Priority 1; so is every hate incident unless the landlord's settings
//! say otherwise. The officer may choose differently, with a reason.

use super::codes::{INCIDENT_TYPES, P1, P2, SERIOUS_TYPES, label};

/// The suggested priority code and why.
pub fn suggest(
    incident_types: &[String],
    hate_perceived: bool,
    hate_is_priority_1: bool,
) -> (&'static str, String) {
    if let Some(serious) = incident_types
        .iter()
        .find(|t| SERIOUS_TYPES.contains(&t.as_str()))
    {
        return (P1, format!("{} is Priority 1", label(&INCIDENT_TYPES, serious)));
    }
    if hate_perceived && hate_is_priority_1 {
        return (
            P1,
            "Hate incidents are Priority 1 under this landlord's procedure".to_owned(),
        );
    }
    (P2, "No violence, threats or serious harm was reported".to_owned())
}

/// What the suggestion depends on, for the form (which has no script to redo it as
/// answers change): the incident types that make a report Priority 1, and hate where the
/// landlord's procedure says so.
pub fn rule(hate_is_priority_1: bool) -> String {
    let serious: Vec<String> = SERIOUS_TYPES
        .iter()
        .map(|t| label(&INCIDENT_TYPES, t).to_lowercase())
        .collect();
    let hate = if hate_is_priority_1 {
        ", or anything perceived as hate (this landlord's procedure)"
    } else {
        ""
    };
    format!(
        "Harbour suggests Priority 1 for {}{hate}; otherwise Priority 2",
        serious.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn violence_and_threats_are_priority_1_whatever_the_setting() {
        assert_eq!(
            suggest(&types(&["verbal-abuse", "physical-assault"]), false, false).0,
            P1
        );
        assert_eq!(suggest(&types(&["threats"]), false, false).0, P1);
    }

    #[test]
    fn hate_incidents_are_priority_1_unless_the_setting_says_otherwise() {
        assert_eq!(suggest(&types(&["verbal-abuse"]), true, true).0, P1);
        assert_eq!(suggest(&types(&["verbal-abuse"]), true, false).0, P2);
        assert_eq!(suggest(&types(&["verbal-abuse"]), false, true).0, P2);
    }
}
