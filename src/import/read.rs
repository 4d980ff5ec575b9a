//! Reading an uploaded file: CSV (UTF-8 with or without a byte-order mark, or
//! Windows-1252 as older Excel saves it; comma or semicolon separated) or an `.xlsx`
//! workbook (the first sheet or a named one; dates as `YYYY-MM-DD HH:MM`). What the
//! cells mean is `columns`' and `values`' business.
//!
//! A [`Sheet`] is read row by row ([`Sheet::each`]) and any row again by where it starts
//! ([`Sheet::row_at`]), so an import never holds a file as a grid of cells: a CSV is
//! parsed from its bytes as it goes (a workbook's sheet is held as calamine reads it).

use bytes::Bytes;
use calamine::{Data, Range, Reader, Xlsx};
use csv::{ByteRecord, Position};
use std::{io::Cursor, sync::Mutex};

use crate::web::upload::MAX_FILE_BYTES;

/// Rows made in memory (the demo landlord's generator): a header row and data rows, each
/// with its row number as a spreadsheet would show it (the header is row 1).
#[derive(Debug, Default)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// A data row: its number as the spreadsheet shows it, where it can be read again
/// ([`Sheet::row_at`]), and its cells.
pub struct Row {
    pub number: usize,
    pub at: usize,
    pub cells: Vec<String>,
}

/// A file's header row, and its data rows to be read.
pub struct Sheet {
    headers: Vec<String>,
    body: Body,
}

enum Body {
    /// The file's text (its bytes less any byte-order mark); rows start after
    /// `header_end`. `again` reads a row again (one reader kept: making one costs more
    /// than reading a row).
    Csv {
        text: Bytes,
        utf8: bool,
        delimiter: u8,
        header_end: usize,
        again: Mutex<(csv::Reader<Cursor<Bytes>>, ByteRecord)>,
    },
    /// A workbook's sheet; rows are its rows after the first.
    Book {
        range: Range<Data>,
        first_row: usize,
    },
    Rows(Grid),
}

impl From<Grid> for Sheet {
    fn from(mut grid: Grid) -> Self {
        Sheet {
            headers: std::mem::take(&mut grid.headers),
            body: Body::Rows(grid),
        }
    }
}

impl Sheet {
    /// Opens `bytes`: a workbook when they are a zip (what `.xlsx` is), CSV otherwise.
    /// Only the header row is read; a CSV's rows may still be unreadable ([`Sheet::each`]).
    pub fn open(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Sheet, Unreadable> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(Unreadable(format!(
                "The file is larger than the {} MB limit. Split it into smaller files and import each",
                MAX_FILE_BYTES / 1024 / 1024
            )));
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Unreadable("The file is empty".into()));
        }
        let sheet = if bytes.starts_with(b"PK\x03\x04") {
            workbook(&bytes, sheet)?
        } else if looks_binary(&bytes) {
            return Err(Unreadable(
                "This is not a spreadsheet Harbour can read. Save it as CSV or as an Excel workbook (.xlsx)"
                    .into(),
            ));
        } else {
            csv_file(bytes)?
        };
        if sheet.headers.iter().all(|h| h.trim().is_empty()) {
            return Err(Unreadable("The first row has no column headings".into()));
        }
        Ok(sheet)
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Calls `f` with each data row in order (wholly blank rows left out). Returns how
    /// many there were; a file without any is unreadable.
    pub fn each(&self, mut f: impl FnMut(Row)) -> Result<usize, Unreadable> {
        let mut count = 0;
        let mut keep = |row: Row| {
            if row.cells.iter().any(|c| !c.trim().is_empty()) {
                count += 1;
                f(row);
            }
        };
        match &self.body {
            Body::Csv {
                text,
                utf8,
                delimiter,
                header_end,
                ..
            } => {
                let mut rows = CsvRows::new(text, *utf8, *delimiter);
                while let Some(row) = rows.next_row()? {
                    if row.at >= *header_end {
                        keep(row);
                    }
                }
            }
            Body::Book { range, first_row } => {
                for at in 1..range.height() {
                    keep(Row {
                        number: first_row + at + 1,
                        at,
                        cells: book_row(range, at),
                    });
                }
            }
            Body::Rows(grid) => {
                for (at, (number, cells)) in grid.rows.iter().enumerate() {
                    keep(Row {
                        number: *number,
                        at,
                        cells: cells.clone(),
                    });
                }
            }
        }
        if count == 0 {
            return Err(Unreadable(
                "The file has column headings but no rows of cases".into(),
            ));
        }
        Ok(count)
    }

    /// The cells of the row [`Sheet::each`] gave as starting at `at`.
    pub fn row_at(&self, at: usize) -> Vec<String> {
        match &self.body {
            Body::Csv { utf8, again, .. } => {
                let mut again = again.lock().unwrap_or_else(|e| e.into_inner());
                let (reader, record) = &mut *again;
                // From the line break before the row: a reader that seeks starts afresh, and
                // at its start it would drop a byte-order mark the first pass kept.
                let mut at_row = Position::new();
                at_row.set_byte(at.saturating_sub(1) as u64);
                // It was read once already: it cannot fail now.
                match reader.seek(at_row).and_then(|_| reader.read_byte_record(record)) {
                    Ok(true) => cells(record, *utf8),
                    _ => vec![],
                }
            }
            Body::Book { range, .. } => book_row(range, at),
            Body::Rows(grid) => grid.rows.get(at).map(|r| r.1.clone()).unwrap_or_default(),
        }
    }
}

