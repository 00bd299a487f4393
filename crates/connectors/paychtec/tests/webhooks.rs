//! Webhooks: vectors signed by tests/fixtures/paychtec_vectors.py (HMAC-SHA512 hex over the
//! raw body) verify; tampering, a wrong key, a missing or malformed header are refused;
//! every event_type maps.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::{HeaderMap, HeaderValue};
use paymux_core::{
    EventKind, NextAction, PaymentProvider, PaymentStatus, RefundStatus, SecretString,
    WebhookFailure, WebhookResource,
};
use paymux_paychtec::Paychtec;

fn headers(sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("X-Webhook-Signature-512", HeaderValue::from_str(sig).unwrap());
    h
}

async fn connector() -> Paychtec {
    let (_server, paychtec) = setup().await;
    paychtec
}

fn vector(name: &str) -> (String, String) {
    let f = fixtures();
    let v = f["webhooks"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap().clone();
    (v["body"].as_str().unwrap().to_owned(), v["signature"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_guides_sample_verifies_and_parses() {
    let p = connector().await;
    assert_eq!(fixtures()["secret"], WEBHOOK_SECRET);
    let (body, sig) = vector("guide_sample");
    let event = p.parse_webhook(&headers(&sig), body.as_bytes()).unwrap().kept();
    assert_eq!(event.id.as_str(), "evt_1234567890");
    assert_eq!(event.kind, EventKind::PaymentSucceeded);
    assert_eq!(event.provider.as_str(), "paychtec");
    assert_eq!(event.occurred_at, Some(time::macros::datetime!(2024-01-22 10:20:00 UTC)));
    let WebhookResource::Payment(payment) = &event.resource else { panic!("not a payment") };
    assert_eq!(payment.id.as_str(), "pay_order_123");
    assert_eq!(payment.status, PaymentStatus::Succeeded);
    assert_eq!(payment.amount, Some(usd(6540)));
    assert_eq!(payment.merchant_reference.as_deref(), Some("order_123"));
    assert_eq!(event.raw["merchant_id"], "1234567890");
    // Upper-case hex is accepted too.
    assert!(p.parse_webhook(&headers(&sig.to_uppercase()), body.as_bytes()).is_ok());
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let p = connector().await;
    let (body, sig) = vector("guide_sample");
    let tampered = body.replace("6540", "6541");
    let err = p.parse_webhook(&headers(&sig), tampered.as_bytes()).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::Mismatch));
    // Re-serialized JSON (same content, different bytes) is refused as well.
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let reserialized = serde_json::to_vec(&v).unwrap();
    let err = p.parse_webhook(&headers(&sig), &reserialized).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::Mismatch));
}

#[tokio::test]
async fn a_wrong_key_is_refused() {
    let server = wiremock::MockServer::start().await;
    let p = Paychtec::new(config(&server).with_webhook_secret(SecretString::from("whsec_other")))
        .unwrap();
    let (body, sig) = vector("guide_sample");
    let err = p.parse_webhook(&headers(&sig), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), paymux_core::ErrorKind::WebhookSignature);
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::Mismatch));
}

#[tokio::test]
async fn a_missing_or_malformed_header_is_refused() {
    let p = connector().await;
    let (body, _) = vector("guide_sample");
    let err = p.parse_webhook(&HeaderMap::new(), body.as_bytes()).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::MissingHeader));
    let err = p.parse_webhook(&headers("not-hex"), body.as_bytes()).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::BadEncoding));
    // A signature for another body.
    let (_, other_sig) = vector("refund_failed");
    let err = p.parse_webhook(&headers(&other_sig), body.as_bytes()).unwrap_err();
    assert_eq!(err.webhook_failure(), Some(WebhookFailure::Mismatch));
}

