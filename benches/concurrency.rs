//! 10,000 concurrent payments through the router against the sandbox (Paygentic and
//! Paynectra emulators, a 50/50 split), on this machine's cores: errors, payments counted on
//! the gateways' side, throughput against raw reqwest sending the same requests with the same
//! concurrency limit, and peak RSS.
//!
//! Then 10,000 creates truly in flight at once: the emulators answer after an injected latency
//! (`Faults::set_latency`, [`IN_FLIGHT_LATENCY`]: longer than the two cores take to open
//! 10,000 connections, about a second), the instances allow 10,000 requests in flight, and the
//! gateways' own count of requests in flight must reach 10,000; errors, wall time and the memory per
//! in-flight payment (peak RSS growth of the client process over the run / 10,000) are
//! reported. The sandbox runs in a child process (this binary again), so that each process
//! holds one end of the 10,000 connections (about 10,100 open files each).
//!
//! Run: `cargo bench -p paymux-benches --bench concurrency`
#![allow(clippy::float_arithmetic)] // throughput figures, not money

use std::sync::Arc;
use std::time::Instant;

use paymux::router::{Route, Rule};
use paymux::sandbox::{EmulatorHandle, Latency, Sandbox};
use paymux::{CreatePayment, Currency, Money, PaymentProvider, Router};
use paymux_benches::install_crypto;
use tokio::sync::Semaphore;

const PAYMENTS: usize = 10_000;
const IN_FLIGHT_PER_INSTANCE: usize = 64;
/// The emulators' answer time in the all-in-flight run. At 200 ms the first answers came back
/// before the last connections were open (peak 2,416 in flight on 2 cores), at 3 s 9,974 on
/// a loaded machine.
const IN_FLIGHT_LATENCY: std::time::Duration = std::time::Duration::from_secs(5);

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Current RSS (`VmRSS`), MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The soft limit on open files.
fn open_files_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The environment variable that makes this binary the sandbox process of the in-flight run.
const SANDBOX_CHILD: &str = "PAYMUX_BENCH_SANDBOX_PORT_BASE";

/// The child: serves the five emulators on free ports with [`IN_FLIGHT_LATENCY`], prints
/// `ready <Paygentic URL> <Paynectra URL>`, then answers `stats` on stdin with
/// `peak <requests in flight at once> <peak RSS MiB>`.
fn sandbox_child() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start().await.expect("sandbox");
        for e in sandbox.all() {
            e.faults().set_latency(None, "", Latency::Fixed(IN_FLIGHT_LATENCY));
        }
        println!("ready {} {}", sandbox.paygentic.api_url(), sandbox.paynectra.api_url());
        let mut line = String::new();
        let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
        let peak =
            sandbox.paygentic.stats().peak_in_flight() + sandbox.paynectra.stats().peak_in_flight();
        println!("peak {peak} {:.1}", peak_rss_mib());
    });
}

/// An instance of `kind` at `url` with the emulator's test keys, 10,000 requests in flight.
fn remote_instance(
    kind: &str,
    url: String,
    creds: paymux::sandbox::TestCredentials,
) -> Arc<dyn PaymentProvider> {
    let mut spec = paymux::router::InstanceSpec::new(kind, kind);
    spec.base_url = Some(url);
    spec.credentials.insert("api_key".into(), creds.api_key.into());
    spec.credentials.insert("webhook_secret".into(), creds.webhook_secret.into());
    spec.options = creds.extra.into_iter().filter(|(k, _)| k != "base_path").collect();
    spec.options.insert("max_in_flight".into(), PAYMENTS.to_string());
    paymux::registry().factory(kind).expect("kind")(&spec).expect("provider")
}

