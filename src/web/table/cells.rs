//! Gives each cell of a table's rendered rows its column's heading (`data-label`, shown by
//! the card form on a phone) and its ARIA role.
//!
//! Working on the rendered rows lets callers keep writing rows as plain maud. It relies on
//! maud escaping `<`, `>` and `"` in text and attribute values, so every `<` starts a tag.
//! Rows must not hold nested tables.

use maud::html;

/// `rows` with every `td` and `th` labelled by `columns` (counted per row, honouring
/// `colspan`; a cell spanning several columns, or in a column without a label, gets none)
/// and every `tr`, `td` and `th` given its role. Attributes a caller set are kept.
pub(super) fn label(rows: &str, columns: &[Option<&str>]) -> String {
    let mut out = String::with_capacity(rows.len() + rows.len() / 2);
    let mut column = 0;
    let mut rest = rows;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..start + tag_len(&rest[start..])];
        rest = &rest[start + tag.len()..];
        let name_len = tag[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - 1);
        let (name, attrs) = tag[1..].split_at(name_len);
        let has = |attr: &str| attributes(attrs).any(|(n, _)| n.eq_ignore_ascii_case(attr));
        let mut added = String::new();
        let mut add = |attr: &str, value: &str| {
            if !has(attr) {
                added.push_str(&format!(r#" {attr}="{}""#, html! { (value) }.into_string()));
            }
        };
        match name.to_ascii_lowercase().as_str() {
            "tr" => {
                column = 0;
                add("role", "row");
            }
            cell @ ("td" | "th") => {
                let span = value_of(attrs, "colspan")
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                if span == 1
                    && let Some(Some(heading)) = columns.get(column)
                {
                    add("data-label", heading);
                }
                add(
                    "role",
                    match (cell, value_of(attrs, "scope")) {
                        ("td", _) => "cell",
                        (_, Some("col" | "colgroup")) => "columnheader",
                        _ => "rowheader",
                    },
                );
                column += span;
            }
            _ => {}
        }
        // After the caller's attributes, so markup reads as written.
        let (attrs, close) = attrs.split_at(attrs.len() - usize::from(attrs.ends_with('>')));
        out.push('<');
        out.push_str(name);
        out.push_str(attrs);
        out.push_str(&added);
        out.push_str(close);
    }
    out.push_str(rest);
    out
}

/// The length of the tag `s` starts with: up to its closing `>` outside quotes, or all of `s`.
fn tag_len(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn value_of<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    attributes(attrs)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The attributes of a start tag, after its name: (name, value), a value-less one as "".
fn attributes(mut s: &str) -> impl Iterator<Item = (&str, &str)> {
    std::iter::from_fn(move || {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() || s.starts_with('>') {
            return None;
        }
        let name_end = s
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(s.len());
        let (name, after) = s.split_at(name_end);
        let Some(v) = after.trim_start().strip_prefix('=') else {
            s = after;
            return Some((name, ""));
        };
        let v = v.trim_start();
        let (value, rest) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let quoted = &v[1..];
                let end = quoted.find(q).unwrap_or(quoted.len());
                (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
            }
            _ => v.split_at(
                v.find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(v.len()),
            ),
        };
        s = rest;
        Some((name, value))
    })
}

#[cfg(test)]
mod tests {
    use super::label;
    use maud::html;

    const COLUMNS: [Option<&str>; 4] = [Some("Stage"), Some("Due"), Some("% on time"), None];

    #[test]
    fn each_rows_cells_take_their_columns_heading_in_order_and_actions_none() {
        let rows = html! {
            tr id="deadline-1" {
                th.table__header scope="row" { "Initial contact" }
                td.table__cell { "1 Dec" br; span.hint { "Extended" } }
                td.table__cell.table__cell--numeric { "50%" }
                td.table__cell.no-print { a href="/x/done" { "Record done" } }
            }
            tr { td { "Visit" } td { "2 Dec" } }
        };
        assert_eq!(
            label(&rows.into_string(), &COLUMNS),
            concat!(
                r#"<tr id="deadline-1" role="row">"#,
                r#"<th class="table__header" scope="row" data-label="Stage" role="rowheader">Initial contact</th>"#,
                r#"<td class="table__cell" data-label="Due" role="cell">1 Dec<br><span class="hint">Extended</span></td>"#,
                r#"<td class="table__cell table__cell--numeric" data-label="% on time" role="cell">50%</td>"#,
                r#"<td class="table__cell no-print" role="cell"><a href="/x/done">Record done</a></td></tr>"#,
                r#"<tr role="row"><td data-label="Stage" role="cell">Visit</td><td data-label="Due" role="cell">2 Dec</td></tr>"#,
            )
        );
    }

    #[test]
    fn a_cell_spanning_columns_has_no_label_and_moves_the_next_cell_on() {
        let rows = html! {
            tr { th scope="row" colspan="2" { "Total" } td { "13" } td { a href="/" { "Change" } } }
        };
        assert_eq!(
            label(&rows.into_string(), &COLUMNS),
            concat!(
                r#"<tr role="row"><th scope="row" colspan="2" role="rowheader">Total</th>"#,
                r#"<td data-label="% on time" role="cell">13</td><td role="cell"><a href="/">Change</a></td></tr>"#,
            )
        );
    }

    #[test]
    fn text_that_looks_like_a_tag_and_tags_named_like_cells_are_left_alone() {
        let rows = html! {
            tr { td { "<td> & \"quoted\"" time datetime="2026-12-01" { "1 Dec" } } td { thead {} } }
        };
        let out = label(&rows.into_string(), &COLUMNS);
        assert_eq!(
            out,
            concat!(
                r#"<tr role="row"><td data-label="Stage" role="cell">&lt;td&gt; &amp; &quot;quoted&quot;"#,
                r#"<time datetime="2026-12-01">1 Dec</time></td><td data-label="Due" role="cell"><thead></thead></td></tr>"#,
            )
        );
    }

    #[test]
    fn attributes_the_caller_set_are_kept_and_headings_are_escaped() {
        let rows =
            html! { tr role="presentation" { td data-label="Mine" role="gridcell" { "x" } td { "y" } } };
        assert_eq!(
            label(&rows.into_string(), &[Some("A"), Some("Say \"hi\" <now>")]),
            concat!(
                r#"<tr role="presentation"><td data-label="Mine" role="gridcell">x</td>"#,
                r#"<td data-label="Say &quot;hi&quot; &lt;now&gt;" role="cell">y</td></tr>"#,
            )
        );
    }

    #[test]
    fn more_cells_than_columns_and_no_rows_are_harmless() {
        let rows = html! { tr { td { "1" } td { "2" } td { "3" } td { "4" } td { "5" } } };
        assert!(label(&rows.into_string(), &COLUMNS).ends_with(r#"<td role="cell">5</td></tr>"#));
        assert_eq!(label("", &COLUMNS), "");
    }
}
