//! Reading an uploaded file: CSV (UTF-8 with or without a byte-order mark, or
//! Windows-1252 as older Excel saves it; comma or semicolon separated) or an `.xlsx`
//! workbook (the first sheet or a named one; dates as `YYYY-MM-DD HH:MM`). What the
//! cells mean is `columns`' and `values`' business.
//!
//! A [`Sheet`] is read row by row ([`Sheet::each`]) and any row again by where it starts
//! ([`Sheet::row_at`]), so an import never holds a file as a grid of cells: a CSV is
//! parsed as it goes, from memory (an upload) or from disk (`harbour import`, which so
//! holds none of the file; a workbook's sheet is held as calamine reads it).

mod csv_text;
mod source;
mod workbook;

pub use source::Source;
pub use workbook::column_letters;

use crate::web::upload::MAX_FILE_BYTES;
use calamine::{Data, Range};
use csv::{ByteRecord, Position};
use csv_text::{CsvRows, cells, csv_file};
use source::{ReadSeek, Sniffed, Text, not_read};
use std::sync::Mutex;
use workbook::{book_row, workbook};

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
        text: Text,
        utf8: bool,
        delimiter: u8,
        header_end: usize,
        again: Mutex<(csv::Reader<Box<dyn ReadSeek>>, ByteRecord)>,
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
    /// Opens `source`: a workbook when it is a zip (what `.xlsx` is), CSV otherwise.
    /// Only the header row is read; a CSV's rows may still be unreadable ([`Sheet::each`]).
    pub fn open(source: impl Into<Source>, sheet: Option<&str>) -> Result<Sheet, Unreadable> {
        let source = source.into();
        if source.size().map_err(not_read)? > MAX_FILE_BYTES as u64 {
            return Err(Unreadable(format!(
                "The file is larger than the {} MB limit. Split it into smaller files and import each",
                MAX_FILE_BYTES / 1024 / 1024
            )));
        }
        let sniffed = Sniffed::of(source.reader().map_err(not_read)?).map_err(not_read)?;
        if sniffed.blank {
            return Err(Unreadable("The file is empty".into()));
        }
        let sheet = if sniffed.zip {
            workbook(&source.into_bytes().map_err(not_read)?, sheet)?
        } else if sniffed.binary {
            return Err(Unreadable(
                "This is not a spreadsheet Harbour can read. Save it as CSV or as an Excel workbook (.xlsx)"
                    .into(),
            ));
        } else {
            csv_file(Text::of(source, &sniffed).map_err(not_read)?, &sniffed)?
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
                let mut rows = CsvRows::new(text.open().map_err(not_read)?, *utf8, *delimiter);
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
            Body::Csv {
                utf8, again, text, ..
            } => {
                // A file changed since it was checked reads as nothing: the case no longer
                // passes its check, and the import stops with nothing written.
                if text.changed() {
                    return vec![];
                }
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

/// A cell without control characters other than tab and line breaks (a NUL cannot be
/// stored by PostgreSQL; the rest are noise from other systems), nor byte-order marks
/// (files joined end to end carry one at each join).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| (!c.is_control() || matches!(c, '\t' | '\n')) && *c != '\u{feff}')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row as [`Sheet::each`] reads it, each checked against [`Sheet::row_at`].
    /// Read from memory (an upload) and from disk (`harbour import`), which must agree.
    fn grid(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Unreadable> {
        let in_memory = grid_from(bytes.to_vec().into(), sheet);
        let path = std::env::temp_dir().join(format!(
            "harbour-read-{}.csv",
            &crate::auth::tokens::random_token()[..12]
        ));
        std::fs::write(&path, bytes).unwrap();
        let on_disk = grid_from(Source::Path(path.clone()), sheet);
        std::fs::remove_file(&path).ok();
        match (&in_memory, &on_disk) {
            (Ok(a), Ok(b)) => assert_eq!((&a.headers, &a.rows), (&b.headers, &b.rows)),
            (a, b) => assert_eq!(a.as_ref().err(), b.as_ref().err()),
        }
        in_memory
    }

    fn grid_from(source: Source, sheet: Option<&str>) -> Result<Grid, Unreadable> {
        let sheet = Sheet::open(source, sheet)?;
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

    /// A file read from disk in pieces: characters split between pieces are still UTF-8,
    /// and rows far beyond the first piece keep their numbers (a line break inside a
    /// quoted cell is not a row) and read again alike.
    #[test]
    fn a_long_file_reads_alike_from_disk_and_memory() {
        let mut text = "\u{feff}\n\nreference;description\n".to_owned();
        let mut expected = vec![];
        let mut line = 4;
        for (i, boundary) in [4096, 4096 + 65_536, 4096 + 2 * 65_536].into_iter().enumerate() {
            // Rows up to just before the boundary, then one whose "€"s (3 bytes each) span it.
            while text.len() + 40 < boundary - 100 {
                text.push_str(&format!("F{line};\"two\nlines\"\n"));
                expected.push(line);
                line += 1;
            }
            let mut row = format!("E{i};");
            while (boundary - (text.len() + row.len())) % 3 != 1 {
                row.push('x');
            }
            row.push_str(&"€".repeat(100));
            text.push_str(&format!("{row}\n"));
            expected.push(line);
            line += 1;
        }
        let grid = grid(text.as_bytes(), None).unwrap();
        assert_eq!(grid.headers, ["reference", "description"]);
        assert_eq!(grid.rows.iter().map(|r| r.0).collect::<Vec<_>>(), expected);
        assert!(grid.rows.iter().any(|r| r.1[1].ends_with("€€€")), "read as UTF-8");
    }

    /// Windows-1252 is told from UTF-8 by the whole file: a byte that is not UTF-8 far
    /// beyond the first piece read, or a character cut short at the very end.
    #[test]
    fn a_file_is_utf8_only_if_all_of_it_is() {
        let mut text = b"reference,victim_name\n".to_vec();
        for i in 0..5_000 {
            text.extend_from_slice(format!("R{i},Ann\n").as_bytes());
        }
        let mut late = text.clone();
        late.extend_from_slice(b"R9,Ren\xe9e\n");
        assert_eq!(grid(&late, None).unwrap().rows.last().unwrap().1[1], "Renée");
        let mut cut = text.clone();
        cut.extend_from_slice("R9,€".as_bytes());
        cut.pop();
        assert_eq!(grid(&cut, None).unwrap().rows.last().unwrap().1[1], "â‚");
        assert_eq!(grid(&text, None).unwrap().rows.len(), 5_000);
    }

    /// `harbour import` reads a file twice (check, then write): changed in between, it reads
    /// as nothing, so the import stops instead of writing what was not checked.
    #[test]
    fn a_file_changed_after_it_was_checked_is_not_read_again() {
        let path = std::env::temp_dir().join(format!(
            "harbour-changed-{}.csv",
            &crate::auth::tokens::random_token()[..12]
        ));
        std::fs::write(&path, "reference,received\nA1,1/2/25\n").unwrap();
        let sheet = Sheet::open(Source::Path(path.clone()), None).unwrap();
        let mut starts = vec![];
        sheet.each(|row| starts.push(row.at)).unwrap();
        assert_eq!(sheet.row_at(starts[0]), ["A1", "1/2/25"]);
        std::fs::write(&path, "reference,received\nA2,1/2/25\nA3,2/2/25\n").unwrap();
        assert!(sheet.row_at(starts[0]).is_empty());
        assert!(sheet.each(|_| {}).unwrap_err().0.contains("changed"));
        std::fs::remove_file(&path).ok();
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
