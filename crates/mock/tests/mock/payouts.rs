use paymux_core::{
    CreatePayout, DeclineCode, DisputeEvidence, DisputeStatus, ErrorKind, EventKind, EvidenceKind,
    IdempotencyKey, ListDisputes, ListPayouts, Operation, PageCursor, PaymentProvider,
    PayoutStatus, WebhookResource,
};
use paymux_mock::MockProvider;
use paymux_mock::triggers::{CARD_DECLINED, CARD_SUCCEEDS};

use crate::{card, pay, usd};

#[tokio::test]
async fn a_payout_processes_until_settled_and_a_retry_creates_nothing() {
    let mock = MockProvider::new();
    let key = IdempotencyKey::new("payout_seller_7").unwrap();
    let req = CreatePayout::new(usd(2500))
        .with_card(card(CARD_SUCCEEDS))
        .with_reference("seller_7")
        .with_idempotency_key(key.clone());
    let payout = mock.create_payout(req.clone()).await.unwrap();
    assert_eq!(payout.id.as_str(), "po_mock_1");
    assert_eq!(payout.status, PayoutStatus::Processing);
    assert_eq!(payout.amount, Some(usd(2500)));
    assert_eq!(payout.merchant_reference.as_deref(), Some("seller_7"));
    assert_eq!(payout.contract_breach(), None);
    // The same key: the same payout, nothing new.
    assert_eq!(mock.create_payout(req.retrying(key.clone())).await.unwrap(), payout);
    assert_eq!(mock.list_payouts(ListPayouts::new()).await.unwrap().items.len(), 1);
    // The same key for another payout is refused.
    let other = CreatePayout::new(usd(2600)).with_idempotency_key(key);
    assert_eq!(mock.create_payout(other).await.unwrap_err().kind(), ErrorKind::InvalidRequest);

    let paid = mock.settle_payout(&payout.id, PayoutStatus::Succeeded).unwrap();
    assert_eq!(mock.get_payout(&payout.id).await.unwrap(), paid);
    let e = mock.cancel_payout(&payout.id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "a paid payout cannot be cancelled");
    let reversed = mock.settle_payout(&payout.id, PayoutStatus::Reversed).unwrap();
    assert_eq!(reversed.status, PayoutStatus::Reversed);

    let kinds: Vec<EventKind> = mock.take_webhooks().into_iter().map(|h| h.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::PayoutProcessing, EventKind::PayoutSucceeded, EventKind::PayoutReversed]
    );
    let calls = mock.calls_of(Operation::CreatePayout);
    assert_eq!(calls[0].card_last4.as_deref(), Some("4242"));
    assert_eq!(calls[0].payout_id.as_ref(), Some(&payout.id));
}

#[tokio::test]
async fn a_payout_to_a_declining_card_fails_and_a_processing_one_can_be_cancelled() {
    let mock = MockProvider::new();
    let failed = mock
        .create_payout(CreatePayout::new(usd(100)).with_card(card(CARD_DECLINED)))
        .await
        .unwrap();
    assert_eq!(failed.status, PayoutStatus::Failed);
    assert_eq!(failed.failure.as_ref().unwrap().code, Some(DeclineCode::CardDeclined));
    assert_eq!(failed.contract_breach(), None);

    let pending = mock.create_payout(CreatePayout::new(usd(100))).await.unwrap();
    let cancelled = mock.cancel_payout(&pending.id).await.unwrap();
    assert_eq!(cancelled.status, PayoutStatus::Cancelled);
    let e = mock.create_payout(CreatePayout::new(usd(0))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);

    let page = mock.list_payouts(ListPayouts::new().with_limit(1)).await.unwrap();
    assert_eq!(page.items[0].id, pending.id, "newest first");
    assert!(page.has_more);
    let rest = mock.list_payouts(ListPayouts::new().with_cursor(page.next.unwrap())).await.unwrap();
    assert_eq!(rest.items[0].id, failed.id);
    let failed_only =
        mock.list_payouts(ListPayouts::new().with_status(PayoutStatus::Failed)).await.unwrap();
    assert_eq!(failed_only.items, vec![failed]);
}

#[tokio::test]
async fn a_dispute_is_answered_with_evidence_then_decided() {
    let mock = MockProvider::new();
    let payment = mock.create_payment(pay(4000, CARD_SUCCEEDS)).await.unwrap();
    let dispute = mock.open_dispute(&payment.id, None).unwrap();
    assert_eq!(dispute.status, DisputeStatus::NeedsResponse);
    assert_eq!(dispute.payment_id.as_ref(), Some(&payment.id));
    assert_eq!(dispute.amount, Some(usd(4000)));
    assert!(dispute.evidence_due_by > dispute.created_at);

    let empty = mock.submit_dispute_evidence(&dispute.id, DisputeEvidence::new()).await;
    assert_eq!(empty.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let evidence = DisputeEvidence::new().with_document(EvidenceKind::Receipt, "file_1");
    let answered = mock.submit_dispute_evidence(&dispute.id, evidence).await.unwrap();
    assert_eq!(answered.status, DisputeStatus::UnderReview);
    let e = mock.accept_dispute(&dispute.id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "an answered dispute cannot be accepted");
    let won = mock.decide_dispute(&dispute.id, true).unwrap();
    assert_eq!(mock.get_dispute(&dispute.id).await.unwrap(), won);
    assert_eq!(won.status, DisputeStatus::Won);

    let second = mock.open_dispute(&payment.id, Some(usd(1000))).unwrap();
    assert_eq!(mock.accept_dispute(&second.id).await.unwrap().status, DisputeStatus::Accepted);
    let open =
        mock.list_disputes(ListDisputes::new().with_status(DisputeStatus::Accepted)).await.unwrap();
    assert_eq!(open.items.len(), 1);
    assert_eq!(open.items[0].amount, Some(usd(1000)));

    // Each step is a signed event carrying the dispute.
    let hooks = mock.take_webhooks();
    let kinds: Vec<&EventKind> = hooks.iter().map(|h| &h.kind).collect();
    assert_eq!(
        kinds[1..],
        [
            &EventKind::DisputeOpened,
            &EventKind::DisputeChallenged,
            &EventKind::DisputeWon,
            &EventKind::DisputeOpened,
            &EventKind::DisputeAccepted
        ]
    );
    let event = mock.parse_webhook(&hooks[3].headers, &hooks[3].body).unwrap();
    assert!(matches!(event.resource, WebhookResource::Dispute(d) if d == won));

    let cursor = mock.list_disputes(ListDisputes::new().with_cursor(PageCursor::After("x".into())));
    assert_eq!(cursor.await.unwrap_err().kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn only_a_succeeded_payment_can_be_disputed() {
    let mock = MockProvider::new();
    let failed = mock.create_payment(pay(4000, CARD_DECLINED)).await.unwrap();
    assert_eq!(mock.open_dispute(&failed.id, None).unwrap_err().kind(), ErrorKind::Conflict);
}
