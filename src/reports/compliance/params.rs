//! What a compliance request asks for, read from the query string (pure). Reading never
//! fails: every field is kept as typed (for re-showing the form); [`parse`] then checks them,
//! adding an error per field that is not usable, so a malformed link answers 422 with the
//! form and the typed values rather than figures for something else.

use super::{
    period::{self, CustomError, Period, Preset},
    stats::Bucket,
};
use crate::{
    procedure::Stage,
    web::{forms::FormErrors, time_fmt::iso_date},
};
use time::{Date, Month};

/// The longest value kept from any query parameter.
const MAX_PARAM_CHARS: usize = 200;

/// The value of `period` meaning "the dates given".
pub const CUSTOM: &str = "custom";
/// The value of `period` meaning the current financial year up to today (the default).
pub const YEAR_TO_DATE: &str = "ytd";
/// The value of `officer` meaning "cases with no officer".
pub const UNASSIGNED: &str = "unassigned";
/// The value of `bucket` meaning every deadline due in the period.
pub const DUE: &str = "due";

/// The query string as typed (the first occurrence of a repeated parameter wins).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub period: String,
    pub from: String,
    pub to: String,
    pub stage: String,
    pub officer: String,
    pub area: String,
    pub priority: String,
    pub bucket: String,
    pub month: String,
    pub page: String,
}

impl Params {
    pub fn from_query(query: &str) -> Self {
        let mut p = Params::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "period" => &mut p.period,
                "from" => &mut p.from,
                "to" => &mut p.to,
                "stage" => &mut p.stage,
                "officer" => &mut p.officer,
                "area" => &mut p.area,
                "priority" => &mut p.priority,
                "bucket" => &mut p.bucket,
                "month" => &mut p.month,
                "page" => &mut p.page,
                _ => continue,
            };
            if slot.is_empty() {
                *slot = value.chars().take(MAX_PARAM_CHARS).collect();
            }
        }
        p
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Officer {
    Unassigned,
    User(i32),
}

/// Which deadlines a report covers, checked and typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Criteria {
    pub period: Period,
    pub stage: Option<Stage>,
    pub officer: Option<Officer>,
    pub area_id: Option<i32>,
    /// The deadline's priority code (`p1`, `p2`).
    pub priority: Option<&'static str>,
}

impl Criteria {
    pub fn new(period: Period) -> Self {
        Criteria {
            period,
            stage: None,
            officer: None,
            area_id: None,
            priority: None,
        }
    }

    /// The criteria as query parameters in canonical form (a preset by its code, any other
    /// period by its dates), for links that must select exactly these deadlines.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = period_params(&self.period);
        if let Some(stage) = self.stage {
            out.push(("stage", stage.code().to_owned()));
        }
        match self.officer {
            Some(Officer::Unassigned) => out.push(("officer", UNASSIGNED.to_owned())),
            Some(Officer::User(id)) => out.push(("officer", id.to_string())),
            None => {}
        }
        if let Some(area) = self.area_id {
            out.push(("area", area.to_string()));
        }
        if let Some(priority) = self.priority {
            out.push(("priority", priority.to_owned()));
        }
        out
    }
}

/// A period as query parameters: a preset by its code, any other period by its dates.
pub fn period_params(period: &Period) -> Vec<(&'static str, String)> {
    match period.preset {
        Some(preset) => vec![("period", preset.code())],
        None => vec![
            ("period", CUSTOM.to_owned()),
            ("from", iso_date(period.from)),
            ("to", iso_date(period.to)),
        ],
    }
}

/// What the drill-down lists besides the criteria.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drill {
    /// `None`: every deadline due.
    pub bucket: Option<Bucket>,
    pub month: Option<(i32, Month)>,
    pub page: Option<u64>,
}

/// The checked criteria; problems are added to `errors` (by field id) and the result is
/// then not to be used.
pub fn parse(p: &Params, today: Date, errors: &mut FormErrors) -> Criteria {
    let period = parse_period(p, today, errors);
    let mut c = Criteria::new(period);
    let stage = p.stage.trim();
    if !stage.is_empty() {
        c.stage = Stage::from_code(stage);
        if c.stage.is_none() {
            errors.add("stage", "Choose a stage from the list");
        }
    }
    let officer = p.officer.trim();
    if officer == UNASSIGNED {
        c.officer = Some(Officer::Unassigned);
    } else if !officer.is_empty() {
        match officer.parse::<i32>() {
            Ok(id) if id > 0 => c.officer = Some(Officer::User(id)),
            _ => errors.add("officer", "Choose a case officer from the list"),
        }
    }
    let area = p.area.trim();
    if !area.is_empty() {
        match area.parse::<i32>() {
            Ok(id) if id > 0 => c.area_id = Some(id),
            _ => errors.add("area", "Choose an area from the list"),
        }
    }
    let priority = p.priority.trim();
    if !priority.is_empty() {
        c.priority = crate::procedure::Priority::ALL
            .into_iter()
            .map(|p| p.code())
            .find(|code| *code == priority);
        if c.priority.is_none() {
            errors.add("priority", "Choose a priority from the list");
        }
    }
    c
}

