//! The equality report: every section's tables built from the aggregates ([`super::query`]),
//! with publication mode applied ([`super::disclosure`]) before anything is shown or
//! exported. One [`Report`] feeds the dashboard, the board report, the CSV and the workbook.

use super::{
    disclosure,
    disparity::{self, Finding, Side},
    groups::{self, EthnicRow, Kind},
    params::Criteria,
    query::{self, Context, Dimension},
    sections::{
        characteristics_table, disparity_table, nm01_table, perpetrator_table, recording_table,
        satisfaction_table, satisfied, victim_table, volume_table,
    },
    settings::{Nm01Year, ReportSettings},
    table::{Cell, Table, Value},
};
use crate::{
    cases::visibility::Viewer,
    reports::compliance::period::{Period, financial_year_of},
};
use sea_orm::{DatabaseConnection, DbErr};
use time::OffsetDateTime;

/// Names the report shows for codes and ids.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// (id, name)
    pub areas: Vec<(i32, String)>,
    /// (code, label, monitored)
    pub strands: Vec<(String, String, bool)>,
    /// (id, display name) of staff who logged cases.
    pub officers: Vec<(i32, String)>,
}

/// One measure compared across ethnic groups.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// `resolved_rate`.
    pub measure: &'static str,
    pub title: &'static str,
    pub noun: String,
    pub verb: String,
    /// Against the reference group: the five groups, then the nineteen categories.
    pub by_group: Vec<Finding>,
    pub by_category: Vec<Finding>,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub criteria: Criteria,
    pub settings: ReportSettings,
    pub generated_at: OffsetDateTime,
    /// Every table, in page order.
    pub tables: Vec<Table>,
    pub comparisons: Vec<Comparison>,
    /// NM01's year and whether homes are set.
    pub nm01_year: i32,
    pub nm01: Option<Nm01Year>,
}

impl Report {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// Measures a disparity is tested on: (code, title, noun, verb).
type Measure = (&'static str, &'static str, &'static str, &'static str);
pub const COMPARED: [Measure; 4] = [
    ("resolved_rate", "Resolved rate", "closed cases", "were resolved"),
    (
        "first_contact_on_time_rate",
        "Initial contact on time",
        "initial-contact deadlines on cases",
        "were met on time",
    ),
    (
        "closed_within_target_rate",
        "Closed within the target",
        "cases opened long enough ago",
        "were closed within the target days",
    ),
    (
        "satisfied_rate",
        "Satisfied with how the case was handled",
        "answered post-closure checks on cases",
        "said they were satisfied with how the case was handled",
    ),
];

/// (x, n) of a compared measure for one row.
fn fraction(measure: &str, c: &query::VictimCounts) -> (u64, u64) {
    match measure {
        "resolved_rate" => (c.outcomes.first().copied().unwrap_or(0), c.closed),
        "first_contact_on_time_rate" => (c.ic_met, c.ic_decided),
        "closed_within_target_rate" => (c.target_met, c.target_cohort),
        _ => satisfied(&c.handling),
    }
}

/// The volume tables, in order: (breakdown, table id, title).
const VOLUMES: [(Dimension, &str, &str); 5] = [
    (Dimension::Month, "volume-month", "Cases opened by month"),
    (Dimension::Strand, "volume-strand", "By motivation strand"),
    (Dimension::IncidentType, "volume-type", "By incident type"),
    (Dimension::Area, "volume-area", "By area"),
    (Dimension::Priority, "volume-priority", "By priority"),
];

/// Each of [`VOLUMES`]' counts; none when `full` is not asked for.
async fn volumes(
    db: &DatabaseConnection,
    criteria: &Criteria,
    viewer: &Viewer,
    full: bool,
) -> Result<query::Volumes, DbErr> {
    if !full {
        return Ok(query::Volumes::new());
    }
    query::volumes(db, criteria, viewer, |s| limited(async move { s.all(db).await })).await
}

/// Report statements running at once, across every report being built: about the
/// cores, and half of SQLite's four connections.
const AT_ONCE: usize = 2;
static SECTIONS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(AT_ONCE);

/// `work`, once fewer than [`AT_ONCE`] report statements are running.
async fn limited<T>(work: impl Future<Output = T>) -> T {
    let _turn = SECTIONS.acquire().await.ok();
    work.await
}

/// `work`'s answer when `wanted`, else `None` without running it.
async fn when<T>(wanted: bool, work: impl Future<Output = Result<T, DbErr>>) -> Result<Option<T>, DbErr> {
    if wanted { work.await.map(Some) } else { Ok(None) }
}

/// What a report is built from.
pub struct Inputs<'a> {
    pub viewer: &'a Viewer,
    pub criteria: &'a Criteria,
    pub settings: &'a ReportSettings,
    pub names: &'a Names,
    /// NM01's homes for the reporting year the period ends in.
    pub nm01: Option<Nm01Year>,
    pub now: OffsetDateTime,
    /// Every section; otherwise only what the board report's headline figures need (the
    /// victim tables, recording, NM01 and the flags), for the quarters it compares.
    pub full: bool,
}

