//! The normalized contract (issue 21), paymnt.cloud's part: the list filter bodies Hyperswitch
//! takes, conflicts answered with HTTP 400, idempotency through the merchant's `payment_id` /
//! `refund_id` (a duplicate answer to a retried create is read as "already created"), and the
//! status readings (manual review and conflicts are not customer actions; `next_action` only
//! with `RequiresAction`; `amount_capturable` with `RequiresCapture`).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::{
    CapturePayment, CreatePayment, CreateRefund, Currency, ErrorKind, EventKind, IdempotencyKey,
    ListPayments, Money, PaymentId, PaymentProvider, PaymentStatus, RefundStatus, SecretString,
    WebhookResource,
};
use paymux_paymnt::{ListRefunds, Paymnt};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn error(status: u16, kind: &str, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"error": {"type": kind, "code": code, "message": message}}))
}

fn duplicate() -> ResponseTemplate {
    error(
        400,
        "invalid_request",
        "HE_01",
        "The payment with the specified payment_id already exists in our records",
    )
}

fn ids() -> Value {
    serde_json::from_str(include_str!("fixtures/id_vectors.json")).unwrap()
}

fn vector(list: &str, key: &str, field: &str) -> String {
    let ids = ids();
    let v = ids[list].as_array().unwrap().iter().find(|v| v["idempotency_key"] == key).unwrap();
    v[field].as_str().unwrap().to_owned()
}

// ---- lists ----

