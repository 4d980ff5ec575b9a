//! Charts as inline SVG drawn on the server: no script, no fonts to load, allowed by the
//! content security policy (presentation attributes, no inline styles). Each chart names
//! itself for screen readers and always sits beside a table with the same numbers; a value
//! the table hides (`[c]`) is not drawn.

use maud::{Markup, html};

/// One bar of a horizontal bar chart: a label, a percentage (None: not shown) and its
/// 95 % interval in percent.
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 26.0;

/// Horizontal bars on a 0–100 % scale, with interval whiskers.
pub fn percent_bars(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let plot_w = WIDTH - LABEL_W - 60.0;
    let height = ROW_H * bars.len() as f64 + 30.0;
    let x = |pct: f64| LABEL_W + plot_w * pct.clamp(0.0, 100.0) / 100.0;
    let summary: Vec<String> = bars
        .iter()
        .map(|b| match b.value {
            Some(v) => format!("{}: {v:.1}%", b.label),
            None => format!("{}: not shown", b.label),
        })
        .collect();
    html! {
        figure.chart {
            svg.chart__svg viewBox={ "0 0 " (WIDTH) " " (height) } role="img"
                aria-labelledby={ (id) "-title " (id) "-desc" } xmlns="http://www.w3.org/2000/svg" {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (summary.join("; ")) }
                @for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
                    line x1=(x(pct)) x2=(x(pct)) y1="0" y2=(height - 22.0) stroke="#b1b4b6" stroke-width="1" {}
                    text x=(x(pct)) y=(height - 6.0) text-anchor="middle" font-size="12" fill="#505a5f" { (pct) "%" }
                }
                @for (i, b) in bars.iter().enumerate() {
                    @let y = ROW_H * i as f64 + 4.0;
                    text x=(LABEL_W - 8.0) y=(y + 15.0) text-anchor="end" font-size="13" fill="#0b0c0c" { (b.label) }
                    @if let Some(v) = b.value {
                        rect x=(LABEL_W) y=(y + 3.0) width=(x(v) - LABEL_W) height="14" fill="#1d70b8" {}
                        @if let Some((lo, hi)) = b.interval {
                            line x1=(x(lo)) x2=(x(hi)) y1=(y + 10.0) y2=(y + 10.0) stroke="#0b0c0c" stroke-width="2" {}
                        }
                        text x=(x(v).max(x(b.interval.map_or(v, |i| i.1))) + 6.0) y=(y + 15.0) font-size="12" fill="#0b0c0c" { (format!("{v:.1}%")) }
                    } @else {
                        text x=(LABEL_W + 4.0) y=(y + 15.0) font-size="12" fill="#505a5f" { "[c] not shown" }
                    }
                }
            }
            figcaption.body-s { (title) ". Lines show 95% intervals. The table below has the same numbers." }
        }
    }
}

/// Monthly counts this period (dark) and a year earlier (light), side by side.
pub fn monthly(id: &str, title: &str, months: &[(String, Option<u64>, Option<u64>)]) -> Markup {
    let height = 220.0;
    let plot_h = height - 50.0;
    let max = months
        .iter()
        .flat_map(|(_, a, b)| [a.unwrap_or(0), b.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (WIDTH - 50.0) / months.len().max(1) as f64;
    let bar_w = (slot / 2.0 - 2.0).clamp(2.0, 24.0);
    let y = |n: u64| 10.0 + plot_h - plot_h * n as f64 / max;
    let summary: Vec<String> = months
        .iter()
        .map(|(m, a, b)| {
            let show = |v: &Option<u64>| v.map_or("not shown".to_owned(), |n| n.to_string());
            format!("{m}: {} (a year earlier {})", show(a), show(b))
        })
        .collect();
    html! {
        figure.chart {
            svg.chart__svg viewBox={ "0 0 " (WIDTH) " " (height) } role="img"
                aria-labelledby={ (id) "-title " (id) "-desc" } xmlns="http://www.w3.org/2000/svg" {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (summary.join("; ")) }
                line x1="40" x2=(WIDTH) y1=(y(0)) y2=(y(0)) stroke="#0b0c0c" stroke-width="1" {}
                text x="36" y=(y(0) + 4.0) text-anchor="end" font-size="12" fill="#505a5f" { "0" }
                text x="36" y=(y(max as u64) + 4.0) text-anchor="end" font-size="12" fill="#505a5f" { (max as u64) }
                @for (i, (label, now, before)) in months.iter().enumerate() {
                    @let x0 = 44.0 + slot * i as f64;
                    @if let Some(n) = before {
                        rect x=(x0) y=(y(*n)) width=(bar_w) height=(y(0) - y(*n)) fill="#b1d4ef" {}
                    }
                    @if let Some(n) = now {
                        rect x=(x0 + bar_w + 1.0) y=(y(*n)) width=(bar_w) height=(y(0) - y(*n)) fill="#1d70b8" {}
                    }
                    text x=(x0 + bar_w) y=(height - 22.0) text-anchor="middle" font-size="11" fill="#0b0c0c" { (label.get(..3).unwrap_or(label)) }
                }
                rect x="44" y=(height - 14.0) width="10" height="10" fill="#1d70b8" {}
                text x="58" y=(height - 5.0) font-size="12" fill="#0b0c0c" { "This period" }
                rect x="150" y=(height - 14.0) width="10" height="10" fill="#b1d4ef" {}
                text x="164" y=(height - 5.0) font-size="12" fill="#0b0c0c" { "A year earlier" }
            }
            figcaption.body-s { (title) ". The table below has the same numbers." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_describe_their_numbers_and_do_not_draw_hidden_ones() {
        let svg = percent_bars(
            "r",
            "Resolved rate",
            &[
                Bar {
                    label: "White".into(),
                    value: Some(66.7),
                    interval: Some((60.0, 72.7)),
                },
                Bar {
                    label: "Mixed".into(),
                    value: None,
                    interval: None,
                },
            ],
        )
        .into_string();
        assert!(svg.contains("White: 66.7%; Mixed: not shown"));
        assert!(svg.contains("[c] not shown"));
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(!svg.contains("style="));
        let svg = monthly("m", "By month", &[("April 2026".into(), Some(3), None)]).into_string();
        assert!(svg.contains("April 2026: 3 (a year earlier not shown)"));
    }
}
