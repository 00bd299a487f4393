//! Shared measuring code for the paymux benchmarks: medians of interleaved samples, so a
//! ratio compares two things measured in the same run under the same machine load.
#![allow(clippy::float_arithmetic)] // ratios of timings, not money

use std::time::{Duration, Instant};

/// Median of samples (the samples are sorted in place).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Times `batch` calls of `f`, `rounds` times, alternating with `g` so both see the same
/// conditions. Returns per-call medians `(f, g)`.
pub fn compare_sync(
    rounds: usize,
    batch: u32,
    mut f: impl FnMut(),
    mut g: impl FnMut(),
) -> (Duration, Duration) {
    let mut a = Vec::with_capacity(rounds);
    let mut b = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        a.push(t.elapsed() / batch);
        let t = Instant::now();
        for _ in 0..batch {
            g();
        }
        b.push(t.elapsed() / batch);
    }
    (median(&mut a), median(&mut b))
}

/// A row of a results table.
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Median per call of the thing under test.
    pub subject: Duration,
    /// Median per call of the baseline.
    pub baseline: Duration,
    /// The goal for subject / baseline.
    pub goal: f64,
}

impl Row {
    /// subject / baseline.
    pub fn ratio(&self) -> f64 {
        self.subject.as_secs_f64() / self.baseline.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// Prints a Markdown table of rows.
pub fn print_table(title: &str, subject: &str, baseline: &str, rows: &[Row]) {
    println!("\n### {title}\n");
    println!("| case | {subject} (median) | {baseline} (median) | ratio | goal |");
    println!("|---|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.2} µs | {:.2} µs | {:.3} | <= {:.2} {} |",
            r.name,
            r.subject.as_secs_f64() * 1e6,
            r.baseline.as_secs_f64() * 1e6,
            r.ratio(),
            r.goal,
            if r.ratio() <= r.goal { "met" } else { "**missed**" }
        );
    }
}

/// Installs the TLS crypto provider reqwest needs in this workspace (plain HTTP is used, but
/// the client is built with TLS support).
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
