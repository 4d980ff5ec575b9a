//! What a caseload request asks for – tab, filters, search, sort and page – read from the
//! query string without ever failing. Unknown values (a status that does not exist, an
//! area id that is not a number, `page=abc`) are ignored and shown as "any"; only a date
//! that is not a real date is an error, shown on the filter form. Pure: no database.

use crate::calendar::start_of_london_day;
use crate::cases::{codes, people, reference};
use crate::web::forms::FormErrors;
use entity::{Role, areas, strands};
use time::{Date, OffsetDateTime};

/// The longest value kept from any query parameter.
const MAX_PARAM_CHARS: usize = 200;
/// Search words beyond this many are ignored.
pub const MAX_WORDS: usize = 6;

/// The query string as typed: every field a string (the first occurrence of a repeated
/// parameter wins), so reading it cannot fail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub tab: String,
    pub q: String,
    pub status: String,
    pub priority: String,
    pub area: String,
    pub owner: String,
    pub strand: String,
    pub risk: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    pub page: String,
}

impl Filters {
    pub fn from_query(query: &str) -> Self {
        let mut f = Filters::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "tab" => &mut f.tab,
                "q" => &mut f.q,
                "status" => &mut f.status,
                "priority" => &mut f.priority,
                "area" => &mut f.area,
                "owner" => &mut f.owner,
                "strand" => &mut f.strand,
                "risk" => &mut f.risk,
                "from" => &mut f.from,
                "to" => &mut f.to,
                "sort" => &mut f.sort,
                "page" => &mut f.page,
                _ => continue,
            };
            if slot.is_empty() {
                *slot = value.chars().take(MAX_PARAM_CHARS).collect();
            }
        }
        f
    }

    /// The search, filters and sort as query parameters, for links that keep them (tabs,
    /// pages). Neither the tab nor the page is included.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("priority", &self.priority),
            ("area", &self.area),
            ("owner", &self.owner),
            ("strand", &self.strand),
            ("risk", &self.risk),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    /// Whether anything narrows the list beyond the tab.
    pub fn narrowed(&self) -> bool {
        self.params().iter().any(|(k, _)| *k != "sort")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Cases I own (tenancy officers: also cases I logged).
    Mine,
    /// Open cases with no owner.
    Triage,
    /// Every case I may see.
    All,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Mine, Tab::Triage, Tab::All];

    pub fn code(self) -> &'static str {
        match self {
            Tab::Mine => "mine",
            Tab::Triage => "triage",
            Tab::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Mine => "My cases",
            Tab::Triage => "Triage queue",
            Tab::All => "All cases",
        }
    }

    /// Officers start from their own work; managers from the cases nobody has yet.
    pub fn default_for(role: Role) -> Tab {
        match role {
            Role::Manager => Tab::Triage,
            _ => Tab::Mine,
        }
    }

    fn parse(code: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.code() == code.trim())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Oldest,
    Reference,
    /// Priority 1 first; within a priority, the longest waiting first.
    Priority,
    /// The case whose next open deadline is soonest (or most overdue) first; cases with
    /// none last; then as `Priority`.
    Deadline,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Newest,
        Sort::Oldest,
        Sort::Reference,
        Sort::Priority,
        Sort::Deadline,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Reference => "reference",
            Sort::Priority => "priority",
            Sort::Deadline => "deadline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Received, newest first",
            Sort::Oldest => "Received, oldest first",
            Sort::Reference => "Case reference",
            Sort::Priority => "Priority 1 first, then oldest",
            Sort::Deadline => "Next deadline first",
        }
    }

    fn parse(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerFilter {
    Unassigned,
    User(i32),
}

/// The value of the owner filter meaning "nobody".
pub const UNASSIGNED: &str = "unassigned";

/// The standing risk level a caseload may be narrowed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskFilter {
    Level(&'static str),
    /// No assessment yet.
    NotAssessed,
}

/// The value of the risk filter meaning "not assessed yet".
pub const NOT_ASSESSED: &str = "not-assessed";

impl RiskFilter {
    fn parse(value: &str) -> Option<RiskFilter> {
        let value = value.trim();
        if value == NOT_ASSESSED {
            return Some(RiskFilter::NotAssessed);
        }
        code_in(&crate::risk::LEVELS, value).map(RiskFilter::Level)
    }

    /// As a query parameter value.
    pub fn code(self) -> &'static str {
        match self {
            RiskFilter::Level(level) => level,
            RiskFilter::NotAssessed => NOT_ASSESSED,
        }
    }
}