/// 10,000 creates in flight at once against the sandbox in a child process (so that each
/// process holds one end of the 10,000 connections): `(errors, peak in flight, seconds,
/// KiB of client memory per in-flight payment, sandbox peak RSS MiB)`.
async fn all_in_flight() -> (usize, u64, f64, f64, String) {
    use std::io::{BufRead, Write};
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env(SANDBOX_CHILD, "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sandbox child");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("ready");
    let urls: Vec<String> = line.split_whitespace().skip(1).map(str::to_owned).collect();
    let url = |i: usize| urls.get(i).cloned().unwrap_or_default();
    let router = Arc::new(
        Router::builder()
            .instance(
                "pg",
                remote_instance("paygentic", url(0), paymux::sandbox::paygentic::credentials()),
            )
            .instance(
                "pn",
                remote_instance("paynectra", url(1), paymux::sandbox::paynectra::credentials()),
            )
            .rule(Rule::new("split", Route::Split(vec![("pg".into(), 50), ("pn".into(), 50)])))
            .build()
            .expect("router"),
    );
    let before = rss_mib();
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..PAYMENTS {
        let router = router.clone();
        set.spawn(async move {
            let req = CreatePayment::new(Money::from_minor(1050, Currency::USD).expect("money"))
                .with_reference(format!("flight_{i}"))
                .with_return_url("https://shop.example/r");
            router.create_payment(req).await
        });
    }
    let mut errors = 0;
    let mut first = None;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                errors += 1;
                first.get_or_insert(e.to_string());
            }
            Err(_) => errors += 1,
        }
    }
    if let Some(e) = first {
        eprintln!("first error in flight: {e}");
    }
    let secs = started.elapsed().as_secs_f64();
    let per_payment_kib = (peak_rss_mib() - before).max(0.0) * 1024.0
        / f64::from(u32::try_from(PAYMENTS).unwrap_or(u32::MAX));
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = writeln!(stdin, "stats");
    line.clear();
    out.read_line(&mut line).expect("stats");
    let _ = child.wait();
    let mut parts = line.split_whitespace().skip(1);
    let peak = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let sandbox_rss = parts.next().unwrap_or("?").to_owned();
    (errors, peak, secs, per_payment_kib, sandbox_rss)
}

fn creates(e: &EmulatorHandle, path: &str) -> usize {
    e.stats().count(&http::Method::POST, path)
}

fn instance(e: &EmulatorHandle, name: &str) -> Arc<dyn PaymentProvider> {
    let mut spec = paymux::sandbox::instance_spec(e, name);
    spec.options.insert("max_in_flight".into(), IN_FLIGHT_PER_INSTANCE.to_string());
    paymux::registry().factory(e.name()).expect("kind")(&spec).expect("provider")
}

async fn through_router(sandbox: &Sandbox) -> (usize, f64) {
    let router = Arc::new(
        Router::builder()
            .instance("pg", instance(&sandbox.paygentic, "pg"))
            .instance("pn", instance(&sandbox.paynectra, "pn"))
            .rule(Rule::new("split", Route::Split(vec![("pg".into(), 50), ("pn".into(), 50)])))
            .build()
            .expect("router"),
    );
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..PAYMENTS {
        let router = router.clone();
        set.spawn(async move {
            let req = CreatePayment::new(Money::from_minor(1050, Currency::USD).expect("money"))
                .with_reference(format!("conc_{i}"))
                .with_return_url("https://shop.example/r");
            router.create_payment(req).await
        });
    }
    let mut errors = 0;
    while let Some(r) = set.join_next().await {
        if !matches!(r, Ok(Ok(_))) {
            errors += 1;
        }
    }
    (errors, started.elapsed().as_secs_f64())
}

