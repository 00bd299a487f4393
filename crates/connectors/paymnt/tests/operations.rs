//! Each route's exact wire request, and the documented answers mapped back.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    Address, BillingDetails, CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment,
    CreateCustomer, CreatePayment, CreateRefund, Currency, CustomerDetails, CustomerId,
    IdempotencyKey, ListPayments, Money, NextAction, OrderLine, PageCursor, PaymentId,
    PaymentProvider, PaymentStatus, Phone, RefundId, RefundReason, RefundStatus,
};
use paymux_paymnt::{AuthenticationType, ListRefunds, PaymntPaymentOptions};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

/// Common header checks for every request received, returning the idempotency key if any.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "exactly one request");
    let r = received.into_iter().next().unwrap();
    assert_eq!(r.headers["api-key"], KEY);
    assert_eq!(r.headers["x-profile-id"], PROFILE);
    r
}

#[tokio::test]
async fn create_two_step_payment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(header("content-type", "application/json"))
        .and(header_exists("idempotency-key"))
        .and(body_json_with_derived_id(
            "payment_id",
            "pay_",
            json!({
                "amount": 1000,
                "currency": "USD",
                "confirm": false,
                "capture_method": "manual",
                "customer_id": "cus_mnt_7",
                "description": "Order #1001",
                "merchant_order_reference_id": "order_1001",
                "metadata": {"order_id": "order_1001"}
            }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "requires_payment_method",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(usd(1000))
        .with_confirm(false)
        .with_capture(CaptureMode::Manual)
        .with_customer(CustomerId::from_stored("cus_mnt_7"))
        .with_description("Order #1001")
        .with_reference("order_1001")
        .with_metadata("order_id", "order_1001");
    let p = connector(&server).create_payment(req).await.unwrap().kept();
    assert_eq!(p.id.as_str(), "pay_mnt_1");
    assert_eq!(p.provider, provider());
    assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
    assert_eq!(p.raw_status, "requires_payment_method");
    assert_eq!(p.amount, Some(usd(1000)));
    assert_eq!(p.metadata["order_id"], "order_1001");
    let r = only_request(&server).await;
    assert_uuid(r.headers["idempotency-key"].to_str().unwrap());
}

#[tokio::test]
async fn create_one_step_card_payment_with_redirect() {
    let server = MockServer::start().await;
    let mut answer = payment_json("pay_mnt_2", "requires_customer_action", 6540);
    answer["next_action"] = json!({"type": "redirect_to_url", "redirect_to_url": "https://sandbox.paymnt.cloud/3ds/pay_mnt_2"});
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(body_json_with_derived_id("payment_id", "pay_", json!({
            "amount": 6540,
            "currency": "USD",
            "confirm": true,
            "capture_method": "automatic",
            "email": "jane@example.com",
            "name": "Jane Customer",
            "phone": "6502530000",
            "phone_country_code": "+1",
            "return_url": "https://example.com/payment-return",
            "payment_method": "card",
            "payment_method_type": "credit",
            "payment_method_data": {"card": {
                "card_number": "4242424242424242",
                "card_exp_month": "12",
                "card_exp_year": "2028",
                "card_cvc": "123",
                "card_holder_name": "Jane Customer"
            }},
            "authentication_type": "three_ds",
            "billing": {
                "address": {"line1": "1600 Amphitheatre Parkway", "city": "Mountain View", "state": "CA",
                            "zip": "94043", "country": "US", "first_name": "Jane", "last_name": "Customer"},
                "phone": {"number": "6502530000", "country_code": "+1"}
            },
            "order_details": [{"product_name": "Premium plan", "quantity": 1, "amount": 6540}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let phone = Phone::from_e164("+16502530000", 1).unwrap();
    let card =
        Card::new("4242424242424242", 12, 2028, "123").unwrap().with_holder_name("Jane Customer");
    let req = CreatePayment::new(usd(6540))
        .with_card(card)
        .with_customer_details(CustomerDetails {
            email: Some("jane@example.com".into()),
            name: Some("Jane Customer".into()),
            phone: Some(phone.clone()),
        })
        .with_billing(BillingDetails {
            address: Some(Address {
                line1: Some("1600 Amphitheatre Parkway".into()),
                city: Some("Mountain View".into()),
                state: Some("CA".into()),
                postal_code: Some("94043".into()),
                country: Some("US".into()),
                first_name: Some("Jane".into()),
                last_name: Some("Customer".into()),
                ..Address::default()
            }),
            phone: Some(phone),
            email: None,
        })
        .with_order_line(OrderLine {
            name: "Premium plan".into(),
            quantity: 1,
            unit_amount: usd(6540),
        })
        .with_return_url("https://example.com/payment-return")
        .with_options(PaymntPaymentOptions {
            authentication_type: Some(AuthenticationType::ThreeDs),
            payment_method_type: Some("credit".into()),
        });
    let p = connector(&server).create_payment(req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://sandbox.paymnt.cloud/3ds/pay_mnt_2".into() })
    );
}

#[tokio::test]
async fn caller_keys_uuid_as_is_others_derived_deterministically() {
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
    let uuid = "3b8f2c34-0a7a-4a2f-9a62-5d0f2a33e6f1";
    let req = |key: &str| {
        CreatePayment::new(usd(1000))
            .with_confirm(false)
            .with_idempotency_key(IdempotencyKey::new(key).unwrap())
    };
    c.create_payment(req(uuid)).await.unwrap().kept();
    c.create_payment(req("order_1001_attempt_1")).await.unwrap().kept();
    c.create_payment(req("order_1001_attempt_1")).await.unwrap().kept();
    c.create_payment(req("order_1001_attempt_2")).await.unwrap().kept();
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| assert_uuid(r.headers["idempotency-key"].to_str().unwrap()))
        .collect();
    assert_eq!(keys[0], uuid);
    assert_eq!(keys[1], keys[2], "same caller key, same header");
    assert_ne!(keys[1], keys[3]);
    assert_eq!(&keys[1][14..15], "4", "version nibble of a v4 UUID");
}

#[tokio::test]
async fn confirm_payment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/confirm"))
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({
            "payment_method": "card",
            "payment_method_data": {"card": {
                "card_number": "5555555555554444", "card_exp_month": "01", "card_exp_year": "2030", "card_cvc": "4321"
            }},
            "return_url": "https://example.com/r",
            "browser_info": {"ip_address": "203.0.113.42"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pay_mnt_1", "succeeded", 1000)))
        .expect(1)
        .mount(&server)
        .await;
    let req = ConfirmPayment::new()
        .with_payment_method(paymux_core::PaymentMethod::Card(
            Card::new("5555555555554444", 1, 2030, "4321").unwrap(),
        ))
        .with_return_url("https://example.com/r")
        .with_customer_ip("203.0.113.42".parse().unwrap());
    let p =
        connector(&server).confirm_payment(&PaymentId::new("pay_mnt_1"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    only_request(&server).await;
}

#[tokio::test]
async fn confirm_without_details_sends_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/confirm"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "processing",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .confirm_payment(&PaymentId::new("pay_mnt_1"), ConfirmPayment::default())
        .await
        .unwrap()
        .kept();
    assert_eq!(p.status, PaymentStatus::Processing);
}

#[tokio::test]
async fn partial_capture() {
    let server = MockServer::start().await;
    let mut answer = payment_json("pay_mnt_1", "partially_captured_and_capturable", 1000);
    answer["amount_received"] = json!(600);
    answer["amount_capturable"] = json!(400);
    answer["capture_method"] = json!("manual_multiple");
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/capture"))
        .and(header("content-type", "application/json"))
        .and(header_exists("idempotency-key"))
        .and(body_json(
            json!({"amount_to_capture": 600, "statement_descriptor_suffix": "Order1001"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let req = CapturePayment::new().with_amount(usd(600)).with_statement_descriptor("Order1001");
    let p =
        connector(&server).capture_payment(&PaymentId::new("pay_mnt_1"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::PartiallyCaptured);
    assert_eq!(p.amount_captured, Some(usd(600)));
    assert_eq!(p.capture_mode, Some(CaptureMode::Manual));
    only_request(&server).await;
}

#[tokio::test]
async fn full_capture_sends_no_amount() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/capture"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "succeeded",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .capture_payment(&PaymentId::new("pay_mnt_1"), CapturePayment::default())
        .await
        .unwrap()
        .kept();
    assert_eq!(p.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn cancel_voids() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/cancel"))
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({"cancellation_reason": "Customer requested cancellation"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "cancelled",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let req = CancelPayment::new().with_reason("Customer requested cancellation");
    let p =
        connector(&server).cancel_payment(&PaymentId::new("pay_mnt_1"), req).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Cancelled);
    assert!(p.status.is_final());
    only_request(&server).await;
}

#[tokio::test]
async fn retrieve_is_a_plain_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/payments/pay_mnt_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "requires_capture",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_mnt_1")).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.created_at.unwrap().unix_timestamp(), 1_709_294_400);
    let r = only_request(&server).await;
    assert!(r.headers.get("idempotency-key").is_none());
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn list_payments_pages_by_offset() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/list"))
        .and(body_json(json!({"limit": 2, "offset": 4, "status": ["succeeded", "partially_captured"], "customer_id": "cus_mnt_7"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2,
            "total_count": 9,
            "data": [payment_json("pay_9", "succeeded", 100), payment_json("pay_8", "succeeded", 200)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let q = ListPayments::new()
        .with_limit(2)
        .with_cursor(PageCursor::Offset(4))
        .with_status(PaymentStatus::Succeeded)
        .with_customer(CustomerId::from_stored("cus_mnt_7"));
    let page = connector(&server).list_payments(q).await.unwrap().kept();
    assert_eq!(page.items.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["pay_9", "pay_8"]);
    assert_eq!(page.items[1].amount, Some(usd(200)));
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(6)));
    assert_eq!(page.total, Some(9));
    only_request(&server).await;
}

#[tokio::test]
async fn partial_refund_with_reason() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .and(header("content-type", "application/json"))
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({
            "payment_id": "pay_mnt_1",
            "refund_id": "ref_order_1001_1",
            "amount": 400,
            "reason": "requested_by_customer",
            "metadata": {"ticket": "t_789"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
            "ref_order_1001_1",
            "pending",
            400,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = CreateRefund::new(PaymentId::new("pay_mnt_1"))
        .with_amount(usd(400))
        .with_reason(RefundReason::RequestedByCustomer)
        .with_merchant_refund_id("ref_order_1001_1");
    req.metadata.insert("ticket".into(), "t_789".into());
    let r = connector(&server).create_refund(req).await.unwrap();
    assert_eq!(r.id.as_str(), "ref_order_1001_1");
    assert_eq!(r.payment_id.as_str(), "pay_mnt_1");
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.amount, usd(400));
    only_request(&server).await;
}

#[tokio::test]
async fn full_refund_sends_only_the_payment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        // The payment, and the refund id derived from the call's key that makes it retry-safe.
        .and(body_json_with_derived_id("refund_id", "ref_", json!({"payment_id": "pay_mnt_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
            "ref_1",
            "succeeded",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let r = connector(&server)
        .create_refund(CreateRefund::new(PaymentId::new("pay_mnt_1")))
        .await
        .unwrap();
    assert_eq!(r.status, RefundStatus::Succeeded);
}

#[tokio::test]
async fn retrieve_and_list_refunds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/refunds/ref_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json("ref_1", "review", 400)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refunds/list"))
        .and(body_json(json!({"limit": 10, "payment_id": "pay_mnt_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "total_count": 2,
            "data": [refund_json("ref_2", "failed", 100), refund_json("ref_1", "succeeded", 400)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let r = c.get_refund(&RefundId::new("ref_1")).await.unwrap();
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.raw_status, "review");
    let page = c
        .list_refunds(ListRefunds {
            payment_id: Some(PaymentId::new("pay_mnt_1")),
            ..ListRefunds::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].status, RefundStatus::Failed);
    assert!(!page.has_more);
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn customers_create_and_retrieve() {
    let server = MockServer::start().await;
    let answer = json!({
        "customer_id": "cus_mnt_7", "name": "Jane Customer", "email": "jane@example.com",
        "phone": "6502530000", "phone_country_code": "+1", "description": "From checkout",
        "address": null, "created_at": "2024-03-01T12:00:00.000Z", "metadata": {"internal_customer_id": "42"}
    });
    Mock::given(method("POST"))
        .and(path("/customers"))
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({
            "email": "jane@example.com", "name": "Jane Customer", "phone": "6502530000",
            "phone_country_code": "+1", "description": "From checkout",
            "metadata": {"internal_customer_id": "42"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers/cus_mnt_7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let created = c
        .create_customer({
            let mut q = CreateCustomer::new()
                .with_email("jane@example.com")
                .with_name("Jane Customer")
                .with_phone(Phone::from_e164("+16502530000", 1).unwrap())
                .with_description("From checkout");
            q.metadata = [("internal_customer_id".to_owned(), "42".to_owned())].into();
            q
        })
        .await
        .unwrap();
    assert_eq!(created.id.as_str(), "cus_mnt_7");
    assert_eq!(created.provider, provider());
    let fetched = c.get_customer(&created.id).await.unwrap();
    assert_eq!(fetched, created);
}
