//! The tables of each section (pure): turning the aggregates of [`super::query`] into
//! [`Table`]s with their rows, columns and the additive lines secondary suppression needs.

use super::{
    disparity,
    groups::{self, ALL, EthnicRow, GROUPS, Kind},
    params::Criteria,
    query::{self, Dimension, GROUP_OF_PEOPLE, PERPETRATOR_OUTCOMES, UNKNOWN_PERSON},
    report::{Comparison, Names},
    settings::{Nm01Year, ReportSettings},
    stats::Histogram,
    table::{Cell, Column, Level, Line, Mark, Table, Value},
};
use crate::{
    cases::codes,
    enforcement::{self, LADDER},
    risk,
};
use std::collections::BTreeMap;

pub fn volume_table(
    dim: Dimension,
    id: &str,
    title: &str,
    counts: &BTreeMap<String, (u64, u64, u64)>,
    criteria: &Criteria,
    names: &Names,
) -> Table {
    let mut t = Table::new(
        "volume",
        id,
        title,
        vec![
            Column::new("cases_opened", "Cases opened"),
            Column::new("reports_received", "Reports received"),
            Column::new("cases_opened_previous_year", "Cases opened a year earlier"),
        ],
    );
    // (code in the query, export code, label)
    let keys: Vec<(String, String, String)> = match dim {
        Dimension::Month => criteria
            .period
            .months()
            .into_iter()
            .map(|(y, m)| {
                let code = format!("{y:04}-{:02}", m as u8);
                (code.clone(), format!("month-{code}"), format!("{m} {y}"))
            })
            .collect(),
        Dimension::Strand => names
            .strands
            .iter()
            .map(|(code, label, monitored)| {
                let kind = if *monitored { "" } else { " (local)" };
                (code.clone(), format!("strand-{code}"), format!("{label}{kind}"))
            })
            .collect(),
        Dimension::IncidentType => codes::INCIDENT_TYPES
            .iter()
            .map(|(c, l)| (c.to_string(), format!("type-{c}"), l.to_string()))
            .collect(),
        Dimension::Area => names
            .areas
            .iter()
            .map(|(id, name)| (id.to_string(), format!("area-{id}"), name.clone()))
            .collect(),
        Dimension::Priority => codes::PRIORITIES
            .iter()
            .map(|(c, l)| (c.to_string(), format!("priority-{c}"), l.to_string()))
            .collect(),
    };
    for (key, code, label) in keys {
        let (opened, reports, previous) = counts.get(&key).copied().unwrap_or_default();
        // Areas and strands nobody used in either year are left out.
        if opened + reports + previous == 0 && matches!(dim, Dimension::Area | Dimension::Strand) {
            continue;
        }
        t.push(
            code,
            label,
            Level::Item,
            vec![Cell::count(opened), Cell::count(reports), Cell::count(previous)],
        );
    }
    // Months, areas and priorities partition the cases: they have a total.
    if matches!(dim, Dimension::Month | Dimension::Area | Dimension::Priority) {
        let items = t.rows.len();
        let sums: Vec<u64> = (0..3)
            .map(|c| t.rows.iter().filter_map(|r| r.cells[c].as_count()).sum())
            .collect();
        // One "all" row in the section (the month table's); the others name their own.
        let code = match dim {
            Dimension::Month => ALL,
            Dimension::Area => "area-all",
            _ => "priority-all",
        };
        t.push(
            code,
            "All",
            Level::Total,
            sums.into_iter().map(Cell::count).collect(),
        );
        for c in 0..3 {
            t.lines.push(Line {
                total: (items, c),
                members: (0..items).map(|r| (r, c)).collect(),
            });
        }
    }
    t.note = match dim {
        Dimension::Strand | Dimension::IncidentType => {
            "A case with several strands or incident types counts under each.".to_owned()
        }
        _ => String::new(),
    };
    t
}

