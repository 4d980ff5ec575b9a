//! The entry form as typed, and its checks.

use super::list::{Item, List, MAX_NAME_CHARS};
use crate::web::forms::FormErrors;
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    pub(super) name: String,
    /// "yes" when ticked (agencies).
    pub(super) multi_agency: String,
    /// The entry as the edit form showed it: a change by someone else meanwhile is a 409.
    pub(super) was_name: String,
    pub(super) was_multi_agency: String,
}

impl EntryForm {
    pub(super) fn of(item: &Item) -> Self {
        let multi = if item.multi_agency { "yes" } else { "" }.to_owned();
        EntryForm {
            name: item.name.clone(),
            multi_agency: multi.clone(),
            was_name: item.name.clone(),
            was_multi_agency: multi,
        }
    }

    pub(super) fn multi(&self) -> bool {
        self.multi_agency == "yes"
    }
}

/// The name as it will be kept (inner runs of spaces collapsed), if valid and not already
/// used by another entry (ignoring case).
pub(super) fn valid_name(
    f: &EntryForm,
    all: &[Item],
    except: Option<i32>,
    list: List,
    errors: &mut FormErrors,
) -> Option<String> {
    let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => errors.add("name", format!("Enter the {}'s name", list.noun())),
        n if n > MAX_NAME_CHARS => errors.add(
            "name",
            format!("Keep the name to {MAX_NAME_CHARS} characters or fewer"),
        ),
        _ => {
            let key = name.to_lowercase();
            if all
                .iter()
                .any(|i| Some(i.id) != except && i.name.to_lowercase() == key)
            {
                errors.add(
                    "name",
                    format!("There is already {} with that name", list.a_noun()),
                );
            }
        }
    }
    errors.is_empty().then_some(name)
}

pub(super) fn panel_label(multi: bool) -> &'static str {
    if multi { " (multi-agency risk panel)" } else { "" }
}
