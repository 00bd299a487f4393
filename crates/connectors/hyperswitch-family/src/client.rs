//! The HTTP routes both family gateways serve alike, written once: [`Routes`], one method per
//! route, all through the core [`HttpTransport`].
//!
//! Every mutation carries an idempotency key in the gateway's header (the header's name, and
//! any rule on the key's form, are the connector's: [`Routes::new`], [`Routes::with_key_rule`]),
//! the same on every attempt of one logical call: the transport re-sends the serialized body
//! and header unchanged. Reads are plain `GET`s; the list routes are reads sent as `POST`,
//! retried like reads and without a key. Every id is checked ([`check_id`]) before it goes
//! into a path, so it can never reach another route. Payment and refund answers are parsed
//! [`Checked`]: one whose amounts cannot be money is unreadable, and the transport reports an
//! unreadable answer to a mutation as outcome-unknown.
//!
//! A connector keeps its hosts, its transport settings (headers, error parser), its
//! idempotency header and the routes only its gateway serves; it writes those with the same
//! helpers ([`Routes::keyed`], [`Routes::send_keyed`], [`Routes::read`],
//! [`Routes::list`]) so its key goes out the same way.

use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::mapping::check_id;
use crate::wire::{
    Checked, CustomerRequest, CustomerResponse, ListResponse, PaymentCancelRequest,
    PaymentCaptureRequest, PaymentConfirmRequest, PaymentCreateRequest, PaymentListRequest,
    PaymentResponse, RefundCreateRequest, RefundListRequest, RefundResponse,
};

/// What a gateway requires of an idempotency key before it is sent (paymnt.cloud's: a UUID).
/// It is applied once per logical call, so every retry carries the same key.
pub type KeyRule = fn(IdempotencyKey) -> Result<IdempotencyKey>;

/// The key as the caller or the core generated it.
fn key_as_is(key: IdempotencyKey) -> Result<IdempotencyKey> {
    Ok(key)
}

/// The routes both family gateways serve, over one gateway's transport, with that gateway's
/// idempotency header.
#[derive(Debug, Clone)]
pub struct Routes {
    transport: HttpTransport,
    idempotency_header: &'static str,
    key_rule: KeyRule,
}

impl Routes {
    /// Routes over `transport` that send every mutation's key in `idempotency_header`
    /// (Paychtec's `X-Idempotency-Key`, paymnt.cloud's `Idempotency-Key`) as it is given.
    pub fn new(transport: HttpTransport, idempotency_header: &'static str) -> Self {
        Routes { transport, idempotency_header, key_rule: key_as_is }
    }

    /// Passes every mutation's key through `rule` before it goes into the header.
    pub fn with_key_rule(mut self, rule: KeyRule) -> Self {
        self.key_rule = rule;
        self
    }

    /// The transport the routes go through.
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// Sends a mutation built by the connector (any method, body already set) with `key` in
    /// the idempotency header, after the key rule, and reads the JSON answer.
    pub async fn send_keyed<T: DeserializeOwned>(
        &self,
        req: Request,
        key: IdempotencyKey,
    ) -> Result<T> {
        let req = req.idempotent_header((self.key_rule)(key)?, self.idempotency_header)?;
        self.transport.send_json(req).await
    }

    /// `POST path` with the JSON `body` and `key` in the idempotency header.
    pub async fn keyed<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: impl Into<String>,
        body: &B,
        key: IdempotencyKey,
    ) -> Result<T> {
        self.send_keyed(Request::post(operation, path).json(body)?, key).await
    }

    /// `GET path`.
    pub async fn read<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: impl Into<String>,
    ) -> Result<T> {
        self.transport.send_json(Request::get(operation, path)).await
    }

    /// `POST path` with the JSON `body`, a read: no key, retried like a read.
    pub async fn list<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &B,
    ) -> Result<T> {
        self.transport.send_json(Request::post(operation, path).json(body)?.read_only()).await
    }

    // ---- payments ----

    /// `POST /payments`.
    pub async fn create_payment(
        &self,
        body: &PaymentCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let Checked(answer) = self.keyed("create_payment", "/payments", body, key).await?;
        Ok(answer)
    }

    /// `GET /payments/{payment_id}`.
    pub async fn get_payment(&self, id: &str) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.read("get_payment", path).await?;
        Ok(answer)
    }

    /// `POST /payments/{payment_id}/confirm`.
    pub async fn confirm_payment(
        &self,
        id: &str,
        body: &PaymentConfirmRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/confirm", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("confirm_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/{payment_id}/capture`.
    pub async fn capture_payment(
        &self,
        id: &str,
        body: &PaymentCaptureRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/capture", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("capture_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/{payment_id}/cancel` (void before capture).
    pub async fn cancel_payment(
        &self,
        id: &str,
        body: &PaymentCancelRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/cancel", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("cancel_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/list`.
    pub async fn list_payments(
        &self,
        body: &PaymentListRequest,
    ) -> Result<ListResponse<PaymentResponse>> {
        self.list("list_payments", "/payments/list", body).await
    }

    // ---- refunds ----

    /// `POST /refunds`.
    pub async fn create_refund(
        &self,
        body: &RefundCreateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        let Checked(answer) = self.keyed("create_refund", "/refunds", body, key).await?;
        Ok(answer)
    }

    /// `GET /refunds/{refund_id}`.
    pub async fn get_refund(&self, id: &str) -> Result<RefundResponse> {
        let path = format!("/refunds/{}", check_id("refund id", id)?);
        let Checked(answer) = self.read("get_refund", path).await?;
        Ok(answer)
    }

    /// `POST /refunds/list`.
    pub async fn list_refunds(
        &self,
        body: &RefundListRequest,
    ) -> Result<ListResponse<RefundResponse>> {
        self.list("list_refunds", "/refunds/list", body).await
    }

    // ---- customers ----

    /// `POST /customers`.
    pub async fn create_customer(
        &self,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        self.keyed("create_customer", "/customers", body, key).await
    }

    /// `GET /customers/{customer_id}`.
    pub async fn get_customer(&self, id: &str) -> Result<CustomerResponse> {
        self.read("get_customer", format!("/customers/{}", check_id("customer id", id)?)).await
    }
}
