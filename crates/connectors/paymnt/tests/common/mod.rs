//! Shared test helpers.
#![allow(clippy::unwrap_used, dead_code)]

use std::time::Duration;

use paymux_core::transport::RetryPolicy;
use paymux_core::{ProviderId, SecretString};
use paymux_paymnt::{Environment, Paymnt, PaymntConfig};
use serde_json::{Value, json};
use wiremock::MockServer;

pub const KEY: &str = "snd_paymnt_test_key_123";
pub const PROFILE: &str = "pro_abc123";

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn config(server: &MockServer) -> PaymntConfig {
    PaymntConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_base_url(server.uri())
        .with_profile_id(PROFILE)
        .with_retry(fast_retries())
}

pub fn connector(server: &MockServer) -> Paymnt {
    Paymnt::new(config(server)).unwrap()
}

pub fn provider() -> ProviderId {
    ProviderId::new("paymnt")
}

/// A payment answer as the gateway documents it.
pub fn payment_json(id: &str, status: &str, amount: i64) -> Value {
    json!({
        "payment_id": id,
        "merchant_id": "merchant_1700000000",
        "status": status,
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": null,
        "currency": "USD",
        "customer_id": null,
        "description": "Order #1001",
        "capture_method": "automatic",
        "metadata": {"order_id": "order_1001"},
        "created": "2024-03-01T12:00:00.000Z",
        "next_action": null,
        "error_code": null,
        "error_message": null,
        "client_secret": "pay_x_secret_y"
    })
}

pub fn refund_json(id: &str, status: &str, amount: i64) -> Value {
    json!({
        "refund_id": id,
        "payment_id": "pay_mnt_1",
        "amount": amount,
        "currency": "USD",
        "status": status,
        "reason": "requested_by_customer",
        "error_code": null,
        "error_message": null,
        "created_at": "2024-03-02T08:00:00.000Z",
        "metadata": null
    })
}

/// Asserts the value is a UUID (8-4-4-4-12 hex) and returns it.
pub fn assert_uuid(value: &str) -> String {
    let parts: Vec<&str> = value.split('-').collect();
    assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{value}");
    assert!(value.chars().all(|c| c == '-' || c.is_ascii_hexdigit()), "{value}");
    value.to_owned()
}

/// Matches a JSON body that is `expected` plus `field`, a merchant id derived from a generated
/// idempotency key (`prefix` and 26 lowercase hex digits): a call without a caller key names
/// an id nobody knows in advance. The derivation itself is checked against
/// `fixtures/id_vectors.json` (`tests/contract.rs`).
pub fn body_json_with_derived_id(
    field: &'static str,
    prefix: &'static str,
    expected: Value,
) -> impl wiremock::Match {
    move |r: &wiremock::Request| {
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&r.body) else {
            return false;
        };
        let derived = body.remove(field);
        let derived_ok = derived.as_ref().and_then(Value::as_str).is_some_and(|id| {
            id.len() == 30
                && id.starts_with(prefix)
                && id[prefix.len()..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        derived_ok && Value::Object(body) == expected
    }
}

/// The core contract on what the connector read: `kept()` asserts
/// `Payment::contract_breach() == None` on every payment of a payment, a page or a webhook
/// event, and gives it back.
pub trait Kept {
    /// `self`, after the contract check.
    fn kept(self) -> Self;
}

impl Kept for paymux_core::Payment {
    fn kept(self) -> Self {
        assert_eq!(self.contract_breach(), None, "{self:?}");
        self
    }
}

impl Kept for paymux_core::Page<paymux_core::Payment> {
    fn kept(self) -> Self {
        for p in &self.items {
            assert_eq!(p.contract_breach(), None, "{p:?}");
        }
        self
    }
}

impl Kept for paymux_core::WebhookEvent {
    fn kept(self) -> Self {
        if let paymux_core::WebhookResource::Payment(p) = &self.resource {
            assert_eq!(p.contract_breach(), None, "{p:?}");
        }
        self
    }
}
