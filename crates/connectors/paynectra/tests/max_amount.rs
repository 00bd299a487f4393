//! Amounts above Paynectra's maximum (99,999,999 minor units: eight digits, Stripe's documented
//! limit, which the seed's conventions follow) are refused before any request (payments,
//! captures, refunds); the maximum itself is sent.
#![allow(clippy::unwrap_used)]

mod common;

use common::{connector, payment, refund};
use paymux_core::{
    CapturePayment, CreatePayment, CreateRefund, Currency, ErrorKind, Money, PaymentId,
    PaymentProvider,
};
use paymux_paynectra::MAX_AMOUNT_MINOR;
use serde_json::json;
use wiremock::matchers::{any, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAX: i64 = 99_999_999;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn assert_refused<T: std::fmt::Debug>(result: paymux_core::Result<T>, what: &str, minor: i64) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what} of {minor}: {err}");
}

#[tokio::test]
async fn amounts_above_the_maximum_are_refused_before_sending() {
    assert_eq!(MAX_AMOUNT_MINOR, MAX);
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let paynectra = connector(&server);
    let id = PaymentId::new("pay_1");
    for minor in [i64::MAX, MAX + 1] {
        let req = CreatePayment::new(usd(minor));
        assert_refused(paynectra.create_payment(req).await, "payment", minor);
        // Refused before the currency check's read of the payment, too.
        let req = CapturePayment::new().with_amount(usd(minor));
        assert_refused(paynectra.capture_payment(&id, req).await, "capture", minor);
        let req = CreateRefund::new(id.clone()).with_amount(usd(minor));
        assert_refused(paynectra.create_refund(req).await, "refund", minor);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_maximum_itself_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(body_partial_json(json!({"amount": MAX, "currency": "usd"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(payment("pay_1", "pending", MAX, "usd")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_1",
            "requires_capture",
            MAX,
            "usd",
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_1/capture"))
        .and(body_partial_json(json!({"amount_to_capture": MAX})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_1",
            "succeeded",
            MAX,
            "usd",
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(body_partial_json(json!({"payment_id": "pay_1", "amount": MAX})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(refund("re_1", "pay_1", "pending", MAX)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let paynectra = connector(&server);
    let p = paynectra.create_payment(CreatePayment::new(usd(MAX))).await.unwrap();
    assert_eq!(p.amount, Some(usd(MAX)));
    let req = CapturePayment::new().with_amount(usd(MAX));
    paynectra.capture_payment(&p.id, req).await.unwrap();
    let r = paynectra.create_refund(CreateRefund::new(p.id).with_amount(usd(MAX))).await.unwrap();
    assert_eq!(r.amount, usd(MAX));
}
