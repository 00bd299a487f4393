//! The record of every call made to a mock, for assertions.

use paymux_core::{
    Customer, CustomerId, Dispute, DisputeId, ErrorKind, EventId, IdempotencyKey, Money, Operation,
    Page, Payment, PaymentId, PaymentMethod, Payout, PayoutId, Refund, RefundId, WebhookEvent,
};

/// One call made to a [`MockProvider`](crate::MockProvider), in the order made.
///
/// Card numbers are never recorded: only the last four digits.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedCall {
    /// Which method was called (`Operation::CapturePayment` also for partial captures,
    /// `Operation::CreateRefund` also for partial refunds, `Operation::Webhooks` for
    /// `parse_webhook`).
    pub operation: Operation,
    /// The payment named in the request, or the one created.
    pub payment_id: Option<PaymentId>,
    /// The refund named in the request, or the one created.
    pub refund_id: Option<RefundId>,
    /// The customer named in the request, or the one created.
    pub customer_id: Option<CustomerId>,
    /// The payout named in the request, or the one created.
    pub payout_id: Option<PayoutId>,
    /// The dispute named in the request.
    pub dispute_id: Option<DisputeId>,
    /// The webhook event parsed.
    pub event_id: Option<EventId>,
    /// The amount in the request; `None` when the request gave none (full capture or refund).
    pub amount: Option<Money>,
    /// Last four digits of the card in the request.
    pub card_last4: Option<String>,
    /// The merchant reference in the request.
    pub merchant_reference: Option<String>,
    /// The idempotency key in the request.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The kind of error returned, `None` when the call succeeded.
    pub error: Option<ErrorKind>,
}

impl RecordedCall {
    pub(crate) fn new(operation: Operation) -> Self {
        RecordedCall {
            operation,
            payment_id: None,
            refund_id: None,
            customer_id: None,
            payout_id: None,
            dispute_id: None,
            event_id: None,
            amount: None,
            card_last4: None,
            merchant_reference: None,
            idempotency_key: None,
            error: None,
        }
    }

    pub(crate) fn payment(mut self, id: &PaymentId) -> Self {
        self.payment_id = Some(id.clone());
        self
    }

    pub(crate) fn amount(mut self, amount: Option<Money>) -> Self {
        self.amount = amount;
        self
    }

    pub(crate) fn key(mut self, key: Option<&IdempotencyKey>) -> Self {
        self.idempotency_key = key.cloned();
        self
    }

    pub(crate) fn method(mut self, method: Option<&PaymentMethod>) -> Self {
        if let Some(PaymentMethod::Card(card)) = method {
            self.card_last4 = Some(card.last4().to_owned());
        }
        self
    }
}

/// Results that name a resource, so a call is recorded with the id it created.
pub(crate) trait Recordable {
    fn fill(&self, _call: &mut RecordedCall) {}
}

impl Recordable for Payment {
    fn fill(&self, call: &mut RecordedCall) {
        call.payment_id.get_or_insert_with(|| self.id.clone());
    }
}

impl Recordable for Refund {
    fn fill(&self, call: &mut RecordedCall) {
        call.refund_id.get_or_insert_with(|| self.id.clone());
    }
}

impl Recordable for Customer {
    fn fill(&self, call: &mut RecordedCall) {
        call.customer_id.get_or_insert_with(|| self.id.clone());
    }
}

impl Recordable for WebhookEvent {
    fn fill(&self, call: &mut RecordedCall) {
        call.event_id.get_or_insert_with(|| self.id.clone());
    }
}

impl Recordable for Payout {
    fn fill(&self, call: &mut RecordedCall) {
        call.payout_id.get_or_insert_with(|| self.id.clone());
    }
}

impl Recordable for Dispute {
    fn fill(&self, call: &mut RecordedCall) {
        call.dispute_id.get_or_insert_with(|| self.id.clone());
        if let Some(id) = &self.payment_id {
            call.payment_id.get_or_insert_with(|| id.clone());
        }
    }
}

impl Recordable for Page<Payment> {}
impl Recordable for Page<Payout> {}
impl Recordable for Page<Dispute> {}
