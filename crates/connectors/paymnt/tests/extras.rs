//! The Hyperswitch routes beyond the trait that paymnt.cloud serves as Paychtec does: payment
//! update, filtered list and review; customer update, delete and list; refund update; reading
//! and listing payment links. Each route's exact request (with the `Idempotency-Key` UUID on
//! every mutation), and the documented answer mapped back.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    CaptureMode, CreateCustomer, Currency, CustomerDetails, CustomerId, ErrorKind, IdempotencyKey,
    ListPayments, Metadata, Money, OrderLine, PageCursor, PaymentId, PaymentStatus, RefundId,
    RefundStatus,
};
use paymux_paymnt::{ListPaymentLinks, PaymentListQuery, UpdatePayment, UpdateRefund};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A caller's key that is a UUID: sent as it is.
const KEY_UUID: &str = "3b8f2c34-0a7a-4a2f-9a62-5d0f2a33e6f1";

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn key() -> Option<IdempotencyKey> {
    Some(IdempotencyKey::new(KEY_UUID).unwrap())
}

fn answers() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/hyperswitch_answers.json"
    ))
    .unwrap()
}

/// A mutation: method, path, the headers that matter, the key and the exact body.
fn mutation(verb: &str, route: &str, body: Value) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("api-key", KEY))
        .and(header("x-profile-id", PROFILE))
        .and(header("idempotency-key", KEY_UUID))
        .and(body_json(body))
}

/// A read: method, path, the key headers, and no idempotency key.
fn read(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("api-key", KEY))
        .and(header("x-profile-id", PROFILE))
        .and(|r: &wiremock::Request| r.headers.get("idempotency-key").is_none())
}

fn customer_json(id: &str) -> Value {
    json!({"customer_id": id, "name": "Jane Customer", "email": "jane@example.com",
           "phone": "6502530000", "phone_country_code": "+1", "description": null,
           "address": null, "created_at": "2024-03-01T12:00:00.000Z", "metadata": null})
}

#[tokio::test]
async fn update_payment_sends_hyperswitchs_order_details() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/payments/pay_mnt_1",
        json!({
            "amount": 1500,
            "currency": "USD",
            "capture_method": "manual",
            "description": "Order #1001, two items",
            "email": "jane@example.com",
            "order_details": [{"product_name": "Mug", "quantity": 2, "amount": 750}]
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json({
        let mut p = payment_json("pay_mnt_1", "requires_payment_method", 1500);
        p["description"] = json!("Order #1001, two items");
        p
    }))
    .expect(1)
    .mount(&server)
    .await;
    let req = UpdatePayment {
        amount: Some(usd(1500)),
        capture: Some(CaptureMode::Manual),
        description: Some("Order #1001, two items".into()),
        customer_details: Some(CustomerDetails {
            email: Some("jane@example.com".into()),
            ..Default::default()
        }),
        order_lines: Some(vec![OrderLine {
            name: "Mug".into(),
            quantity: 2,
            unit_amount: usd(750),
        }]),
        idempotency_key: key(),
        ..Default::default()
    };
    let p = connector(&server).update_payment(&PaymentId::new("pay_mnt_1"), req).await.unwrap();
    assert_eq!(p.contract_breach(), None);
    assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
    assert_eq!(p.amount, Some(usd(1500)));
}

