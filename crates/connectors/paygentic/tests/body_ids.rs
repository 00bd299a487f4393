//! Ids that go into a request body or a query are checked like ids that go into a path
//! (`paymux_core::transport::path_segment`): an over-long id or one with a control character
//! is refused before any request.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use paymux_core::transport::RetryPolicy;
use paymux_core::{
    CreatePayment, Currency, CustomerId, ErrorKind, ListPayments, Money, PaymentProvider,
    SecretString,
};
use paymux_paygentic::{Environment, Paygentic, PaygenticConfig, PaygenticPaymentOptions};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn config(server: &MockServer) -> PaygenticConfig {
    PaygenticConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_base_url(server.uri())
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

/// A 100 KB id, and ids with a NUL and a newline.
fn bad_ids() -> [String; 3] {
    ["c".repeat(100 * 1024), "cus_1\u{0}".to_owned(), "cus_1\n".to_owned()]
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
async fn ids_in_the_body_and_the_query_are_checked_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let paygentic = Paygentic::new(config(&server)).unwrap();
    for bad in bad_ids() {
        let req = CreatePayment::new(usd(1050)).with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paygentic.create_payment(req).await, "customerId", &bad);
        let req = CreatePayment::new(usd(1050)).with_options(PaygenticPaymentOptions {
            merchant_id: Some(bad.clone()),
            ..Default::default()
        });
        assert_refused(paygentic.create_payment(req).await, "merchantId", &bad);
        let list = ListPayments::new().with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paygentic.list_payments(list).await, "customerId query", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_configured_merchant_id_that_is_not_an_id_is_refused_when_the_connector_is_built() {
    let server = MockServer::start().await;
    for bad in bad_ids() {
        let Err(err) = Paygentic::new(config(&server).with_merchant_id(bad.clone())) else {
            panic!("merchant_id = {} accepted", shown(&bad));
        };
        assert_eq!(err.kind(), ErrorKind::Configuration, "merchant_id = {}: {err}", shown(&bad));
    }
}
