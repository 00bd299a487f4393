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
    BalanceResult, CaptureRequest, CardTokenResult, CurrencyAmountResult, DepositPatchRequest,
    Envelope, ListEnvelope, ListQuery, OperationResult, PaymentRequest, PaymentResult,
    RegisterChargebackRequest, RejectPaymentRequest, SubscriptionPatchRequest, SubscriptionResult,
    TerminalTokenResult,
};

const PAYMENTS: &str = "/api/v1/payments";
const CUSTOMERS: &str = "/api/v1/customers";
const SUBSCRIPTIONS: &str = "/api/v1/subscriptions";

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

    /// `GET /api/v1/payments` with filters (`list_payments`, `list_payouts`, the recovery
    /// lookups), named `operation`.
    pub(crate) async fn list_payments(
        &self,
        operation: &'static str,
        q: &ListQuery<'_>,
    ) -> Result<ListEnvelope> {
        let req = Request::get(operation, PAYMENTS)
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
    pub(crate) async fn approve_payment(&self, id: &str) -> Result<PaymentResult> {
        let id = check_id(id)?;
        self.send(Request::post("approve_withdrawal", format!("{PAYMENTS}/{id}/approve"))).await
    }

    /// `POST /api/v1/payments/{id}/reject` (`reject_withdrawal`, or `cancel_payout`).
    pub(crate) async fn reject_payment(
        &self,
        operation: &'static str,
        id: &str,
        body: &RejectPaymentRequest,
    ) -> Result<PaymentResult> {
        let id = check_id(id)?;
        let path = format!("{PAYMENTS}/{id}/reject");
        self.send(Request::post(operation, path).json(body)?).await
    }

    /// `POST /api/v1/payments/{id}/chargebacks`.
    pub(crate) async fn register_chargeback(
        &self,
        id: &PaymentId,
        body: &RegisterChargebackRequest<'_>,
    ) -> Result<PaymentResult> {
        let id = check_id(id.as_str())?;
        let path = format!("{PAYMENTS}/{id}/chargebacks");
        self.send(Request::post("register_chargeback", path).json(body)?).await
    }

    /// `GET /api/v1/payments/{id}/operations`.
    pub(crate) async fn payment_operations(&self, id: &PaymentId) -> Result<Vec<OperationResult>> {
        let id = check_id(id.as_str())?;
        self.list(Request::get("payment_operations", format!("{PAYMENTS}/{id}/operations"))).await
    }

    /// `GET /api/v1/customers/{customer.referenceId}/card-tokens`, with `savedByCustomer.eq`
    /// when given. `customer` is already checked (`mapping::customer_path_id`).
    pub(crate) async fn customer_card_tokens(
        &self,
        customer: &str,
        saved_by_customer: Option<&str>,
    ) -> Result<Vec<CardTokenResult>> {
        let req =
            Request::get("customer_card_tokens", format!("{CUSTOMERS}/{customer}/card-tokens"))
                .query_opt("savedByCustomer.eq", saved_by_customer);
        self.list(req).await
    }

    /// `GET /api/v1/customers/{customerReferenceId}/terminals/{terminalId}/tokens`.
    /// `customer` is already checked (`mapping::customer_path_id`).
    pub(crate) async fn customer_terminal_tokens(
        &self,
        customer: &str,
        terminal: u64,
    ) -> Result<Vec<TerminalTokenResult>> {
        let path = format!("{CUSTOMERS}/{customer}/terminals/{terminal}/tokens");
        self.list(Request::get("customer_terminal_tokens", path)).await
    }

    /// `GET /api/v1/subscriptions/{id}` (subscription ids are written as payment ids are).
    pub(crate) async fn get_subscription(&self, id: &str) -> Result<SubscriptionResult> {
        let id = check_id(id)?;
        self.envelope(Request::get("get_subscription", format!("{SUBSCRIPTIONS}/{id}"))).await
    }

    /// `PATCH /api/v1/subscriptions/{id}`.
    pub(crate) async fn patch_subscription(
        &self,
        id: &str,
        body: &SubscriptionPatchRequest,
    ) -> Result<SubscriptionResult> {
        let id = check_id(id)?;
        let path = format!("{SUBSCRIPTIONS}/{id}");
        self.envelope(Request::new(Method::PATCH, "cancel_subscription", path).json(body)?).await
    }

    /// `GET /api/v1/balances`.
    pub(crate) async fn balances(&self) -> Result<Vec<BalanceResult>> {
        self.list(Request::get("balances", "/api/v1/balances")).await
    }

    /// `GET /api/v1/available-withdrawal-balances`.
    pub(crate) async fn available_withdrawal_balances(&self) -> Result<Vec<CurrencyAmountResult>> {
        let req =
            Request::get("available_withdrawal_balances", "/api/v1/available-withdrawal-balances");
        self.list(req).await
    }

    /// Sends `req` and reads the `result` of the answer's envelope.
    async fn send(&self, req: Request) -> Result<PaymentResult> {
        self.envelope(req).await
    }

    /// Sends `req` and reads the `result` of the answer's envelope as a `T`.
    async fn envelope<T: serde::de::DeserializeOwned>(&self, req: Request) -> Result<T> {
        let answer: Envelope<T> = self.transport.send_json(req).await?;
        Ok(answer.result)
    }

    /// Sends `req` and reads the array in the `result` of the answer's envelope (none is an
    /// empty list: the schemas require no `result`).
    async fn list<T: serde::de::DeserializeOwned>(&self, req: Request) -> Result<Vec<T>> {
        let answer: Envelope<Option<Vec<T>>> = self.transport.send_json(req).await?;
        Ok(answer.result.unwrap_or_default())
    }
}
