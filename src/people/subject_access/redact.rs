//! Redacting third parties from what a subject access request gives out (pure: no
//! database). Everyone else on a case — other victims, witnesses, alleged perpetrators,
//! reporters — is replaced by their part in it ("[alleged perpetrator 1]") wherever their
//! name appears, whole or (for parts of three letters or more) as a first name or surname,
//! case-insensitively and as whole words; their phone, email, address and postcode are
//! replaced too should free text repeat them. Staff names are not personal data of a third
//! party here (they acted for the landlord) and stay.
//!
//! Parts of the subject's own name are never redacted, so a relative sharing their
//! surname does not blank out the subject.

/// One thing to look for and what to put in its place.
#[derive(Clone, Debug)]
struct Pattern {
    /// Case-folded.
    chars: Vec<char>,
    replacement: String,
    /// What kind of data it is ("name", "phone", …), for the list of redactions.
    data: &'static str,
}

/// What was replaced in one text: the kind of data and its replacement, never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replaced {
    pub data: &'static str,
    pub replacement: String,
}

/// The redactions for one case.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    patterns: Vec<Pattern>,
    /// The subject's full name, case-folded (to find the records that name them).
    subject: Option<Vec<char>>,
    /// Parts of the subject's name, case-folded (never redacted as someone else's).
    subject_parts: Vec<Vec<char>>,
    /// The subject's own details, now and before, case-folded: a household's shared
    /// address or a number once recorded against someone else stays theirs.
    subject_details: Vec<Vec<char>>,
}

/// The shortest name part redacted on its own.
const MIN_PART: usize = 3;

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn folded(s: &str) -> Vec<char> {
    s.trim().chars().map(fold).collect()
}

/// "[alleged perpetrator 1]" for the first of several, "[witness]" for the only one.
pub fn role_tag(role: &str, number: Option<usize>) -> String {
    match number {
        Some(n) => format!("[{} {n}]", role.to_lowercase()),
        None => format!("[{}]", role.to_lowercase()),
    }
}

impl Redactor {
    pub fn new(subject_name: Option<&str>) -> Self {
        let subject = subject_name.map(folded).filter(|s| !s.is_empty());
        let subject_parts = subject_name
            .map(|n| n.split_whitespace().map(folded).collect())
            .unwrap_or_default();
        Redactor {
            patterns: vec![],
            subject,
            subject_parts,
            subject_details: vec![],
        }
    }

    /// The subject's own `details` (any they have or had), never redacted.
    pub fn subjects_own(mut self, details: &[&str]) -> Self {
        // An address's first line on its own too, as `person` looks for it.
        let first_lines = details
            .iter()
            .filter_map(|d| d.split_once(',').map(|(first, _)| first));
        self.subject_details = details
            .iter()
            .copied()
            .chain(first_lines)
            .map(folded)
            .filter(|d| !d.is_empty())
            .collect();
        self
    }

