//! The legal hold page: the case's retention panel, each hold in force with its lift form,
//! and the form to place one.

use super::form::ReasonForm;
use crate::{
    cases::visibility::Viewer,
    retention::case_panel,
    web::{
        Ctx,
        forms::{FormErrors, csrf_field, error_summary, textarea, textarea_with_id},
        layout,
    },
};
use entity::{case_holds, cases};
use maud::{Markup, html};

/// The hold page; `lifting` is a lift form coming back with what was typed.
#[allow(clippy::too_many_arguments)]
pub(super) fn page(
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    panel: &case_panel::Panel,
    standing: &[case_holds::Model],
    f: &ReasonForm,
    lifting: Option<(i32, &ReasonForm)>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Legal hold on {}", case.reference);
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) "#retention" } { "Back to the case" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            (case_panel::section(viewer, case, panel))
            @for h in standing {
                @let field = format!("lift-{}", h.id);
                @let typed = lifting.filter(|(id, _)| *id == h.id).map(|(_, f)| f.reason.as_str()).unwrap_or("");
                section.panel {
                    h2.heading-m { "Hold placed " (crate::web::time_fmt::datetime(h.placed_at)) }
                    p.body.preserve-lines { (h.reason) }
                    form method="post" action={ "/cases/" (case.reference) "/holds/" (h.id) "/lift" } novalidate {
                        (csrf_field(&ctx.csrf))
                        (textarea_with_id(&field, "reason", "Why can the hold be lifted?", None, typed, errors))
                        button.button.button--secondary type="submit" { "Lift this hold" }
                    }
                }
            }
            h2.heading-l { "Place a hold" }
            p.body { "A held case is kept past its retention date until the hold is lifted: for a claim, a complaint, an inquiry or a request to keep it. Live court action holds a case by itself." }
            form method="post" action={ "/cases/" (case.reference) "/hold" } novalidate {
                (csrf_field(&ctx.csrf))
                (textarea("reason", "Why must the case be kept?", Some("Shown on the case; not sent anywhere."), &f.reason, errors))
                button.button type="submit" { "Place hold" }
            }
        },
    )
}
