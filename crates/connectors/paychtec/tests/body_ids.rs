//! Ids that go into a request body or a query are checked like ids that go into a path
//! (`paymux_core::transport::path_segment`): an over-long id or one with a control character
//! is refused before any request.
#![allow(clippy::unwrap_used)]

mod common;

use common::{config, setup, usd};
use paymux_core::{
    CreateCustomer, CreatePayment, CreatePayout, CreateRefund, CustomerId, DisputeEvidence,
    DisputeId, ErrorKind, EvidenceKind, ListPayments, PaymentId, PaymentProvider,
};
use paymux_paychtec::{
    CreatePaymentLink, Paychtec, PaychtecCustomerOptions, PaychtecPaymentOptions, RefundListQuery,
    UpdatePayout,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A 100 KB id, and ids with a NUL and a newline.
fn bad_ids() -> [String; 3] {
    ["p".repeat(100 * 1024), "pay_1\u{0}".to_owned(), "pay_1\n".to_owned()]
}

fn shown(id: &str) -> String {
    if id.len() > 40 { format!("{} bytes", id.len()) } else { format!("{id:?}") }
}

async fn nothing_may_be_sent(server: &MockServer) {
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(server).await;
}

fn assert_refused<T: std::fmt::Debug>(result: paymux_core::Result<T>, field: &str, id: &str) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{field} = {}: {err}", shown(id));
}

#[tokio::test]
async fn ids_in_payment_bodies_are_checked_before_sending() {
    let (server, paychtec) = setup().await;
    nothing_may_be_sent(&server).await;
    for bad in bad_ids() {
        let req =
            CreatePayment::new(usd(100)).with_confirm(false).with_options(PaychtecPaymentOptions {
                payment_id: Some(bad.clone()),
                ..Default::default()
            });
        assert_refused(paychtec.create_payment(req).await, "payment_id", &bad);
        let req = CreatePayment::new(usd(100))
            .with_confirm(false)
            .with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paychtec.create_payment(req).await, "customer_id", &bad);
        let list = ListPayments::new().with_customer(CustomerId::from_stored(bad.clone()));
        assert_refused(paychtec.list_payments(list).await, "list customer_id", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn ids_in_refund_bodies_are_checked_before_sending() {
    let (server, paychtec) = setup().await;
    nothing_may_be_sent(&server).await;
    for bad in bad_ids() {
        let req = CreateRefund::new(PaymentId::new(bad.clone())).with_amount(usd(100));
        assert_refused(paychtec.create_refund(req).await, "payment_id", &bad);
        let req = CreateRefund::new(PaymentId::new("pay_1"))
            .with_amount(usd(100))
            .with_merchant_refund_id(bad.clone());
        assert_refused(paychtec.create_refund(req).await, "refund_id", &bad);
        let list =
            RefundListQuery { payment_id: Some(PaymentId::new(bad.clone())), ..Default::default() };
        assert_refused(paychtec.list_refunds(list).await, "list payment_id", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn customer_ids_in_other_bodies_are_checked_before_sending() {
    let (server, paychtec) = setup().await;
    nothing_may_be_sent(&server).await;
    for bad in bad_ids() {
        let mut req = CreateCustomer::default();
        req.extensions.insert(PaychtecCustomerOptions { customer_id: Some(bad.clone()) });
        assert_refused(paychtec.create_customer(req).await, "customer_id", &bad);
        let mut link = CreatePaymentLink::new(usd(100));
        link.customer = Some(CustomerId::from_stored(bad.clone()));
        assert_refused(paychtec.create_payment_link(link).await, "link customer_id", &bad);
        let mut payout = CreatePayout::new(usd(100));
        payout.customer = Some(CustomerId::from_stored(bad.clone()));
        assert_refused(paychtec.create_payout(payout).await, "payout customer_id", &bad);
        let update = UpdatePayout {
            customer: Some(CustomerId::from_stored(bad.clone())),
            ..Default::default()
        };
        let id = paymux_core::PayoutId::new("po_1");
        assert_refused(paychtec.update_payout(&id, update).await, "payout update", &bad);
        let evidence = DisputeEvidence::new().with_document(EvidenceKind::Receipt, bad.clone());
        let id = DisputeId::new("dp_1");
        assert_refused(paychtec.submit_dispute_evidence(&id, evidence).await, "file id", &bad);
        let evidence = DisputeEvidence::new().with_text("x");
        let id = DisputeId::new(bad.clone());
        assert_refused(paychtec.submit_dispute_evidence(&id, evidence).await, "dispute_id", &bad);
        let kind = EvidenceKind::Receipt;
        assert_refused(paychtec.delete_dispute_evidence(&id, kind, None).await, "dispute", &bad);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_profile_id_that_is_not_an_id_is_refused_when_the_connector_is_built() {
    let server = MockServer::start().await;
    for bad in bad_ids() {
        let mut c = config(&server);
        c.profile_id = bad.clone();
        let Err(err) = Paychtec::new(c) else {
            panic!("profile_id = {} accepted", shown(&bad));
        };
        assert_eq!(err.kind(), ErrorKind::Configuration, "profile_id = {}: {err}", shown(&bad));
    }
}
