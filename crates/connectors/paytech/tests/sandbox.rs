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
