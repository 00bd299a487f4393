//! The HTTP handlers: each reads its typed body, runs [`Records`] under the lock through the
//! one idempotency path ([`Emu::mutate`]), and sends the webhooks the change caused.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::api::{self, ApiError, answer};
use super::records::Records;
use super::state::Event;
use super::{Emu, render};
use crate::kit::replay::Replay;

type App = Arc<Emu>;
type Done = Result<(Value, Vec<Event>), ApiError>;

impl Emu {
    /// Runs a mutation once per idempotency key: a replay of the same key on the same route
    /// with the same body answers the first answer again; another request under a used key
    /// is refused with 422 `HE_01`.
    pub(crate) fn mutate<B: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        route: &str,
        raw: &[u8],
        op: impl FnOnce(&Emu, &mut Records, B) -> Done,
    ) -> Response {
        self.expire_due();
        let key = crate::kit::replay::key(headers, self.cfg.idempotency_header);
        let mut events = Vec::new();
        let outcome = self.replays.run(
            key.as_deref(),
            route,
            raw,
            |(s, _)| *s < 500,
            || {
                let body = crate::kit::body::parse::<B>(raw).map_err(|e| ApiError::body(&e));
                let result = body.and_then(|b| op(self, &mut self.records(), b));
                match result {
                    Ok((value, evs)) => {
                        events = evs;
                        (200, value)
                    }
                    Err(e) => (e.status, e.body_json()),
                }
            },
        );
        self.emit(events);
        match outcome {
            Replay::Fresh((s, v)) | Replay::Replayed((s, v)) => answer(s, &v),
            Replay::Conflict { first_route } => ApiError::new(
                422,
                "invalid_request",
                "HE_01",
                format!("{} `{}` was already used for a different request ({first_route}); use a new key for a new operation", self.cfg.idempotency_header, key.unwrap_or_default()),
            )
            .into_response(),
        }
    }

    /// A read: `op` under the lock.
    fn read(&self, op: impl FnOnce(&Emu, &Records) -> Result<Value, ApiError>) -> Response {
        self.expire_due();
        match op(self, &self.records()) {
            Ok(v) => answer(200, &v),
            Err(e) => e.into_response(),
        }
    }

    /// A sandbox control step (no key, no idempotency).
    fn control(&self, op: impl FnOnce(&Emu, &mut Records) -> Done) -> Response {
        let result = op(self, &mut self.records());
        match result {
            Ok((v, events)) => {
                self.emit(events);
                answer(200, &v)
            }
            Err(e) => e.into_response(),
        }
    }
}

fn profile_header(headers: &HeaderMap) -> Option<String> {
    headers.get("x-profile-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `POST /payments`.
pub(crate) async fn create_payment(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let profile = profile_header(&headers);
    emu.mutate(&headers, "POST /payments", &raw, |emu, r, b: api::PaymentsRequest| {
        let confirm = b.confirm == Some(true);
        let id = r.create_payment(&emu.cfg, profile.as_deref(), b)?;
        if confirm { Ok(emu.confirm_now(r, &id)) } else { Ok(r.payment_done(&emu.cfg, &id)) }
    })
}

/// `GET /payments/{id}`.
pub(crate) async fn get_payment(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|emu, r| Ok(r.payment(&id)?.json(&emu.cfg, r)))
}

/// `POST /payments/{id}`.
pub(crate) async fn update_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, &format!("POST /payments/{id}"), &raw, |emu, r, b| {
        r.update_payment(&emu.cfg, &id, b)?;
        Ok(r.payment_done(&emu.cfg, &id))
    })
}

/// `POST /payments/{id}/confirm`.
pub(crate) async fn confirm_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, &format!("POST /payments/{id}/confirm"), &raw, |emu, r, b| {
        r.confirm_fields(&emu.cfg, &id, b)?;
        Ok(emu.confirm_now(r, &id))
    })
}

/// `POST /payments/{id}/capture`.
pub(crate) async fn capture_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payments/{id}/capture"),
        &raw,
        |emu, r, b: api::CaptureRequest| {
            r.payment_mut(&id)?.capture(b.amount_to_capture)?;
            Ok(r.payment_done(&emu.cfg, &id))
        },
    )
}

