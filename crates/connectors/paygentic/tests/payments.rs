//! Paygentic payments against wiremock: exact requests, the documented answers, error shapes,
//! validation before any request.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

mod common;

use common::{Checked, check};
use paymux_core::transport::RetryPolicy;
use paymux_core::{
    CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment, CreateCustomer,
    CreatePayment, CreateRefund, Currency, CustomerDetails, CustomerId, Decimal, ErrorKind,
    GatewayAmount, IdempotencyKey, ListPayments, Money, NextAction, Operation, OrderLine,
    PageCursor, PaymentId, PaymentProvider, PaymentStatus, RefundId, SecretString,
};
use paymux_paygentic::{Environment, Paygentic, PaygenticConfig, PaygenticPaymentOptions};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn config(server: &MockServer) -> PaygenticConfig {
    PaygenticConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_base_url(server.uri())
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

/// The connector under test; every payment it returns is checked against the contract.
fn connector(server: &MockServer) -> Checked<Paygentic> {
    Checked(Paygentic::new(config(server)).unwrap())
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

/// The `Payment` schema as the OpenAPI document describes it.
fn payment_json(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "object": "payment",
        "amount": "10.50",
        "currency": "USD",
        "status": status,
        "createdAt": "2023-11-07T05:31:56Z",
        "paymentUrl": format!("https://pay.sandbox.paygentic.io/p/{id}"),
        "customerId": "cus_123",
        "idempotencyKey": "order_12345",
        "reference": "Order #12345",
        "metadata": {"orderId": "order_12345"},
        "lineItems": [{"description": "T-shirt", "amount": "5.25", "quantity": 2}],
        "expiresAt": "2023-11-14T05:31:56Z"
    })
}

fn body_of(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[tokio::test]
async fn create_sends_the_exact_body_with_bearer_auth_and_reads_a_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "amount": "10.50",
            "currency": "USD",
            "customerId": "cus_123",
            "idempotencyKey": "order_12345",
            "reference": "Order #12345",
            "metadata": {"orderId": "order_12345"},
            "lineItems": [{"description": "T-shirt", "amount": "5.25", "quantity": 2}],
            "successRedirectUrl": "https://example.com/success",
            "failureRedirectUrl": "https://example.com/failure",
            "savePaymentMethod": false,
            "expiresIn": "P7D"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_1", "pending")))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1050))
        .with_reference("Order #12345")
        .with_customer(CustomerId::from_stored("cus_123"))
        .with_return_url("https://example.com/success")
        .with_metadata("orderId", "order_12345")
        .with_order_line(OrderLine { name: "T-shirt".into(), quantity: 2, unit_amount: usd(525) })
        .with_idempotency_key(IdempotencyKey::new("order_12345").unwrap())
        .with_options(PaygenticPaymentOptions {
            expires_in: Some(Duration::from_secs(7 * 86_400)),
            failure_redirect_url: Some("https://example.com/failure".into()),
            save_payment_method: Some(false),
            merchant_id: None,
        });
    let p = connector(&server).create_payment(req).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_1");
    assert_eq!(p.provider.as_str(), "paygentic");
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.raw_status, "pending");
    assert_eq!(p.amount, Some(usd(1050)));
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://pay.sandbox.paygentic.io/p/pay_1".into() })
    );
    assert_eq!(p.merchant_reference.as_deref(), Some("Order #12345"));
    assert_eq!(p.customer_id, Some(CustomerId::from_stored("cus_123")));
    assert_eq!(p.metadata.get("orderId").map(String::as_str), Some("order_12345"));
    assert_eq!(p.created_at.unwrap().unix_timestamp(), 1_699_335_116);
}

#[tokio::test]
async fn a_minimal_create_sends_only_amount_currency_and_a_generated_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_2", "pending")))
        .mount(&server)
        .await;
    let gw = connector(&server);
    // Both ends of the documented range, in every supported currency.
    for (minor, currency, wire) in [
        (100, Currency::EUR, "1.00"),
        (500_000, Currency::GBP, "5000.00"),
        (7, Currency::AUD, ""),
        (1050, Currency::USD, "10.50"),
    ] {
        let req = CreatePayment::new(Money::from_minor(minor, currency).unwrap());
        let result = gw.create_payment(req).await;
        if wire.is_empty() {
            assert_eq!(result.unwrap_err().kind(), ErrorKind::InvalidRequest);
            continue;
        }
        result.unwrap();
        let received = server.received_requests().await.unwrap();
        let body = body_of(received.last().unwrap());
        let obj = body.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["amount", "currency", "idempotencyKey"]);
        assert_eq!(body["amount"], wire);
        assert_eq!(body["currency"], currency.code());
        assert_eq!(body["idempotencyKey"].as_str().unwrap().len(), 36);
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    let keys: std::collections::BTreeSet<String> = received
        .iter()
        .map(|r| body_of(r)["idempotencyKey"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3, "one fresh key per logical call");
}

