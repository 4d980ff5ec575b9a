//! The import pages: upload with the template, the preview (what would be created and
//! every problem), the ethnicity wording to map, and the finished import.

use super::{
    columns::TEMPLATE,
    plan::{Counts, Plan},
    running::Status,
};
use crate::{
    cases::codes::{ETHNICITY_GROUPS, ethnicity_label},
    web::{
        Ctx,
        forms::{FormErrors, csrf_field, error_summary},
        layout,
        table::{Col, table},
        time_fmt,
    },
};
use entity::imports;
use maud::{Markup, html};

/// Problems listed on the page; the rest are counted (the file must be fixed anyway).
const MAX_SHOWN: usize = 500;

pub fn upload_page(ctx: &Ctx, recent: &[super::Upload], errors: &FormErrors) -> Markup {
    let body = html! {
        h1.heading-l { "Import cases" }
        (error_summary(errors))
        p.body { "Bring in cases from a spreadsheet: the landlord's earlier records, or another system's export. You will see what would be created, and every problem, before anything is saved." }
        h2.heading-m { "1. Fill in the template" }
        p.body {
            "Download the template as "
            a href="/import/template.xlsx" { "Excel (.xlsx)" } " or " a href="/import/template.csv" { "CSV" }
            ". One row per case; rows with the same reference are one case (a second victim, alleged perpetrator or witness). Headings may be in any order and any case. Only "
            code { "reference" } ", " code { "received" } " and " code { "victim_name" } " or " code { "victim_ethnicity" } " are required."
        }
        details.details {
            summary.details__summary { span.details__summary-text { "What each column holds" } }
            div.details__text {
                dl.summary-list {
                    @for (_, heading, what) in TEMPLATE {
                        div.summary-list__row { dt.summary-list__key { code { (heading) } } dd.summary-list__value { (what) } }
                    }
                }
            }
        }
        h2.heading-m { "2. Upload it" }
        form method="post" action="/import" enctype="multipart/form-data" novalidate {
            (csrf_field(&ctx.csrf))
            div.form-group.form-group--error[errors.get("file").is_some()] {
                label.label for="file" { "Spreadsheet" }
                div.hint id="file-hint" { "CSV or Excel workbook (.xlsx), up to " (crate::web::upload::MAX_FILE_BYTES / 1024 / 1024) " MB." }
                @if let Some(message) = errors.get("file") {
                    p.error-message id="file-error" { span.visually-hidden { "Error: " } (message) }
                }
                input.file-upload id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="file-hint";
            }
            div.form-group {
                label.label for="sheet" { "Sheet (optional)" }
                div.hint id="sheet-hint" { "For a workbook: the sheet to read. Blank reads the first." }
                input.input.input--width-20 id="sheet" name="sheet" type="text" aria-describedby="sheet-hint";
            }
            button.button type="submit" { "Check the file" }
        }
        @if !recent.is_empty() {
            h2.heading-m { "Earlier imports" }
            (table("Earlier imports", &[Col::Text("File"), Col::Text("Uploaded"), Col::Text("State"), Col::Numeric("Cases created")], html! {
                @for i in recent {
                    tr.table__row {
                        td.table__cell { a href=(format!("/import/{}", i.id)) { (file_label(&i.file_name)) } }
                        td.table__cell { (time_fmt::datetime(i.uploaded_at)) }
                        td.table__cell { @if i.committed_at.is_some() { "Imported" } @else { "Checked, not imported" } }
                        td.table__cell.table__cell--numeric { (i.cases_created.map(|n| n.to_string()).unwrap_or_else(|| "–".into())) }
                    }
                }
            }))
        }
    };
    layout::page(ctx, "Import cases", !errors.is_empty(), body)
}

fn counts_list(c: &Counts, already: usize) -> Markup {
    html! {
        dl.summary-list {
            div.summary-list__row { dt.summary-list__key { "Cases" } dd.summary-list__value { (c.cases) } }
            div.summary-list__row { dt.summary-list__key { "People named on them" } dd.summary-list__value { (c.people) " (a person already known, or on an earlier row, is linked, not made again)" } }
            div.summary-list__row { dt.summary-list__key { "First contacts with the victim" } dd.summary-list__value { (c.contacts) } }
            div.summary-list__row { dt.summary-list__key { "Closures" } dd.summary-list__value { (c.closures) } }
            div.summary-list__row { dt.summary-list__key { "Actions against perpetrators" } dd.summary-list__value { (c.actions) } }
            div.summary-list__row { dt.summary-list__key { "Post-closure checks" } dd.summary-list__value { (c.satisfaction) } }
            div.summary-list__row { dt.summary-list__key { "Already imported (left as they are)" } dd.summary-list__value { (already) } }
        }
    }
}

