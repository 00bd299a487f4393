//! Svix-signed Paygentic webhooks against vectors computed by
//! `tests/fixtures/make_svix_vectors.py` (Python's `hmac`, outside the code under test).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use paymux_core::webhook::Window;
use paymux_core::{
    Currency, Decimal, ErrorKind, EventKind, GatewayAmount, Money, NextAction, PaymentProvider,
    PaymentStatus, SecretString, UnreadProblem, WebhookEvent, WebhookFailure, WebhookResource,
};
use paymux_paygentic::{Environment, Paygentic, PaygenticConfig};
use serde_json::Value;

mod common;

use common::check_event;

fn fixtures() -> Value {
    serde_json::from_str(include_str!("fixtures/svix_vectors.json")).unwrap()
}

fn gateway(secret: &str) -> Paygentic {
    Paygentic::new(
        PaygenticConfig::new(SecretString::from("sk_test_abc"), Environment::Sandbox)
            .with_webhook_secret(SecretString::from(secret.to_owned())),
    )
    .unwrap()
}

fn window(f: &Value) -> Window {
    Window {
        now: time::OffsetDateTime::from_unix_timestamp(f["now"].as_i64().unwrap()).unwrap(),
        tolerance: Duration::from_secs(300),
    }
}

fn headers(case: &Value) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    for (name, field) in [
        ("svix-id", "svix_id"),
        ("svix-timestamp", "svix_timestamp"),
        ("svix-signature", "svix_signature"),
    ] {
        h.insert(name, case[field].as_str().unwrap().parse().unwrap());
    }
    h
}

fn case<'f>(f: &'f Value, name: &str) -> &'f Value {
    f["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

#[test]
fn every_vector_has_the_expected_outcome() {
    let f = fixtures();
    let gw = gateway(f["secret"].as_str().unwrap());
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let body = c["body"].as_str().unwrap();
        let result = gw.parse_webhook_at(&headers(c), body.as_bytes(), window(&f));
        let expected_failure = match c["expect"].as_str().unwrap() {
            "ok" => {
                let event = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(event.kind.as_str(), c["kind"].as_str().unwrap(), "{name}");
                assert_eq!(event.id.as_str(), c["event_id"].as_str().unwrap(), "{name}");
                // Every verified JSON body is delivered whole; its payment keeps the contract.
                assert_eq!(event.raw.as_str(), body, "{name}");
                check_event(&event);
                continue;
            }
            "not_json" => {
                let e = result.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::WebhookNotJson, "{name}");
                assert_eq!(e.webhook_failure(), None, "{name}");
                assert_eq!(e.provider().map(|p| p.as_str()), Some("paygentic"));
                continue;
            }
            "mismatch" => WebhookFailure::Mismatch,
            "stale" => WebhookFailure::StaleTimestamp,
            "bad_encoding" => WebhookFailure::BadEncoding,
            other => panic!("unknown expectation {other}"),
        };
        let e = result.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WebhookSignature, "{name}");
        assert_eq!(e.webhook_failure(), Some(expected_failure), "{name}: {e}");
        assert_eq!(e.provider().map(|p| p.as_str()), Some("paygentic"));
    }
}

#[test]
fn a_completed_event_carries_the_payment() {
    let f = fixtures();
    let c = case(&f, "valid");
    let event = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap();
    assert_eq!(event.kind, EventKind::PaymentSucceeded);
    assert_eq!(event.provider.as_str(), "paygentic");
    assert_eq!(event.occurred_at.unwrap().unix_timestamp(), 1_700_000_000);
    assert_eq!(event.raw["eventType"], "payment.completed.v0");
    let WebhookResource::Payment(p) = event.resource else { panic!("no payment") };
    assert_eq!(p.id.as_str(), "pay_abc123");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, Some(Money::from_minor(1050, Currency::USD).unwrap()));
    assert_eq!(p.merchant_reference.as_deref(), Some("Order #12345"));
    assert_eq!(p.metadata["orderId"], "order_12345");
}

#[test]
fn a_pending_event_carries_the_redirect() {
    let f = fixtures();
    let c = case(&f, "pending_event");
    let event = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap();
    assert_eq!(event.kind, EventKind::PaymentActionRequired);
    let WebhookResource::Payment(p) = event.resource else { panic!("no payment") };
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.amount, Some(Money::from_minor(2500, Currency::EUR).unwrap()));
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://pay.paygentic.io/p/pay_abc124".into() })
    );
}