#[tokio::test]
async fn an_idempotent_replay_answered_200_is_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .and(body_json(
            json!({"amount": "10.50", "currency": "USD", "idempotencyKey": "order_12345"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pay_1", "completed")))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1050))
        .with_idempotency_key(IdempotencyKey::new("order_12345").unwrap());
    let p = connector(&server).create_payment(req).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_1");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.next_action, None, "a completed payment needs no redirect");
}

#[tokio::test]
async fn a_503_is_retried_with_the_identical_body_and_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"error": "unavailable", "message": "try again"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_3", "pending")))
        .expect(1)
        .mount(&server)
        .await;
    // No caller key: the generated one must be the same on both attempts.
    let p = connector(&server).create_payment(CreatePayment::new(usd(1050))).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_3");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].body, received[1].body, "retry must resend the very same bytes");
    let key = body_of(&received[0])["idempotencyKey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 36);
    for r in &received {
        assert_eq!(r.headers["authorization"], format!("Bearer {KEY}").as_str());
    }
}

#[tokio::test]
async fn get_payment_reads_the_documented_payment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/payments/pay_9"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pay_9", "processing")))
        .expect(1)
        .mount(&server)
        .await;
    let gw = connector(&server);
    let p = gw.get_payment(&PaymentId::new("pay_9")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Processing);
    assert_eq!(p.raw_status, "processing");
    assert_eq!(p.amount, Some(usd(1050)));
    assert_eq!(p.next_action, None);
}

#[tokio::test]
async fn fetch_payment_keeps_the_fields_outside_the_core_model() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/payments/pay_9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pay_9", "pending")))
        .mount(&server)
        .await;
    let raw = connector(&server).fetch_payment(&PaymentId::new("pay_9")).await.unwrap();
    assert_eq!(raw.expires_at.as_deref(), Some("2023-11-14T05:31:56Z"));
    let items = raw.line_items.unwrap();
    assert_eq!(items[0].amount.as_deref(), Some("5.25"));
    assert_eq!(items[0].quantity, Some(2));
}

#[tokio::test]
async fn every_status_word_maps() {
    let server = MockServer::start().await;
    let table = [
        ("pending", PaymentStatus::RequiresAction, true),
        ("processing", PaymentStatus::Processing, false),
        ("completed", PaymentStatus::Succeeded, false),
        ("expired", PaymentStatus::Expired, false),
        ("cancelled", PaymentStatus::Cancelled, false),
        ("refunded", PaymentStatus::Processing, false),
        ("", PaymentStatus::Processing, false),
    ];
    for (i, (word, _, _)) in table.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/v0/payments/pay_{i}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(payment_json(&format!("pay_{i}"), word)),
            )
            .mount(&server)
            .await;
    }
    let gw = connector(&server);
    for (i, (word, status, redirect)) in table.iter().enumerate() {
        let p = gw.get_payment(&PaymentId::new(format!("pay_{i}"))).await.unwrap();
        assert_eq!(p.status, *status, "{word:?}");
        assert_eq!(p.raw_status, *word);
        assert_eq!(p.next_action.is_some(), *redirect, "{word:?}");
    }
}

#[tokio::test]
async fn list_sends_filters_and_pages_by_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/payments"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(query_param("limit", "100"))
        .and(query_param("offset", "20"))
        .and(query_param("status", "completed"))
        .and(query_param("customerId", "cus_123"))
        .and(query_param("merchantId", "org_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [payment_json("pay_a", "completed"), payment_json("pay_b", "completed")],
            "pagination": {"limit": 100, "offset": 20, "total": 45}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let gw = Paygentic::new(config(&server).with_merchant_id("org_1")).unwrap();
    let page = gw
        .list_payments(
            ListPayments::new()
                .with_limit(500)
                .with_cursor(PageCursor::Offset(20))
                .with_status(PaymentStatus::Succeeded)
                .with_customer(CustomerId::from_stored("cus_123")),
        )
        .await
        .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_a", "pay_b"]);
    assert_eq!(page.total, Some(45));
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(22)));
}