/// The lines of an ethnicity table: each group is the total of its categories, and All of
/// the groups and the answers that are not an ethnicity (plus `extra` rows), for every
/// count column in `columns`.
pub fn ethnic_lines(t: &mut Table, rows: &[EthnicRow], columns: &[usize], extra: &[&str]) {
    let index = |code: &str| t.row(code);
    let mut lines = vec![];
    for &c in columns {
        for (gi, (gcode, ..)) in GROUPS.iter().enumerate() {
            let members: Vec<(usize, usize)> = rows
                .iter()
                .filter(|r| r.kind == Kind::Category { group: gi })
                .filter_map(|r| index(r.code).map(|i| (i, c)))
                .collect();
            if let Some(total) = index(gcode) {
                lines.push(Line {
                    total: (total, c),
                    members,
                });
            }
        }
        let members: Vec<(usize, usize)> = rows
            .iter()
            .filter(|r| matches!(r.kind, Kind::Group | Kind::NotGiven))
            .map(|r| r.code)
            .chain(extra.iter().copied())
            .filter_map(|code| index(code).map(|i| (i, c)))
            .collect();
        if let Some(total) = index(ALL) {
            lines.push(Line {
                total: (total, c),
                members,
            });
        }
    }
    t.lines.extend(lines);
}

pub fn level(r: &EthnicRow) -> Level {
    match r.kind {
        Kind::Group => Level::Group,
        Kind::All => Level::Total,
        _ => Level::Item,
    }
}

pub fn median(h: Option<&Vec<(i64, u64)>>, scale: f64) -> Cell {
    let h = Histogram::new(h.cloned().unwrap_or_default());
    match h.median() {
        Some(v) => Cell::new(Value::Median {
            value: v / scale,
            n: h.count(),
        }),
        None => Cell::new(Value::Missing),
    }
}

pub fn p90(h: Option<&Vec<(i64, u64)>>, scale: f64) -> Cell {
    let h = Histogram::new(h.cloned().unwrap_or_default());
    match h.nearest_rank(90) {
        Some(v) => Cell::new(Value::Median {
            value: v as f64 / scale,
            n: h.count(),
        }),
        None => Cell::new(Value::Missing),
    }
}

pub fn per_case(total: u64, cases: u64) -> Cell {
    Cell::new(if cases == 0 {
        Value::Missing
    } else {
        Value::PerCase { total, cases }
    })
}

