//! One method per Paynectra route, all through the core transport.
//!
//! Every `POST` carries `Idempotency-Key` (placed by the transport, identical on each retry);
//! `GET`s are reads and retried freely.

use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire;

/// The header Paynectra reads the idempotency key from.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Checks that an id is safe to put in a path segment or a cursor (the shared check in
/// paymux-core; Paynectra ids look like `pay_...`, `re_...`, `cus_...`).
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

    pub(crate) fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// A keyed `POST`, serialized before the future is returned (the future keeps neither
    /// `body` nor the request; see `HttpTransport::send_built_json`).
    fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
        body: &B,
        key: IdempotencyKey,
    ) -> impl Future<Output = Result<T>> + Send + use<'_, B, T> {
        let req = Request::post(operation, path)
            .json(body)
            .and_then(|req| req.idempotent_header(key, IDEMPOTENCY_HEADER));
        self.transport.send_built_json(req)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
        query: Vec<(&'static str, String)>,
    ) -> Result<T> {
        let req = query.into_iter().fold(Request::get(operation, path), |r, (k, v)| r.query(k, v));
        self.transport.send_json(req).await
    }

    /// `POST /v1/payments`. Not an `async fn`: `body` is serialized before the future is
    /// returned, so the future does not borrow it.
    pub(crate) fn create_payment(
        &self,
        body: &wire::CreatePaymentBody,
        key: IdempotencyKey,
    ) -> impl Future<Output = Result<wire::Payment>> + Send + use<'_> {
        self.post("create_payment", "payments".into(), body, key)
    }

    /// `GET /v1/payments/:id`.
    pub(crate) async fn get_payment(&self, id: &str) -> Result<wire::Payment> {
        let id = path_id("payment", id)?;
        self.get("get_payment", format!("payments/{id}"), Vec::new()).await
    }

    /// `GET /v1/payments` with filters and cursors, in the given order.
    pub(crate) async fn list_payments(
        &self,
        query: Vec<(&'static str, String)>,
    ) -> Result<wire::List<wire::Payment>> {
        self.get("list_payments", "payments".into(), query).await
    }

    /// `POST /v1/payments/:id/capture`.
    pub(crate) async fn capture_payment(
        &self,
        id: &str,
        body: &wire::CaptureBody,
        key: IdempotencyKey,
    ) -> Result<wire::Payment> {
        let id = path_id("payment", id)?;
        self.post("capture_payment", format!("payments/{id}/capture"), body, key).await
    }

    /// `POST /v1/payments/:id/cancel`.
    pub(crate) async fn cancel_payment(
        &self,
        id: &str,
        body: &wire::CancelBody,
        key: IdempotencyKey,
    ) -> Result<wire::Payment> {
        let id = path_id("payment", id)?;
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
    pub(crate) async fn get_refund(&self, id: &str) -> Result<wire::Refund> {
        let id = path_id("refund", id)?;
        self.get("get_refund", format!("refunds/{id}"), Vec::new()).await
    }

    /// `GET /v1/refunds`.
    pub(crate) async fn list_refunds(
        &self,
        query: Vec<(&'static str, String)>,
    ) -> Result<wire::List<wire::Refund>> {
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
    pub(crate) async fn get_customer(&self, id: &str) -> Result<wire::Customer> {
        let id = path_id("customer", id)?;
        self.get("get_customer", format!("customers/{id}"), Vec::new()).await
    }
}
