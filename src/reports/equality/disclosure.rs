//! Disclosure control for publication mode (pure), REPORTING.md's rule:
//! 1. a count of 1–4 is `[c]`; zeros are shown;
//! 2. a percentage is `[c]` when its numerator or its complement is 1–4, and `[u]` when
//!    its denominator is under 10; a median or an average over fewer than 5 cases is `[c]`;
//! 3. secondary: wherever a shown total is the sum of members, one hidden member could be
//!    recovered by subtraction, so the smallest other non-zero member is hidden too (or the
//!    total, when no other member can be); repeated over every line until nothing changes;
//! 4. in a row with any hidden count, every rate and average is hidden too: a rate beside a
//!    hidden count (its numerator, its denominator or a part of either) could give it back.
//!
//! NM01 and the landlord-wide totals the regulator requires are never passed through here.

use super::table::{Cell, Mark, Table, Value};

/// Small numbers: 1–4.
pub fn small(n: u64) -> bool {
    (1..=4).contains(&n)
}

/// The primary rule for one cell.
pub fn primary(cell: &Cell) -> Mark {
    match cell.value {
        Value::Count(n) if small(n) => Mark::Confidential,
        Value::Rate { num, den } if small(num) || small(den.saturating_sub(num)) => Mark::Confidential,
        Value::Rate { den, .. } if den < 10 => Mark::Unreliable,
        Value::Median { n, .. } if n < 5 => Mark::Confidential,
        Value::PerCase { total, cases } if cases < 5 || small(total) => Mark::Confidential,
        _ => Mark::Shown,
    }
}

