//! The normalized contract (issue 21), Paychtec's part: the list filter bodies Hyperswitch
//! takes, conflicts answered with HTTP 400, idempotency through the merchant's `payment_id` /
//! `refund_id` (a duplicate answer to a retried create is read as "already created"), and the
//! status readings (manual review and conflicts are not customer actions; `next_action` only
//! with `RequiresAction`; `amount_capturable` with `RequiresCapture`).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use http::{HeaderMap, HeaderValue};
use paymux_core::{
    CapturePayment, CreateCustomer, CreatePayment, CreateRefund, Currency, CustomerId, ErrorKind,
    EventKind, IdempotencyKey, ListPayments, NextAction, PageCursor, PaymentId, PaymentProvider,
    PaymentStatus, RefundStatus, WebhookResource,
};
use paymux_paychtec::{Paychtec, PaychtecPaymentOptions, PaymentListQuery, RefundListQuery};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn error(status: u16, kind: &str, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"error": {"type": kind, "code": code, "message": message}}))
}

fn duplicate_payment() -> ResponseTemplate {
    error(
        400,
        "invalid_request",
        "HE_01",
        "The payment with the specified payment_id already exists in our records",
    )
}

fn body_of(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// `GET /payments/{id}` answering the payment the path names, as the gateway holds it.
fn echo_payment(status: &'static str, amount: i64) -> impl Fn(&Request) -> ResponseTemplate {
    move |r: &Request| {
        let id = r.url.path().rsplit('/').next().unwrap().to_owned();
        ResponseTemplate::new(200).set_body_json(payment_json(&id, status, amount, "USD"))
    }
}

// ---- lists ----

#[tokio::test]
async fn list_payments_sends_hyperswitchs_filter_constraints() {
    let (server, paychtec) = setup().await;
    read("POST", "/payments/list")
        .and(body_json(json!({
            "limit": 2,
            "offset": 4,
            "status": ["failed"],
            "customer_id": "cus_acme_42",
            "start_time": "2024-01-01T00:00:00Z",
            "end_time": "2024-01-31T23:59:59Z",
            "currency": ["EUR"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 9,
            "data": [payment_json("pay_9", "failed", 100, "EUR")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_payments_filtered(PaymentListQuery {
            list: ListPayments::new()
                .with_limit(2)
                .with_cursor(PageCursor::Offset(4))
                .with_status(PaymentStatus::Failed)
                .with_customer(CustomerId::from_stored("cus_acme_42"))
                .with_created_from(time::macros::datetime!(2024-01-01 00:00:00 UTC))
                .with_created_to(time::macros::datetime!(2024-01-31 23:59:59 UTC)),
            currency: Some(Currency::EUR),
        })
        .await
        .unwrap()
        .kept();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next, Some(PageCursor::Offset(5)));
}

#[tokio::test]
async fn a_status_filter_names_every_word_that_reads_as_that_status() {
    let table: [(PaymentStatus, &[&str]); 10] = [
        (PaymentStatus::RequiresPaymentMethod, &["requires_payment_method"]),
        (PaymentStatus::RequiresConfirmation, &["requires_confirmation"]),
        (PaymentStatus::RequiresAction, &["requires_customer_action"]),
        (PaymentStatus::Processing, &["processing", "requires_merchant_action", "conflicted"]),
        (
            PaymentStatus::RequiresCapture,
            &["requires_capture", "partially_authorized_and_requires_capture"],
        ),
        (PaymentStatus::PartiallyCaptured, &["partially_captured_and_capturable"]),
        (PaymentStatus::Succeeded, &["succeeded", "partially_captured"]),
        (PaymentStatus::Failed, &["failed"]),
        (PaymentStatus::Cancelled, &["cancelled", "cancelled_post_capture"]),
        (PaymentStatus::Expired, &["expired"]),
    ];
    assert_eq!(table.len(), PaymentStatus::ALL.len());
    for (status, words) in table {
        let (server, paychtec) = setup().await;
        read("POST", "/payments/list")
            .and(body_json(json!({"limit": 10, "status": words})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
            .expect(1)
            .mount(&server)
            .await;
        paychtec
            .list_payments(ListPayments::new().with_status(status))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
    }
}

#[tokio::test]
async fn an_end_without_a_start_still_filters() {
    // Hyperswitch's time range needs `start_time`: an `end_time` alone is dropped silently.
    let (server, paychtec) = setup().await;
    read("POST", "/payments/list")
        .and(body_json(json!({
            "limit": 10,
            "start_time": "1970-01-01T00:00:00Z",
            "end_time": "2024-01-31T23:59:59Z"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    paychtec
        .list_payments(
            ListPayments::new().with_created_to(time::macros::datetime!(2024-01-31 23:59:59 UTC)),
        )
        .await
        .unwrap()
        .kept();
}

#[tokio::test]
async fn list_refunds_sends_the_time_range_hyperswitch_takes() {
    let (server, paychtec) = setup().await;
    read("POST", "/refunds/list")
        .and(body_json(json!({
            "limit": 10,
            "payment_id": "pay_order_123",
            "start_time": "2024-01-01T00:00:00Z",
            "end_time": "2024-01-31T23:59:59Z"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 1, "data": [refund_json("ref_1", "succeeded", 300)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_refunds(RefundListQuery {
            payment_id: Some(PaymentId::new("pay_order_123")),
            created_from: Some(time::macros::datetime!(2024-01-01 00:00:00 UTC)),
            created_to: Some(time::macros::datetime!(2024-01-31 23:59:59 UTC)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn list_refunds_filters_by_status_and_currency_as_arrays() {
    let (server, paychtec) = setup().await;
    read("POST", "/refunds/list")
        .and(body_json(json!({
            "limit": 10,
            "refund_status": ["succeeded"],
            "currency": ["USD"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 1, "data": [refund_json("ref_1", "succeeded", 300)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_refunds(RefundListQuery {
            status: Some(RefundStatus::Succeeded),
            currency: Some(Currency::USD),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let err = paychtec
        .list_refunds(RefundListQuery {
            status: Some(RefundStatus::Cancelled),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

// ---- conflicts ----

#[tokio::test]
async fn a_bad_state_answered_400_is_a_conflict() {
    let (server, paychtec) = setup().await;
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
    let err = paychtec
        .capture_payment(&PaymentId::new("pay_done"), CapturePayment::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(err.http_status(), Some(400));
    assert_eq!(err.gateway_code(), Some("IR_14"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_duplicate_answered_400_is_a_conflict() {
    let (server, paychtec) = setup().await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .respond_with(error(
            400,
            "invalid_request",
            "HE_01",
            "The customer with the specified customer_id already exists",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = paychtec.create_customer(CreateCustomer::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(err.gateway_code(), Some("HE_01"));
}

// ---- idempotency through the merchant's ids ----

/// The retried create of the acceptance: no caller key, attempt 1 fails after the gateway
/// created the payment, attempt 2 (the transport's retry) answers duplicate, and the call
/// returns the payment the first attempt made.
async fn retried_create_returns_the_first_payment(server: &MockServer, paychtec: &Paychtec) {
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(duplicate_payment())
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/payments/pay_[0-9a-f]{26}$"))
        .respond_with(echo_payment("succeeded", 6540))
        .expect(1)
        .mount(server)
        .await;
    let req = CreatePayment::new(usd(6540)).with_card(guide_card()).with_billing(guide_billing());
    let p = paychtec.create_payment(req).await.unwrap().kept();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "two attempts of the create, then the read");
    let (first, second, read) = (&reqs[0], &reqs[1], &reqs[2]);
    assert_eq!(first.body, second.body, "the retry sends the same body");
    assert_eq!(first.headers["x-idempotency-key"], second.headers["x-idempotency-key"]);
    let sent = body_of(first)["payment_id"].as_str().unwrap().to_owned();
    assert_eq!(sent.len(), 30, "Hyperswitch's payment_id is 30 characters: {sent}");
    assert_eq!(read.method.as_str(), "GET");
    assert_eq!(read.url.path(), format!("/payments/{sent}"));
    assert!(!read.headers.contains_key("x-idempotency-key"));
    assert_eq!(p.id.as_str(), sent);
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, Some(usd(6540)));
}

#[tokio::test]
async fn a_create_retried_after_a_500_returns_the_first_payment_on_duplicate() {
    let (server, paychtec) = setup().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(error(500, "api_error", "HE_00", "Something went wrong"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    retried_create_returns_the_first_payment(&server, &paychtec).await;
}

#[tokio::test]
async fn a_create_retried_after_a_timeout_returns_the_first_payment_on_duplicate() {
    let server = MockServer::start().await;
    let paychtec = Paychtec::new(config(&server).with_timeout(Duration::from_millis(300))).unwrap();
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(payment_json("pay_late", "succeeded", 6540, "USD"))
                .set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    retried_create_returns_the_first_payment(&server, &paychtec).await;
}

#[tokio::test]
async fn the_payment_id_is_derived_from_the_callers_key_when_the_caller_gives_none() {
    let fixtures = fixtures();
    let vector = fixtures["payment_ids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["idempotency_key"] == "order_123_retry")
        .unwrap();
    let payment_id = vector["payment_id"].as_str().unwrap();
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payments",
        "order_123_retry",
        json!({
            "amount": 6540,
            "currency": "USD",
            "profile_id": PROFILE,
            "payment_id": payment_id,
            "confirm": false,
            "capture_method": "automatic"
        }),
    )
    .respond_with(duplicate_payment())
    .expect(1)
    .mount(&server)
    .await;
    read("GET", &format!("/payments/{payment_id}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            payment_id,
            "requires_payment_method",
            6540,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    // A second logical call with the caller's key of the first: read as already created.
    let req = CreatePayment::new(usd(6540))
        .with_confirm(false)
        .with_idempotency_key(IdempotencyKey::new("order_123_retry").unwrap());
    let p = paychtec.create_payment(req).await.unwrap().kept();
    assert_eq!(p.id.as_str(), payment_id);
    assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
}

#[tokio::test]
async fn a_duplicate_that_is_another_payment_stays_a_conflict() {
    let (server, paychtec) = setup().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(duplicate_payment())
        .expect(1)
        .mount(&server)
        .await;
    // The id the caller chose is held by a payment of another amount: not this call's.
    read("GET", "/payments/pay_order_123")
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_order_123",
            "succeeded",
            999,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let req =
        CreatePayment::new(usd(6540)).with_confirm(false).with_options(PaychtecPaymentOptions {
            payment_id: Some("pay_order_123".into()),
            ..Default::default()
        });
    let err = paychtec.create_payment(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(err.gateway_code(), Some("HE_01"));
}

#[tokio::test]
async fn a_refund_retried_without_a_caller_key_returns_the_first_refund_on_duplicate() {
    let (server, paychtec) = setup().await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .respond_with(error(503, "api_error", "HE_00", "busy"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .respond_with(error(
            400,
            "invalid_request",
            "HE_01",
            "Duplicate refund request. Refund already attempted with the refund ID",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/refunds/ref_[0-9a-f]{26}$"))
        .respond_with(|r: &Request| {
            let id = r.url.path().rsplit('/').next().unwrap().to_owned();
            ResponseTemplate::new(200).set_body_json(refund_json(&id, "pending", 500))
        })
        .expect(1)
        .mount(&server)
        .await;
    let r = paychtec
        .create_refund(CreateRefund::new(PaymentId::new("pay_order_123")).with_amount(usd(500)))
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    let sent = body_of(&reqs[0])["refund_id"].as_str().unwrap().to_owned();
    assert_eq!(body_of(&reqs[1])["refund_id"], sent.as_str());
    assert_eq!(reqs[2].url.path(), format!("/refunds/{sent}"));
    assert_eq!(r.id.as_str(), sent);
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.merchant_refund_id.as_deref(), Some(sent.as_str()));
}

// ---- status readings ----

#[tokio::test]
async fn review_and_conflict_are_processing_without_a_next_action() {
    let (server, paychtec) = setup().await;
    for word in ["requires_merchant_action", "conflicted"] {
        let mut answer = payment_json(&format!("pay_{word}"), word, 6540, "USD");
        answer["next_action"] =
            json!({"type": "redirect_to_url", "redirect_to_url": "https://bank.example/r"});
        read("GET", &format!("/payments/pay_{word}"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
        let p = paychtec.get_payment(&PaymentId::new(format!("pay_{word}"))).await.unwrap().kept();
        assert_eq!(p.status, PaymentStatus::Processing, "{word}");
        assert_eq!(p.raw_status, word);
        assert_eq!(p.next_action, None, "{word}: nothing for the customer to do");
    }
}

#[tokio::test]
async fn next_action_is_set_exactly_when_the_status_is_requires_action() {
    let (server, paychtec) = setup().await;
    for word in paymux_hyperswitch_family::status::PAYMENT_STATUS_WORDS {
        let mut answer = payment_json(&format!("pay_{word}"), word, 6540, "USD");
        answer["next_action"] =
            json!({"type": "redirect_to_url", "redirect_to_url": "https://bank.example/r"});
        read("GET", &format!("/payments/pay_{word}"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        let p = paychtec.get_payment(&PaymentId::new(format!("pay_{word}"))).await.unwrap().kept();
        assert_eq!(
            p.next_action.is_some(),
            p.status == PaymentStatus::RequiresAction,
            "{word}: {:?}",
            p.next_action
        );
    }
}

#[tokio::test]
async fn a_partial_authorization_says_how_much_can_be_captured() {
    let (server, paychtec) = setup().await;
    let mut partial =
        payment_json("pay_partial", "partially_authorized_and_requires_capture", 10_000, "USD");
    partial["amount_capturable"] = json!(5000);
    partial["capture_method"] = json!("manual");
    read("GET", "/payments/pay_partial")
        .respond_with(ResponseTemplate::new(200).set_body_json(partial))
        .expect(1)
        .mount(&server)
        .await;
    read("GET", "/payments/pay_full")
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_full",
            "requires_capture",
            10_000,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    read("GET", "/payments/pay_done")
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_done",
            "succeeded",
            10_000,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.get_payment(&PaymentId::new("pay_partial")).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount, Some(usd(10_000)));
    assert_eq!(p.amount_capturable, Some(usd(5000)));
    let p = paychtec.get_payment(&PaymentId::new("pay_full")).await.unwrap().kept();
    assert_eq!(p.amount_capturable, Some(usd(10_000)));
    let p = paychtec.get_payment(&PaymentId::new("pay_done")).await.unwrap().kept();
    assert_eq!(p.amount_capturable, None, "only a payment awaiting capture has one");
}

#[tokio::test]
async fn action_required_for_review_or_conflict_is_not_a_customer_action() {
    let (_server, paychtec) = setup().await;
    let f = fixtures();
    let cases = f["action_required"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let status = case["status"].as_str().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "X-Webhook-Signature-512",
            HeaderValue::from_str(case["signature"].as_str().unwrap()).unwrap(),
        );
        let event = paychtec
            .parse_webhook(&headers, case["body"].as_str().unwrap().as_bytes())
            .unwrap()
            .kept();
        let WebhookResource::Payment(p) = &event.resource else { panic!("{status}: payment") };
        if status == "requires_customer_action" {
            assert_eq!(event.kind, EventKind::PaymentActionRequired);
            assert_eq!(p.status, PaymentStatus::RequiresAction);
            assert!(matches!(p.next_action, Some(NextAction::Redirect { .. })));
        } else {
            assert_eq!(event.kind, EventKind::PaymentProcessing, "{status}");
            assert_eq!(p.status, PaymentStatus::Processing, "{status}");
            assert_eq!(p.next_action, None, "{status}");
        }
    }
}
