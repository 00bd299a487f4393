//! Against the pay.tech emulator of `paymux-sandbox` (a real HTTP server on 127.0.0.1), through
//! the connector as the router builds it (`paymux::sandbox::provider`).
#![allow(clippy::unwrap_used)]

use paymux::sandbox::paytech;
use paymux::{
    Card, CreatePayment, CreateRefund, Currency, ErrorKind, Money, PaymentStatus, RefundStatus,
};

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR).unwrap()
}

#[tokio::test]
async fn a_full_refund_after_a_partial_one_refunds_the_remainder() {
    let emulator = paytech::start().await.unwrap();
    let gateway = paymux::sandbox::provider(&emulator).unwrap();
    let req = CreatePayment::new(eur(10_000))
        .with_card(Card::new("4000000000000408", 12, 2030, "123").unwrap())
        .with_return_url("https://shop.example/r");
    let created = gateway.create_payment(req).await.unwrap();
    paymux::sandbox::complete_redirect(&emulator, &created, None).await.unwrap();
    let paid = gateway.get_payment(&created.id).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Succeeded, "{paid:?}");
    assert_eq!(paid.contract_breach(), None);
    assert_eq!(created.contract_breach(), None);

    let partial = gateway
        .create_refund(CreateRefund::new(paid.id.clone()).with_amount(eur(3_000)))
        .await
        .unwrap();
    assert_eq!(partial.amount, eur(3_000));
    assert_ne!(partial.status, RefundStatus::Failed);

    // No amount: what is left, 70.00, not the deposit's 100.00 (which the gateway refuses).
    let rest = gateway.create_refund(CreateRefund::new(paid.id.clone())).await.unwrap();
    assert_eq!(rest.amount, eur(7_000));
    assert_ne!(rest.status, RefundStatus::Failed, "{rest:?}");
    assert_eq!(gateway.get_refund(&rest.id).await.unwrap().amount, eur(7_000));

    // Nothing is left: refused before anything is sent.
    let err = gateway.create_refund(CreateRefund::new(paid.id.clone())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
}

/// The connector itself (for its gateway-only methods), pointed at the emulator.
fn direct(emulator: &paymux::sandbox::EmulatorHandle) -> paymux::paytech::Paytech {
    let config = paymux::paytech::PaytechConfig::new(
        paymux::SecretString::from(paytech::API_KEY),
        paymux::paytech::Environment::Sandbox,
    )
    .with_base_url(emulator.base_url());
    paymux::paytech::Paytech::new(config).unwrap()
}

#[tokio::test]
async fn a_paid_deposit_lists_its_operations_most_recent_first() {
    let emulator = paytech::start().await.unwrap();
    let gateway = paymux::sandbox::provider(&emulator).unwrap();
    let req = CreatePayment::new(eur(2_500))
        .with_card(Card::new("4000000000000408", 12, 2030, "123").unwrap())
        .with_return_url("https://shop.example/r");
    let created = gateway.create_payment(req).await.unwrap();
    paymux::sandbox::complete_redirect(&emulator, &created, None).await.unwrap();

    let ops = direct(&emulator).payment_operations(&created.id).await.unwrap();
    assert!(ops.len() >= 2, "{ops:?}");
    assert_eq!(ops.last().unwrap().operation, "CREATE_PAYMENT", "{ops:?}");
    assert_eq!(ops[0].payment_state.as_deref(), Some("COMPLETED"), "{ops:?}");
    assert!(ops.windows(2).all(|w| w[0].started_at >= w[1].started_at), "{ops:?}");
}

/// Reads the payout until `done` holds (the emulator settles after `SETTLE_DELAY`).
async fn payout_until(
    gateway: &std::sync::Arc<dyn paymux::PaymentProvider>,
    id: &paymux::PayoutId,
    done: impl Fn(&paymux::Payout) -> bool,
) -> paymux::Payout {
    let mut last = None;
    for _ in 0..100 {
        let payout = gateway.get_payout(id).await.unwrap();
        if done(&payout) {
            return payout;
        }
        last = Some(payout);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("payout {id} never reached the state: {last:?}");
}

#[tokio::test]
async fn a_payout_waits_for_approval_then_completes_and_another_is_cancelled() {
    use paymux::{CreatePayout, ListPayouts, PayoutStatus};
    let emulator = paytech::start().await.unwrap();
    let gateway = paymux::sandbox::provider(&emulator).unwrap();
    let card = || Card::new("4000000000000002", 12, 2030, "123").unwrap();

    let first = gateway
        .create_payout(CreatePayout::new(eur(5_000)).with_card(card()).with_reference("po-1"))
        .await
        .unwrap();
    assert_eq!((first.status, first.raw_status.as_str()), (PayoutStatus::Processing, "PENDING"));
    assert_eq!(first.contract_breach(), None);
    let waiting = payout_until(&gateway, &first.id, |p| p.raw_status == "AWAITING_APPROVAL").await;
    assert_eq!(waiting.status, PayoutStatus::RequiresAction);
    direct(&emulator).approve_withdrawal(&first.id).await.unwrap();
    let paid = payout_until(&gateway, &first.id, |p| p.raw_status != "PENDING").await;
    assert_eq!(paid.status, PayoutStatus::Succeeded, "{paid:?}");
    assert_eq!(paid.amount, Some(eur(5_000)));

    let second = gateway
        .create_payout(CreatePayout::new(eur(2_000)).with_card(card()).with_reference("po-2"))
        .await
        .unwrap();
    payout_until(&gateway, &second.id, |p| p.status == PayoutStatus::RequiresAction).await;
    let cancelled = gateway.cancel_payout(&second.id).await.unwrap();
    assert_eq!(cancelled.status, PayoutStatus::Cancelled, "{cancelled:?}");
    assert_eq!(cancelled.contract_breach(), None);

    // Both are listed, and nothing but payouts.
    let page = gateway.list_payouts(ListPayouts::new().with_limit(100)).await.unwrap();
    let mut ids: Vec<_> = page.items.iter().map(|p| p.id.clone()).collect();
    ids.sort();
    let mut expected = vec![first.id.clone(), second.id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
}
