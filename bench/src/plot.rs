//! An SVG chart of the call-overhead and throughput rows: for every row,
//! each contender's cost relative to the baseline (witgo = 1; longer bars
//! are slower).

use std::fmt::Write as _;

use crate::report::{Row, Unit};

const COLORS: [&str; 4] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

/// The chart for `rows` (the call rows, sync and async, and the stream
/// throughput rows), with the contenders in `contenders` order; the first
/// is the baseline.
pub fn svg(contenders: &[String], rows: &[&Row]) -> String {
    let charted = |name: &str| {
        ["export:", "import:", "async", "stream<"]
            .iter()
            .any(|p| name.starts_with(p))
    };
    let rows: Vec<&&Row> = rows.iter().filter(|r| charted(&r.name)).collect();
    let base = &contenders[0];
    // Relative cost of contender c on row r, if both figures exist.
    let cost = |r: &Row, c: &str| -> Option<f64> {
        let get = |n: &str| r.values.iter().find(|(x, _)| x == n).map(|(_, m)| m.median);
        let (b, v) = (get(base)?, get(c)?);
        Some(match r.unit {
            Unit::BytesPerSec => b / v,
            _ => v / b,
        })
    };
    let max = rows
        .iter()
        .flat_map(|r| contenders.iter().filter_map(|c| cost(r, c)))
        .fold(2.0f64, f64::max)
        .ceil();
    let (label_w, bar_w, bar_h, gap) = (230.0, 460.0, 11.0, 8.0);
    let group_h = bar_h * contenders.len() as f64 + gap;
    let height = 60.0 + group_h * rows.len() as f64 + 30.0;
    let width = label_w + bar_w + 80.0;
    let x = |ratio: f64| label_w + bar_w * ratio / max;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="18" font-size="13" font-weight="bold">Cost relative to {base} (1 = {base}; longer is slower)</text>"#
    );
    for (i, c) in contenders.iter().enumerate() {
        let lx = 10.0 + 150.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="28" width="10" height="10" fill="{}"/><text x="{}" y="37">{c}</text>"#,
            COLORS[i % 4],
            lx + 14.0
        );
    }
    let top = 50.0;
    for t in 0..=max as u32 {
        let tx = x(t as f64);
        let _ = writeln!(
            s,
            r##"<line x1="{tx}" y1="{top}" x2="{tx}" y2="{}" stroke="#ccc"/><text x="{tx}" y="{}" text-anchor="middle">{t}</text>"##,
            height - 25.0,
            height - 12.0
        );
    }
    for (g, r) in rows.iter().enumerate() {
        let gy = top + group_h * g as f64;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            gy + group_h / 2.0,
            escape(&r.name)
        );
        for (i, c) in contenders.iter().enumerate() {
            let y = gy + bar_h * i as f64;
            match cost(r, c) {
                Some(v) => {
                    let _ = writeln!(
                        s,
                        r#"<rect x="{label_w}" y="{y}" width="{:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{}">{v:.2}</text>"#,
                        x(v) - label_w,
                        bar_h - 1.0,
                        COLORS[i % 4],
                        x(v) + 3.0,
                        y + bar_h - 2.0
                    );
                }
                None if r.failures.iter().any(|(n, _)| n == c) => {
                    let _ = writeln!(
                        s,
                        r#"<text x="{}" y="{}" fill="{}">trap</text>"#,
                        label_w + 3.0,
                        y + bar_h - 2.0,
                        COLORS[i % 4]
                    );
                }
                None => {}
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
