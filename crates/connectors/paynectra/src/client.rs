//! One method per Paynectra route, all through the core transport.
//!
//! Every `POST` carries the call's key in `Idempotency-Key`, which the transport resends
//! unchanged on every retry; `GET`s are reads and retried freely.

use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{CustomerId, IdempotencyKey, PaymentId, RefundId, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire;

/// The header Paynectra reads the idempotency key from.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// A list endpoint's query, built by `mapping` in the order it is sent.
pub(crate) type Query = Vec<(&'static str, String)>;

/// Checks a gateway id before it goes into a path, a body or a query (Paynectra ids look
/// like `pay_...`, `re_...`, `cus_...`).
pub(crate) fn path_id<'a>(what: &str, id: &'a str) -> Result<&'a str> {
    paymux_core::transport::path_segment(&format!("{what} id"), id, 255)
}

/// Paynectra's routes.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    transport: HttpTransport,
}

impl Client {
    pub(crate) fn new(transport: HttpTransport) -> Self {
        Client { transport }
    }

    pub(crate) fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
        body: &B,
        key: IdempotencyKey,
    ) -> Result<T> {
        let req = Request::post(operation, path).json(body)?;
        self.transport.send_json(req.idempotent_header(key, IDEMPOTENCY_HEADER)?).await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
        query: Query,
    ) -> Result<T> {
        let req = query.into_iter().fold(Request::get(operation, path), |r, (k, v)| r.query(k, v));
        self.transport.send_json(req).await
    }

    /// `POST /v1/payments`.
    pub(crate) async fn create_payment(
        &self,
        body: &wire::CreatePaymentBody,
        key: IdempotencyKey,
    ) -> Result<wire::Payment> {
        self.post("create_payment", "payments".into(), body, key).await
    }

    /// `GET /v1/payments/:id`.
    pub(crate) async fn get_payment(&self, id: &PaymentId) -> Result<wire::Payment> {
        let id = path_id("payment", id.as_str())?;
        self.get("get_payment", format!("payments/{id}"), Query::new()).await
    }

    /// `GET /v1/payments` with filters and cursors.
    pub(crate) async fn list_payments(&self, query: Query) -> Result<wire::List<wire::Payment>> {
        self.get("list_payments", "payments".into(), query).await
    }

    /// `POST /v1/payments/:id/capture`.
    pub(crate) async fn capture_payment(
        &self,
        id: &PaymentId,
        body: &wire::CaptureBody,
        key: IdempotencyKey,
    ) -> Result<wire::Payment> {
        let id = path_id("payment", id.as_str())?;
        self.post("capture_payment", format!("payments/{id}/capture"), body, key).await
    }

    /// `POST /v1/payments/:id/cancel`.
    pub(crate) async fn cancel_payment(
        &self,
        id: &PaymentId,
        body: &wire::CancelBody,
        key: IdempotencyKey,
    ) -> Result<wire::Payment> {
        let id = path_id("payment", id.as_str())?;
        self.post("cancel_payment", format!("payments/{id}/cancel"), body, key).await
    }

    /// `POST /v1/refunds`.
    pub(crate) async fn create_refund(
        &self,
        body: &wire::CreateRefundBody,
        key: IdempotencyKey,
    ) -> Result<wire::Refund> {
        self.post("create_refund", "refunds".into(), body, key).await
    }

    /// `GET /v1/refunds/:id`.
    pub(crate) async fn get_refund(&self, id: &RefundId) -> Result<wire::Refund> {
        let id = path_id("refund", id.as_str())?;
        self.get("get_refund", format!("refunds/{id}"), Query::new()).await
    }

    /// `GET /v1/refunds` with filters and cursors.
    pub(crate) async fn list_refunds(&self, query: Query) -> Result<wire::List<wire::Refund>> {
        self.get("list_refunds", "refunds".into(), query).await
    }

    /// `POST /v1/customers`.
    pub(crate) async fn create_customer(
        &self,
        body: &wire::CreateCustomerBody,
        key: IdempotencyKey,
    ) -> Result<wire::Customer> {
        self.post("create_customer", "customers".into(), body, key).await
    }

    /// `GET /v1/customers/:id`.
    pub(crate) async fn get_customer(&self, id: &CustomerId) -> Result<wire::Customer> {
        let id = path_id("customer", id.as_str())?;
        self.get("get_customer", format!("customers/{id}"), Query::new()).await
    }
}
