//! This financial quarter's headline figures so far, for those who read reports: cases
//! opened, of them those involving hate incidents, and cases closed (the equality report's
//! counts, landlord-wide as NM01's); and, for those who see compliance, the share of the
//! quarter's deadlines met on time (the compliance dashboard's total). Each links to its
//! report for the same quarter.
//!
//! Whoever may not see internal reports (the equality lead) gets publication mode, as on
//! `/reports`: a count of 1 to 4 is `[c]`, and so is the hate count when the cases not
//! involving hate (its complement) are 1 to 4. No case reference or name is ever shown.
//! Not audited, unlike `/reports`: three counts with no ethnicity or other monitoring
//! data, like the compliance figures, are not case content.

use crate::{
    auth::policy::{Permission, allows},
    calendar::london_date,
    cases::visibility::Viewer,
    reports::{
        compliance::{
            self,
            params::period_params,
            period::{Period, Preset, quarter_of},
            stats::{Dashboard, Measures},
        },
        equality::{
            self,
            disclosure::{primary, small},
            report::period_label,
            table::{Cell, Mark},
        },
        sql,
    },
};
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

#[derive(Clone)]
pub struct Quarter {
    pub period: Period,
    pub opened: Cell,
    pub hate: Cell,
    pub closed: Cell,
    /// Publication mode: small numbers suppressed.
    pub publication: bool,
    /// The compliance total, for those who see compliance.
    pub deadlines: Option<Measures>,
}

/// The last landlord-wide figures worked out on this instance, and what they were for.
pub type Memo = std::sync::Mutex<Option<(MemoKey, Quarter)>>;

/// Landlord-wide figures are the same for everyone in a role that counts every case, until
/// case data changes (every change writes an audit event, so the newest change's number
/// moves; views and sign-ins do not move it: `audit::newest_change`) or the minute turns (a
/// deadline may have become overdue). The home page is the most requested page: it must
/// not recount the quarter for every visit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MemoKey {
    role: entity::Role,
    minute: i64,
    newest_change: i64,
}

/// [`load`], from `memo` when nothing it counts can have changed.
pub async fn load_memoised(
    db: &impl ConnectionTrait,
    memo: &Memo,
    viewer: &Viewer,
    now: OffsetDateTime,
) -> Result<Quarter, DbErr> {
    let landlord_wide = viewer.sees_every_case() || !allows(viewer.role, Permission::ViewCompliance);
    if !(landlord_wide && allows(viewer.role, Permission::CountEveryCaseInReports)) {
        return load(db, viewer, now).await;
    }
    let Some(newest_change) = crate::audit::newest_change(db).await? else {
        return load(db, viewer, now).await;
    };
    let key = MemoKey {
        role: viewer.role,
        minute: now.unix_timestamp().div_euclid(60),
        newest_change,
    };
    if let Some((k, q)) = memo.lock().expect("memo").as_ref()
        && *k == key
    {
        return Ok(q.clone());
    }
    let q = load(db, viewer, now).await?;
    *memo.lock().expect("memo") = Some((key, q.clone()));
    Ok(q)
}

pub async fn load(db: &impl ConnectionTrait, viewer: &Viewer, now: OffsetDateTime) -> Result<Quarter, DbErr> {
    let (q, year) = quarter_of(london_date(now));
    let period = Period::of(Preset::Quarter(q, year));
    let (from, before) = sql::bounds(period.from, period.to);
    let (opened, hate) = equality::query::nm01(db, viewer, from, before).await?;
    let closed = equality::query::closed(db, viewer, from, before).await?;
    let publication = !equality::may_see_internal(viewer);
    let mut cells = [Cell::count(opened), Cell::count(hate), Cell::count(closed)];
    if publication {
        for cell in &mut cells {
            cell.mark = primary(cell);
        }
        if small(opened - hate) {
            cells[1].mark = Mark::Confidential;
        }
    }
    let [opened, hate, closed] = cells;
    let deadlines = if allows(viewer.role, Permission::ViewCompliance) {
        let criteria = compliance::params::Criteria::new(period);
        let groups = compliance::query::groups(db, viewer, &criteria, now).await?;
        Some(Dashboard::from_groups(&groups, &period.months()).total)
    } else {
        None
    };
    Ok(Quarter {
        period,
        opened,
        hate,
        closed,
        publication,
        deadlines,
    })
}

/// `period=q3-2026`: the same quarter on the report pages.
fn query(period: &Period) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in period_params(period) {
        s.append_pair(k, &v);
    }
    s.finish()
}

pub fn render(q: &Quarter) -> Markup {
    let query = query(&q.period);
    html! {
        section aria-labelledby="quarter-heading" {
            h2.heading-l id="quarter-heading" { "This quarter so far" }
            p.body { (period_label(&q.period)) ", up to today." }
            div.headline-figures {
                @for (label, cell) in [
                    ("Cases opened", &q.opened),
                    ("Cases involving hate incidents", &q.hate),
                    ("Cases closed", &q.closed),
                ] {
                    div.headline-figures__item {
                        span.headline-figures__value { (cell.display()) }
                        span.headline-figures__label { (label) }
                    }
                }
                @if let Some(d) = &q.deadlines {
                    div.headline-figures__item {
                        span.headline-figures__value {
                            @match d.percent_on_time() { Some(p) => { (p) "%" }, None => "–" }
                        }
                        span.headline-figures__label {
                            "Deadlines met on time ("
                            (d.met) " of " (d.met + d.late + d.overdue) " due so far)"
                        }
                    }
                }
            }
            @if q.publication {
                p.hint { "Publication mode: [c] stands for a count of 1 to 4, or a figure that would reveal one." }
            }
            ul.list {
                li { a href={ "/reports?" (query) } { "Equality and regulator reports for this quarter" } }
                @if q.deadlines.is_some() {
                    li { a href={ "/compliance?" (query) } { "Deadline compliance for this quarter" } }
                }
            }
        }
    }
}
