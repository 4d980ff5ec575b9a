//! Reading an uploaded file into a grid of text cells: CSV (UTF-8 with or without a
//! byte-order mark, or Windows-1252 as older Excel saves it; comma or semicolon separated)
//! or an `.xlsx` workbook (the first sheet or a named one; dates as `YYYY-MM-DD HH:MM`).
//! What the cells mean is `columns`' and `values`' business.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

use crate::web::upload::MAX_FILE_BYTES;

/// A file's header row and its data rows, each with its row number as the spreadsheet
/// shows it (the header is row 1).
#[derive(Debug, Default)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Reads `bytes`: a workbook when they are a zip (what `.xlsx` is), CSV otherwise.
pub fn grid(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Unreadable> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Unreadable(format!(
            "The file is larger than the {} MB limit. Split it into smaller files and import each",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Unreadable("The file is empty".into()));
    }
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        workbook(bytes, sheet)?
    } else if looks_binary(bytes) {
        return Err(Unreadable(
            "This is not a spreadsheet Harbour can read. Save it as CSV or as an Excel workbook (.xlsx)"
                .into(),
        ));
    } else {
        csv_text(&decode(bytes))?
    };
    if grid.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(Unreadable("The first row has no column headings".into()));
    }
    if grid.rows.is_empty() {
        return Err(Unreadable(
            "The file has column headings but no rows of cases".into(),
        ));
    }
    Ok(grid)
}

/// Old `.xls`, PDFs, images: NUL bytes never occur in a text file.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(4096).any(|&b| b == 0)
}

/// UTF-8 (its byte-order mark dropped), or else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator the header row uses more of: Excel in much of Europe saves `;`.
fn separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn csv_text(text: &str) -> Result<Grid, Unreadable> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Grid::default();
    // A spreadsheet's row is a line of the file, less the line breaks inside quoted
    // cells of the rows before it (blank lines are rows too).
    let mut breaks_before = 0;
    // Line breaks before the record being read, counted once each.
    let (mut lines_before, mut counted) = (0, 0);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Unreadable(format!("The CSV could not be read near line {line}: {e}"))
        })?;
        // Where the record starts (the reader reports a blank line before it as its start).
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let start = start + text[start..].len() - text[start..].trim_start_matches(['\r', '\n']).len();
        lines_before += line_breaks(&text[counted..start]);
        counted = start;
        let line = 1 + lines_before;
        let cells: Vec<String> = record.iter().map(clean).collect();
        push(&mut grid, line - breaks_before, cells.clone());
        breaks_before += cells.iter().map(|c| line_breaks(c)).sum::<usize>();
    }
    Ok(grid)
}

/// Line breaks in `text`: `\n`, `\r\n`, or a lone `\r` (old Mac Excel's "CSV (Macintosh)").
fn line_breaks(text: &str) -> usize {
    text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count()
}

/// A cell without control characters other than tab and line breaks (a NUL cannot be
/// stored by PostgreSQL; the rest are noise from other systems).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect()
}

/// The header is the first row read (blank lines before it skipped); wholly blank rows
/// are left out.
fn push(grid: &mut Grid, number: usize, cells: Vec<String>) {
    if grid.headers.is_empty() {
        grid.headers = cells;
    } else if cells.iter().any(|c| !c.trim().is_empty()) {
        grid.rows.push((number, cells));
    }
}

fn workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Unreadable> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        Unreadable(
            "The workbook could not be opened. Save it again as an Excel workbook (.xlsx) or as CSV".into(),
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                Unreadable(format!(
                    "The workbook has no sheet called “{wanted}”. Its sheets are: {}",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Unreadable("The workbook has no sheets".into()))?,
    };
    let formulas = book
        .worksheet_formula(&name)
        .map_err(|e| Unreadable(format!("The sheet “{name}” could not be read: {e}")))?;
    if let Some((row, column, _)) = formulas.used_cells().find(|(_, _, f)| !f.is_empty()) {
        let (row, column) = (
            row + formulas.start().map_or(0, |s| s.0 as usize),
            column + formulas.start().map_or(0, |s| s.1 as usize),
        );
        return Err(Unreadable(format!(
            "Cell {}{} holds a formula. Harbour imports values only: copy the sheet and paste it as values, then import that",
            column_letters(column),
            row + 1
        )));
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Unreadable(format!("The sheet “{name}” could not be read: {e}")))?;
    let mut grid = Grid::default();
    let first_row = range.start().map_or(0, |s| s.0 as usize);
    for (index, row) in range.rows().enumerate() {
        push(
            &mut grid,
            first_row + index + 1,
            row.iter().map(|c| clean(&cell_text(c))).collect(),
        );
    }
    Ok(grid)
}

/// A cell as the text a person would have typed; dates as `YYYY-MM-DD` (and `HH:MM`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(d) => {
            let (y, m, day, h, min, _, _) = d.to_ymd_hms_milli();
            if h == 0 && min == 0 {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `A`, `B`, … `Z`, `AA`, … for a zero-based column.
pub fn column_letters(mut column: usize) -> String {
    let mut letters = vec![];
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_byte_order_mark_semicolons_and_newlines_in_quotes() {
        let text = "\u{feff}reference;description\nA1;\"two\nlines\"\n;\nA2;x\n";
        let grid = grid(text.as_bytes(), None).unwrap();
        assert_eq!(grid.headers, ["reference", "description"]);
        assert_eq!(grid.rows.len(), 2, "the blank row is left out");
        assert_eq!(grid.rows[0], (2, vec!["A1".to_owned(), "two\nlines".to_owned()]));
        assert_eq!(grid.rows[1].0, 4, "the quoted line break is inside row 2");
    }

    #[test]
    fn old_mac_line_endings_and_leading_blank_lines_are_read() {
        let grid = grid(b"reference,received\rA1,1/2/25\rA2,2/2/25\r", None).unwrap();
        assert_eq!(grid.headers, ["reference", "received"]);
        assert_eq!(grid.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3]);
        let grid = grid_of("\n\nreference,received\nA1,1/2/25\n");
        assert_eq!(grid.headers, ["reference", "received"]);
        assert_eq!(grid.rows[0].0, 4);
    }

    fn grid_of(text: &str) -> Grid {
        grid(text.as_bytes(), None).unwrap()
    }

    #[test]
    fn rows_count_blank_lines_and_not_breaks_inside_cells() {
        let text = "reference,description\n\nA1,\"one\ntwo\nthree\"\nA2,x\u{7}y\n";
        let grid = grid(text.as_bytes(), None).unwrap();
        assert_eq!(grid.rows[0].0, 3);
        assert_eq!(grid.rows[1], (4, vec!["A2".to_owned(), "xy".to_owned()]));
    }

    #[test]
    fn windows_1252_is_decoded() {
        let bytes = b"reference,victim_name\nA1,Ren\xe9e O\x92Brien\n";
        let grid = grid(bytes, None).unwrap();
        assert_eq!(grid.rows[0].1[1], "Renée O’Brien");
    }

    #[test]
    fn files_that_are_not_spreadsheets_are_refused_with_a_reason() {
        assert!(grid(b"", None).unwrap_err().0.contains("empty"));
        assert!(
            grid(b"reference,received\n", None)
                .unwrap_err()
                .0
                .contains("no rows")
        );
        assert!(
            grid(b"%PDF-1.4\0\0binary", None)
                .unwrap_err()
                .0
                .contains("not a spreadsheet")
        );
        assert!(
            grid(b"PK\x03\x04broken", None)
                .unwrap_err()
                .0
                .contains("could not be opened")
        );
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(grid(&big, None).unwrap_err().0.contains("20 MB"));
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }
}
