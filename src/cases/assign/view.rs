//! The page that says why a case was not assigned or taken.

use crate::web::{Ctx, layout};
use maud::{Markup, html};

/// `message` under `title`, with a link back to case `reference`.
pub(super) fn refusal(ctx: &Ctx, title: &str, message: &str, reference: &str) -> Markup {
    layout::page(
        ctx,
        title,
        false,
        html! {
            h1.heading-xl { (title) }
            p.body { (message) }
            p.body { a href={ "/cases/" (reference) } { "Back to case " (reference) } }
        },
    )
}
