//! The possible-duplicates queue and the merge review.

use super::{
    form::{KEPT, OTHER},
    store::Known,
};
use crate::people::fields;
use crate::{
    cases::{
        codes,
        parts::{person_card, person_name},
    },
    web::{
        Ctx,
        forms::{Choice, FormErrors, csrf_field, error_summary, radios},
        layout, time_fmt,
    },
};
use entity::person_duplicates;
use maud::{Markup, html};
use std::collections::HashMap;

pub fn queue(ctx: &Ctx, waiting: &[person_duplicates::Model], people: &[Known]) -> Markup {
    let find = |id: i32| people.iter().find(|k| k.person.id == id);
    layout::page(
        ctx,
        "Possible duplicate people",
        false,
        html! {
            h1.heading-xl { "Possible duplicate people" }
            p.body { "When an officer records someone with the same name and postcode as a person on a case they cannot see, Harbour keeps them apart and asks here. Merge them if they are one person; otherwise record that they are different people." }
            @if waiting.is_empty() {
                p.body { "Nobody is waiting to be checked." }
            }
            @for d in waiting {
                @if let (Some(new), Some(known)) = (find(d.person_id), find(d.other_id)) {
                    section.person-pair aria-label={ "Possibly the same: " (person_name(&new.person)) } {
                        h2.heading-m { (person_name(&new.person)) }
                        p.body-s { "Found " (time_fmt::datetime(d.found_at)) }
                        div.person-pair__records {
                            (summary("Recorded", new))
                            (summary("Possibly the same as", known))
                        }
                        div.button-group {
                            a.button href={ "/people/merge?kept=" (d.person_id.min(d.other_id)) "&other=" (d.person_id.max(d.other_id)) } { "Review and merge" }
                            form.inline method="post" action={ "/people/duplicates/" (d.id) "/different" } {
                                (csrf_field(&ctx.csrf))
                                button.button.button--secondary type="submit" { "Different people" }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn summary(heading: &str, k: &Known) -> Markup {
    html! {
        div {
            h3.heading-s { (heading) }
            (person_card(&k.person, k.monitoring))
            (case_list(k))
        }
    }
}

fn case_list(k: &Known) -> Markup {
    html! {
        @if k.cases.is_empty() {
            p.body-s { "On no case." }
        } @else {
            ul.list {
                @for c in &k.cases {
                    li { a href={ "/cases/" (c.reference) } { (c.reference) } " – " (codes::label(&codes::PARTY_ROLES, &c.role)) ", " (codes::label(&codes::STATUSES, &c.status).to_lowercase()) }
                }
            }
        }
    }
}

/// Both records, and for each detail they differ on, which value to keep.
pub fn review(
    ctx: &Ctx,
    kept: &Known,
    other: &Known,
    chosen: &HashMap<String, String>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Merge two records of {}", person_name(&kept.person));
    let differing = fields::differing(&kept.person, &other.person);
    let blank = "(blank)".to_owned();
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href="/people/duplicates" { "Back to possible duplicates" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            p.body { "The first record is kept. Every case the second is on moves to it, in the same part; the second record is then removed. What both records held is kept with the merge, so any value can be put back by editing the person." }
            div.person-pair__records id="kept" {
                (summary("Record 1 (kept)", kept))
                (summary("Record 2", other))
            }
            form method="post" action="/people/merge" novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="kept" value=(kept.person.id);
                input type="hidden" name="other" value=(other.person.id);
                input type="hidden" name="kept_version" value=(kept.person.version);
                input type="hidden" name="other_version" value=(other.person.version);
                @if differing.is_empty() {
                    p.body { "The two records hold the same details." }
                }
                @for (column, label) in &differing {
                    @let name = fields::form_name(*column);
                    @let picked = chosen.get(&name).map(String::as_str).unwrap_or("");
                    @let one = fields::shown(&kept.person, *column).unwrap_or_else(|| blank.clone());
                    @let two = fields::shown(&other.person, *column).unwrap_or_else(|| blank.clone());
                    @let one = format!("{one} (record 1)");
                    @let two = format!("{two} (record 2)");
                    (radios(&name, label, None, &[
                        Choice { value: KEPT.to_owned(), label: &one, selected: picked == KEPT },
                        Choice { value: OTHER.to_owned(), label: &two, selected: picked == OTHER },
                    ], errors))
                }
                button.button type="submit" { "Merge into one record" }
            }
        },
    )
}
