//! Action against alleged perpetrators: the escalation ladder of DOMAIN.md, each action's
//! status history, and its court hearing and notice expiry dates (dated deadlines).
//!
//! - [`transitions`]: which status may follow which (pure; the legal reasoning is there).
//! - `record`: recording a new action (`/cases/{reference}/enforcement/new`).
//! - `action`: one action's page, its history and the status change form.
//! - `dates`: adding a court hearing or notice expiry date to an action.
//! - [`case_panel`]: the "Action against perpetrators" section of the case page.
//!
//! Ladder actions need someone they are against: an alleged perpetrator of the case (a named
//! person, someone not known, or a group). General measures (CCTV, patrols, publicity) may
//! be aimed at any of them or at no one in particular.
//!
//! Closed cases: no new actions and no new dates (nothing is left open on a closed case:
//! reopen it to track a new hearing); status changes are still recorded, since court action
//! often outlives the case and its outcome belongs on the record.

mod action;
pub mod case_panel;
pub mod dates;
pub mod record;
pub mod store;
pub mod transitions;

use crate::{
    auth::policy::Permission,
    cases::codes::{Code, label},
    procedure::Stage,
    web::route::Route,
};
use maud::{Markup, html};

/// The escalation ladder (DOMAIN.md), lightest first.
pub const LADDER: [Code; 14] = [
    ("advice", "Advice or verbal warning"),
    ("warning-letter", "Warning letter"),
    ("mediation", "Mediation"),
    ("abc", "Acceptable Behaviour Contract"),
    (
        "injunction",
        "Civil injunction (ASB, Crime and Policing Act 2014 Part 1)",
    ),
    ("cpn", "Community Protection Notice"),
    ("cbo", "Criminal Behaviour Order"),
    ("closure", "Closure notice or order"),
    ("demotion", "Demotion of tenancy"),
    ("nsp", "Notice Seeking Possession"),
    ("possession", "Possession proceedings (discretionary grounds)"),
    ("absolute-ground", "Absolute ground for possession"),
    ("prosecution", "Prosecution by police or CPS"),
    ("perpetrator-support", "Perpetrator support referral"),
];

/// Measures that need no known perpetrator: aimed at unknown people, a group, or no one
/// in particular.
pub const GENERAL_MEASURES: [Code; 4] = [
    ("cctv", "CCTV"),
    ("patrols", "Patrols"),
    ("publicity", "Publicity or appeal for information"),
    ("other-measure", "Other measure"),
];

pub const PLANNED: &str = "planned";
pub const ISSUED: &str = "issued";
pub const COMPLIED: &str = "complied";
pub const BREACHED: &str = "breached";
pub const GRANTED: &str = "granted";
pub const REFUSED: &str = "refused";
pub const WITHDRAWN: &str = "withdrawn";

pub const STATUSES: [Code; 7] = [
    (PLANNED, "Planned"),
    (ISSUED, "Issued or served"),
    (COMPLIED, "Complied with"),
    (BREACHED, "Breached"),
    (GRANTED, "Granted"),
    (REFUSED, "Refused"),
    (WITHDRAWN, "Withdrawn"),
];

/// The statuses an action may be recorded with (a later status is a change on its page).
pub const STARTING_STATUSES: [&str; 2] = [PLANNED, ISSUED];

pub const HEARING: &str = "hearing";
pub const NOTICE_EXPIRY: &str = "notice-expiry";

/// Kinds of legal date (each becomes a deadline on the case).
pub const LEGAL_DATES: [Code; 2] = [(HEARING, "Court hearing"), (NOTICE_EXPIRY, "Notice expires")];

/// Kinds that usually go before a court (a hearing date is offered first). Not a rule:
/// any action may be given any legal date.
pub const USUALLY_HEARD: [&str; 7] = [
    "injunction",
    "cbo",
    "closure",
    "demotion",
    "possession",
    "absolute-ground",
    "prosecution",
];

/// Kinds that usually serve a notice with an expiry date.
pub const USUALLY_NOTICED: [&str; 4] = ["cpn", "nsp", "closure", "demotion"];

/// The label of an action kind, ladder or general measure (unknown codes as stored).
pub fn kind_label(code: &str) -> &str {
    LADDER
        .iter()
        .chain(GENERAL_MEASURES.iter())
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// The kind's label without its parenthesis ("Civil injunction"), for deadline titles.
pub fn short_kind_label(code: &str) -> &str {
    let full = kind_label(code);
    full.split(" (").next().unwrap_or(full)
}

pub fn status_label(code: &str) -> &str {
    label(&STATUSES, code)
}

pub fn legal_date_label(code: &str) -> &str {
    label(&LEGAL_DATES, code)
}

/// A rung of the ladder (needs an alleged perpetrator), as opposed to a general measure.
pub fn is_ladder(code: &str) -> bool {
    LADDER.iter().any(|(c, _)| *c == code)
}

/// The stored code of a kind (ladder or general), as the list's own string.
pub fn find_kind(value: &str) -> Option<&'static str> {
    let value = value.trim();
    LADDER
        .iter()
        .chain(GENERAL_MEASURES.iter())
        .find(|(c, _)| *c == value)
        .map(|(c, _)| *c)
}

