//! Ids that go into a request body are checked like ids that go into a path
//! (`paymux_core::transport::path_segment`): an over-long id or one with a control character
//! is refused before any request.
#![allow(clippy::unwrap_used)]

mod common;

use common::connector;
use paymux_core::{
    CreatePayment, CreateRefund, Currency, CustomerId, ErrorKind, ListPayments, Money, PaymentId,
    PaymentProvider,
};
use paymux_paymnt::ListRefunds;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A 100 KB id, and ids with a NUL and a newline.
fn bad_ids() -> [String; 3] {
    ["p".repeat(100 * 1024), "pay_1\u{0}".to_owned(), "pay_1\n".to_owned()]
}

fn shown(id: &str) -> String {
    if id.len() > 40 { format!("{} bytes", id.len()) } else { format!("{id:?}") }
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn assert_refused<T: std::fmt::Debug>(result: paymux_core::Result<T>, field: &str, id: &str) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{field} = {}: {err}", shown(id));
}

#[tokio::test]
async fn ids_in_bodies_are_checked_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let paymnt = connector(&server);
    for bad in bad_ids() {
        let req = CreatePayment::new(usd(100))
            .with_confirm(false)
            .with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paymnt.create_payment(req).await, "customer_id", &bad);
        let list = ListPayments::new().with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paymnt.list_payments(list).await, "list customer_id", &bad);
        let req = CreateRefund::new(PaymentId::new(bad.clone())).with_amount(usd(100));
        assert_refused(paymnt.create_refund(req).await, "refund payment_id", &bad);
        let req = CreateRefund::new(PaymentId::new("pay_1"))
            .with_amount(usd(100))
            .with_merchant_refund_id(bad.clone());
        assert_refused(paymnt.create_refund(req).await, "refund_id", &bad);
        let list =
            ListRefunds { payment_id: Some(PaymentId::new(bad.clone())), ..Default::default() };
        assert_refused(paymnt.list_refunds(list).await, "list payment_id", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