pub fn preview_page(ctx: &Ctx, import: &imports::Model, plan: &Plan, status: Option<Status>) -> Markup {
    let counts = plan.counts();
    let blocked = !plan.problems.is_empty() || !plan.unmapped.is_empty();
    let body = html! {
        h1.heading-l { "Check the import" }
        @if status == Some(Status::Failed) {
            div.banner.banner--important role="alert" {
                p.body { strong { "The import failed and nothing was written." } " Check the file again below and import it again; if it fails again, tell your administrator the time it failed." }
            }
        }
        p.body { "File " strong { (import.file_name) } @if let Some(s) = &import.sheet { ", sheet " strong { (s) } } ": " (plan.rows) " rows. Nothing has been saved yet." }
        @if blocked {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="problems-title" {
                h2.error-summary__title id="problems-title" { "The file cannot be imported yet" }
                div.error-summary__body {
                    ul.list.error-summary__list {
                        @if !plan.problems.is_empty() { li { a href="#problems" { (plan.problems.len()) " problem" @if plan.problems.len() != 1 { "s" } " to fix in the file" } } }
                        @if !plan.unmapped.is_empty() { li { a href="#mappings" { (plan.unmapped.len()) " ethnicity value" @if plan.unmapped.len() != 1 { "s" } " to match to a category" } } }
                    }
                }
            }
        }
        h2.heading-m { @if blocked { "What the file would create once fixed" } @else { "What will be created" } }
        (counts_list(&counts, plan.already_imported))
        @if !plan.unknown_columns.is_empty() {
            p.body { "These columns are not part of the template and will be ignored: " (plan.unknown_columns.join(", ")) "." }
        }
        p.body { "Each case is numbered in the year it was received and says on its page that it was imported. A first contact completes the initial-contact deadline as met or late; deadlines the file cannot tell about are marked as not recorded before import and left out of compliance. Open cases' regular updates and reviews are due from today." }
        @if !plan.readings.is_empty() {
            details.details {
                summary.details__summary { span.details__summary-text { "How " (plan.readings.len()) " ethnicity value" @if plan.readings.len() != 1 { "s" } " in the file will be read" } }
                div.details__text {
                    p.body { "These are not the census wording, so check each means what Harbour reads it as (codes such as B1 differ between coding schemes). If one is wrong, change it in the file to the category's name." }
                    (table("How ethnicity values will be read", &[Col::Text("In the file"), Col::Text("Read as")], html! {
                        @for (wording, code) in &plan.readings {
                            tr.table__row { td.table__cell { (wording) } td.table__cell { (ethnicity_label(code)) } }
                        }
                    }))
                }
            }
        }
        @if !plan.unmapped.is_empty() {
            h2.heading-m id="mappings" { "Match ethnicity values to categories" }
            p.body { "These values are not a census category Harbour knows. Choose the category each one means; Harbour remembers it for later imports." }
            form method="post" action=(format!("/import/{}/mappings", import.id)) novalidate {
                (csrf_field(&ctx.csrf))
                @for (i, (value, rows)) in plan.unmapped.iter().enumerate() {
                    div.form-group {
                        label.label for=(format!("code_{i}")) { "“" (value) "” (" (rows) " row" @if *rows != 1 { "s" } ")" }
                        input type="hidden" name=(format!("value_{i}")) value=(value);
                        select.select id=(format!("code_{i}")) name=(format!("code_{i}")) {
                            option value="" { "Choose a category" }
                            @for (group, list) in &ETHNICITY_GROUPS {
                                optgroup label=(group) {
                                    @for (code, label) in list.iter() { option value=(code) { (label) } }
                                }
                            }
                        }
                    }
                }
                button.button.button--secondary type="submit" { "Save these and check again" }
            }
        }
        @if !plan.problems.is_empty() {
            h2.heading-m id="problems" { "Problems to fix in the file" }
            p.body { "Fix them in the spreadsheet and upload it again. Row numbers are the spreadsheet's (the headings are row 1)." }
            (table("Problems to fix in the file", &[Col::Numeric("Row"), Col::Text("Column"), Col::Text("Value"), Col::Text("What is wrong")], html! {
                @for p in plan.problems.iter().take(MAX_SHOWN) {
                    tr.table__row {
                        td.table__cell.table__cell--numeric { @if p.row > 0 { (p.row) } @else { "–" } }
                        td.table__cell { code { (p.column) } }
                        td.table__cell { (p.value) }
                        td.table__cell { (p.message) }
                    }
                }
            }))
            @if plan.problems.len() > MAX_SHOWN { p.body { "… and " (plan.problems.len() - MAX_SHOWN) " more." } }
        }
        @if plan.can_commit() {
            form method="post" action=(format!("/import/{}/commit", import.id)) novalidate {
                (csrf_field(&ctx.csrf))
                button.button type="submit" { "Import " (counts.cases) " case" @if counts.cases != 1 { "s" } }
            }
        } @else if !blocked {
            p.body { "There is nothing new to import in this file." }
        }
        p.body { a href="/import" { "Upload another file" } }
    };
    layout::page(ctx, "Check the import", blocked, body)
}

/// While the cases are being written: how far it has got (the page reloads itself).
pub fn writing_page(ctx: &Ctx, import: &imports::Model, done: usize, total: usize) -> Markup {
    let body = html! {
        meta http-equiv="refresh" content="2";
        h1.heading-l { "Importing" }
        p.body role="status" { "Writing the cases from " strong { (import.file_name) } ": " (done) " of " (total) " done. Nothing is saved until all are written." }
        p.body { "This page updates itself. " a href=(format!("/import/{}", import.id)) { "Check again" } }
    };
    layout::page(ctx, "Importing", false, body)
}

/// A file's name, or what became of it: a retention disposal blanks the name with the
/// content (a file's name can name a person).
fn file_label(name: &str) -> &str {
    if name.is_empty() {
        "a file since disposed of"
    } else {
        name
    }
}

pub fn finished_page(ctx: &Ctx, import: &imports::Model) -> Markup {
    let body = html! {
        h1.heading-l { "Import finished" }
        p.body {
            (import.cases_created.unwrap_or(0)) " cases were imported from " strong { (file_label(&import.file_name)) }
            @if let Some(at) = import.committed_at { " on " (time_fmt::datetime(at)) } "."
        }
        p.body { a href="/cases" { "See the cases" } " · " a href="/import" { "Import another file" } }
    };
    layout::page(ctx, "Import finished", false, body)
}
