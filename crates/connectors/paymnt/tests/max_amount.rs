//! Amounts above Hyperswitch's maximum (999,999,999 minor units, the same rule as Paychtec's,
//! from `paymux_hyperswitch_family`) are refused before any request, wherever an amount goes
//! on the wire; the maximum itself is sent.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Kept, connector, payment_json, refund_json};
use paymux_core::{
    CapturePayment, CreatePayment, CreateRefund, Currency, ErrorKind, Money, OrderLine, PaymentId,
    PaymentProvider,
};
use paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR;
use serde_json::json;
use wiremock::matchers::{any, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAX: i64 = 999_999_999;

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
    let paymnt = connector(&server);
    let id = PaymentId::new("pay_mnt_1");
    for minor in [i64::MAX, MAX + 1] {
        let req = CreatePayment::new(usd(minor)).with_confirm(false);
        assert_refused(paymnt.create_payment(req).await, "payment", minor);
        let line = OrderLine { name: "Premium plan".into(), quantity: 1, unit_amount: usd(minor) };
        let req = CreatePayment::new(usd(100)).with_confirm(false).with_order_line(line);
        assert_refused(paymnt.create_payment(req).await, "order line", minor);
        let req = CapturePayment::new().with_amount(usd(minor));
        assert_refused(paymnt.capture_payment(&id, req).await, "capture", minor);
        let req = CreateRefund::new(id.clone()).with_amount(usd(minor));
        assert_refused(paymnt.create_refund(req).await, "refund", minor);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_maximum_itself_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(body_partial_json(json!({"amount": MAX})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "requires_payment_method",
            MAX,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_mnt_1/capture"))
        .and(body_partial_json(json!({"amount_to_capture": MAX})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_mnt_1",
            "succeeded",
            MAX,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .and(body_partial_json(json!({"amount": MAX})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(refund_json("ref_1", "pending", MAX)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let paymnt = connector(&server);
    let p = paymnt
        .create_payment(CreatePayment::new(usd(MAX)).with_confirm(false))
        .await
        .unwrap()
        .kept();
    assert_eq!(p.amount, Some(usd(MAX)));
    let req = CapturePayment::new().with_amount(usd(MAX));
    paymnt.capture_payment(&p.id, req).await.unwrap().kept();
    let refund = paymnt.create_refund(CreateRefund::new(p.id).with_amount(usd(MAX))).await.unwrap();
    assert_eq!(refund.amount, usd(MAX));
}
