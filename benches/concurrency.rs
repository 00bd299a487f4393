//! 10,000 concurrent payments through the router against the sandbox (Paygentic and
//! Paynectra emulators, a 50/50 split), on this machine's cores: errors, payments counted on
//! the gateways' side, throughput against raw reqwest sending the same requests with the same
//! concurrency limit, and peak RSS.
//!
//! Run: `cargo bench -p paymux-benches --bench concurrency`
#![allow(clippy::float_arithmetic)] // throughput figures, not money

use std::sync::Arc;
use std::time::Instant;

use paymux::router::{Route, Rule};
use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::{CreatePayment, Currency, Money, PaymentProvider, Router};
use paymux_benches::install_crypto;
use tokio::sync::Semaphore;

const PAYMENTS: usize = 10_000;
const IN_FLIGHT_PER_INSTANCE: usize = 64;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
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
}
