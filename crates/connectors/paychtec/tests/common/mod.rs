//! Shared test setup: a Paychtec connector pointed at a wiremock server, and the guide's
//! example values.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use paymux_core::transport::RetryPolicy;
use paymux_core::{Address, BillingDetails, Card, Currency, Money, Phone, SecretString};
use paymux_paychtec::{Environment, Paychtec, PaychtecConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{MockBuilder, MockServer};

pub const KEY: &str = "snd_test_4f9a2c7e1b";
pub const PROFILE: &str = "YOUR_PROFILE_ID";
pub const WEBHOOK_SECRET: &str = "whsec_paychtec_response_hash_key";

pub fn config(server: &MockServer) -> PaychtecConfig {
    PaychtecConfig::new(SecretString::from(KEY), Environment::Sandbox, PROFILE)
        .with_base_url(server.uri())
        .with_webhook_secret(SecretString::from(WEBHOOK_SECRET))
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

pub async fn setup() -> (MockServer, Paychtec) {
    let server = MockServer::start().await;
    let paychtec = Paychtec::new(config(&server)).unwrap();
    (server, paychtec)
}

/// A mutation with every header the guide requires, the exact idempotency key and exact body.
pub fn mutation(verb: &str, route: &str, idempotency_key: &str, body: Value) -> MockBuilder {
    wiremock::Mock::given(method(verb))
        .and(path(route))
        .and(header("api-key", KEY))
        .and(header("content-type", "application/json"))
        .and(header("x-idempotency-key", idempotency_key))
        .and(body_json(body))
}

/// A read: method, path and the api key.
pub fn read(verb: &str, route: &str) -> MockBuilder {
    wiremock::Mock::given(method(verb))
        .and(path(route))
        .and(header("api-key", KEY))
        .and(header("content-type", "application/json"))
}

pub fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

pub fn guide_phone() -> Phone {
    Phone { country_code: "+1".into(), number: "6502530000".into() }
}

pub fn guide_address() -> Address {
    Address {
        line1: Some("1600 Amphitheatre Parkway".into()),
        line2: None,
        city: Some("Mountain View".into()),
        state: Some("CA".into()),
        postal_code: Some("94043".into()),
        country: Some("US".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Customer".into()),
    }
}

pub fn guide_billing() -> BillingDetails {
    BillingDetails { address: Some(guide_address()), phone: Some(guide_phone()), email: None }
}

pub fn guide_card() -> Card {
    Card::new("4242424242424242", 12, 2028, "123").unwrap().with_holder_name("Jane Customer")
}

pub fn guide_card_json() -> Value {
    json!({
        "card": {
            "card_number": "4242424242424242",
            "card_exp_month": "12",
            "card_exp_year": "2028",
            "card_cvc": "123",
            "card_holder_name": "Jane Customer"
        }
    })
}

pub fn guide_billing_json() -> Value {
    json!({
        "address": {
            "line1": "1600 Amphitheatre Parkway",
            "city": "Mountain View",
            "state": "CA",
            "zip": "94043",
            "country": "US",
            "first_name": "Jane",
            "last_name": "Customer"
        },
        "phone": {
            "number": "6502530000",
            "country_code": "+1"
        }
    })
}

/// A realistic payment answer (Hyperswitch PaymentsResponse shape) with the given status.
pub fn payment_json(id: &str, status: &str, amount: i64, currency: &str) -> Value {
    json!({
        "payment_id": id,
        "merchant_id": "merchant_1700000000",
        "status": status,
        "amount": amount,
        "net_amount": amount,
        "amount_capturable": if status == "requires_capture" { amount } else { 0 },
        "amount_received": if status == "succeeded" { Value::from(amount) } else { Value::Null },
        "connector": "stripe",
        "client_secret": format!("{id}_secret_Zq8aB1"),
        "created": "2024-01-22T10:19:58.000Z",
        "currency": currency,
        "customer_id": null,
        "description": null,
        "capture_method": "automatic",
        "payment_method": "card",
        "payment_method_type": "credit",
        "email": "customer@example.com",
        "name": "Jane Customer",
        "phone": "6502530000",
        "phone_country_code": "+1",
        "return_url": "https://example.com/payment-return",
        "authentication_type": "three_ds",
        "next_action": null,
        "error_code": null,
        "error_message": null,
        "metadata": {"order_id": "order_123", "cart_id": "cart_456"},
        "profile_id": PROFILE,
        "payment_method_data": {"card": {"last4": "4242", "card_network": "Visa"}}
    })
}

pub fn refund_json(id: &str, status: &str, amount: i64) -> Value {
    json!({
        "refund_id": id,
        "payment_id": "pay_order_123",
        "amount": amount,
        "currency": "USD",
        "status": status,
        "reason": "Customer requested refund",
        "metadata": {"order_id": "order_123", "support_ticket": "ticket_789"},
        "error_message": null,
        "error_code": null,
        "created_at": "2024-01-23T09:00:00.000Z",
        "updated_at": "2024-01-23T09:00:01.000Z",
        "connector": "stripe",
        "profile_id": PROFILE
    })
}

pub fn fixtures() -> Value {
    serde_json::from_str(include_str!("../fixtures/paychtec_vectors.json")).unwrap()
}

/// The `payment_id` the connector derives from `idempotency_key` when the caller gives none
/// (computed by `fixtures/paychtec_vectors.py`).
pub fn derived_payment_id(idempotency_key: &str) -> String {
    let f = fixtures();
    let v = f["payment_ids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["idempotency_key"] == idempotency_key)
        .unwrap_or_else(|| panic!("no payment_id vector for {idempotency_key}"));
    v["payment_id"].as_str().unwrap().to_owned()
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
