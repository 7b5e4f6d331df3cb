//! The results table: one row per measurement, one column per contender,
//! and each contender's ratio to the first (the baseline, witgo).

use serde::Serialize;

use crate::stats::Measure;

#[derive(Clone, Copy, Debug, Serialize)]
pub enum Unit {
    Nanos,
    Bytes,
    BytesPerSec,
    /// Events (requests) per second.
    PerSec,
}

impl Unit {
    /// Whether a larger figure is better (the ratio is then inverted so
    /// that "x times slower/bigger" always reads the same way).
    fn higher_is_better(self) -> bool {
        matches!(self, Unit::BytesPerSec | Unit::PerSec)
    }

    fn format(self, v: f64) -> String {
        match self {
            Unit::Nanos if v >= 1e6 => format!("{:.2} ms", v / 1e6),
            Unit::Nanos if v >= 1e3 => format!("{:.2} µs", v / 1e3),
            Unit::Nanos => format!("{v:.0} ns"),
            Unit::Bytes => group(v as u64),
            Unit::BytesPerSec if v >= 1e9 => format!("{:.2} GB/s", v / 1e9),
            Unit::BytesPerSec => format!("{:.0} MB/s", v / 1e6),
            Unit::PerSec => format!("{} /s", group(v.round() as u64)),
        }
    }
}

/// 2561606 -> "2,561,606".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    pub unit: Unit,
    /// (contender, measure) in contender order; missing ones are absent.
    pub values: Vec<(String, Measure)>,
    /// (contender, why) for contenders that failed this row.
    pub failures: Vec<(String, String)>,
}

pub struct Table {
    contenders: Vec<String>,
    rows: Vec<Row>,
}

impl Table {
    pub fn new(contenders: Vec<String>) -> Self {
        Table {
            contenders,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, row: &str, unit: Unit) -> &mut Row {
        let i = match self.rows.iter().position(|r| r.name == row) {
            Some(i) => i,
            None => {
                self.rows.push(Row {
                    name: row.to_string(),
                    unit,
                    values: Vec::new(),
                    failures: Vec::new(),
                });
                self.rows.len() - 1
            }
        };
        &mut self.rows[i]
    }

    pub fn set(&mut self, row: &str, unit: Unit, contender: &str, m: Measure) {
        self.row(row, unit).values.push((contender.to_string(), m));
    }

    /// Records that `contender` could not run `row` (it trapped, say).
    pub fn fail(&mut self, row: &str, unit: Unit, contender: &str, why: &str) {
        self.row(row, unit)
            .failures
            .push((contender.to_string(), why.to_string()));
    }

    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter()
    }

    /// A Markdown table: figures with their spread, then each other
    /// contender's cost relative to the baseline (>1: the baseline is ahead).
    pub fn markdown(&self) -> String {
        let base = &self.contenders[0];
        let others = &self.contenders[1..];
        let mut out = String::from("| row |");
        for c in &self.contenders {
            out.push_str(&format!(" {c} |"));
        }
        for c in others {
            out.push_str(&format!(" {c} / {base} |"));
        }
        out.push('\n');
        out.push_str(&"|---".repeat(1 + self.contenders.len() + others.len()));
        out.push_str("|\n");
        for row in &self.rows {
            let get = |c: &str| row.values.iter().find(|(n, _)| n == c).map(|(_, m)| *m);
            out.push_str(&format!("| {} |", row.name));
            for c in &self.contenders {
                let cell = match get(c) {
                    Some(m) if m.samples > 1 => {
                        format!("{} ±{:.0}%", row.unit.format(m.median), m.spread_pct())
                    }
                    Some(m) => row.unit.format(m.median),
                    None if row.failures.iter().any(|(n, _)| n == c) => "fails (trap)".into(),
                    None => "–".into(),
                };
                out.push_str(&format!(" {cell} |"));
            }
            for c in others {
                let cell = match (get(base), get(c)) {
                    (Some(b), Some(m)) if row.unit.higher_is_better() => {
                        format!("{:.2}", b.median / m.median)
                    }
                    (Some(b), Some(m)) => format!("{:.2}", m.median / b.median),
                    _ => "–".into(),
                };
                out.push_str(&format!(" {cell} |"));
            }
            out.push('\n');
        }
        out
    }
}
