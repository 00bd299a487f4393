//! Capabilities, scripted failures, call recording, listing, customers.

use paymux_core::{
    Capabilities, CaptureMode, CapturePayment, CreateCustomer, CreatePayment, CreateRefund,
    Currency, Error, ErrorKind, IdempotencyKey, ListPayments, Money, Operation, PageCursor,
    PaymentProvider, PaymentStatus,
};
use paymux_mock::MockProvider;
use paymux_mock::triggers::*;

use crate::{pay, usd};

#[tokio::test]
async fn default_mock_and_builder() {
    let mock = MockProvider::new();
    assert_eq!(mock.id().as_str(), "mock");
    assert_eq!(mock.capabilities(), &Capabilities::all());
    let named = MockProvider::builder().id("mock_eu").build();
    let p = named.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p.provider.as_str(), "mock_eu");
}

#[tokio::test]
async fn unsupported_operation_changes_nothing() {
    let caps = Capabilities::all().without(Operation::CreateRefund);
    let mock = MockProvider::builder().capabilities(caps).build();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    mock.take_webhooks();
    let e = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(0)));
    assert!(mock.take_webhooks().is_empty());
    assert_eq!(mock.get_refund(&"re_mock_1".into()).await.unwrap_err().kind(), ErrorKind::NotFound);
    // Still recorded, as refused.
    let refunds = mock.calls_of(Operation::CreateRefund);
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].error, Some(ErrorKind::Unsupported));
}

#[tokio::test]
async fn partial_operations_are_separate_capabilities() {
    let caps =
        Capabilities::all().without(Operation::PartialCapture).without(Operation::PartialRefund);
    let mock = MockProvider::builder().capabilities(caps).build();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    let partial = CapturePayment::new().with_amount(usd(500));
    let e = mock.capture_payment(&p.id, partial).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().status, PaymentStatus::RequiresCapture);
    mock.capture_payment(&p.id, CapturePayment::default()).await.unwrap();
    let e =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(1))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    let r = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap();
    assert_eq!(r.amount, usd(1000));
}

#[tokio::test]
async fn manual_capture_and_currencies_follow_capabilities() {
    let caps =
        Capabilities::all().without(Operation::CapturePayment).with_currencies([Currency::USD]);
    let mock = MockProvider::builder().capabilities(caps).build();
    let e = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    let eur = CreatePayment::new(Money::from_minor(1000, Currency::EUR).unwrap());
    assert_eq!(mock.create_payment(eur).await.unwrap_err().kind(), ErrorKind::Unsupported);
    assert!(mock.list_payments(ListPayments::default()).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn fail_next_fails_once_in_order_and_changes_nothing() {
    let mock = MockProvider::new();
    mock.fail_next(
        Operation::CreatePayment,
        Error::new(ErrorKind::Timeout, "scripted timeout").with_outcome_unknown(),
    );
    mock.fail_next(Operation::CreatePayment, Error::new(ErrorKind::RateLimited, "scripted 429"));
    let e = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_outcome_unknown());
    assert_eq!(e.provider().map(|p| p.as_str()), Some("mock"));
    let e = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(mock.take_webhooks().is_empty());
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_mock_1", "failed calls created nothing");
    // Other operations are not affected by another operation's queue.
    mock.fail_next(Operation::CreateRefund, Error::new(ErrorKind::ProviderUnavailable, "down"));
    assert!(mock.get_payment(&p.id).await.is_ok());
    let e = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProviderUnavailable);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(0)));
    assert!(mock.create_refund(CreateRefund::new(p.id.clone())).await.is_ok());
}

#[tokio::test]
async fn fail_next_partial_only_hits_partial_calls() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    mock.fail_next(
        Operation::PartialRefund,
        Error::new(ErrorKind::InvalidRequest, "no partials today"),
    );
    let e =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(10))).await.unwrap_err();
    assert_eq!(e.message(), "no partials today");
    assert!(mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(10))).await.is_ok());
}