pub async fn build(db: &DatabaseConnection, inputs: Inputs<'_>) -> Result<Report, DbErr> {
    let Inputs {
        viewer,
        criteria,
        settings,
        names,
        nm01,
        now,
        full,
    } = inputs;
    let cx = Context {
        criteria,
        viewer,
        now,
        close_target_days: settings.close_target_days,
    };
    let nm01_year = financial_year_of(criteria.period.to);
    let (fy_from, fy_to) = crate::reports::compliance::period::Preset::Year(nm01_year).dates();
    let (from, _) = crate::reports::sql::bounds(fy_from, fy_to);
    let (_, before) = crate::reports::sql::bounds(fy_from, criteria.period.to.min(fy_to));
    // The sections' statements side by side, at most [`AT_ONCE`] at a time across every
    // report being built, so reports leave connections for everyone else.
    let (victims, volumes, perpetrators, (recording, characteristics), (opened, hate)) = tokio::try_join!(
        limited(query::victims(db, &cx)),
        volumes(db, criteria, viewer, full),
        when(full, async {
            tokio::try_join!(
                limited(query::perpetrators(db, criteria, viewer)),
                limited(query::repeat_perpetrators(db, criteria, viewer))
            )
        }),
        limited(query::recording(db, criteria, viewer, full)),
        limited(query::nm01(db, viewer, from, before)),
    )?;
    let mut tables = vec![];
    if full {
        for (dim, id, title) in VOLUMES {
            let counts = volumes.get(&dim).cloned().unwrap_or_default();
            tables.push(volume_table(dim, id, title, &counts, criteria, names));
        }
    }
    tables.push(victim_table(&victims, settings));
    tables.push(satisfaction_table(&victims));
    if let Some((perpetrators, repeat)) = perpetrators {
        tables.push(perpetrator_table(&perpetrators, repeat.len() as u64));
    }
    tables.push(recording_table(&recording, names, settings, criteria.publication));
    if let Some(characteristics) = characteristics {
        tables.push(characteristics_table(&characteristics));
    }
    tables.push(nm01_table(opened, hate, nm01.as_ref()));

    if criteria.publication {
        // The regulator's figure is never suppressed.
        for t in tables.iter_mut().filter(|t| t.section != "nm01") {
            disclosure::suppress(t);
        }
    }
    // Disparities are tested on the tables as shown: in publication mode a group whose rate
    // is hidden there (by any rule) is neither tested nor shown.
    let hidden = |measure: &str, code: &str| {
        let (table, column) = match measure {
            "satisfied_rate" => ("satisfaction", "handling_satisfied_rate"),
            _ => ("victims", measure),
        };
        criteria.publication
            && tables
                .iter()
                .find(|t| t.id == table)
                .and_then(|t| t.cell(code, column))
                .is_none_or(Cell::is_hidden)
    };
    let comparisons = compare(&victims, settings, hidden);
    for (id, title, by_group) in [
        ("disparity-groups", "Disparity: ethnic groups", true),
        ("disparity-categories", "Disparity: ethnic categories", false),
    ] {
        let mut t = disparity_table(id, title, &comparisons, by_group);
        if criteria.publication {
            // Rates follow the primary rule too; p-values and flags exist only for groups
            // that were tested.
            for cell in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                if matches!(cell.value, Value::Rate { .. }) && !cell.is_hidden() {
                    cell.mark = disclosure::primary(cell);
                }
            }
        }
        tables.push(t);
    }
    Ok(Report {
        criteria: criteria.clone(),
        settings: settings.clone(),
        generated_at: now,
        tables,
        comparisons,
        nm01_year,
        nm01,
    })
}

/// Every compared measure, by group and by category. `hidden(measure, row code)`: whether
/// that row's rate is hidden on the page (publication mode).
fn compare(
    v: &query::Victims,
    settings: &ReportSettings,
    hidden: impl Fn(&str, &str) -> bool,
) -> Vec<Comparison> {
    let rows = groups::rows();
    let empty = query::VictimCounts::default();
    let side = |r: &EthnicRow, measure: &str| {
        let (x, n) = fraction(measure, v.counts.get(r.code).unwrap_or(&empty));
        let name = match r.kind {
            Kind::Group => groups::short_name(r.label).to_owned(),
            _ => r.label.to_owned(),
        };
        Side {
            code: r.code.to_owned(),
            name,
            x,
            n,
        }
    };
    COMPARED
        .iter()
        .map(|(measure, title, noun, verb)| {
            let mut findings = [true, false].map(|by_group| {
                let reference_code = if by_group {
                    &settings.group_reference
                } else {
                    &settings.category_reference
                };
                let compared: Vec<Side> = rows
                    .iter()
                    .filter(|r| {
                        if by_group {
                            r.kind == Kind::Group
                        } else {
                            matches!(r.kind, Kind::Category { .. })
                        }
                    })
                    .filter(|r| r.code != reference_code.as_str())
                    .map(|r| side(r, measure))
                    .collect();
                let reference = rows
                    .iter()
                    .find(|r| r.code == reference_code.as_str())
                    .map(|r| side(r, measure))
                    .unwrap_or_else(|| Side {
                        code: reference_code.clone(),
                        name: reference_code.clone(),
                        x: 0,
                        n: 0,
                    });
                disparity::compare(&compared, &reference, |s: &Side| hidden(measure, &s.code))
            });
            let days = settings.close_target_days;
            Comparison {
                measure,
                title,
                noun: noun.to_string(),
                verb: verb.replace("the target days", &format!("{days} days")),
                by_category: std::mem::take(&mut findings[1]),
                by_group: std::mem::take(&mut findings[0]),
            }
        })
        .collect()
}

/// The period's label for headings.
pub fn period_label(p: &Period) -> String {
    match p.preset {
        Some(preset) => preset.label(),
        None => format!(
            "{} to {}",
            crate::web::time_fmt::plain_date(p.from),
            crate::web::time_fmt::plain_date(p.to)
        ),
    }
}
