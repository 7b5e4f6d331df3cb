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
    pub const QUICK: Effort = Effort {
        samples: 3,
        sample_time: Duration::from_millis(40),
        fixed: None,
    };
    pub const FULL: Effort = Effort {
        samples: 11,
        sample_time: Duration::from_millis(300),
        fixed: None,
    };
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
        Measure {
            median: values[values.len() / 2],
            min: values[0],
            max: values[values.len() - 1],
            samples: values.len(),
        }
    }

    /// Half the min-max range, in percent of the median.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            50.0 * (self.max - self.min) / self.median
        }
    }
}

/// One contender's share of a row: runs the measured work `n` times.
pub type Run<'a> = Box<dyn FnMut(u64) -> anyhow::Result<()> + 'a>;

/// Boxes `f` as a [`Run`], whatever error type it returns.
pub fn run<'a, E: Into<anyhow::Error>>(mut f: impl FnMut(u64) -> Result<(), E> + 'a) -> Run<'a> {
    Box::new(move |n| f(n).map_err(Into::into))
}

/// Nanoseconds per iteration for several contenders of one row. Each
/// gets its own iteration count, then the samples are taken in rounds,
/// one sample of every contender per round: a machine that slows down
/// or speeds up during the row (a shared VM does, by 10% and more
/// within seconds) then weighs on every contender alike, where taking
/// one contender's samples in a block put the drift into the ratio. A
/// contender whose run fails is left out of later rounds and gets its
/// error back.
pub fn interleaved(effort: Effort, mut runs: Vec<Run<'_>>) -> Vec<anyhow::Result<Measure>> {
    if let Some(iters) = effort.fixed {
        return runs
            .iter_mut()
            .map(|run| timed(run, iters).map(|ns| Measure::of(vec![ns])))
            .collect();
    }
    let mut iters: Vec<anyhow::Result<u64>> = runs
        .iter_mut()
        .map(|run| calibrate(run, effort.sample_time))
        .collect();
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(effort.samples); runs.len()];
    for _ in 0..effort.samples {
        for (i, run) in runs.iter_mut().enumerate() {
            let Ok(n) = iters[i] else { continue };
            match timed(run, n) {
                Ok(ns) => values[i].push(ns),
                Err(e) => iters[i] = Err(e),
            }
        }
    }
    iters
        .into_iter()
        .zip(values)
        .map(|(n, v)| n.map(|_| Measure::of(v)))
        .collect()
}

/// Nanoseconds per iteration of one sample of `n` iterations.
fn timed(run: &mut Run<'_>, n: u64) -> anyhow::Result<f64> {
    let t = Instant::now();
    run(n)?;
    Ok(t.elapsed().as_nanos() as f64 / n as f64)
}

/// An iteration count whose sample lasts about `sample_time`.
fn calibrate(run: &mut Run<'_>, sample_time: Duration) -> anyhow::Result<u64> {
    let mut iters = 1u64;
    loop {
        let t = Instant::now();
        run(iters)?;
        let took = t.elapsed();
        if took >= sample_time / 4 || iters >= 1 << 30 {
            let scale = sample_time.as_secs_f64() / took.as_secs_f64().max(1e-9);
            return Ok(((iters as f64) * scale).ceil().max(1.0) as u64);
        }
        iters *= 4;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    const TINY: Effort = Effort {
        samples: 3,
        sample_time: Duration::from_micros(1),
        fixed: None,
    };

    #[test]
    fn samples_alternate_between_contenders() {
        let log = RefCell::new(Vec::new());
        let log_ref = &log;
        let runs = ["a", "b"].map(|name| {
            run(move |_| -> anyhow::Result<()> { Ok(log_ref.borrow_mut().push(name)) })
        });
        let results = interleaved(TINY, runs.into());
        assert!(
            results
                .iter()
                .all(|m| m.as_ref().is_ok_and(|m| m.samples == 3))
        );
        let log = log.borrow();
        assert_eq!(log[log.len() - 6..], ["a", "b", "a", "b", "a", "b"]);
    }

    #[test]
    fn a_failing_contender_is_dropped_and_the_others_go_on() {
        let calls = RefCell::new(0);
        let fails_late = run(|_| {
            *calls.borrow_mut() += 1;
            if *calls.borrow() > 2 {
                Err(anyhow::anyhow!("trap"))
            } else {
                Ok(())
            }
        });
        let fine = run(|_| -> anyhow::Result<()> { Ok(()) });
        let results = interleaved(TINY, vec![fails_late, fine]);
        assert_eq!(results[0].as_ref().unwrap_err().to_string(), "trap");
        assert_eq!(results[1].as_ref().unwrap().samples, 3);
        let calls_after_failure = *calls.borrow();
        assert_eq!(calls_after_failure, 3, "no sample after the failing one");
    }

    #[test]
    fn fixed_iterations_run_once_each() {
        let seen = RefCell::new(Vec::new());
        let seen_ref = &seen;
        let runs = [1, 2].map(|id| {
            run(move |n| -> anyhow::Result<()> { Ok(seen_ref.borrow_mut().push((id, n))) })
        });
        let effort = Effort {
            fixed: Some(7),
            ..TINY
        };
        let results = interleaved(effort, runs.into());
        assert_eq!(*seen.borrow(), [(1, 7), (2, 7)]);
        assert!(
            results
                .iter()
                .all(|m| m.as_ref().is_ok_and(|m| m.samples == 1))
        );
    }
}
