//! The import template, downloadable as CSV and as a workbook: every column's heading,
//! and two example cases (one of two rows) that import as they stand.

use super::columns::TEMPLATE;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Example rows, in template column order.
const EXAMPLES: [[&str; 22]; 3] = [
    [
        "ASB/2025/0147",
        "14/03/2025 10:20",
        "",
        "1",
        "yes",
        "Race",
        "Verbal abuse; Graffiti on the home",
        "Racist graffiti sprayed on the front door; neighbour shouted abuse",
        "",
        "Amina Khan",
        "Pakistani",
        "LE1 5AB",
        "T-10442",
        "Mark Stone",
        "White British",
        "",
        "14/03/2025 15:00",
        "phone call",
        "30/06/2025",
        "Resolved",
        "warning letter@20/03/2025; civil injunction@01/05/2025",
        "Very satisfied",
    ],
    [
        "ASB/2025/0147",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Yusuf Khan",
        "A2",
        "LE1 5AB",
        "T-10442",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "ASB/2025/0212",
        "2/6/25",
        "",
        "",
        "yes",
        "Religion or belief",
        "Written abuse, hate mail or leaflets",
        "Leaflets through the letterbox",
        "",
        "",
        "Black African",
        "",
        "T-20981",
        "unknown",
        "",
        "Joan Smith",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
];

pub fn csv() -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(vec![]);
    let headings: Vec<&str> = TEMPLATE.iter().map(|(_, h, _)| *h).collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(&headings);
    for row in EXAMPLES {
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

pub fn xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Cases")?;
    for (column, (_, heading, _)) in TEMPLATE.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, *heading, &bold)?;
        sheet.set_column_width(column, 18)?;
        for (row, example) in EXAMPLES.iter().enumerate() {
            sheet.write_string(row as u32 + 1, column, example[column as usize])?;
        }
    }
    let help = book.add_worksheet().set_name("Columns")?;
    help.write_string_with_format(0, 0, "Column", &bold)?;
    help.write_string_with_format(0, 1, "What it holds", &bold)?;
    help.set_column_width(0, 24)?;
    help.set_column_width(1, 110)?;
    for (row, (_, heading, what)) in TEMPLATE.iter().enumerate() {
        help.write_string(row as u32 + 1, 0, *heading)?;
        help.write_string(row as u32 + 1, 1, *what)?;
    }
    book.save_to_buffer()
}