#[tokio::test]
async fn every_event_type_verifies_and_maps() {
    let p = connector().await;
    let expected = [
        ("payment_succeeded", EventKind::PaymentSucceeded),
        ("payment_failed", EventKind::PaymentFailed),
        ("payment_processing", EventKind::PaymentProcessing),
        ("payment_cancelled", EventKind::PaymentCancelled),
        ("payment_cancelled_post_capture", EventKind::PaymentCancelled),
        ("payment_authorized", EventKind::PaymentAuthorized),
        ("payment_partially_authorized", EventKind::PaymentAuthorized),
        ("payment_captured", EventKind::PaymentCaptured),
        ("payment_expired", EventKind::PaymentExpired),
        ("action_required", EventKind::PaymentActionRequired),
        ("refund_succeeded", EventKind::RefundSucceeded),
        ("refund_failed", EventKind::RefundFailed),
        ("dispute_opened", EventKind::DisputeOpened),
        ("dispute_expired", EventKind::DisputeExpired),
        ("dispute_accepted", EventKind::DisputeAccepted),
        ("dispute_cancelled", EventKind::DisputeCancelled),
        ("dispute_challenged", EventKind::DisputeChallenged),
        ("dispute_won", EventKind::DisputeWon),
        ("dispute_lost", EventKind::DisputeLost),
        ("mandate_active", EventKind::MandateActive),
        ("mandate_revoked", EventKind::MandateRevoked),
        ("payout_success", EventKind::PayoutSucceeded),
        ("payout_failed", EventKind::PayoutFailed),
        ("payout_initiated", EventKind::PayoutInitiated),
        ("payout_processing", EventKind::PayoutProcessing),
        ("payout_cancelled", EventKind::PayoutCancelled),
        ("payout_expired", EventKind::PayoutExpired),
        ("payout_reversed", EventKind::PayoutReversed),
        ("invoice_paid", EventKind::Other("invoice_paid".into())),
    ];
    let f = fixtures();
    let vectors: Vec<_> =
        f["webhooks"].as_array().unwrap().iter().filter(|v| v["name"] != "guide_sample").collect();
    assert_eq!(vectors.len(), expected.len());
    for (event_type, kind) in &expected {
        assert!(
            paymux_hyperswitch_family::status::EVENT_TYPES.contains(event_type),
            "{event_type}"
        );
        let v = vectors.iter().find(|v| v["event_type"] == *event_type).unwrap();
        let body = v["body"].as_str().unwrap();
        let event = p
            .parse_webhook(&headers(v["signature"].as_str().unwrap()), body.as_bytes())
            .unwrap_or_else(|e| panic!("{event_type}: {e}"));
        assert_eq!(&event.kind, kind, "{event_type}");
        match (&event.resource, event_type) {
            (WebhookResource::Payment(pay), t) => {
                assert!(
                    !t.starts_with("refund")
                        && !t.starts_with("dispute")
                        && !t.starts_with("payout")
                );
                assert!(pay.merchant_reference.as_deref().unwrap().starts_with("order_"));
                if *t == "action_required" {
                    assert_eq!(pay.status, PaymentStatus::RequiresAction);
                    assert!(matches!(pay.next_action, Some(NextAction::Redirect { .. })));
                }
                if *t == "payment_failed" {
                    assert_eq!(
                        pay.decline_code(),
                        Some(&paymux_core::DeclineCode::InsufficientFunds)
                    );
                }
            }
            (WebhookResource::Refund(r), t) => {
                assert!(t.starts_with("refund_"));
                let want = if *t == "refund_succeeded" {
                    RefundStatus::Succeeded
                } else {
                    RefundStatus::Failed
                };
                assert_eq!(r.status, want);
            }
            (WebhookResource::Payout(_), t) => assert!(t.starts_with("payout_"), "{t}"),
            (WebhookResource::Dispute(_), t) => assert!(t.starts_with("dispute_"), "{t}"),
            (WebhookResource::Other, t) => {
                assert!(!t.starts_with("payment_") && !t.starts_with("refund_"), "{t}");
            }
        }
    }
}

#[tokio::test]
async fn a_verified_body_of_another_shape_is_read_not_refused() {
    let p = connector().await;
    let body = br#"{"hello":"world"}"#;
    let sig = paymux_core::webhook::sign(
        paymux_core::webhook::Algorithm::Sha512,
        WEBHOOK_SECRET.as_bytes(),
        body,
        paymux_core::webhook::Encoding::Hex,
    );
    let event = p.parse_webhook(&headers(&sig), body).unwrap().kept();
    assert_eq!(event.kind, EventKind::Other(String::new()));
    assert_eq!(event.resource, WebhookResource::Other);
    assert_eq!(event.raw.as_str(), "{\"hello\":\"world\"}");
    let missing: Vec<_> = event.unread.iter().map(|u| u.pointer.as_str()).collect();
    assert_eq!(missing, ["/event_id", "/event_type", "/content/type"]);
}
