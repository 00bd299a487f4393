//! Shared measuring code for the paymux benchmarks. The thing under test and its baseline run
//! in alternating batches within one process; each round gives one ratio (subject batch over
//! the baseline batch next to it), and the figure reported is the **median of those paired
//! ratios**. Pairing cancels the slow drifts of a shared machine (another process, frequency
//! changes), which would otherwise land on one side only; alternating which side runs first
//! cancels any order effect.
#![allow(clippy::float_arithmetic)] // ratios of timings, not money

use std::time::{Duration, Instant};

/// Median of samples (the samples are sorted in place).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Median of values such as ratios (sorted in place).
pub fn median_f64(ratios: &mut [f64]) -> f64 {
    ratios.sort_unstable_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Per-call timings of both sides, one pair per round.
#[derive(Debug, Default)]
pub struct Samples {
    subject: Vec<Duration>,
    baseline: Vec<Duration>,
}

impl Samples {
    /// Records one round: per-call time of the subject and of the baseline.
    pub fn push(&mut self, subject: Duration, baseline: Duration) {
        self.subject.push(subject);
        self.baseline.push(baseline);
    }

    /// The row for a table: medians of each side and the median of the paired ratios.
    pub fn row(mut self, name: impl Into<String>, goal: f64) -> Row {
        let mut ratios: Vec<f64> = self
            .subject
            .iter()
            .zip(&self.baseline)
            .map(|(s, b)| s.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE))
            .collect();
        // The same pairing in absolute terms: what the subject adds to one call.
        let mut added: Vec<f64> = self
            .subject
            .iter()
            .zip(&self.baseline)
            .map(|(s, b)| (s.as_secs_f64() - b.as_secs_f64()) * 1e6)
            .collect();
        Row {
            name: name.into(),
            subject: median(&mut self.subject),
            baseline: median(&mut self.baseline),
            ratio: median_f64(&mut ratios),
            added_us: median_f64(&mut added),
            goal,
        }
    }
}

/// Per-call time of `batch` calls of `f`.
fn time_batch(batch: u32, f: &mut impl FnMut()) -> Duration {
    let t = Instant::now();
    for _ in 0..batch {
        f();
    }
    t.elapsed() / batch
}

/// Times `batch` calls of `f` and of `g`, `rounds` times, alternating which runs first.
pub fn compare_sync(
    rounds: usize,
    batch: u32,
    mut f: impl FnMut(),
    mut g: impl FnMut(),
) -> Samples {
    let mut samples = Samples::default();
    for round in 0..rounds {
        if round % 2 == 0 {
            let a = time_batch(batch, &mut f);
            let b = time_batch(batch, &mut g);
            samples.push(a, b);
        } else {
            let b = time_batch(batch, &mut g);
            let a = time_batch(batch, &mut f);
            samples.push(a, b);
        }
    }
    samples
}

/// [`compare_sync`] for async calls: `rounds` pairs of batches, alternating which runs first.
pub async fn compare_async<F, G, FutF, FutG>(
    rounds: usize,
    batch: u32,
    mut subject: F,
    mut baseline: G,
) -> Samples
where
    F: FnMut() -> FutF,
    G: FnMut() -> FutG,
    FutF: std::future::Future<Output = ()>,
    FutG: std::future::Future<Output = ()>,
{
    let mut samples = Samples::default();
    for round in 0..rounds {
        if round % 2 == 0 {
            let s = time_calls(batch, &mut subject).await;
            let b = time_calls(batch, &mut baseline).await;
            samples.push(s, b);
        } else {
            let b = time_calls(batch, &mut baseline).await;
            let s = time_calls(batch, &mut subject).await;
            samples.push(s, b);
        }
    }
    samples
}

/// Per-call time of `n` sequential awaits of `f()`.
pub async fn time_calls<F, Fut>(n: u32, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = Instant::now();
    for _ in 0..n {
        f().await;
    }
    t.elapsed() / n
}

/// A row of a results table.
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Median per call of the thing under test.
    pub subject: Duration,
    /// Median per call of the baseline.
    pub baseline: Duration,
    /// Median of the per-round ratios subject / baseline.
    pub ratio: f64,
    /// Median of the per-round differences subject - baseline, in µs per call.
    pub added_us: f64,
    /// The goal for the ratio.
    pub goal: f64,
}

/// Prints a Markdown table of rows.
pub fn print_table(title: &str, subject: &str, baseline: &str, rows: &[Row]) {
    println!("\n### {title}\n");
    println!(
        "| case | {subject} (median) | {baseline} (median) | added per call (median) | median ratio | goal |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.2} µs | {:.2} µs | {:+.2} µs | {:.3} | <= {:.2} {} |",
            r.name,
            r.subject.as_secs_f64() * 1e6,
            r.baseline.as_secs_f64() * 1e6,
            r.added_us,
            r.ratio,
            r.goal,
            if r.ratio <= r.goal { "met" } else { "**missed**" }
        );
    }
}

/// Installs the TLS crypto provider reqwest needs in this workspace (plain HTTP is used, but
/// the client is built with TLS support).
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
