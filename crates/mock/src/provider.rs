//! [`MockProvider`] and its [`PaymentProvider`] implementation.

use std::sync::{Mutex, MutexGuard, PoisonError};

use paymux_core::http::HeaderMap;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error,
    ListDisputes, ListPayments, ListPayouts, Money, Operation, Page, Payment, PaymentCustomer,
    PaymentId, PaymentProvider, Payout, PayoutId, PayoutStatus, ProviderId, Refund, RefundId,
    Result, WebhookEvent, async_trait,
};

use crate::builder::MockProviderBuilder;
use crate::calls::{Recordable, RecordedCall};
use crate::state::State;
use crate::webhook::{self, MockWebhook};

/// An in-process [`PaymentProvider`] with a real state machine, for tests. See the crate docs.
#[derive(Debug)]
pub struct MockProvider {
    pub(crate) id: ProviderId,
    pub(crate) capabilities: Capabilities,
    pub(crate) state: Mutex<State>,
}

impl Default for MockProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl MockProvider {
    /// A mock named `"mock"` supporting everything, with the default webhook secret.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder to set the id, capabilities and webhook secret.
    pub fn builder() -> MockProviderBuilder {
        MockProviderBuilder::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in another test thread leaves the state consistent: every change is
        // made after all checks passed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes the next call of `op` fail with `error`, without touching any state. Errors queue
    /// up per operation and each is returned once. `op` is the method's operation
    /// (`Operation::Webhooks` for `parse_webhook`); `Operation::PartialCapture` and
    /// `Operation::PartialRefund` fail only partial captures and refunds.
    pub fn fail_next(&self, op: Operation, error: Error) {
        self.lock().push_failure(op, error);
    }

    /// Every call made so far, oldest first, including failed and unsupported ones.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.lock().calls.clone()
    }

    /// The calls of one operation, oldest first.
    pub fn calls_of(&self, op: Operation) -> Vec<RecordedCall> {
        self.lock().calls.iter().filter(|c| c.operation == op).cloned().collect()
    }

    /// Takes the webhooks emitted since the last take, oldest first.
    pub fn take_webhooks(&self) -> Vec<MockWebhook> {
        std::mem::take(&mut self.lock().outbox)
    }

    /// Headers that sign `body` with this mock's secret, to build your own events
    /// (edge cases, redeliveries) that `parse_webhook` accepts.
    pub fn sign_webhook(&self, body: &[u8]) -> HeaderMap {
        webhook::signed_headers(self.lock().secret(), body)
    }