/// One stored search term to look for: a prefix of terms, or (for one-character words,
/// which as prefixes would match a large share of everyone) a whole term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub prefix: bool,
}

/// One typed word: it matches a case when any of its forms matches a term of any person on
/// the case (e.g. "t-0012/3" is also tried as "t00123", the way tenancy references are stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub forms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Exactly this case reference.
    Reference(String),
    /// Every word must match.
    Words(Vec<Word>),
}

/// The choices the filter form offers; values outside them are ignored.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub areas: Vec<areas::Model>,
    pub strands: Vec<strands::Model>,
    /// Harassment officers, including former ones (their cases may need reassigning):
    /// (id, display name, active).
    pub owners: Vec<(i32, String, bool)>,
}

/// What to list, checked and typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criteria {
    pub tab: Tab,
    pub status: Option<&'static str>,
    pub priority: Option<&'static str>,
    pub area_id: Option<i32>,
    pub owner: Option<OwnerFilter>,
    pub strand_id: Option<i32>,
    pub risk: Option<RiskFilter>,
    /// Received at or after this instant (start of a London day).
    pub received_from: Option<OffsetDateTime>,
    /// Received before this instant (start of the London day after the "to" date).
    pub received_before: Option<OffsetDateTime>,
    pub search: Option<Search>,
    pub sort: Sort,
    pub page: Option<u64>,
}

impl Criteria {
    /// Everything `role` sees on its default tab, newest first.
    pub fn default_for(role: Role) -> Self {
        parse(
            &Filters::default(),
            role,
            &Options::default(),
            &mut FormErrors::default(),
        )
    }
}

/// Reads `f`; invalid dates and unusable searches are added to `errors` (fields `from`,
/// `to` and `q`), every other unknown value is ignored.
pub fn parse(f: &Filters, role: Role, options: &Options, errors: &mut FormErrors) -> Criteria {
    let from = parse_day("from", "start", &f.from, errors);
    let to = parse_day("to", "end", &f.to, errors);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        errors.add("to", "The end date must be the same as or after the start date");
    }
    let id = |s: &str| s.trim().parse::<i32>().ok();
    let owner = if f.owner.trim() == UNASSIGNED {
        Some(OwnerFilter::Unassigned)
    } else {
        id(&f.owner)
            .filter(|o| options.owners.iter().any(|(known, _, _)| known == o))
            .map(OwnerFilter::User)
    };
    Criteria {
        tab: Tab::parse(&f.tab).unwrap_or(Tab::default_for(role)),
        status: code_in(&codes::STATUSES, &f.status),
        priority: code_in(&codes::PRIORITIES, &f.priority),
        area_id: id(&f.area).filter(|a| options.areas.iter().any(|known| known.id == *a)),
        owner,
        strand_id: options
            .strands
            .iter()
            .find(|s| s.code == f.strand.trim())
            .map(|s| s.id),
        risk: RiskFilter::parse(&f.risk),
        received_from: from.map(start_of_london_day),
        received_before: to.and_then(Date::next_day).map(start_of_london_day),
        search: parse_search(&f.q, errors),
        sort: Sort::parse(&f.sort).unwrap_or(Sort::Newest),
        page: f.page.trim().parse().ok(),
    }
}

fn code_in(list: &[codes::Code], value: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == value.trim()).map(|(c, _)| *c)
}

fn parse_day(field: &'static str, which: &str, text: &str, errors: &mut FormErrors) -> Option<Date> {
    if text.trim().is_empty() {
        return None;
    }
    let parsed = crate::web::time_fmt::parse_date(text);
    if parsed.is_none() {
        errors.add(
            field,
            format!("Enter the {which} date as a real date, like 2026-11-22"),
        );
    }
    parsed
}

