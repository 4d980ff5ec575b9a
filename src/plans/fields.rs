//! Form pieces shared by the plan and action forms: one action's description, owner and
//! target date (as typed, validated, rendered), and the date and text rules.

use crate::web::{
    forms::{Choice, FormErrors, Input, select, textarea},
    time_fmt,
};
use maud::{Markup, html};
use time::{Date, Duration};

/// The owner select's value for "someone else" (named in `owner_other`).
pub const SOMEONE_ELSE: &str = "other";
pub const DESCRIPTION_MAX: usize = 500;
pub const OWNER_OTHER_MAX: usize = 120;
/// Notes, needs, outcomes and reasons.
pub const TEXT_MAX: usize = 2_000;
/// How far ahead a target date may be set.
pub const TARGET_YEARS_AHEAD: i64 = 3;

/// One action as typed. Field names are `prefix` + `description`, `owner`, `owner_other`,
/// `target_on` (prefix "action-1-" for the rows of a new plan, empty on an action's form).
#[derive(Default, Clone, Debug)]
pub struct ActionFields {
    pub description: String,
    pub owner: String,
    pub owner_other: String,
    pub target_on: String,
}

impl ActionFields {
    pub fn is_blank(&self) -> bool {
        [&self.description, &self.owner, &self.owner_other, &self.target_on]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    /// Takes the value of `name` if it is one of this action's fields.
    pub fn set(&mut self, prefix: &str, name: &str, value: String) -> bool {
        let Some(field) = name.strip_prefix(prefix) else {
            return false;
        };
        let slot = match field {
            "description" => &mut self.description,
            "owner" => &mut self.owner,
            "owner_other" => &mut self.owner_other,
            "target_on" => &mut self.target_on,
            _ => return false,
        };
        *slot = value;
        true
    }

    pub fn from_action(a: &entity::plan_actions::Model) -> Self {
        ActionFields {
            description: a.description.clone(),
            owner: match a.owner_id {
                Some(id) => id.to_string(),
                None => SOMEONE_ELSE.to_owned(),
            },
            owner_other: a.owner_other.clone().unwrap_or_default(),
            target_on: a.target_on.to_string(),
        }
    }
}

/// Who owns an action: a member of staff, or someone else by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    Staff(i32),
    Other(String),
}

impl Owner {
    pub fn id(&self) -> Option<i32> {
        match self {
            Owner::Staff(id) => Some(*id),
            Owner::Other(_) => None,
        }
    }

    pub fn other(&self) -> Option<String> {
        match self {
            Owner::Staff(_) => None,
            Owner::Other(name) => Some(name.clone()),
        }
    }
}

/// A valid action.
#[derive(Clone, Debug)]
pub struct ValidAction {
    pub description: String,
    pub owner: Owner,
    pub target_on: Date,
}

/// What an action's fields are checked against.
pub struct Rules<'a> {
    /// Staff who may own an action (plus `keep`, the current owner, even if no longer active).
    pub staff: &'a [(i32, String)],
    pub keep: Option<i32>,
    /// The earliest target date (the plan's date agreed) and what it is called.
    pub earliest: Option<(Date, &'a str)>,
    pub today: Date,
}

/// Checks one action; errors go on `prefix`-ed fields, each message naming `which` (e.g.
/// "action 2") when the form has several.
pub fn validate(
    f: &ActionFields,
    prefix: &str,
    which: &str,
    rules: &Rules,
) -> Result<ValidAction, FormErrors> {
    let mut errors = FormErrors::default();
    let of = |what: &str| {
        if which.is_empty() {
            what.to_owned()
        } else {
            format!("{what} of {which}")
        }
    };
    let description = f.description.trim();
    let description = if description.is_empty() {
        errors.add(
            format!("{prefix}description"),
            format!("Enter the {}", of("description")),
        );
        None
    } else if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            format!("{prefix}description"),
            format!(
                "Keep the {} under {DESCRIPTION_MAX} characters",
                of("description")
            ),
        );
        None
    } else {
        Some(description.to_owned())
    };
    let owner = match f.owner.trim() {
        "" => {
            errors.add(format!("{prefix}owner"), format!("Choose the {}", of("owner")));
            None
        }
        SOMEONE_ELSE => {
            let name = f.owner_other.trim();
            if name.is_empty() {
                errors.add(
                    format!("{prefix}owner_other"),
                    format!(
                        "Enter who owns {}",
                        if which.is_empty() { "the action" } else { which }
                    ),
                );
                None
            } else if name.chars().count() > OWNER_OTHER_MAX {
                errors.add(
                    format!("{prefix}owner_other"),
                    format!("Keep the owner's name under {OWNER_OTHER_MAX} characters"),
                );
                None
            } else {
                Some(Owner::Other(name.to_owned()))
            }
        }
        id => match id
            .parse::<i32>()
            .ok()
            .filter(|id| rules.keep == Some(*id) || rules.staff.iter().any(|(s, _)| s == id))
        {
            Some(id) => Some(Owner::Staff(id)),
            None => {
                errors.add(
                    format!("{prefix}owner"),
                    format!("Choose the {} from the list", of("owner")),
                );
                None
            }
        },
    };
    let target_on = match time_fmt::parse_date(&f.target_on) {
        None => {
            errors.add(
                format!("{prefix}target_on"),
                format!("Enter the {} as YYYY-MM-DD", of("target date")),
            );
            None
        }
        Some(day) if rules.earliest.is_some_and(|(earliest, _)| day < earliest) => {
            let (earliest, what) = rules.earliest.unwrap_or((day, ""));
            errors.add(
                format!("{prefix}target_on"),
                format!(
                    "The {} cannot be before {what} ({})",
                    of("target date"),
                    time_fmt::plain_date(earliest)
                ),
            );
            None
        }
        Some(day) if day > latest_target(rules.today) => {
            errors.add(
                format!("{prefix}target_on"),
                format!(
                    "The {} must be within {TARGET_YEARS_AHEAD} years of today",
                    of("target date")
                ),
            );
            None
        }
        Some(day) => Some(day),
    };
    match (description, owner, target_on) {
        (Some(description), Some(owner), Some(target_on)) => Ok(ValidAction {
            description,
            owner,
            target_on,
        }),
        _ => Err(errors),
    }
}

