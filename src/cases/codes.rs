//! The pick-lists of a case (DOMAIN.md), as stable codes with labels. Codes are what the
//! database stores and forms submit; labels are what people read. Never renumber or reuse
//! a code: reports group by them.

/// A code and its label.
pub type Code = (&'static str, &'static str);

/// The label of `code` in `list`, or the code itself for a value no longer listed.
pub fn label<'a>(list: &[Code], code: &'a str) -> &'a str
where
    'static: 'a,
{
    if code == NOT_RECORDED {
        return NOT_RECORDED_LABEL;
    }
    list.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l)
}

/// What a report says happened, in the list's order: each of `types` (the report's codes)
/// as its label, "Other" as what was typed. With each its code, so a caller may treat the
/// typed text apart (a subject access request redacts it).
pub fn incident_types_said(types: &[&str], other: Option<&str>) -> Vec<(&'static str, String)> {
    INCIDENT_TYPES
        .iter()
        .filter(|(code, _)| types.contains(code))
        .map(|(code, l)| match (*code, other) {
            (OTHER_TYPE, Some(other)) => (*code, format!("Other: {other}")),
            _ => (*code, (*l).to_owned()),
        })
        .collect()
}

/// The codes of `types` recorded against incident `incident_id`.
pub fn codes_of(incident_id: i32, types: &[entity::incident_types::Model]) -> Vec<&str> {
    types
        .iter()
        .filter(|t| t.incident_id == incident_id)
        .map(|t| t.type_code.as_str())
        .collect()
}

/// An answer an imported case's spreadsheet did not give (how a report was received,
/// who made it, where it happened). Never offered on a form.
pub const NOT_RECORDED: &str = "not-recorded";
const NOT_RECORDED_LABEL: &str = "Not recorded before import";

/// The code in `list` equal to `value` (trimmed), as the list's own `'static` string.
pub fn find(list: &[Code], value: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == value.trim()).map(|(c, _)| *c)
}

/// "Are the police involved?": "not known" is an answer someone chose, never a default.
pub const POLICE: [Code; 3] = [("yes", "Yes"), ("no", "No"), (NOT_KNOWN, "Not known")];

/// The police answer as the case page and chronology show it.
pub fn police_answer(involved: Option<bool>, crime_reference: Option<&str>) -> String {
    match (involved, crime_reference.map(str::trim)) {
        (Some(true), Some(r)) if !r.is_empty() => format!("Involved, crime reference {r}"),
        (Some(true), _) => "Involved".to_owned(),
        (Some(false), _) => "Not involved".to_owned(),
        (None, _) => "Not known".to_owned(),
    }
}

pub fn is_code(list: &[Code], code: &str) -> bool {
    list.iter().any(|(c, _)| *c == code)
}

pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";
pub const STATUSES: [Code; 2] = [(OPEN, "Open"), (CLOSED, "Closed")];

pub const P1: &str = "p1";
pub const P2: &str = "p2";
pub const PRIORITIES: [Code; 2] = [(P1, "Priority 1"), (P2, "Priority 2")];

