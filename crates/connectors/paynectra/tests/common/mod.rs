//! Shared test helpers: a connector pointed at a wiremock server, and documented objects.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use paymux_core::SecretString;
use paymux_core::transport::RetryPolicy;
use paymux_paynectra::{Environment, Paynectra, PaynectraConfig};
use serde_json::{Value, json};
use wiremock::MockServer;

pub const KEY: &str = "sk_test_51HqLyjWDarjtT1zdp7dc";
pub const BEARER: &str = "Bearer sk_test_51HqLyjWDarjtT1zdp7dc";
pub const WEBHOOK_SECRET: &str = "whsec_paynectra_test_0123456789";

pub fn config(server: &MockServer) -> PaynectraConfig {
    PaynectraConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_base_url(format!("{}/v1", server.uri()))
        .with_webhook_secret(SecretString::from(WEBHOOK_SECRET))
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

pub fn connector(server: &MockServer) -> Paynectra {
    Paynectra::new(config(server)).unwrap()
}

/// A payment object as Paynectra answers it.
pub fn payment(id: &str, status: &str, amount: i64, currency: &str) -> Value {
    json!({
        "id": id,
        "object": "payment",
        "amount": amount,
        "currency": currency,
        "status": status,
        "capture_method": "automatic",
        "customer_id": null,
        "description": null,
        "metadata": {},
        "return_url": null,
        "created": 1_700_000_000,
    })
}

/// A refund object as Paynectra answers it.
pub fn refund(id: &str, payment_id: &str, status: &str, amount: i64) -> Value {
    json!({
        "id": id,
        "object": "refund",
        "payment_id": payment_id,
        "amount": amount,
        "currency": "usd",
        "status": status,
        "reason": "customer_request",
        "metadata": {},
        "created": 1_700_000_100,
    })
}

/// The idempotency keys of every request the server received, in order.
pub async fn idempotency_keys(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned()))
        .collect()
}
