use paymux_core::{
    CancelPayment, CaptureMode, CapturePayment, ConfirmPayment, CreatePayment, Currency,
    DeclineCode, ErrorKind, IdempotencyKey, ListPayments, Money, NextAction, PaymentId,
    PaymentMethod, PaymentProvider, PaymentStatus,
};
use paymux_mock::MockProvider;
use paymux_mock::triggers::*;

use crate::{card, pay, usd};

fn capture(amount: Option<Money>) -> CapturePayment {
    {
        let mut q = CapturePayment::new();
        q.amount = amount;
        q
    }
}

#[tokio::test]
async fn automatic_capture_succeeds_with_deterministic_ids() {
    let mock = MockProvider::new();
    let p1 = mock.create_payment(pay(1000, CARD_SUCCEEDS).with_reference("o1")).await.unwrap();
    let p2 = mock.create_payment(pay(2000, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p1.id.as_str(), "pay_mock_1");
    assert_eq!(p2.id.as_str(), "pay_mock_2");
    assert_eq!(p1.provider.as_str(), "mock");
    assert_eq!(p1.status, PaymentStatus::Succeeded);
    assert_eq!(p1.raw_status, "succeeded");
    assert_eq!(p1.amount_captured, Some(usd(1000)));
    assert_eq!(p1.amount_received, Some(usd(1000)));
    assert_eq!(p1.amount_refunded, Some(usd(0)));
    assert_eq!(p1.merchant_reference.as_deref(), Some("o1"));
    assert_eq!(mock.get_payment(&p1.id).await.unwrap(), p1);
    // Counters are per instance.
    let other = MockProvider::new();
    let p = other.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_mock_1");
}

#[tokio::test]
async fn manual_capture_then_full_capture() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount_captured, Some(usd(0)));
    let p = mock.capture_payment(&p.id, capture(None)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount_captured, Some(usd(1000)));
}

#[tokio::test]
async fn partial_capture_succeeds_with_less_captured() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    let p = mock.capture_payment(&p.id, capture(Some(usd(600)))).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, Some(usd(1000)));
    assert_eq!(p.amount_captured, Some(usd(600)));
    // One capture per payment: the rest was released.
    let again = mock.capture_payment(&p.id, capture(Some(usd(100)))).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn capture_more_than_authorized_or_other_currency_is_invalid() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    let e = mock.capture_payment(&p.id, capture(Some(usd(1001)))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let eur = Money::from_minor(500, Currency::EUR).unwrap();
    let e = mock.capture_payment(&p.id, capture(Some(eur))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let e = mock.capture_payment(&p.id, capture(Some(usd(0)))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    // Nothing changed.
    let p = mock.get_payment(&p.id).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount_captured, Some(usd(0)));
}

#[tokio::test]
async fn capture_after_cancel_or_after_success_is_conflict() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    let p = mock.cancel_payment(&p.id, CancelPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Cancelled);
    let e = mock.capture_payment(&p.id, capture(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.provider().map(|p| p.as_str()), Some("mock"));

    let done = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let e = mock.capture_payment(&done.id, capture(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(mock.get_payment(&done.id).await.unwrap().amount_captured, Some(usd(1000)));
}

#[tokio::test]
async fn cancel_from_every_pre_capture_state() {
    let mock = MockProvider::new();
    let requires_capture = pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual);
    let requires_confirmation = pay(1000, CARD_SUCCEEDS).with_confirm(false);
    let requires_method = CreatePayment::new(usd(1000));
    let requires_action = pay(1000, CARD_3DS);
    for (req, expected) in [
        (requires_capture, PaymentStatus::RequiresCapture),
        (requires_confirmation, PaymentStatus::RequiresConfirmation),
        (requires_method, PaymentStatus::RequiresPaymentMethod),
        (requires_action, PaymentStatus::RequiresAction),
    ] {
        let p = mock.create_payment(req).await.unwrap();
        assert_eq!(p.status, expected);
        let p = mock.cancel_payment(&p.id, CancelPayment::default()).await.unwrap();
        assert_eq!(p.status, PaymentStatus::Cancelled, "from {expected}");
        assert_eq!(p.next_action, None);
        // Cancelling twice is refused.
        let e = mock.cancel_payment(&p.id, CancelPayment::default()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
    }
}

#[tokio::test]
async fn cancel_of_succeeded_or_failed_payment_is_conflict() {
    let mock = MockProvider::new();
    let ok = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    let e = mock.cancel_payment(&ok.id, CancelPayment::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(mock.get_payment(&ok.id).await.unwrap().status, PaymentStatus::Succeeded);
    let failed = mock.create_payment(pay(1000, CARD_DECLINED)).await.unwrap();
    let e = mock.cancel_payment(&failed.id, CancelPayment::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn two_step_payment_is_confirmed_later() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_SUCCEEDS).with_confirm(false)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresConfirmation);
    assert_eq!(p.amount_captured, Some(usd(0)));
    let p = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount_captured, Some(usd(1000)));
    let e = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn payment_without_method_needs_one_to_confirm() {
    let mock = MockProvider::new();
    let p = mock.create_payment(CreatePayment::new(usd(1000)).with_confirm(false)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
    let e = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(mock.get_payment(&p.id).await.unwrap().status, PaymentStatus::RequiresPaymentMethod);
    let req = ConfirmPayment::new().with_payment_method(PaymentMethod::Card(card(CARD_DECLINED)));
    let p = mock.confirm_payment(&p.id, req).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.decline_code(), Some(&DeclineCode::CardDeclined));
}

#[tokio::test]
async fn declined_cards_fail_with_codes() {
    let mock = MockProvider::new();
    for (number, code) in [
        (CARD_DECLINED, DeclineCode::CardDeclined),
        (CARD_INSUFFICIENT_FUNDS, DeclineCode::InsufficientFunds),
        (CARD_EXPIRED, DeclineCode::ExpiredCard),
        (CARD_INCORRECT_CVC, DeclineCode::IncorrectCvc),
        (CARD_PROCESSING_ERROR, DeclineCode::ProcessingError),
        (CARD_FRAUD, DeclineCode::FraudSuspected),
    ] {
        let p = mock.create_payment(pay(1000, number)).await.unwrap();
        assert_eq!(p.status, PaymentStatus::Failed);
        let failure = p.failure.as_ref().unwrap();
        assert_eq!(failure.code.as_ref(), Some(&code));
        assert_eq!(failure.gateway_code.as_deref(), Some(code.as_str()));
        assert_eq!(p.amount_captured, Some(usd(0)));
    }
}

#[tokio::test]
async fn three_ds_redirects_then_confirm_completes() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(1000, CARD_3DS)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://mock.paymux.invalid/3ds/pay_mock_1".into() })
    );
    let p = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.next_action, None);

    let manual = pay(1000, CARD_3DS).with_capture(CaptureMode::Manual);
    let p = mock.create_payment(manual).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    let p = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);

    let p = mock.create_payment(pay(1000, CARD_3DS_THEN_DECLINED)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    let p = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.decline_code(), Some(&DeclineCode::CardDeclined));
}

