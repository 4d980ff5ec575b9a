//! The import template, downloadable as CSV and as a workbook: every column's heading,
//! and two example cases (one of two rows) that import as they stand.

use super::columns::TEMPLATE;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Example rows: `(column, value)` pairs, every other column blank.
const EXAMPLES: [&[(&str, &str)]; 3] = [
    &[
        ("reference", "ASB/2025/0147"),
        ("received", "14/03/2025 10:20"),
        ("priority", "1"),
        ("hate", "yes"),
        ("strands", "Race"),
        ("incident_types", "Verbal abuse; Graffiti on the home"),
        (
            "description",
            "Racist graffiti sprayed on the front door; neighbour shouted abuse",
        ),
        ("victim_name", "Amina Khan"),
        ("victim_ethnicity", "Pakistani"),
        ("victim_postcode", "LE1 5AB"),
        ("victim_tenancy_ref", "T-10442"),
        ("perpetrator_name", "Mark Stone"),
        ("perpetrator_ethnicity", "White British"),
        ("first_contact", "14/03/2025 15:00"),
        ("first_contact_how", "phone call"),
        ("closed", "30/06/2025"),
        ("outcome", "Resolved"),
        (
            "enforcement",
            "warning letter@20/03/2025; civil injunction@01/05/2025",
        ),
        ("satisfaction", "Very satisfied"),
    ],
    // A second victim of the same case (a household member: no tenancy reference, so
    // not taken for the tenant).
    &[
        ("reference", "ASB/2025/0147"),
        ("victim_name", "Yusuf Khan"),
        ("victim_ethnicity", "A2"),
        ("victim_postcode", "LE1 5AB"),
    ],
    &[
        ("reference", "ASB/2025/0212"),
        ("received", "2/6/25"),
        ("hate", "yes"),
        ("strands", "Religion or belief"),
        ("incident_types", "Written abuse, hate mail or leaflets"),
        ("description", "Leaflets through the letterbox"),
        ("victim_ethnicity", "Black African"),
        ("victim_tenancy_ref", "T-20981"),
        ("perpetrator_name", "unknown"),
        ("witness_name", "Joan Smith"),
    ],
];

/// An example as a full row, in template column order.
fn example_row(example: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    TEMPLATE
        .iter()
        .map(|(_, heading, _)| example.iter().find(|(h, _)| h == heading).map_or("", |(_, v)| *v))
        .collect()
}

pub fn csv() -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(vec![]);
    let headings: Vec<&str> = TEMPLATE.iter().map(|(_, h, _)| *h).collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(&headings);
    for example in EXAMPLES {
        let _ = writer.write_record(example_row(example));
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
            sheet.write_string(row as u32 + 1, column, example_row(example)[column as usize])?;
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
