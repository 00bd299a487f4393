//! Payouts, disputes, payment links and refund updates end to end: this connector against the
//! offline Paychtec emulator (`paymux-sandbox`), through its documented triggers (a payout
//! fulfilled succeeds; card `4000000000000259` opens a dispute once the payment succeeded).
#![allow(clippy::unwrap_used)]

use paymux_core::{
    Address, BillingDetails, Card, CreatePayment, CreatePayout, CreateRefund, Currency,
    DisputeEvidence, DisputeStatus, EvidenceKind, ListDisputes, ListPayouts, Money,
    PaymentProvider, PayoutStatus, Phone, RefundStatus, SecretString,
};
use paymux_paychtec::{
    CreatePaymentLink, Environment, ListPaymentLinks, Paychtec, PaychtecConfig,
    PaychtecPayoutOptions, PayoutFlow, PayoutType, UpdatePayout, UpdateRefund,
};
use paymux_sandbox::EmulatorHandle;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

async fn start() -> (EmulatorHandle, Paychtec) {
    let emu = paymux_sandbox::paychtec::start().await.unwrap();
    let c = emu.credentials();
    let config = PaychtecConfig::new(
        SecretString::from(c.api_key.clone()),
        Environment::Sandbox,
        c.extra["profile_id"].clone(),
    )
    .with_base_url(emu.api_url());
    let paychtec = Paychtec::new(config).unwrap();
    (emu, paychtec)
}

fn billing() -> BillingDetails {
    BillingDetails {
        address: Some(Address { country: Some("US".into()), ..Address::default() }),
        phone: Some(Phone { country_code: "+1".into(), number: "6502530000".into() }),
        email: None,
    }
}

#[tokio::test]
async fn a_payout_is_created_updated_listed_fulfilled_and_another_cancelled() {
    let (_emu, paychtec) = start().await;
    let confirm =
        PaychtecPayoutOptions { payout_type: Some(PayoutType::Bank), flow: PayoutFlow::Confirm };
    let created = paychtec
        .create_payout(
            CreatePayout::new(usd(5000)).with_reference("vendor_123").with_options(confirm),
        )
        .await
        .unwrap();
    assert_eq!(
        (created.status, created.raw_status.as_str()),
        (PayoutStatus::RequiresAction, "requires_fulfillment")
    );
    assert_eq!(created.merchant_reference.as_deref(), Some("vendor_123"));

    let update = UpdatePayout {
        amount: Some(usd(4500)),
        description: Some("corrected".into()),
        ..Default::default()
    };
    let updated = paychtec.update_payout(&created.id, update).await.unwrap();
    assert_eq!(updated.amount, Some(usd(4500)));
    assert_eq!(updated.description.as_deref(), Some("corrected"));

    let sent = paychtec.fulfill_payout(&created.id, None).await.unwrap();
    assert_eq!((sent.status, sent.raw_status.as_str()), (PayoutStatus::Succeeded, "success"));
    assert_eq!(paychtec.get_payout(&created.id).await.unwrap().status, PayoutStatus::Succeeded);

    let create_only = PaychtecPayoutOptions { flow: PayoutFlow::CreateOnly, ..Default::default() };
    let other = CreatePayout::new(usd(100)).with_options(create_only);
    let other = paychtec.create_payout(other).await.unwrap();
    assert_eq!(other.raw_status, "requires_confirmation");
    let cancelled = paychtec.cancel_payout(&other.id).await.unwrap();
    assert_eq!(cancelled.status, PayoutStatus::Cancelled);

    let page = paychtec.list_payouts(ListPayouts::new().with_limit(1)).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, other.id, "newest first");
    assert!(page.has_more);
    let next = paychtec
        .list_payouts(ListPayouts::new().with_limit(1).with_cursor(page.next.unwrap()))
        .await
        .unwrap();
    assert_eq!(next.items[0].id, created.id);
    assert!(!next.has_more);
}

#[tokio::test]
async fn a_dispute_is_listed_challenged_with_evidence_and_its_evidence_read_and_removed() {
    let (_emu, paychtec) = start().await;
    let card = Card::new("4000000000000259", 12, 2030, "123").unwrap();
    let payment = paychtec
        .create_payment(CreatePayment::new(usd(1000)).with_card(card).with_billing(billing()))
        .await
        .unwrap();
    let page = paychtec
        .list_disputes(ListDisputes::new().with_status(DisputeStatus::NeedsResponse))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let dispute = &page.items[0];
    assert_eq!(dispute.payment_id.as_ref(), Some(&payment.id));
    assert_eq!(dispute.amount, Some(usd(1000)));
    assert!(dispute.evidence_due_by.is_some());

    let evidence = DisputeEvidence::new()
        .with_document(EvidenceKind::Receipt, "file_receipt_1")
        .with_text("Delivered and signed for.");
    let challenged = paychtec.submit_dispute_evidence(&dispute.id, evidence).await.unwrap();
    assert_eq!(challenged.status, DisputeStatus::UnderReview);
    let under_review = ListDisputes::new().with_status(DisputeStatus::UnderReview);
    assert_eq!(paychtec.list_disputes(under_review).await.unwrap().items.len(), 1);
    let none_open = ListDisputes::new().with_status(DisputeStatus::NeedsResponse);
    assert!(paychtec.list_disputes(none_open).await.unwrap().items.is_empty());

    let blocks = paychtec.dispute_evidence(&dispute.id).await.unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].evidence_type, "receipt");
    assert_eq!(blocks[0].file_metadata_response.as_ref().unwrap().file_id, "file_receipt_1");
    paychtec.delete_dispute_evidence(&dispute.id, EvidenceKind::Receipt, None).await.unwrap();
    assert!(paychtec.dispute_evidence(&dispute.id).await.unwrap().is_empty());
    assert_eq!(paychtec.get_dispute(&dispute.id).await.unwrap().status, DisputeStatus::UnderReview);
}

#[tokio::test]
async fn a_dispute_is_accepted() {
    let (_emu, paychtec) = start().await;
    let card = Card::new("4000000000000259", 12, 2030, "123").unwrap();
    paychtec
        .create_payment(CreatePayment::new(usd(700)).with_card(card).with_billing(billing()))
        .await
        .unwrap();
    let dispute = paychtec.list_disputes(ListDisputes::new()).await.unwrap().items.remove(0);
    let accepted = paychtec.accept_dispute(&dispute.id).await.unwrap();
    assert_eq!(
        (accepted.status, accepted.raw_status.as_str()),
        (DisputeStatus::Accepted, "dispute_accepted")
    );
}

#[tokio::test]
async fn payment_links_are_listed_and_refunds_updated() {
    let (_emu, paychtec) = start().await;
    let link = paychtec.create_payment_link(CreatePaymentLink::new(usd(5000))).await.unwrap();
    let links = paychtec.list_payment_links(ListPaymentLinks::default()).await.unwrap();
    assert_eq!(
        links.iter().map(|l| &l.payment_link_id).collect::<Vec<_>>(),
        [&link.payment_link_id]
    );

    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let payment = paychtec
        .create_payment(CreatePayment::new(usd(1000)).with_card(card).with_billing(billing()))
        .await
        .unwrap();
    let refund = paychtec.create_refund(CreateRefund::new(payment.id)).await.unwrap();
    let update = UpdateRefund { reason: Some("duplicate order".into()), ..Default::default() };
    let updated = paychtec.update_refund(&refund.id, update).await.unwrap();
    assert_eq!(updated.status, RefundStatus::Succeeded);
    assert_eq!(updated.reason.as_deref(), Some("duplicate order"));
}
