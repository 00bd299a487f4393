use paymux_core::{
    CaptureMode, CapturePayment, CreateRefund, Currency, ErrorKind, IdempotencyKey, Money,
    PaymentProvider, RefundReason, RefundStatus,
};
use paymux_mock::MockProvider;
use paymux_mock::triggers::CARD_SUCCEEDS;

use crate::{pay, usd};

#[tokio::test]
async fn partial_refunds_keep_a_running_total() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let r1 = mock
        .create_refund(
            CreateRefund::new(p.id.clone())
                .with_amount(usd(300))
                .with_reason(RefundReason::RequestedByCustomer),
        )
        .await
        .unwrap();
    assert_eq!(r1.id.as_str(), "re_mock_1");
    assert_eq!(r1.status, RefundStatus::Succeeded);
    assert_eq!(r1.amount, usd(300));
    assert_eq!(r1.payment_id, p.id);
    assert_eq!(r1.reason.as_deref(), Some("requested_by_customer"));
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(300)));
    let r2 =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(200))).await.unwrap();
    assert_eq!(r2.id.as_str(), "re_mock_2");
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(500)));
    // No amount: refunds what remains.
    let rest = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap();
    assert_eq!(rest.amount, usd(500));
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(1000)));
    assert_eq!(mock.get_refund(&r1.id).await.unwrap(), r1);
    // Nothing left.
    let e = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn over_refund_is_invalid_and_changes_nothing() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(700))).await.unwrap();
    let e = mock
        .create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(301)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(700)));
    // The refund counter was not consumed.
    let r =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(300))).await.unwrap();
    assert_eq!(r.id.as_str(), "re_mock_2");
}

#[tokio::test]
async fn refund_is_limited_to_the_captured_amount() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    // Not captured yet: refused as a state conflict.
    let e = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let capture = CapturePayment::new().with_amount(usd(400));
    mock.capture_payment(&p.id, capture).await.unwrap();
    let e = mock
        .create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(500)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let r = mock.create_refund(CreateRefund::new(p.id.clone())).await.unwrap();
    assert_eq!(r.amount, usd(400));
}

#[tokio::test]
async fn refund_in_another_currency_is_invalid() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let eur = Money::from_minor(100, Currency::EUR).unwrap();
    let e = mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(eur)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(0)));
}

#[tokio::test]
async fn idempotent_refund_replays_the_first_refund() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let mut req = CreateRefund::new(p.id.clone()).with_amount(usd(400));
    req.idempotency_key = Some(IdempotencyKey::new("refund_1").unwrap());
    let first = mock.create_refund(req.clone()).await.unwrap();
    let again = mock.create_refund(req).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().amount_refunded, Some(usd(400)));
    let next =
        mock.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(100))).await.unwrap();
    assert_eq!(next.id.as_str(), "re_mock_2");
}