fn latest_target(today: Date) -> Date {
    today
        .checked_add(Duration::days(365 * TARGET_YEARS_AHEAD + 1))
        .unwrap_or(Date::MAX)
}

/// The action's fields; `current` is the owner now recorded (kept as a choice even when
/// they are no longer active staff).
pub fn render(
    f: &ActionFields,
    prefix: &str,
    staff: &[(i32, String)],
    current: Option<(i32, &str)>,
    errors: &FormErrors,
) -> Markup {
    let name = |field: &str| format!("{prefix}{field}");
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Choose an owner",
        selected: f.owner.trim().is_empty(),
    }];
    if let Some((id, label)) = current
        && !staff.iter().any(|(s, _)| *s == id)
    {
        choices.push(Choice {
            value: id.to_string(),
            label,
            selected: f.owner.trim() == id.to_string(),
        });
    }
    for (id, label) in staff {
        choices.push(Choice {
            value: id.to_string(),
            label,
            selected: f.owner.trim() == id.to_string(),
        });
    }
    choices.push(Choice {
        value: SOMEONE_ELSE.to_owned(),
        label: "Someone else (name them below)",
        selected: f.owner.trim() == SOMEONE_ELSE,
    });
    html! {
        (textarea(&name("description"), "What will be done", Some("For example: fit new locks and a door chain."), &f.description, errors))
        (select(&name("owner"), "Who will do it", &choices, errors))
        (Input::text(&name("owner_other"), "Name, if someone else", &f.owner_other)
            .hint("For example: Amina (victim), Police.")
            .render(errors))
        (Input::text(&name("target_on"), "Target date", &f.target_on)
            .kind("date")
            .narrow()
            .hint("It becomes a deadline on the case, due at the end of this day.")
            .render(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules(staff: &[(i32, String)]) -> Rules<'_> {
        Rules {
            staff,
            keep: None,
            earliest: Some((date!(2026 - 11 - 20), "the date agreed")),
            today: date!(2026 - 11 - 23),
        }
    }

    fn fields(description: &str, owner: &str, other: &str, target: &str) -> ActionFields {
        ActionFields {
            description: description.to_owned(),
            owner: owner.to_owned(),
            owner_other: other.to_owned(),
            target_on: target.to_owned(),
        }
    }

    #[test]
    fn a_complete_action_is_valid() {
        let staff = [(4, "Harry".to_owned())];
        let v = validate(
            &fields(" Fit locks ", "4", "", "2026-12-01"),
            "",
            "",
            &rules(&staff),
        )
        .expect("valid");
        assert_eq!(v.description, "Fit locks");
        assert_eq!(v.owner, Owner::Staff(4));
        assert_eq!(v.target_on, date!(2026 - 12 - 01));
        let v = validate(
            &fields("Call", "other", "Police", "2026-11-20"),
            "",
            "",
            &rules(&staff),
        )
        .expect("valid");
        assert_eq!(v.owner, Owner::Other("Police".to_owned()));
    }

    #[test]
    fn each_wrong_field_gets_its_own_error() {
        let staff = [(4, "Harry".to_owned())];
        let bad = fields("", "99", "", "2026-11-19");
        let errors = validate(&bad, "action-2-", "action 2", &rules(&staff)).expect_err("invalid");
        assert_eq!(
            errors.get("action-2-description"),
            Some("Enter the description of action 2")
        );
        assert_eq!(
            errors.get("action-2-owner"),
            Some("Choose the owner of action 2 from the list")
        );
        assert!(
            errors
                .get("action-2-target_on")
                .is_some_and(|m| m.contains("20 Nov 2026"))
        );
        let bad = fields("x", "other", &"n".repeat(121), "2030-01-01");
        let errors = validate(&bad, "", "", &rules(&staff)).expect_err("invalid");
        assert!(errors.get("owner_other").is_some());
        assert!(
            errors
                .get("target_on")
                .is_some_and(|m| m.contains("within 3 years"))
        );
        let errors =
            validate(&fields("x", "other", " ", "2026-13-01"), "", "", &rules(&staff)).expect_err("invalid");
        assert!(errors.get("owner_other").is_some());
        assert!(errors.get("target_on").is_some());
    }

    #[test]
    fn the_current_owner_stays_valid_when_no_longer_listed() {
        let r = Rules {
            keep: Some(7),
            ..rules(&[])
        };
        let v = validate(&fields("x", "7", "", "2026-11-30"), "", "", &r).expect("valid");
        assert_eq!(v.owner, Owner::Staff(7));
    }

    #[test]
    fn blank_rows_are_blank() {
        assert!(fields(" ", "", "", "").is_blank());
        assert!(!fields("", "", "", "2026-11-30").is_blank());
    }
}
