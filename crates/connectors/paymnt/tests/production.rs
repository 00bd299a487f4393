//! The guide's production readiness points, each shown, plus the status tables through the
//! connector and the configuration.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::webhook::{EventStore, InMemoryEventStore};
use paymux_core::{
    Card, CreatePayment, Currency, ErrorKind, EventKind, Money, NextAction, Operation, PaymentId,
    PaymentProvider, PaymentStatus, RefundId, RefundStatus, SecretString, WebhookFailure,
    WebhookResource,
};
use paymux_paymnt::{Environment, Paymnt, PaymntConfig};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/webhook_vectors.json")).unwrap()
}

fn with_webhooks(server: &MockServer) -> Paymnt {
    let secret = vectors()["secret"].as_str().unwrap().to_owned();
    Paymnt::new(config(server).with_webhook_secret(SecretString::from(secret))).unwrap()
}

fn signed(i: usize) -> (HeaderMap, Vec<u8>) {
    let v = vectors();
    let e = &v["events"][i];
    let mut h = HeaderMap::new();
    h.insert(
        "X-Webhook-Signature-512",
        HeaderValue::from_str(e["signature"].as_str().unwrap()).unwrap(),
    );
    (h, e["body"].as_str().unwrap().as_bytes().to_vec())
}

#[tokio::test]
async fn idempotency_key_is_the_same_across_a_503_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            json!({"error": {"type": "api_error", "code": "HE_00", "message": "busy"}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "succeeded",
            1000,
        )))
        .mount(&server)
        .await;
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let p = connector(&server)
        .create_payment(
            CreatePayment::new(Money::from_minor(1000, Currency::USD).unwrap()).with_card(card),
        )
        .await
        .unwrap()
        .kept();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2, "one retry after the 503");
    let first = assert_uuid(received[0].headers["idempotency-key"].to_str().unwrap());
    let second = received[1].headers["idempotency-key"].to_str().unwrap();
    assert_eq!(first, second);
    assert_eq!(received[0].body, received[1].body, "same body on the retry");
}

#[tokio::test]
async fn two_logical_calls_get_two_keys() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_1",
            "requires_payment_method",
            1000,
        )))
        .mount(&server)
        .await;
    let c = connector(&server);
    let req =
        || CreatePayment::new(Money::from_minor(1000, Currency::USD).unwrap()).with_confirm(false);
    c.create_payment(req()).await.unwrap().kept();
    c.create_payment(req()).await.unwrap().kept();
    let r = server.received_requests().await.unwrap();
    assert_ne!(r[0].headers["idempotency-key"], r[1].headers["idempotency-key"]);
}

#[tokio::test]
async fn a_503_on_a_capture_after_all_retries_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_1/capture"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let e = connector(&server)
        .capture_payment(&PaymentId::new("pay_1"), Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProviderUnavailable);
    assert!(e.is_outcome_unknown());
    let keys: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test]
