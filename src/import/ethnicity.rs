//! Ethnicity as landlords have recorded it: the ONS 2021 labels ("Indian", or
//! "Asian or Asian British: Indian"), the 2011 census labels, the two-character codes
//! many housing systems use (W1, A2, B1 …), common wording ("White British", "Black
//! African", "Pakistani"), and whatever a person importing has mapped before.

use super::values::key;
use crate::cases::codes::{self, ETHNICITY_GROUPS};
use entity::settings;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Wording that is not a label of the 2021 list, by its `values::key`.
const ALIASES: [(&str, &str); 66] = [
    // 2011 census labels that differ from 2021.
    ("english welsh scottish northern irish british", "white-british"),
    (
        "white english welsh scottish northern irish british",
        "white-british",
    ),
    ("any other mixed multiple ethnic background", "mixed-other"),
    ("any other black african caribbean background", "black-other"),
    // Two-character codes (2001/2011 census coding used by housing systems).
    ("w1", "white-british"),
    ("w2", "white-irish"),
    ("w3", "white-other"),
    ("w4", "white-gypsy-traveller"),
    ("w5", "white-roma"),
    ("m1", "mixed-white-black-caribbean"),
    ("m2", "mixed-white-black-african"),
    ("m3", "mixed-white-asian"),
    ("m4", "mixed-other"),
    ("a1", "asian-indian"),
    ("a2", "asian-pakistani"),
    ("a3", "asian-bangladeshi"),
    ("a4", "asian-other"),
    ("b1", "black-caribbean"),
    ("b2", "black-african"),
    ("b3", "black-other"),
    ("o1", "asian-chinese"),
    ("o2", "other-any"),
    ("o3", "other-arab"),
    // Police "16+1" self-defined codes (the 9s are "any other" in each group).
    ("w9", "white-other"),
    ("m9", "mixed-other"),
    ("a9", "asian-other"),
    ("b9", "black-other"),
    ("o9", "other-any"),
    ("ns", codes::NOT_KNOWN),
    // Common wording.
    ("white british", "white-british"),
    ("british", "white-british"),
    ("english", "white-british"),
    ("welsh", "white-british"),
    ("scottish", "white-british"),
    ("northern irish", "white-british"),
    ("white irish", "white-irish"),
    ("white other", "white-other"),
    ("other white", "white-other"),
    ("white european", "white-other"),
    ("eastern european", "white-other"),
    ("polish", "white-other"),
    ("gypsy", "white-gypsy-traveller"),
    ("traveller", "white-gypsy-traveller"),
    ("irish traveller", "white-gypsy-traveller"),
    ("gypsy traveller", "white-gypsy-traveller"),
    ("black african", "black-african"),
    ("black caribbean", "black-caribbean"),
    ("black other", "black-other"),
    ("asian indian", "asian-indian"),
    ("asian pakistani", "asian-pakistani"),
    ("asian bangladeshi", "asian-bangladeshi"),
    ("asian chinese", "asian-chinese"),
    ("asian other", "asian-other"),
    ("other asian", "asian-other"),
    ("mixed other", "mixed-other"),
    ("other mixed", "mixed-other"),
    ("somali", "black-african"),
    ("nigerian", "black-african"),
    ("kurdish", "other-any"),
    ("other", "other-any"),
    ("refused", codes::PREFER_NOT),
    ("declined", codes::PREFER_NOT),
    ("unknown", codes::NOT_KNOWN),
    ("not stated", codes::NOT_KNOWN),
    ("n k", codes::NOT_KNOWN),
    ("nk", codes::NOT_KNOWN),
];

/// What a cell means: a category, or wording nobody has mapped yet.
#[derive(Debug, PartialEq, Eq)]
pub enum Reading {
    Category(&'static str),
    Unmapped,
}

/// Mappings a person importing chose for wording the built-in list does not know,
/// remembered for later imports.
#[derive(Clone, Debug, Default)]
pub struct Mappings(BTreeMap<String, String>);

const SETTING: &str = "import.ethnicity_mappings";

impl Mappings {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let row = settings::Entity::find_by_id(SETTING).one(db).await?;
        Ok(Mappings(
            row.and_then(|r| serde_json::from_str(&r.value).ok())
                .unwrap_or_default(),
        ))
    }

    /// Remembers `wording` as `code` (a category code); `false` when `code` is not one.
    pub fn add(&mut self, wording: &str, code: &str) -> bool {
        if !codes::is_ethnicity(code) || key(wording).is_empty() {
            return false;
        }
        self.0.insert(key(wording), code.to_owned());
        true
    }

