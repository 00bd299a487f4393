//! Payments: every route's exact wire request against the guide's payloads, answers mapped.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    CancelPayment, CaptureMode, CapturePayment, ConfirmPayment, CreatePayment, Currency,
    CustomerDetails, CustomerId, DeclineCode, ErrorKind, IdempotencyKey, ListPayments, Money,
    NextAction, OrderLine, PageCursor, PaymentId, PaymentProvider, PaymentStatus,
};
use paymux_paychtec::BrowserInfo;
use paymux_paychtec::{
    AuthenticationType, PaychtecCaptureOptions, PaychtecConfirmOptions, PaychtecPaymentOptions,
    PaymentListQuery, UpdatePayment,
};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::{method, path};

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::new(k).unwrap()
}

fn guide_one_step_request() -> CreatePayment {
    CreatePayment::new(usd(6540))
        .with_reference("order_123")
        .with_metadata("cart_id", "cart_456")
        .with_capture(CaptureMode::Automatic)
        .with_return_url("https://example.com/payment-return")
        .with_customer_details(CustomerDetails {
            email: Some("customer@example.com".into()),
            name: Some("Jane Customer".into()),
            phone: Some(guide_phone()),
        })
        .with_card(guide_card())
        .with_billing(guide_billing())
        .with_order_line(OrderLine {
            name: "Premium plan".into(),
            quantity: 1,
            unit_amount: usd(6540),
        })
        .with_idempotency_key(key("order_123_attempt_1"))
        .with_options(PaychtecPaymentOptions {
            payment_id: Some("pay_order_123".into()),
            authentication_type: Some(AuthenticationType::ThreeDs),
            card_type: None,
            browser_info: Some(BrowserInfo {
                ip_address: Some("203.0.113.42".into()),
                user_agent: Some("Mozilla/5.0".into()),
                accept_header: Some("text/html".into()),
                language: Some("en-US".into()),
                color_depth: Some(24),
                screen_height: Some(1080),
                screen_width: Some(1920),
                time_zone: Some(-300),
                java_enabled: Some(false),
                java_script_enabled: Some(true),
            }),
        })
}

/// The guide's "Create Payment" payload, verbatim.
fn guide_one_step_body() -> serde_json::Value {
    json!({
        "amount": 6540,
        "currency": "USD",
        "profile_id": "YOUR_PROFILE_ID",
        "payment_id": "pay_order_123",
        "confirm": true,
        "capture_method": "automatic",
        "authentication_type": "three_ds",
        "return_url": "https://example.com/payment-return",
        "email": "customer@example.com",
        "name": "Jane Customer",
        "phone": "6502530000",
        "phone_country_code": "+1",
        "payment_method": "card",
        "payment_method_type": "credit",
        "payment_method_data": guide_card_json(),
        "billing": guide_billing_json(),
        "browser_info": {
            "ip_address": "203.0.113.42",
            "user_agent": "Mozilla/5.0",
            "accept_header": "text/html",
            "language": "en-US",
            "color_depth": 24,
            "screen_height": 1080,
            "screen_width": 1920,
            "time_zone": -300,
            "java_enabled": false,
            "java_script_enabled": true
        },
        "order_details": [
            {"name": "Premium plan", "quantity": 1, "amount": 6540, "currency": "USD"}
        ],
        "metadata": {"order_id": "order_123", "cart_id": "cart_456"}
    })
}

#[tokio::test]
async fn one_step_payment_sends_the_guides_payload_exactly() {
    let (server, paychtec) = setup().await;
    mutation("POST", "/payments", "order_123_attempt_1", guide_one_step_body())
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_order_123",
            "succeeded",
            6540,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.create_payment(guide_one_step_request()).await.unwrap().kept();
    assert_eq!(p.id, PaymentId::new("pay_order_123"));
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.raw_status, "succeeded");
    assert_eq!(p.amount, Some(usd(6540)));
    assert_eq!(p.amount_received, Some(usd(6540)));
    assert_eq!(p.merchant_reference.as_deref(), Some("order_123"));
    assert_eq!(p.metadata["cart_id"], "cart_456");
    assert_eq!(p.capture_mode, Some(CaptureMode::Automatic));
    assert_eq!(p.provider.as_str(), "paychtec");
    assert!(p.failure.is_none());
    assert!(p.created_at.is_some());
    // Never items/line_items/cart_items; the body carried order_details.
    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    for banned in ["items", "line_items", "cart_items"] {
        assert!(sent.get(banned).is_none(), "{banned} must never be sent");
    }
}

