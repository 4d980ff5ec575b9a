//! The due-list page: a function of its view model; it runs no queries.

use super::{
    params::TEAM,
    query::{Found, Officer},
    window::{Group, Window},
};
use crate::{
    calendar::Calendar,
    deadlines::state::{State, state},
    procedure::{Priority, Stage},
    web::{
        Ctx,
        forms::{Choice, FormErrors, select},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};
use time::OffsetDateTime;

/// Whose list the page shows.
pub enum Shown {
    /// The signed-in user's own.
    Own,
    /// Another officer's.
    Officer(Officer),
    /// The team's: the cases in the viewer's areas, or every area when they have none.
    Team { all_areas: bool },
}

/// One line of a due list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub reference: String,
    pub stage: String,
    pub priority: Priority,
    pub due_at: OffsetDateTime,
    pub state: State,
    /// Whole working days past due (overdue rows only).
    pub overdue_by: Option<u32>,
    /// Who answers for it (team lists only).
    pub officer: Option<String>,
}

/// The three groups, each soonest due first (in a team list, by officer first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    pub overdue: Vec<Row>,
    pub today: Vec<Row>,
    pub soon: Vec<Row>,
}

impl Groups {
    /// Sorts `found` (soonest due first) into groups at `window.now`; deadlines due beyond
    /// the window are left out. A team list names each row's officer and groups by them.
    pub fn new(window: &Window, calendar: &Calendar, found: Vec<Found>, team: bool) -> Self {
        let mut groups = Groups::default();
        let mut keyed: Vec<(Group, String, i32, Row)> = vec![];
        for f in found {
            let Some(group) = window.group(f.deadline.due_at) else {
                continue;
            };
            let d = &f.deadline;
            let officer = team.then(|| match f.case_owner_id {
                Some(_) => f.officer_name.clone(),
                None => format!("Unassigned – logged by {}", f.officer_name),
            });
            let row = Row {
                reference: f.case_reference.clone(),
                stage: Stage::label_of(&d.stage).to_owned(),
                priority: Priority::from_code(&d.priority),
                due_at: d.due_at,
                state: state(d, window.now),
                overdue_by: (group == Group::Overdue)
                    .then(|| calendar.working_days_late(d.due_at, window.now)),
                officer,
            };
            // Unassigned cases after the officer's own, under the same name.
            let name_key = format!(
                "{}\u{0}{}",
                f.officer_name.to_lowercase(),
                u8::from(f.case_owner_id.is_none())
            );
            keyed.push((group, name_key, f.officer_id, row));
        }
        if team {
            // Stable: within an officer, still soonest due first.
            keyed.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
        }
        for (group, _, _, row) in keyed {
            groups.rows_mut(group).push(row);
        }
        groups
    }

    pub fn rows(&self, group: Group) -> &[Row] {
        match group {
            Group::Overdue => &self.overdue,
            Group::Today => &self.today,
            Group::Soon => &self.soon,
        }
    }

    fn rows_mut(&mut self, group: Group) -> &mut Vec<Row> {
        match group {
            Group::Overdue => &mut self.overdue,
            Group::Today => &mut self.today,
            Group::Soon => &mut self.soon,
        }
    }
}

pub struct Page<'a> {
    pub shown: Shown,
    /// Whether the viewer may see others' lists and the team's.
    pub can_view_team: bool,
    /// The officer select's choices (empty unless `can_view_team`).
    pub officers: &'a [Officer],
    pub groups: Groups,
    pub truncated: bool,
    pub window: &'a Window,
    /// The viewer's unread reminders.
    pub unread: u64,
}

pub fn render(ctx: &Ctx, p: &Page) -> Markup {
    let title = match &p.shown {
        Shown::Own => "Your deadlines".to_owned(),
        Shown::Officer(o) => format!("Deadlines: {}", o.name),
        Shown::Team { .. } => "Team deadlines".to_owned(),
    };
    let team = matches!(p.shown, Shown::Team { .. });
    layout::page(
        ctx,
        &title,
        false,
        html! {
            h1.heading-xl { (title) }
            p.body {
                a href="/deadlines/notices" {
                    "Reminders (" (p.unread) " unread)"
                }
            }
            @if p.can_view_team { (choose(p)) }
            p.body { (scope_text(&p.shown)) }
            p.hint {
                "Today is " (time_fmt::date(p.window.today)) ". The next 5 working days run to the end of "
                (time_fmt::date(p.window.last_day)) "."
            }
            @if p.truncated {
                div.inset-text {
                    p.body {
                        "This list is too long to show in full: only the "
                        (super::query::MAX_ROWS) " soonest due deadlines are shown, and the counts are of those."
                        @if team { " Choose an officer to see their list in full." }
                    }
                }
            }
            @for group in Group::ALL {
                (section(group, p.groups.rows(group), team))
            }
        },
    )
}

