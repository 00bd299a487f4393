//! Prometheus metrics: paymux records through the `metrics` facade, so wiring an exporter is
//! installing its recorder once at start-up. This example installs
//! `metrics-exporter-prometheus`, makes a few calls against the built-in sandbox (payments
//! that succeed, one the issuer declines, a look-up of a payment that does not exist) and
//! prints what a Prometheus scrape would read. The names and labels are in the metrics table
//! of paymux-core's docs.
//!
//! Run with `cargo run -p paymux-examples --example prometheus`.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use paymux::sandbox::Sandbox;
use paymux::{Card, CreatePayment, Currency, Money, PaymentId};

/// Buckets of the `_seconds` histograms (calls, webhook lag), from a fast answer to a
/// gateway timing out; without buckets the exporter renders summaries.
const SECONDS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Once, before any call: calls made before a recorder is installed are not counted.
    // In a service, serve `handle.render()` on `/metrics` (or enable the exporter's own
    // HTTP listener feature); here it is printed.
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS)?
        .install_recorder()?;

    let sandbox = Sandbox::start().await?;
    let gateway = paymux::sandbox::provider(&sandbox.paychtec)?;

    for (reference, card) in [
        ("order_1", "4242424242424242"),
        ("order_2", "4242424242424242"),
        // The sandbox's card for an issuer decline (insufficient funds).
        ("order_3", "4000000000009995"),
    ] {
        let req = CreatePayment::new(Money::from_minor(6540, Currency::USD)?)
            .with_reference(reference)
            .with_card(Card::new(card, 12, 2030, "123")?)
            .with_billing(paymux::sandbox::test_billing());
        match gateway.create_payment(req).await {
            Ok(payment) => println!("{reference}: {} {}", payment.id, payment.status),
            Err(e) => println!("{reference}: {e}"),
        }
    }
    if let Err(e) = gateway.get_payment(&PaymentId::new("pay_does_not_exist")).await {
        println!("look-up: {}", e.kind());
    }

    println!("\n# what a scrape of /metrics reads:\n{}", handle.render());
    Ok(())
}
