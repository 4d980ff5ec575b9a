//! The statistics behind the disparity flags and the duration measures (pure), checked
//! against the worked values in REPORTING.md:
//! - [`wilson`]: the Wilson score interval for a proportion;
//! - [`newcombe`]: Newcombe's hybrid-score interval for a difference of two proportions;
//! - [`fisher_two_sided`]: Fisher's exact test for a 2×2 table (statrs);
//! - [`holm`]: Holm's step-down adjustment of several p-values;
//! - [`Histogram`]: medians and percentiles over values counted by the database.

use statrs::stats_tests::{Alternative, fishers_exact};

/// The normal quantile for 95 % intervals.
pub const Z95: f64 = 1.959964;

/// A 95 % interval, as proportions (0–1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

/// Wilson's 95 % score interval for `x` successes of `n` (`None` when `n` is 0). Exactly 0
/// at x = 0 and exactly 1 at x = n.
pub fn wilson(x: u64, n: u64) -> Option<Interval> {
    if n == 0 || x > n {
        return None;
    }
    let (x, n, z) = (x as f64, n as f64, Z95);
    let p = x / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        lo: if x == 0.0 { 0.0 } else { centre - half },
        hi: if x == n { 1.0 } else { centre + half },
    })
}

/// Newcombe's hybrid-score 95 % interval for p1 − p2 (method 10), from the Wilson limits
/// of each proportion.
pub fn newcombe(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Interval> {
    let (w1, w2) = (wilson(x1, n1)?, wilson(x2, n2)?);
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some(Interval {
        lo: d - ((p1 - w1.lo).powi(2) + (w2.hi - p2).powi(2)).sqrt(),
        hi: d + ((w1.hi - p1).powi(2) + (p2 - w2.lo).powi(2)).sqrt(),
    })
}

/// Fisher's exact test, two-sided, comparing `x1` of `n1` with `x2` of `n2` (the table
/// [[x1, n1−x1], [x2, n2−x2]]): the probability of every table with the same margins no
/// more probable than the one observed. `None` for impossible counts.
pub fn fisher_two_sided(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<f64> {
    if x1 > n1 || x2 > n2 {
        return None;
    }
    fishers_exact(&[x1, n1 - x1, x2, n2 - x2], Alternative::TwoSided)
        .ok()
        .map(|p| p.clamp(0.0, 1.0))
}

/// Holm's adjustment: sort ascending; the i-th smallest becomes the largest of
/// min(1, (m − j + 1)·p(j)) over j ≤ i. Returned in the order given.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Values with how often each occurs, as a GROUP BY returns them: the median and
/// percentiles of the values without loading one row per case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// (value, count), sorted by value, counts above zero.
    bins: Vec<(i64, u64)>,
}

impl Histogram {
    pub fn new(mut bins: Vec<(i64, u64)>) -> Self {
        bins.retain(|(_, n)| *n > 0);
        bins.sort_unstable_by_key(|(v, _)| *v);
        // Merge repeated values.
        let mut merged: Vec<(i64, u64)> = Vec::with_capacity(bins.len());
        for (v, n) in bins {
            match merged.last_mut() {
                Some((last, count)) if *last == v => *count += n,
                _ => merged.push((v, n)),
            }
        }
        Histogram { bins: merged }
    }

    pub fn count(&self) -> u64 {
        self.bins.iter().map(|(_, n)| n).sum()
    }

    /// The value at 1-based `rank` in sorted order.
    fn at(&self, rank: u64) -> Option<i64> {
        let mut seen = 0;
        for (v, n) in &self.bins {
            seen += n;
            if seen >= rank {
                return Some(*v);
            }
        }
        None
    }

    /// The middle value; with an even count, the mean of the two middle values.
    pub fn median(&self) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        if n % 2 == 1 {
            self.at(n / 2 + 1).map(|v| v as f64)
        } else {
            Some((self.at(n / 2)? as f64 + self.at(n / 2 + 1)? as f64) / 2.0)
        }
    }

    /// The `p`th percentile (1–100) by the nearest-rank method, as compliance uses.
    pub fn nearest_rank(&self, p: u64) -> Option<i64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        self.at((p.clamp(1, 100) * n).div_ceil(100).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// REPORTING.md's worked values: (x1, n1, x2, n2, Fisher p, Wilson lo, hi for x1/n1,
    /// difference, Newcombe lo, hi).
    type Worked = (u64, u64, u64, u64, f64, f64, f64, f64, f64, f64);
    const WORKED: [Worked; 8] = [
        (
            3,
            8,
            4,
            54,
            0.0397074925,
            0.136844,
            0.694258,
            0.300926,
            0.042056,
            0.623324,
        ),
        (
            12,
            30,
            45,
            60,
            0.00222543813,
            0.245906,
            0.576796,
            -0.35,
            -0.529589,
            -0.135013,
        ),
        (
            2,
            9,
            40,
            52,
            0.00269008916,
            0.063225,
            0.547411,
            -0.547009,
            -0.731473,
            -0.196586,
        ),
        (
            0,
            6,
            20,
            40,
            0.0287173266,
            0.0,
            0.390334,
            -0.5,
            -0.648005,
            -0.082548,
        ),
        (
            18, 25, 70, 120, 0.26228205, 0.524234, 0.857161, 0.136667, -0.076472, 0.300420,
        ),
        (
            56,
            70,
            48,
            80,
            0.0125211297,
            0.691834,
            0.876953,
            0.2,
            0.052431,
            0.333873,
        ),
        (
            20,
            45,
            140,
            210,
            0.00652886129,
            0.309389,
            0.588239,
            -0.222222,
            -0.370111,
            -0.063901,
        ),
        (
            18,
            52,
            140,
            210,
            3.29004508e-05,
            0.231510,
            0.481964,
            -0.320513,
            -0.450029,
            -0.169406,
        ),
    ];

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn fisher_matches_the_worked_values() {
        for (x1, n1, x2, n2, p, ..) in WORKED {
            let got = fisher_two_sided(x1, n1, x2, n2).unwrap();
            assert!((got - p).abs() / p < 1e-6, "{x1}/{n1} vs {x2}/{n2}: {got} ≠ {p}");
        }
        // Symmetric in the two rows, and a table with an empty column is p = 1.
        let (a, b) = (
            fisher_two_sided(20, 40, 0, 6).unwrap(),
            fisher_two_sided(0, 6, 20, 40).unwrap(),
        );
        assert!(close(a, b, 1e-12));
        assert_eq!(fisher_two_sided(0, 10, 0, 12), Some(1.0));
        assert_eq!(fisher_two_sided(11, 10, 0, 12), None);
        // Chi-squared with Yates would say 0.0626 here: Fisher is what we use.
        assert!(close(fisher_two_sided(0, 6, 20, 40).unwrap(), 0.0287173266, 1e-9));
    }

    #[test]
    fn wilson_matches_the_worked_values_and_hits_the_ends_exactly() {
        for (x1, n1, _, _, _, lo, hi, ..) in WORKED {
            let w = wilson(x1, n1).unwrap();
            assert!(close(w.lo, lo, 1e-6) && close(w.hi, hi, 1e-6), "{x1}/{n1}: {w:?}");
        }
        assert_eq!(wilson(0, 6).unwrap().lo, 0.0);
        assert_eq!(wilson(6, 6).unwrap().hi, 1.0);
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(7, 6), None);
    }

    #[test]
    fn newcombe_matches_the_worked_values() {
        for (x1, n1, x2, n2, _, _, _, d, lo, hi) in WORKED {
            let i = newcombe(x1, n1, x2, n2).unwrap();
            let diff = x1 as f64 / n1 as f64 - x2 as f64 / n2 as f64;
            assert!(close(diff, d, 1e-6));
            assert!(
                close(i.lo, lo, 1e-6) && close(i.hi, hi, 1e-6),
                "{x1}/{n1} vs {x2}/{n2}: {i:?}"
            );
        }
    }

    #[test]
    fn holm_matches_the_worked_vector_and_example() {
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        for (got, want) in adjusted.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!(close(*got, want, 1e-12), "{adjusted:?}");
        }
        // The worked disparity example: Asian, Black, Other against White, m = 3.
        let raw = [
            fisher_two_sided(20, 45, 140, 210).unwrap(),
            fisher_two_sided(18, 52, 140, 210).unwrap(),
            fisher_two_sided(9, 14, 140, 210).unwrap(),
        ];
        let adj = holm(&raw);
        assert!(close(adj[0], 0.013058, 1e-6), "{adj:?}");
        assert!(close(adj[1], 0.0000987, 1e-7), "{adj:?}");
        assert!(close(adj[2], 1.0, 1e-9), "{adj:?}");
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn histogram_median_and_nearest_rank() {
        let h = Histogram::new(vec![(5, 1), (1, 2), (9, 0), (5, 1)]);
        // Values 1, 1, 5, 5.
        assert_eq!(h.count(), 4);
        assert_eq!(h.median(), Some(3.0));
        assert_eq!(h.nearest_rank(90), Some(5));
        assert_eq!(h.nearest_rank(50), Some(1));
        let odd = Histogram::new(vec![(10, 3), (2, 1), (40, 1)]);
        // 2, 10, 10, 10, 40.
        assert_eq!(odd.median(), Some(10.0));
        assert_eq!(odd.nearest_rank(90), Some(40));
        assert_eq!(Histogram::default().median(), None);
        assert_eq!(Histogram::default().nearest_rank(90), None);
    }
}