/// Old `.xls`, PDFs, images: NUL bytes never occur in a text file.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(4096).any(|&b| b == 0)
}

/// The separator the header row uses more of: Excel in much of Europe saves `;`.
fn separator(bytes: &[u8]) -> u8 {
    let header = bytes
        .split(|b| matches!(b, b'\n' | b'\r'))
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or_default();
    let count = |c| header.iter().filter(|&&b| b == c).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

fn csv_file(bytes: Vec<u8>) -> Result<Sheet, Unreadable> {
    let skip = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let text = Bytes::from(bytes).slice(skip..);
    // UTF-8 when all of it is, else Windows-1252 (a byte a character, decoded cell by cell).
    let utf8 = std::str::from_utf8(&text).is_ok();
    let delimiter = separator(&text);
    let header = CsvRows::new(&text, utf8, delimiter)
        .next_row()?
        .ok_or_else(|| Unreadable("The file is empty".into()))?;
    let again = reader(delimiter)
        .buffer_capacity(1024)
        .from_reader(Cursor::new(text.clone()));
    Ok(Sheet {
        headers: header.cells,
        body: Body::Csv {
            text,
            utf8,
            delimiter,
            header_end: header.at + 1,
            again: Mutex::new((again, ByteRecord::new())),
        },
    })
}

/// How every CSV is read: any number of cells a row, no header row of its own.
fn reader(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.delimiter(delimiter).has_headers(false).flexible(true);
    builder
}

fn cells(record: &ByteRecord, utf8: bool) -> Vec<String> {
    record.iter().map(|f| clean(&decode(f, utf8))).collect()
}

/// A CSV text's records in order, each with its row number and where it starts.
struct CsvRows<'a> {
    text: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: ByteRecord,
    utf8: bool,
    // A spreadsheet's row is a line of the file, less the line breaks inside quoted
    // cells of the rows before it (blank lines are rows too).
    breaks_before: usize,
    /// Line breaks before the record being read, counted once each up to `counted`.
    lines_before: usize,
    counted: usize,
}

impl<'a> CsvRows<'a> {
    fn new(text: &'a [u8], utf8: bool, delimiter: u8) -> Self {
        let reader = reader(delimiter).from_reader(text);
        CsvRows {
            text,
            reader,
            record: ByteRecord::new(),
            utf8,
            breaks_before: 0,
            lines_before: 0,
            counted: 0,
        }
    }

    fn next_row(&mut self) -> Result<Option<Row>, Unreadable> {
        let more = self.reader.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Unreadable(format!("The CSV could not be read near line {line}: {e}"))
        })?;
        if !more {
            return Ok(None);
        }
        // Where the record starts (the reader reports a blank line before it as its start).
        let start = self.record.position().map_or(0, |p| p.byte() as usize);
        let blank = self.text[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = start + blank;
        self.lines_before += line_breaks(&self.text[self.counted..start]);
        self.counted = start;
        let number = 1 + self.lines_before - self.breaks_before;
        self.breaks_before += self.record.iter().map(line_breaks).sum::<usize>();
        Ok(Some(Row {
            number,
            at: start,
            cells: cells(&self.record, self.utf8),
        }))
    }
}

