//! Disputes both directions: the core [`ListDisputes`] and [`DisputeEvidence`] to
//! Hyperswitch's dispute query and bodies, and its `DisputeResponse` to the core [`Dispute`].

use paymux_core::{
    Dispute, DisputeEvidence, DisputeId, Error, EvidenceKind, ListDisputes, Money, PaymentId,
    ProviderId, Result,
};

use super::{check_id, money, offset, page_limit, parse_time};
use crate::status::{dispute_stage, dispute_status, dispute_status_filter};
use crate::wire::{
    DeleteEvidenceRequest, DisputeListRequest, DisputeResponse, SubmitEvidenceRequest,
};

/// The query of `GET /disputes/list` for a core [`ListDisputes`]: the limit clamped
/// ([`page_limit`]), paged by [`offset`] (the answer is a bare array without a total: a full
/// page may have more), the status as every word that reads as it
/// ([`dispute_status_filter`]).
pub fn dispute_list_query(query: &ListDisputes) -> Result<DisputeListRequest> {
    Ok(DisputeListRequest {
        limit: page_limit(query.limit),
        offset: offset(query.cursor.as_ref())?,
        dispute_status: query
            .status
            .map(|s| dispute_status_filter(s).into_iter().map(str::to_owned).collect()),
        dispute_stage: None,
        payment_id: None,
    })
}

/// Hyperswitch's `EvidenceType` word (and `SubmitEvidenceRequest` field) for an
/// [`EvidenceKind`]: the same words, except that `Uncategorized` is `uncategorized_file`.
///
/// | kind | word |
/// |---|---|
/// | `CancellationPolicy` | `cancellation_policy` |
/// | `CustomerCommunication` | `customer_communication` |
/// | `CustomerSignature` | `customer_signature` |
/// | `Receipt` | `receipt` |
/// | `RefundPolicy` | `refund_policy` |
/// | `ServiceDocumentation` | `service_documentation` |
/// | `ShippingDocumentation` | `shipping_documentation` |
/// | `InvoiceShowingDistinctTransactions` | `invoice_showing_distinct_transactions` |
/// | `RecurringTransactionAgreement` | `recurring_transaction_agreement` |
/// | `Uncategorized` | `uncategorized_file` |
///
/// A kind added to the core later has no word: `None`, and the request is refused.
pub fn evidence_type(kind: EvidenceKind) -> Option<&'static str> {
    Some(match kind {
        EvidenceKind::CancellationPolicy => "cancellation_policy",
        EvidenceKind::CustomerCommunication => "customer_communication",
        EvidenceKind::CustomerSignature => "customer_signature",
        EvidenceKind::Receipt => "receipt",
        EvidenceKind::RefundPolicy => "refund_policy",
        EvidenceKind::ServiceDocumentation => "service_documentation",
        EvidenceKind::ShippingDocumentation => "shipping_documentation",
        EvidenceKind::InvoiceShowingDistinctTransactions => "invoice_showing_distinct_transactions",
        EvidenceKind::RecurringTransactionAgreement => "recurring_transaction_agreement",
        EvidenceKind::Uncategorized => "uncategorized_file",
        _ => return None,
    })
}

/// [`evidence_type`], or an `InvalidRequest` naming the kind.
fn evidence_word(kind: EvidenceKind) -> Result<&'static str> {
    evidence_type(kind).ok_or_else(|| unknown_kind(kind))
}

/// The field of `body` that holds a document of `kind` (named by [`evidence_type`]).
fn evidence_field(
    body: &mut SubmitEvidenceRequest,
    kind: EvidenceKind,
) -> Result<&mut Option<String>> {
    Ok(match kind {
        EvidenceKind::CancellationPolicy => &mut body.cancellation_policy,
        EvidenceKind::CustomerCommunication => &mut body.customer_communication,
        EvidenceKind::CustomerSignature => &mut body.customer_signature,
        EvidenceKind::Receipt => &mut body.receipt,
        EvidenceKind::RefundPolicy => &mut body.refund_policy,
        EvidenceKind::ServiceDocumentation => &mut body.service_documentation,
        EvidenceKind::ShippingDocumentation => &mut body.shipping_documentation,
        EvidenceKind::InvoiceShowingDistinctTransactions => {
            &mut body.invoice_showing_distinct_transactions
        }
        EvidenceKind::RecurringTransactionAgreement => &mut body.recurring_transaction_agreement,
        EvidenceKind::Uncategorized => &mut body.uncategorized_file,
        other => return Err(unknown_kind(other)),
    })
}