pub fn victim_table(v: &query::Victims, settings: &ReportSettings) -> Table {
    let mut columns = vec![
        Column::new("cases_opened", "Cases opened"),
        Column::new("cases_still_open", "Of those, still open"),
        Column::new("cases_closed", "Cases closed"),
    ];
    for (code, label) in codes::OUTCOMES {
        columns.push(Column::new(format!("closed_{code}"), format!("Closed: {label}")));
    }
    columns.extend([
        Column::new("resolved_rate", "Resolved rate"),
        Column::new("first_contact_median_hours", "First contact, median hours"),
        Column::new("first_contact_p90_hours", "First contact, 90th percentile hours"),
        Column::new("first_contact_on_time_rate", "Initial contact on time"),
        Column::new("median_days_to_close", "Median days to close"),
        Column::new(
            "closed_within_target_rate",
            format!("Closed within {} days", settings.close_target_days),
        ),
    ]);
    for (code, label) in risk::LEVELS {
        columns.push(Column::new(
            format!("risk_first_{code}"),
            format!("First risk: {label}"),
        ));
    }
    columns.extend([
        Column::new("risk_not_assessed", "Risk not assessed"),
        Column::new("support_provided_per_case", "Support measures provided per case"),
        Column::new("referrals_per_case", "Referrals made per case"),
    ]);
    let mut t = Table::new("victim_ethnicity", "victims", "By victim ethnicity", columns).note(
        "A case counts once in each ethnic category and group of its victims (a case with two victims of \
         different groups counts in both); All counts each case once.",
    );
    let rows = groups::rows();
    let empty = query::VictimCounts {
        outcomes: vec![0; codes::OUTCOMES.len()],
        handling: vec![0; codes::SATISFACTION.len()],
        outcome_satisfaction: vec![0; codes::SATISFACTION.len()],
        ..Default::default()
    };
    for r in &rows {
        let c = v.counts.get(r.code).unwrap_or(&empty);
        let mut cells = vec![
            Cell::count(c.opened).drillable(),
            Cell::count(c.still_open).drillable(),
            Cell::count(c.closed).drillable(),
        ];
        cells.extend(c.outcomes.iter().map(|n| Cell::count(*n).drillable()));
        cells.extend([
            Cell::rate(c.outcomes.first().copied().unwrap_or(0), c.closed),
            median(v.first_contact.get(r.code), 10.0),
            p90(v.first_contact.get(r.code), 10.0),
            Cell::rate(c.ic_met, c.ic_decided),
            median(v.days_to_close.get(r.code), 1.0),
            Cell::rate(c.target_met, c.target_cohort),
        ]);
        cells.extend(c.risk.iter().map(|n| Cell::count(*n)));
        cells.push(per_case(c.support_provided, c.opened));
        cells.push(per_case(c.referrals, c.opened));
        t.push(r.code, r.label, level(r), cells);
    }
    let counts: Vec<usize> = (0..t.columns.len())
        .filter(|&c| t.rows[0].cells[c].as_count().is_some())
        .collect();
    ethnic_lines(&mut t, &rows, &counts, &[]);
    // Outcomes add up to cases closed; risk levels to cases opened.
    let closed = t.column("cases_closed").expect("column");
    let opened = t.column("cases_opened").expect("column");
    let outcome_cols: Vec<usize> = codes::OUTCOMES
        .iter()
        .filter_map(|(c, _)| t.column(&format!("closed_{c}")))
        .collect();
    let risk_cols: Vec<usize> = (0..t.columns.len())
        .filter(|&c| t.columns[c].code.starts_with("risk_"))
        .collect();
    for r in 0..t.rows.len() {
        t.lines.push(Line {
            total: (r, closed),
            members: outcome_cols.iter().map(|c| (r, *c)).collect(),
        });
        t.lines.push(Line {
            total: (r, opened),
            members: risk_cols.iter().map(|c| (r, *c)).collect(),
        });
    }
    t
}

pub fn satisfaction_table(v: &query::Victims) -> Table {
    let mut columns = vec![Column::new("checks", "Post-closure checks")];
    for (which, label) in [("handling", "Handling"), ("outcome", "Outcome")] {
        for (code, l) in codes::SATISFACTION {
            columns.push(Column::new(format!("{which}_{code}"), format!("{label}: {l}")));
        }
        columns.push(Column::new(
            format!("{which}_satisfied_rate"),
            format!("{label}: satisfied"),
        ));
    }
    let mut t = Table::new("satisfaction", "satisfaction", "Victim satisfaction", columns).note(
        "The latest post-closure check of each case closed in the period. Satisfied = very or fairly \
         satisfied, of those who answered (declined and could not contact are left out).",
    );
    let rows = groups::rows();
    let n = codes::SATISFACTION.len();
    for r in &rows {
        let c = v.counts.get(r.code);
        let handling = c.map_or(vec![0; n], |c| c.handling.clone());
        let outcome = c.map_or(vec![0; n], |c| c.outcome_satisfaction.clone());
        let mut cells = vec![Cell::count(handling.iter().sum())];
        for counts in [&handling, &outcome] {
            cells.extend(counts.iter().map(|n| Cell::count(*n)));
            let (yes, answered) = satisfied(counts);
            cells.push(Cell::rate(yes, answered));
        }
        t.push(r.code, r.label, level(r), cells);
    }
    let counts: Vec<usize> = (0..t.columns.len())
        .filter(|&c| t.rows[0].cells[c].as_count().is_some())
        .collect();
    ethnic_lines(&mut t, &rows, &counts, &[]);
    for r in 0..t.rows.len() {
        for start in [1, 2 + n] {
            t.lines.push(Line {
                total: (r, 0),
                members: (start..start + n).map(|c| (r, c)).collect(),
            });
        }
    }
    t
}

