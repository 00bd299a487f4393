//! `X-Webhook-Signature-512` against vectors computed by
//! `tests/fixtures/make_signature_vectors.py`, and the envelope parse.
#![allow(clippy::unwrap_used)]

use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::{
    ErrorKind, EventKind, PaymentStatus, ProviderId, RefundStatus, SecretString, UnreadProblem,
    WebhookFailure, WebhookResource,
};
use paymux_hyperswitch_family::webhook::DEFAULT_MAX_BODY;
use paymux_hyperswitch_family::{
    SIGNATURE_HEADER, parse_event, verify_and_parse, verify_signature,
};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/signature_vectors.json")).unwrap()
}

fn headers(sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("X-Webhook-Signature-512", HeaderValue::from_str(sig).unwrap());
    h
}

fn secret(f: &Value) -> SecretString {
    SecretString::from(f["secret"].as_str().unwrap().to_owned())
}

fn failure(r: paymux_core::Result<impl std::fmt::Debug>) -> WebhookFailure {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    e.webhook_failure().unwrap()
}

#[test]
fn python_vectors_verify() {
    let f = fixture();
    for case in f["cases"].as_array().unwrap() {
        let body = case["body"].as_str().unwrap().as_bytes();
        let sig = case["signature"].as_str().unwrap();
        assert_eq!(sig.len(), 128, "SHA-512 hex");
        verify_signature(&headers(sig), body, &secret(&f), DEFAULT_MAX_BODY).unwrap();
        // Upper-case hex of the same tag is still the same MAC.
        verify_signature(&headers(&sig.to_uppercase()), body, &secret(&f), DEFAULT_MAX_BODY)
            .unwrap();
    }
}

#[test]
fn header_name_is_the_documented_one() {
    assert_eq!(SIGNATURE_HEADER, "x-webhook-signature-512");
}