#[tokio::test]
async fn hosted_page_redirects_to_checkout() {
    let mock = MockProvider::new();
    let mut req = CreatePayment::new(usd(1000));
    req.payment_method = Some(PaymentMethod::HostedPage);
    let p = mock.create_payment(req).await.unwrap();
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect {
            url: "https://mock.paymux.invalid/checkout/pay_mock_1".into()
        })
    );
    let p = mock.confirm_payment(&p.id, ConfirmPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn amount_triggers() {
    let mock = MockProvider::new();
    let p = mock.create_payment(pay(AMOUNT_DECLINED, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p.decline_code(), Some(&DeclineCode::CardDeclined));
    let p = mock.create_payment(pay(AMOUNT_INSUFFICIENT_FUNDS, "5555555555554444")).await.unwrap();
    assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
    let p = mock.create_payment(pay(AMOUNT_REQUIRES_ACTION, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    // A card trigger wins.
    let p = mock.create_payment(pay(AMOUNT_DECLINED, CARD_INSUFFICIENT_FUNDS)).await.unwrap();
    assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let mock = MockProvider::new();
    let id = PaymentId::new("pay_mock_99");
    assert_eq!(mock.get_payment(&id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(
        mock.confirm_payment(&id, ConfirmPayment::default()).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        mock.capture_payment(&id, capture(None)).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        mock.cancel_payment(&id, CancelPayment::default()).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let e = mock.create_refund(paymux_core::CreateRefund::new(id)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = mock.get_refund(&"re_mock_1".into()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e =
        mock.get_customer(&paymux_core::CustomerId::from_stored("cus_mock_1")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn idempotent_create_replays_the_first_payment() {
    let mock = MockProvider::new();
    let key = IdempotencyKey::new("order_1_attempt").unwrap();
    let first = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_idempotency_key(key.clone()))
        .await
        .unwrap();
    let hooks = mock.take_webhooks().len();
    let again = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_idempotency_key(key.clone()))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(hooks, 1);
    assert!(mock.take_webhooks().is_empty(), "a replay emits nothing");
    let page = mock.list_payments(ListPayments::default()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    // Same key, other parameters: refused; nothing created.
    let e =
        mock.create_payment(pay(2000, CARD_SUCCEEDS).with_idempotency_key(key)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    // Without a key, a second payment is created.
    let other = mock.create_payment(pay(1000, CARD_SUCCEEDS)).await.unwrap();
    assert_eq!(other.id.as_str(), "pay_mock_2");
}

#[tokio::test]
async fn idempotent_capture_replays_instead_of_conflicting() {
    let mock = MockProvider::new();
    let p = mock
        .create_payment(pay(1000, CARD_SUCCEEDS).with_capture(CaptureMode::Manual))
        .await
        .unwrap();
    let req = CapturePayment::new().with_idempotency_key(IdempotencyKey::new("cap_1").unwrap());
    let first = mock.capture_payment(&p.id, req.clone()).await.unwrap();
    let again = mock.capture_payment(&p.id, req).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(again.status, PaymentStatus::Succeeded);
}