pub fn perpetrator_table(p: &BTreeMap<String, query::PerpetratorCounts>, repeat: u64) -> Table {
    let mut columns = vec![
        Column::new("alleged_perpetrators", "Alleged perpetrators"),
        Column::new("with_action", "With any action"),
    ];
    for (code, label) in LADDER {
        columns.push(Column::new(format!("action_{code}"), label));
    }
    for status in PERPETRATOR_OUTCOMES {
        let label = codes::label(&enforcement::STATUSES, status);
        columns.push(Column::new(
            format!("actions_{status}"),
            format!("Actions {}", label.to_lowercase()),
        ));
    }
    columns.push(Column::new(
        "repeat_alleged_perpetrators",
        "Alleged on two or more cases",
    ));
    let mut t = Table::new(
        "perpetrator_ethnicity",
        "perpetrators",
        "By alleged perpetrator ethnicity",
        columns,
    )
    .note(
        "People alleged to be perpetrators on cases opened in the period, and the action taken against them \
         (at any time). Unknown people and groups are shown apart. Action columns count actions taken beyond \
         planned; outcome columns count actions now granted, refused, breached or withdrawn.",
    );
    let mut rows: Vec<(String, String, Level)> = groups::rows()
        .iter()
        .filter(|r| r.kind != Kind::All)
        .map(|r| (r.code.to_owned(), r.label.to_owned(), level(r)))
        .collect();
    rows.push((UNKNOWN_PERSON.into(), "Not known who".into(), Level::Item));
    rows.push((GROUP_OF_PEOPLE.into(), "A group of people".into(), Level::Item));
    rows.push((ALL.into(), "All".into(), Level::Total));
    for (code, label, lvl) in rows {
        let c = p.get(&code).cloned().unwrap_or_default();
        let mut cells = vec![Cell::count(c.people), Cell::count(c.with_action)];
        let rungs = if c.rungs.is_empty() {
            vec![0; LADDER.len()]
        } else {
            c.rungs
        };
        cells.extend(rungs.iter().map(|n| Cell::count(*n)));
        cells.extend(c.outcomes.iter().map(|n| Cell::count(*n)));
        // The repeat count is landlord-wide: it belongs to All.
        cells.push(if code == ALL {
            Cell::count(repeat)
        } else {
            Cell::new(Value::Missing)
        });
        t.push(code, label, lvl, cells);
    }
    let counts: Vec<usize> = (0..t.columns.len() - 1).collect();
    ethnic_lines(
        &mut t,
        &groups::rows(),
        &counts,
        &[UNKNOWN_PERSON, GROUP_OF_PEOPLE],
    );
    t
}

