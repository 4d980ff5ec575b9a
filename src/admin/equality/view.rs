//! The page of `/admin/reporting`: a function of the forms as typed and the saved NM01
//! years, no queries.

use super::form::{SettingsForm, YearForm};
use crate::{
    reports::equality::{
        groups::{self, GROUPS},
        settings::Nm01Year,
    },
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, csrf_field, error_summary, select, textarea},
        layout,
        table::{self, Col},
    },
};
use maud::{Markup, html};

/// `/admin/reporting`: the settings form, the NM01 years saved and the NM01 form.
pub fn page(ctx: &Ctx, f: &SettingsForm, y: &YearForm, years: &[Nm01Year], errors: &FormErrors) -> Markup {
    let group_choices: Vec<Choice> = GROUPS
        .iter()
        .map(|(code, label, _)| Choice {
            value: code.to_string(),
            label,
            selected: f.group_reference == *code,
        })
        .collect();
    let category_choices: Vec<Choice> = groups::categories()
        .map(|(code, label)| Choice {
            value: code.to_owned(),
            label,
            selected: f.category_reference == code,
        })
        .collect();
    layout::page(
        ctx,
        "Reporting settings",
        !errors.is_empty(),
        html! {
            h1.heading-xl { "Reporting settings" }
            (error_summary(errors))
            p.body { "These settings shape the equality reports managers and the equality lead read at " code { "/reports" } "." }
            form method="post" action="/admin/reporting" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("not_given_target_percent", "Recording target (%)", &f.not_given_target_percent).kind("number").narrow().hint("At most this share of victims with ethnicity \"Not known\" or \"Prefer not to say\". The default is 10.").render(errors))
                (Input::text("close_target_days", "Target days to close a case", &f.close_target_days).kind("number").narrow().hint("Calendar days from the report; the share closed within it is compared across ethnic groups.").render(errors))
                (select("group_reference", "Reference group for the five ethnic groups", &group_choices, errors))
                (select("category_reference", "Reference category for the nineteen categories", &category_choices, errors))
                button.button type="submit" { "Save settings" }
            }
            h2.heading-l { "NM01: homes owned" }
            p.body {
                "The Regulator of Social Housing's NM01 divides the anti-social behaviour cases opened in a reporting year (1 April to 31 March) by the homes owned, "
                "low-cost rental and low-cost home ownership together. Cases logged in other systems that year are added to NM01(1), because total ASB cases must include hate cases."
            }
            @if !years.is_empty() {
                (table::table("NM01 years", &[Col::Text("Reporting year"), Col::Numeric("Low-cost rental"), Col::Numeric("Low-cost home ownership"), Col::Numeric("Homes"), Col::Numeric("ASB cases in other systems")], html! {
                    @for y in years {
                        tr {
                            td.table__cell { (y.year) " to " (y.year + 1) }
                            td.table__cell.table__cell--numeric { (y.homes_rental) }
                            td.table__cell.table__cell--numeric { (y.homes_ownership) }
                            td.table__cell.table__cell--numeric { (y.homes()) }
                            td.table__cell.table__cell--numeric { (y.other_asb_cases) }
                        }
                    }
                }))
            }
            form method="post" action="/admin/reporting/nm01" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("year", "Reporting year starting in", &y.year).kind("number").narrow().hint("For example 2026 for 1 April 2026 to 31 March 2027. Saving a year again replaces its figures.").render(errors))
                (Input::text("homes_rental", "Low-cost rental homes owned", &y.homes_rental).kind("number").narrow().render(errors))
                (Input::text("homes_ownership", "Low-cost home ownership homes owned", &y.homes_ownership).kind("number").narrow().render(errors))
                (Input::text("other_asb_cases", "ASB cases logged in other systems that year", &y.other_asb_cases).kind("number").narrow().render(errors))
                (textarea("methodology", "Methodology note", Some("Printed with the figures: how cases were counted, and any change from last year that affects comparison."), &y.methodology, errors))
                button.button.button--secondary type="submit" { "Save NM01 figures" }
            }
        },
    )
}
