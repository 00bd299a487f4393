//! The trait operations the family's gateways answer the same way: one route, then the
//! family's mapping. Each connector's `PaymentProvider` impl hands these its routes and its
//! provider id; what differs per gateway (a payout's options) is built before the call.

use paymux_core::connector::idempotency_key;
use paymux_core::{
    Dispute, DisputeEvidence, DisputeId, IdempotencyKey, ListDisputes, ListPayouts, Page, Payout,
    PayoutId, ProviderId, Result,
};

use crate::client::Routes;
use crate::mapping::{
    dispute_list_query, evidence_body, payout_list_body, to_dispute, to_page, to_payout,
};
use crate::wire::PayoutCreateRequest;

/// `POST /payouts/create` with the caller's key (or a new one).
pub async fn create_payout(
    routes: &Routes,
    provider: &ProviderId,
    body: &PayoutCreateRequest,
    key: Option<IdempotencyKey>,
) -> Result<Payout> {
    to_payout(provider, &routes.create_payout(body, idempotency_key(key)).await?)
}

/// `GET /payouts/{id}`.
pub async fn get_payout(routes: &Routes, provider: &ProviderId, id: &PayoutId) -> Result<Payout> {
    to_payout(provider, &routes.get_payout(id.as_str()).await?)
}

/// `POST /payouts/list`, one page.
pub async fn list_payouts(
    routes: &Routes,
    provider: &ProviderId,
    query: &ListPayouts,
) -> Result<Page<Payout>> {
    let body = payout_list_body(query)?;
    let list = routes.list_payouts(&body).await?;
    to_page(&list, body.offset.unwrap_or(0), body.limit, |p| to_payout(provider, p))
}

/// `POST /payouts/{id}/cancel`.
pub async fn cancel_payout(
    routes: &Routes,
    provider: &ProviderId,
    id: &PayoutId,
) -> Result<Payout> {
    to_payout(provider, &routes.cancel_payout(id.as_str(), idempotency_key(None)).await?)
}

/// `GET /disputes/list`, one page.
pub async fn list_disputes(
    routes: &Routes,
    provider: &ProviderId,
    query: &ListDisputes,
) -> Result<Page<Dispute>> {
    let q = dispute_list_query(query)?;
    let list = routes.list_disputes(&q).await?.into_list();
    to_page(&list, q.offset.unwrap_or(0), q.limit, |d| to_dispute(provider, d))
}

/// `GET /disputes/{id}`.
pub async fn get_dispute(
    routes: &Routes,
    provider: &ProviderId,
    id: &DisputeId,
) -> Result<Dispute> {
    to_dispute(provider, &routes.get_dispute(id.as_str()).await?)
}

/// `POST /disputes/accept/{id}`.
pub async fn accept_dispute(
    routes: &Routes,
    provider: &ProviderId,
    id: &DisputeId,
) -> Result<Dispute> {
    to_dispute(provider, &routes.accept_dispute(id.as_str(), idempotency_key(None)).await?)
}

/// `POST /disputes/evidence`.
pub async fn submit_dispute_evidence(
    routes: &Routes,
    provider: &ProviderId,
    id: &DisputeId,
    evidence: &DisputeEvidence,
) -> Result<Dispute> {
    let body = evidence_body(id, evidence)?;
    to_dispute(provider, &routes.submit_dispute_evidence(&body, idempotency_key(None)).await?)
}
