//! Disputes: a cardholder contesting a payment through their bank (chargebacks, and the
//! inquiries before them), and what the merchant answers.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    DisputeId, DisputeStage, DisputeStatus, GatewayAmount, Money, PageCursor, PaymentId, ProviderId,
};

/// A dispute as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    /// The gateway's dispute id.
    pub id: DisputeId,
    /// The provider instance holding the dispute.
    pub provider: ProviderId,
    /// The disputed payment.
    pub payment_id: Option<PaymentId>,
    /// Normalized status.
    pub status: DisputeStatus,
    /// The gateway's own status word.
    pub raw_status: String,
    /// How far the dispute has gone, where the gateway says.
    pub stage: Option<DisputeStage>,
    /// The disputed amount.
    pub amount: Option<Money>,
    /// The gateway's amount where [`Money`] cannot hold it (see [`GatewayAmount`]).
    pub gateway_amount: Option<GatewayAmount>,
    /// The reason the network or acquirer gives, as text.
    pub reason: Option<String>,
    /// The network's or acquirer's reason code.
    pub reason_code: Option<String>,
    /// Evidence must reach the gateway before this time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub evidence_due_by: Option<OffsetDateTime>,
    /// When the gateway created it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

impl Dispute {
    /// A dispute with the given essentials and everything else empty.
    pub fn new(
        id: DisputeId,
        provider: ProviderId,
        status: DisputeStatus,
        raw_status: impl Into<String>,
    ) -> Self {
        Dispute {
            id,
            provider,
            payment_id: None,
            status,
            raw_status: raw_status.into(),
            stage: None,
            amount: None,
            gateway_amount: None,
            reason: None,
            reason_code: None,
            evidence_due_by: None,
            created_at: None,
        }
    }
}

/// A query for a page of disputes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListDisputes {
    /// Page size; each connector clamps it to its gateway's limits.
    pub limit: Option<u32>,
    /// Where to start: the `next` of the previous page.
    pub cursor: Option<PageCursor>,
    /// Only disputes in this status (where the gateway filters by status).
    pub status: Option<DisputeStatus>,
}

impl ListDisputes {
    /// The first page, no filters, the gateway's default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts where the previous page ended (its `next`).
    pub fn with_cursor(mut self, cursor: PageCursor) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Only disputes in `status`.
    pub fn with_status(mut self, status: DisputeStatus) -> Self {
        self.status = Some(status);
        self
    }
}

/// What a document submitted as evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvidenceKind {
    /// The cancellation policy the customer agreed to.
    CancellationPolicy,
    /// Emails or messages with the customer.
    CustomerCommunication,
    /// The customer's signature.
    CustomerSignature,
    /// The receipt.
    Receipt,
    /// The refund policy the customer agreed to.
    RefundPolicy,
    /// Proof the service was provided.
    ServiceDocumentation,
    /// Proof of shipping and delivery.
    ShippingDocumentation,
    /// An invoice showing two charges are distinct.
    InvoiceShowingDistinctTransactions,
    /// The agreement to recurring charges.
    RecurringTransactionAgreement,
    /// Anything else.
    Uncategorized,
}

impl EvidenceKind {
    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CancellationPolicy => "cancellation_policy",
            Self::CustomerCommunication => "customer_communication",
            Self::CustomerSignature => "customer_signature",
            Self::Receipt => "receipt",
            Self::RefundPolicy => "refund_policy",
            Self::ServiceDocumentation => "service_documentation",
            Self::ShippingDocumentation => "shipping_documentation",
            Self::InvoiceShowingDistinctTransactions => "invoice_showing_distinct_transactions",
            Self::RecurringTransactionAgreement => "recurring_transaction_agreement",
            Self::Uncategorized => "uncategorized",
        }
    }
}

/// The merchant's answer to a dispute: documents already uploaded to the gateway (by their
/// file ids) and an optional text.
///
/// ```
/// use paymux_core::{DisputeEvidence, EvidenceKind};
/// let evidence = DisputeEvidence::new()
///     .with_document(EvidenceKind::Receipt, "file_receipt_1")
///     .with_text("Delivered on 3 May, signed for by the cardholder.");
/// assert_eq!(evidence.documents.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeEvidence {
    /// Free text for the issuer.
    pub text: Option<String>,
    /// Documents by kind, as the gateway's file ids.
    pub documents: Vec<(EvidenceKind, String)>,
}

impl DisputeEvidence {
    /// No evidence yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Adds a document the gateway already holds as `file_id`.
    pub fn with_document(mut self, kind: EvidenceKind, file_id: impl Into<String>) -> Self {
        self.documents.push((kind, file_id.into()));
        self
    }

    /// `true` when there is nothing to submit.
    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.documents.is_empty()
    }
}
