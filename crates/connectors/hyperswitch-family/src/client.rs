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
//! A Hyperswitch backend makes a create idempotent through the merchant's id in the body
//! (`payment_id`, `refund_id`), not through the header: a create whose id the gateway already
//! holds answers duplicate (`HE_01`, HTTP 400). [`Routes::create_payment`] and
//! [`Routes::create_refund`] read that answer to a create that named its id as "already
//! created" (an earlier attempt of the same call, or an earlier call with the same key, went
//! through): they fetch the resource by that id and return it, provided it is the one this
//! body asks for (same amount and currency; for a refund, same payment and, when given, amount).
//! Otherwise the duplicate stands as a [`Conflict`](paymux_core::ErrorKind::Conflict).
//!
//! The routes beyond creating and reading payments, refunds and customers (updates, reviews,
//! customer lists, payment links, payouts, disputes) are in `client/extras.rs`: Hyperswitch
//! takes no merchant payout id, so a payout create is guarded by the idempotency header alone.
//!
//! A connector keeps its hosts, its transport settings (headers, error parser), its
//! idempotency header and the routes only its gateway serves; it writes those with the same
//! helpers ([`Routes::keyed`], [`Routes::send_keyed`], [`Routes::read`],
//! [`Routes::list`]) so its key goes out the same way.

use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{Error, IdempotencyKey, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod extras;

pub use extras::PaymentReview;

use crate::error::is_duplicate;
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

    /// `POST /payments`; a duplicate answer for the body's `payment_id` is read as already
    /// created: the payment is fetched and returned when it matches the body (module docs).
    pub async fn create_payment(
        &self,
        body: &PaymentCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        match self.keyed("create_payment", "/payments", body, key).await {
            Ok(Checked(answer)) => Ok(answer),
            Err(duplicate) if is_duplicate(&duplicate) => match &body.payment_id {
                Some(id) => self.already_created_payment(id, body, duplicate).await,
                None => Err(duplicate),
            },
            Err(e) => Err(e),
        }
    }

    /// The payment `id` a create answered duplicate for, when it is the one `body` asks for.
    async fn already_created_payment(
        &self,
        id: &str,
        body: &PaymentCreateRequest,
        duplicate: Error,
    ) -> Result<PaymentResponse> {
        let existing = match self.get_payment(id).await {
            Ok(existing) => existing,
            Err(e) => return Err(fetch_failed(e, duplicate)),
        };
        let same = existing.amount == body.amount
            && existing.currency.eq_ignore_ascii_case(&body.currency);
        if same { Ok(existing) } else { Err(duplicate) }
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

    /// `POST /refunds`; a duplicate answer for the body's `refund_id` is read as already
    /// created: the refund is fetched and returned when it matches the body (module docs).
    pub async fn create_refund(
        &self,
        body: &RefundCreateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        match self.keyed("create_refund", "/refunds", body, key).await {
            Ok(Checked(answer)) => Ok(answer),
            Err(duplicate) if is_duplicate(&duplicate) => match &body.refund_id {
                Some(id) => self.already_created_refund(id, body, duplicate).await,
                None => Err(duplicate),
            },
            Err(e) => Err(e),
        }
    }

    /// The refund `id` a create answered duplicate for, when it is the one `body` asks for.
    async fn already_created_refund(
        &self,
        id: &str,
        body: &RefundCreateRequest,
        duplicate: Error,
    ) -> Result<RefundResponse> {
        let existing = match self.get_refund(id).await {
            Ok(existing) => existing,
            Err(e) => return Err(fetch_failed(e, duplicate)),
        };
        let same = existing.payment_id == body.payment_id
            && body.amount.is_none_or(|amount| amount == existing.amount);
        if same { Ok(existing) } else { Err(duplicate) }
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

/// The error of a failed fetch after a duplicate answer: the gateway holds the resource, but
/// whether it is this call's could not be read, so the call's outcome is unknown (retried with
/// the same key, the create is answered duplicate again and the fetch tried again). An id that
/// is not found was taken by something else: the duplicate stands.
fn fetch_failed(fetch: Error, duplicate: Error) -> Error {
    if fetch.kind() == paymux_core::ErrorKind::NotFound {
        return duplicate;
    }
    fetch.with_outcome_unknown()
}
