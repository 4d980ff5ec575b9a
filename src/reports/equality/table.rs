//! The shape every report section takes (pure): a table of rows (groups) by columns
//! (measures), each cell a count, a rate, a median or a plain number. The page, the board
//! report, the CSV and the workbook are all written from these tables, so what is exported
//! is exactly what is on screen; disclosure control ([`super::disclosure`]) marks cells in
//! place before any of them is written.

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A count of cases, people or actions.
    Count(u64),
    /// A percentage: `num` of `den`.
    Rate { num: u64, den: u64 },
    /// A median or percentile of `n` cases.
    Median { value: f64, n: u64 },
    /// An average per case: `total` over `cases`.
    PerCase { total: u64, cases: u64 },
    /// A figure shown to two decimals (NM01).
    Fixed2(f64),
    /// A p-value (unrounded in exports).
    P(f64),
    /// 1 or 0 (a flag).
    Flag(bool),
    /// Nothing to show (no cases to measure): `[x]`.
    Missing,
}

/// Why a value is not shown (GSS symbols).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Shown,
    /// `[c]`: confidential (a small number, or a cell that would reveal one).
    Confidential,
    /// `[u]`: low reliability (a rate on fewer than 10 cases).
    Unreliable,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub mark: Mark,
    /// A count a manager may follow to the cases behind it.
    pub drill: bool,
}

impl Cell {
    pub fn new(value: Value) -> Self {
        Cell {
            value,
            mark: Mark::Shown,
            drill: false,
        }
    }

    pub fn count(n: u64) -> Self {
        Cell::new(Value::Count(n))
    }

    pub fn rate(num: u64, den: u64) -> Self {
        Cell::new(if den == 0 {
            Value::Missing
        } else {
            Value::Rate { num, den }
        })
    }

    pub fn drillable(mut self) -> Self {
        self.drill = true;
        self
    }

    pub fn is_hidden(&self) -> bool {
        self.mark != Mark::Shown
    }

    /// The count in this cell, if it is one.
    pub fn as_count(&self) -> Option<u64> {
        match self.value {
            Value::Count(n) => Some(n),
            _ => None,
        }
    }

    /// The percentage, to full precision.
    pub fn percent(&self) -> Option<f64> {
        match self.value {
            Value::Rate { num, den } if den > 0 => Some(100.0 * num as f64 / den as f64),
            _ => None,
        }
    }

    /// As people read it: counts with thousands separators, rates to one decimal place.
    pub fn display(&self) -> String {
        match self.mark {
            Mark::Confidential => return "[c]".to_owned(),
            Mark::Unreliable => return "[u]".to_owned(),
            Mark::Shown => {}
        }
        match self.value {
            Value::Count(n) => thousands(n),
            Value::Rate { .. } => format!("{:.1}%", self.percent().unwrap_or(0.0)),
            Value::Median { value, .. } => format!("{value:.1}"),
            Value::PerCase { total, cases } => format!("{:.2}", total as f64 / cases.max(1) as f64),
            Value::Fixed2(v) => format!("{v:.2}"),
            Value::P(p) => show_p(p),
            Value::Flag(f) => if f { "Yes" } else { "No" }.to_owned(),
            Value::Missing => "[x]".to_owned(),
        }
    }

    /// As an export carries it: plain numbers (`.` decimal point, no separators), rates to
    /// one decimal place, p-values unrounded, GSS symbols for what is not shown.
    pub fn export(&self) -> String {
        match self.mark {
            Mark::Confidential => return "[c]".to_owned(),
            Mark::Unreliable => return "[u]".to_owned(),
            Mark::Shown => {}
        }
        match self.value {
            Value::Count(n) => n.to_string(),
            Value::Rate { .. } => format!("{:.1}", self.percent().unwrap_or(0.0)),
            Value::Median { value, .. } => format!("{value:.1}"),
            Value::PerCase { total, cases } => format!("{:.2}", total as f64 / cases.max(1) as f64),
            Value::Fixed2(v) => format!("{v:.2}"),
            Value::P(p) => p.to_string(),
            Value::Flag(f) => u8::from(f).to_string(),
            Value::Missing => "[x]".to_owned(),
        }
    }

    /// The number an export writes (None: a symbol instead).
    pub fn number(&self) -> Option<f64> {
        if self.is_hidden() {
            return None;
        }
        match self.value {
            Value::Missing => None,
            _ => self.export().parse().ok(),
        }
    }
}

/// "1,234".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "p < 0.001", "p = 0.013".
pub fn show_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {p:.3}")
    }
}

/// How a row sits in its table (for indenting and for totals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A total over the whole table.
    Total,
    /// A heading group (the five ethnic groups).
    Group,
    /// A row within a group, or a row of a flat table.
    Item,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Stable code for exports (`black-african`, `group-black`, `all`, `area-3`).
    pub code: String,
    pub label: String,
    pub level: Level,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Stable code for exports (`cases_opened`).
    pub code: String,
    pub label: String,
}

impl Column {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        Column {
            code: code.into(),
            label: label.into(),
        }
    }
}

/// Cells that add up: `total` is the sum of `members` (row, column), so if exactly one
/// member is hidden it could be recovered by subtraction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub total: (usize, usize),
    pub members: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The export section (`victim_ethnicity`, `volume`, …).
    pub section: &'static str,
    /// Anchor and workbook sheet name, unique within a report.
    pub id: String,
    pub title: String,
    /// What the figures mean, under the title.
    pub note: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Additive relations used by secondary suppression.
    pub lines: Vec<Line>,
}

impl Table {
    pub fn new(section: &'static str, id: &str, title: &str, columns: Vec<Column>) -> Self {
        Table {
            section,
            id: id.to_owned(),
            title: title.to_owned(),
            note: String::new(),
            columns,
            rows: vec![],
            lines: vec![],
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    pub fn push(
        &mut self,
        code: impl Into<String>,
        label: impl Into<String>,
        level: Level,
        cells: Vec<Cell>,
    ) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(Row {
            code: code.into(),
            label: label.into(),
            level,
            cells,
        });
    }

    pub fn column(&self, code: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.code == code)
    }

    pub fn row(&self, code: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.code == code)
    }

    /// The cell at (row code, column code).
    pub fn cell(&self, row: &str, column: &str) -> Option<&Cell> {
        Some(&self.rows[self.row(row)?].cells[self.column(column)?])
    }

    pub fn cell_at(&self, (r, c): (usize, usize)) -> &Cell {
        &self.rows[r].cells[c]
    }

    pub fn cell_at_mut(&mut self, (r, c): (usize, usize)) -> &mut Cell {
        &mut self.rows[r].cells[c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_and_export_as_documented() {
        assert_eq!(Cell::count(1234567).display(), "1,234,567");
        assert_eq!(Cell::count(1234567).export(), "1234567");
        assert_eq!(Cell::rate(1, 3).display(), "33.3%");
        assert_eq!(Cell::rate(1, 3).export(), "33.3");
        assert_eq!(Cell::rate(0, 0).export(), "[x]");
        let p = Cell::new(Value::P(0.000032900450));
        assert_eq!(p.export(), "0.00003290045");
        assert_eq!(p.display(), "p < 0.001");
        assert_eq!(Cell::new(Value::Fixed2(3.6)).export(), "3.60");
        assert_eq!(Cell::new(Value::Flag(true)).export(), "1");
        let mut c = Cell::count(3);
        c.mark = Mark::Confidential;
        assert_eq!(
            (c.display(), c.export(), c.number()),
            ("[c]".into(), "[c]".into(), None)
        );
        assert_eq!(Cell::rate(2, 3).number(), Some(66.7));
    }
}
