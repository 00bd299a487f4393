use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::{
    CaptureMode, CapturePayment, CreateRefund, ErrorKind, EventKind, Operation, PaymentProvider,
    PaymentStatus, UnreadProblem, WebhookFailure, WebhookResource,
};
use paymux_mock::webhook::SIGNATURE_HEADER;
use paymux_mock::{MockProvider, triggers::*};

use crate::{pay, usd};

#[tokio::test]
async fn each_state_change_emits_a_verifiable_event() {
    let mock = MockProvider::new();
    let p =
        mock.create_payment(pay(1000, CARD_3DS).with_capture(CaptureMode::Manual)).await.unwrap();
    mock.confirm_payment(&p.id, Default::default()).await.unwrap();
    mock.capture_payment(&p.id, CapturePayment::default()).await.unwrap();
    let refund =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(100))).await.unwrap();
    mock.create_payment(pay(1000, CARD_DECLINED)).await.unwrap();

    let hooks = mock.take_webhooks();
    let kinds: Vec<EventKind> = hooks.iter().map(|h| h.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            EventKind::PaymentActionRequired,
            EventKind::PaymentAuthorized,
            EventKind::PaymentSucceeded,
            EventKind::RefundSucceeded,
            EventKind::PaymentFailed,
        ]
    );
    assert!(mock.take_webhooks().is_empty(), "take empties the outbox");

    let events: Vec<_> =
        hooks.iter().map(|h| mock.parse_webhook(&h.headers, &h.body).unwrap()).collect();
    assert_eq!(events[0].id.as_str(), "evt_mock_1");
    assert_eq!(events[4].id.as_str(), "evt_mock_5");
    assert_eq!(events[0].provider.as_str(), "mock");
    assert!(events[0].occurred_at.is_some());
    match &events[2].resource {
        WebhookResource::Payment(payment) => {
            assert_eq!(payment.id, p.id);
            assert_eq!(payment.status, PaymentStatus::Succeeded);
            assert_eq!(payment.amount_captured, Some(usd(1000)));
        }
        other => panic!("expected a payment, got {other:?}"),
    }
    assert_eq!(events[3].resource, WebhookResource::Refund(refund));
    assert_eq!(events[3].raw["type"], "refund_succeeded");
    assert_eq!(events[3].raw["data"]["type"], "refund");
    assert_eq!(hooks[0].headers[SIGNATURE_HEADER].len(), 64, "hex sha256");
}

#[tokio::test]
async fn cancellation_emits_payment_cancelled() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS).with_confirm(false)).await.unwrap();
    assert!(mock.take_webhooks().is_empty(), "no event for a created, unconfirmed payment");
    mock.cancel_payment(&p.id, Default::default()).await.unwrap();
    let hooks = mock.take_webhooks();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].kind, EventKind::PaymentCancelled);
}

#[tokio::test]
async fn tampered_body_is_refused() {
    let mock = MockProvider::new();
    mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let hook = mock.take_webhooks().remove(0);
    let tampered = String::from_utf8(hook.body.clone()).unwrap().replace("succeeded", "failed");
    assert_ne!(tampered.as_bytes(), hook.body.as_slice());
    let e = mock.parse_webhook(&hook.headers, tampered.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));
}

#[tokio::test]
async fn wrong_secret_missing_or_bad_header_is_refused() {
    let sender = MockProvider::builder().webhook_secret("whsec_sender").build();
    let receiver = MockProvider::builder().webhook_secret("whsec_receiver").build();
    sender.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let hook = sender.take_webhooks().remove(0);
    assert!(sender.parse_webhook(&hook.headers, &hook.body).is_ok());
    let e = receiver.parse_webhook(&hook.headers, &hook.body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::Mismatch));

    let mut headers = hook.headers.clone();
    headers.remove(SIGNATURE_HEADER);
    let e = sender.parse_webhook(&headers, &hook.body).unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::MissingHeader));
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_static("not-hex"));
    let e = sender.parse_webhook(&headers, &hook.body).unwrap_err();
    assert_eq!(e.webhook_failure(), Some(WebhookFailure::BadEncoding));
}

#[tokio::test]
async fn a_verified_body_missing_parts_is_read_with_notes() {
    let mock = MockProvider::new();
    let body = br#"{"id":"evt_x","type":"payment_succeeded","data":{"type":"payment","object":{"id":"p"}}}"#;
    let event = mock.parse_webhook(&mock.sign_webhook(body), body).unwrap();
    assert_eq!(event.id.as_str(), "evt_x");
    assert_eq!(event.kind, EventKind::PaymentSucceeded);
    assert_eq!(event.resource, WebhookResource::Other);
    assert_eq!(event.raw.as_str().as_bytes(), body);
    let pointers: Vec<_> = event.unread.iter().map(|u| (u.pointer.as_str(), u.problem)).collect();
    assert_eq!(
        pointers,
        [("/created_at", UnreadProblem::Missing), ("/data", UnreadProblem::Invalid)]
    );
}

#[tokio::test]
async fn a_verified_body_that_is_not_json_has_its_own_error() {
    let mock = MockProvider::new();
    let body = b"<xml/>";
    let e = mock.parse_webhook(&mock.sign_webhook(body), body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookNotJson);
    assert_eq!(e.webhook_failure(), None);
    let forged = mock.parse_webhook(&HeaderMap::new(), body).unwrap_err();
    assert_eq!(forged.kind(), ErrorKind::WebhookSignature);
}

#[tokio::test]
async fn hand_signed_event_is_accepted() {
    let mock = MockProvider::new();
    let body = br#"{"id":"evt_custom","type":"dispute_opened","created_at":"2025-01-01T00:00:00Z","data":{"type":"other"}}"#;
    let event = mock.parse_webhook(&mock.sign_webhook(body), body).unwrap();
    assert_eq!(event.id.as_str(), "evt_custom");
    assert_eq!(event.kind, EventKind::DisputeOpened);
    assert_eq!(event.resource, WebhookResource::Other);
}

#[tokio::test]
async fn without_webhooks_capability_nothing_is_emitted() {
    let caps = paymux_core::Capabilities::all().without(Operation::Webhooks);
    let mock = MockProvider::builder().capabilities(caps).build();
    mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    assert!(mock.take_webhooks().is_empty());
    let body = b"{}";
    let e = mock.parse_webhook(&mock.sign_webhook(body), body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}
