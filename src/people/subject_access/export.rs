//! The machine-readable answer to a subject access request: one zip holding the person's
//! details (`person.json`), their cases (`cases.json`), every record as a row
//! (`records.csv`), what was redacted (`redactions.csv`, never the redacted values) and a
//! `README.txt` saying what each file is.

use super::collect::Dossier;
use crate::chronology::csv_cell;
use std::io::{Cursor, Write};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

fn csv<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Vec<u8>, csv::Error> {
    // A byte-order mark, so spreadsheet programs read accented names and "£" correctly.
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(header)?;
    for row in rows {
        out.write_record(row.iter().map(|c| csv_cell(c).into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

pub fn records_csv(d: &Dossier) -> Result<Vec<u8>, csv::Error> {
    csv(
        ["Case", "When", "Kind", "Text", "By"],
        d.cases.iter().flat_map(|c| {
            c.records.iter().map(|r| {
                [
                    c.reference.clone(),
                    r.when.clone(),
                    r.kind.clone(),
                    r.details.clone(),
                    r.by.clone(),
                ]
            })
        }),
    )
}

pub fn redactions_csv(d: &Dossier) -> Result<Vec<u8>, csv::Error> {
    csv(
        ["Case", "Record", "Kind of data", "Replaced by", "Times"],
        d.redactions.iter().map(|r| {
            [
                r.case.clone(),
                r.record.clone(),
                r.data.to_owned(),
                r.replaced_by.clone(),
                r.times.to_string(),
            ]
        }),
    )
}

fn readme(d: &Dossier) -> String {
    let p = &d.person;
    let mut text = format!(
        "Subject access: everything Harbour holds about {name} (person {id})\r\n\
         Produced {at} (London time) by {by}.\r\n\r\n\
         person.json      their details, equality monitoring answers and every correction of them\r\n\
         cases.json       each case they are on: dates, status, priority, strands, outcome, their part,\r\n\
         \x20                the reports and the records that concern them\r\n\
         records.csv      the same records, one row each (case, when, kind, text, by)\r\n\
         redactions.csv   what was redacted, where, and what replaced it (never the value)\r\n\r\n\
         Other people's personal data (other victims, witnesses, alleged perpetrators, reporters)\r\n\
         is replaced by their part in the case, for example [alleged perpetrator 1]. Staff names\r\n\
         are kept: they acted for the landlord. Where the person is a victim every record of the\r\n\
         case is included; otherwise the reports and the records that name them.\r\n\r\n\
         Before release, read the free text: only people recorded on a case (by any name or\r\n\
         contact detail they were recorded with) are found; a neighbour named only in a note\r\n\
         is not.\r\n",
        name = p.name,
        id = p.person_id,
        at = p.produced_at,
        by = p.produced_by,
    );
    if p.cases_not_included > 0 {
        text.push_str(&format!(
            "\r\n{} further case(s) this person is on are restricted and were not visible to whoever\r\n\
             produced this: a manager named on them must add their part.\r\n",
            p.cases_not_included
        ));
    }
    text
}

/// The zip's bytes.
pub fn zip(d: &Dossier) -> anyhow::Result<Vec<u8>> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let files: [(&str, Vec<u8>); 5] = [
        ("README.txt", readme(d).into_bytes()),
        ("person.json", serde_json::to_vec_pretty(&d.person)?),
        ("cases.json", serde_json::to_vec_pretty(&d.cases)?),
        ("records.csv", records_csv(d)?),
        ("redactions.csv", redactions_csv(d)?),
    ];
    for (name, bytes) in files {
        w.start_file(name, options)?;
        w.write_all(&bytes)?;
    }
    Ok(w.finish()?.into_inner())
}