fn decode(field: &[u8], utf8: bool) -> std::borrow::Cow<'_, str> {
    if utf8 {
        String::from_utf8_lossy(field)
    } else {
        encoding_rs::WINDOWS_1252.decode_without_bom_handling(field).0
    }
}

/// Line breaks in `text`: `\n`, `\r\n`, or a lone `\r` (old Mac Excel's "CSV (Macintosh)").
fn line_breaks(text: &[u8]) -> usize {
    let lone_cr = text
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && text.get(i + 1) != Some(&b'\n'))
        .count();
    text.iter().filter(|&&b| b == b'\n').count() + lone_cr
}

/// A cell without control characters other than tab and line breaks (a NUL cannot be
/// stored by PostgreSQL; the rest are noise from other systems), nor byte-order marks
/// (files joined end to end carry one at each join).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| (!c.is_control() || matches!(c, '\t' | '\n')) && *c != '\u{feff}')
        .collect()
}

fn book_row(range: &Range<Data>, at: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| {
            range
                .get((at, c))
                .map_or_else(String::new, |d| clean(&cell_text(d)))
        })
        .collect()
}

fn workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, Unreadable> {
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
    let first_row = range.start().map_or(0, |s| s.0 as usize);
    Ok(Sheet {
        headers: book_row(&range, 0),
        body: Body::Book { range, first_row },
    })
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

    /// Every row as [`Sheet::each`] reads it, each checked against [`Sheet::row_at`].
    fn grid(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Unreadable> {
        let sheet = Sheet::open(bytes.to_vec(), sheet)?;
        let mut rows = vec![];
        let mut starts = vec![];
        sheet.each(|row| {
            assert_eq!(sheet.row_at(row.at), row.cells, "row {} read again", row.number);
            starts.push(row.at);
            rows.push((row.number, row.cells));
        })?;
        // Again backwards, as a case's rows may lie anywhere in the file.
        for (at, (number, cells)) in starts.iter().zip(&rows).rev() {
            assert_eq!(&sheet.row_at(*at), cells, "row {number} read again");
        }
        Ok(Grid {
            headers: sheet.headers.clone(),
            rows,
        })
    }

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
    fn byte_order_marks_inside_a_file_are_dropped_and_rows_read_again_alike() {
        // Two "CSV UTF-8" exports joined end to end, with CRLF line ends.
        let text = "reference,received\r\nR1,1/2/25\r\n\u{feff}\r\n\u{feff}R2,3/2/25\r\nR3,4/2/25\r\n";
        let grid = grid(text.as_bytes(), None).unwrap();
        let cells = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
        assert_eq!(
            grid.rows,
            [
                (2, cells("R1", "1/2/25")),
                (4, cells("R2", "3/2/25")),
                (5, cells("R3", "4/2/25"))
            ]
        );
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
    fn a_workbooks_rows_are_read_in_order_and_again_one_at_a_time() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("Cases").unwrap();
        // The headings on the sheet's second row; a blank row among the cases.
        sheet.write_string(1, 0, "reference").unwrap();
        sheet.write_string(1, 1, "received").unwrap();
        sheet.write_string(2, 0, "A1").unwrap();
        let date = ExcelDateTime::from_ymd(2025, 12, 31).unwrap();
        let format = Format::new().set_num_format("dd/mm/yyyy");
        sheet.write_datetime_with_format(2, 1, &date, &format).unwrap();
        sheet.write_string(4, 0, "A2").unwrap();
        sheet.write_number(4, 1, 7.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let grid = grid(&bytes, Some("cases")).unwrap();
        assert_eq!(grid.headers, ["reference", "received"]);
        let cells = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
        assert_eq!(grid.rows, [(3, cells("A1", "2025-12-31")), (5, cells("A2", "7"))]);
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }
}
