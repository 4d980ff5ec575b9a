//! Disparity flags (pure): each ethnic group's rate against a reference group's, with
//! Fisher's exact test (two-sided) and Holm's adjustment across the groups tested in one
//! table. Flagged when the adjusted p < 0.05 and both sides have at least 10 cases;
//! "Prefer not to say" and "Not known" are counted elsewhere, never tested. The words say
//! "disparity", never "discrimination", and that a difference is not its cause.

use super::stats::{Interval, fisher_two_sided, holm, newcombe, wilson};

/// The fewest cases on each side for a test.
pub const MIN_CASES: u64 = 10;
pub const ALPHA: f64 = 0.05;

/// One group's counts for a measure: `x` of `n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub code: String,
    /// How the group is named in a sentence ("Black", "Pakistani").
    pub name: String,
    pub x: u64,
    pub n: u64,
}

impl Side {
    pub fn rate(&self) -> Option<f64> {
        (self.n > 0).then(|| self.x as f64 / self.n as f64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Adjusted p below 0.05.
    Flagged,
    NotSignificant,
    /// Fewer than 10 cases on one side.
    TooFew,
    /// Publication mode: the group's rate is suppressed, so it is not tested.
    Withheld,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub group: Side,
    pub reference: Side,
    /// The reference group's rate is not shown (publication mode).
    pub reference_withheld: bool,
    pub wilson: Option<Interval>,
    pub reference_wilson: Option<Interval>,
    /// p1 − p2 and its Newcombe interval, when both rates exist.
    pub difference: Option<(f64, Interval)>,
    pub p: Option<f64>,
    pub p_adjusted: Option<f64>,
    /// How many groups were tested together (Holm's m).
    pub m: usize,
    pub verdict: Verdict,
}

/// Compares every group in `groups` with `reference`. `withheld(side)` says whether a
/// group's rate is suppressed (publication mode).
pub fn compare(groups: &[Side], reference: &Side, withheld: impl Fn(&Side) -> bool) -> Vec<Finding> {
    let mut findings: Vec<Finding> = groups
        .iter()
        .map(|g| {
            let verdict = if withheld(g) || withheld(reference) {
                Verdict::Withheld
            } else if g.n < MIN_CASES || reference.n < MIN_CASES {
                Verdict::TooFew
            } else {
                Verdict::NotSignificant
            };
            let p = (verdict == Verdict::NotSignificant)
                .then(|| fisher_two_sided(g.x, g.n, reference.x, reference.n))
                .flatten();
            let difference = match (g.rate(), reference.rate()) {
                (Some(a), Some(b)) => newcombe(g.x, g.n, reference.x, reference.n).map(|i| (a - b, i)),
                _ => None,
            };
            Finding {
                group: g.clone(),
                reference: reference.clone(),
                reference_withheld: withheld(reference),
                wilson: wilson(g.x, g.n),
                reference_wilson: wilson(reference.x, reference.n),
                difference,
                p,
                p_adjusted: None,
                m: 0,
                verdict,
            }
        })
        .collect();
    let tested: Vec<usize> = (0..findings.len()).filter(|&i| findings[i].p.is_some()).collect();
    let raw: Vec<f64> = tested.iter().map(|&i| findings[i].p.unwrap_or(1.0)).collect();
    for (k, adjusted) in holm(&raw).into_iter().enumerate() {
        let f = &mut findings[tested[k]];
        f.p_adjusted = Some(adjusted);
        f.m = tested.len();
        if adjusted < ALPHA {
            f.verdict = Verdict::Flagged;
        }
    }
    findings
}

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

fn signed(x: f64) -> String {
    let v = 100.0 * x;
    if v > 0.0 {
        format!("+{v:.1}")
    } else if v < 0.0 {
        format!("−{:.1}", -v)
    } else {
        "0.0".to_owned()
    }
}

/// The plain-English sentence for a finding: `noun` is what was counted ("closed cases")
/// and `verb` what happened to them ("were resolved").
pub fn sentence(f: &Finding, noun: &str, verb: &str) -> String {
    let g = &f.group;
    let r = &f.reference;
    let (Some(gr), Some(rr)) = (g.rate(), r.rate()) else {
        return format!("There are no cases to compare for {} victims.", g.name);
    };
    let head = format!(
        "{} % of {} {noun} with {} victims {verb}, against {} % of {} with {} victims",
        pct(gr),
        g.n,
        g.name,
        pct(rr),
        r.n,
        r.name
    );
    let diff = match f.difference {
        Some((d, i)) => format!(
            ": a difference of {} percentage points (95 % interval {} to {})",
            signed(d),
            signed(i.lo),
            signed(i.hi)
        ),
        None => String::new(),
    };
    let verdict = match (f.verdict, f.p_adjusted) {
        (Verdict::Flagged, Some(p)) => format!(
            "; statistically significant (Fisher's exact test, {} after Holm's adjustment for {} comparison{}). This shows a difference, not its cause.",
            super::table::show_p(p),
            f.m,
            if f.m == 1 { "" } else { "s" }
        ),
        (Verdict::NotSignificant, Some(p)) => format!(
            "; no statistically significant difference (Fisher's exact test, {} after Holm's adjustment for {} comparison{}).",
            super::table::show_p(p),
            f.m,
            if f.m == 1 { "" } else { "s" }
        ),
        (Verdict::TooFew, _) => {
            format!("; too few cases to test (at least {MIN_CASES} are needed on each side).")
        }
        _ => ".".to_owned(),
    };
    format!("{head}{diff}{verdict}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(code: &str, name: &str, x: u64, n: u64) -> Side {
        Side {
            code: code.into(),
            name: name.into(),
            x,
            n,
        }
    }

    /// REPORTING.md's worked disparity example (resolved rate, five groups against White).
    #[test]
    fn the_worked_example() {
        let white = side("group-white", "White", 140, 210);
        let groups = [
            side("group-asian", "Asian", 20, 45),
            side("group-black", "Black", 18, 52),
            side("group-mixed", "Mixed", 6, 9),
            side("group-other", "Other", 9, 14),
        ];
        let f = compare(&groups, &white, |_| false);
        assert_eq!(f[0].verdict, Verdict::Flagged);
        assert!((f[0].p.unwrap() - 0.006529).abs() < 1e-6);
        assert!((f[0].p_adjusted.unwrap() - 0.013058).abs() < 1e-6);
        assert_eq!(f[1].verdict, Verdict::Flagged);
        assert!((f[1].p_adjusted.unwrap() - 0.0000987).abs() < 1e-7);
        assert_eq!(f[2].verdict, Verdict::TooFew);
        assert_eq!((f[2].p, f[2].p_adjusted), (None, None));
        assert_eq!(f[3].verdict, Verdict::NotSignificant);
        assert!((f[3].p_adjusted.unwrap() - 1.0).abs() < 1e-9);
        assert!(f.iter().filter(|x| x.p.is_some()).all(|x| x.m == 3));
        // Intervals as published.
        let w = f[1].wilson.unwrap();
        assert!((w.lo - 0.2315).abs() < 1e-4 && (w.hi - 0.4820).abs() < 1e-4);
        let (d, i) = f[1].difference.unwrap();
        assert!((d + 0.3205).abs() < 1e-4 && (i.lo + 0.4500).abs() < 1e-4 && (i.hi + 0.1694).abs() < 1e-4);
        let (_, other) = f[3].difference.unwrap();
        assert!((other.lo + 0.286).abs() < 1e-3 && (other.hi - 0.181).abs() < 1e-3);

        let text = sentence(&f[1], "closed cases", "were resolved");
        assert_eq!(
            text,
            "34.6 % of 52 closed cases with Black victims were resolved, against 66.7 % of 210 with White victims: \
             a difference of −32.1 percentage points (95 % interval −45.0 to −16.9); statistically significant \
             (Fisher's exact test, p < 0.001 after Holm's adjustment for 3 comparisons). This shows a difference, not its cause."
        );
        assert!(!text.contains("discrimination"));
        assert!(sentence(&f[2], "closed cases", "were resolved").contains("too few cases to test"));
        assert!(
            sentence(&f[3], "closed cases", "were resolved")
                .contains("no statistically significant difference")
        );
    }

    #[test]
    fn withheld_groups_are_not_tested_and_do_not_count_in_holm() {
        let white = side("group-white", "White", 140, 210);
        let groups = [
            side("group-asian", "Asian", 20, 45),
            side("group-black", "Black", 3, 52),
        ];
        let f = compare(&groups, &white, |s| s.x < 5);
        assert_eq!(f[1].verdict, Verdict::Withheld);
        assert_eq!(f[1].p, None);
        assert_eq!(f[0].m, 1);
        // With m = 1 the adjusted p is the raw p.
        assert_eq!(f[0].p, f[0].p_adjusted);
    }
}
