//! The trait every gateway connector implements, and what each one can do.

use std::collections::BTreeSet;

use async_trait::async_trait;
use iso_currency::Currency;

use crate::{
    CancelPayment, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment, CreatePayout,
    CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error, ListDisputes,
    ListPayments, ListPayouts, Page, Payment, PaymentId, Payout, PayoutId, ProviderId, Refund,
    RefundId, Result, WebhookEvent,
};

/// One operation of [`PaymentProvider`], for capability checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `create_payment`.
    CreatePayment,
    /// `get_payment`.
    GetPayment,
    /// `confirm_payment`.
    ConfirmPayment,
    /// `capture_payment` (and manual capture mode on create).
    CapturePayment,
    /// `capture_payment` with an amount below the authorized one.
    PartialCapture,
    /// `cancel_payment`.
    CancelPayment,
    /// `list_payments`.
    ListPayments,
    /// `create_refund`.
    CreateRefund,
    /// `create_refund` with an amount below the captured one.
    PartialRefund,
    /// `get_refund`.
    GetRefund,
    /// `create_customer`.
    CreateCustomer,
    /// `get_customer`.
    GetCustomer,
    /// `parse_webhook`.
    Webhooks,
    /// `create_payout`.
    CreatePayout,
    /// `get_payout`.
    GetPayout,
    /// `list_payouts`.
    ListPayouts,
    /// `cancel_payout`.
    CancelPayout,
    /// `list_disputes`.
    ListDisputes,
    /// `get_dispute`.
    GetDispute,
    /// `accept_dispute`.
    AcceptDispute,
    /// `submit_dispute_evidence`.
    SubmitDisputeEvidence,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 21] = [
        Self::CreatePayment,
        Self::GetPayment,
        Self::ConfirmPayment,
        Self::CapturePayment,
        Self::PartialCapture,
        Self::CancelPayment,
        Self::ListPayments,
        Self::CreateRefund,
        Self::PartialRefund,
        Self::GetRefund,
        Self::CreateCustomer,
        Self::GetCustomer,
        Self::Webhooks,
        Self::CreatePayout,
        Self::GetPayout,
        Self::ListPayouts,
        Self::CancelPayout,
        Self::ListDisputes,
        Self::GetDispute,
        Self::AcceptDispute,
        Self::SubmitDisputeEvidence,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatePayment => "create_payment",
            Self::GetPayment => "get_payment",
            Self::ConfirmPayment => "confirm_payment",
            Self::CapturePayment => "capture_payment",
            Self::PartialCapture => "partial_capture",
            Self::CancelPayment => "cancel_payment",
            Self::ListPayments => "list_payments",
            Self::CreateRefund => "create_refund",
            Self::PartialRefund => "partial_refund",
            Self::GetRefund => "get_refund",
            Self::CreateCustomer => "create_customer",
            Self::GetCustomer => "get_customer",
            Self::Webhooks => "webhooks",
            Self::CreatePayout => "create_payout",
            Self::GetPayout => "get_payout",
            Self::ListPayouts => "list_payouts",
            Self::CancelPayout => "cancel_payout",
            Self::ListDisputes => "list_disputes",
            Self::GetDispute => "get_dispute",
            Self::AcceptDispute => "accept_dispute",
            Self::SubmitDisputeEvidence => "submit_dispute_evidence",
        }
    }
}

/// What a provider supports, declared up front so a router can refuse a bad configuration at
/// start-up instead of at the first payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    operations: BTreeSet<Operation>,
    currencies: Option<BTreeSet<Currency>>,
}

impl Capabilities {
    /// Every operation, every currency.
    pub fn all() -> Self {
        Capabilities { operations: Operation::ALL.into_iter().collect(), currencies: None }
    }

    /// Exactly these operations, every currency.
    pub fn only(ops: impl IntoIterator<Item = Operation>) -> Self {
        Capabilities { operations: ops.into_iter().collect(), currencies: None }
    }

    /// Removes an operation.
    pub fn without(mut self, op: Operation) -> Self {
        self.operations.remove(&op);
        self
    }

    /// Adds an operation.
    pub fn with(mut self, op: Operation) -> Self {
        self.operations.insert(op);
        self
    }

    /// Restricts the currencies accepted.
    pub fn with_currencies(mut self, currencies: impl IntoIterator<Item = Currency>) -> Self {
        self.currencies = Some(currencies.into_iter().collect());
        self
    }

    /// Whether `op` is supported.
    pub fn supports(&self, op: Operation) -> bool {
        self.operations.contains(&op)
    }

    /// Whether payments in `currency` are accepted.
    pub fn supports_currency(&self, currency: Currency) -> bool {
        self.currencies.as_ref().is_none_or(|set| set.contains(&currency))
    }

    /// The supported operations.
    pub fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.operations.iter().copied()
    }

    /// The accepted currencies; `None` means any the gateway takes.
    pub fn currencies(&self) -> Option<&BTreeSet<Currency>> {
        self.currencies.as_ref()
    }

    /// `Ok` if `op` is supported, else [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn require(&self, op: Operation) -> Result<()> {
        if self.supports(op) { Ok(()) } else { Err(Error::unsupported(op.as_str())) }
    }
}