#[test]
fn an_event_whose_data_is_the_documents_payment_object_carries_the_payment() {
    let f = fixtures();
    let c = case(&f, "spec_payment_object");
    let event = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap();
    assert_eq!(event.kind, EventKind::PaymentActionRequired);
    assert_eq!(event.id.as_str(), "evt_01HQ7Z3K9T");
    let WebhookResource::Payment(p) = event.resource else { panic!("no payment") };
    assert_eq!(p.id.as_str(), "pay_abc127");
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.amount, Some(Money::from_minor(4200, Currency::GBP).unwrap()));
    assert_eq!(p.merchant_reference.as_deref(), Some("Order #127"));
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://pay.paygentic.io/p/pay_abc127".into() })
    );
    assert_eq!(p.created_at.unwrap().unix_timestamp(), 1_700_000_000);
}

#[test]
fn other_events_are_verified_and_kept_by_name() {
    let f = fixtures();
    let c = case(&f, "other_event");
    let event = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap();
    assert_eq!(event.kind, EventKind::Other("merchant.updated.v0".into()));
    assert_eq!(event.resource, WebhookResource::Other);
    assert_eq!(event.raw["data"]["merchantId"], "org_1");
}

#[test]
fn the_wrong_secret_refuses_the_valid_vector() {
    let f = fixtures();
    let c = case(&f, "valid");
    let e = gateway(f["other_secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
}

#[test]
fn parse_webhook_checks_against_the_current_time() {
    // The vectors are signed for 2023-11-14: five minutes around now refuses them.
    let f = fixtures();
    let c = case(&f, "valid");
    let e = gateway(f["secret"].as_str().unwrap())
        .parse_webhook(&headers(c), c["body"].as_str().unwrap().as_bytes())
        .unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::StaleTimestamp));
}

#[test]
fn missing_headers_are_refused() {
    let f = fixtures();
    let c = case(&f, "valid");
    let gw = gateway(f["secret"].as_str().unwrap());
    for missing in ["svix-id", "svix-timestamp", "svix-signature"] {
        let mut h = headers(c);
        h.remove(missing);
        let e = gw
            .parse_webhook_at(&h, c["body"].as_str().unwrap().as_bytes(), window(&f))
            .unwrap_err();
        assert_eq!(e.webhook_failure(), Some(WebhookFailure::MissingHeader), "{missing}");
    }
    let mut h = headers(c);
    h.insert("svix-timestamp", "yesterday".parse().unwrap());
    let e =
        gw.parse_webhook_at(&h, c["body"].as_str().unwrap().as_bytes(), window(&f)).unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::BadEncoding));
}

#[test]
fn without_a_secret_webhooks_are_a_configuration_error() {
    let f = fixtures();
    let c = case(&f, "valid");
    let gw = Paygentic::new(PaygenticConfig::new(
        SecretString::from("sk_test_abc"),
        Environment::Sandbox,
    ))
    .unwrap();
    let e = gw
        .parse_webhook_at(&headers(c), c["body"].as_str().unwrap().as_bytes(), window(&f))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration);
}

/// Parses a case that must be accepted, checks what every accepted event keeps (the raw body,
/// the contract), and gives the event with its notes as (pointer, problem).
fn accepted(name: &str) -> (WebhookEvent, Vec<(String, UnreadProblem)>) {
    let f = fixtures();
    let c = case(&f, name);
    let body = c["body"].as_str().unwrap();
    let e = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), body.as_bytes(), window(&f))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(e.raw.as_str(), body, "{name}");
    check_event(&e);
    let notes = e.unread.iter().map(|u| (u.pointer.clone(), u.problem)).collect();
    (e, notes)
}

fn note(pointer: &str, problem: UnreadProblem) -> (String, UnreadProblem) {
    (pointer.to_owned(), problem)
}

fn payment_of(e: WebhookEvent) -> paymux_core::Payment {
    match e.resource {
        WebhookResource::Payment(p) => p,
        other => panic!("not a payment: {other:?}"),
    }
}