#[tokio::test]
async fn two_step_payment_and_confirm_send_the_guides_payloads() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payments",
        "order_123_create",
        json!({
            "amount": 6540,
            "currency": "USD",
            "profile_id": "YOUR_PROFILE_ID",
            "payment_id": derived_payment_id("order_123_create"),
            "customer_id": "cus_acme_42",
            "confirm": false,
            "capture_method": "automatic",
            "description": "Order #123",
            "metadata": {"order_id": "order_123"}
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "payment_id": "pay_2step",
        "status": "requires_payment_method",
        "amount": 6540,
        "currency": "USD",
        "customer_id": "cus_acme_42",
        "description": "Order #123",
        "capture_method": "automatic",
        "metadata": {"order_id": "order_123"},
        "created": "2024-01-22T10:19:58Z"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let created = paychtec
        .create_payment(
            CreatePayment::new(usd(6540))
                .with_confirm(false)
                .with_customer(CustomerId::from_stored("cus_acme_42"))
                .with_description("Order #123")
                .with_reference("order_123")
                .with_idempotency_key(key("order_123_create")),
        )
        .await
        .unwrap()
        .kept();
    assert_eq!(created.status, PaymentStatus::RequiresPaymentMethod);
    assert_eq!(created.customer_id, Some(CustomerId::from_stored("cus_acme_42")));

    // The guide's "Confirm Payment" payload.
    mutation(
        "POST",
        "/payments/pay_2step/confirm",
        "order_123_confirm",
        json!({
            "payment_method": "card",
            "payment_method_type": "credit",
            "payment_method_data": guide_card_json(),
            "billing": guide_billing_json(),
            "return_url": "https://example.com/payment-return",
            "browser_info": {
                "ip_address": "203.0.113.42",
                "user_agent": "Mozilla/5.0",
                "accept_header": "text/html",
                "language": "en-US",
                "java_script_enabled": true
            }
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "payment_id": "pay_2step",
        "status": "requires_customer_action",
        "amount": 6540,
        "currency": "USD",
        "next_action": {
            "type": "redirect_to_url",
            "redirect_to_url": "https://api.sandbox.paychtec.com/payments/redirect/pay_2step/3ds"
        }
    })))
    .expect(1)
    .mount(&server)
    .await;
    let mut confirm = ConfirmPayment::new()
        .with_payment_method(paymux_core::PaymentMethod::Card(guide_card()))
        .with_billing(guide_billing())
        .with_return_url("https://example.com/payment-return")
        .with_customer_ip("203.0.113.42".parse().unwrap())
        .with_idempotency_key(key("order_123_confirm"));
    confirm.extensions.insert(PaychtecConfirmOptions {
        card_type: None,
        browser_info: Some(BrowserInfo {
            user_agent: Some("Mozilla/5.0".into()),
            accept_header: Some("text/html".into()),
            language: Some("en-US".into()),
            java_script_enabled: Some(true),
            ..Default::default()
        }),
    });
    let p = paychtec.confirm_payment(&created.id, confirm).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect {
            url: "https://api.sandbox.paychtec.com/payments/redirect/pay_2step/3ds".into()
        })
    );
}

#[tokio::test]
async fn requires_redirection_also_exposes_the_redirect() {
    let (server, paychtec) = setup().await;
    read("GET", "/payments/pay_r")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "pay_r", "status": "requires_redirection", "amount": 100,
            "currency": "EUR",
            "next_action": {"type": "redirect_to_url", "redirect_to_url": "https://bank.example/r"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.get_payment(&PaymentId::new("pay_r")).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.next_action, Some(NextAction::Redirect { url: "https://bank.example/r".into() }));
}

#[tokio::test]
async fn get_payment_is_a_plain_get_without_idempotency_key() {
    let (server, paychtec) = setup().await;
    read("GET", "/payments/pay_order_123")
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_order_123",
            "processing",
            6540,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.get_payment(&PaymentId::new("pay_order_123")).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Processing);
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs[0].body.is_empty());
    assert!(!reqs[0].headers.contains_key("x-idempotency-key"));
}