/// Applies publication mode to `table` in place.
pub fn suppress(table: &mut Table) {
    for row in &mut table.rows {
        for cell in &mut row.cells {
            if cell.mark == Mark::Shown {
                cell.mark = primary(cell);
            }
        }
    }
    loop {
        let mut changed = false;
        for line in table.lines.clone() {
            if table.cell_at(line.total).is_hidden() {
                continue;
            }
            let hidden = line
                .members
                .iter()
                .filter(|m| table.cell_at(**m).is_hidden())
                .count();
            if hidden != 1 {
                continue;
            }
            let next = line
                .members
                .iter()
                .filter(|m| {
                    let c = table.cell_at(**m);
                    !c.is_hidden() && c.as_count().is_some_and(|n| n > 0)
                })
                .min_by_key(|m| table.cell_at(**m).as_count());
            let target = next.copied().unwrap_or(line.total);
            table.cell_at_mut(target).mark = Mark::Confidential;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    for row in &mut table.rows {
        if row.cells.iter().any(|c| c.is_hidden() && c.as_count().is_some()) {
            for cell in &mut row.cells {
                if matches!(cell.value, Value::Rate { .. } | Value::PerCase { .. }) {
                    cell.mark = Mark::Confidential;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::equality::table::{Column, Level, Line};

    /// A table of groups × (a, b, total) with group rows summing item rows and a total row,
    /// as the ethnicity tables are laid out.
    fn table(values: &[[u64; 2]]) -> Table {
        let mut t = Table::new(
            "test",
            "t",
            "T",
            vec![
                Column::new("a", "A"),
                Column::new("b", "B"),
                Column::new("total", "Total"),
            ],
        );
        for (i, [a, b]) in values.iter().enumerate() {
            t.push(
                format!("r{i}"),
                format!("Row {i}"),
                Level::Item,
                vec![Cell::count(*a), Cell::count(*b), Cell::count(a + b)],
            );
        }
        let sums = [0, 1].map(|c| values.iter().map(|v| v[c]).sum::<u64>());
        t.push(
            "all",
            "All",
            Level::Total,
            vec![
                Cell::count(sums[0]),
                Cell::count(sums[1]),
                Cell::count(sums[0] + sums[1]),
            ],
        );
        let last = values.len();
        for c in 0..3 {
            t.lines.push(Line {
                total: (last, c),
                members: (0..last).map(|r| (r, c)).collect(),
            });
        }
        for r in 0..=last {
            t.lines.push(Line {
                total: (r, 2),
                members: vec![(r, 0), (r, 1)],
            });
        }
        t
    }

    /// No line with a shown total has exactly one hidden member.
    fn nothing_recoverable(t: &Table) -> bool {
        t.lines.iter().all(|l| {
            t.cell_at(l.total).is_hidden()
                || l.members.iter().filter(|m| t.cell_at(**m).is_hidden()).count() != 1
        })
    }

    #[test]
    fn primary_rule_for_counts_rates_and_medians() {
        assert_eq!(primary(&Cell::count(0)), Mark::Shown);
        for n in 1..=4 {
            assert_eq!(primary(&Cell::count(n)), Mark::Confidential);
        }
        assert_eq!(primary(&Cell::count(5)), Mark::Shown);
        // Numerator or complement 1–4.
        assert_eq!(primary(&Cell::rate(3, 40)), Mark::Confidential);
        assert_eq!(primary(&Cell::rate(38, 40)), Mark::Confidential);
        assert_eq!(primary(&Cell::rate(0, 40)), Mark::Shown);
        assert_eq!(primary(&Cell::rate(40, 40)), Mark::Shown);
        assert_eq!(primary(&Cell::rate(1, 6)), Mark::Confidential);
        assert_eq!(primary(&Cell::rate(0, 3)), Mark::Confidential);
        assert_eq!(primary(&Cell::rate(0, 6)), Mark::Unreliable);
        assert_eq!(primary(&Cell::rate(0, 9)), Mark::Unreliable);
        assert_eq!(primary(&Cell::rate(5, 9)), Mark::Confidential);
        assert_eq!(primary(&Cell::rate(5, 10)), Mark::Shown);
        let median = |n| Cell::new(Value::Median { value: 3.0, n });
        assert_eq!(primary(&median(4)), Mark::Confidential);
        assert_eq!(primary(&median(5)), Mark::Shown);
    }

    #[test]
    fn one_small_cell_takes_the_smallest_other_with_it() {
        let mut t = table(&[[3, 20], [15, 30], [9, 40]]);
        suppress(&mut t);
        // r0.a (3) is primary; in column a the smallest other non-zero, r2.a (9), goes too;
        // rows r0 and r2 then each have one hidden member, so their b cells go; column b
        // then has two hidden and nothing more is needed.
        assert!(t.cell("r0", "a").unwrap().is_hidden());
        assert!(t.cell("r2", "a").unwrap().is_hidden());
        assert!(t.cell("r0", "b").unwrap().is_hidden());
        assert!(nothing_recoverable(&t));
        // Totals that are not forced stay shown.
        assert!(!t.cell("all", "total").unwrap().is_hidden());
    }

    #[test]
    fn zeros_are_not_used_and_a_lone_member_hides_the_total() {
        let mut t = table(&[[2, 0]]);
        suppress(&mut t);
        // Row r0: a = 2 hidden, b = 0 cannot protect it, so the total (2) is hidden (it is
        // small anyway); the grand total equals it and goes too.
        assert!(!t.cell("r0", "b").unwrap().is_hidden());
        assert!(t.cell("r0", "total").unwrap().is_hidden());
        assert!(nothing_recoverable(&t));
    }

    #[test]
    fn a_rate_beside_a_hidden_count_is_hidden() {
        let mut t = Table::new(
            "test",
            "t",
            "T",
            vec![
                Column::new("n", "N"),
                Column::new("x", "X"),
                Column::new("rate", "Rate"),
            ],
        );
        t.push(
            "r",
            "R",
            Level::Item,
            vec![Cell::count(40), Cell::count(20), Cell::rate(20, 40)],
        );
        t.rows[0].cells[1].mark = Mark::Confidential;
        suppress(&mut t);
        assert!(t.cell("r", "rate").unwrap().is_hidden());
    }

    #[test]
    fn a_small_part_of_a_rate_is_not_given_back_by_it() {
        // 40 victims, 12 not known, 3 prefer not to say ([c]): "not given" (37.5 %) would
        // give the 3 back; a row with nothing hidden keeps its rate.
        let mut t = Table::new(
            "test",
            "t",
            "T",
            vec![
                Column::new("victims", "Victims"),
                Column::new("not_known", "Not known"),
                Column::new("prefer", "Prefer not"),
                Column::new("rate", "Not given"),
            ],
        );
        for (code, prefer) in [("r", 3), ("s", 8)] {
            let cells = vec![
                Cell::count(40),
                Cell::count(12),
                Cell::count(prefer),
                Cell::rate(12 + prefer, 40),
            ];
            t.push(code, code, Level::Item, cells);
        }
        suppress(&mut t);
        assert!(t.cell("r", "prefer").unwrap().is_hidden());
        assert!(t.cell("r", "rate").unwrap().is_hidden());
        assert!(!t.cell("s", "rate").unwrap().is_hidden());
    }

    #[test]
    fn no_suppressed_cell_can_be_recovered_in_many_random_tables() {
        // A small linear congruential generator: deterministic, no dependency.
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        let mut next = move |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..500 {
            let rows = 1 + next(8) as usize;
            let values: Vec<[u64; 2]> = (0..rows)
                .map(|_| [next(4) * next(12), next(3) * next(15)])
                .collect();
            let mut t = table(&values);
            suppress(&mut t);
            assert!(nothing_recoverable(&t), "{values:?}");
            for row in &t.rows {
                for cell in &row.cells {
                    if let Some(n) = cell.as_count() {
                        assert!(!small(n) || cell.is_hidden(), "{values:?}");
                    }
                }
            }
        }
    }
}