#[test]
fn both_data_shapes_read_whole() {
    for name in ["valid", "spec_payment_object"] {
        let (_, notes) = accepted(name);
        assert!(notes.is_empty(), "{name}: {notes:?}");
    }
}

#[test]
fn amounts_money_cannot_hold_keep_the_gateways_figure() {
    for (name, pointer, value, code) in [
        ("extra_decimals", "/data/amount", Decimal::new(10505, 3), "USD"),
        ("currency_outside_iso", "/data/currency", Decimal::new(12345, 8), "BTC"),
        ("currency_without_minor_unit", "/data/currency", Decimal::ONE, "XAU"),
        ("spec_object_with_extra_decimals", "/data/amount", Decimal::new(99999, 3), "EUR"),
    ] {
        let (e, notes) = accepted(name);
        assert_eq!(notes, [note(pointer, UnreadProblem::Unsupported)], "{name}");
        let p = payment_of(e);
        assert_eq!(p.amount, None, "{name}");
        assert_eq!(p.gateway_amount, Some(GatewayAmount::new(value, code)), "{name}");
    }
    let p = payment_of(accepted("spec_object_with_extra_decimals").0);
    assert_eq!((p.id.as_str(), p.status), ("pay_L11", PaymentStatus::Processing));
}

#[test]
fn data_without_what_a_payment_needs_is_other_with_notes() {
    for (name, expected) in [
        (
            "payment_event_without_amount",
            vec![
                note("/data/amount", UnreadProblem::Missing),
                note("/data/currency", UnreadProblem::Missing),
            ],
        ),
        ("payment_event_without_id", vec![note("/data/paymentId", UnreadProblem::Missing)]),
        ("missing_currency", vec![note("/data/currency", UnreadProblem::Missing)]),
        ("amount_as_a_number", vec![note("/data/amount", UnreadProblem::Invalid)]),
        (
            "no_data",
            vec![
                note("/data/paymentId", UnreadProblem::Missing),
                note("/data/amount", UnreadProblem::Missing),
                note("/data/currency", UnreadProblem::Missing),
            ],
        ),
    ] {
        let (e, notes) = accepted(name);
        assert_eq!(e.kind, EventKind::PaymentSucceeded, "{name}");
        assert_eq!(e.resource, WebhookResource::Other, "{name}");
        assert_eq!(notes, expected, "{name}");
    }
}

#[test]
fn unknown_and_missing_event_types_are_delivered() {
    let (e, notes) = accepted("unknown_payment_event");
    assert_eq!(e.kind, EventKind::Other("payment.refunded.v0".into()));
    assert!(notes.is_empty(), "{notes:?}");
    let p = payment_of(e);
    // The status in the name is not one Paygentic documents: unknown, so `Processing`.
    assert_eq!((p.status, p.raw_status.as_str()), (PaymentStatus::Processing, "refunded"));

    let (e, notes) = accepted("missing_event_type");
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert_eq!(notes, [note("/eventType", UnreadProblem::Missing)]);
    // Not named as a payment event: the data stays in `raw`.
    assert_eq!(e.resource, WebhookResource::Other);

    let (e, notes) = accepted("timestamp_unreadable");
    assert_eq!(e.occurred_at, None);
    assert_eq!(notes, [note("/timestamp", UnreadProblem::Invalid)]);
    assert_eq!(payment_of(e).amount, Some(Money::from_minor(1050, Currency::USD).unwrap()));
}

#[test]
fn a_pending_event_without_a_payment_url_carries_a_processing_payment() {
    let (e, _) = accepted("pending_without_payment_url");
    // The kind agrees with the payment: nothing for the customer to do without a page.
    assert_eq!(e.kind, EventKind::PaymentProcessing);
    let p = payment_of(e);
    assert_eq!((p.status, p.next_action), (PaymentStatus::Processing, None));
}

#[test]
fn a_bad_signature_on_a_lenient_body_is_still_a_signature_error() {
    let f = fixtures();
    let c = case(&f, "extra_decimals");
    let tampered = c["body"].as_str().unwrap().replace("10.505", "10.506");
    let e = gateway(f["secret"].as_str().unwrap())
        .parse_webhook_at(&headers(c), tampered.as_bytes(), window(&f))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
}
