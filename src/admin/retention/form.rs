//! The retention form as typed and its check: years overall, and years for any outcome
//! that needs a period of its own.

use crate::{
    cases::codes,
    retention::rules::{Retention, YEARS_RANGE},
    web::forms::FormErrors,
};
use std::collections::{BTreeMap, HashMap};

/// The form as typed: `years`, and `years-<outcome>` (blank: the default applies).
pub type Typed = HashMap<String, String>;

/// The form showing the periods as saved.
pub fn typed_from(r: &Retention) -> Typed {
    let mut f = Typed::from([("years".to_owned(), r.years.to_string())]);
    for (outcome, years) in &r.by_outcome {
        f.insert(format!("years-{outcome}"), years.to_string());
    }
    f
}

/// The form as submitted.
pub fn typed_from_pairs(pairs: Vec<(String, String)>) -> Typed {
    // As pairs: a field sent twice is read once (the first), not refused unread.
    let mut f = Typed::new();
    for (k, v) in pairs {
        f.entry(k).or_insert(v);
    }
    f
}

/// Checks every period; the periods to save.
pub fn validate(f: &Typed) -> Result<Retention, FormErrors> {
    let mut errors = FormErrors::default();
    let message = format!(
        "Enter a whole number of years from {} to {}",
        YEARS_RANGE.start(),
        YEARS_RANGE.end()
    );
    let parse = |v: &str| v.trim().parse::<i32>().ok().filter(|y| YEARS_RANGE.contains(y));
    let years = parse(f.get("years").map(String::as_str).unwrap_or(""));
    if years.is_none() {
        errors.add("years", message.clone());
    }
    let mut by_outcome = BTreeMap::new();
    for (outcome, _) in codes::OUTCOMES {
        let field = format!("years-{outcome}");
        match f.get(&field).map(|v| v.trim()).unwrap_or("") {
            "" => {}
            v => match parse(v) {
                Some(y) => {
                    by_outcome.insert(outcome.to_owned(), y);
                }
                None => errors.add(field, message.clone()),
            },
        }
    }
    let Some(years) = years.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    Ok(Retention { years, by_outcome })
}
