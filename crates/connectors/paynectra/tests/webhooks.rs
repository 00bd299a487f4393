//! Webhook vectors computed by `fixtures/webhook_vectors.py` (see its docstring).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{Checked, check_event, connector};
use paymux_core::webhook::Window;
use paymux_core::{
    Currency, CustomerId, Decimal, ErrorKind, EventId, EventKind, GatewayAmount, Money,
    PaymentProvider, PaymentStatus, RefundStatus, SecretString, UnreadProblem, WebhookEvent,
    WebhookFailure, WebhookResource,
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

async fn paynectra() -> Checked<Paynectra> {
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
            "not_json" => {
                let e = result.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::WebhookNotJson, "{}", v.name);
                assert_eq!(e.webhook_failure(), None, "{}", v.name);
                assert_eq!(e.provider().map(|p| p.as_str()), Some("paynectra"));
                continue;
            }
            "mismatch" => Some(WebhookFailure::Mismatch),
            "stale" => Some(WebhookFailure::StaleTimestamp),
            "bad_encoding" => Some(WebhookFailure::BadEncoding),
            other => panic!("unknown expectation {other}"),
        };
        match (expected, result) {
            (None, Ok(e)) => {
                // Every verified JSON body is delivered whole, and its payment keeps the
                // contract.
                assert_eq!(e.raw.as_str(), v.body, "{}", v.name);
                check_event(&e);
            }
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
    assert_eq!(p.amount, Some(Money::from_minor(4999, Currency::EUR).unwrap()));
    assert_eq!(p.gateway_amount, None);
    assert!(e.unread.is_empty(), "{:?}", e.unread);
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

/// Parses a vector that must be accepted, checks what every accepted event keeps (the raw
/// body, the contract), and gives the event with its notes as (pointer, problem).
async fn accepted(name: &str) -> (WebhookEvent, Vec<(String, UnreadProblem)>) {
    let v = vector(name);
    let e = paynectra()
        .await
        .parse_webhook_at(&headers(&v.header), v.body.as_bytes(), window(v.now))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(e.raw.as_str(), v.body, "{name}");
    check_event(&e);
    let notes = e.unread.iter().map(|u| (u.pointer.clone(), u.problem)).collect();
    (e, notes)
}

fn note(pointer: &str, problem: UnreadProblem) -> (String, UnreadProblem) {
    (pointer.to_owned(), problem)
}

#[tokio::test]
async fn a_currency_money_cannot_hold_keeps_the_gateways_figure() {
    for (name, code, figure) in [
        ("currency_without_minor_unit", "xau", 5),
        ("testing_currency_xxx", "xxx", 100),
        ("currency_outside_iso", "btc", 12345),
    ] {
        let (e, notes) = accepted(name).await;
        assert_eq!(e.kind, EventKind::PaymentSucceeded, "{name}");
        let WebhookResource::Payment(p) = e.resource else { panic!("{name}: not a payment") };
        assert_eq!(p.id.as_str(), "pay_L1");
        assert_eq!(p.status, PaymentStatus::Succeeded);
        assert_eq!(p.amount, None, "{name}");
        assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::from(figure), code)));
        assert_eq!(notes, [note("/data/object/currency", UnreadProblem::Unsupported)], "{name}");
    }
}

#[tokio::test]
async fn a_payment_without_what_it_cannot_be_without_is_other_with_notes() {
    for (name, pointer, problem) in [
        ("missing_amount", "/data/object/amount", UnreadProblem::Missing),
        ("missing_currency", "/data/object/currency", UnreadProblem::Missing),
        ("amount_as_text", "/data/object/amount", UnreadProblem::Invalid),
    ] {
        let (e, notes) = accepted(name).await;
        assert_eq!(e.kind, EventKind::PaymentSucceeded, "{name}");
        assert_eq!(e.resource, WebhookResource::Other, "{name}");
        assert_eq!(notes, [note(pointer, problem)], "{name}");
    }
    let (e, notes) = accepted("missing_object").await;
    assert_eq!(e.id.as_str(), "evt_noobj");
    assert_eq!(e.resource, WebhookResource::Other);
    let pointers: Vec<&str> = notes.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        ["/data/object/id", "/data/object/amount", "/data/object/currency", "/data/object/status"]
    );
}

#[tokio::test]
async fn missing_envelope_fields_and_unknown_types_are_delivered() {
    let (e, notes) = accepted("missing_event_id").await;
    assert!(e.id.as_str().starts_with("sha256:"), "{}", e.id);
    assert_eq!(notes, [note("/id", UnreadProblem::Missing)]);
    assert!(matches!(e.resource, WebhookResource::Payment(_)));

    let (e, notes) = accepted("missing_type").await;
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert_eq!(notes, [note("/type", UnreadProblem::Missing)]);
    // The object's own tag still says it is a payment.
    assert!(matches!(e.resource, WebhookResource::Payment(_)));

    let (e, notes) = accepted("unknown_type").await;
    assert_eq!(e.kind, EventKind::Other("payment.partially_refunded".into()));
    assert!(notes.is_empty(), "{notes:?}");
    let WebhookResource::Payment(p) = e.resource else { panic!("not a payment") };
    assert_eq!(
        (p.status, p.raw_status.as_str()),
        (PaymentStatus::Processing, "partially_refunded")
    );

    let (e, notes) = accepted("missing_status").await;
    assert_eq!(notes, [note("/data/object/status", UnreadProblem::Missing)]);
    let WebhookResource::Payment(p) = e.resource else { panic!("not a payment") };
    assert_eq!(p.status, PaymentStatus::Processing);

    let (e, notes) = accepted("created_not_a_number").await;
    assert_eq!(e.occurred_at, None);
    assert_eq!(notes, [note("/created", UnreadProblem::Invalid)]);

    let (e, notes) = accepted("signed_but_not_an_event").await;
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(notes, [note("/id", UnreadProblem::Missing), note("/type", UnreadProblem::Missing)]);
}

#[tokio::test]
async fn webhook_payments_keep_the_contract() {
    let (e, _) = accepted("authorized_without_capturable").await;
    assert_eq!(e.kind, EventKind::PaymentAuthorized);
    let WebhookResource::Payment(p) = e.resource else { panic!("not a payment") };
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    // Paynectra left `amount_capturable` out: it authorized the whole amount.
    assert_eq!(p.amount_capturable, p.amount);

    let (e, _) = accepted("failed_without_reason").await;
    let WebhookResource::Payment(p) = e.resource else { panic!("not a payment") };
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.failure, Some(Default::default()));
}

#[tokio::test]
async fn a_refund_money_cannot_hold_is_other_with_a_note() {
    let (e, notes) = accepted("refund_in_xau").await;
    assert_eq!(e.kind, EventKind::RefundSucceeded);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(notes, [note("/data/object", UnreadProblem::Unsupported)]);
}

#[tokio::test]
async fn a_bad_signature_on_a_lenient_body_is_still_a_signature_error() {
    let v = vector("currency_outside_iso");
    let tampered = v.body.replace("12345", "99999");
    let e = paynectra()
        .await
        .parse_webhook_at(&headers(&v.header), tampered.as_bytes(), window(v.now))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
}