/// What the trait's default methods answer: the operation is not supported, by this provider.
fn unsupported(provider: &ProviderId, operation: &str) -> Error {
    Error::unsupported(operation).with_provider(provider.clone())
}

/// One payment gateway behind one API.
///
/// Object-safe: hold providers as `Arc<dyn PaymentProvider>`. Operations a gateway lacks keep
/// the default implementations, which return [`ErrorKind::Unsupported`](crate::ErrorKind)
/// without sending anything, and [`capabilities`](PaymentProvider::capabilities) says so.
///
/// Business code written once runs on any gateway, or on the mock in tests:
///
/// ```
/// use std::sync::Arc;
/// use paymux_core::{CreatePayment, CreateRefund, Currency, Money, PaymentProvider, PaymentStatus};
///
/// async fn checkout(gateway: Arc<dyn PaymentProvider>) -> paymux_core::Result<PaymentStatus> {
///     let amount = Money::from_minor(2500, Currency::EUR)?;
///     let payment = gateway.create_payment(CreatePayment::new(amount).with_reference("order_1")).await?;
///     Ok(payment.status)
/// }
/// ```
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The instance name (`"paychtec"`, `"paychtec_eu"`).
    fn id(&self) -> &ProviderId;

    /// What this provider supports.
    fn capabilities(&self) -> &Capabilities;

    /// Creates (and, with `confirm`, authorizes) a payment. A decline the gateway records as a
    /// payment comes back as `Ok` with status `Failed` and a `failure`; a decline answered as
    /// an error without any payment comes back as [`ErrorKind::Declined`](crate::ErrorKind).
    async fn create_payment(&self, req: CreatePayment) -> Result<Payment>;

    /// Fetches a payment.
    async fn get_payment(&self, id: &PaymentId) -> Result<Payment>;

    /// Confirms a payment created with `confirm: false`.
    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let _ = (id, req);
        Err(unsupported(self.id(), "confirm_payment"))
    }

    /// Captures an authorized payment, in full or in part.
    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let _ = (id, req);
        Err(unsupported(self.id(), "capture_payment"))
    }

    /// Cancels (voids) a payment before capture.
    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let _ = (id, req);
        Err(unsupported(self.id(), "cancel_payment"))
    }

    /// Lists payments, one page at a time.
    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let _ = query;
        Err(unsupported(self.id(), "list_payments"))
    }

    /// Refunds a payment, in full or in part.
    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        let _ = req;
        Err(unsupported(self.id(), "create_refund"))
    }

    /// Fetches a refund.
    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let _ = id;
        Err(unsupported(self.id(), "get_refund"))
    }

    /// Saves a customer at the gateway.
    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let _ = req;
        Err(unsupported(self.id(), "create_customer"))
    }

    /// Fetches a saved customer.
    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let _ = id;
        Err(unsupported(self.id(), "get_customer"))
    }

    /// Sends money out (a payout; a withdrawal on pay.tech). Retry-safe with the request's
    /// idempotency key, as `create_payment`.
    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let _ = req;
        Err(unsupported(self.id(), "create_payout"))
    }

    /// Fetches a payout.
    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let _ = id;
        Err(unsupported(self.id(), "get_payout"))
    }

    /// Lists payouts, one page at a time.
    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let _ = query;
        Err(unsupported(self.id(), "list_payouts"))
    }

    /// Cancels a payout before money moves.
    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let _ = id;
        Err(unsupported(self.id(), "cancel_payout"))
    }

    /// Lists disputes, one page at a time.
    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        let _ = query;
        Err(unsupported(self.id(), "list_disputes"))
    }

    /// Fetches a dispute.
    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let _ = id;
        Err(unsupported(self.id(), "get_dispute"))
    }

    /// Accepts a dispute: the money stays with the cardholder and the dispute ends.
    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let _ = id;
        Err(unsupported(self.id(), "accept_dispute"))
    }

    /// Answers a dispute with evidence.
    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        let _ = (id, evidence);
        Err(unsupported(self.id(), "submit_dispute_evidence"))
    }

    /// Verifies a webhook over its raw bytes, then parses it. Never parse before verifying.
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let _ = (headers, raw_body);
        Err(unsupported(self.id(), "parse_webhook"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_gate_operations_and_currencies() {
        let caps = Capabilities::all()
            .without(Operation::CreateRefund)
            .with_currencies([Currency::USD, Currency::EUR]);
        assert!(caps.supports(Operation::CreatePayment));
        assert!(!caps.supports(Operation::CreateRefund));
        assert_eq!(
            caps.require(Operation::CreateRefund).unwrap_err().kind(),
            crate::ErrorKind::Unsupported
        );
        assert!(caps.supports_currency(Currency::EUR));
        assert!(!caps.supports_currency(Currency::JPY));
        assert!(Capabilities::all().supports_currency(Currency::JPY));
    }
}