/// `POST /payments/{id}/cancel`.
pub(crate) async fn cancel_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payments/{id}/cancel"),
        &raw,
        |emu, r, b: api::CancelRequest| {
            r.payment_mut(&id)?.cancel(b.cancellation_reason)?;
            Ok(r.payment_done(&emu.cfg, &id))
        },
    )
}

/// `POST /payments/{id}/approve`.
pub(crate) async fn approve_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payments/{id}/approve"),
        &raw,
        |emu, r, _: api::ReviewRequest| {
            r.payment_mut(&id)?.review(true)?;
            Ok(r.payment_done(&emu.cfg, &id))
        },
    )
}

/// `POST /payments/{id}/reject`.
pub(crate) async fn reject_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payments/{id}/reject"),
        &raw,
        |emu, r, _: api::ReviewRequest| {
            r.payment_mut(&id)?.review(false)?;
            Ok(r.payment_done(&emu.cfg, &id))
        },
    )
}

/// `POST /payments/list`.
pub(crate) async fn list_payments(State(emu): State<App>, raw: Bytes) -> Response {
    match crate::kit::body::parse::<api::PaymentListFilter>(&raw) {
        Ok(f) => emu.read(|emu, r| r.list_payments(&emu.cfg, f)),
        Err(e) => ApiError::body(&e).into_response(),
    }
}

/// `GET /payments/list`.
pub(crate) async fn list_payments_get(
    State(emu): State<App>,
    Query(q): Query<api::PaymentListQuery>,
) -> Response {
    emu.read(|emu, r| r.list_payments_get(&emu.cfg, q))
}

/// `POST /refunds`.
pub(crate) async fn create_refund(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "POST /refunds", &raw, |emu, r, b| r.create_refund(&emu.cfg, b))
}

/// `GET /refunds/{id}`.
pub(crate) async fn get_refund(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| {
        r.refunds
            .get(&id)
            .map(super::records::Refund::json)
            .ok_or_else(|| ApiError::not_found("Refund"))
    })
}

/// `POST /refunds/{id}`.
pub(crate) async fn update_refund(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, &format!("POST /refunds/{id}"), &raw, |_, r, b| r.update_refund(&id, b))
}

/// `POST /refunds/list`.
pub(crate) async fn list_refunds(State(emu): State<App>, raw: Bytes) -> Response {
    match crate::kit::body::parse::<api::RefundListFilter>(&raw) {
        Ok(f) => emu.read(|_, r| r.list_refunds(f)),
        Err(e) => ApiError::body(&e).into_response(),
    }
}

/// `POST /customers`.
pub(crate) async fn create_customer(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "POST /customers", &raw, |_, r, b| r.create_customer(b))
}

/// `GET /customers/{id}`.
pub(crate) async fn get_customer(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| {
        r.customers
            .get(&id)
            .map(|c| Value::Object(c.object.clone()))
            .ok_or_else(|| ApiError::not_found("Customer"))
    })
}

/// `POST /customers/{id}`.
pub(crate) async fn update_customer(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, &format!("POST /customers/{id}"), &raw, |_, r, b| {
        r.update_customer(&id, b)
    })
}

/// `DELETE /customers/{id}`.
pub(crate) async fn delete_customer(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    emu.mutate(&headers, &format!("DELETE /customers/{id}"), b"", |_, r, _: api::ReviewRequest| {
        r.customers.remove(&id).ok_or_else(|| ApiError::not_found("Customer"))?;
        Ok((json!({"customer_id": id, "customer_deleted": true, "address_deleted": true, "payment_methods_deleted": true}), vec![]))
    })
}

/// `limit` and `offset` of a list query.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Paging {
    limit: Option<String>,
    offset: Option<String>,
}

impl Paging {
    fn read(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.limit.as_deref().map_or(Ok(10), |l| {
            l.parse::<usize>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", "must be between 1 and 100"))
        })?;
        let offset = self.offset.as_deref().map_or(Ok(0), |o| {
            o.parse::<usize>()
                .map_err(|_| ApiError::invalid("offset", "must be a non-negative integer"))
        })?;
        Ok((limit, offset))
    }
}