#[test]
fn failures_are_told_apart() {
    let f = fixture();
    let case = &f["cases"][0];
    let body = case["body"].as_str().unwrap().as_bytes();
    let sig = case["signature"].as_str().unwrap();
    let key = secret(&f);

    assert_eq!(
        failure(verify_signature(&HeaderMap::new(), body, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::MissingHeader
    );
    assert_eq!(
        failure(verify_signature(&headers("not-hex!"), body, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::BadEncoding
    );
    assert_eq!(
        failure(verify_signature(&headers(""), body, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::BadEncoding
    );
    // Tampered body.
    let mut tampered = body.to_vec();
    let pos = tampered.windows(4).position(|w| w == b"6540").unwrap();
    tampered[pos] = b'9';
    assert_eq!(
        failure(verify_signature(&headers(sig), &tampered, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::Mismatch
    );
    // Re-serialized JSON is not the raw body.
    let reser = f["reserialized_payment_body"].as_str().unwrap().as_bytes();
    assert_eq!(
        failure(verify_signature(&headers(sig), reser, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::Mismatch
    );
    // Signed with another key.
    let other = f["wrong_key_signature"].as_str().unwrap();
    assert_eq!(
        failure(verify_signature(&headers(other), body, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::Mismatch
    );
    // Truncated signature (valid hex, wrong length).
    assert_eq!(
        failure(verify_signature(&headers(&sig[..64]), body, &key, DEFAULT_MAX_BODY)),
        WebhookFailure::Mismatch
    );
    // Body above the limit is refused before the header is even looked at.
    assert_eq!(
        failure(verify_signature(&HeaderMap::new(), body, &key, body.len() - 1)),
        WebhookFailure::BodyTooLarge
    );
    verify_signature(&headers(sig), body, &key, body.len()).unwrap();
}

#[test]
fn payment_event_parses_after_verification() {
    let f = fixture();
    let case = &f["cases"][0];
    let body = case["body"].as_str().unwrap().as_bytes();
    let provider = ProviderId::new("paymnt");
    let event = verify_and_parse(
        &provider,
        &headers(case["signature"].as_str().unwrap()),
        body,
        &secret(&f),
        DEFAULT_MAX_BODY,
    )
    .unwrap();
    assert_eq!(event.id.as_str(), "evt_1234567890");
    assert_eq!(event.provider, provider);
    assert_eq!(event.kind, EventKind::PaymentSucceeded);
    assert_eq!(event.occurred_at.unwrap().unix_timestamp(), 1_705_918_800);
    assert_eq!(event.raw["merchant_id"], "1234567890");
    let WebhookResource::Payment(p) = event.resource else { panic!("not a payment") };
    assert_eq!(p.id.as_str(), "pay_order_123");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount.unwrap().amount_minor(), 6540);
    assert_eq!(p.amount.unwrap().currency().code(), "USD");
    assert_eq!(p.metadata["order_id"], "order_123");
}

#[test]
fn refund_event_parses() {
    let f = fixture();
    let case = &f["cases"][1];
    let event =
        parse_event(&ProviderId::new("p"), case["body"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(event.kind, EventKind::RefundSucceeded);
    let WebhookResource::Refund(r) = event.resource else { panic!("not a refund") };
    assert_eq!(r.id.as_str(), "ref_1");
    assert_eq!(r.payment_id.as_str(), "pay_order_123");
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.amount.amount_minor(), 500);
    assert_eq!(r.reason.as_deref(), Some("Customer requested refund"));
}

#[test]
fn bad_signature_never_parses() {
    let f = fixture();
    let body = f["cases"][0]["body"].as_str().unwrap().as_bytes();
    let r = verify_and_parse(
        &ProviderId::new("p"),
        &headers(&"00".repeat(64)),
        body,
        &secret(&f),
        DEFAULT_MAX_BODY,
    );
    let e = r.unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
    assert_eq!(e.provider().map(|p| p.as_str()), Some("p"));
}

#[test]
fn other_content_and_bad_payloads() {
    let p = ProviderId::new("p");
    let dispute = br#"{"merchant_id":"m","event_id":"evt_d","event_type":"dispute_opened","content":{"type":"dispute_details","object":{"dispute_id":"dp_1"}},"timestamp":"not a time"}"#;
    let e = parse_event(&p, dispute).unwrap();
    assert_eq!(e.kind, EventKind::DisputeOpened);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(e.occurred_at, None);
    assert_eq!(e.raw["content"]["object"]["dispute_id"], "dp_1");

    let invoice = br#"{"event_id":"evt_i","event_type":"invoice_paid","content":{"type":"subscription_details","object":{}}}"#;
    assert_eq!(parse_event(&p, invoice).unwrap().kind, EventKind::Other("invoice_paid".into()));

    // A verified body is never refused for its content: what cannot be read is noted.
    let err = parse_event(&p, b"not json").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookNotJson);
    assert_eq!(err.webhook_failure(), None);
    for (body, pointer, problem) in [
        (&br#"{"event_type":"payment_succeeded","content":{"type":"payment_details","object":{}}}"#[..], "/event_id", UnreadProblem::Missing),
        (br#"{"event_id":"e","event_type":"payment_succeeded","content":{"type":"payment_details","object":{"payment_id":"p"}}}"#, "/content/object/status", UnreadProblem::Missing),
        (br#"{"event_id":"e","event_type":"payment_succeeded","content":{"type":"payment_details","object":{"payment_id":"p","status":"succeeded","amount":-5,"currency":"USD"}}}"#, "/content/object/amount", UnreadProblem::Unsupported),
        (br#"{"event_id":"e","event_type":"payment_succeeded","content":{"type":"payment_details","object":{"payment_id":"p","status":"succeeded","amount":5,"currency":"ZZZ"}}}"#, "/content/object/currency", UnreadProblem::Unsupported),
        (br#"{"event_id":"e","event_type":"refund_failed","content":{"type":"refund_details","object":{"refund_id":"r"}}}"#, "/content/object/payment_id", UnreadProblem::Missing),
    ] {
        let text = String::from_utf8_lossy(body);
        let e = parse_event(&p, body).unwrap();
        assert_eq!(e.resource, WebhookResource::Other, "{text}");
        assert_eq!(e.raw.as_str(), text, "the body is kept as sent");
        assert!(
            e.unread.iter().any(|u| u.pointer == pointer && u.problem == problem),
            "{text}: {:?}",
            e.unread
        );
    }
}
