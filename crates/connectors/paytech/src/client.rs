//! One method per pay.tech route, all through the core transport.
//!
//! pay.tech documents no idempotency mechanism, so every mutation is sent **unkeyed**: the
//! transport never repeats it once it may have reached the gateway, and marks such failures
//! [`is_outcome_unknown`](paymux_core::Error::is_outcome_unknown). The connector recovers
//! creates by looking them up by `referenceId` (see the crate docs).

use http::Method;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{Error, Result};
use time::OffsetDateTime;

use crate::mapping::query_time;
use crate::wire::{
    CaptureRequest, DepositPatchRequest, Envelope, PaymentRequest, PaymentResult,
    RejectPaymentRequest,
};

const PAYMENTS: &str = "/api/v1/payments";

/// Filters of `GET /api/v1/payments`, as the gateway names them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub offset: Option<u64>,
    pub limit: Option<u32>,
    pub created_gte: Option<OffsetDateTime>,
    pub created_lt: Option<OffsetDateTime>,
    pub updated_gte: Option<OffsetDateTime>,
    pub updated_lt: Option<OffsetDateTime>,
    pub reference_id: Option<String>,
}

/// A payment as the gateway answered it, boxed: `PaymentResult` is over 400 bytes, and the
/// answer passes through several futures on its way to the mapping; boxed, each hand-over
/// moves a pointer instead of copying the struct.
pub(crate) type Answer = Box<PaymentResult>;

/// One page of `GET /api/v1/payments`.
pub(crate) struct ListAnswer {
    pub items: Vec<PaymentResult>,
    pub has_more: bool,
}

/// The HTTP side of the connector.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    transport: HttpTransport,
}

/// A payment id as a path segment: the spec's ids are 32 letters and digits; anything else is
/// refused before a request (it could otherwise change the path).
pub(crate) fn check_id(id: &str) -> Result<&str> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid_request(format!(
            "pay.tech payment ids are up to 32 letters and digits, got {id:?}"
        )));
    }
    Ok(id)
}

/// `POST /api/v1/payments` (deposit, withdrawal or refund), unkeyed; sent with
/// [`Client::send`].
pub(crate) fn create_request(
    operation: &'static str,
    body: &PaymentRequest<'_>,
) -> Result<Request> {
    Request::post(operation, PAYMENTS).json(body)
}

impl Client {
    pub(crate) fn new(transport: HttpTransport) -> Self {
        Client { transport }
    }

    /// `GET /api/v1/payments/{id}`.
    pub(crate) async fn get(&self, operation: &'static str, id: &str) -> Result<Answer> {
        let id = check_id(id)?;
        self.send(Request::get(operation, format!("{PAYMENTS}/{id}")), false).await
    }

    /// `GET /api/v1/payments` with filters.
    pub(crate) async fn list(&self, q: &ListQuery) -> Result<ListAnswer> {
        let fmt = |t: Option<OffsetDateTime>| t.map(query_time).transpose();
        let req = Request::get("list_payments", PAYMENTS)
            .query_opt("offset", q.offset.map(|o| o.to_string()))
            .query_opt("limit", q.limit.map(|l| l.to_string()))
            .query_opt("created.gte", fmt(q.created_gte)?)
            .query_opt("created.lt", fmt(q.created_lt)?)
            .query_opt("updated.gte", fmt(q.updated_gte)?)
            .query_opt("updated.lt", fmt(q.updated_lt)?)
            .query_opt("referenceId.eq", q.reference_id.clone());
        let response = self.transport.execute(req).await?;
        let env: Envelope<Vec<PaymentResult>> = self.transport.parse_json(&response.body, false)?;
        Ok(ListAnswer {
            items: env.result.unwrap_or_default(),
            has_more: env.has_more.unwrap_or(false),
        })
    }

    /// `PATCH /api/v1/payments/{id}` (host-to-host execution of a deposit), unkeyed.
    pub(crate) async fn execute_deposit(
        &self,
        id: &str,
        body: &DepositPatchRequest,
    ) -> Result<Answer> {
        let id = check_id(id)?;
        let req = Request::new(Method::PATCH, "confirm_payment", format!("{PAYMENTS}/{id}"))
            .json(body)?;
        self.send(req, true).await
    }

    /// `POST /api/v1/payments/{id}/capture`, unkeyed.
    pub(crate) async fn capture(&self, id: &str, body: &CaptureRequest) -> Result<Answer> {
        let id = check_id(id)?;
        let req =
            Request::post("capture_payment", format!("{PAYMENTS}/{id}/capture")).json(body)?;
        self.send(req, true).await
    }

    /// `POST /api/v1/payments/{id}/void` (no body), unkeyed.
    pub(crate) async fn void(&self, id: &str) -> Result<Answer> {
        let id = check_id(id)?;
        self.send(Request::post("cancel_payment", format!("{PAYMENTS}/{id}/void")), true).await
    }

    /// `POST /api/v1/payments/{id}/approve` (no body), unkeyed.
    pub(crate) async fn approve(&self, id: &str) -> Result<Answer> {
        let id = check_id(id)?;
        self.send(Request::post("approve_withdrawal", format!("{PAYMENTS}/{id}/approve")), true)
            .await
    }

    /// `POST /api/v1/payments/{id}/reject`, unkeyed.
    pub(crate) async fn reject(&self, id: &str, body: &RejectPaymentRequest) -> Result<Answer> {
        let id = check_id(id)?;
        let req =
            Request::post("reject_withdrawal", format!("{PAYMENTS}/{id}/reject")).json(body)?;
        self.send(req, true).await
    }

    /// Sends `req` and reads the `result` of the answer's envelope. Not an `async fn`: the
    /// exchange starts at once, so the future keeps no copy of `req`.
    pub(crate) fn send(
        &self,
        req: Request,
        mutation: bool,
    ) -> impl Future<Output = Result<Answer>> + Send + '_ {
        let exchange = self.transport.execute(req);
        async move {
            let response = exchange.await?;
            let env: Envelope<Answer> = self.transport.parse_json(&response.body, mutation)?;
            env.result.ok_or_else(|| {
                let err = Error::invalid_response("pay.tech answered without a result")
                    .with_provider(self.transport.provider().clone());
                if mutation { err.with_outcome_unknown() } else { err }
            })
        }
    }
}