pub fn recording_table(
    rec: &BTreeMap<(String, String), query::Recording>,
    names: &Names,
    settings: &ReportSettings,
    publication: bool,
) -> Table {
    let mut t = Table::new(
        "recording",
        "recording",
        "Recording completeness",
        vec![
            Column::new("victims", "Victims"),
            Column::new("not_known", "Ethnicity not known"),
            Column::new("prefer_not_to_say", "Prefer not to say"),
            Column::new("not_given_rate", "Not given"),
            Column::new("meets_target", "Meets the target"),
            Column::new("perpetrators", "Alleged perpetrators (named)"),
            Column::new("perpetrators_not_known", "Perpetrator ethnicity not known"),
            Column::new("perpetrators_prefer_not_to_say", "Perpetrator prefer not to say"),
            Column::new("perpetrators_not_given_rate", "Perpetrators not given"),
        ],
    )
    .note(format!(
        "Victims and named alleged perpetrators on cases opened in the period, once per case. Target: at most {} % \
         of victims with ethnicity not given (\"Not known\" or \"Prefer not to say\"). By the officer who logged the case.",
        settings.not_given_target_percent
    ));
    // (key in `rec`, code in exports, label)
    let mut keys: Vec<(String, String, String)> = vec![(ALL.to_owned(), ALL.to_owned(), "All".to_owned())];
    keys.extend(names.areas.iter().map(|(id, name)| {
        let code = format!("area-{id}");
        (code.clone(), code, name.clone())
    }));
    let first_officer = keys.len();
    // Staff are not named in published figures.
    let mut officers: Vec<(String, String)> = names
        .officers
        .iter()
        .map(|(id, name)| (format!("officer-{id}"), name.clone()))
        .collect();
    officers.retain(|(code, _)| rec.keys().any(|(k, _)| k == code));
    // Staff are neither named nor identified in published figures.
    for (i, (key, name)) in officers.into_iter().enumerate() {
        keys.push(if publication {
            (key, format!("officer-{}", i + 1), format!("Officer {}", i + 1))
        } else {
            (key.clone(), key, format!("Logged by {name}"))
        });
    }
    for (i, (key, code, label)) in keys.iter().enumerate() {
        let get = |role: &str| {
            rec.get(&(key.clone(), role.to_owned()))
                .cloned()
                .unwrap_or_default()
        };
        let v = get(codes::VICTIM);
        let p = get(codes::PERPETRATOR);
        // Areas nobody reported from are left out.
        if code.starts_with("area-") && v.people + p.people == 0 {
            continue;
        }
        let not_given = v.not_known + v.prefer_not;
        let meets =
            v.people > 0 && not_given * 100 <= u64::from(settings.not_given_target_percent) * v.people;
        t.push(
            code.clone(),
            label.clone(),
            if i == 0 { Level::Total } else { Level::Item },
            vec![
                Cell::count(v.people),
                Cell::count(v.not_known),
                Cell::count(v.prefer_not),
                Cell::rate(not_given, v.people),
                if v.people == 0 {
                    Cell::new(Value::Missing)
                } else {
                    Cell::new(Value::Flag(meets))
                },
                Cell::count(p.people),
                Cell::count(p.not_known),
                Cell::count(p.prefer_not),
                Cell::rate(p.not_known + p.prefer_not, p.people),
            ],
        );
    }
    let areas: Vec<usize> = (0..t.rows.len())
        .filter(|&r| t.rows[r].code.starts_with("area-"))
        .collect();
    let officers: Vec<usize> = (first_officer.min(t.rows.len())..t.rows.len())
        .filter(|&r| t.rows[r].code.starts_with("officer-"))
        .collect();
    for c in [0, 1, 2, 5, 6, 7] {
        for members in [&areas, &officers] {
            if !members.is_empty() {
                t.lines.push(Line {
                    total: (0, c),
                    members: members.iter().map(|r| (*r, c)).collect(),
                });
            }
        }
    }
    t
}

pub fn characteristics_table(c: &[(u64, u64, u64)]) -> Table {
    let mut t = Table::new(
        "recording",
        "characteristics",
        "Other protected characteristics of victims",
        vec![
            Column::new("answered", "Answered"),
            Column::new("prefer_not_to_say", "Prefer not to say"),
            Column::new("not_answered", "Not asked or not answered"),
            Column::new("answered_rate", "Answered"),
        ],
    );
    for (ch, (answered, prefer, none)) in codes::CHARACTERISTICS.iter().zip(c) {
        t.push(
            format!("characteristic-{}", ch.field.replace('_', "-")),
            ch.question,
            Level::Item,
            vec![
                Cell::count(*answered),
                Cell::count(*prefer),
                Cell::count(*none),
                Cell::rate(*answered, answered + prefer + none),
            ],
        );
    }
    t
}

