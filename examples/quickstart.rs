//! Quickstart: one checkout flow, written once against `Arc<dyn PaymentProvider>`.
//!
//! Run with `cargo run -p paymux-examples --example quickstart`.

use std::sync::Arc;

use paymux::{
    CaptureMode, CapturePayment, Card, CreatePayment, CreateRefund, Currency, Money,
    PaymentProvider, WebhookResource,
};

/// Create, capture, refund, then receive and verify the gateway's webhook.
async fn checkout(gateway: Arc<dyn PaymentProvider>) -> paymux::Result<Vec<String>> {
    let card = Card::new("4242424242424242", 12, 2030, "123")?;
    let payment = gateway
        .create_payment(
            CreatePayment::new(Money::from_minor(6540, Currency::USD)?)
                .with_reference("order_123")
                .with_card(card)
                .with_capture(CaptureMode::Manual),
        )
        .await?;
    let captured = gateway.capture_payment(&payment.id, CapturePayment::default()).await?;
    let refund = gateway
        .create_refund(
            CreateRefund::new(payment.id.clone())
                .with_amount(Money::from_minor(500, Currency::USD)?),
        )
        .await?;
    Ok(vec![
        gateway.id().to_string(),
        captured.id.to_string(),
        captured.status.to_string(),
        captured.amount.to_string(),
        format!("{} {}", refund.amount, refund.status),
    ])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> paymux::Result<()> {
    let mock = Arc::new(paymux::MockProvider::new());
    let mut row = checkout(mock.clone()).await?;
    // The gateway's webhook, verified over its raw bytes, then parsed.
    let webhook = mock.take_webhooks().pop().map(|w| mock.parse_webhook(&w.headers, &w.body));
    row.push(match webhook {
        Some(Ok(event)) => match event.resource {
            WebhookResource::Refund(_) | WebhookResource::Payment(_) => {
                format!("{} verified", event.kind)
            }
            _ => event.kind.to_string(),
        },
        Some(Err(e)) => format!("refused: {e}"),
        None => "none".into(),
    });
    let header = ["gateway", "payment id", "status", "amount", "refund", "webhook"];
    println!("{}", header.map(|h| format!("{h:<22}")).join(""));
    println!("{}", row.iter().map(|c| format!("{c:<22}")).collect::<String>());
    Ok(())
}