fn parse_search(q: &str, errors: &mut FormErrors) -> Option<Search> {
    if q.trim().is_empty() {
        return None;
    }
    if let Some(reference) = reference::parse_typed(q) {
        return Some(Search::Reference(reference));
    }
    let words = words(q);
    if words.is_empty() {
        errors.add(
            "q",
            "Enter a case reference like HC-2026-000123, or words from a name, address, postcode or tenancy reference",
        );
        return None;
    }
    Some(Search::Words(words))
}

/// The words of a search, the way `people::terms` stores them: lower case, punctuation
/// trimmed; a full postcode typed with its space ("LE1 5AB") is one word ("le15ab").
pub fn words(q: &str) -> Vec<Word> {
    let raw = people::search_words(q);
    let mut merged: Vec<String> = vec![];
    let mut i = 0;
    while i < raw.len() {
        if i + 1 < raw.len() && is_outward_code(&raw[i]) && is_inward_code(&raw[i + 1]) {
            merged.push(format!("{}{}", raw[i], raw[i + 1]));
            i += 2;
        } else {
            merged.push(raw[i].clone());
            i += 1;
        }
    }
    let mut unique: Vec<String> = vec![];
    for w in merged {
        if !unique.contains(&w) {
            unique.push(w);
        }
    }
    unique.truncate(MAX_WORDS);
    unique
        .into_iter()
        .map(|w| {
            let mut texts = vec![w.clone()];
            let compact: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if !compact.is_empty() && compact != w {
                texts.push(compact);
            }
            Word {
                forms: texts
                    .into_iter()
                    .map(|text| Term {
                        prefix: text.chars().count() > 1,
                        text,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// "le1", "sw1a", "m60", "b33": one or two letters, a digit, then an optional letter or digit.
fn is_outward_code(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    let letters = c.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    (1..=2).contains(&letters)
        && c.len() > letters
        && c[letters].is_ascii_digit()
        && c.len() <= letters + 2
        && c[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric())
}

/// "5ab": a digit and two letters.
fn is_inward_code(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    c.len() == 3 && c[0].is_ascii_digit() && c[1..].iter().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn criteria(query: &str, role: Role) -> (Criteria, FormErrors) {
        let options = Options {
            areas: vec![areas::Model {
                id: 4,
                name: "North".into(),
                name_key: "north".into(),
                retired: false,
                created_at: datetime!(2026-01-01 0:00 UTC),
            }],
            strands: vec![strands::Model {
                id: 9,
                code: "race".into(),
                label: "Race".into(),
                monitored: true,
                retired: false,
                position: 1,
            }],
            owners: vec![(12, "Hana".into(), true)],
        };
        let mut errors = FormErrors::default();
        let c = parse(&Filters::from_query(query), role, &options, &mut errors);
        (c, errors)
    }

    #[test]
    fn defaults_depend_on_role() {
        assert_eq!(Criteria::default_for(Role::Manager).tab, Tab::Triage);
        assert_eq!(Criteria::default_for(Role::HarassmentOfficer).tab, Tab::Mine);
        assert_eq!(Criteria::default_for(Role::TenancyOfficer).tab, Tab::Mine);
        assert_eq!(Criteria::default_for(Role::Manager).sort, Sort::Newest);
    }

    #[test]
    fn known_values_are_typed_and_unknown_ones_ignored() {
        let (c, errors) = criteria(
            "tab=all&status=open&priority=p2&area=4&owner=12&strand=race&risk=high&sort=priority&page=3",
            Role::TenancyOfficer,
        );
        assert!(errors.is_empty());
        assert_eq!(c.tab, Tab::All);
        assert_eq!(c.status, Some(codes::OPEN));
        assert_eq!(c.priority, Some(codes::P2));
        assert_eq!(
            (c.area_id, c.owner, c.strand_id),
            (Some(4), Some(OwnerFilter::User(12)), Some(9))
        );
        assert_eq!((c.sort, c.page), (Sort::Priority, Some(3)));
        assert_eq!(c.risk, Some(RiskFilter::Level(crate::risk::HIGH)));
        let (c, _) = criteria("risk=not-assessed", Role::Manager);
        assert_eq!(c.risk, Some(RiskFilter::NotAssessed));

        let (c, errors) = criteria(
            "tab=everything&status=lost&priority=9&area=abc&owner=99&strand=x&risk=extreme&sort=up&page=abc",
            Role::Manager,
        );
        assert!(errors.is_empty());
        assert_eq!(c, Criteria::default_for(Role::Manager));
        let (c, _) = criteria("owner=unassigned&area=5&page=-1", Role::Manager);
        assert_eq!(
            (c.owner, c.area_id, c.page),
            (Some(OwnerFilter::Unassigned), None, None)
        );
    }

    #[test]
    fn first_of_repeated_parameters_wins_and_long_values_are_cut() {
        let f = Filters::from_query(&format!("status=open&status=closed&q={}", "a".repeat(500)));
        assert_eq!(f.status, "open");
        assert_eq!(f.q.len(), MAX_PARAM_CHARS);
    }

    #[test]
    fn dates_are_london_days_inclusive() {
        let (c, errors) = criteria("from=2026-07-01&to=2026-07-31", Role::Manager);
        assert!(errors.is_empty());
        assert_eq!(c.received_from, Some(datetime!(2026-06-30 23:00 UTC)));
        assert_eq!(c.received_before, Some(datetime!(2026-07-31 23:00 UTC)));
        assert_eq!(
            start_of_london_day(date!(2026 - 01 - 15)),
            datetime!(2026-01-15 00:00 UTC)
        );
    }

    #[test]
    fn bad_dates_are_errors_on_their_field() {
        let (_, errors) = criteria("from=2026-02-30&to=yesterday", Role::Manager);
        assert!(errors.get("from").is_some());
        assert!(errors.get("to").is_some());
        let (_, errors) = criteria("from=2026-03-02&to=2026-03-01", Role::Manager);
        assert!(errors.get("from").is_none());
        assert!(errors.get("to").unwrap().contains("after the start date"));
    }

    #[test]
    fn a_reference_is_searched_exactly() {
        let (c, _) = criteria("q=+hc-2026-000123+", Role::Manager);
        assert_eq!(c.search, Some(Search::Reference("HC-2026-000123".into())));
    }

    #[test]
    fn words_are_prefixes_and_postcodes_one_word() {
        let texts = |q: &str| -> Vec<Vec<(String, bool)>> {
            words(q)
                .into_iter()
                .map(|w| w.forms.into_iter().map(|t| (t.text, t.prefix)).collect())
                .collect()
        };
        assert_eq!(
            texts("Amina KHAN"),
            vec![vec![("amina".into(), true)], vec![("khan".into(), true)]]
        );
        assert_eq!(texts("LE1 5AB"), vec![vec![("le15ab".into(), true)]]);
        assert_eq!(
            texts("12 Oak Road SW1A 1AA"),
            vec![
                vec![("12".into(), true)],
                vec![("oak".into(), true)],
                vec![("road".into(), true)],
                vec![("sw1a1aa".into(), true)]
            ]
        );
        assert_eq!(
            texts("T-0012/3"),
            vec![vec![("t-0012/3".into(), true), ("t00123".into(), true)]]
        );
        assert_eq!(
            texts("5 5 khan"),
            vec![vec![("5".into(), false)], vec![("khan".into(), true)]]
        );
        assert_eq!(texts("a b c d e f g h").len(), MAX_WORDS);
    }

    #[test]
    fn a_search_without_words_is_an_error() {
        let (c, errors) = criteria("q=%21%21%21", Role::Manager);
        assert_eq!(c.search, None);
        assert!(errors.get("q").is_some());
    }

    #[test]
    fn params_keep_filters_but_not_tab_or_page() {
        let f = Filters::from_query("tab=all&q=khan&status=&page=2&sort=oldest");
        assert_eq!(
            f.params(),
            vec![("q", "khan".to_owned()), ("sort", "oldest".to_owned())]
        );
        assert!(f.narrowed());
        assert!(!Filters::from_query("sort=oldest&page=2").narrowed());
    }
}
