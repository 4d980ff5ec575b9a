//! What an equality report request asks for, read from the query string (pure): the period
//! (as compliance reads it: `period=fy-2026`, `q3-2026`, `ytd` or custom `from`/`to`), the
//! filters (area, priority, strand, hate yes/no), the mode, and a drill-down's group and
//! measure. Reading never fails; [`parse`] adds an error per unusable field.

use crate::{
    reports::compliance::{
        params::{self as compliance},
        period::Period,
    },
    web::forms::FormErrors,
};
use time::Date;

const MAX_PARAM_CHARS: usize = 200;

pub const INTERNAL: &str = "internal";
pub const PUBLICATION: &str = "publication";

/// The query string as typed (the first occurrence of a repeated parameter wins).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub period: String,
    pub from: String,
    pub to: String,
    pub area: String,
    pub priority: String,
    pub strand: String,
    pub hate: String,
    pub mode: String,
    pub group: String,
    pub measure: String,
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
                "area" => &mut p.area,
                "priority" => &mut p.priority,
                "strand" => &mut p.strand,
                "hate" => &mut p.hate,
                "mode" => &mut p.mode,
                "group" => &mut p.group,
                "measure" => &mut p.measure,
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

/// Which cases a report covers and how it is shown, checked and typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criteria {
    pub period: Period,
    pub area_id: Option<i32>,
    pub priority: Option<&'static str>,
    /// A strand code (checked against the database by the handler).
    pub strand: Option<String>,
    pub hate: Option<bool>,
    /// Publication mode: small numbers suppressed.
    pub publication: bool,
}

impl Criteria {
    pub fn new(period: Period) -> Self {
        Criteria {
            period,
            area_id: None,
            priority: None,
            strand: None,
            hate: None,
            publication: false,
        }
    }

    /// As query parameters in canonical form (links, exports, the audit record).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = compliance::period_params(&self.period);
        if let Some(area) = self.area_id {
            out.push(("area", area.to_string()));
        }
        if let Some(priority) = self.priority {
            out.push(("priority", priority.to_owned()));
        }
        if let Some(strand) = &self.strand {
            out.push(("strand", strand.clone()));
        }
        if let Some(hate) = self.hate {
            out.push(("hate", if hate { "yes" } else { "no" }.to_owned()));
        }
        out.push((
            "mode",
            if self.publication { PUBLICATION } else { INTERNAL }.to_owned(),
        ));
        out
    }

    /// `period=…&area=…` for links.
    pub fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.params() {
            s.append_pair(k, &v);
        }
        s.finish()
    }

    /// The same criteria a year earlier (custom dates move back a year; presets too).
    pub fn a_year_earlier(&self) -> Criteria {
        let back = |d: Date| {
            Date::from_calendar_date(d.year() - 1, d.month(), d.day()).unwrap_or_else(|_| {
                d.replace_day(28)
                    .expect("day 28")
                    .replace_year(d.year() - 1)
                    .expect("year")
            })
        };
        Criteria {
            period: Period {
                from: back(self.period.from),
                to: back(self.period.to),
                preset: None,
            },
            ..self.clone()
        }
    }
}

/// The checked criteria; `forced_publication` for those who may only see publication mode.
pub fn parse(p: &Params, today: Date, forced_publication: bool, errors: &mut FormErrors) -> Criteria {
    let period_params = compliance::Params {
        period: p.period.clone(),
        from: p.from.clone(),
        to: p.to.clone(),
        ..Default::default()
    };
    let mut c = Criteria::new(compliance::parse_period(&period_params, today, errors));
    let area = p.area.trim();
    if !area.is_empty() {
        match area.parse::<i32>() {
            Ok(id) if id > 0 => c.area_id = Some(id),
            _ => errors.add("area", "Choose an area from the list"),
        }
    }
    let priority = p.priority.trim();
    if !priority.is_empty() {
        c.priority = crate::cases::codes::find(&crate::cases::codes::PRIORITIES, priority);
        if c.priority.is_none() {
            errors.add("priority", "Choose a priority from the list");
        }
    }
    let strand = p.strand.trim();
    if !strand.is_empty() {
        if strand.len() <= 48 && strand.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            c.strand = Some(strand.to_owned());
        } else {
            errors.add("strand", "Choose a strand from the list");
        }
    }
    match p.hate.trim() {
        "" => {}
        "yes" => c.hate = Some(true),
        "no" => c.hate = Some(false),
        _ => errors.add("hate", "Choose hate incidents, others, or all cases"),
    }
    match p.mode.trim() {
        "" | INTERNAL => c.publication = forced_publication,
        PUBLICATION => c.publication = true,
        _ => errors.add("mode", "Choose internal or publication mode"),
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::compliance::period::Preset;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 06);

    fn parsed(q: &str, forced: bool) -> (Criteria, FormErrors) {
        let mut errors = FormErrors::default();
        let c = parse(&Params::from_query(q), TODAY, forced, &mut errors);
        (c, errors)
    }

    #[test]
    fn presets_filters_and_mode() {
        let (c, errors) = parsed(
            "period=fy-2025&area=3&priority=p1&strand=race&hate=yes&mode=publication",
            false,
        );
        assert!(errors.is_empty());
        assert_eq!(c.period, Period::of(Preset::Year(2025)));
        assert_eq!(
            (c.area_id, c.priority, c.strand.as_deref(), c.hate),
            (Some(3), Some("p1"), Some("race"), Some(true))
        );
        assert!(c.publication);
        assert_eq!(
            c.query(),
            "period=fy-2025&area=3&priority=p1&strand=race&hate=yes&mode=publication"
        );
        let (c, _) = parsed("", false);
        assert!(!c.publication);
        assert_eq!((c.period.from, c.period.to), (date!(2026 - 04 - 01), TODAY));
    }

    #[test]
    fn the_equality_lead_cannot_turn_publication_mode_off() {
        let (c, errors) = parsed("mode=internal", true);
        assert!(errors.is_empty());
        assert!(c.publication);
    }

    #[test]
    fn bad_values_are_errors_on_their_fields() {
        let (_, errors) = parsed(
            "period=fy-20x6&area=-1&priority=p9&strand=%3Cscript%3E&hate=maybe&mode=secret",
            false,
        );
        for field in ["period", "area", "priority", "strand", "hate", "mode"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_year_earlier_moves_both_dates_back() {
        let (c, _) = parsed("period=q3-2026", false);
        let e = c.a_year_earlier();
        assert_eq!(
            (e.period.from, e.period.to),
            (date!(2025 - 10 - 01), date!(2025 - 12 - 31))
        );
        let (c, _) = parsed("period=custom&from=2028-02-29&to=2028-03-31", false);
        assert_eq!(c.a_year_earlier().period.from, date!(2027 - 02 - 28));
    }
}
