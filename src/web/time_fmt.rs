//! Dates and times as people in the UK read them: Europe/London, BST-aware, inside a
//! machine-readable `<time datetime>` (the UTC instant).

use maud::{Markup, html};
use time::{OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};
use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

pub fn london(t: OffsetDateTime) -> OffsetDateTime {
    t.to_timezone(LONDON)
}

/// e.g. `<time datetime="2026-07-01T13:05:00Z">1 Jul 2026, 14:05</time>`.
pub fn datetime(t: OffsetDateTime) -> Markup {
    let local = london(t);
    let shown = local
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default();
    html! { time datetime=(machine(t)) { (shown) } }
}

fn machine(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime as at;

    #[test]
    fn shows_london_time_in_winter_and_summer() {
        let winter = at!(2026-01-15 13:05 UTC);
        assert_eq!(
            datetime_string(winter),
            r#"<time datetime="2026-01-15T13:05:00Z">15 Jan 2026, 13:05</time>"#
        );
        let summer = at!(2026-07-01 13:05 UTC);
        assert_eq!(
            datetime_string(summer),
            r#"<time datetime="2026-07-01T13:05:00Z">1 Jul 2026, 14:05</time>"#
        );
    }

    fn datetime_string(t: OffsetDateTime) -> String {
        super::datetime(t).into_string()
    }
}
