//! From a grid of cells to the cases an import would create, and every problem at once.
//! Each case is checked by the intake service exactly as the form checks it; what the
//! form does not ask (first contact, closure, perpetrator action, satisfaction) is
//! checked here (`case_rows`). Nothing is written.

use super::{
    columns::{Column, Layout},
    ethnicity::Mappings,
    read::{Sheet, Unreadable},
};
use crate::{
    auth::policy::{Permission, allows},
    cases::{
        intake::service::{Choices, NewCase},
        visibility::Viewer,
    },
};
use case_rows::CaseRows;
use entity::{cases, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, OffsetDateTime, Time, macros::time};

mod case_rows;

/// One thing wrong with the file: where (row 0 is the file as a whole), the value, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub column: &'static str,
    pub value: String,
    pub message: String,
}

/// A case the import would create, checked.
pub struct Planned {
    pub external_ref: String,
    pub row: usize,
    pub new: NewCase,
    /// The harassment officer it is assigned to: id and name.
    pub officer: Option<(i32, String)>,
    /// When and how the victim was first contacted (`codes::CONTACT_KINDS`).
    pub first_contact: Option<(OffsetDateTime, &'static str)>,
    pub closed: Option<(Date, &'static str)>,
    /// Actions taken: kind, date, and whether the file gave the date.
    pub actions: Vec<(&'static str, Date, bool)>,
    pub satisfaction: Option<&'static str>,
    /// Recent work rather than history (the demo landlord): deadlines that fell due stay
    /// as they are (met, late or overdue) instead of being marked not recorded.
    pub live: bool,
}

/// A case the import would create: where its rows are in the file. It is read and checked
/// again when written ([`Plan::planned`]), so no more than one case is held whole.
pub struct ToWrite {
    pub received_at: OffsetDateTime,
    index: Index,
}

/// A case's reference and its rows: their numbers and where each starts in the file.
struct Index {
    reference: String,
    rows: Vec<(usize, usize)>,
}

/// What the import would do, and what stops it.
#[derive(Default)]
pub struct Plan {
    pub rows: usize,
    pub cases: Vec<ToWrite>,
    counts: Counts,
    /// Cases whose reference was imported before: left as they are.
    pub already_imported: usize,
    pub problems: Vec<Problem>,
    pub unknown_columns: Vec<String>,
    /// Ethnicity wording no category is known for, with how many rows use it.
    pub unmapped: BTreeMap<String, usize>,
    /// Ethnicity wording that is not a 2021 label, and the category it was read as (the
    /// preview shows it, so a code read in another scheme's sense is caught).
    pub readings: BTreeMap<String, &'static str>,
    /// Cases received this recently are recent work rather than history ([`Planned::live`]).
    pub live_for: Option<time::Duration>,
    /// The file and what it was checked against, for writing it.
    source: Option<Source>,
}

struct Source {
    sheet: Sheet,
    layout: Layout,
    cx: Context,
}

impl Plan {
    /// A file that cannot be read: one problem, nothing else.
    pub fn refused(message: impl Into<String>) -> Self {
        Plan {
            problems: vec![Problem {
                row: 0,
                column: "",
                value: String::new(),
                message: message.into(),
            }],
            ..Default::default()
        }
    }

    pub fn can_commit(&self) -> bool {
        self.problems.is_empty() && self.unmapped.is_empty() && !self.cases.is_empty()
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// `case` read from the file and checked again, as the check found it; `None` if it
    /// no longer passes (it cannot: the same bytes, checked against the same context).
    pub fn planned(&self, case: &ToWrite) -> Option<Planned> {
        let source = self.source.as_ref()?;
        let group = Group::read(&source.sheet, &case.index);
        let (mut problems, mut unmapped, mut readings) = Default::default();
        let mut planned = CaseRows {
            layout: &source.layout,
            group: &group,
            cx: &source.cx,
            problems: &mut problems,
            unmapped: &mut unmapped,
            readings: &mut readings,
        }
        .plan()?;
        planned.live = self
            .live_for
            .is_some_and(|recent| source.cx.now - case.received_at <= recent);
        Some(planned)
    }
}

impl Counts {
    fn add(&mut self, p: &Planned) {
        self.cases += 1;
        self.people += p.new.report.people.len();
        self.contacts += usize::from(p.first_contact.is_some());
        self.closures += usize::from(p.closed.is_some());
        self.actions += p.actions.len();
        self.satisfaction += usize::from(p.satisfaction.is_some());
    }
}

/// What an import creates (people are counted as named on cases: a repeat victim is one
/// person named on several).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub cases: usize,
    pub people: usize,
    pub contacts: usize,
    pub closures: usize,
    pub actions: usize,
    pub satisfaction: usize,
}

/// What the file's values are checked against, read once.
pub struct Context {
    pub choices: Choices,
    pub mappings: Mappings,
    pub(super) officers: HashMap<String, Option<(i32, String)>>,
    pub now: OffsetDateTime,
}

impl Context {
    pub async fn load(
        db: &impl ConnectionTrait,
        viewer: &Viewer,
        now: OffsetDateTime,
    ) -> Result<Self, DbErr> {
        let officers = users::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|u| {
                // Cases are given to active harassment officers, as a manager assigns them.
                let assignable = u.active && allows(u.role, Permission::TakeCases);
                (
                    u.username.to_lowercase(),
                    assignable.then_some((u.id, u.display_name)),
                )
            })
            .collect();
        Ok(Context {
            choices: Choices::load(db, viewer).await?,
            mappings: Mappings::load(db).await?,
            officers,
            now,
        })
    }
}

/// The longest landlord's reference kept (the column's size).
const MAX_REFERENCE: usize = 64;

/// When a report or contact was received on a day whose time was not recorded: the start
/// of the working day.
pub(super) const DAY_START: Time = time!(09:00);

/// Plans the import of `sheet`, checked against `cx`; the plan keeps both to write it.
/// Two passes: where each case's rows are, then each case read, checked and let go.
pub async fn plan(db: &impl ConnectionTrait, sheet: Sheet, cx: Context) -> Result<Plan, DbErr> {
    let layout = Layout::of(sheet.headers());
    let mut plan = Plan {
        unknown_columns: layout.unknown.clone(),
        ..Default::default()
    };
    for heading in &layout.duplicated {
        plan.problems.push(file_problem(format!(
            "The column “{heading}” appears more than once"
        )));
    }
    let missing = layout.missing();
    if !missing.is_empty() {
        plan.problems.push(file_problem(format!(
            "The file has no column {}. Download the template to see the columns Harbour reads",
            missing.join(", no column ")
        )));
    }
    if !plan.problems.is_empty() {
        return Ok(plan);
    }
    let groups = match group(&sheet, &layout, &mut plan.problems) {
        Ok((rows, groups)) => {
            plan.rows = rows;
            groups
        }
        Err(Unreadable(message)) => return Ok(Plan::refused(message)),
    };
    let references: Vec<&str> = groups.iter().map(|g| g.reference.as_str()).collect();
    let known = existing(db, &references).await?;
    plan.cases.reserve_exact(groups.len());
    for index in groups {
        if known.contains(&index.reference) {
            plan.already_imported += 1;
            continue;
        }
        let group = Group::read(&sheet, &index);
        let mut rows = CaseRows {
            layout: &layout,
            group: &group,
            cx: &cx,
            problems: &mut plan.problems,
            unmapped: &mut plan.unmapped,
            readings: &mut plan.readings,
        };
        if let Some(planned) = rows.plan() {
            plan.counts.add(&planned);
            plan.cases.push(ToWrite {
                received_at: planned.new.report.incident.received_at,
                index,
            });
        }
    }
    plan.cases.shrink_to_fit();
    plan.source = Some(Source { sheet, layout, cx });
    Ok(plan)
}

fn file_problem(message: String) -> Problem {
    Problem {
        row: 0,
        column: "",
        value: String::new(),
        message,
    }
}

/// The rows of one case (sharing a reference), in file order: number and cells.
pub(super) struct Group {
    pub(super) reference: String,
    pub(super) rows: Vec<(usize, Vec<String>)>,
}

impl Group {
    fn read(sheet: &Sheet, index: &Index) -> Self {
        Group {
            reference: index.reference.clone(),
            rows: index
                .rows
                .iter()
                .map(|&(number, at)| (number, sheet.row_at(at)))
                .collect(),
        }
    }
}

/// Reads every row once: how many there are, and each case's rows by reference.
fn group(
    sheet: &Sheet,
    layout: &Layout,
    problems: &mut Vec<Problem>,
) -> Result<(usize, Vec<Index>), Unreadable> {
    let mut groups: Vec<Index> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    let rows = sheet.each(|row| {
        let reference = layout.get(&row.cells, Column::Reference);
        if reference.is_empty() {
            problems.push(Problem {
                row: row.number,
                column: Column::Reference.heading(),
                value: String::new(),
                message: "Enter the case reference".into(),
            });
            return;
        }
        if reference.chars().count() > MAX_REFERENCE {
            problems.push(Problem {
                row: row.number,
                column: Column::Reference.heading(),
                value: reference.to_owned(),
                message: format!("The reference must be {MAX_REFERENCE} characters or fewer"),
            });
            return;
        }
        let at = *index.entry(reference.to_owned()).or_insert_with(|| {
            groups.push(Index {
                reference: reference.to_owned(),
                rows: vec![],
            });
            groups.len() - 1
        });
        groups[at].rows.push((row.number, row.at));
    })?;
    // Held while the import is written: no room to spare in each (most cases are one
    // row, and a vector's first growth makes room for four).
    for group in &mut groups {
        group.rows.shrink_to_fit();
    }
    groups.shrink_to_fit();
    Ok((rows, groups))
}

async fn existing(db: &impl ConnectionTrait, references: &[&str]) -> Result<HashSet<String>, DbErr> {
    let mut found = HashSet::new();
    // In chunks: PostgreSQL and SQLite both limit the parameters of one statement.
    for chunk in references.chunks(500) {
        let rows: Vec<Option<String>> = cases::Entity::find()
            .select_only()
            .column(cases::Column::ExternalRef)
            .filter(cases::Column::ExternalRef.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().flatten());
    }
    Ok(found)
}