    /// Test control: moves a payout on, as the gateway would after sending the money (a
    /// `Processing` payout to any other status, a `Succeeded` one to `Reversed`), and queues
    /// its webhook. Not recorded as a call.
    pub fn settle_payout(&self, id: &PayoutId, to: PayoutStatus) -> Result<Payout> {
        self.lock().settle_payout(id, to).map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Test control: the cardholder disputes a succeeded payment (for `amount`, or all of it).
    /// The dispute is `NeedsResponse`, due in seven days, and a `DisputeOpened` webhook is
    /// queued. Not recorded as a call.
    pub fn open_dispute(&self, payment: &PaymentId, amount: Option<Money>) -> Result<Dispute> {
        self.lock().open_dispute(payment, amount).map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Test control: the issuer decides an open or answered dispute (`Won` or `Lost`), and its
    /// webhook is queued. Not recorded as a call.
    pub fn decide_dispute(&self, id: &DisputeId, won: bool) -> Result<Dispute> {
        self.lock().decide_dispute(id, won).map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Capability check, scripted failure, the operation, then the call record.
    fn run<T: Recordable>(
        &self,
        mut call: RecordedCall,
        f: impl FnOnce(&mut State, &Capabilities) -> Result<T>,
    ) -> Result<T> {
        let mut state = self.lock();
        let op = call.operation;
        let result = self.capabilities.require(op).and_then(|()| match state.take_failure(op) {
            Some(scripted) => Err(scripted),
            None => f(&mut state, &self.capabilities),
        });
        let result = result.map_err(|e| match e.provider() {
            Some(_) => e,
            None => e.with_provider(self.id.clone()),
        });
        match &result {
            Ok(value) => value.fill(&mut call),
            Err(e) => call.error = Some(e.kind()),
        }
        state.calls.push(call);
        result
    }
}

#[async_trait]
impl PaymentProvider for MockProvider {
    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let mut call = RecordedCall::new(Operation::CreatePayment)
            .amount(Some(req.amount))
            .key(req.idempotency_key.as_ref())
            .method(req.payment_method.as_ref());
        call.merchant_reference.clone_from(&req.merchant_reference);
        if let Some(PaymentCustomer::Existing(id)) = &req.customer {
            call.customer_id = Some(id.clone());
        }
        self.run(call, |s, caps| s.create_payment(caps, req))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        self.run(RecordedCall::new(Operation::GetPayment).payment(id), |s, _| s.get_payment(id))
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let call = RecordedCall::new(Operation::ConfirmPayment)
            .payment(id)
            .key(req.idempotency_key.as_ref())
            .method(req.payment_method.as_ref());
        self.run(call, |s, _| s.confirm_payment(id, req))
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let call = RecordedCall::new(Operation::CapturePayment)
            .payment(id)
            .amount(req.amount)
            .key(req.idempotency_key.as_ref());
        self.run(call, |s, caps| s.capture_payment(caps, id, req))
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let call = RecordedCall::new(Operation::CancelPayment)
            .payment(id)
            .key(req.idempotency_key.as_ref());
        self.run(call, |s, _| s.cancel_payment(id, req))
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let mut call = RecordedCall::new(Operation::ListPayments);
        call.customer_id.clone_from(&query.customer);
        self.run(call, |s, _| s.list_payments(query))
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        let call = RecordedCall::new(Operation::CreateRefund)
            .payment(&req.payment_id)
            .amount(req.amount)
            .key(req.idempotency_key.as_ref());
        self.run(call, |s, caps| s.create_refund(caps, req))
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let mut call = RecordedCall::new(Operation::GetRefund);
        call.refund_id = Some(id.clone());
        self.run(call, |s, _| s.get_refund(id))
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let call = RecordedCall::new(Operation::CreateCustomer).key(req.idempotency_key.as_ref());
        self.run(call, |s, _| s.create_customer(req))
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let mut call = RecordedCall::new(Operation::GetCustomer);
        call.customer_id = Some(id.clone());
        self.run(call, |s, _| s.get_customer(id))
    }

    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let mut call = RecordedCall::new(Operation::CreatePayout)
            .amount(Some(req.amount))
            .key(req.idempotency_key.as_ref());
        call.card_last4 = req.card().map(|c| c.last4().to_owned());
        call.merchant_reference.clone_from(&req.merchant_reference);
        call.customer_id.clone_from(&req.customer);
        self.run(call, |s, _| s.create_payout(req))
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let mut call = RecordedCall::new(Operation::GetPayout);
        call.payout_id = Some(id.clone());
        self.run(call, |s, _| s.get_payout(id))
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        self.run(RecordedCall::new(Operation::ListPayouts), |s, _| s.list_payouts(query))
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let mut call = RecordedCall::new(Operation::CancelPayout);
        call.payout_id = Some(id.clone());
        self.run(call, |s, _| s.cancel_payout(id))
    }

    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        self.run(RecordedCall::new(Operation::ListDisputes), |s, _| s.list_disputes(query))
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let mut call = RecordedCall::new(Operation::GetDispute);
        call.dispute_id = Some(id.clone());
        self.run(call, |s, _| s.get_dispute(id))
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let mut call = RecordedCall::new(Operation::AcceptDispute);
        call.dispute_id = Some(id.clone());
        self.run(call, |s, _| s.accept_dispute(id))
    }

    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        let mut call = RecordedCall::new(Operation::SubmitDisputeEvidence);
        call.dispute_id = Some(id.clone());
        self.run(call, |s, _| s.submit_dispute_evidence(id, &evidence))
    }

    fn parse_webhook(&self, headers: &HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.run(RecordedCall::new(Operation::Webhooks), |s, _| {
            webhook::parse(&s.provider, s.secret(), headers, raw_body)
        })
    }
}