async fn raw_reqwest(sandbox: &Sandbox) -> (usize, f64) {
    let client = reqwest::Client::new();
    let limits = [
        Arc::new(Semaphore::new(IN_FLIGHT_PER_INSTANCE)),
        Arc::new(Semaphore::new(IN_FLIGHT_PER_INSTANCE)),
    ];
    let pg = (sandbox.paygentic.base_url(), sandbox.paygentic.credentials().clone());
    let pn = (sandbox.paynectra.base_url(), sandbox.paynectra.credentials().clone());
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..PAYMENTS {
        let client = client.clone();
        let (limit, url, key, body, header) = if i % 2 == 0 {
            let body = format!(
                r#"{{"amount":"10.50","currency":"USD","merchantId":"{}","idempotencyKey":"raw_{i}","metadata":{{"reference":"raw_{i}"}}}}"#,
                pg.1.extra.get("merchant_id").cloned().unwrap_or_default()
            );
            (limits[0].clone(), format!("{}/v0/payments", pg.0), pg.1.api_key.clone(), body, None)
        } else {
            let body = r#"{"amount":1050,"currency":"usd","return_url":"https://shop.example/r","metadata":{"merchant_reference":"raw"}}"#.to_owned();
            (
                limits[1].clone(),
                format!("{}/v1/payments", pn.0),
                pn.1.api_key.clone(),
                body,
                Some(format!("raw_{i}")),
            )
        };
        set.spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let mut req = client
                .post(url)
                .bearer_auth(key)
                .header("content-type", "application/json")
                .body(body);
            if let Some(k) = header {
                req = req.header("Idempotency-Key", k);
            }
            let resp = req.send().await.map_err(|e| e.to_string())?;
            let ok = resp.status().is_success();
            let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
            let _: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            if ok { Ok(()) } else { Err(String::from_utf8_lossy(&bytes).into_owned()) }
        });
    }
    let mut errors = 0;
    let mut first_error = None;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                errors += 1;
                first_error.get_or_insert(e);
            }
            Err(_) => errors += 1,
        }
    }
    if let Some(e) = first_error {
        eprintln!("first raw error: {e}");
    }
    (errors, started.elapsed().as_secs_f64())
}

fn main() {
    install_crypto();
    if std::env::var_os(SANDBOX_CHILD).is_some() {
        return sandbox_child();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start().await.expect("sandbox");
        let (router_errors, router_secs) = through_router(&sandbox).await;
        let made = creates(&sandbox.paygentic, "/v0/payments") + creates(&sandbox.paynectra, "/v1/payments");
        let rss_after_router = peak_rss_mib();
        let (raw_errors, raw_secs) = raw_reqwest(&sandbox).await;
        let made_total = creates(&sandbox.paygentic, "/v0/payments") + creates(&sandbox.paynectra, "/v1/payments");
        let router_rate = f64::from(u32::try_from(PAYMENTS).unwrap_or(u32::MAX)) / router_secs;
        let raw_rate = f64::from(u32::try_from(PAYMENTS).unwrap_or(u32::MAX)) / raw_secs;
        println!("\n### 10,000 concurrent payments (2 worker threads, {IN_FLIGHT_PER_INSTANCE} in flight per gateway)\n");
        println!("| path | errors | payments counted by the gateways | wall time | throughput |");
        println!("|---|---:|---:|---:|---:|");
        println!("| router (50/50 split) | {router_errors} | {made} | {router_secs:.2} s | {router_rate:.0}/s |");
        println!("| raw reqwest | {raw_errors} | {} | {raw_secs:.2} s | {raw_rate:.0}/s |", made_total - made);
        println!("\nrouter throughput / raw throughput: {:.3}", router_rate / raw_rate);
        println!("peak RSS after the router run (process incl. the in-process sandbox): {rss_after_router:.1} MiB");
        println!("peak RSS at the end: {:.1} MiB", peak_rss_mib());
        assert_eq!(router_errors, 0, "router errors");
        assert_eq!(made, PAYMENTS, "payments lost or duplicated");
    });
    if open_files_limit() < 10_500 {
        println!("\n(skipped: 10,000 in flight needs about 10,100 open files per process)");
        return;
    }
    let (errors, peak, secs, per_payment_kib, sandbox_rss) = runtime.block_on(all_in_flight());
    println!(
        "\n### 10,000 creates in flight at once ({} ms injected latency, no limit per gateway; sandbox in a child process)\n",
        IN_FLIGHT_LATENCY.as_millis()
    );
    println!(
        "| errors | peak in flight (gateways' count) | wall time | client memory per in-flight payment | sandbox peak RSS |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!("| {errors} | {peak} | {secs:.2} s | {per_payment_kib:.1} KiB | {sandbox_rss} MiB |");
    assert_eq!(errors, 0, "errors with 10,000 in flight");
    let all = u64::try_from(PAYMENTS).unwrap_or(u64::MAX);
    println!(
        "\nall {PAYMENTS} in flight at the gateways at once: {}",
        if peak >= all { "met" } else { "**missed**" }
    );
    assert!(peak > 0, "nothing reached the gateways");
}