/// The legal dates an action of `kind` usually has, most usual first (possibly none).
pub fn usual_legal_dates(kind: &str) -> Vec<&'static str> {
    let mut out = vec![];
    if USUALLY_HEARD.contains(&kind) {
        out.push(HEARING);
    }
    if USUALLY_NOTICED.contains(&kind) {
        out.push(NOTICE_EXPIRY);
    }
    out
}

/// The deadline stage of a legal date kind.
pub fn legal_stage(kind: &str) -> Option<Stage> {
    match kind {
        HEARING => Some(Stage::CourtHearing),
        NOTICE_EXPIRY => Some(Stage::NoticeExpiry),
        _ => None,
    }
}

/// What an action is and who it is against: "Civil injunction against Mark Stone",
/// "CCTV (no one in particular)".
pub fn headline(kind: &str, against: Option<&str>) -> String {
    match against {
        Some(name) => format!("{} against {name}", short_kind_label(kind)),
        None => format!("{} (no one in particular)", short_kind_label(kind)),
    }
}

/// A status as a coloured tag.
pub fn status_tag(code: &str) -> Markup {
    let class = match code {
        ISSUED => "tag tag--blue",
        GRANTED | COMPLIED => "tag tag--green",
        BREACHED => "tag tag--red",
        REFUSED => "tag tag--yellow",
        _ => "tag tag--grey",
    };
    html! { strong class=(class) { (status_label(code)) } }
}

/// The longest note, outcome or documents text kept.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// A legal date's note (the column's size).
pub const MAX_DATE_NOTE_CHARS: usize = 200;

pub fn routes() -> Vec<Route> {
    use Permission::ManageEnforcement;
    vec![
        Route::get(
            "/cases/{reference}/enforcement/new",
            ManageEnforcement,
            record::form,
        ),
        Route::post("/cases/{reference}/enforcement", ManageEnforcement, record::save),
        Route::get(
            "/cases/{reference}/enforcement/{id}",
            ManageEnforcement,
            action::show,
        ),
        Route::post(
            "/cases/{reference}/enforcement/{id}",
            ManageEnforcement,
            action::update,
        ),
        Route::post(
            "/cases/{reference}/enforcement/{id}/dates",
            ManageEnforcement,
            dates::add,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cover_ladder_and_general_measures() {
        assert_eq!(kind_label("abc"), "Acceptable Behaviour Contract");
        assert_eq!(kind_label("cctv"), "CCTV");
        assert_eq!(kind_label("retired-kind"), "retired-kind");
        assert_eq!(short_kind_label("injunction"), "Civil injunction");
        assert_eq!(short_kind_label("possession"), "Possession proceedings");
        assert_eq!(short_kind_label("nsp"), "Notice Seeking Possession");
        assert_eq!(status_label(ISSUED), "Issued or served");
        assert_eq!(legal_date_label(NOTICE_EXPIRY), "Notice expires");
    }

    #[test]
    fn ladder_and_general_measures_are_told_apart() {
        assert!(is_ladder("warning-letter"));
        assert!(!is_ladder("cctv"));
        assert_eq!(find_kind(" patrols "), Some("patrols"));
        assert_eq!(find_kind("nonsense"), None);
        // No code is in both lists, and every code fits its column (32 characters).
        for (code, _) in LADDER {
            assert!(!GENERAL_MEASURES.iter().any(|(c, _)| *c == code));
        }
        for (code, _) in LADDER.iter().chain(GENERAL_MEASURES.iter()) {
            assert!(code.len() <= 32);
        }
    }

    #[test]
    fn usual_dates_follow_the_kind() {
        assert_eq!(usual_legal_dates("injunction"), [HEARING]);
        assert_eq!(usual_legal_dates("cpn"), [NOTICE_EXPIRY]);
        assert_eq!(usual_legal_dates("closure"), [HEARING, NOTICE_EXPIRY]);
        assert!(usual_legal_dates("warning-letter").is_empty());
        for (code, _) in LEGAL_DATES {
            assert!(legal_stage(code).is_some_and(Stage::dated));
        }
        for kind in USUALLY_HEARD.iter().chain(USUALLY_NOTICED.iter()) {
            assert!(is_ladder(kind), "{kind}");
        }
    }
}