#[tokio::test]
async fn capture_partial_with_statement_descriptors_sends_the_guides_payload() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payments/pay_order_123/capture",
        "cap_1",
        json!({
            "amount_to_capture": 6540,
            "statement_descriptor_prefix": "ACME",
            "statement_descriptor_suffix": "Order123"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
        "pay_order_123",
        "succeeded",
        6540,
        "USD",
    )))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CapturePayment::new()
        .with_amount(usd(6540))
        .with_statement_descriptor("Order123")
        .with_idempotency_key(key("cap_1"));
    req.extensions.insert(PaychtecCaptureOptions {
        statement_descriptor_prefix: Some("ACME".into()),
        statement_descriptor_suffix: None,
    });
    let p = paychtec.capture_payment(&PaymentId::new("pay_order_123"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn capture_without_amount_sends_an_empty_body_and_maps_partial_capture() {
    let (server, paychtec) = setup().await;
    mutation("POST", "/payments/pay_m/capture", "cap_full", json!({}))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "pay_m", "status": "partially_captured_and_capturable",
            "amount": 10000, "amount_received": 4000, "amount_capturable": 6000,
            "currency": "USD", "capture_method": "manual_multiple"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let req = CapturePayment::new().with_idempotency_key(key("cap_full"));
    let p = paychtec.capture_payment(&PaymentId::new("pay_m"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::PartiallyCaptured);
    assert_eq!(p.amount_captured, Some(usd(4000)));
    assert_eq!(p.capture_mode, Some(CaptureMode::Manual));
}

#[tokio::test]
async fn cancel_sends_cancellation_reason() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payments/pay_order_123/cancel",
        "cancel_1",
        json!({"cancellation_reason": "Customer requested cancellation"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
        "pay_order_123",
        "cancelled",
        6540,
        "USD",
    )))
    .expect(1)
    .mount(&server)
    .await;
    let req = CancelPayment::new()
        .with_reason("Customer requested cancellation")
        .with_idempotency_key(key("cancel_1"));
    let p = paychtec.cancel_payment(&PaymentId::new("pay_order_123"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Cancelled);
}

#[tokio::test]
async fn update_payment_sends_only_the_fields_set() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payments/pay_2step",
        "upd_1",
        json!({
            "amount": 7000,
            "currency": "USD",
            "description": "Order #123 (2 seats)",
            "order_details": [
                {"name": "Premium plan", "quantity": 2, "amount": 3500, "currency": "USD"}
            ]
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
        "pay_2step",
        "requires_payment_method",
        7000,
        "USD",
    )))
    .expect(1)
    .mount(&server)
    .await;
    let p = paychtec
        .update_payment(
            &PaymentId::new("pay_2step"),
            UpdatePayment {
                amount: Some(usd(7000)),
                description: Some("Order #123 (2 seats)".into()),
                order_lines: Some(vec![OrderLine {
                    name: "Premium plan".into(),
                    quantity: 2,
                    unit_amount: usd(3500),
                }]),
                idempotency_key: Some(key("upd_1")),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .kept();
    assert_eq!(p.amount, Some(usd(7000)));
}

#[tokio::test]
async fn approve_and_reject_review() {
    let (server, paychtec) = setup().await;
    mutation("POST", "/payments/pay_rev/approve", "appr_1", json!({}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_rev",
            "succeeded",
            6540,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    mutation("POST", "/payments/pay_rev2/reject", "rej_1", json!({"reason": "fraud suspected"}))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(payment_json("pay_rev2", "failed", 6540, "USD")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let a = paychtec
        .approve_payment(&PaymentId::new("pay_rev"), None, Some(key("appr_1")))
        .await
        .unwrap();
    assert_eq!(a.status, PaymentStatus::Succeeded);
    let r = paychtec
        .reject_payment(
            &PaymentId::new("pay_rev2"),
            Some("fraud suspected".into()),
            Some(key("rej_1")),
        )
        .await
        .unwrap();
    assert_eq!(r.status, PaymentStatus::Failed);
}

#[tokio::test]
async fn list_payments_sends_every_filter_and_pages_by_offset() {
    let (server, paychtec) = setup().await;
    let created_from = time::macros::datetime!(2024-01-01 00:00:00 UTC);
    let created_to = time::macros::datetime!(2024-01-31 23:59:59 UTC);
    read("POST", "/payments/list")
        .and(wiremock::matchers::body_json(json!({
            "limit": 2,
            "offset": 4,
            "status": ["succeeded", "partially_captured"],
            "customer_id": "cus_acme_42",
            "start_time": "2024-01-01T00:00:00Z",
            "end_time": "2024-01-31T23:59:59Z",
            "currency": ["USD"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2,
            "total_count": 9,
            "data": [
                payment_json("pay_9", "succeeded", 100, "USD"),
                payment_json("pay_8", "succeeded", 200, "USD")
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_payments_filtered(PaymentListQuery {
            list: {
                let mut q = ListPayments::new()
                    .with_limit(2)
                    .with_cursor(PageCursor::Offset(4))
                    .with_status(PaymentStatus::Succeeded)
                    .with_customer(CustomerId::from_stored("cus_acme_42"))
                    .with_created_from(created_from)
                    .with_created_to(created_to);
                q.merchant_reference = None;
                q
            },
            currency: Some(Currency::USD),
        })
        .await
        .unwrap()
        .kept();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].id.as_str(), "pay_9");
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(6)));
    assert_eq!(page.total, Some(9));
    // A list is a read: no idempotency key is sent.
    let reqs = server.received_requests().await.unwrap();
    assert!(!reqs[0].headers.contains_key("x-idempotency-key"));
}

#[tokio::test]
async fn trait_list_payments_last_page_and_limit_clamp() {
    let (server, paychtec) = setup().await;
    read("POST", "/payments/list")
        .and(wiremock::matchers::body_json(json!({"limit": 100, "offset": 6})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 7,
            "data": [payment_json("pay_1", "failed", 100, "USD")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_payments(ListPayments::new().with_limit(500).with_cursor(PageCursor::Offset(6)))
        .await
        .unwrap()
        .kept();
    assert!(!page.has_more);
    assert_eq!(page.next, None);
    // Cursor kinds Paychtec does not have are refused before any request.
    let err = paychtec
        .list_payments(ListPayments::new().with_cursor(PageCursor::After("pay_1".into())))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn a_503_then_200_retries_with_the_same_idempotency_key() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"type": "api_error", "code": "HE_00", "message": "Something went wrong"}
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mutation("POST", "/payments", "order_123_attempt_1", guide_one_step_body())
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_order_123",
            "succeeded",
            6540,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.create_payment(guide_one_step_request()).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].headers["x-idempotency-key"], reqs[1].headers["x-idempotency-key"]);
    assert_eq!(reqs[0].body, reqs[1].body);
    for r in &reqs {
        assert_eq!(r.headers.get_all("content-type").iter().count(), 1);
        assert_eq!(r.headers["api-key"], KEY);
    }
}

#[tokio::test]
async fn a_generated_key_is_the_same_on_every_retry() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/payments/pay_x/cancel"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(method("POST"))
        .and(path("/payments/pay_x/cancel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_x",
            "cancelled",
            1,
            "USD",
        )))
        .mount(&server)
        .await;
    paychtec
        .cancel_payment(&PaymentId::new("pay_x"), CancelPayment::default())
        .await
        .unwrap()
        .kept();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    let k0 = reqs[0].headers["x-idempotency-key"].to_str().unwrap();
    assert_eq!(k0.len(), 36, "a UUID v4 was generated");
    assert_eq!(reqs[1].headers["x-idempotency-key"], k0);
}

#[tokio::test]
async fn a_decline_recorded_as_a_payment_is_ok_with_a_normalized_failure() {
    let (server, paychtec) = setup().await;
    let mut body = payment_json("pay_d", "failed", 6540, "USD");
    body["error_code"] = json!("insufficient_funds");
    body["error_message"] = json!("Your card has insufficient funds.");
    wiremock::Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let p = paychtec.create_payment(guide_one_step_request()).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
    let f = p.failure.unwrap();
    assert_eq!(f.gateway_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(f.message.as_deref(), Some("Your card has insufficient funds."));
}

#[tokio::test]
async fn decline_codes_table() {
    let (server, paychtec) = setup().await;
    let table = [
        ("do_not_honor", Some(DeclineCode::CardDeclined)),
        ("card_declined", Some(DeclineCode::CardDeclined)),
        ("expired_card", Some(DeclineCode::ExpiredCard)),
        ("INCORRECT_CVC", Some(DeclineCode::IncorrectCvc)),
        ("stolen_card", Some(DeclineCode::PickUpCard)),
        ("fraudulent", Some(DeclineCode::FraudSuspected)),
        ("authentication_required", Some(DeclineCode::AuthenticationRequired)),
        ("UE_9000", None),
    ];
    for (i, (code, expected)) in table.iter().enumerate() {
        let id = format!("pay_dc_{i}");
        let mut body = payment_json(&id, "failed", 100, "USD");
        body["error_code"] = json!(code);
        read("GET", &format!("/payments/{id}"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let p = paychtec.get_payment(&PaymentId::new(id)).await.unwrap().kept();
        let f = p.failure.unwrap();
        assert_eq!(f.code.as_ref(), expected.as_ref(), "{code}");
        assert_eq!(f.gateway_code.as_deref(), Some(*code));
    }
}

#[tokio::test]
async fn jpy_and_kwd_amounts_are_minor_units_both_ways() {
    let (server, paychtec) = setup().await;
    for (currency, code, minor) in [(Currency::JPY, "JPY", 6540_i64), (Currency::KWD, "KWD", 6540)]
    {
        let k = format!("pay_{code}");
        let body = json!({
            "amount": minor,
            "currency": code,
            "profile_id": "YOUR_PROFILE_ID",
            "payment_id": derived_payment_id(&k),
            "customer_id": "cus_acme_42",
            "confirm": false,
            "capture_method": "manual",
            "order_details": [{"name": "Tea", "quantity": 3, "amount": 2180, "currency": code}]
        });
        mutation("POST", "/payments", &k, body)
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "payment_id": k, "status": "requires_payment_method",
                "amount": minor, "currency": code, "capture_method": "manual"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let amount = Money::from_minor(minor, currency).unwrap();
        let p = paychtec
            .create_payment(
                CreatePayment::new(amount)
                    .with_confirm(false)
                    .with_capture(CaptureMode::Manual)
                    .with_customer(CustomerId::from_stored("cus_acme_42"))
                    .with_order_line(OrderLine {
                        name: "Tea".into(),
                        quantity: 3,
                        unit_amount: Money::from_minor(2180, currency).unwrap(),
                    })
                    .with_idempotency_key(key(&k)),
            )
            .await
            .unwrap()
            .kept();
        assert_eq!(p.amount, Some(amount));
        assert_eq!(p.amount.unwrap().currency(), currency);
    }
    // 6540 JPY is ¥6540; 6540 KWD minor units are 6.540 KWD.
    assert_eq!(Money::from_minor(6540, Currency::JPY).unwrap().to_string(), "6540 JPY");
    assert_eq!(Money::from_minor(6540, Currency::KWD).unwrap().to_string(), "6.540 KWD");
}

#[tokio::test]
async fn every_status_word_parses_from_a_realistic_answer() {
    let (server, paychtec) = setup().await;
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
        ("a_word_nobody_documented", PaymentStatus::Processing),
    ];
    // Every documented word is in the table.
    for word in paymux_hyperswitch_family::status::PAYMENT_STATUS_WORDS {
        assert!(table.iter().any(|(w, _)| *w == word), "{word} missing from the table");
    }
    for (word, status) in table {
        let id = format!("pay_{word}");
        read("GET", &format!("/payments/{id}"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(with_next_action(payment_json(&id, word, 6540, "USD"))),
            )
            .expect(1)
            .mount(&server)
            .await;
        let p = paychtec.get_payment(&PaymentId::new(id)).await.unwrap().kept();
        assert_eq!(p.status, status, "{word}");
        assert_eq!(p.raw_status, word);
        assert_eq!(p.next_action.is_some(), status == PaymentStatus::RequiresAction, "{word}");
    }
}

#[tokio::test]
async fn error_shapes_map_to_kinds() {
    let (server, paychtec) = setup().await;
    let cases = [
        (400, "invalid_request", "IR_05", ErrorKind::InvalidRequest),
        (401, "authentication_error", "IR_01", ErrorKind::Authentication),
        (403, "authentication_error", "IR_02", ErrorKind::Authentication),
        (404, "invalid_request", "HE_02", ErrorKind::NotFound),
        (409, "invalid_request", "IR_14", ErrorKind::Conflict),
        (422, "processing_error", "CE_01", ErrorKind::Declined),
        (429, "rate_limit_error", "RE_01", ErrorKind::RateLimited),
        (500, "api_error", "HE_00", ErrorKind::ProviderUnavailable),
        (502, "api_error", "HE_00", ErrorKind::ProviderUnavailable),
        (503, "api_error", "HE_00", ErrorKind::ProviderUnavailable),
    ];
    for (status, kind, code, expected) in cases {
        let id = format!("pay_err_{status}");
        read("GET", &format!("/payments/{id}"))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({
                "error": {"type": kind, "code": code, "message": format!("failure {status}")}
            })))
            .mount(&server)
            .await;
        let paychtec = paymux_paychtec::Paychtec::new(
            config(&server).with_retry(paymux_core::transport::RetryPolicy::none()),
        )
        .unwrap();
        let err = paychtec.get_payment(&PaymentId::new(id)).await.unwrap_err();
        assert_eq!(err.kind(), expected, "HTTP {status}");
        assert_eq!(err.http_status(), Some(status));
        assert_eq!(err.gateway_code(), Some(code));
        assert_eq!(err.gateway_message(), Some(format!("failure {status}").as_str()));
        assert!(!err.is_outcome_unknown(), "a read never has an unknown outcome");
    }
    drop(paychtec);
}

#[tokio::test]
async fn capture_of_a_captured_payment_is_a_conflict() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/payments/pay_done/capture"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "error": {"type": "invalid_request", "code": "IR_14",
                      "message": "This Payment could not be captured because it has a payment.status of succeeded."}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = paychtec
        .capture_payment(&PaymentId::new("pay_done"), CapturePayment::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
}

// ---- the guide's rules, refused before any request ----

async fn refused(req: CreatePayment) -> paymux_core::Error {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    paychtec.create_payment(req).await.unwrap_err()
}

#[tokio::test]
async fn a_card_without_billing_is_refused_before_any_request() {
    let mut req = guide_one_step_request();
    req.billing = None;
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn billing_without_a_payment_method_is_refused_before_any_request() {
    let req = CreatePayment::new(usd(6540)).with_confirm(false).with_billing(guide_billing());
    let err = refused(req).await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("billing"));
}

#[tokio::test]
async fn billing_without_address_or_phone_is_refused() {
    let mut req = guide_one_step_request();
    req.billing.as_mut().unwrap().phone = None;
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
    let mut req = guide_one_step_request();
    req.billing.as_mut().unwrap().address = None;
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn one_step_without_a_payment_method_is_refused() {
    let req = CreatePayment::new(usd(6540));
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn hosted_page_is_unsupported_without_a_request() {
    let mut req = guide_one_step_request();
    req.payment_method = Some(paymux_core::PaymentMethod::HostedPage);
    assert_eq!(refused(req).await.kind(), ErrorKind::Unsupported);
}

#[tokio::test]
async fn conflicting_order_id_zero_amount_and_foreign_order_lines_are_refused() {
    let req = guide_one_step_request().with_metadata("order_id", "other_order");
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
    let mut req = guide_one_step_request();
    req.amount = usd(0);
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
    let req = guide_one_step_request().with_order_line(OrderLine {
        name: "Euro thing".into(),
        quantity: 1,
        unit_amount: Money::from_minor(100, Currency::EUR).unwrap(),
    });
    assert_eq!(refused(req).await.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn confirm_with_billing_but_no_card_is_refused() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let req = ConfirmPayment::new().with_billing(guide_billing());
    let err = paychtec.confirm_payment(&PaymentId::new("pay_1"), req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let req =
        ConfirmPayment::new().with_payment_method(paymux_core::PaymentMethod::Card(guide_card()));
    let err = paychtec.confirm_payment(&PaymentId::new("pay_1"), req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn debug_of_requests_never_shows_the_card() {
    let req = guide_one_step_request();
    let text = format!("{req:?}");
    assert!(!text.contains("4242424242424242"));
    // The body's `Debug` is checked in `src/mapping.rs` (`debug_of_a_create_body_never_shows_
    // the_card`): the body builder is private to the crate now.
}

/// `answer` with the customer's next step, which only a customer status keeps (without it,
/// that status reads `Processing`).
fn with_next_action(mut answer: serde_json::Value) -> serde_json::Value {
    answer["next_action"] =
        serde_json::json!({"type": "redirect_to_url", "redirect_to_url": "https://3ds.example/a"});
    answer
}
