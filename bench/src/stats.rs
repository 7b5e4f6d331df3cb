//! Repeated measurements reduced to a median and a spread.

use std::time::{Duration, Instant};

use serde::Serialize;

/// How hard to measure: quick for a look, full for figures to publish.
#[derive(Clone, Copy, Debug)]
pub struct Effort {
    /// Samples per measurement (the median is reported).
    pub samples: usize,
    /// Minimum wall time of one sample; iterations are scaled up to it.
    pub sample_time: Duration,
    /// Exactly this many iterations in one sample instead (for instruction
    /// counts under callgrind, where wall time means nothing).
    pub fixed: Option<u64>,
}

impl Effort {
    pub const QUICK: Effort = Effort { samples: 3, sample_time: Duration::from_millis(40), fixed: None };
    pub const FULL: Effort = Effort { samples: 11, sample_time: Duration::from_millis(300), fixed: None };
}

/// The median of several samples of one quantity, and how far the samples
/// spread around it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Measure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: usize,
}

impl Measure {
    pub fn of(mut values: Vec<f64>) -> Measure {
        values.sort_by(|a, b| a.total_cmp(b));
        Measure { median: values[values.len() / 2], min: values[0], max: values[values.len() - 1], samples: values.len() }
    }

    /// Half the min-max range, in percent of the median.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 { 0.0 } else { 50.0 * (self.max - self.min) / self.median }
    }
}

/// Nanoseconds per iteration of `run(iters)`: finds an iteration count
/// whose sample lasts at least `effort.sample_time`, then takes
/// `effort.samples` samples.
pub fn per_iteration<E: Into<anyhow::Error>>(effort: Effort, mut run: impl FnMut(u64) -> Result<(), E>) -> anyhow::Result<Measure> {
    if let Some(iters) = effort.fixed {
        let t = Instant::now();
        run(iters).map_err(Into::into)?;
        return Ok(Measure::of(vec![t.elapsed().as_nanos() as f64 / iters as f64]));
    }
    let mut iters = 1u64;
    loop {
        let t = Instant::now();
        run(iters).map_err(Into::into)?;
        let took = t.elapsed();
        if took >= effort.sample_time / 4 || iters >= 1 << 30 {
            let scale = effort.sample_time.as_secs_f64() / took.as_secs_f64().max(1e-9);
            iters = ((iters as f64) * scale).ceil().max(1.0) as u64;
            break;
        }
        iters *= 4;
    }
    let mut values = Vec::with_capacity(effort.samples);
    for _ in 0..effort.samples {
        let t = Instant::now();
        run(iters).map_err(Into::into)?;
        values.push(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    Ok(Measure::of(values))
}