async fn webhook_signatures_are_verified() {
    let server = MockServer::start().await;
    let c = with_webhooks(&server);
    let (headers, body) = signed(0);
    let event = c.parse_webhook(&headers, &body).unwrap().kept();
    assert_eq!(event.id.as_str(), "evt_captured_1");
    assert_eq!(event.kind, EventKind::PaymentCaptured);
    assert_eq!(event.provider.as_str(), "paymnt");

    let mut tampered = body.clone();
    let at = tampered.windows(4).position(|w| w == b"1000").unwrap();
    tampered[at] = b'9';
    let e = c.parse_webhook(&headers, &tampered).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
    assert_eq!(
        c.parse_webhook(&HeaderMap::new(), &body).unwrap_err().webhook_failure(),
        Some(WebhookFailure::MissingHeader)
    );
    let mut bad = HeaderMap::new();
    bad.insert("X-Webhook-Signature-512", HeaderValue::from_static("zz"));
    assert_eq!(
        c.parse_webhook(&bad, &body).unwrap_err().webhook_failure(),
        Some(WebhookFailure::BadEncoding)
    );

    // Another event's signature does not fit this body.
    let (other_headers, _) = signed(1);
    assert_eq!(
        c.parse_webhook(&other_headers, &body).unwrap_err().webhook_failure(),
        Some(WebhookFailure::Mismatch)
    );

    // Body size limit.
    let secret = vectors()["secret"].as_str().unwrap().to_owned();
    let mut cfg = config(&server).with_webhook_secret(SecretString::from(secret));
    cfg.max_webhook_body = body.len() - 1;
    let small = Paymnt::new(cfg).unwrap();
    assert_eq!(
        small.parse_webhook(&headers, &body).unwrap_err().webhook_failure(),
        Some(WebhookFailure::BodyTooLarge)
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn webhooks_need_a_secret_and_say_so_in_capabilities() {
    let server = MockServer::start().await;
    let without = connector(&server);
    assert!(!without.capabilities().supports(Operation::Webhooks));
    let (headers, body) = signed(0);
    assert_eq!(
        without.parse_webhook(&headers, &body).unwrap_err().kind(),
        ErrorKind::Configuration
    );
    let with = with_webhooks(&server);
    for op in Operation::ALL {
        assert!(with.capabilities().supports(op), "{}", op.as_str());
    }
}

#[tokio::test]
async fn duplicate_events_are_processed_once() {
    let server = MockServer::start().await;
    let c = with_webhooks(&server);
    let store = InMemoryEventStore::default();
    let mut fulfilled = Vec::new();
    // The gateway redelivers event 0, interleaved with others.
    for i in [0, 1, 0, 2, 0] {
        let (headers, body) = signed(i);
        let event = c.parse_webhook(&headers, &body).unwrap().kept();
        if store.first_seen(c.id(), &event.id).await.unwrap() {
            fulfilled.push(event.id.as_str().to_owned());
        }
    }
    assert_eq!(fulfilled, ["evt_captured_1", "evt_action_1", "evt_refund_1"]);
}

#[tokio::test]
async fn statuses_are_stored_with_the_gateway_word() {
    let server = MockServer::start().await;
    let c = with_webhooks(&server);

    let (h, b) = signed(1);
    let event = c.parse_webhook(&h, &b).unwrap().kept();
    assert_eq!(event.kind, EventKind::PaymentActionRequired);
    let WebhookResource::Payment(p) = &event.resource else { panic!("payment") };
    assert_eq!(p.id.as_str(), "pay_mnt_2");
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.raw_status, "requires_customer_action");
    assert_eq!(p.amount, Some(Money::from_minor(2500, Currency::EUR).unwrap()));
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://sandbox.paymnt.cloud/3ds/pay_mnt_2".into() })
    );

    // The stored form keeps both the normalized status and the gateway's word.
    let stored = serde_json::to_value(&event).unwrap();
    assert_eq!(stored["resource"]["object"]["status"], "requires_action");
    assert_eq!(stored["resource"]["object"]["raw_status"], "requires_customer_action");
    let back: paymux_core::WebhookEvent = serde_json::from_value(stored).unwrap();
    assert_eq!(back, event);

    let (h, b) = signed(2);
    let WebhookResource::Refund(r) = c.parse_webhook(&h, &b).unwrap().kept().resource else {
        panic!("refund")
    };
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.raw_status, "succeeded");
    assert_eq!(r.id.as_str(), "ref_mnt_1");
}

#[tokio::test]
async fn every_payment_status_word_through_the_connector() {
    let table = [
        ("succeeded", PaymentStatus::Succeeded),
        ("failed", PaymentStatus::Failed),
        ("cancelled", PaymentStatus::Cancelled),
        ("cancelled_post_capture", PaymentStatus::Cancelled),
        ("processing", PaymentStatus::Processing),
        ("requires_customer_action", PaymentStatus::RequiresAction),
        ("requires_merchant_action", PaymentStatus::Processing),
        ("requires_payment_method", PaymentStatus::RequiresPaymentMethod),
        ("requires_confirmation", PaymentStatus::RequiresConfirmation),
        ("requires_capture", PaymentStatus::RequiresCapture),
        ("partially_captured", PaymentStatus::Succeeded),
        ("partially_captured_and_capturable", PaymentStatus::PartiallyCaptured),
        ("partially_authorized_and_requires_capture", PaymentStatus::RequiresCapture),
        ("conflicted", PaymentStatus::Processing),
        ("expired", PaymentStatus::Expired),
        ("requires_redirection", PaymentStatus::RequiresAction),
        ("pending", PaymentStatus::Processing),
        ("a_word_from_the_future", PaymentStatus::Processing),
    ];
    let server = MockServer::start().await;
    for (i, (word, _)) in table.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/payments/pay_{i}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(with_next_action(payment_json(
                &format!("pay_{i}"),
                word,
                100,
            ))))
            .mount(&server)
            .await;
    }
    let c = connector(&server);
    for (i, (word, expected)) in table.iter().enumerate() {
        let p = c.get_payment(&PaymentId::new(format!("pay_{i}"))).await.unwrap().kept();
        assert_eq!(p.status, *expected, "{word}");
        assert_eq!(p.raw_status, *word);
        assert_eq!(p.next_action.is_some(), *expected == PaymentStatus::RequiresAction, "{word}");
    }
}

