//! The page of `/admin/retention`: a function of the form as typed, no queries.

use super::form::Typed;
use crate::{
    cases::codes,
    web::{
        Ctx,
        forms::{FormErrors, Input, csrf_field, error_summary},
        layout,
    },
};
use maud::{Markup, html};

/// `/admin/retention`: the years overall and by outcome.
pub fn page(ctx: &Ctx, f: &Typed, errors: &FormErrors) -> Markup {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    layout::page(
        ctx,
        "Retention periods",
        !errors.is_empty(),
        html! {
            a.back-link href="/admin/settings" { "Back to settings" }
            h1.heading-xl { "Retention periods" }
            (error_summary(errors))
            p.body { "How long a closed case is kept, counted from the day it was last closed. Afterwards a manager reviews it and destroys its identifying details (names, contact details, addresses, descriptions and notes); its dates, outcome and monitoring answers stay for the statistics. Cases with live court action, and cases a manager holds, are kept until that ends." }
            form method="post" action="/admin/retention" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("years", "Years after closure", get("years")).kind("number").narrow()
                    .hint("Six years is the Limitation Act period for most claims.").render(errors))
                h2.heading-m { "Outcomes with a period of their own (optional)" }
                @for (outcome, label) in codes::OUTCOMES {
                    @let field = format!("years-{outcome}");
                    (Input::text(&field, label, get(&field)).kind("number").narrow().render(errors))
                }
                button.button type="submit" { "Save retention periods" }
            }
        },
    )
}