#[tokio::test]
async fn calls_are_recorded_without_card_numbers() {
    let mock = MockProvider::new();
    let key = IdempotencyKey::new("k1").unwrap();
    let req = pay(1000, CARD_SUCCEEDS).with_reference("order_9").with_idempotency_key(key.clone());
    let p = mock.create_payment(req).await.unwrap();
    mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(250))).await.unwrap();
    let _ = mock.get_payment(&"pay_mock_404".into()).await;

    let calls = mock.calls();
    let ops: Vec<Operation> = calls.iter().map(|c| c.operation).collect();
    assert_eq!(ops, [Operation::CreatePayment, Operation::CreateRefund, Operation::GetPayment]);
    assert_eq!(calls[0].payment_id, Some(p.id.clone()));
    assert_eq!(calls[0].amount, Some(usd(1000)));
    assert_eq!(calls[0].card_last4.as_deref(), Some("4242"));
    assert_eq!(calls[0].merchant_reference.as_deref(), Some("order_9"));
    assert_eq!(calls[0].idempotency_key, Some(key));
    assert_eq!(calls[0].error, None);
    assert_eq!(calls[1].payment_id, Some(p.id.clone()));
    assert_eq!(calls[1].refund_id.as_ref().map(|r| r.as_str()), Some("re_mock_1"));
    assert_eq!(calls[1].amount, Some(usd(250)));
    assert_eq!(calls[2].error, Some(ErrorKind::NotFound));
    let dump = format!("{calls:?}");
    assert!(!dump.contains(CARD_SUCCEEDS), "{dump}");
}

#[tokio::test]
async fn list_pages_newest_first_with_offset_cursor() {
    let mock = MockProvider::new();
    for minor in 1..=5 {
        mock.create_payment(pay(minor * 100, CARD_SUCCEEDS)).await.unwrap();
    }
    let q = |cursor| {
        let mut q = ListPayments::new().with_limit(2);
        q.cursor = cursor;
        q
    };
    let page1 = mock.list_payments(q(None)).await.unwrap();
    let ids = |page: &paymux_core::Page<paymux_core::Payment>| -> Vec<String> {
        page.items.iter().map(|p| p.id.to_string()).collect()
    };
    assert_eq!(ids(&page1), ["pay_mock_5", "pay_mock_4"]);
    assert!(page1.has_more);
    assert_eq!(page1.total, Some(5));
    assert_eq!(page1.next, Some(PageCursor::Offset(2)));
    let page2 = mock.list_payments(q(page1.next)).await.unwrap();
    assert_eq!(ids(&page2), ["pay_mock_3", "pay_mock_2"]);
    let page3 = mock.list_payments(q(page2.next)).await.unwrap();
    assert_eq!(ids(&page3), ["pay_mock_1"]);
    assert!(!page3.has_more);
    assert_eq!(page3.next, None);
    let e = mock.list_payments(q(Some(PageCursor::After("pay_mock_3".into())))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn list_filters_by_status_and_customer() {
    let mock = MockProvider::new();
    let customer =
        mock.create_customer(CreateCustomer::new().with_email("a@example.com")).await.unwrap();
    mock.create_payment(pay(100, CARD_SUCCEEDS).with_customer(customer.id.clone())).await.unwrap();
    mock.create_payment(pay(100, CARD_DECLINED).with_customer(customer.id.clone())).await.unwrap();
    mock.create_payment(pay(100, CARD_DECLINED)).await.unwrap();
    let failed = ListPayments::new().with_status(PaymentStatus::Failed);
    let page = mock.list_payments(failed).await.unwrap();
    assert_eq!(page.total, Some(2));
    assert!(page.items.iter().all(|p| p.status == PaymentStatus::Failed));
    let mine = ListPayments::new().with_customer(customer.id.clone());
    let page = mock.list_payments(mine).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_mock_2", "pay_mock_1"]);
    let both = ListPayments::new().with_customer(customer.id).with_status(PaymentStatus::Failed);
    assert_eq!(mock.list_payments(both).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn customers_are_created_and_fetched() {
    let mock = MockProvider::new();
    let key = IdempotencyKey::new("cus_key").unwrap();
    let req = CreateCustomer::new()
        .with_email("ada@example.com")
        .with_name("Ada")
        .with_idempotency_key(key);
    let c = mock.create_customer(req.clone()).await.unwrap();
    assert_eq!(c.id.as_str(), "cus_mock_1");
    assert_eq!(c.email.as_deref(), Some("ada@example.com"));
    assert_eq!(mock.get_customer(&c.id).await.unwrap(), c);
    assert_eq!(mock.create_customer(req).await.unwrap(), c, "idempotent replay");
    let c2 = mock.create_customer(CreateCustomer::default()).await.unwrap();
    assert_eq!(c2.id.as_str(), "cus_mock_2");
    // A payment for an unknown customer is refused.
    let stranger = paymux_core::CustomerId::from_stored("cus_elsewhere");
    let e = mock.create_payment(pay(100, CARD_SUCCEEDS).with_customer(stranger)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let p = mock.create_payment(pay(100, CARD_SUCCEEDS).with_customer(c.id.clone())).await.unwrap();
    assert_eq!(p.customer_id, Some(c.id));
}
