//! Refunds and customers on the wire.
#![allow(clippy::unwrap_used)]

mod common;

use common::{BEARER, connector, idempotency_keys, payment, refund};
use paymux_core::{
    Address, CreateCustomer, CreateRefund, Currency, CustomerId, ErrorKind, IdempotencyKey, Money,
    PageCursor, PaymentId, PaymentProvider, Phone, RefundId, RefundReason, RefundStatus,
};
use paymux_paynectra::ListRefunds;
use serde_json::json;
use time::OffsetDateTime;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_full_refund_sends_payment_id_reason_and_metadata() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let mut answer = refund("re_1", "pay_1", "pending", 4999);
    answer["metadata"] = json!({"merchant_refund_id": "rf_42", "ticket": "T-9"});
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(header("authorization", BEARER))
        .and(header("idempotency-key", "refund_order_1"))
        .and(body_json(json!({
            "payment_id": "pay_1",
            "reason": "customer_request",
            "metadata": {"merchant_refund_id": "rf_42", "ticket": "T-9"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = CreateRefund::new(PaymentId::new("pay_1"))
        .with_reason(RefundReason::RequestedByCustomer)
        .with_merchant_refund_id("rf_42");
    req.metadata.insert("ticket".into(), "T-9".into());
    req.idempotency_key = Some(IdempotencyKey::new("refund_order_1").unwrap());
    let r = connector(&server).create_refund(req).await.unwrap();
    assert_eq!(r.id, RefundId::new("re_1"));
    assert_eq!(r.payment_id, PaymentId::new("pay_1"));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.amount, Money::from_minor(4999, Currency::USD).unwrap());
    assert_eq!(r.reason.as_deref(), Some("customer_request"));
    assert_eq!(r.merchant_refund_id.as_deref(), Some("rf_42"));
    assert_eq!(r.created_at, Some(OffsetDateTime::from_unix_timestamp(1_700_000_100).unwrap()));
}

#[tokio::test]
async fn a_partial_refund_checks_the_currency_and_sends_the_amount() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_1",
            "succeeded",
            4999,
            "usd",
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(body_json(json!({"payment_id": "pay_1", "amount": 1000, "reason": "duplicate"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund(
            "re_2",
            "pay_1",
            "succeeded",
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let r = connector(&server)
        .create_refund(
            CreateRefund::new(PaymentId::new("pay_1"))
                .with_amount(Money::from_minor(1000, Currency::USD).unwrap())
                .with_reason(RefundReason::Duplicate),
        )
        .await
        .unwrap();
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.amount.amount_minor(), 1000);
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys[0], None, "the GET carries no key");
    assert!(keys[1].is_some(), "the POST does");
}

#[tokio::test]
async fn refund_reasons_map_to_the_three_gateway_words() {
    let server = MockServer::start().await;
    for (word, reason) in [
        ("duplicate", RefundReason::Duplicate),
        ("fraudulent", RefundReason::Fraudulent),
        ("customer_request", RefundReason::RequestedByCustomer),
        ("customer_request", RefundReason::Other("customer_request".into())),
    ] {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/v1/refunds"))
            .and(body_json(json!({"payment_id": "pay_1", "reason": word})))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(refund("re_1", "pay_1", "pending", 1)),
            )
            .expect(1)
            .mount(&server)
            .await;
        connector(&server)
            .create_refund(CreateRefund::new(PaymentId::new("pay_1")).with_reason(reason))
            .await
            .unwrap();
        server.verify().await;
    }
}

#[tokio::test]
async fn refund_requests_paynectra_cannot_take_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_1",
            "succeeded",
            4999,
            "usd",
        )))
        .mount(&server)
        .await;
    let c = connector(&server);
    let other = CreateRefund::new(PaymentId::new("pay_1"))
        .with_reason(RefundReason::Other("item arrived broken".into()));
    let err = c.create_refund(other).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("item arrived broken"), "{err}");

    let eur = CreateRefund::new(PaymentId::new("pay_1"))
        .with_amount(Money::from_minor(100, Currency::EUR).unwrap());
    assert_eq!(c.create_refund(eur).await.unwrap_err().kind(), ErrorKind::InvalidRequest);

    let zero = CreateRefund::new(PaymentId::new("pay_1"))
        .with_amount(Money::from_minor(0, Currency::USD).unwrap());
    assert_eq!(c.create_refund(zero).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn get_refund_reads_a_failed_refund() {
    let server = MockServer::start().await;
    let mut answer = refund("re_9", "pay_1", "failed", 500);
    answer["failure_reason"] = json!("expired_or_canceled_card");
    Mock::given(method("GET"))
        .and(path("/v1/refunds/re_9"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let r = connector(&server).get_refund(&RefundId::new("re_9")).await.unwrap();
    assert_eq!(r.status, RefundStatus::Failed);
    assert_eq!(r.raw_status, "failed");
    assert_eq!(r.failure.unwrap().gateway_code.as_deref(), Some("expired_or_canceled_card"));
}

#[tokio::test]
async fn list_refunds_filters_by_payment_and_pages_forward() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/refunds"))
        .and(header("authorization", BEARER))
        .and(query_param("limit", "2"))
        .and(query_param("payment", "pay_1"))
        .and(query_param("created[gte]", "1700000000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [refund("re_3", "pay_1", "succeeded", 100), refund("re_2", "pay_1", "pending", 100)],
            "has_more": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = connector(&server)
        .list_refunds(ListRefunds {
            limit: Some(2),
            payment: Some(PaymentId::new("pay_1")),
            created_from: Some(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].status, RefundStatus::Pending);
    assert_eq!(page.next, Some(PageCursor::After("re_2".into())));
    let raw = server.received_requests().await.unwrap()[0].url.query().unwrap().to_owned();
    assert_eq!(raw, "limit=2&payment=pay_1&created%5Bgte%5D=1700000000");
}

fn customer_answer() -> serde_json::Value {
    json!({
        "id": "cus_1",
        "object": "customer",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "phone": "+447911123456",
        "address": {"line1": "12 Baker St", "city": "London", "postal_code": "NW1 6XE", "country": "GB"},
        "metadata": {"user_id": "u_7"},
        "created": 1_700_000_200
    })
}

#[tokio::test]
async fn create_customer_sends_e164_phone_and_address() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("authorization", BEARER))
        .and(header("idempotency-key", "cust_u_7"))
        .and(body_json(json!({
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "phone": "+447911123456",
            "address": {"line1": "12 Baker St", "city": "London", "postal_code": "NW1 6XE", "country": "GB"},
            "metadata": {"user_id": "u_7"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = CreateCustomer::new()
        .with_email("ada@example.com")
        .with_name("Ada Lovelace")
        .with_phone(Phone { country_code: "+44".into(), number: "7911123456".into() })
        .with_address(Address {
            line1: Some("12 Baker St".into()),
            city: Some("London".into()),
            postal_code: Some("NW1 6XE".into()),
            country: Some("GB".into()),
            ..Default::default()
        })
        .with_idempotency_key(IdempotencyKey::new("cust_u_7").unwrap());
    req.metadata.insert("user_id".into(), "u_7".into());
    let c = connector(&server).create_customer(req).await.unwrap();
    assert_eq!(c.id, CustomerId::from_stored("cus_1"));
    assert_eq!(c.phone, Some(Phone { country_code: "+44".into(), number: "7911123456".into() }));
    assert_eq!(c.address.unwrap().postal_code.as_deref(), Some("NW1 6XE"));
    assert_eq!(c.metadata["user_id"], "u_7");
}

#[tokio::test]
async fn an_address_line2_or_state_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_answer()))
        .expect(0)
        .mount(&server)
        .await;
    let c = connector(&server);
    let base = Address {
        line1: Some("12 Baker St".into()),
        city: Some("London".into()),
        postal_code: Some("NW1 6XE".into()),
        country: Some("GB".into()),
        ..Default::default()
    };
    for (part, address) in [
        ("line2", Address { line2: Some("Flat 2".into()), ..base.clone() }),
        ("state", Address { state: Some("Greater London".into()), ..base.clone() }),
    ] {
        let err = c.create_customer(CreateCustomer::new().with_address(address)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{part}: {err}");
        assert!(err.message().contains(part), "{part}: {err}");
    }
}

#[tokio::test]
async fn an_invalid_phone_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let c = connector(&server);
    for (cc, number) in
        [("+1", "650-253-0000"), ("+1", "12"), ("", "6502530000"), ("+0", "6502530000")]
    {
        let req = CreateCustomer::new()
            .with_phone(Phone { country_code: cc.into(), number: number.into() });
        let err = c.create_customer(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{cc} {number}");
    }
}

#[tokio::test]
async fn a_customer_description_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let req = CreateCustomer::new().with_description("VIP");
    let err = connector(&server).create_customer(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("metadata"), "{err}");
}

#[tokio::test]
async fn get_customer_reads_it_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_1"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server).get_customer(&CustomerId::from_stored("cus_1")).await.unwrap();
    assert_eq!(c.email.as_deref(), Some("ada@example.com"));
    assert_eq!(c.created_at, Some(OffsetDateTime::from_unix_timestamp(1_700_000_200).unwrap()));
}
