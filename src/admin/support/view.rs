//! The list and edit pages.

use super::{
    form::{EntryForm, panel_label},
    list::{Item, List, items},
};
use crate::{
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, checkboxes, csrf_field, error_summary},
        layout,
        table::{self, Col},
    },
};
use maud::{Markup, html};

pub(super) fn multi_agency_box(list: List, f: &EntryForm, errors: &FormErrors) -> Markup {
    html! {
        @if list == List::Agencies {
            (checkboxes(
                "multi_agency",
                "Multi-agency risk panel",
                Some("A referral here answers the prompt shown on high-risk cases."),
                &[Choice { value: "yes".to_owned(), label: "This is a multi-agency risk panel (MARAC or similar)", selected: f.multi() }],
                errors,
            ))
        }
    }
}

pub(super) async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    list: List,
    f: &EntryForm,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let all = items(&state.db, list).await?;
    let intro = match list {
        List::Support => {
            "The support officers can record for victims. Retire an entry to stop it being offered for new records; cases that used it keep it."
        }
        List::Agencies => {
            "The agencies victims are referred to. Retire an agency to stop it being offered for new referrals; cases that used it keep it."
        }
    };
    let mut head = vec![Col::Text("Name")];
    if list == List::Agencies {
        head.push(Col::Text("Multi-agency risk panel"));
    }
    head.extend([Col::Text("Status"), Col::Actions]);
    let title = list.title();
    Ok(layout::page(
        ctx,
        title,
        !errors.is_empty(),
        html! {
            a.back-link href="/admin/settings" { "Back to settings" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            p.body { (intro) }
            (table::table(title, &head, html! {
                @for i in &all {
                    tr {
                        td.table__cell { (i.name) }
                        @if list == List::Agencies {
                            td.table__cell { @if i.multi_agency { "Yes" } @else { "No" } }
                        }
                        td.table__cell { @if i.active { strong.tag.tag--green { "In use" } } @else { strong.tag.tag--grey { "Retired" } } }
                        td.table__cell {
                            a href={ (list.base()) "/" (i.id) } { "Change" span.visually-hidden { " " (i.name) } }
                            " "
                            form.inline method="post" action={ (list.base()) "/" (i.id) (if i.active { "/retire" } else { "/reinstate" }) } {
                                (csrf_field(&ctx.csrf))
                                button.link-button type="submit" { @if i.active { "Retire" } @else { "Reinstate" } span.visually-hidden { " " (i.name) } }
                            }
                        }
                    }
                }
            }))
            h2.heading-m { "Add " (list.a_noun()) }
            form method="post" action=(list.base()) novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("name", "Name", &f.name).render(errors))
                (multi_agency_box(list, f, errors))
                button.button.button--secondary type="submit" { "Add" }
            }
        },
    ))
}

pub(super) fn edit_page(
    ctx: &Ctx,
    list: List,
    item: &Item,
    f: &EntryForm,
    theirs: Option<&Item>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Change {}: {}", list.noun(), item.name);
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href=(list.base()) { "Back to " (list.title().to_lowercase()) }
            h1.heading-xl { (title) }
            (error_summary(errors))
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "As saved" }
                    p.body { (t.name) (panel_label(t.multi_agency)) }
                }
            }
            p.body { "A new name shows everywhere the entry is used, including on earlier records." }
            form method="post" action={ (list.base()) "/" (item.id) } novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="was_name" value=(f.was_name);
                input type="hidden" name="was_multi_agency" value=(f.was_multi_agency);
                (Input::text("name", "Name", &f.name).render(errors))
                (multi_agency_box(list, f, errors))
                div.button-group {
                    button.button type="submit" { "Save" }
                    a.button.button--secondary href=(list.base()) { "Cancel" }
                }
            }
        },
    )
}
