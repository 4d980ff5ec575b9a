//! Working days for procedure timescales: UK bank holidays per division, the landlord's
//! closure days, and deadlines computed in Europe/London time but returned as UTC instants.
//!
//! Everything here is a pure function of its arguments (no clock, no database), so deadlines
//! can be recomputed and tested exactly. Bank holidays come from the GOV.UK feed shipped with
//! the binary; later (and earlier) years are computed from the standing rules and marked
//! provisional, because one-off holidays are only known once announced.

mod computus;
mod holidays;
mod london;
mod working_days;

pub use holidays::{bank_holidays, is_provisional_year, last_published_year};
pub use london::{add_years, end_of_london_day, london_date, start_of_london_day};
pub use working_days::Calendar;

/// The UK's three bank-holiday jurisdictions; a landlord works to one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Division {
    #[default]
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    /// Every division, in the order used for storage indexes and select lists.
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    /// The stable code, as used by the GOV.UK feed (and so safe to store).
    pub fn code(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    /// The division for a stored [`code`](Self::code); `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|division| division.code() == code)
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "England and Wales",
            Division::Scotland => "Scotland",
            Division::NorthernIreland => "Northern Ireland",
        }
    }

    /// Position in [`ALL`](Self::ALL), for per-division tables.
    fn index(self) -> usize {
        match self {
            Division::EnglandAndWales => 0,
            Division::Scotland => 1,
            Division::NorthernIreland => 2,
        }
    }
}

/// One bank holiday (a substitute day carries the title of the holiday it replaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: time::Date,
    pub title: String,
    /// Computed from the rules rather than published: a one-off holiday may still be added
    /// or a standard one moved, so deadlines over it may change.
    pub provisional: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_codes_and_labels_round_trip() {
        let table = [
            (
                Division::EnglandAndWales,
                "england-and-wales",
                "England and Wales",
            ),
            (Division::Scotland, "scotland", "Scotland"),
            (Division::NorthernIreland, "northern-ireland", "Northern Ireland"),
        ];
        for (division, code, label) in table {
            assert_eq!(division.code(), code);
            assert_eq!(division.label(), label);
            assert_eq!(Division::from_code(code), Some(division));
            assert_eq!(Division::ALL[division.index()], division);
        }
        assert_eq!(Division::from_code("England and Wales"), None);
        assert_eq!(Division::from_code(""), None);
        assert_eq!(Division::default(), Division::EnglandAndWales);
    }
}
