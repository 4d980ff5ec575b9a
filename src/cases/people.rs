//! People: one record per person across cases, matched for reuse (same tenancy reference,
//! or same name and postcode), and searchable by word through `person_terms`.

use entity::{people, person_terms};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Lower case, single spaces: "  Amina   KHAN " → "amina khan".
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Upper case without spaces: "le1 5ab" → "LE15AB".
pub fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

/// Upper case without spaces or separators: "t-0012 / 3" → "T00123".
pub fn tenancy_ref_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_uppercase()
}

/// The longest search term stored (and the longest prefix searched).
pub const MAX_TERM_CHARS: usize = 64;

/// The words a caseload search can find this person by: each word of the name and
/// address (lower case, punctuation trimmed), the postcode and the tenancy reference.
pub fn terms(p: &people::Model) -> Vec<String> {
    let mut terms: Vec<String> = [p.name.as_deref(), p.address.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(search_words)
        .collect();
    if let Some(pc) = p.postcode_key.as_deref().filter(|k| !k.is_empty()) {
        terms.push(pc.to_lowercase());
        // The outward code alone ("LE1") finds everyone in a postcode district.
        if let Some(outward) = p.postcode.as_deref().and_then(|pc| pc.split_whitespace().next()) {
            terms.push(outward.to_lowercase());
        }
    }
    if let Some(t) = p.tenancy_ref_key.as_deref().filter(|k| !k.is_empty()) {
        terms.push(t.to_lowercase());
    }
    terms.sort();
    terms.dedup();
    terms
}

/// Splits typed text into search words the same way [`terms`] does.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_TERM_CHARS).collect())
        .collect()
}

/// Replaces the stored search terms of `person`.
pub async fn index_terms(db: &impl ConnectionTrait, person: &people::Model) -> Result<(), DbErr> {
    person_terms::Entity::delete_many()
        .filter(person_terms::Column::PersonId.eq(person.id))
        .exec(db)
        .await?;
    let rows: Vec<_> = terms(person)
        .into_iter()
        .map(|term| person_terms::ActiveModel {
            term: Set(term),
            person_id: Set(person.id),
        })
        .collect();
    if !rows.is_empty() {
        person_terms::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  Amina   KHAN "), "amina khan");
        assert_eq!(postcode_key("le1 5ab"), "LE15AB");
        assert_eq!(tenancy_ref_key("t-0012 / 3"), "T00123");
    }

    #[test]
    fn search_words_trim_punctuation() {
        assert_eq!(
            search_words("12, Oak Road; O'Neil"),
            vec!["12", "oak", "road", "o'neil"]
        );
    }
}