pub fn parse_period(p: &Params, today: Date, errors: &mut FormErrors) -> Period {
    let fallback = Period::year_to_date(today);
    let chosen = p.period.trim();
    if chosen == YEAR_TO_DATE || (chosen.is_empty() && p.from.trim().is_empty() && p.to.trim().is_empty()) {
        return fallback;
    }
    if !chosen.is_empty() && chosen != CUSTOM {
        return match Preset::parse(chosen) {
            Some(preset) => Period::of(preset),
            None => {
                errors.add("period", "Choose a period from the list, or custom dates");
                fallback
            }
        };
    }
    let from = parse_day("from", "start", &p.from, errors);
    let to = parse_day("to", "end", &p.to, errors);
    let (Some(from), Some(to)) = (from, to) else {
        return fallback;
    };
    match period::custom(from, to) {
        Ok(period) => period,
        Err(CustomError::EndBeforeStart) => {
            errors.add("to", "The end date must be the same as or after the start date");
            fallback
        }
        Err(CustomError::TooLong) => {
            errors.add(
                "to",
                format!(
                    "The period can be at most {} years: choose an end date no later than 5 years after the start",
                    period::MAX_SPAN_YEARS
                ),
            );
            fallback
        }
    }
}

fn parse_day(field: &'static str, which: &str, text: &str, errors: &mut FormErrors) -> Option<Date> {
    if text.trim().is_empty() {
        errors.add(field, format!("Enter the {which} date, like 2026-04-01"));
        return None;
    }
    let parsed = crate::web::time_fmt::parse_date(text);
    if parsed.is_none() {
        errors.add(
            field,
            format!("Enter the {which} date as a real date, like 2026-04-01"),
        );
    }
    parsed
}

/// The drill-down's own parameters; problems added to `errors`.
pub fn parse_drill(p: &Params, errors: &mut FormErrors) -> Drill {
    let bucket_code = p.bucket.trim();
    let bucket = if bucket_code.is_empty() || bucket_code == DUE {
        None
    } else {
        let b = Bucket::from_code(bucket_code);
        if b.is_none() {
            errors.add("bucket", "The link names a measure that does not exist");
        }
        b
    };
    let month_code = p.month.trim();
    let month = if month_code.is_empty() {
        None
    } else {
        let m = period::parse_month(month_code);
        if m.is_none() {
            errors.add("month", "The link names a month that does not exist");
        }
        m
    };
    Drill {
        bucket,
        month,
        page: p.page.trim().parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn parsed(query: &str) -> (Criteria, FormErrors) {
        let mut errors = FormErrors::default();
        let c = parse(&Params::from_query(query), TODAY, &mut errors);
        (c, errors)
    }

    #[test]
    fn defaults_to_the_financial_year_to_date() {
        let (c, errors) = parsed("");
        assert!(errors.is_empty());
        assert_eq!((c.period.from, c.period.to), (date!(2026 - 04 - 01), TODAY));
        assert_eq!(
            c.params(),
            vec![
                ("period", "custom".to_owned()),
                ("from", "2026-04-01".to_owned()),
                ("to", "2026-11-23".to_owned())
            ]
        );
    }

    #[test]
    fn presets_custom_and_filters() {
        let (c, errors) =
            parsed("period=q3-2026&from=junk&stage=initial-contact&officer=unassigned&area=4&priority=p1");
        assert!(errors.is_empty());
        assert_eq!(c.period, Period::of(Preset::Quarter(3, 2026)));
        assert_eq!(c.stage, Some(Stage::InitialContact));
        assert_eq!(c.officer, Some(Officer::Unassigned));
        assert_eq!(c.area_id, Some(4));
        assert_eq!(c.priority, Some("p1"));
        assert_eq!(c.params()[0], ("period", "q3-2026".to_owned()));
        // Dates alone mean custom.
        let (c, errors) = parsed("period=ytd&from=2020-01-01");
        assert!(errors.is_empty());
        assert_eq!(c.period, Period::year_to_date(TODAY));
        let (c, errors) = parsed("from=2026-01-01&to=2026-02-01");
        assert!(errors.is_empty());
        assert_eq!(
            (c.period.from, c.period.to),
            (date!(2026 - 01 - 01), date!(2026 - 02 - 01))
        );
    }

    #[test]
    fn bad_values_are_errors_on_their_fields() {
        let (_, errors) = parsed("period=fy-20x6&stage=nope&officer=-1&area=x&priority=p3");
        for field in ["period", "stage", "officer", "area", "priority"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let (_, errors) = parsed("period=custom&from=2026-02-30&to=");
        assert!(errors.get("from").is_some());
        assert!(errors.get("to").is_some());
        let (_, errors) = parsed("period=custom&from=2026-03-01&to=2026-02-01");
        assert!(errors.get("to").unwrap().contains("after the start"));
        let (_, errors) = parsed("period=custom&from=2020-01-01&to=2026-01-01");
        assert!(errors.get("to").unwrap().contains("at most 5 years"));
    }

    #[test]
    fn drill_parameters() {
        let mut errors = FormErrors::default();
        let d = parse_drill(
            &Params::from_query("bucket=late&month=2026-10&page=2"),
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(d.bucket, Some(Bucket::Late));
        assert_eq!(d.month, Some((2026, Month::October)));
        assert_eq!(d.page, Some(2));
        let d = parse_drill(&Params::from_query("bucket=due"), &mut errors);
        assert_eq!(d.bucket, None);
        parse_drill(&Params::from_query("bucket=soon&month=2026-1"), &mut errors);
        assert!(errors.get("bucket").is_some() && errors.get("month").is_some());
    }
}
