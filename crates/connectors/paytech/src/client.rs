//! One method per pay.tech route, all through the core transport.
//!
//! pay.tech documents no idempotency mechanism, so every mutation is sent **unkeyed**: the
//! transport never repeats it once it may have reached the gateway, and marks such failures
//! (and an unreadable answer to one) [`is_outcome_unknown`](paymux_core::Error::is_outcome_unknown).
//! Creates are recovered by looking them up by `referenceId` (`recovery.rs`).

use http::Method;
use paymux_core::connector::Environment;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{Error, PaymentId, Result};

use crate::wire::{
    CaptureRequest, DepositPatchRequest, Envelope, ListEnvelope, ListQuery, PaymentRequest,
    PaymentResult, RejectPaymentRequest,
};

const PAYMENTS: &str = "/api/v1/payments";

/// The gateway's host for `environment`.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://engine-sandbox.pay.tech",
        Environment::Production => "https://engine.pay.tech",
    }
}

/// A payment id as a path segment: the spec's ids are up to 32 letters and digits; anything
/// else is refused before a request (it could otherwise change the path).
pub(crate) fn check_id(id: &str) -> Result<&str> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid_request(format!(
            "pay.tech payment ids are up to 32 letters and digits, got {id:?}"
        )));
    }
    Ok(id)
}

/// The HTTP side of the connector.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    transport: HttpTransport,
}

impl Client {
    pub(crate) fn new(transport: HttpTransport) -> Self {
        Client { transport }
    }

    /// `POST /api/v1/payments`: a deposit, refund or withdrawal, per its `paymentType`.
    pub(crate) async fn create_payment(
        &self,
        operation: &'static str,
        body: &PaymentRequest<'_>,
    ) -> Result<PaymentResult> {
        self.send(Request::post(operation, PAYMENTS).json(body)?).await
    }

    /// `GET /api/v1/payments/{id}`, whatever its type (deposits, refunds and withdrawals
    /// share one id space).
    pub(crate) async fn get_payment(
        &self,
        operation: &'static str,
        id: &str,
    ) -> Result<PaymentResult> {
        let id = check_id(id)?;
        self.send(Request::get(operation, format!("{PAYMENTS}/{id}"))).await
    }

    /// `GET /api/v1/payments` with filters.
    pub(crate) async fn list_payments(&self, q: &ListQuery<'_>) -> Result<ListEnvelope> {
        let req = Request::get("list_payments", PAYMENTS)
            .query_opt("offset", q.offset.map(|o| o.to_string()))
            .query_opt("limit", q.limit.map(|l| l.to_string()))
            .query_opt("created.gte", q.created_gte.as_deref())
            .query_opt("created.lt", q.created_lt.as_deref())
            .query_opt("updated.gte", q.updated_gte.as_deref())
            .query_opt("updated.lt", q.updated_lt.as_deref())
            .query_opt("referenceId.eq", q.reference_id);
        self.transport.send_json(req).await
    }

    /// `PATCH /api/v1/payments/{id}`: the host-to-host execution of a deposit.
    pub(crate) async fn confirm_payment(
        &self,
        id: &PaymentId,
        body: &DepositPatchRequest,
    ) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        let path = format!("{PAYMENTS}/{id}");
        self.send(Request::new(Method::PATCH, "confirm_payment", path).json(body)?).await
    }

    /// `POST /api/v1/payments/{id}/capture`.
    pub(crate) async fn capture_payment(
        &self,
        id: &PaymentId,
        body: &CaptureRequest,
    ) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        let path = format!("{PAYMENTS}/{id}/capture");
        self.send(Request::post("capture_payment", path).json(body)?).await
    }

    /// `POST /api/v1/payments/{id}/void`, without a body.
    pub(crate) async fn cancel_payment(&self, id: &PaymentId) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        self.send(Request::post("cancel_payment", format!("{PAYMENTS}/{id}/void"))).await
    }

    /// `POST /api/v1/payments/{id}/approve`, without a body.
    pub(crate) async fn approve_payment(&self, id: &PaymentId) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        self.send(Request::post("approve_withdrawal", format!("{PAYMENTS}/{id}/approve"))).await
    }

    /// `POST /api/v1/payments/{id}/reject`.
    pub(crate) async fn reject_payment(
        &self,
        id: &PaymentId,
        body: &RejectPaymentRequest,
    ) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        let path = format!("{PAYMENTS}/{id}/reject");
        self.send(Request::post("reject_withdrawal", path).json(body)?).await
    }

    /// Sends `req` and reads the `result` of the answer's envelope.
    async fn send(&self, req: Request) -> Result<PaymentResult> {
        let answer: Envelope<PaymentResult> = self.transport.send_json(req).await?;
        Ok(answer.result)
    }
}
