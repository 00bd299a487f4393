//! Webhooks in two steps: bodies signed with the tests' secret
//! (`fixtures/make_lenient_webhooks.py`) that are not the guide's sample are all accepted once
//! verified, with the raw body kept and `unread` saying what could not be read; only a
//! signature failure is a signature error, and a verified body that is not JSON has its own
//! kind.
#![allow(clippy::unwrap_used)]

use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::{
    Currency, DeclineCode, DisputeStage, DisputeStatus, ErrorKind, EventKind, Money, PaymentStatus,
    PayoutStatus, ProviderId, Result, SecretString, UnreadProblem, WebhookEvent, WebhookResource,
};
use paymux_hyperswitch_family::status::EVENT_TYPES;
use paymux_hyperswitch_family::webhook::DEFAULT_MAX_BODY;
use paymux_hyperswitch_family::{event_kind, event_kind_for, verify_and_parse};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/lenient_webhooks.json")).unwrap()
}

fn headers(sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("X-Webhook-Signature-512", HeaderValue::from_str(sig).unwrap());
    h
}

fn read(body: &str, sig: &str) -> Result<WebhookEvent> {
    let secret = SecretString::from(vectors()["secret"].as_str().unwrap().to_owned());
    verify_and_parse(
        &ProviderId::new("p"),
        &headers(sig),
        body.as_bytes(),
        &secret,
        DEFAULT_MAX_BODY,
    )
}

fn cases() -> Vec<(String, String, String)> {
    let v = vectors();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("name"), s("body"), s("signature"))
        })
        .collect()
}

#[test]
fn every_verified_body_is_read_as_far_as_it_goes() {
    let cases = cases();
    assert!(cases.len() >= 30);
    for (name, body, sig) in cases {
        check(&name, &body, read(&body, &sig));
    }
}

#[test]
fn only_a_bad_signature_is_a_signature_error() {
    let cases = cases();
    for (i, (name, body, _)) in cases.iter().enumerate() {
        // Another body's signature: verification fails before anything is read.
        let other = &cases[(i + 1) % cases.len()].2;
        let err = read(body, other).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookSignature, "{name}");
        assert_eq!(err.provider().map(|p| p.as_str()), Some("p"));
    }
}