/// `GET /customers/list`.
pub(crate) async fn list_customers(State(emu): State<App>, Query(p): Query<Paging>) -> Response {
    emu.read(|_, r| p.read().map(|(limit, offset)| r.list_customers(limit, offset)))
}

/// `POST /payment_link`.
pub(crate) async fn create_link(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "POST /payment_link", &raw, |emu, r, b| {
        r.create_link(&emu.ctx.public_url, b)
    })
}

/// `POST /payment_link/list`.
pub(crate) async fn list_links(State(emu): State<App>, raw: Bytes) -> Response {
    match crate::kit::body::parse::<api::PageFilter>(&raw) {
        Ok(f) => emu.read(|_, r| r.list_links(f)),
        Err(e) => ApiError::body(&e).into_response(),
    }
}

/// `GET /payment_link/{id}`.
pub(crate) async fn get_link(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| {
        r.links
            .get(&id)
            .map(|l| l.object.clone())
            .ok_or_else(|| ApiError::not_found("Payment link"))
    })
}

/// `POST /payouts/create`.
pub(crate) async fn create_payout(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "POST /payouts/create", &raw, |emu, r, b| r.create_payout(&emu.cfg, b))
}

/// `POST /payouts/list`.
pub(crate) async fn list_payouts(State(emu): State<App>, raw: Bytes) -> Response {
    match crate::kit::body::parse::<api::PageFilter>(&raw) {
        Ok(f) => emu.read(|_, r| r.list_payouts(f)),
        Err(e) => ApiError::body(&e).into_response(),
    }
}

/// `GET /payouts/{id}`.
pub(crate) async fn get_payout(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| r.get_payout(&id))
}

/// `PUT /payouts/{id}`.
pub(crate) async fn update_payout(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, &format!("PUT /payouts/{id}"), &raw, |_, r, b| r.update_payout(&id, b))
}

/// `POST /payouts/{id}/cancel`.
pub(crate) async fn cancel_payout(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payouts/{id}/cancel"),
        &raw,
        |_, r, _: api::PayoutAction| r.cancel_payout(&id),
    )
}

/// `POST /payouts/{id}/fulfill`.
pub(crate) async fn fulfill_payout(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /payouts/{id}/fulfill"),
        &raw,
        |_, r, _: api::PayoutAction| r.fulfill_payout(&id),
    )
}

/// `GET /disputes/list` (`limit`, `offset`, `dispute_status` as a comma-separated list).
pub(crate) async fn list_disputes(
    State(emu): State<App>,
    Query(p): Query<Paging>,
    Query(f): Query<DisputeFilter>,
) -> Response {
    let statuses: Option<Vec<&str>> = f.dispute_status.as_deref().map(|s| s.split(',').collect());
    emu.read(|_, r| {
        p.read().map(|(limit, offset)| r.list_disputes(limit, offset, statuses.as_deref()))
    })
}

/// The dispute list's status filter.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct DisputeFilter {
    dispute_status: Option<String>,
}

/// `GET /disputes/{id}`.
pub(crate) async fn get_dispute(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| r.get_dispute(&id).map(|d| Value::Object(d.object.clone())))
}

/// `POST /disputes/accept/{id}`.
pub(crate) async fn accept_dispute(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(
        &headers,
        &format!("POST /disputes/accept/{id}"),
        &raw,
        |_, r, _: api::ReviewRequest| r.move_dispute(&id, &["dispute_opened"], "dispute_accepted"),
    )
}

/// `POST /disputes/evidence`.
pub(crate) async fn submit_evidence(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "POST /disputes/evidence", &raw, |_, r, b| r.submit_evidence(b))
}

/// `GET /disputes/evidence/{id}`.
pub(crate) async fn get_evidence(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.read(|_, r| r.get_dispute(&id).map(|d| Value::Array(d.evidence.clone())))
}