fn scope_text(shown: &Shown) -> &'static str {
    match shown {
        Shown::Own => {
            "Open deadlines on the cases you answer for: yours, and those you logged that have no officer yet."
        }
        Shown::Officer(o) if !o.active => {
            "Open deadlines on the cases this officer answers for. They have left: reassign their cases."
        }
        Shown::Officer(_) => {
            "Open deadlines on the cases this officer answers for: theirs, and those they logged that have no officer yet."
        }
        Shown::Team { all_areas: true } => "Open deadlines on every case, assigned or not, by officer.",
        Shown::Team { all_areas: false } => {
            "Open deadlines on the cases in your areas, assigned or not, by officer."
        }
    }
}

/// Managers' choice of list: their own, the team's, or an officer's.
fn choose(p: &Page) -> Markup {
    let chosen = match &p.shown {
        Shown::Officer(o) => Some(o),
        _ => None,
    };
    let labels: Vec<(i32, String)> = p
        .officers
        .iter()
        .chain(chosen.filter(|o| !p.officers.iter().any(|x| x.id == o.id)))
        .map(|o| {
            let label = if o.active {
                o.name.clone()
            } else {
                format!("{} (left)", o.name)
            };
            (o.id, label)
        })
        .collect();
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Yourself",
        selected: chosen.is_none(),
    }];
    choices.extend(labels.iter().map(|(id, label)| Choice {
        value: id.to_string(),
        label,
        selected: chosen.is_some_and(|o| o.id == *id),
    }));
    let own = matches!(p.shown, Shown::Own);
    let team = matches!(p.shown, Shown::Team { .. });
    html! {
        nav.tabs aria-label="Due lists" {
            ul.tabs__list {
                li.tabs__item.tabs__item--selected[own] {
                    a.tabs__link href="/deadlines" aria-current=[own.then_some("true")] { "My deadlines" }
                }
                li.tabs__item.tabs__item--selected[team] {
                    a.tabs__link href={ "/deadlines?view=" (TEAM) } aria-current=[team.then_some("true")] { "Team" }
                }
            }
        }
        form.filters method="get" action="/deadlines" {
            (select("officer", "Officer", &choices, &FormErrors::default()))
            div.button-group {
                button.button.button--secondary type="submit" { "Show their list" }
            }
        }
    }
}

fn section(group: Group, rows: &[Row], team: bool) -> Markup {
    let heading = format!("{}-heading", group.id());
    html! {
        section id=(group.id()) aria-labelledby=(heading) {
            h2.heading-m id=(heading) { (group.label()) " (" (rows.len()) ")" }
            @if rows.is_empty() {
                p.body { (group.empty()) }
            } @else {
                (rows_table(group, rows, rows.len() as u64, team))
            }
        }
    }
}

/// A group's rows as a table (also the home page's, with the same columns and figures):
/// `rows` of the group's `total`, which the caption says when it shows only the first.
pub fn rows_table(group: Group, rows: &[Row], total: u64, team: bool) -> Markup {
    let mut head = vec![];
    if team {
        head.push(Col::Text("Officer"));
    }
    head.extend([
        Col::Text("Case"),
        Col::Text("Stage"),
        Col::Text("Priority"),
        Col::Text("Due"),
        Col::Text("State"),
    ]);
    let overdue = group == Group::Overdue;
    if overdue {
        head.push(Col::Text("Overdue by"));
    }
    let caption = if total > rows.len() as u64 {
        format!(
            "{}: the {} due soonest of {total} deadlines",
            group.label(),
            rows.len()
        )
    } else {
        format!("{}, {} deadlines", group.label(), rows.len())
    };
    table::table(
        &caption,
        &head,
        html! {
            @for r in rows {
                tr {
                    @if let Some(officer) = &r.officer { td.table__cell { (officer) } }
                    td.table__cell.caseload__reference {
                        a href={ "/cases/" (r.reference) "#deadlines" } { (r.reference) }
                    }
                    td.table__cell { (r.stage) }
                    td.table__cell {
                        @match r.priority {
                            Priority::P1 => strong.tag.tag--red { (r.priority.label()) },
                            Priority::P2 => strong.tag.tag--yellow { (r.priority.label()) },
                        }
                    }
                    td.table__cell { (time_fmt::datetime(r.due_at)) }
                    td.table__cell { strong class=(r.state.tag_class()) { (r.state.label()) } }
                    @if overdue {
                        td.table__cell { (overdue_by(r.overdue_by.unwrap_or(0))) }
                    }
                }
            }
        },
    )
}