#[test]
fn every_documented_event_type_is_read_whole() {
    let v = vectors();
    let events = v["event_types"].as_array().unwrap();
    assert_eq!(events.len(), EVENT_TYPES.len());
    for case in events {
        let t = case["event_type"].as_str().unwrap();
        let body = case["body"].as_str().unwrap();
        let e = read(body, case["signature"].as_str().unwrap())
            .unwrap_or_else(|err| panic!("{t}: {err}"));
        assert_eq!(e.raw.as_str(), body, "{t}");
        assert!(e.unread.is_empty(), "{t}: {:?}", e.unread);
        assert_eq!(e.id.as_str(), format!("evt_{t}"));
        match &e.resource {
            WebhookResource::Payment(p) => {
                assert_eq!(p.contract_breach(), None, "{t}");
                assert_eq!(e.kind, event_kind_for(t, Some(p.status)), "{t}");
                assert_eq!(e.kind, event_kind(t), "{t}: the payment agrees with the type");
                if t == "payment_failed" {
                    assert_eq!(p.decline_code(), Some(&DeclineCode::CardDeclined));
                }
            }
            WebhookResource::Refund(_) => {
                assert!(t.starts_with("refund_"), "{t}");
                assert_eq!(e.kind, event_kind(t), "{t}");
            }
            WebhookResource::Payout(p) => {
                assert!(t.starts_with("payout_"), "{t}");
                assert_eq!(p.contract_breach(), None, "{t}");
                assert_eq!(e.kind, event_kind(t), "{t}");
                // The payout agrees with the type (`payout_initiated` is a kind of its own,
                // its payout `Processing`).
                let expected = match e.kind {
                    EventKind::PayoutInitiated => EventKind::PayoutProcessing,
                    ref kind => kind.clone(),
                };
                assert_eq!(EventKind::for_payout(p.status), expected, "{t}");
                assert_eq!(p.amount, Some(usd(5000)), "{t}");
            }
            WebhookResource::Dispute(d) => {
                assert!(t.starts_with("dispute_"), "{t}");
                assert_eq!(e.kind, event_kind(t), "{t}");
                assert_eq!(EventKind::for_dispute(d.status), e.kind, "{t}");
                assert_eq!(d.raw_status, t, "{t}");
                assert_eq!(d.amount, Some(usd(6540)), "{t}");
            }
            WebhookResource::Other => {
                for family in ["payment_", "refund_", "payout_", "dispute_"] {
                    assert!(!t.starts_with(family), "{t}");
                }
                assert_eq!(e.kind, event_kind(t), "{t}");
            }
        }
    }
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

/// What each vector reads as (shared word for word by the connectors' copies of this test).
fn check(name: &str, body: &str, result: Result<WebhookEvent>) {
    use UnreadProblem::{Invalid, Missing, Unsupported};
    if name == "not_json" {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookNotJson, "{name}");
        assert_eq!(err.webhook_failure(), None, "{name}: not a signature failure");
        return;
    }
    let e = result.unwrap_or_else(|err| panic!("{name}: a verified body was refused: {err}"));
    assert_eq!(e.raw.as_str(), body, "{name}: the raw body is kept");
    let noted = |field: &str, problem: UnreadProblem| {
        let pointer = if field.starts_with('/') {
            field.to_owned()
        } else {
            format!("/content/object/{field}")
        };
        assert!(
            e.unread.iter().any(|u| u.pointer == pointer && u.problem == problem),
            "{name}: expected {pointer} {problem:?} in {:?}",
            e.unread
        );
    };
    let payment = || match &e.resource {
        WebhookResource::Payment(p) => {
            assert_eq!(p.contract_breach(), None, "{name}");
            p.clone()
        }
        other => panic!("{name}: expected a payment, got {other:?} ({:?})", e.unread),
    };
    let other = || assert_eq!(e.resource, WebhookResource::Other, "{name}");
    let kind = |k: EventKind| assert_eq!(e.kind, k, "{name}");
    match name {
        "payment_without_amount_and_currency" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("amount", Missing);
            noted("currency", Missing);
        }
        "payment_without_amount" => {
            other();
            noted("amount", Missing);
        }
        "payment_without_id" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("payment_id", Missing);
        }
        "payment_without_status" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("status", Missing);
        }
        "without_event_id" => {
            assert!(e.id.as_str().starts_with("sha256:"), "{name}");
            noted("/event_id", Missing);
            assert_eq!(payment().amount, Some(usd(6540)));
        }
        "without_event_type" => {
            kind(EventKind::Other(String::new()));
            noted("/event_type", Missing);
            payment();
        }
        "without_timestamp_or_merchant" => {
            assert_eq!(e.occurred_at, None);
            assert!(e.unread.is_empty(), "{name}: {:?}", e.unread);
            payment();
        }
        "unreadable_timestamp" => {
            assert_eq!(e.occurred_at, None);
            noted("/timestamp", Invalid);
            payment();
        }
        "unknown_event_type" => {
            kind(EventKind::Other("payment_reauthorized".into()));
            assert!(e.unread.is_empty(), "{name}: {:?}", e.unread);
            assert_eq!(payment().status, PaymentStatus::Succeeded);
        }
        "currency_outside_iso" | "currency_without_minor_unit" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("currency", Unsupported);
        }
        "fractional_amount" | "amount_as_text" => {
            other();
            noted("amount", Invalid);
        }
        "negative_amount" => {
            other();
            noted("amount", Unsupported);
        }
        "unreadable_optional_fields" => {
            let p = payment();
            noted("metadata", Invalid);
            noted("amount_received", Invalid);
            noted("capture_method", Invalid);
            assert_eq!(p.amount_received, None);
            assert!(p.metadata.is_empty());
        }
        "received_in_text" => {
            noted("amount_received", Invalid);
            assert_eq!(payment().amount_received, None);
        }
        "review_without_amount" => {
            kind(EventKind::PaymentProcessing);
            other();
            noted("amount", Missing);
        }
        "conflicted_action_required" => {
            kind(EventKind::PaymentProcessing);
            let p = payment();
            assert_eq!(p.status, PaymentStatus::Processing);
            assert_eq!(p.next_action, None);
        }
        "customer_action_without_next_action" => {
            // Nowhere to send the customer: the payment waits, as on every gateway.
            kind(EventKind::PaymentProcessing);
            let p = payment();
            assert_eq!((p.status, p.next_action), (PaymentStatus::Processing, None));
            assert_eq!(p.raw_status, "requires_customer_action");
        }
        "authorized_without_capturable" => {
            kind(EventKind::PaymentAuthorized);
            let p = payment();
            assert_eq!(p.status, PaymentStatus::RequiresCapture);
            assert_eq!(p.amount_capturable, Some(usd(6540)), "{name}: the amount");
        }
        "partial_authorization" => {
            kind(EventKind::PaymentAuthorized);
            let p = payment();
            assert_eq!(p.status, PaymentStatus::RequiresCapture);
            assert_eq!(p.amount, Some(usd(10_000)));
            assert_eq!(p.amount_capturable, Some(usd(5000)));
        }
        "capturable_in_text" => {
            kind(EventKind::PaymentAuthorized);
            other();
            noted("amount_capturable", Invalid);
        }
        "failed_without_error" => {
            kind(EventKind::PaymentFailed);
            let p = payment();
            assert_eq!(p.status, PaymentStatus::Failed);
            assert_eq!(p.failure, Some(Default::default()));
        }
        "failed_with_error" => {
            let p = payment();
            assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
            let failure = p.failure.unwrap();
            assert_eq!(failure.gateway_code.as_deref(), Some("insufficient_funds"));
            assert_eq!(failure.message.as_deref(), Some("Insufficient funds"));
        }
        "refund_without_currency" => {
            kind(EventKind::RefundSucceeded);
            other();
            noted("currency", Missing);
        }
        "refund_in_btc" => {
            kind(EventKind::RefundFailed);
            other();
            noted("currency", Unsupported);
        }
        "dispute" => {
            kind(EventKind::DisputeOpened);
            assert!(e.unread.is_empty(), "{name}: {:?}", e.unread);
            let WebhookResource::Dispute(d) = &e.resource else { panic!("{name}: {e:?}") };
            assert_eq!(d.id.as_str(), "dp_1");
            assert_eq!(d.payment_id.as_ref().map(|p| p.as_str()), Some("pay_order_123"));
            assert_eq!(
                (d.status, d.raw_status.as_str()),
                (DisputeStatus::NeedsResponse, "dispute_opened")
            );
            assert_eq!(d.stage, Some(DisputeStage::Chargeback));
            assert_eq!(d.amount, Some(usd(6540)), "{name}: the string of digits read exactly");
            assert_eq!(d.reason.as_deref(), Some("fraudulent"));
            assert_eq!(d.reason_code.as_deref(), Some("10.4"));
            assert_eq!(d.evidence_due_by.map(|t| t.unix_timestamp()), Some(1_707_523_200));
            assert_eq!(d.created_at.map(|t| t.unix_timestamp()), Some(1_706_140_800));
        }
        "dispute_amount_as_number" => {
            kind(EventKind::DisputeWon);
            let WebhookResource::Dispute(d) = &e.resource else { panic!("{name}: {e:?}") };
            assert_eq!((d.status, d.amount), (DisputeStatus::Won, Some(usd(6540))));
        }
        "dispute_without_payment" => {
            kind(EventKind::DisputeOpened);
            other();
            noted("payment_id", Missing);
        }
        "dispute_amount_not_minor_units" => {
            kind(EventKind::DisputeOpened);
            other();
            noted("amount", Invalid);
        }
        "payout" => {
            kind(EventKind::PayoutSucceeded);
            assert!(e.unread.is_empty(), "{name}: {:?}", e.unread);
            let WebhookResource::Payout(p) = &e.resource else { panic!("{name}: {e:?}") };
            assert_eq!(p.contract_breach(), None, "{name}");
            assert_eq!(p.id.as_str(), "po_1");
            assert_eq!((p.status, p.raw_status.as_str()), (PayoutStatus::Succeeded, "success"));
            assert_eq!(p.amount, Some(usd(5000)));
            assert_eq!(p.customer_id.as_ref().map(|c| c.as_str()), Some("cus_acme_42"));
            assert_eq!(p.description.as_deref(), Some("Vendor payout"));
            assert_eq!(p.metadata["vendor_id"], "vendor_123");
            assert_eq!(p.created_at.map(|t| t.unix_timestamp()), Some(1_705_917_600));
            assert_eq!(p.failure, None);
        }
        "payout_without_status" => {
            kind(EventKind::PayoutSucceeded);
            other();
            noted("status", Missing);
        }
        "payout_in_btc" => {
            kind(EventKind::PayoutFailed);
            other();
            noted("currency", Unsupported);
        }
        "payout_failed_with_error" => {
            kind(EventKind::PayoutFailed);
            let WebhookResource::Payout(p) = &e.resource else { panic!("{name}: {e:?}") };
            assert_eq!(p.contract_breach(), None, "{name}");
            assert_eq!(p.status, PayoutStatus::Failed);
            let failure = p.failure.clone().unwrap();
            assert_eq!(failure.gateway_code.as_deref(), Some("insufficient_funds"));
            assert_eq!(failure.message.as_deref(), Some("Not enough balance"));
            assert_eq!(failure.code, Some(DeclineCode::InsufficientFunds));
        }
        "unknown_content_type" => {
            kind(EventKind::Other("wallet_topped_up".into()));
            other();
            noted("/content/type", Unsupported);
        }
        "object_not_an_object" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("/content/object", Invalid);
        }
        "without_content" => {
            kind(EventKind::PaymentSucceeded);
            other();
            noted("/content/type", Missing);
        }
        "empty_object" | "json_array" => {
            assert!(e.id.as_str().starts_with("sha256:"), "{name}");
            kind(EventKind::Other(String::new()));
            other();
            noted("/event_id", Missing);
            noted("/event_type", Missing);
            noted("/content/type", Missing);
        }
        _ => panic!("no expectation for the vector {name}"),
    }
}