/// The error for a kind this gateway has no field for.
fn unknown_kind(kind: EvidenceKind) -> Error {
    Error::invalid_request(format!(
        "evidence of kind {} has no field on this gateway",
        kind.as_str()
    ))
}

/// The body of `POST /disputes/evidence` for dispute `id`: each document in its field by kind
/// ([`evidence_type`]), as the file id the gateway issued on upload (checked like any gateway
/// id), the text as `uncategorized_text`. Refused before any request: no evidence at all, two
/// documents of one kind (the gateway keeps one file per kind), an empty text.
pub fn evidence_body(id: &DisputeId, evidence: &DisputeEvidence) -> Result<SubmitEvidenceRequest> {
    check_id("dispute id", id.as_str())?;
    if evidence.is_empty() {
        return Err(Error::invalid_request("dispute evidence must hold a document or a text"));
    }
    if evidence.text.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Error::invalid_request("dispute evidence text must not be empty"));
    }
    let mut body = SubmitEvidenceRequest {
        dispute_id: id.as_str().to_owned(),
        uncategorized_text: evidence.text.clone(),
        ..SubmitEvidenceRequest::default()
    };
    for (kind, file_id) in &evidence.documents {
        let file_id = check_id("evidence file id", file_id)?.to_owned();
        let field = evidence_field(&mut body, *kind)?;
        if field.is_some() {
            return Err(Error::invalid_request(format!(
                "two documents of kind {}: the gateway keeps one file per kind",
                kind.as_str()
            )));
        }
        *field = Some(file_id);
    }
    Ok(body)
}

/// The body of `DELETE /disputes/evidence`: the dispute (checked) and the kind's word
/// ([`evidence_type`]).
pub fn delete_evidence_body(id: &DisputeId, kind: EvidenceKind) -> Result<DeleteEvidenceRequest> {
    check_id("dispute id", id.as_str())?;
    Ok(DeleteEvidenceRequest {
        dispute_id: id.as_str().to_owned(),
        evidence_type: evidence_word(kind)?.to_owned(),
    })
}

/// A dispute answer as a core [`Dispute`] held by `provider`: the status per
/// [`dispute_status`] (the word kept in `raw_status`), the stage per [`dispute_stage`], the
/// acquirer's reason and code, `challenge_required_by` as `evidence_due_by`.
///
/// An amount that is not money is an
/// [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse), as for payments.
pub fn to_dispute(provider: &ProviderId, wire: &DisputeResponse) -> Result<Dispute> {
    let amount = money(wire.amount, &wire.currency)?;
    Ok(dispute_from_parts(provider, wire, amount))
}

/// The dispute of an answer whose amount is already read as money: [`to_dispute`] reads it
/// strictly, a webhook notes what it cannot read.
pub(crate) fn dispute_from_parts(
    provider: &ProviderId,
    wire: &DisputeResponse,
    amount: Money,
) -> Dispute {
    Dispute {
        id: DisputeId::new(wire.dispute_id.clone()),
        provider: provider.clone(),
        payment_id: Some(PaymentId::new(wire.payment_id.clone())),
        status: dispute_status(&wire.dispute_status),
        raw_status: wire.dispute_status.clone(),
        stage: wire.dispute_stage.as_deref().and_then(dispute_stage),
        amount: Some(amount),
        gateway_amount: None,
        reason: wire.connector_reason.clone(),
        reason_code: wire.connector_reason_code.clone(),
        evidence_due_by: wire.challenge_required_by.as_deref().and_then(parse_time),
        created_at: wire.created_at.as_deref().and_then(parse_time),
    }
}
