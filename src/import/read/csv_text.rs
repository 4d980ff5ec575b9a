//! A CSV's rows, parsed as they are read: each with its row number as a spreadsheet
//! shows it (blank lines count, line breaks inside quoted cells do not) and where it starts.

use super::{
    Body, Row, Sheet, Unreadable, clean,
    source::{ReadSeek, Sniffed, Text, not_read},
};
use csv::ByteRecord;
use std::{
    io::{self, Read},
    sync::Mutex,
};

pub(super) fn csv_file(text: Text, sniffed: &Sniffed) -> Result<Sheet, Unreadable> {
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
pub(super) fn reader(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.delimiter(delimiter).has_headers(false).flexible(true);
    builder
}

pub(super) fn cells(record: &ByteRecord, utf8: bool) -> Vec<String> {
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
pub(super) struct CsvRows {
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
    pub(super) fn new(text: Box<dyn ReadSeek>, utf8: bool, delimiter: u8) -> Self {
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

    pub(super) fn next_row(&mut self) -> Result<Option<Row>, Unreadable> {
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