#[tokio::test]
async fn the_last_page_has_no_next() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/payments"))
        .and(query_param("offset", "40"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [payment_json("pay_z", "expired")],
            "pagination": {"limit": 10, "offset": 40, "total": 41}
        })))
        .mount(&server)
        .await;
    let page = connector(&server)
        .list_payments(ListPayments::new().with_cursor(PageCursor::Offset(40)))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(!page.has_more);
    assert_eq!(page.next, None);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("offset=40"), "no limit sent when none asked");
}

#[tokio::test]
async fn list_filters_paygentic_lacks_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let gw = connector(&server);
    let now = time::OffsetDateTime::now_utc();
    for query in [
        ListPayments::new().with_cursor(PageCursor::After("pay_1".into())),
        ListPayments::new().with_status(PaymentStatus::Failed),
        ListPayments::new().with_created_from(now),
        ListPayments::new().with_merchant_reference("Order 1"),
    ] {
        let e = gw.list_payments(query.clone()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{query:?}");
    }
}

#[tokio::test]
async fn error_shapes_map_to_kinds_and_keep_code_and_message() {
    let cases: Vec<(u16, Value, ErrorKind, Option<&str>, &str)> = vec![
        (
            400,
            json!({
                "error": "validation_error",
                "message": "Validation failed",
                "errors": [
                    {"field": "amount", "message": "Must be at least 1.00", "code": "too_small"},
                    {"field": "currency", "message": "Invalid enum value", "code": "invalid_enum"}
                ]
            }),
            ErrorKind::InvalidRequest,
            Some("validation_error"),
            "Validation failed; amount: Must be at least 1.00 (too_small); currency: Invalid enum value (invalid_enum)",
        ),
        (
            400,
            json!({"error": "bad_request", "message": "Malformed JSON", "code": "invalid_json", "details": {"at": 12}}),
            ErrorKind::InvalidRequest,
            Some("invalid_json"),
            "Malformed JSON",
        ),
        (
            401,
            json!({"error": "unauthorized", "message": "Invalid API key"}),
            ErrorKind::Authentication,
            Some("unauthorized"),
            "Invalid API key",
        ),
        (
            403,
            json!({"error": "forbidden", "message": "merchantId required"}),
            ErrorKind::Authentication,
            Some("forbidden"),
            "merchantId required",
        ),
        (
            404,
            json!({"message": "The requested resource was not found", "error": "not_found"}),
            ErrorKind::NotFound,
            Some("not_found"),
            "The requested resource was not found",
        ),
        (
            409,
            json!({"error": "conflict", "message": "Idempotency key reused", "code": "idempotency_conflict"}),
            ErrorKind::Conflict,
            Some("idempotency_conflict"),
            "Idempotency key reused",
        ),
        (
            429,
            json!({"error": "rate_limited", "message": "Slow down"}),
            ErrorKind::RateLimited,
            Some("rate_limited"),
            "Slow down",
        ),
        (
            500,
            json!({"error": "internal_error", "message": "Something went wrong"}),
            ErrorKind::ProviderUnavailable,
            Some("internal_error"),
            "Something went wrong",
        ),
    ];
    for (status, body, kind, code, message) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v0/payments"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let gw = Paygentic::new(config(&server).with_retry(RetryPolicy::none())).unwrap();
        let e = gw.create_payment(CreatePayment::new(usd(1050))).await.unwrap_err();
        assert_eq!(e.kind(), kind, "{status} {body}");
        assert_eq!(e.http_status(), Some(status));
        assert_eq!(e.gateway_code(), code, "{status} {body}");
        assert_eq!(e.gateway_message(), Some(message), "{status} {body}");
        assert_eq!(e.provider().map(|p| p.as_str()), Some("paygentic"));
        assert_eq!(e.is_outcome_unknown(), status >= 500, "{status}");
    }
}