/// `DELETE /disputes/evidence` (`{dispute_id, evidence_type}`).
pub(crate) async fn delete_evidence(
    State(emu): State<App>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, "DELETE /disputes/evidence", &raw, |_, r, b: api::EvidenceRequest| {
        let id = b.dispute_id.ok_or_else(|| ApiError::missing("dispute_id"))?;
        let d = r.disputes.get_mut(&id).ok_or_else(|| ApiError::not_found("Dispute"))?;
        d.evidence.retain(|e| b.evidence_type.as_deref().is_some_and(|t| e["evidence_type"] != t));
        Ok((Value::Array(d.evidence.clone()), vec![]))
    })
}

/// `GET /sandbox/<gateway>/redirect/{id}`: the customer's 3-D Secure or bank step.
pub(crate) async fn redirect(State(emu): State<App>, Path(id): Path<String>) -> Response {
    let result = {
        let mut r = emu.records();
        match r.payments.get_mut(&id) {
            None => None,
            Some(p) => {
                let changed = p.complete_redirect();
                let back = p.details.return_url.as_ref().map(|u| {
                    crate::kit::pages::with_query(
                        u,
                        &[("payment_id", &p.id), ("status", p.status.word())],
                    )
                });
                let status = p.status.word();
                let events = if changed { r.payment_done(&emu.cfg, &id).1 } else { vec![] };
                Some((status, back, events))
            }
        }
    };
    match result {
        Some((status, back, events)) => {
            emu.emit(events);
            render::redirect_page(emu.cfg.gateway, &id, status, back.as_deref())
        }
        None => render::not_found(emu.cfg.gateway, "Payment does not exist in our records"),
    }
}

/// `POST /sandbox/<gateway>/settle/{id}`: a `processing` or `pending` payment completes.
pub(crate) async fn settle(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.control(|emu, r| {
        r.payment_mut(&id)?.settle()?;
        Ok(r.payment_done(&emu.cfg, &id))
    })
}

/// `POST /sandbox/<gateway>/payments/{id}/{action}`: `expire`, `cancel-post-capture`,
/// `dispute`.
pub(crate) async fn payment_control(
    State(emu): State<App>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    emu.control(|emu, r| {
        match action.as_str() {
            "expire" => r.payment_mut(&id)?.expire()?,
            "cancel-post-capture" => r.payment_mut(&id)?.cancel_post_capture()?,
            "dispute" => return r.open_dispute(&emu.cfg, &id),
            other => return Err(ApiError::not_found(&format!("Sandbox action {other}"))),
        }
        Ok(r.payment_done(&emu.cfg, &id))
    })
}

/// `POST /sandbox/<gateway>/refunds/{id}/settle`: a `pending` or `review` refund succeeds.
pub(crate) async fn refund_settle(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.control(|_, r| r.settle_refund(&id))
}

/// `POST /sandbox/<gateway>/disputes/{id}/{outcome}`: `won`, `lost`, `expired`, `cancelled`.
pub(crate) async fn dispute_control(
    State(emu): State<App>,
    Path((id, outcome)): Path<(String, String)>,
) -> Response {
    emu.control(|_, r| match outcome.as_str() {
        "won" => r.move_dispute(&id, &["dispute_challenged"], "dispute_won"),
        "lost" => r.move_dispute(&id, &["dispute_challenged", "dispute_opened"], "dispute_lost"),
        "expired" => r.move_dispute(&id, &["dispute_opened"], "dispute_expired"),
        "cancelled" => {
            r.move_dispute(&id, &["dispute_opened", "dispute_challenged"], "dispute_cancelled")
        }
        other => Err(ApiError::not_found(&format!("Dispute outcome {other}"))),
    })
}

/// `POST /sandbox/<gateway>/payouts/{id}/{status}`: `success`, `failed`, `expired`, `reversed`.
pub(crate) async fn payout_control(
    State(emu): State<App>,
    Path((id, status)): Path<(String, String)>,
) -> Response {
    emu.control(|_, r| r.move_payout(&id, &status))
}

/// `POST /sandbox/<gateway>/mandates/{id}/revoke`.
pub(crate) async fn revoke_mandate(State(emu): State<App>, Path(id): Path<String>) -> Response {
    emu.control(|_, r| r.revoke_mandate(&id))
}