#[tokio::test]
async fn payment_updates_the_gateway_would_refuse_are_refused_first() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let c = connector(&server);
    let id = PaymentId::new("pay_mnt_1");
    let eur = Money::from_minor(750, Currency::EUR).unwrap();
    let mixed = UpdatePayment {
        amount: Some(usd(1500)),
        order_lines: Some(vec![OrderLine { name: "Mug".into(), quantity: 2, unit_amount: eur }]),
        ..Default::default()
    };
    assert_eq!(c.update_payment(&id, mixed).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let zero = UpdatePayment { amount: Some(usd(0)), ..Default::default() };
    assert_eq!(c.update_payment(&id, zero).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let too_much = UpdatePayment { amount: Some(usd(1_000_000_000)), ..Default::default() };
    let err = c.update_payment(&id, too_much).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn list_payments_filtered_sends_the_currency_array() {
    let server = MockServer::start().await;
    read("POST", "/payments/list")
        .and(body_json(json!({"limit": 10, "currency": ["USD"], "status": ["succeeded", "partially_captured"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 1, "data": [payment_json("pay_mnt_1", "succeeded", 1000)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let query = PaymentListQuery {
        list: ListPayments::default().with_status(PaymentStatus::Succeeded),
        currency: Some(Currency::USD),
    };
    let page = connector(&server).list_payments_filtered(query).await.unwrap().kept();
    assert_eq!(page.items.len(), 1);
    assert!(!page.has_more);
}

#[tokio::test]
async fn approve_and_reject_a_payment_held_for_review() {
    let server = MockServer::start().await;
    mutation("POST", "/payments/pay_rev_1/approve", json!({}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_rev_1",
            "processing",
            105_555,
        )))
        .expect(1)
        .mount(&server)
        .await;
    mutation("POST", "/payments/pay_rev_2/reject", json!({"reason": "Velocity check"}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_rev_2",
            "failed",
            105_555,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let p = c.approve_payment(&PaymentId::new("pay_rev_1"), None, key()).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Processing);
    let reason = Some("Velocity check".to_owned());
    let p = c.reject_payment(&PaymentId::new("pay_rev_2"), reason, key()).await.unwrap().kept();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert!(p.failure.is_some());
}

#[tokio::test]
async fn update_customer_sends_the_fields_set() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/customers/cus_mnt_7",
        json!({"email": "jane@example.com", "name": "Jane Customer", "metadata": {"tier": "gold"}}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(customer_json("cus_mnt_7")))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CreateCustomer::default();
    req.email = Some("jane@example.com".into());
    req.name = Some("Jane Customer".into());
    req.metadata.insert("tier".into(), "gold".into());
    req.idempotency_key = key();
    let c = connector(&server)
        .update_customer(&CustomerId::from_stored("cus_mnt_7"), req)
        .await
        .unwrap();
    assert_eq!(c.id.as_str(), "cus_mnt_7");
    assert_eq!(c.email.as_deref(), Some("jane@example.com"));
    assert_eq!(c.phone.map(|p| p.number), Some("6502530000".into()));
}

#[tokio::test]
async fn delete_customer_reads_the_documented_answer() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/customers/cus_y3oqhf46pyzuxjbcn2giaqnb44"))
        .and(header("api-key", KEY))
        .and(header("idempotency-key", KEY_UUID))
        .and(|r: &wiremock::Request| r.body.is_empty())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "customer_id": "cus_y3oqhf46pyzuxjbcn2giaqnb44",
            "customer_deleted": false,
            "address_deleted": false,
            "payment_methods_deleted": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    let id = CustomerId::from_stored("cus_y3oqhf46pyzuxjbcn2giaqnb44");
    let deleted = connector(&server).delete_customer(&id, key()).await.unwrap();
    assert_eq!(deleted.customer_id, "cus_y3oqhf46pyzuxjbcn2giaqnb44");
    assert_eq!(deleted.customer_deleted, Some(false));
}

#[tokio::test]
async fn list_customers_pages_by_offset_over_a_bare_array() {
    let server = MockServer::start().await;
    read("GET", "/customers/list")
        .and(query_param("limit", "2"))
        .and(query_param("offset", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([customer_json("cus_3"), customer_json("cus_4")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page =
        connector(&server).list_customers(Some(2), Some(PageCursor::Offset(2))).await.unwrap();
    assert_eq!(page.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["cus_3", "cus_4"]);
    assert!(page.has_more, "a full page without a total");
    assert_eq!(page.next, Some(PageCursor::Offset(4)));
}

#[tokio::test]
async fn update_refund_sends_reason_and_metadata() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/refunds/ref_mnt_1",
        json!({"reason": "duplicate", "metadata": {"ticket": "T-9"}}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json({
        let mut r = refund_json("ref_mnt_1", "succeeded", 500);
        r["reason"] = json!("duplicate");
        r
    }))
    .expect(1)
    .mount(&server)
    .await;
    let mut metadata = Metadata::new();
    metadata.insert("ticket".into(), "T-9".into());
    let req = UpdateRefund {
        reason: Some("duplicate".into()),
        metadata: Some(metadata),
        idempotency_key: key(),
    };
    let r = connector(&server).update_refund(&RefundId::new("ref_mnt_1"), req).await.unwrap();
    assert_eq!((r.status, r.reason.as_deref()), (RefundStatus::Succeeded, Some("duplicate")));
    assert_eq!(r.amount, usd(500));
}

#[tokio::test]
async fn get_and_list_payment_links() {
    let server = MockServer::start().await;
    read("GET", "/payment_link/plink_1")
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["payment_link"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    read("POST", "/payment_link/list")
        .and(body_json(json!({"limit": 1})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([answers()["payment_link"].clone()])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let link = c.get_payment_link("plink_1").await.unwrap();
    assert_eq!(link.amount, Some(6540));
    assert_eq!(link.status.as_deref(), Some("active"));
    let links = c.list_payment_links(ListPaymentLinks { limit: Some(1), ..Default::default() });
    let links = links.await.unwrap();
    assert_eq!(links, vec![link]);
}
