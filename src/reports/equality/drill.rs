//! The pages behind a figure, for managers: the cases behind a count of the victim table
//! (by reference, through the visibility filter) and the people alleged on two or more
//! cases with those cases. [`repeat_people`] loads that list's names.

use super::{params::Criteria, report::period_label, table::thousands};
use crate::{
    cases::{codes, visibility::Viewer},
    error::AppResult,
    web::{
        Ctx, layout,
        pagination::Pager,
        table::{self as table_ui, Col},
        time_fmt,
    },
};
use entity::{case_parties, cases, people};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The drill-down: cases behind a count, by reference (no names).
pub fn page(
    ctx: &Ctx,
    c: &Criteria,
    group: &str,
    measure: &str,
    rows: &[cases::Model],
    pager: &Pager,
) -> Markup {
    let title = "Cases behind a report figure";
    let group_label = super::groups::label(group);
    let mut query = c.params();
    query.push(("group", group.to_owned()));
    query.push(("measure", measure.to_owned()));
    html! {
        (layout::page(ctx, title, false, html! {
            h1.heading-xl { (title) }
            p.body {
                (thousands(pager.total)) " cases: " strong { (measure_label(measure)) } " for victims in " strong { (group_label) }
                ", " (period_label(&c.period)) "."
            }
            p.body { a href={ "/reports?" (c.query()) } { "Back to the report" } }
            (table_ui::table("Cases", &[Col::Text("Reference"), Col::Text("Received"), Col::Text("Status"), Col::Text("Outcome")], html! {
                @for case in rows {
                    tr {
                        td.table__cell { a href={ "/cases/" (case.reference) } { (case.reference) } }
                        td.table__cell { (time_fmt::datetime(case.received_at)) }
                        td.table__cell { (codes::label(&codes::STATUSES, &case.status)) }
                        td.table__cell { (case.outcome.as_deref().map_or("–", |o| codes::label(&codes::OUTCOMES, o))) }
                    }
                }
            }))
            (pager.render("/reports/cases", &query))
        }))
    }
}

/// What a drillable measure counts, in words.
fn measure_label(measure: &str) -> String {
    match measure {
        "cases_opened" => "opened".to_owned(),
        "cases_still_open" => "opened and still open".to_owned(),
        "cases_closed" => "closed".to_owned(),
        _ => match measure.strip_prefix("closed_") {
            Some(outcome) => format!(
                "closed: {}",
                codes::label(&codes::OUTCOMES, outcome).to_lowercase()
            ),
            None => measure.to_owned(),
        },
    }
}

/// A repeat alleged perpetrator: name and the references of the cases (visible to the
/// viewer) they are alleged on.
pub struct RepeatPerson {
    pub name: String,
    pub references: Vec<String>,
}

pub async fn repeat_people(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    repeat: &[(i32, u64)],
) -> AppResult<Vec<RepeatPerson>> {
    let ids: Vec<i32> = repeat.iter().map(|(id, _)| *id).collect();
    let persons = people::Entity::find()
        .filter(people::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let parties: Vec<(i32, i32)> = case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::PersonId)
        .column(case_parties::Column::CaseId)
        .filter(case_parties::Column::PersonId.is_in(ids))
        .filter(case_parties::Column::Role.eq(codes::PERPETRATOR))
        .into_tuple()
        .all(db)
        .await?;
    let visible: Vec<(i32, String)> = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .column(cases::Column::Reference)
        .filter(cases::Column::Id.is_in(parties.iter().map(|(_, c)| *c).collect::<Vec<_>>()))
        .filter(viewer.condition())
        .order_by_asc(cases::Column::ReceivedAt)
        .into_tuple()
        .all(db)
        .await?;
    Ok(repeat
        .iter()
        .filter_map(|(id, _)| {
            let person = persons.iter().find(|p| p.id == *id)?;
            let references: Vec<String> = visible
                .iter()
                .filter(|(case, _)| parties.contains(&(*id, *case)))
                .map(|(_, reference)| reference.clone())
                .collect();
            Some(RepeatPerson {
                name: person
                    .name
                    .clone()
                    .unwrap_or_else(|| "Name not recorded".to_owned()),
                references,
            })
        })
        .collect())
}

pub fn repeat_page(ctx: &Ctx, c: &Criteria, people: &[RepeatPerson]) -> Markup {
    let title = "Repeat alleged perpetrators";
    layout::page(
        ctx,
        title,
        false,
        html! {
            h1.heading-xl { (title) }
            p.body {
                "People alleged to be perpetrators on two or more cases, at least one of them opened in "
                (period_label(&c.period)) ". The Housing Ombudsman asks landlords to identify them."
            }
            p.body { a href={ "/reports?" (c.query()) } { "Back to the report" } }
            @if people.is_empty() {
                p.body { "Nobody is alleged on two or more cases." }
            } @else {
                (table_ui::table(title, &[Col::Text("Person"), Col::Numeric("Cases"), Col::Text("Case references")], html! {
                    @for p in people {
                        tr {
                            th.table__header scope="row" { (p.name) }
                            td.table__cell.table__cell--numeric { (p.references.len()) }
                            td.table__cell {
                                @for (i, r) in p.references.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href={ "/cases/" (r) } { (r) }
                                }
                            }
                        }
                    }
                }))
            }
        },
    )
}
