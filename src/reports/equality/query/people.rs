//! Alleged perpetrators by ethnicity (with action taken and repeat alleged perpetrators),
//! and how completely victims' and alleged perpetrators' ethnicity and characteristics are
//! recorded.

use super::filters;
use crate::reports::equality::{
    groups::{self, ALL},
    params::Criteria,
};
use crate::reports::sql::{self, Sql, count_if, int, list, lit, text};
use crate::{
    cases::{codes, visibility::Viewer},
    enforcement::{self, LADDER},
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use std::collections::BTreeMap;

/// One alleged-perpetrator row's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerpetratorCounts {
    pub people: u64,
    pub with_action: u64,
    /// Actions taken (beyond planned), by rung in `LADDER` order.
    pub rungs: Vec<u64>,
    /// Actions now granted, refused, breached, withdrawn.
    pub outcomes: [u64; 4],
}

pub const PERPETRATOR_OUTCOMES: [&str; 4] = [
    enforcement::GRANTED,
    enforcement::REFUSED,
    enforcement::BREACHED,
    enforcement::WITHDRAWN,
];
pub const UNKNOWN_PERSON: &str = "unknown-person";
pub const GROUP_OF_PEOPLE: &str = "group-of-people";

/// A party's person seen through disposal: a de-identified stand-in counts as the person it
/// stands in for while that record exists, so someone on a disposed case and a kept one is
/// still one person (retention must not change a figure). Needs [`STANDIN`] among the joins.
const WHO: &str = "COALESCE(ps.original_id, cp.person_id)";

/// The stand-in record, if any, of party `cp`'s person: a join rather than a lookup per
/// row, which PostgreSQL ran for every party of every case before joining the actions.
const STANDIN: &str = "LEFT JOIN person_standins ps ON ps.standin_id = cp.person_id";

/// `WITH pc …, pp …`: cases opened in the period and their alleged perpetrators.
fn perpetrators_cte(criteria: &Criteria, viewer: &Viewer, backend: DbBackend) -> Sql {
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    let mut s = Sql::default();
    s.push(
        "WITH pc AS (SELECT c.id FROM cases c WHERE c.received_at >= ? AND c.received_at < ?",
        [from.into(), before.into()],
    );
    s.append(filters(criteria, viewer, backend));
    s.push(
        &format!(
            "), pp AS (SELECT DISTINCT {WHO} AS person_id, p.kind, p.ethnicity FROM case_parties cp \
             JOIN pc ON pc.id = cp.case_id JOIN people p ON p.id = cp.person_id {STANDIN} WHERE cp.role = {}) ",
            lit(codes::PERPETRATOR)
        ),
        [],
    );
    s
}

pub async fn perpetrators(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<BTreeMap<String, PerpetratorCounts>, DbErr> {
    let backend = db.get_database_backend();
    let kind = |then: &str| {
        format!(
            "CASE WHEN kind = 'unknown' THEN '{UNKNOWN_PERSON}' WHEN kind = 'group' THEN '{GROUP_OF_PEOPLE}' ELSE {then} END"
        )
    };
    let mut columns = vec![
        "COUNT(DISTINCT pm.person_id)".to_owned(),
        "COUNT(DISTINCT acts.person_id)".to_owned(),
    ];
    for (rung, _) in LADDER {
        columns.push(count_if(&format!(
            "acts.kind = {} AND acts.status <> {}",
            lit(rung),
            lit(enforcement::PLANNED)
        )));
    }
    for status in PERPETRATOR_OUTCOMES {
        columns.push(count_if(&format!("acts.status = {}", lit(status))));
    }
    let mut s = perpetrators_cte(criteria, viewer, backend);
    s.push(
        &format!(
            ", pm AS (SELECT person_id, {by_category} AS g FROM pp UNION SELECT person_id, {by_group} FROM pp \
             UNION SELECT person_id, '{ALL}' FROM pp), \
             acts AS (SELECT {WHO} AS person_id, a.kind, a.status FROM perpetrator_actions a \
             JOIN pc ON pc.id = a.case_id JOIN case_parties cp ON cp.id = a.party_id {STANDIN}) \
             SELECT pm.g, {columns} FROM pm LEFT JOIN acts ON acts.person_id = pm.person_id GROUP BY pm.g",
            by_category = kind("ethnicity"),
            by_group = kind(&groups::group_sql("ethnicity")),
            columns = columns.join(", ")
        ),
        [],
    );
    let mut out = BTreeMap::new();
    for row in s.all(db).await? {
        let mut c = PerpetratorCounts {
            people: int(&row, 1)?,
            with_action: int(&row, 2)?,
            ..Default::default()
        };
        c.rungs = (0..LADDER.len())
            .map(|i| int(&row, 3 + i))
            .collect::<Result<_, _>>()?;
        for (j, slot) in c.outcomes.iter_mut().enumerate() {
            *slot = int(&row, 3 + LADDER.len() + j)?;
        }
        out.insert(text(&row, 0)?, c);
    }
    Ok(out)
}

/// Named people alleged on two or more cases (any time), at least one of them opened in
/// the period: (person id, number of cases).
pub async fn repeat_perpetrators(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
) -> Result<Vec<(i32, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let mut s = perpetrators_cte(criteria, viewer, backend);
    s.push(
        &format!(
            "SELECT {WHO}, COUNT(DISTINCT cp.case_id) FROM case_parties cp JOIN cases c ON c.id = cp.case_id \
             {STANDIN} WHERE cp.role = {} AND {WHO} IN (SELECT person_id FROM pp WHERE kind = {})",
            lit(codes::PERPETRATOR),
            lit(codes::NAMED)
        ),
        [],
    );
    // Every earlier case counts, whatever the filters, but only those the viewer may count.
    s.append(sql::visible(viewer, backend));
    s.push(
        &format!(
            " GROUP BY {WHO} HAVING COUNT(DISTINCT cp.case_id) >= 2 ORDER BY COUNT(DISTINCT cp.case_id) DESC, {WHO}"
        ),
        [],
    );
    s.all(db)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<i32>(0)?, int(r, 1)?)))
        .collect()
}

