//! Exports of exactly what the page shows, in the same mode: one tidy CSV (one row per
//! number) and an Excel workbook with the same rows, one sheet per section, numbers as
//! numbers and the header row frozen. Suppressed values are `[c]`, low-reliability rates
//! `[u]`, values that cannot be computed `[x]`; the hidden numbers are nowhere in the file.

use super::{report::Report, table::Table};
use crate::web::{forms::FormErrors, time_fmt::iso_date};
use rust_xlsxwriter::Workbook;

pub const HEADER: [&str; 7] = [
    "period_from",
    "period_to",
    "section",
    "group_code",
    "group_label",
    "measure",
    "value",
];

/// The sections, in order (also the workbook's sheets).
pub const SECTIONS: [&str; 7] = [
    "volume",
    "victim_ethnicity",
    "perpetrator_ethnicity",
    "recording",
    "nm01",
    "satisfaction",
    "disparity",
];

/// One exported number: (section, group code, group label, measure, value as text).
pub struct Line<'a> {
    pub table: &'a Table,
    pub group_code: &'a str,
    pub group_label: &'a str,
    pub measure: &'a str,
    pub cell: &'a super::table::Cell,
}

/// Every number of the report, in page order.
pub fn lines(report: &Report) -> Vec<Line<'_>> {
    let mut out = vec![];
    for t in &report.tables {
        for row in &t.rows {
            for (col, cell) in t.columns.iter().zip(&row.cells) {
                out.push(Line {
                    table: t,
                    group_code: &row.code,
                    group_label: &row.label,
                    measure: &col.code,
                    cell,
                });
            }
        }
    }
    out
}

/// Text that a spreadsheet would run as a formula is prefixed with an apostrophe.
fn neutral(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

pub fn csv(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    let (from, to) = (
        iso_date(report.criteria.period.from),
        iso_date(report.criteria.period.to),
    );
    for l in lines(report) {
        w.write_record([
            from.as_str(),
            to.as_str(),
            l.table.section,
            l.group_code,
            &neutral(l.group_label),
            l.measure,
            &l.cell.export(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub fn xlsx(report: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let (from, to) = (
        iso_date(report.criteria.period.from),
        iso_date(report.criteria.period.to),
    );
    let all = lines(report);
    for section in SECTIONS {
        let sheet = book.add_worksheet();
        sheet.set_name(section)?;
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (c, width) in [12, 12, 22, 28, 40, 36, 12].iter().enumerate() {
            sheet.set_column_width(c as u16, *width)?;
        }
        for (r, l) in (1..).zip(all.iter().filter(|l| l.table.section == section)) {
            sheet.write_string(r, 0, &from)?;
            sheet.write_string(r, 1, &to)?;
            sheet.write_string(r, 2, section)?;
            sheet.write_string(r, 3, l.group_code)?;
            // rust_xlsxwriter stores text starting with "=" as text, not a formula.
            sheet.write_string(r, 4, l.group_label)?;
            sheet.write_string(r, 5, l.measure)?;
            match l.cell.number() {
                Some(n) => sheet.write_number(r, 6, n)?,
                None => sheet.write_string(r, 6, l.cell.export())?,
            };
        }
    }
    book.save_to_buffer()
}

/// The file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn write(self, report: &Report) -> anyhow::Result<Vec<u8>> {
        Ok(match self {
            Format::Csv => csv(report)?,
            Format::Xlsx => xlsx(report)?,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "Excel",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `harbour-equality-2026-04-01-to-2026-12-06-publication.csv`.
pub fn file_name(report: &Report, ext: &str) -> String {
    let mode = if report.criteria.publication {
        "publication"
    } else {
        "internal"
    };
    format!(
        "harbour-equality-{}-to-{}-{mode}.{ext}",
        iso_date(report.criteria.period.from),
        iso_date(report.criteria.period.to)
    )
}

/// What was wrong with an export's parameters, in a sentence (a 400: an export has no
/// form to come back to).
pub fn problems(errors: &FormErrors) -> String {
    errors.messages().join("; ")
}
