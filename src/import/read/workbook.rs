//! An `.xlsx` workbook's sheet, held as calamine reads it: values only (a formula is
//! refused), dates as `YYYY-MM-DD` (and `HH:MM`).

use super::{Body, Sheet, Unreadable, clean};
use calamine::{Data, Range, Reader, Xlsx};
use std::io::Cursor;

pub(super) fn book_row(range: &Range<Data>, at: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| {
            range
                .get((at, c))
                .map_or_else(String::new, |d| clean(&cell_text(d)))
        })
        .collect()
}

pub(super) fn workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, Unreadable> {
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