#[tokio::test]
async fn an_unreadable_error_body_keeps_the_status_kind() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>not here</html>"))
        .mount(&server)
        .await;
    let e = connector(&server).get_payment(&PaymentId::new("pay_x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.gateway_code(), None);
    assert!(e.gateway_message().unwrap().contains("not here"));
}

#[tokio::test]
async fn an_unreadable_success_answer_is_invalid_response_with_unknown_outcome() {
    let server = MockServer::start().await;
    let mut bad = payment_json("pay_1", "pending");
    bad["amount"] = json!("ten dollars");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(bad))
        .mount(&server)
        .await;
    let e = connector(&server).create_payment(CreatePayment::new(usd(1050))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(e.is_outcome_unknown());
}

fn lines(n: usize) -> Vec<OrderLine> {
    (0..n)
        .map(|i| OrderLine { name: format!("item {i}"), quantity: 1, unit_amount: usd(100) })
        .collect()
}

#[tokio::test]
async fn every_validation_rule_refuses_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let gw = connector(&server);
    let long_key: IdempotencyKey = serde_json::from_value(json!("k".repeat(256))).unwrap();
    let ext = |secs: u64, nanos: u32| PaygenticPaymentOptions {
        expires_in: Some(Duration::new(secs, nanos)),
        ..PaygenticPaymentOptions::default()
    };
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let cases: Vec<(&str, CreatePayment, ErrorKind)> = vec![
        ("below 1.00", CreatePayment::new(usd(99)), ErrorKind::InvalidRequest),
        ("zero", CreatePayment::new(usd(0)), ErrorKind::InvalidRequest),
        ("above 5,000.00", CreatePayment::new(usd(500_001)), ErrorKind::InvalidRequest),
        (
            "CHF",
            CreatePayment::new(Money::from_minor(1050, Currency::CHF).unwrap()),
            ErrorKind::InvalidRequest,
        ),
        (
            "JPY",
            CreatePayment::new(Money::from_minor(1050, Currency::JPY).unwrap()),
            ErrorKind::InvalidRequest,
        ),
        (
            "reference 256",
            CreatePayment::new(usd(1050)).with_reference("r".repeat(256)),
            ErrorKind::InvalidRequest,
        ),
        (
            "reference 256 multibyte",
            CreatePayment::new(usd(1050)).with_reference("é".repeat(256)),
            ErrorKind::InvalidRequest,
        ),
        (
            "key 256",
            CreatePayment::new(usd(1050)).with_idempotency_key(long_key),
            ErrorKind::InvalidRequest,
        ),
        (
            "101 lines",
            {
                let mut r = CreatePayment::new(usd(1050));
                r.order_lines = lines(101);
                r
            },
            ErrorKind::InvalidRequest,
        ),
        (
            "quantity 0",
            CreatePayment::new(usd(1050)).with_order_line(OrderLine {
                name: "x".into(),
                quantity: 0,
                unit_amount: usd(100),
            }),
            ErrorKind::InvalidRequest,
        ),
        (
            "line in EUR",
            CreatePayment::new(usd(1050)).with_order_line(OrderLine {
                name: "x".into(),
                quantity: 1,
                unit_amount: Money::from_minor(100, Currency::EUR).unwrap(),
            }),
            ErrorKind::InvalidRequest,
        ),
        (
            "expires 31 days + 1 s",
            CreatePayment::new(usd(1050)).with_options(ext(31 * 86_400 + 1, 0)),
            ErrorKind::InvalidRequest,
        ),
        (
            "expires 0",
            CreatePayment::new(usd(1050)).with_options(ext(0, 0)),
            ErrorKind::InvalidRequest,
        ),
        (
            "expires 1.5 s",
            CreatePayment::new(usd(1050)).with_options(ext(1, 500_000_000)),
            ErrorKind::InvalidRequest,
        ),
        ("card", CreatePayment::new(usd(1050)).with_card(card), ErrorKind::InvalidRequest),
        (
            "manual capture",
            CreatePayment::new(usd(1050)).with_capture(CaptureMode::Manual),
            ErrorKind::Unsupported,
        ),
        (
            "confirm false",
            CreatePayment::new(usd(1050)).with_confirm(false),
            ErrorKind::Unsupported,
        ),
    ];
    for (name, req, kind) in cases {
        let e = gw.create_payment(req).await.unwrap_err();
        assert_eq!(e.kind(), kind, "{name}: {e}");
    }
    let e = gw.get_payment(&PaymentId::new("pay_1/../../admin")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn the_limits_themselves_are_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_1", "pending")))
        .mount(&server)
        .await;
    let key: IdempotencyKey = serde_json::from_value(json!("k".repeat(255))).unwrap();
    let mut req = CreatePayment::new(usd(1050))
        .with_reference("é".repeat(255))
        .with_idempotency_key(key)
        .with_customer_details(CustomerDetails {
            email: Some("a@example.com".into()),
            ..Default::default()
        })
        .with_description("not sent: Paygentic has no description")
        .with_options(PaygenticPaymentOptions {
            expires_in: Some(Duration::from_secs(31 * 86_400)),
            merchant_id: Some("org_9".into()),
            ..PaygenticPaymentOptions::default()
        });
    req.order_lines = lines(100);
    connector(&server).create_payment(req).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let body = body_of(&received[0]);
    assert_eq!(body["expiresIn"], "P31D");
    assert_eq!(body["merchantId"], "org_9");
    assert_eq!(body["lineItems"].as_array().unwrap().len(), 100);
    assert_eq!(
        body["lineItems"][0],
        json!({"description": "item 0", "amount": "1.00", "quantity": 1})
    );
    assert!(body.get("customerId").is_none() && body.get("description").is_none());
}

#[tokio::test]
async fn a_create_body_never_carries_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/payments"))
        .and(body_json(json!({
            "amount": "10.50",
            "currency": "USD",
            "idempotencyKey": "k-absent-1",
            "lineItems": [{"description": "T-shirt", "amount": "5.25", "quantity": 2}]
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_1", "pending")))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1050))
        .with_order_line(OrderLine { name: "T-shirt".into(), quantity: 2, unit_amount: usd(525) })
        .with_idempotency_key(IdempotencyKey::new("k-absent-1").unwrap());
    connector(&server).create_payment(req).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let text = String::from_utf8(received[0].body.clone()).unwrap();
    assert!(!text.contains("null"), "an absent field is left out: {text}");
}

#[tokio::test]
async fn expires_in_is_written_as_iso8601() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pay_1", "pending")))
        .mount(&server)
        .await;
    let gw = connector(&server);
    let table = [(3_600, "PT1H"), (5_400, "PT1H30M"), (86_400 + 61, "P1DT1M1S"), (45, "PT45S")];
    for (secs, _) in table {
        let req = CreatePayment::new(usd(1050)).with_options(PaygenticPaymentOptions {
            expires_in: Some(Duration::from_secs(secs)),
            ..PaygenticPaymentOptions::default()
        });
        gw.create_payment(req).await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    for (r, (_, want)) in received.iter().zip(table) {
        assert_eq!(body_of(r)["expiresIn"], want);
    }
}

#[tokio::test]
async fn operations_paygentic_lacks_are_unsupported_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let gw = connector(&server);
    let id = PaymentId::new("pay_1");
    let errors = [
        gw.confirm_payment(&id, ConfirmPayment::default()).await.unwrap_err(),
        gw.capture_payment(&id, CapturePayment::default()).await.unwrap_err(),
        gw.cancel_payment(&id, CancelPayment::default()).await.unwrap_err(),
        gw.create_refund(CreateRefund::new(id.clone())).await.unwrap_err(),
        gw.get_refund(&RefundId::new("re_1")).await.unwrap_err(),
        gw.create_customer(CreateCustomer::default()).await.unwrap_err(),
        gw.get_customer(&CustomerId::from_stored("cus_1")).await.unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
        assert_eq!(e.provider().map(|p| p.as_str()), Some("paygentic"));
    }
}

#[tokio::test]
async fn options_for_another_gateway_are_refused_without_a_request() {
    #[derive(Clone)]
    struct OtherGatewayOptions;
    impl paymux_core::GatewayOptions for OtherGatewayOptions {
        const GATEWAY: &'static str = "paytech";
    }
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1050)).with_options(OtherGatewayOptions);
    let e = connector(&server).create_payment(req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    assert!(e.message().contains("paytech") && e.message().contains("paygentic"), "{e}");
    assert_eq!(e.provider().map(|p| p.as_str()), Some("paygentic"));
}

#[tokio::test]
async fn capabilities_are_honest() {
    let server = MockServer::start().await;
    let caps = connector(&server).capabilities().clone();
    let supported: Vec<Operation> = caps.operations().collect();
    assert_eq!(
        supported,
        [Operation::CreatePayment, Operation::GetPayment, Operation::ListPayments]
    );
    for c in [Currency::USD, Currency::EUR, Currency::GBP, Currency::AUD] {
        assert!(caps.supports_currency(c));
    }
    assert!(!caps.supports_currency(Currency::CHF));
    assert!(!caps.supports_currency(Currency::JPY));
    let with_hooks = Paygentic::new(
        config(&server).with_webhook_secret(SecretString::from("whsec_c2VjcmV0LWtleQ==")),
    )
    .unwrap();
    assert!(with_hooks.capabilities().supports(Operation::Webhooks));
    assert!(!with_hooks.capabilities().supports(Operation::CreateRefund));
}

#[test]
fn keys_must_match_the_environment() {
    let make = |key: &str, env| Paygentic::new(PaygenticConfig::new(SecretString::from(key), env));
    assert!(make("sk_test_abc", Environment::Sandbox).is_ok());
    assert!(make("sk_live_abc", Environment::Production).is_ok());
    for (key, env) in [
        ("sk_live_abc", Environment::Sandbox),
        ("sk_test_abc", Environment::Production),
        ("pk_test_abc", Environment::Sandbox),
        ("sk_test_", Environment::Sandbox),
        ("", Environment::Production),
    ] {
        let e = make(key, env).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration, "{key:?} {env:?}");
        assert!(!e.to_string().contains("abc"), "the key must not leak: {e}");
    }
    // A base URL override does not lift the check.
    let e = Paygentic::new(
        PaygenticConfig::new(SecretString::from("sk_live_abc"), Environment::Sandbox)
            .with_base_url("http://127.0.0.1:9"),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration);
    for bad in ["c2VjcmV0", "whsec_", "whsec_not base64!"] {
        let e = Paygentic::new(
            PaygenticConfig::new(SecretString::from("sk_test_abc"), Environment::Sandbox)
                .with_webhook_secret(SecretString::from(bad)),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration, "{bad:?}");
    }
}

#[test]
fn debug_never_shows_secrets() {
    let config =
        PaygenticConfig::new(SecretString::from("sk_test_SUPERSECRET"), Environment::Sandbox)
            .with_webhook_secret(SecretString::from("whsec_c2VjcmV0LWtleQ=="));
    let gw = Paygentic::new(config.clone()).unwrap();
    for text in [format!("{config:?}"), format!("{gw:?}")] {
        assert!(!text.contains("SUPERSECRET"), "{text}");
        assert!(!text.contains("c2VjcmV0LWtleQ"), "{text}");
    }
}

/// An amount Money cannot hold (more decimals than the currency has, a currency outside ISO
/// 4217) is read, not an error: the figure is kept exactly in `gateway_amount`, and such a
/// payment never hides the rest of a list page.
#[tokio::test]
async fn a_payment_money_cannot_hold_is_read_and_listed() {
    let server = MockServer::start().await;
    let mut odd = payment_json("pay_odd", "completed");
    odd["amount"] = json!("10.505");
    let mut btc = payment_json("pay_btc", "completed");
    btc["amount"] = json!("0.00012345");
    btc["currency"] = json!("BTC");
    Mock::given(method("GET"))
        .and(path("/v0/payments/pay_odd"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&odd))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v0/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [payment_json("pay_a", "completed"), btc, odd],
            "pagination": {"limit": 10, "offset": 0, "total": 3}
        })))
        .mount(&server)
        .await;
    let gw = connector(&server);
    let p = gw.get_payment(&PaymentId::new("pay_odd")).await.unwrap();
    assert_eq!(p.amount, None);
    assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::new(10505, 3), "USD")));
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let page = gw.list_payments(ListPayments::default()).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_a", "pay_btc", "pay_odd"]);
    assert_eq!(page.items[0].amount, Some(usd(1050)));
    assert_eq!(
        page.items[1].gateway_amount,
        Some(GatewayAmount::new(Decimal::new(12345, 8), "BTC"))
    );
    let details = gw.fetch_payment(&PaymentId::new("pay_odd")).await.unwrap();
    check(&details.payment);
}

/// `pending` without a `paymentUrl` gives the customer nowhere to go: `Processing`, so that
/// `RequiresAction` always comes with its redirect.
#[tokio::test]
async fn a_pending_payment_without_a_payment_url_is_processing() {
    let server = MockServer::start().await;
    let mut answer = payment_json("pay_nourl", "pending");
    answer.as_object_mut().unwrap().remove("paymentUrl");
    Mock::given(method("GET"))
        .and(path("/v0/payments/pay_nourl"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_nourl")).await.unwrap();
    assert_eq!((p.status, p.raw_status.as_str()), (PaymentStatus::Processing, "pending"));
    assert_eq!(p.next_action, None);
}
