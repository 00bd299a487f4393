//! Amounts above Hyperswitch's maximum (999,999,999 minor units, `MAX_ALLOWED_AMOUNT` of its
//! payments core) are refused before any request, wherever an amount goes on the wire; the
//! maximum itself is sent.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Kept, payment_json, refund_json, setup, usd};
use paymux_core::{
    CapturePayment, CreatePayment, CreatePayout, CreateRefund, ErrorKind, OrderLine, PaymentId,
    PaymentProvider, PayoutId,
};
use paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR;
use paymux_paychtec::{CreatePaymentLink, UpdatePayment, UpdatePayout};
use serde_json::json;
use wiremock::matchers::{any, body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

const MAX: i64 = 999_999_999;

fn assert_refused<T: std::fmt::Debug>(result: paymux_core::Result<T>, what: &str, minor: i64) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what} of {minor}: {err}");
}

#[tokio::test]
async fn amounts_above_the_maximum_are_refused_before_sending() {
    assert_eq!(MAX_AMOUNT_MINOR, MAX);
    let (server, paychtec) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let id = PaymentId::new("pay_1");
    for minor in [i64::MAX, MAX + 1] {
        let req = CreatePayment::new(usd(minor)).with_confirm(false);
        assert_refused(paychtec.create_payment(req).await, "payment", minor);
        let line = OrderLine { name: "Premium plan".into(), quantity: 1, unit_amount: usd(minor) };
        let req = CreatePayment::new(usd(100)).with_confirm(false).with_order_line(line);
        assert_refused(paychtec.create_payment(req).await, "order line", minor);
        let req = CapturePayment::new().with_amount(usd(minor));
        assert_refused(paychtec.capture_payment(&id, req).await, "capture", minor);
        let req = CreateRefund::new(id.clone()).with_amount(usd(minor));
        assert_refused(paychtec.create_refund(req).await, "refund", minor);
        let req = UpdatePayment { amount: Some(usd(minor)), ..Default::default() };
        assert_refused(paychtec.update_payment(&id, req).await, "update", minor);
        let req = CreatePaymentLink::new(usd(minor));
        assert_refused(paychtec.create_payment_link(req).await, "payment link", minor);
        let req = CreatePayout::new(usd(minor));
        assert_refused(paychtec.create_payout(req).await, "payout", minor);
        let req = UpdatePayout { amount: Some(usd(minor)), ..Default::default() };
        assert_refused(paychtec.update_payout(&PayoutId::new("po_1"), req).await, "update", minor);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_maximum_itself_is_sent() {
    let (server, paychtec) = setup().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(body_partial_json(json!({"amount": MAX})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_1",
            "requires_payment_method",
            MAX,
            "USD",
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_1/capture"))
        .and(body_partial_json(json!({"amount_to_capture": MAX})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json(
            "pay_1",
            "succeeded",
            MAX,
            "USD",
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
    let p = paychtec
        .create_payment(CreatePayment::new(usd(MAX)).with_confirm(false))
        .await
        .unwrap()
        .kept();
    assert_eq!(p.amount, Some(usd(MAX)));
    let req = CapturePayment::new().with_amount(usd(MAX));
    paychtec.capture_payment(&p.id, req).await.unwrap().kept();
    let refund =
        paychtec.create_refund(CreateRefund::new(p.id).with_amount(usd(MAX))).await.unwrap();
    assert_eq!(refund.amount, usd(MAX));
}