#[tokio::test]
async fn every_refund_status_word_through_the_connector() {
    let table = [
        ("succeeded", RefundStatus::Succeeded),
        ("failed", RefundStatus::Failed),
        ("pending", RefundStatus::Pending),
        ("review", RefundStatus::Pending),
        ("a_word_from_the_future", RefundStatus::Pending),
    ];
    let server = MockServer::start().await;
    for (i, (word, _)) in table.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/refunds/ref_{i}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
                &format!("ref_{i}"),
                word,
                100,
            )))
            .mount(&server)
            .await;
    }
    let c = connector(&server);
    for (i, (word, expected)) in table.iter().enumerate() {
        let r = c.get_refund(&RefundId::new(format!("ref_{i}"))).await.unwrap();
        assert_eq!(r.status, *expected, "{word}");
        assert_eq!(r.raw_status, *word);
    }
}

#[test]
fn configuration() {
    let host = |env| PaymntConfig::new(SecretString::from(KEY), env).resolved_base_url().to_owned();
    assert_eq!(host(Environment::Sandbox), "https://sandbox.paymnt.cloud");
    assert_eq!(host(Environment::Production), "https://api.paymnt.cloud");
    let cfg = PaymntConfig::new(SecretString::from(KEY), Environment::Production)
        .with_webhook_secret(SecretString::from("whsec_very_secret"))
        .with_timeout(Duration::from_secs(5))
        .with_connect_timeout(Duration::from_secs(2));
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains(KEY) && !dbg.contains("whsec_very_secret"), "{dbg}");
    let c = Paymnt::new(cfg).unwrap();
    assert_eq!(c.id().as_str(), "paymnt");
    assert!(!format!("{c:?}").contains(KEY));
    // That `c` sends to "https://api.paymnt.cloud/" is checked inside the crate (the client
    // is private): `client::tests::a_production_connector_sends_to_the_production_host`.

    let empty = PaymntConfig::new(SecretString::from("  "), Environment::Sandbox);
    assert_eq!(Paymnt::new(empty).unwrap_err().kind(), ErrorKind::Configuration);
    let bad_profile =
        PaymntConfig::new(SecretString::from(KEY), Environment::Sandbox).with_profile_id("pro\n1");
    assert_eq!(Paymnt::new(bad_profile).unwrap_err().kind(), ErrorKind::Configuration);
    let bad_url =
        PaymntConfig::new(SecretString::from(KEY), Environment::Sandbox).with_base_url("ftp://x");
    assert_eq!(Paymnt::new(bad_url).unwrap_err().kind(), ErrorKind::Configuration);
    let named = PaymntConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_provider_id(paymux_core::ProviderId::new("paymnt_eu"));
    assert_eq!(Paymnt::new(named).unwrap().id().as_str(), "paymnt_eu");
}

#[tokio::test]
async fn no_profile_header_when_none_is_configured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/payments/pay_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_1",
            "succeeded",
            100,
        )))
        .mount(&server)
        .await;
    let mut cfg = config(&server);
    cfg.profile_id = None;
    Paymnt::new(cfg).unwrap().get_payment(&PaymentId::new("pay_1")).await.unwrap().kept();
    let r = server.received_requests().await.unwrap();
    assert!(r[0].headers.get("x-profile-id").is_none());
    assert_eq!(r[0].headers["api-key"], KEY);
}

/// `answer` with the customer's next step, which only a customer status keeps (without it,
/// that status reads `Processing`).
fn with_next_action(mut answer: serde_json::Value) -> serde_json::Value {
    answer["next_action"] =
        serde_json::json!({"type": "redirect_to_url", "redirect_to_url": "https://3ds.example/a"});
    answer
}
