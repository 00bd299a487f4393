//! Payouts, disputes, customers, payment updates and refund updates end to end: this connector
//! against the offline paymnt.cloud emulator (`paymux-sandbox`), through its documented
//! triggers (a payout fulfilled succeeds; card `4000000000000259` opens a dispute once the
//! payment succeeded).
#![allow(clippy::unwrap_used)]

use paymux_core::{
    Address, BillingDetails, Card, CreateCustomer, CreatePayment, CreatePayout, CreateRefund,
    Currency, DisputeEvidence, DisputeStatus, EvidenceKind, ListDisputes, ListPayouts, Money,
    PaymentProvider, PaymentStatus, PayoutStatus, Phone, SecretString,
};
use paymux_paymnt::{
    Environment, Paymnt, PaymntConfig, PaymntPayoutOptions, PayoutFlow, UpdatePayment, UpdateRefund,
};
use paymux_sandbox::EmulatorHandle;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

async fn start() -> (EmulatorHandle, Paymnt) {
    let emu = paymux_sandbox::paymnt::start().await.unwrap();
    let c = emu.credentials();
    let config = PaymntConfig::new(SecretString::from(c.api_key.clone()), Environment::Sandbox)
        .with_profile_id(c.extra["profile_id"].clone())
        .with_base_url(emu.api_url());
    let paymnt = Paymnt::new(config).unwrap();
    (emu, paymnt)
}

fn billing() -> BillingDetails {
    BillingDetails {
        address: Some(Address { country: Some("US".into()), ..Address::default() }),
        phone: Some(Phone { country_code: "+1".into(), number: "6502530000".into() }),
        email: None,
    }
}

#[tokio::test]
async fn payouts_end_to_end() {
    let (_emu, paymnt) = start().await;
    // By default the money is sent with the create.
    let card = Card::new("4000056655665556", 12, 2030, "123").unwrap().with_holder_name("Jo Doe");
    let sent = paymnt.create_payout(CreatePayout::new(usd(2500)).with_card(card)).await.unwrap();
    assert_eq!((sent.status, sent.raw_status.as_str()), (PayoutStatus::Succeeded, "success"));

    let create_only = PaymntPayoutOptions { flow: PayoutFlow::CreateOnly, ..Default::default() };
    let failing = CreatePayout::new(usd(9995)).with_options(create_only);
    let failing = paymnt.create_payout(failing).await.unwrap();
    assert_eq!(failing.status, PayoutStatus::RequiresAction);
    let failed = paymnt.fulfill_payout(&failing.id, None).await.unwrap();
    assert_eq!(failed.status, PayoutStatus::Failed);
    assert!(failed.failure.is_some());
    assert_eq!(failed.contract_breach(), None);

    let page = paymnt.list_payouts(ListPayouts::new().with_status(PayoutStatus::Succeeded)).await;
    let page = page.unwrap();
    assert_eq!(page.items.iter().map(|p| &p.id).collect::<Vec<_>>(), [&sent.id]);
    assert_eq!(page.total, Some(1));
}

#[tokio::test]
async fn disputes_end_to_end() {
    let (_emu, paymnt) = start().await;
    let card = Card::new("4000000000000259", 12, 2030, "123").unwrap();
    paymnt
        .create_payment(CreatePayment::new(usd(1000)).with_card(card).with_billing(billing()))
        .await
        .unwrap();
    let dispute = paymnt.list_disputes(ListDisputes::new()).await.unwrap().items.remove(0);
    assert_eq!(dispute.status, DisputeStatus::NeedsResponse);
    let evidence = DisputeEvidence::new().with_document(EvidenceKind::Uncategorized, "file_1");
    let d = paymnt.submit_dispute_evidence(&dispute.id, evidence).await.unwrap();
    assert_eq!(d.status, DisputeStatus::UnderReview);
    let blocks = paymnt.dispute_evidence(&dispute.id).await.unwrap();
    assert_eq!(blocks[0].evidence_type, "uncategorized_file");
}

#[tokio::test]
async fn customers_payments_and_refunds_beyond_the_trait() {
    let (_emu, paymnt) = start().await;
    let mut req = CreateCustomer::default();
    req.name = Some("Jane".into());
    let customer = paymnt.create_customer(req).await.unwrap();
    let mut change = CreateCustomer::default();
    change.email = Some("jane@example.com".into());
    let updated = paymnt.update_customer(&customer.id, change).await.unwrap();
    assert_eq!(updated.email.as_deref(), Some("jane@example.com"));
    assert_eq!(paymnt.list_customers(None, None).await.unwrap().items.len(), 1);
    let deleted = paymnt.delete_customer(&customer.id, None).await.unwrap();
    assert_eq!(deleted.customer_deleted, Some(true));

    let created = paymnt.create_payment(CreatePayment::new(usd(1000)).with_confirm(false)).await;
    let created = created.unwrap();
    let update = UpdatePayment { amount: Some(usd(1200)), ..Default::default() };
    let updated = paymnt.update_payment(&created.id, update).await.unwrap();
    assert_eq!(updated.amount, Some(usd(1200)));
    assert_eq!(updated.status, PaymentStatus::RequiresPaymentMethod);

    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let paid = paymnt
        .create_payment(CreatePayment::new(usd(1000)).with_card(card).with_billing(billing()))
        .await
        .unwrap();
    let refund = paymnt.create_refund(CreateRefund::new(paid.id)).await.unwrap();
    let reason = UpdateRefund { reason: Some("duplicate".into()), ..Default::default() };
    let updated = paymnt.update_refund(&refund.id, reason).await.unwrap();
    assert_eq!(updated.reason.as_deref(), Some("duplicate"));
}
