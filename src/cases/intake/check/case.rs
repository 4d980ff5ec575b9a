//! Checking the case's own answers: priority (with the suggestion and a reason to choose
//! another), hate perception, strands and area.

use super::*;

/// The priority the typed answers suggest, and why (shown beside the priority choice).
pub fn suggestion(f: &ReportForm, hate_is_priority_1: bool) -> (&'static str, String) {
    priority::suggest(
        &f.incident.types,
        f.case.hate_perceived == "yes",
        hate_is_priority_1,
    )
}

/// Checks the case-level answers of a new case. `areas`: those it may be logged in
/// (not retired).
pub fn case(
    f: &CaseForm,
    incident_types: &[String],
    strands: &[strands::Model],
    areas: &[areas::Model],
    hate_is_priority_1: bool,
    errors: &mut FormErrors,
) -> Option<ValidCase> {
    let mut c = Checker::new(errors);
    let hate_perceived = c.yes_no(
        &f.hate_perceived,
        "hate_perceived",
        "Select whether anyone perceives it as hate",
    );
    let perceived_by = hate_perceived.then(|| {
        c.code_or_unrecorded(
            f.imported,
            &codes::PERCEIVED_BY,
            &f.perceived_by,
            "perceived_by",
            "Select who perceives it as hate",
        )
    });
    let mut strand_ids = vec![];
    for code in &f.strands {
        match strands.iter().find(|s| s.code == code.trim()) {
            Some(s) if !strand_ids.contains(&s.id) => strand_ids.push(s.id),
            Some(_) => {}
            None => c.fail("strands", "Select motivation strands from the list"),
        }
    }
    if hate_perceived && f.strands.is_empty() {
        c.fail("strands", "Select what the hate is perceived to be about");
    }
    let area_id = f
        .area
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| areas.iter().any(|a| a.id == *id));
    if area_id.is_none() {
        c.fail("area", "Select the area");
    }
    let (suggested, why) = priority::suggest(incident_types, hate_perceived, hate_is_priority_1);
    let priority = match f.priority.trim() {
        SUGGESTED => suggested,
        other => c.code(&codes::PRIORITIES, other, "priority", "Select a priority"),
    };
    let reason = c.text(&f.priority_reason, LONG, "priority_reason", "The reason");
    if !priority.is_empty() && priority != suggested && reason.is_none() {
        c.fail(
            "priority_reason",
            format!(
                "The suggested priority is {} ({why}). Give a reason for choosing {}",
                codes::label(&codes::PRIORITIES, suggested),
                codes::label(&codes::PRIORITIES, priority)
            ),
        );
    }
    c.done(ValidCase {
        strand_ids,
        hate_perceived,
        perceived_by,
        area_id: area_id.unwrap_or_default(),
        priority,
        suggested_priority: suggested,
        priority_reason: reason.filter(|_| priority != suggested),
    })
}