/// Recording completeness for one row: victims (or alleged perpetrators) on cases opened
/// in the period, counted once per case they are on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    pub people: u64,
    pub not_known: u64,
    pub prefer_not: u64,
}

/// Recording completeness by (key, role): key `all`, `area-N` or `officer-N` (the officer
/// who logged the case).
pub type RecordingCounts = BTreeMap<(String, String), Recording>;

/// The other protected characteristics of victims on cases opened in the period, each as
/// (answered, prefer not to say, not asked), in `codes::CHARACTERISTICS` order.
pub type Characteristics = Vec<(u64, u64, u64)>;

/// Recording completeness and, when `characteristics` is asked for, the victims' other
/// characteristics: one statement over the period's named victims and alleged
/// perpetrators, by (area, logging officer, role); All, each area and each officer, and
/// the characteristics, are added up from it.
pub async fn recording(
    db: &impl ConnectionTrait,
    criteria: &Criteria,
    viewer: &Viewer,
    characteristics: bool,
) -> Result<(RecordingCounts, Option<Characteristics>), DbErr> {
    let backend = db.get_database_backend();
    let (from, before) = sql::bounds(criteria.period.from, criteria.period.to);
    let prefer = lit(codes::PREFER_NOT);
    let victim = lit(codes::VICTIM);
    let answers: Vec<String> = if characteristics {
        codes::CHARACTERISTICS
            .iter()
            .flat_map(|ch| {
                let f = format!("p.{}", ch.field);
                [
                    format!("{f} IS NOT NULL AND {f} <> {prefer}"),
                    format!("{f} = {prefer}"),
                    format!("{f} IS NULL"),
                ]
            })
            .map(|answer| format!(", {}", count_if(&format!("cp.role = {victim} AND {answer}"))))
            .collect()
    } else {
        vec![]
    };
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT c.area_id, c.logged_by, cp.role, COUNT(*), {nk}, {pn}{answers} FROM case_parties cp \
             JOIN cases c ON c.id = cp.case_id JOIN people p ON p.id = cp.person_id \
             WHERE p.kind = {named} AND cp.role IN {roles} AND c.received_at >= ? AND c.received_at < ?",
            nk = count_if(&format!("p.ethnicity = {}", lit(codes::NOT_KNOWN))),
            pn = count_if(&format!("p.ethnicity = {prefer}")),
            answers = answers.concat(),
            named = lit(codes::NAMED),
            roles = list(&[codes::VICTIM, codes::PERPETRATOR]),
        ),
        [from.into(), before.into()],
    );
    s.append(filters(criteria, viewer, backend));
    s.push(" GROUP BY c.area_id, c.logged_by, cp.role", []);
    let mut out = RecordingCounts::new();
    let mut answered = vec![0; answers.len()];
    for row in s.all(db).await? {
        let area: i32 = row.try_get_by_index(0)?;
        let officer: i32 = row.try_get_by_index(1)?;
        let role = text(&row, 2)?;
        let (people, not_known, prefer_not) = (int(&row, 3)?, int(&row, 4)?, int(&row, 5)?);
        for key in [
            ALL.to_owned(),
            format!("area-{area}"),
            format!("officer-{officer}"),
        ] {
            let r = out.entry((key, role.clone())).or_default();
            r.people += people;
            r.not_known += not_known;
            r.prefer_not += prefer_not;
        }
        for (i, slot) in answered.iter_mut().enumerate() {
            *slot += int(&row, 6 + i)?;
        }
    }
    let characteristics = characteristics.then(|| {
        answered
            .chunks(3)
            .map(|c| (c[0], c[1], c[2]))
            .collect::<Characteristics>()
    });
    Ok((out, characteristics))
}
