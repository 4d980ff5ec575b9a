//! Reading an uploaded file: CSV (UTF-8 with or without a byte-order mark, or
//! Windows-1252 as older Excel saves it; comma or semicolon separated) or an `.xlsx`
//! workbook (the first sheet or a named one; dates as `YYYY-MM-DD HH:MM`). What the
//! cells mean is `columns`' and `values`' business.
//!
//! A [`Sheet`] is read row by row ([`Sheet::each`]) and any row again by where it starts
//! ([`Sheet::row_at`]), so an import never holds a file as a grid of cells: a CSV is
//! parsed as it goes, from memory (an upload) or from disk (`harbour import`, which so
//! holds none of the file; a workbook's sheet is held as calamine reads it).

use bytes::Bytes;
use calamine::{Data, Range, Reader, Xlsx};
use csv::{ByteRecord, Position};
use std::{
    fs::File,
    io::{self, Cursor, Read, Seek, SeekFrom},
    path::PathBuf,
    sync::Mutex,
};

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

/// Where a file to import is: uploaded (in memory), or on disk.
pub enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl From<Vec<u8>> for Source {
    fn from(bytes: Vec<u8>) -> Self {
        Source::Bytes(bytes)
    }
}

impl Source {
    fn size(&self) -> io::Result<u64> {
        match self {
            Source::Bytes(b) => Ok(b.len() as u64),
            Source::Path(p) => Ok(std::fs::metadata(p)?.len()),
        }
    }

    fn reader(&self) -> io::Result<Box<dyn ReadSeek + '_>> {
        Ok(match self {
            Source::Bytes(b) => Box::new(Cursor::new(b.as_slice())),
            Source::Path(p) => Box::new(File::open(p)?),
        })
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        match self {
            Source::Bytes(b) => Ok(b),
            Source::Path(p) => std::fs::read(p),
        }
    }
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// A CSV's text, less any byte-order mark, to be read from its start as often as needed.
enum Text {
    Memory(Bytes),
    /// A file on disk, its text starting `skip` bytes in, as it was when first read.
    File {
        path: PathBuf,
        skip: u64,
        seen: Stamp,
    },
}

/// A file's size and when it was last changed: read again, it must be the file checked.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(file: &File) -> io::Result<Stamp> {
    let meta = file.metadata()?;
    Ok((meta.len(), meta.modified().ok()))
}

impl Text {
    fn changed(&self) -> bool {
        match self {
            Text::Memory(_) => false,
            Text::File { path, seen, .. } => {
                let now = std::fs::metadata(path).map(|m| (m.len(), m.modified().ok()));
                now.ok() != Some(*seen)
            }
        }
    }

    fn open(&self) -> io::Result<Box<dyn ReadSeek>> {
        Ok(match self {
            Text::Memory(b) => Box::new(Cursor::new(b.clone())),
            Text::File { path, skip, seen } => {
                let mut file = File::open(path)?;
                if stamp(&file)? != *seen {
                    return Err(io::Error::other(
                        "it was changed while it was being imported. Import it again",
                    ));
                }
                file.seek(SeekFrom::Start(*skip))?;
                Box::new(Skipped { file, skip: *skip })
            }
        })
    }
}

/// A file read as if it began `skip` bytes in (after its byte-order mark), so positions
/// are the same as in memory.
struct Skipped {
    file: File,
    skip: u64,
}

impl Read for Skipped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Seek for Skipped {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let to = match to {
            SeekFrom::Start(at) => SeekFrom::Start(at + self.skip),
            other => other,
        };
        Ok(self.file.seek(to)?.saturating_sub(self.skip))
    }
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
            let skip = if sniffed.bom { 3 } else { 0 };
            let text = match source {
                Source::Bytes(bytes) => Text::Memory(Bytes::from(bytes).slice(skip..)),
                Source::Path(path) => Text::File {
                    seen: File::open(&path).and_then(|f| stamp(&f)).map_err(not_read)?,
                    path,
                    skip: skip as u64,
                },
            };
            csv_file(text, &sniffed)?
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

fn not_read(e: io::Error) -> Unreadable {
    Unreadable(format!("The file could not be read: {e}"))
}

/// What one pass over a file shows before it is read as a spreadsheet.
struct Sniffed {
    /// Only spaces and line breaks, or nothing.
    blank: bool,
    /// A zip, as an `.xlsx` workbook is.
    zip: bool,
    /// Old `.xls`, PDFs, images: NUL bytes never occur in a text file's first 4 KiB.
    binary: bool,
    /// Starts with a UTF-8 byte-order mark.
    bom: bool,
    /// All of it is UTF-8; else it is read as Windows-1252, a byte a character.
    utf8: bool,
    /// The first line with anything on it, after any byte-order mark.
    header: Vec<u8>,
}

