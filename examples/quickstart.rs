//! Quickstart: the same checkout through all five gateways, offline.
//!
//! Starts the sandbox (local emulators of Paychtec, pay.tech, Paygentic, paymnt.cloud and
//! Paynectra on 127.0.0.1) and a webhook endpoint, then for each gateway: creates a payment,
//! completes the customer's part (the gateway's page), refunds 5.00, and waits for the
//! gateway's signed webhook, which the endpoint verifies over the raw bytes before parsing.
//!
//! Run with `cargo run -p paymux-examples --example quickstart`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::{
    Card, CreatePayment, CreateRefund, Currency, Money, Operation, PaymentProvider, PaymentStatus,
};

type Providers = Arc<BTreeMap<String, Arc<dyn PaymentProvider>>>;
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// The merchant's webhook endpoint: verify, parse, record.
async fn receive(
    State((providers, received)): State<(Providers, Received)>,
    Path(gateway): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(provider) = providers.get(&gateway) else { return StatusCode::NOT_FOUND };
    match provider.parse_webhook(&headers, &body) {
        Ok(event) => {
            let text = format!("{} ✓", event.kind);
            received.lock().expect("lock").push((gateway, text));
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

async fn webhook_endpoint(providers: Providers, received: Received) -> std::io::Result<String> {
    let app = axum::Router::new()
        .route("/webhooks/{gateway}", axum::routing::post(receive))
        .with_state((providers, received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// The checkout written once for every gateway.
async fn checkout(
    gateway: &Arc<dyn PaymentProvider>,
    emulator: &EmulatorHandle,
) -> paymux::Result<[String; 4]> {
    let amount = Money::from_minor(6540, Currency::USD)?;
    let mut req = CreatePayment::new(amount).with_reference("order_123");
    // Gateways that take card data get a test card; the others send the customer to their
    // hosted page, where the sandbox's page stands in for the customer.
    if matches!(emulator.name(), "paychtec" | "paymnt" | "paytech") {
        let card =
            if emulator.name() == "paytech" { "4000000000000408" } else { "4242424242424242" };
        req = req
            .with_card(Card::new(card, 12, 2030, "123")?)
            .with_billing(paymux::sandbox::test_billing());
    } else {
        req = req.with_return_url("https://shop.example/return");
    }
    let mut payment = gateway.create_payment(req).await?;
    if payment.next_action.is_some() && !payment.status.is_final() {
        paymux::sandbox::complete_redirect(emulator, &payment, Some("4242424242424242")).await?;
        payment = gateway.get_payment(&payment.id).await?;
    }
    let refund = if !gateway.capabilities().supports(Operation::CreateRefund) {
        "not offered".to_owned()
    } else if payment.status == PaymentStatus::Succeeded {
        let r = gateway
            .create_refund(
                CreateRefund::new(payment.id.clone())
                    .with_amount(Money::from_minor(500, Currency::USD)?),
            )
            .await?;
        format!("{} {}", r.amount, r.status)
    } else {
        "-".to_owned()
    };
    Ok([
        payment.id.to_string(),
        payment.status.to_string(),
        payment.amount.map_or_else(|| "-".to_owned(), |m| m.to_string()),
        refund,
    ])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let mut providers = BTreeMap::new();
    for emulator in sandbox.all() {
        providers.insert(emulator.name().to_owned(), paymux::sandbox::provider(emulator)?);
    }
    let providers: Providers = Arc::new(providers);
    let received: Received = Arc::default();
    let endpoint = webhook_endpoint(providers.clone(), received.clone()).await?;
    for emulator in sandbox.all() {
        emulator.webhooks().set_target(Some(format!("{endpoint}/webhooks/{}", emulator.name())));
    }

    println!(
        "{:<10} {:<36} {:<10} {:<10} {:<20} webhook",
        "gateway", "payment id", "status", "amount", "refund"
    );
    for emulator in sandbox.all() {
        let gateway = &providers[emulator.name()];
        let row = match checkout(gateway, emulator).await {
            Ok(row) => row,
            Err(e) => [format!("error: {e}"), String::new(), String::new(), String::new()],
        };
        // Webhooks arrive asynchronously: give the gateway a moment.
        let mut webhook = "none".to_owned();
        for _ in 0..40 {
            let latest = received
                .lock()
                .expect("lock")
                .iter()
                .rev()
                .find(|(g, _)| g == emulator.name())
                .map(|(_, kind)| kind.clone());
            if let Some(kind) = latest {
                webhook = kind;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!(
            "{:<10} {:<36} {:<10} {:<10} {:<20} {webhook}",
            emulator.name(),
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
    Ok(())
}