pub const RECEIVED_HOW: [Code; 7] = [
    ("in-person", "In person"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("online", "Online form"),
    ("third-party", "Third party"),
    ("police-referral", "Police referral"),
];

pub const REPORTER_TYPES: [Code; 4] = [
    ("victim", "The victim"),
    ("witness", "A witness"),
    ("third-party", "A third party"),
    ("anonymous", "Anonymous"),
];

pub const OCCURRED_AT: &str = "at";
pub const OCCURRED_KINDS: [Code; 3] = [
    (OCCURRED_AT, "On a date"),
    ("ongoing", "Ongoing"),
    ("unknown", "Not known"),
];

pub const LOCATIONS: [Code; 5] = [
    ("home", "At or in the victim's home"),
    ("communal", "Communal area"),
    ("street", "Street or estate"),
    ("online", "Online"),
    ("other", "Somewhere else"),
];

pub const OTHER_TYPE: &str = "other";
pub const INCIDENT_TYPES: [Code; 15] = [
    ("verbal-abuse", "Verbal abuse"),
    ("threats", "Threats or intimidation"),
    ("physical-assault", "Physical assault"),
    ("damage", "Damage to property or vehicle"),
    ("graffiti-home", "Graffiti on the home"),
    ("graffiti-communal", "Graffiti in communal areas"),
    ("written-abuse", "Written abuse, hate mail or leaflets"),
    ("abusive-messages", "Abusive calls, texts or messages"),
    ("online-abuse", "Online abuse"),
    ("arson", "Arson"),
    ("items-thrown", "Rubbish or items thrown at the home"),
    ("malicious-complaints", "Malicious complaints"),
    ("targeted-noise", "Targeted noise"),
    ("harm-to-pets", "Harm to pets"),
    (OTHER_TYPE, "Other"),
];

/// Incident types that make a report Priority 1 whatever the hate setting says:
/// violence, threats and serious harm (DOMAIN.md priority table).
pub const SERIOUS_TYPES: [&str; 5] = ["threats", "physical-assault", "arson", "harm-to-pets", "damage"];

pub const PERCEIVED_BY: [Code; 4] = [
    ("victim", "The victim"),
    ("witness", "A witness"),
    ("officer", "The officer taking the report"),
    ("other", "Someone else"),
];

pub const VICTIM: &str = "victim";
pub const WITNESS: &str = "witness";
pub const PERPETRATOR: &str = "alleged-perpetrator";
pub const PARTY_ROLES: [Code; 3] = [
    (VICTIM, "Victim"),
    (WITNESS, "Witness"),
    (PERPETRATOR, "Alleged perpetrator"),
];

pub const NAMED: &str = "person";
pub const PERSON_KINDS: [Code; 3] = [
    (NAMED, "A named person"),
    ("unknown", "Not known"),
    ("group", "A group of people"),
];

pub const CONTACT_METHODS: [Code; 5] = [
    ("phone", "Phone"),
    ("text", "Text message"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("visit", "Home visit"),
];

/// Code list version of `ETHNICITIES` (England and Wales, Census 2021).
pub const ETHNICITY_LIST: &str = "ew-2021";
pub const NOT_KNOWN: &str = "not-known";
pub const PREFER_NOT: &str = "prefer-not-to-say";

/// ONS 2021 (England and Wales): five groups, nineteen categories, then the two answers
/// that are never blank.
pub const ETHNICITY_GROUPS: [(&str, &[Code]); 6] = [
    (
        "Asian or Asian British",
        &[
            ("asian-indian", "Indian"),
            ("asian-pakistani", "Pakistani"),
            ("asian-bangladeshi", "Bangladeshi"),
            ("asian-chinese", "Chinese"),
            ("asian-other", "Any other Asian background"),
        ],
    ),
    (
        "Black, Black British, Caribbean or African",
        &[
            ("black-caribbean", "Caribbean"),
            ("black-african", "African"),
            (
                "black-other",
                "Any other Black, Black British, or Caribbean background",
            ),
        ],
    ),
    (
        "Mixed or Multiple ethnic groups",
        &[
            ("mixed-white-black-caribbean", "White and Black Caribbean"),
            ("mixed-white-black-african", "White and Black African"),
            ("mixed-white-asian", "White and Asian"),
            ("mixed-other", "Any other Mixed or Multiple ethnic background"),
        ],
    ),
    (
        "White",
        &[
            (
                "white-british",
                "English, Welsh, Scottish, Northern Irish or British",
            ),
            ("white-irish", "Irish"),
            ("white-gypsy-traveller", "Gypsy or Irish Traveller"),
            ("white-roma", "Roma"),
            ("white-other", "Any other White background"),
        ],
    ),
    (
        "Other ethnic group",
        &[("other-arab", "Arab"), ("other-any", "Any other ethnic group")],
    ),
    (
        "Not given",
        &[(PREFER_NOT, "Prefer not to say"), (NOT_KNOWN, "Not known")],
    ),
];

pub fn ethnicity_label(code: &str) -> &str {
    ETHNICITY_GROUPS
        .iter()
        .flat_map(|(_, list)| list.iter())
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

pub fn is_ethnicity(code: &str) -> bool {
    ETHNICITY_GROUPS.iter().any(|(_, list)| is_code(list, code))
}

/// A further (optional) protected characteristic: its form field, question and answers.
/// Every one offers "Prefer not to say"; leaving it unanswered stores nothing.
pub struct Characteristic {
    pub field: &'static str,
    pub question: &'static str,
    pub answers: &'static [Code],
}

const YES_NO_PREFER: &[Code] = &[("yes", "Yes"), ("no", "No"), (PREFER_NOT, "Prefer not to say")];

pub const CHARACTERISTICS: [Characteristic; 8] = [
    Characteristic {
        field: "age_band",
        question: "Age",
        answers: &[
            ("under-18", "Under 18"),
            ("18-24", "18 to 24"),
            ("25-34", "25 to 34"),
            ("35-44", "35 to 44"),
            ("45-54", "45 to 54"),
            ("55-64", "55 to 64"),
            ("65-74", "65 to 74"),
            ("75-plus", "75 or over"),
            (PREFER_NOT, "Prefer not to say"),
        ],
    },
    Characteristic {
        field: "sex",
        question: "Sex",
        answers: &[
            ("female", "Female"),
            ("male", "Male"),
            (PREFER_NOT, "Prefer not to say"),
        ],
    },
    Characteristic {
        field: "disability",
        question: "Disabled (Equality Act 2010)",
        answers: YES_NO_PREFER,
    },
    Characteristic {
        field: "religion",
        question: "Religion or belief",
        answers: &[
            ("none", "No religion"),
            ("buddhist", "Buddhist"),
            ("christian", "Christian"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Any other religion"),
            (PREFER_NOT, "Prefer not to say"),
        ],
    },
    Characteristic {
        field: "sexual_orientation",
        question: "Sexual orientation",
        answers: &[
            ("straight", "Straight or heterosexual"),
            ("gay-lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Another sexual orientation"),
            (PREFER_NOT, "Prefer not to say"),
        ],
    },
    Characteristic {
        field: "gender_reassignment",
        question: "Gender identity different from sex registered at birth",
        answers: YES_NO_PREFER,
    },
    Characteristic {
        field: "marriage",
        question: "Married or in a civil partnership",
        answers: YES_NO_PREFER,
    },
    Characteristic {
        field: "pregnancy",
        question: "Pregnant or on maternity leave",
        answers: YES_NO_PREFER,
    },
];

/// Timeline entries an officer records.
pub const CONTACT_KINDS: [Code; 7] = [
    ("visit", "Visit"),
    ("phone-call", "Phone call"),
    ("letter", "Letter"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("failed-attempt", "Failed contact attempt"),
    ("note", "Note"),
];

pub use super::events::EVENT_KINDS;

pub fn timeline_label(kind: &str) -> &str {
    if is_code(&CONTACT_KINDS, kind) {
        label(&CONTACT_KINDS, kind)
    } else {
        label(EVENT_KINDS, kind)
    }
}

pub const OUTCOMES: [Code; 6] = [
    ("resolved", "Resolved"),
    ("partly-resolved", "Partly resolved"),
    ("unresolved-moved", "Unresolved – victim moved"),
    ("unresolved-nfa", "Unresolved – no further action possible"),
    ("withdrawn", "Withdrawn by victim"),
    ("not-hate", "Reclassified as not a hate incident"),
];

/// The victim's answer at the post-closure check, asked twice: about how the case was
/// handled, and about its outcome (TSM-style five-point scale, plus two non-answers).
pub const SATISFACTION: [Code; 7] = [
    ("very-satisfied", "Very satisfied"),
    ("satisfied", "Fairly satisfied"),
    ("neither", "Neither satisfied nor dissatisfied"),
    ("dissatisfied", "Fairly dissatisfied"),
    ("very-dissatisfied", "Very dissatisfied"),
    ("declined", "Declined to answer"),
    ("no-contact", "Could not contact the victim"),
];
/// Answers that count as satisfied.
pub const SATISFIED: [&str; 2] = ["very-satisfied", "satisfied"];
/// Answers that are no answer (left out of the satisfied rate's denominator).
pub const NO_ANSWER: [&str; 2] = ["declined", "no-contact"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reports_types_read_in_the_lists_order_with_other_as_typed() {
        let said = incident_types_said(&["other", "threats", "verbal-abuse"], Some("Spitting"));
        assert_eq!(
            said,
            vec![
                ("verbal-abuse", "Verbal abuse".to_owned()),
                ("threats", "Threats or intimidation".to_owned()),
                ("other", "Other: Spitting".to_owned()),
            ]
        );
        assert_eq!(incident_types_said(&["other"], None)[0].1, "Other");
    }

    #[test]
    fn ethnicity_list_has_nineteen_categories_and_two_answers_that_are_not_blank() {
        let all: Vec<_> = ETHNICITY_GROUPS.iter().flat_map(|(_, l)| l.iter()).collect();
        assert_eq!(all.len(), 21);
        assert!(is_ethnicity(NOT_KNOWN) && is_ethnicity(PREFER_NOT));
        assert!(!is_ethnicity(""));
    }

    #[test]
    fn every_characteristic_offers_prefer_not_to_say() {
        for c in &CHARACTERISTICS {
            assert!(is_code(c.answers, PREFER_NOT), "{}", c.field);
        }
    }

    #[test]
    fn codes_are_unique_within_each_list() {
        let lists: [&[Code]; 9] = [
            &SATISFACTION,
            &RECEIVED_HOW,
            &REPORTER_TYPES,
            &LOCATIONS,
            &INCIDENT_TYPES,
            &PARTY_ROLES,
            &CONTACT_KINDS,
            EVENT_KINDS,
            &OUTCOMES,
        ];
        for list in lists {
            let mut codes: Vec<_> = list.iter().map(|(c, _)| *c).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), list.len());
        }
    }
}