pub fn nm01_table(opened: u64, hate: u64, year: Option<&Nm01Year>) -> Table {
    let mut t = Table::new(
        "nm01",
        "nm01",
        "NM01: anti-social behaviour cases per 1,000 homes",
        vec![
            Column::new("cases_opened", "Cases opened in Harbour"),
            Column::new("other_asb_cases", "ASB cases logged in other systems"),
            Column::new("hate_cases_opened", "Cases involving hate incidents"),
            Column::new("homes", "Homes owned (LCRA + LCHO)"),
            Column::new("cases_per_1000_homes", "NM01(1) ASB cases per 1,000 homes"),
            Column::new("hate_cases_per_1000_homes", "NM01(2) hate cases per 1,000 homes"),
        ],
    );
    let missing = || Cell::new(Value::Missing);
    let cells = match year.filter(|y| y.homes() > 0) {
        Some(y) => {
            let homes = y.homes() as f64;
            let all = opened + u64::from(y.other_asb_cases);
            vec![
                Cell::count(opened),
                Cell::count(u64::from(y.other_asb_cases)),
                Cell::count(hate),
                Cell::count(u64::from(y.homes())),
                Cell::new(Value::Fixed2(all as f64 / homes * 1000.0)),
                Cell::new(Value::Fixed2(hate as f64 / homes * 1000.0)),
            ]
        }
        None => vec![
            Cell::count(opened),
            missing(),
            Cell::count(hate),
            missing(),
            missing(),
            missing(),
        ],
    };
    t.push("nm01", "This reporting year to date", Level::Total, cells);
    t
}

pub fn disparity_table(id: &str, title: &str, comparisons: &[Comparison], by_group: bool) -> Table {
    let mut columns = vec![];
    for c in comparisons {
        for (suffix, label) in [
            ("_rate_group", "rate"),
            ("_rate_reference", "reference rate"),
            ("_p_value", "p"),
            ("_p_adjusted", "p (Holm)"),
            ("_flagged", "flagged"),
        ] {
            columns.push(Column::new(
                format!("{}{suffix}", c.measure),
                format!("{}: {label}", c.title),
            ));
        }
    }
    let mut t = Table::new("disparity", id, title, columns);
    let Some(first) = comparisons.first() else {
        return t;
    };
    let list = |c: &Comparison| {
        if by_group {
            c.by_group.clone()
        } else {
            c.by_category.clone()
        }
    };
    for (i, f) in list(first).iter().enumerate() {
        let mut cells = vec![];
        for c in comparisons {
            let f = &list(c)[i];
            let hidden = f.verdict == disparity::Verdict::Withheld;
            let mut rate = Cell::rate(f.group.x, f.group.n);
            if hidden {
                rate.mark = Mark::Confidential;
            }
            let p = |v: Option<f64>| v.map_or(Cell::new(Value::Missing), |p| Cell::new(Value::P(p)));
            cells.extend([
                rate,
                {
                    let mut reference = Cell::rate(f.reference.x, f.reference.n);
                    if f.reference_withheld {
                        reference.mark = Mark::Confidential;
                    }
                    reference
                },
                p(f.p),
                p(f.p_adjusted),
                Cell::new(Value::Flag(f.verdict == disparity::Verdict::Flagged)),
            ]);
        }
        let label = groups::rows()
            .iter()
            .find(|r| r.code == f.group.code)
            .map_or(f.group.name.clone(), |r| r.label.to_owned());
        t.push(f.group.code.clone(), label, Level::Item, cells);
    }
    t
}

/// (satisfied, answered) from counts in `codes::SATISFACTION` order.
pub fn satisfied(counts: &[u64]) -> (u64, u64) {
    let mut yes = 0;
    let mut answered = 0;
    for ((code, _), n) in codes::SATISFACTION.iter().zip(counts) {
        if codes::SATISFIED.contains(code) {
            yes += n;
        }
        if !codes::NO_ANSWER.contains(code) {
            answered += n;
        }
    }
    (yes, answered)
}
