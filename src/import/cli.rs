//! `harbour import FILE`: the same check and the same all-or-nothing write as the web,
//! for operators bringing in a large history. Problems are printed one per line.

use super::{commit, ethnicity::Mappings, plan::Plan};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    cases::{timeline::Actor, visibility::Viewer},
    clock::{Clock, SystemClock},
    config::ImportArgs,
};
use entity::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::io::Write;

/// Runs the import; `Ok(report)` on success (or a clean dry run), `Err(report)` when the
/// file has problems (nothing written).
pub async fn run(args: &ImportArgs) -> anyhow::Result<Result<String, String>> {
    let file =
        source(&args.file).map_err(|e| anyhow::anyhow!("could not read {}: {e}", args.file.display()))?;
    let db = crate::db::connect_for(&args.db.database_url, crate::db::Work::BulkWrite).await?;
    crate::migrate(&db).await?;
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(args.as_user.trim().to_lowercase()))
        .one(&db)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| anyhow::anyhow!("no active user is called {:?}", args.as_user))?;
    if !allows(user.role, Permission::ImportCases) {
        anyhow::bail!(
            "{} is not a manager: only managers may import cases",
            user.username
        );
    }
    let viewer = Viewer::load(&db, &user).await?;
    let now = SystemClock.now();
    let mut mapped = None;
    if !args.map.is_empty() {
        let mut mappings = Mappings::load(&db).await?;
        for pair in &args.map {
            let Some((wording, code)) = pair.split_once('=') else {
                anyhow::bail!("--map takes WORDING=CODE, like --map \"Brit Asian=asian-other\"");
            };
            if !mappings.add(wording, code.trim()) {
                anyhow::bail!(
                    "{:?} is not an ethnicity category code (see the README)",
                    code.trim()
                );
            }
        }
        // A dry run writes nothing, the remembered mappings included.
        if !args.dry_run {
            let txn = crate::db::begin(&db).await?;
            mappings.save(&txn, now, viewer.id).await?;
            txn.commit().await?;
        }
        mapped = Some(mappings);
    }
    let mut plan = super::check_with(&db, &viewer, file, args.sheet.as_deref(), now, mapped).await?;
    let report = report(&plan);
    if !plan.problems.is_empty() || !plan.unmapped.is_empty() {
        return Ok(Err(report));
    }
    if args.dry_run || plan.cases.is_empty() {
        return Ok(Ok(format!(
            "{report}\nNothing was written{}.",
            if args.dry_run { " (dry run)" } else { "" }
        )));
    }
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let origin = Origin::default();
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let total = plan.cases.len();
    let mut progress = |done: usize| {
        if done.is_multiple_of(100) || done == total {
            eprint!("\r{}", bar(done, total));
            let _ = std::io::stderr().flush();
        }
    };
    let target = commit::Target::File {
        name: &name,
        sheet: args.sheet.as_deref(),
    };
    // A serial write on SQLite: twice as fast on one core (`one_cpu`).
    let held = crate::db::is_sqlite(&db).then(crate::one_cpu::hold);
    let counts = commit::commit(&db, &mut plan, target, &by, &mut progress)
        .await?
        .unwrap_or_default();
    drop(held);
    eprintln!();
    Ok(Ok(format!("{report}\nImported {} cases.", counts.cases)))
}

/// A file on disk is read from there as the import goes, never held whole; anything else
/// (a pipe, `/dev/stdin`) can be read only once, so it is read into memory.
fn source(path: &std::path::Path) -> std::io::Result<super::read::Source> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_file() {
        Ok(super::read::Source::Path(path.to_owned()))
    } else {
        // One byte past the limit is enough to refuse it (`read::Sheet::open`).
        let mut bytes = vec![];
        std::io::Read::read_to_end(
            &mut std::io::Read::take(&file, crate::web::upload::MAX_FILE_BYTES as u64 + 1),
            &mut bytes,
        )?;
        Ok(super::read::Source::Bytes(bytes))
    }
}

fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    format!(
        "[{}{}] {done}/{total} cases",
        "#".repeat(filled),
        " ".repeat(WIDTH - filled)
    )
}

/// The preview as text: what would be created, then every problem.
pub fn report(plan: &Plan) -> String {
    let c = plan.counts();
    let mut out = format!(
        "{} rows: {} new cases, {} people named, {} first contacts, {} closures, {} perpetrator actions, {} satisfaction checks; {} already imported.",
        plan.rows,
        c.cases,
        c.people,
        c.contacts,
        c.closures,
        c.actions,
        c.satisfaction,
        plan.already_imported
    );
    if !plan.unknown_columns.is_empty() {
        out.push_str(&format!("\nIgnored columns: {}", plan.unknown_columns.join(", ")));
    }
    for (wording, code) in &plan.readings {
        out.push_str(&format!(
            "\nethnicity “{wording}” is read as {}",
            crate::cases::codes::ethnicity_label(code)
        ));
    }
    for p in &plan.problems {
        let at = match (p.row, p.column) {
            (0, _) => "file".to_owned(),
            (row, "") => format!("row {row}"),
            (row, column) => format!("row {row}, {column}"),
        };
        let value = if p.value.is_empty() {
            String::new()
        } else {
            format!(" “{}”", p.value)
        };
        out.push_str(&format!("\n{at}{value}: {}", p.message));
    }
    for (wording, rows) in &plan.unmapped {
        out.push_str(&format!(
            "\nvictim or perpetrator ethnicity “{wording}” ({rows} rows): not a category Harbour knows; map it with --map \"{wording}=CODE\""
        ));
    }
    out
}