    pub async fn save(&self, db: &impl ConnectionTrait, now: OffsetDateTime, by: i32) -> Result<(), DbErr> {
        let value = serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into());
        crate::db::put_setting(db, SETTING, value, now, by).await
    }

    /// The category `text` names. Blank is "Not known".
    pub fn read(&self, text: &str) -> Reading {
        let k = key(text);
        if k.is_empty() {
            return Reading::Category(codes::NOT_KNOWN);
        }
        if let Some(code) = exact(&k) {
            return Reading::Category(code);
        }
        // What a person importing chose for this exact wording comes before any guess.
        if let Some(code) = self.0.get(&k) {
            return category(code);
        }
        // "Group: category", in the 2021 or 2011 wording: the category within its group.
        if let Some((group, rest)) = text.split_once(':')
            && let Some(list) = group_named(&key(group))
        {
            let rest = key(rest);
            if let Some((code, _)) = list.iter().find(|(c, l)| key(c) == rest || key(l) == rest) {
                return Reading::Category(code);
            }
            if rest.split(' ').any(|w| w == "other") {
                // The group's "any other" category is its last.
                return list
                    .last()
                    .map_or(Reading::Unmapped, |(c, _)| Reading::Category(c));
            }
            return self.read(&rest);
        }
        match ALIASES.iter().find(|(alias, _)| *alias == k) {
            Some((_, code)) => category(code),
            None => Reading::Unmapped,
        }
    }
}

/// Whether `text` is a 2021 category's code or label exactly (nothing to check).
pub fn is_exact(text: &str) -> bool {
    let k = key(text);
    k.is_empty() || exact(&k).is_some()
}

/// The category whose code, label or "group label" is the key `k`.
fn exact(k: &str) -> Option<&'static str> {
    ETHNICITY_GROUPS.iter().find_map(|(group, list)| {
        list.iter()
            .find(|(code, label)| key(code) == k || key(label) == k || key(&format!("{group} {label}")) == k)
            .map(|(code, _)| *code)
    })
}

/// The 2021 group a group heading names, in the 2021 or 2011 wording (or one word).
fn group_named(k: &str) -> Option<&'static [crate::cases::codes::Code]> {
    let index = match k {
        "asian or asian british" | "asian asian british" | "asian" => 0,
        "black black british caribbean or african" | "black african caribbean black british" | "black" => 1,
        "mixed or multiple ethnic groups" | "mixed multiple ethnic groups" | "mixed" => 2,
        "white" => 3,
        "other ethnic group" | "other" => 4,
        _ => return None,
    };
    Some(ETHNICITY_GROUPS[index].1)
}

/// `code` as the list's own `'static` string.
fn category(code: &str) -> Reading {
    ETHNICITY_GROUPS
        .iter()
        .flat_map(|(_, l)| l.iter())
        .find(|(c, _)| *c == code)
        .map_or(Reading::Unmapped, |(c, _)| Reading::Category(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_landlords_write_ethnicity() {
        let m = Mappings::default();
        let cases = [
            ("Indian", "asian-indian"),
            ("Asian or Asian British: Indian", "asian-indian"),
            ("White: Irish", "white-irish"),
            ("English/Welsh/Scottish/Northern Irish/British", "white-british"),
            ("W1", "white-british"),
            ("a2", "asian-pakistani"),
            ("B1", "black-caribbean"),
            ("White British", "white-british"),
            ("Black African", "black-african"),
            ("Pakistani", "asian-pakistani"),
            ("Any other Black/African/Caribbean background", "black-other"),
            ("Prefer not to say", codes::PREFER_NOT),
            ("Asian/Asian British: Indian", "asian-indian"),
            ("Black/African/Caribbean/Black British: African", "black-african"),
            ("Black: Other", "black-other"),
            ("White: Any other White background", "white-other"),
            (
                "Mixed/Multiple ethnic groups: White and Asian",
                "mixed-white-asian",
            ),
            ("W9", "white-other"),
            ("NS", codes::NOT_KNOWN),
            ("", codes::NOT_KNOWN),
            ("not-known", codes::NOT_KNOWN),
        ];
        for (text, code) in cases {
            assert_eq!(m.read(text), Reading::Category(code), "{text}");
        }
        assert_eq!(m.read("Martian"), Reading::Unmapped);
    }

    #[test]
    fn a_mapping_chosen_once_reads_the_same_wording_again() {
        let mut m = Mappings::default();
        assert!(!m.add("Brit Asian", "not-a-code"));
        assert!(m.add("Brit Asian", "asian-other"));
        assert_eq!(m.read("brit-asian"), Reading::Category("asian-other"));
        // Wording inside a known group, not a category of it, can be mapped too.
        assert_eq!(m.read("White: Portuguese"), Reading::Unmapped);
        assert!(m.add("White: Portuguese", "white-other"));
        assert_eq!(m.read("White: Portuguese"), Reading::Category("white-other"));
    }
}
