//! The public requests of the operations both family connectors offer beyond the core trait
//! (each connector re-exports them): updating a payment, a refund or a payout, choosing how
//! far a payout goes when it is created, listing payment links, listing payments with every
//! filter. Their answers are the core model (`Payment`, `Refund`, `Payout`) or the family's
//! public answer types ([`PaymentLinkResponse`](crate::PaymentLinkResponse),
//! [`CustomerDeleteResponse`](crate::CustomerDeleteResponse),
//! [`DisputeEvidenceBlock`](crate::DisputeEvidenceBlock)).

use paymux_core::{
    CaptureMode, Currency, CustomerDetails, CustomerId, IdempotencyKey, ListPayments, Metadata,
    Money, OrderLine,
};
use time::OffsetDateTime;

/// Fields to change on a payment before confirmation (`POST /payments/{payment_id}`); only the
/// fields set are sent.
#[derive(Debug, Clone, Default)]
pub struct UpdatePayment {
    /// New amount.
    pub amount: Option<Money>,
    /// New capture mode.
    pub capture: Option<CaptureMode>,
    /// New description.
    pub description: Option<String>,
    /// New return URL.
    pub return_url: Option<String>,
    /// New one-off customer details (top-level `email`, `name`, `phone`, `phone_country_code`).
    pub customer_details: Option<CustomerDetails>,
    /// New order contents.
    pub order_lines: Option<Vec<OrderLine>>,
    /// New metadata.
    pub metadata: Option<Metadata>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// `POST /payments/list` filters: the core ones plus `currency`.
#[derive(Debug, Clone, Default)]
pub struct PaymentListQuery {
    /// Limit, offset cursor, status, customer, creation window.
    pub list: ListPayments,
    /// Only payments in this currency.
    pub currency: Option<Currency>,
}

/// What a refund update changes (`POST /refunds/{refund_id}`): Hyperswitch updates the reason
/// and the metadata only. At least one must be set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateRefund {
    /// The new reason (free text, at most 255 characters).
    pub reason: Option<String>,
    /// The new metadata (replaces the old).
    pub metadata: Option<Metadata>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// A query for the payment links (`POST /payment_link/list`, Hyperswitch's
/// `PaymentLinkListConstraints`): a page size and the creation window; the gateway takes no
/// offset, so there is no next page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPaymentLinks {
    /// How many links (the gateway's default when `None`).
    pub limit: Option<u32>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before.
    pub created_to: Option<OffsetDateTime>,
}

/// How far a payout goes when it is created (`POST /payouts/create`, Hyperswitch's `confirm`
/// and `auto_fulfill`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PayoutFlow {
    /// Neither field is sent (the guide's example): the payout waits for confirmation
    /// (`requires_confirmation`), a merchant action.
    #[default]
    CreateOnly,
    /// `confirm: true`: the payout waits for fulfillment (`requires_fulfillment`), which the
    /// connector's `fulfill_payout` gives.
    Confirm,
    /// `confirm: true, auto_fulfill: true`: the money is sent now.
    ConfirmAndFulfill,
}

impl PayoutFlow {
    /// The `confirm` and `auto_fulfill` fields of the body.
    pub fn fields(self) -> (Option<bool>, Option<bool>) {
        match self {
            PayoutFlow::CreateOnly => (None, None),
            PayoutFlow::Confirm => (Some(true), None),
            PayoutFlow::ConfirmAndFulfill => (Some(true), Some(true)),
        }
    }
}

/// Fields to change on a payout before it is fulfilled (`PUT /payouts/{payout_id}`); only the
/// fields set are sent.
#[derive(Debug, Clone, Default)]
pub struct UpdatePayout {
    /// New amount.
    pub amount: Option<Money>,
    /// New receiving customer.
    pub customer: Option<CustomerId>,
    /// New description.
    pub description: Option<String>,
    /// New merchant reference.
    pub merchant_reference: Option<String>,
    /// New metadata.
    pub metadata: Option<Metadata>,
    /// `Confirm` confirms the payout, `ConfirmAndFulfill` sends it as well; `CreateOnly` (the
    /// default) changes nothing of its state.
    pub flow: PayoutFlow,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}
