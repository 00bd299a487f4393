//! Ids that go into a request body are checked like ids that go into a path
//! (`paymux_core::transport::path_segment`, or pay.tech's stricter payment id rule): an
//! over-long id or one with a control character is refused before any request.
#![allow(clippy::unwrap_used)]

mod common;

use common::setup;
use paymux_core::{
    CreatePayment, CreatePayout, CreateRefund, Currency, CustomerId, ErrorKind, Money, PaymentId,
    PaymentProvider,
};
use paymux_paytech::{PaytechCustomer, PaytechPaymentOptions, PaytechPayoutOptions};
use wiremock::Mock;
use wiremock::ResponseTemplate;
use wiremock::matchers::any;

/// A 100 KB id, and ids with a NUL and a newline.
fn bad_ids() -> [String; 3] {
    ["c".repeat(100 * 1024), "pay_1\u{0}".to_owned(), "pay_1\n".to_owned()]
}

fn shown(id: &str) -> String {
    if id.len() > 40 { format!("{} bytes", id.len()) } else { format!("{id:?}") }
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR).unwrap()
}

fn assert_refused<T: std::fmt::Debug>(result: paymux_core::Result<T>, field: &str, id: &str) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{field} = {}: {err}", shown(id));
}

fn customer(reference_id: &str) -> PaytechCustomer {
    PaytechCustomer { reference_id: Some(reference_id.to_owned()), ..Default::default() }
}

#[tokio::test]
async fn ids_in_bodies_are_checked_before_sending() {
    let (server, paytech) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    for bad in bad_ids() {
        // `customer.referenceId`, from a saved customer or from the options.
        let req = CreatePayment::new(eur(1112)).with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paytech.create_payment(req).await, "customer.referenceId", &bad);
        let req = CreatePayment::new(eur(1112)).with_options(PaytechPaymentOptions {
            customer: Some(customer(&bad)),
            ..Default::default()
        });
        assert_refused(paytech.create_payment(req).await, "customer.referenceId", &bad);
        let req = CreatePayout::new(eur(1000)).with_options(PaytechPayoutOptions {
            customer: Some(customer(&bad)),
            ..Default::default()
        });
        assert_refused(paytech.create_payout(req).await, "customer.referenceId", &bad);
        let req = CreatePayout::new(eur(1000)).with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paytech.create_payout(req).await, "customer.referenceId", &bad);
        // `parentPaymentId`.
        let req = CreateRefund::new(PaymentId::new(bad.clone())).with_amount(eur(100));
        assert_refused(paytech.create_refund(req).await, "parentPaymentId", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