impl Sniffed {
    fn of(mut file: impl Read) -> io::Result<Sniffed> {
        let mut start = Vec::with_capacity(4096);
        (&mut file).take(4096).read_to_end(&mut start)?;
        let bom = start.starts_with(b"\xEF\xBB\xBF");
        let mut sniffed = Sniffed {
            blank: true,
            zip: start.starts_with(b"PK\x03\x04"),
            binary: start.contains(&0),
            bom,
            utf8: true,
            header: vec![],
        };
        let (mut unfinished, mut line, mut header_found) = (vec![], vec![], false);
        let mut chunk = start;
        let mut first = true;
        loop {
            let from = if first && bom { 3 } else { 0 };
            first = false;
            sniffed.blank &= chunk.iter().all(u8::is_ascii_whitespace);
            if sniffed.utf8 {
                // A character may be split across chunks: its start is kept for the next.
                unfinished.extend_from_slice(&chunk);
                match std::str::from_utf8(&unfinished) {
                    Ok(_) => unfinished.clear(),
                    Err(e) if e.error_len().is_none() => {
                        unfinished.drain(..e.valid_up_to());
                    }
                    Err(_) => sniffed.utf8 = false,
                }
            }
            for &b in chunk.get(from..).unwrap_or_default() {
                if header_found {
                    break;
                }
                if matches!(b, b'\n' | b'\r') {
                    header_found = !line.trim_ascii().is_empty();
                    if !header_found {
                        line.clear();
                    }
                } else {
                    line.push(b);
                }
            }
            chunk.clear();
            if (&mut file).take(1 << 16).read_to_end(&mut chunk)? == 0 {
                break;
            }
        }
        sniffed.utf8 &= unfinished.is_empty();
        sniffed.header = line;
        Ok(sniffed)
    }

    /// The separator the header row uses more of: Excel in much of Europe saves `;`.
    fn separator(&self) -> u8 {
        let count = |c| self.header.iter().filter(|&&b| b == c).count();
        if count(b';') > count(b',') { b';' } else { b',' }
    }
}

fn csv_file(text: Text, sniffed: &Sniffed) -> Result<Sheet, Unreadable> {
    let (utf8, delimiter) = (sniffed.utf8, sniffed.separator());
    let header = CsvRows::new(text.open().map_err(not_read)?, utf8, delimiter)
        .next_row()?
        .ok_or_else(|| Unreadable("The file is empty".into()))?;
    let again = reader(delimiter)
        .buffer_capacity(1024)
        .from_reader(text.open().map_err(not_read)?);
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

/// A reader that keeps what has been read from it since a point, so the bytes between
/// and around records can be looked at after the CSV reader has parsed them.
struct Tap<R> {
    inner: R,
    kept: Vec<u8>,
    /// Where `kept` starts in the text.
    kept_from: usize,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R> Tap<R> {
    /// What has been read from `at` (not before what was let go) on.
    fn from(&self, at: usize) -> &[u8] {
        let at = at.saturating_sub(self.kept_from).min(self.kept.len());
        &self.kept[at..]
    }

    /// Lets go of what lies before `at` (in blocks, not a shift for every record).
    fn let_go_before(&mut self, at: usize) {
        let n = at.saturating_sub(self.kept_from).min(self.kept.len());
        if n >= 1 << 16 {
            self.kept.drain(..n);
            self.kept_from += n;
        }
    }
}

/// A CSV text's records in order, each with its row number and where it starts.
struct CsvRows {
    reader: csv::Reader<Tap<Box<dyn ReadSeek>>>,
    record: ByteRecord,
    utf8: bool,
    // A spreadsheet's row is a line of the file, less the line breaks inside quoted
    // cells of the rows before it (blank lines are rows too).
    breaks_before: usize,
    /// Line breaks before the record being read, counted once each up to `counted`.
    lines_before: usize,
    counted: usize,
}

impl CsvRows {
    fn new(text: Box<dyn ReadSeek>, utf8: bool, delimiter: u8) -> Self {
        let reader = reader(delimiter).from_reader(Tap {
            inner: text,
            kept: vec![],
            kept_from: 0,
        });
        CsvRows {
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
        // The reader has read the whole record, so the tap holds all of these bytes.
        let start = self.record.position().map_or(0, |p| p.byte() as usize);
        let tap = self.reader.get_mut();
        let blank = tap
            .from(start)
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = start + blank;
        let between = tap.from(self.counted);
        self.lines_before += line_breaks(&between[..(start - self.counted).min(between.len())]);
        self.counted = start;
        tap.let_go_before(start);
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