#[tokio::test]
async fn list_payments_sends_hyperswitchs_filter_constraints() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/list"))
        .and(body_json(json!({
            "limit": 10,
            "status": ["requires_capture", "partially_authorized_and_requires_capture"],
            "merchant_order_reference_id": "order_1001",
            "start_time": "2024-03-01T00:00:00Z",
            "end_time": "2024-03-31T23:59:59Z"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 1,
            "data": [payment_json("pay_mnt_1", "requires_capture", 1000)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut q = ListPayments::new()
        .with_status(PaymentStatus::RequiresCapture)
        .with_created_from(time::macros::datetime!(2024-03-01 00:00:00 UTC))
        .with_created_to(time::macros::datetime!(2024-03-31 23:59:59 UTC));
    q.merchant_reference = Some("order_1001".into());
    let page = connector(&server).list_payments(q).await.unwrap().kept();
    assert_eq!(page.items.len(), 1);
    assert!(server.received_requests().await.unwrap()[0].headers.get("idempotency-key").is_none());
}

#[tokio::test]
async fn list_refunds_sends_hyperswitchs_refund_filter() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/refunds/list"))
        .and(body_json(json!({
            "limit": 10,
            "payment_id": "pay_mnt_1",
            "start_time": "2024-03-01T00:00:00Z",
            "end_time": "2024-03-31T23:59:59Z",
            "refund_status": ["pending", "review"],
            "currency": ["USD"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 1, "data": [refund_json("ref_1", "review", 400)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let page = c
        .list_refunds(ListRefunds {
            payment_id: Some(PaymentId::new("pay_mnt_1")),
            created_from: Some(time::macros::datetime!(2024-03-01 00:00:00 UTC)),
            created_to: Some(time::macros::datetime!(2024-03-31 23:59:59 UTC)),
            status: Some(RefundStatus::Pending),
            currency: Some(Currency::USD),
            ..ListRefunds::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items[0].status, RefundStatus::Pending);
    // No paymnt.cloud refund is ever cancelled: refused rather than sent as an empty filter.
    let e = c
        .list_refunds(ListRefunds {
            status: Some(RefundStatus::Cancelled),
            ..ListRefunds::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

// ---- conflicts ----

#[tokio::test]
async fn a_bad_state_answered_400_is_a_conflict() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_done/capture"))
        .respond_with(error(
            400,
            "invalid_request",
            "IR_14",
            "This Payment could not be captured because it has a payment.status of succeeded. \
             The expected state is requires_capture",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = connector(&server)
        .capture_payment(&PaymentId::new("pay_done"), CapturePayment::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.gateway_code(), Some("IR_14"));
}

// ---- idempotency through the merchant's ids ----

#[tokio::test]
async fn a_create_retried_after_a_timeout_returns_the_first_payment_on_duplicate() {
    let server = MockServer::start().await;
    let paymnt = Paymnt::new(config(&server).with_timeout(Duration::from_millis(300))).unwrap();
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(payment_json("pay_late", "requires_capture", 1000))
                .set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(duplicate())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/payments/pay_[0-9a-f]{26}$"))
        .respond_with(|r: &Request| {
            let id = r.url.path().rsplit('/').next().unwrap().to_owned();
            ResponseTemplate::new(200).set_body_json(payment_json(&id, "requires_capture", 1000))
        })
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1000)).with_confirm(false);
    let p = paymnt.create_payment(req).await.unwrap().kept();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "two attempts of the create, then the read");
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(reqs[0].headers["idempotency-key"], reqs[1].headers["idempotency-key"]);
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    let sent = body["payment_id"].as_str().unwrap();
    assert_eq!(reqs[2].url.path(), format!("/payments/{sent}"));
    assert!(reqs[2].headers.get("idempotency-key").is_none());
    assert_eq!(p.id.as_str(), sent);
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
}

#[tokio::test]
async fn payment_and_refund_ids_are_derived_from_the_callers_key() {
    let server = MockServer::start().await;
    let payment_id = vector("payment_ids", "order_1001_create", "payment_id");
    let refund_id = vector("refund_ids", "order_1001_refund", "refund_id");
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(body_json(json!({
            "amount": 1000,
            "currency": "USD",
            "payment_id": payment_id,
            "confirm": false,
            "capture_method": "automatic"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            &payment_id,
            "requires_payment_method",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .and(body_json(json!({"payment_id": "pay_mnt_1", "refund_id": refund_id})))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
            &refund_id,
            "succeeded",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let p = c
        .create_payment(
            CreatePayment::new(usd(1000))
                .with_confirm(false)
                .with_idempotency_key(IdempotencyKey::new("order_1001_create").unwrap()),
        )
        .await
        .unwrap()
        .kept();
    assert_eq!(p.id.as_str(), payment_id);
    let mut req = CreateRefund::new(PaymentId::new("pay_mnt_1"));
    req.idempotency_key = Some(IdempotencyKey::new("order_1001_refund").unwrap());
    let r = c.create_refund(req).await.unwrap();
    assert_eq!(r.id.as_str(), refund_id);
    assert_eq!(r.status, RefundStatus::Succeeded);
}

// ---- status readings ----

#[tokio::test]
async fn a_partial_authorization_says_how_much_can_be_captured() {
    let server = MockServer::start().await;
    let mut answer = payment_json("pay_partial", "partially_authorized_and_requires_capture", 2000);
    answer["amount_capturable"] = json!(1000);
    answer["next_action"] =
        json!({"type": "redirect_to_url", "redirect_to_url": "https://x.example"});
    Mock::given(method("GET"))
        .and(path("/payments/pay_partial"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_partial")).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount_capturable, Some(usd(1000)));
    assert_eq!(p.next_action, None);
}

#[tokio::test]
async fn action_required_for_review_or_conflict_is_not_a_customer_action() {
    let server = MockServer::start().await;
    let vectors: Value =
        serde_json::from_str(include_str!("fixtures/webhook_vectors.json")).unwrap();
    let secret = vectors["secret"].as_str().unwrap().to_owned();
    let c = Paymnt::new(config(&server).with_webhook_secret(SecretString::from(secret))).unwrap();
    let events = vectors["review_events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    for e in events {
        let mut h = HeaderMap::new();
        h.insert(
            "X-Webhook-Signature-512",
            HeaderValue::from_str(e["signature"].as_str().unwrap()).unwrap(),
        );
        let event = c.parse_webhook(&h, e["body"].as_str().unwrap().as_bytes()).unwrap().kept();
        assert_eq!(event.kind, EventKind::PaymentProcessing, "{}", event.id);
        let WebhookResource::Payment(p) = &event.resource else { panic!("payment") };
        assert_eq!(p.status, PaymentStatus::Processing);
        assert_eq!(p.next_action, None);
    }
}