fn overdue_by(days: u32) -> String {
    match days {
        0 => "Less than a working day".to_owned(),
        1 => "1 working day".to_owned(),
        n => format!("{n} working days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Division;
    use entity::deadlines;
    use time::macros::datetime;

    fn found(id: i32, due: OffsetDateTime, owner: Option<i32>, officer: (i32, &str)) -> Found {
        let at = datetime!(2026-11-16 10:00 UTC);
        Found {
            deadline: deadlines::Model {
                id,
                case_id: id,
                stage: "initial-contact".into(),
                occurrence: 1,
                procedure_version_id: 1,
                priority: "p1".into(),
                unit: "working-days".into(),
                amount: 1,
                anchored_at: at,
                original_due_at: due,
                due_at: due,
                status: "open".into(),
                done_at: None,
                late_working_days: None,
                resolved_by: None,
                resolved_at: None,
                resolution_note: None,
                extended_at: None,
                extended_by: None,
                extension_reason: None,
                created_at: at,
                title: None,
                version: 1,
            },
            case_reference: format!("HC-2026-{id:06}"),
            case_owner_id: owner,
            officer_id: officer.0,
            officer_name: officer.1.into(),
        }
    }

    #[test]
    fn team_rows_are_grouped_by_officer_and_name_the_logger_of_unassigned_cases() {
        let calendar = Calendar::new(Division::EnglandAndWales, []);
        let window = Window::at(&calendar, datetime!(2026-11-23 09:00 UTC));
        let tue = datetime!(2026-11-17 23:59:59 UTC);
        let thu = datetime!(2026-11-19 23:59:59 UTC);
        let rows = vec![
            found(1, tue, Some(7), (7, "Zoe")),
            found(2, tue, None, (3, "Adam")),
            found(3, thu, Some(3), (3, "Adam")),
            found(4, datetime!(2026-11-23 23:59:59 UTC), Some(7), (7, "Zoe")),
            found(5, datetime!(2026-12-01 23:59:59 UTC), Some(7), (7, "Zoe")),
        ];
        let team = Groups::new(&window, &calendar, rows.clone(), true);
        let officers: Vec<_> = team.overdue.iter().map(|r| r.officer.clone().unwrap()).collect();
        assert_eq!(officers, ["Adam", "Unassigned – logged by Adam", "Zoe"]);
        assert_eq!(
            team.overdue.iter().map(|r| r.overdue_by).collect::<Vec<_>>(),
            [Some(2), Some(4), Some(4)]
        );
        assert_eq!(team.today.len(), 1);
        assert_eq!(team.today[0].overdue_by, None);
        assert!(team.soon.is_empty(), "due beyond day 5 is left out");

        // An own list keeps the soonest first and names no one.
        let own = Groups::new(&window, &calendar, rows, false);
        let refs: Vec<_> = own.overdue.iter().map(|r| r.reference.as_str()).collect();
        assert_eq!(refs, ["HC-2026-000001", "HC-2026-000002", "HC-2026-000003"]);
        assert!(own.overdue.iter().all(|r| r.officer.is_none()));
        assert_eq!(own.overdue[0].state, State::Overdue);
    }

    #[test]
    fn overdue_by_reads_naturally() {
        assert_eq!(overdue_by(0), "Less than a working day");
        assert_eq!(overdue_by(1), "1 working day");
        assert_eq!(overdue_by(6), "6 working days");
    }
}