    /// One redactor from several cases' (the first's subject), for text that belongs to
    /// none of them: each pattern once, the first case's replacement where two cases
    /// know the same value, and one pass, so no replacement is redacted again.
    pub fn combined<'a>(all: impl IntoIterator<Item = &'a Redactor>) -> Redactor {
        let mut all = all.into_iter();
        let mut out = all.next().cloned().unwrap_or_default();
        for r in all {
            for p in &r.patterns {
                if !out.patterns.iter().any(|q| q.chars == p.chars) {
                    out.patterns.push(p.clone());
                }
            }
        }
        out.patterns.sort_by_key(|p| std::cmp::Reverse(p.chars.len()));
        out
    }

    fn add(&mut self, text: &str, replacement: &str, data: &'static str) {
        let chars = folded(text);
        if chars.len() < MIN_PART
            || self.subject.as_ref() == Some(&chars)
            || self.subject_details.contains(&chars)
        {
            return;
        }
        self.patterns.push(Pattern {
            chars,
            replacement: replacement.to_owned(),
            data,
        });
        // Longest first, so a full name goes before its parts and an address before
        // a postcode inside it.
        self.patterns.sort_by_key(|p| std::cmp::Reverse(p.chars.len()));
    }

    /// Another person on the case, known as `tag` (from [`role_tag`]): their name (whole
    /// and its parts) and their contact details.
    pub fn person(&mut self, tag: &str, name: Option<&str>, details: &[(&'static str, Option<&str>)]) {
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
            self.add(name, tag, "name");
            let parts: Vec<&str> = name.split_whitespace().collect();
            if parts.len() > 1 {
                for part in parts {
                    let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                    if !self.subject_parts.contains(&folded(part)) {
                        self.add(part, tag, "name");
                    }
                }
            }
        }
        let inner = tag.trim_start_matches('[').trim_end_matches(']');
        for (data, value) in details {
            let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            let replacement = format!("[{inner}: {data}]");
            self.add(value, &replacement, data);
            // Free text often gives an address's first line only.
            if *data == "address"
                && let Some((first, _)) = value.split_once(',')
                && first.trim().chars().count() >= 5
            {
                self.add(first, &replacement, data);
            }
        }
    }

    /// `text` with every other person's data replaced, and what was replaced.
    pub fn redact(&self, text: &str) -> (String, Vec<Replaced>) {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut replaced = vec![];
        let mut i = 0;
        'scan: while i < chars.len() {
            for p in &self.patterns {
                if matches_at(&chars, i, &p.chars) {
                    out.push_str(&p.replacement);
                    replaced.push(Replaced {
                        data: p.data,
                        replacement: p.replacement.clone(),
                    });
                    i += p.chars.len();
                    continue 'scan;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        (out, replaced)
    }

    /// Whether `text` names the subject (their full name, as a whole).
    pub fn names_subject(&self, text: &str) -> bool {
        let Some(name) = &self.subject else {
            return false;
        };
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len()).any(|i| matches_at(&chars, i, name))
    }
}

/// Whether `pattern` (case-folded) is at `i` in `text` as whole words.
fn matches_at(text: &[char], i: usize, pattern: &[char]) -> bool {
    let end = i + pattern.len();
    if end > text.len() || pattern.is_empty() {
        return false;
    }
    let word = |c: char| c.is_alphanumeric();
    if word(pattern[0]) && i > 0 && word(text[i - 1]) {
        return false;
    }
    if word(pattern[pattern.len() - 1]) && end < text.len() && word(text[end]) {
        return false;
    }
    text[i..end].iter().zip(pattern).all(|(c, p)| fold(*c) == *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        let mut r = Redactor::new(Some("Amina Khan"));
        r.person(
            &role_tag("Alleged perpetrator", Some(1)),
            Some("Gary Bolton"),
            &[
                ("phone", Some("07700 900111")),
                ("address", Some("5 Oak Road, Leicester")),
                ("postcode", Some("LE2 1AA")),
            ],
        );
        r.person(&role_tag("Witness", None), Some("Yusuf Khan"), &[]);
        r
    }

    #[test]
    fn names_whole_and_in_parts_are_replaced_by_the_role_as_whole_words() {
        let (text, replaced) = redactor().redact(
            "GARY BOLTON shouted at Amina; later Bolton's friend Garyson called. Gary rang 07700 900111.",
        );
        assert_eq!(
            text,
            "[alleged perpetrator 1] shouted at Amina; later [alleged perpetrator 1]'s friend Garyson called. [alleged perpetrator 1] rang [alleged perpetrator 1: phone]."
        );
        assert_eq!(replaced.len(), 4);
        assert!(replaced.iter().all(|r| !r.replacement.contains("Gary")));
        assert_eq!(replaced[3].data, "phone");
    }

    #[test]
    fn the_subjects_own_name_parts_stay_even_when_shared() {
        let (text, _) = redactor().redact("Amina Khan and Yusuf Khan saw it; Yusuf called the police.");
        assert_eq!(
            text,
            "Amina Khan and [witness] saw it; [witness] called the police."
        );
    }

    #[test]
    fn addresses_and_their_first_line_are_replaced() {
        let (text, replaced) = redactor().redact("He lives at 5 oak road near LE2 1AA.");
        assert_eq!(
            text,
            "He lives at [alleged perpetrator 1: address] near [alleged perpetrator 1: postcode]."
        );
        assert_eq!(
            replaced.iter().map(|r| r.data).collect::<Vec<_>>(),
            ["address", "postcode"]
        );
    }

    #[test]
    fn the_subject_is_found_by_full_name_only() {
        let r = redactor();
        assert!(r.names_subject("Visited amina khan at home"));
        assert!(!r.names_subject("Visited Amina at home"));
        assert!(!r.names_subject("Visited Amina Khanum"));
    }

    #[test]
    fn the_subjects_own_details_stay_even_when_someone_else_had_them() {
        let mut r =
            Redactor::new(Some("Amina Khan")).subjects_own(&["3 Elm Road, Leicester", "07700 900222"]);
        r.person(
            "[victim 2]",
            Some("Sara Begum"),
            &[
                ("address", Some("3 Elm Road, Leicester")),
                ("phone", Some("07700 900222")),
            ],
        );
        assert_eq!(
            r.redact("Sara Begum of 3 Elm Road, Leicester rang from 07700 900222.")
                .0,
            "[victim 2] of 3 Elm Road, Leicester rang from 07700 900222."
        );
    }

    #[test]
    fn combined_redactors_replace_once_with_the_first_cases_part() {
        let mut one = Redactor::new(Some("Amina Khan"));
        one.person("[witness]", Some("Gary Bolton"), &[]);
        let mut two = Redactor::new(Some("Amina Khan"));
        two.person("[alleged perpetrator]", Some("Gary Bolton"), &[]);
        two.person("[victim]", Some("Witness Smith"), &[]);
        let (text, replaced) = Redactor::combined([&one, &two]).redact("Gary Bolton and Witness Smith");
        assert_eq!(text, "[witness] and [victim]");
        assert_eq!(replaced.len(), 2);
    }

    #[test]
    fn short_parts_are_left_alone() {
        let mut r = Redactor::new(None);
        r.person("[witness]", Some("Al Jo"), &[]);
        assert_eq!(r.redact("Al Jo and Al").0, "[witness] and Al");
    }
}
