//! The report aggregates, each one SQL statement grouped in the database. Definitions (also
//! printed on the page):
//! - a case is **opened** in the period it was received, and **closed** in the period of its
//!   latest closure if it is still closed (a case closed, reopened and closed again counts
//!   once, with its latest outcome; a case reopened and still open is not closed);
//! - a case counts once in each ethnic category and group of its victims, and once in "All"
//!   (a case with no victim recorded counts as "Not known");
//! - first contact is the earliest visit, phone call, letter, e-mail or meeting with one of
//!   the case's victims (failed attempts and notes do not count), over cases opened;
//! - initial contact on time: initial-contact deadlines met ÷ (met + late + still overdue);
//! - closed within target: among cases opened at least the target days before the period's
//!   end (or today, if sooner), those closed within the target days of being received.
//!
//! [`victims`], [`volume`] and [`people`] hold the statements; this module the filters they
//! share and NM01's count. The victim tables and the volume of cases read each case's facts
//! as they stand (`equality::facts::CURRENT`, aliased `c` like `cases`, with the case's id,
//! dates, status, outcome, area, priority and hate flag, so [`filters`] apply to either);
//! the rest read `cases`.

mod people;
mod victims;
mod volume;

pub use people::*;
pub use victims::*;
pub use volume::*;

use super::params::Criteria;
use crate::cases::visibility::Viewer;
use crate::reports::sql::{self, Sql, count_if, int, visible};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use time::OffsetDateTime;

/// ` AND …` restricting the cases aliased `c` to the criteria's filters and to the cases
/// the report may count for `viewer`.
pub fn filters(c: &Criteria, viewer: &Viewer, backend: DbBackend) -> Sql {
    let mut sql = Sql::default();
    if let Some(area) = c.area_id {
        sql.push(" AND c.area_id = ?", [area.into()]);
    }
    if let Some(priority) = c.priority {
        sql.push(" AND c.priority = ?", [priority.into()]);
    }
    if let Some(hate) = c.hate {
        sql.push(" AND c.hate_perceived = ?", [hate.into()]);
    }
    if let Some(strand) = &c.strand {
        sql.push(
            " AND EXISTS (SELECT 1 FROM case_strands fs JOIN strands fst ON fst.id = fs.strand_id \
             WHERE fs.case_id = c.id AND fst.code = ?)",
            [strand.clone().into()],
        );
    }
    sql.append(visible(viewer, backend));
    sql
}

/// A case closed from `?` up to `?`: by its latest closure, and only while still closed.
pub const CLOSED_IN: &str = "c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?";

/// NM01's numerators: every case opened from `from` up to `before` (no filters: the
/// regulator's figure is landlord-wide), and those perceived as hate incidents.
pub async fn nm01(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    from: OffsetDateTime,
    before: OffsetDateTime,
) -> Result<(u64, u64), DbErr> {
    let backend = db.get_database_backend();
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT COUNT(*), {} FROM cases c WHERE c.received_at >= ? AND c.received_at < ?",
            count_if("c.hate_perceived")
        ),
        [from.into(), before.into()],
    );
    s.append(sql::visible(viewer, backend));
    let rows = s.all(db).await?;
    Ok(match rows.first() {
        Some(row) => (int(row, 0)?, int(row, 1)?),
        None => (0, 0),
    })
}

/// Every case closed from `from` up to `before` (no filters, as [`nm01`]): the count the
/// victims table's "All" row gives, without building its facts.
pub async fn closed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    from: OffsetDateTime,
    before: OffsetDateTime,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut s = Sql::default();
    s.push(
        &format!("SELECT COUNT(*) FROM cases c WHERE {CLOSED_IN}"),
        [from.into(), before.into()],
    );
    s.append(sql::visible(viewer, backend));
    let rows = s.all(db).await?;
    rows.first().map_or(Ok(0), |row| int(row, 0))
}
