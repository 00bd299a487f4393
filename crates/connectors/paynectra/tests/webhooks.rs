//! Webhook vectors computed by `fixtures/webhook_vectors.py` (see its docstring).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::connector;
use paymux_core::webhook::Window;
use paymux_core::{
    Currency, CustomerId, ErrorKind, EventId, EventKind, PaymentProvider, PaymentStatus,
    RefundStatus, SecretString, WebhookFailure, WebhookResource,
};
use paymux_paynectra::{Environment, Paynectra, PaynectraConfig, SIGNATURE_HEADER};
use serde::Deserialize;
use time::OffsetDateTime;
use wiremock::MockServer;

#[derive(Deserialize)]
struct Fixture {
    secret: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    now: i64,
    body: String,
    header: String,
    expect: String,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/webhook_vectors.json")).unwrap()
}

fn headers(value: &str) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert(SIGNATURE_HEADER, value.parse().unwrap());
    h
}

fn window(now: i64) -> Window {
    Window {
        now: OffsetDateTime::from_unix_timestamp(now).unwrap(),
        tolerance: Duration::from_secs(300),
    }
}

async fn paynectra() -> Paynectra {
    let server = MockServer::start().await;
    connector(&server)
}

#[tokio::test]
async fn every_vector_verifies_as_the_script_says() {
    let fx = fixture();
    assert_eq!(fx.secret, common::WEBHOOK_SECRET);
    let c = paynectra().await;
    assert!(fx.vectors.len() >= 10);
    for v in &fx.vectors {
        let result = c.parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now));
        let expected = match v.expect.as_str() {
            "ok" => None,
            "mismatch" => Some(WebhookFailure::Mismatch),
            "stale" => Some(WebhookFailure::StaleTimestamp),
            "bad_encoding" => Some(WebhookFailure::BadEncoding),
            "bad_payload" => Some(WebhookFailure::BadPayload),
            other => panic!("unknown expectation {other}"),
        };
        match (expected, result) {
            (None, Ok(_)) => {}
            (Some(f), Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::WebhookSignature, "{}", v.name);
                assert_eq!(e.webhook_failure(), Some(f), "{}: {e}", v.name);
            }
            (want, got) => panic!("{}: wanted {want:?}, got {got:?}", v.name),
        }
    }
}

fn vector(name: &str) -> Vector {
    fixture().vectors.into_iter().find(|v| v.name == name).unwrap()
}

#[tokio::test]
async fn a_payment_event_becomes_a_payment() {
    let v = vector("valid");
    let e = paynectra()
        .await
        .parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now))
        .unwrap();
    assert_eq!(e.id, EventId::new("evt_1Pay"));
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    assert_eq!(e.occurred_at, Some(OffsetDateTime::from_unix_timestamp(v.now - 5).unwrap()));
    assert_eq!(e.raw["data"]["object"]["id"], "pay_3Kx9");
    let WebhookResource::Payment(p) = e.resource else { panic!("not a payment") };
    assert_eq!(p.id.as_str(), "pay_3Kx9");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount.currency(), Currency::EUR);
    assert_eq!(p.amount.amount_minor(), 4999);
    assert_eq!(p.customer_id, Some(CustomerId::from_stored("cus_77")));
    assert_eq!(p.metadata["order_id"], "A-1");
}

#[tokio::test]
async fn a_refund_event_becomes_a_refund_and_others_stay_raw() {
    let c = paynectra().await;
    let v = vector("valid_refund");
    let e = c.parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now)).unwrap();
    assert_eq!(e.kind, EventKind::RefundFailed);
    let WebhookResource::Refund(r) = e.resource else { panic!("not a refund") };
    assert_eq!(r.status, RefundStatus::Failed);
    assert_eq!(r.payment_id.as_str(), "pay_3Kx9");

    let v = vector("valid_unknown_type");
    let e = c.parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now)).unwrap();
    assert_eq!(e.kind, EventKind::Other("dispute.created".into()));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(e.raw["data"]["object"]["id"], "dp_1");
}

#[tokio::test]
async fn the_trait_method_uses_the_current_time() {
    // The vectors are signed for 2023-11-14: stale today.
    let v = vector("valid");
    let err = paynectra().await.parse_webhook(&headers(&v.header), v.body.as_bytes()).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::StaleTimestamp));
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paynectra"));
}

#[tokio::test]
async fn missing_header_oversized_body_and_missing_secret() {
    let c = paynectra().await;
    let v = vector("valid");
    let err =
        c.parse_webhook_at(&http::HeaderMap::new(), v.body.as_bytes(), window(v.now)).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::MissingHeader));

    let big = vec![b' '; 2 * 1024 * 1024];
    let err = c.parse_webhook_at(&headers(&v.header), &big, window(v.now)).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::BodyTooLarge));

    let no_secret =
        Paynectra::new(PaynectraConfig::new(SecretString::from(common::KEY), Environment::Sandbox))
            .unwrap();
    let err = no_secret
        .parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}
