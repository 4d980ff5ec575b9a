//! The page of `/admin/settings`: a function of the forms as typed and the strands, no
//! queries.

use super::form::{SettingsForm, StrandForm};
use crate::web::{
    Ctx,
    forms::{FormErrors, Input, code_choices, csrf_field, error_summary, radios},
    layout,
    table::{self, Col},
};
use entity::strands;
use maud::{Markup, html};

/// `/admin/settings`: links to the other settings, the settings form, and the strands with
/// the form to add one.
pub fn page(
    ctx: &Ctx,
    f: &SettingsForm,
    strand_form: &StrandForm,
    strands: &[strands::Model],
    errors: &FormErrors,
) -> Markup {
    let yes_no = [("yes", "Yes"), ("no", "No")];
    layout::page(
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
                @for s in strands {
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
    )
}
