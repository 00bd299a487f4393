//! One method per Paychtec route, all through the core [`HttpTransport`].
//!
//! Every mutation is retry-safe: it carries `X-Idempotency-Key`, the same on every attempt of
//! one logical call (the transport re-sends the serialized body and header unchanged). Reads
//! are plain `GET`s. Answers are parsed into the wire structs of [`crate::wire`] or, for
//! payments and refunds, into the shared Hyperswitch-family response structs.

use http::Method;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use paymux_hyperswitch_family::wire::{
    CustomerResponse, ListResponse, PaymentListRequest, PaymentResponse, RefundResponse,
};

use crate::wire;

/// The header carrying the idempotency key (the guide's name, not `Idempotency-Key`).
pub const IDEMPOTENCY_HEADER: &str = "X-Idempotency-Key";

/// Checks that an id can be one path segment as it is (see
/// [`path_segment`](paymux_core::transport::path_segment), through the family's
/// [`check_id`](paymux_hyperswitch_family::mapping::check_id), the rule ids in bodies follow
/// too): anything else is refused before any request, so an id can never reach another route.
fn seg<'a>(what: &str, id: &'a str) -> Result<&'a str> {
    paymux_hyperswitch_family::mapping::check_id(what, id)
}

/// Raw Paychtec API client: routes, methods, bodies and idempotency placement.
#[derive(Debug, Clone)]
pub struct PaychtecClient {
    transport: HttpTransport,
}

impl PaychtecClient {
    /// Wraps a transport configured with Paychtec's base URL and `api-key` auth.
    pub fn new(transport: HttpTransport) -> Self {
        PaychtecClient { transport }
    }

    /// The transport in use.
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// A keyed mutation, serialized before the future is returned (the future keeps neither
    /// `body` nor the request; see `HttpTransport::send_built_json`).
    fn mutate<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        operation: &'static str,
        path: String,
        body: Option<&B>,
        key: IdempotencyKey,
    ) -> impl Future<Output = Result<T>> + Send + use<'_, B, T> {
        let req = Request::new(method, operation, path);
        let req = match body {
            Some(body) => req.json(body),
            None => Ok(req),
        };
        self.transport
            .send_built_json(req.and_then(|req| req.idempotent_header(key, IDEMPOTENCY_HEADER)))
    }

    async fn read<T: DeserializeOwned>(&self, operation: &'static str, path: String) -> Result<T> {
        self.transport.send_json(Request::get(operation, path)).await
    }

    /// A read the gateway takes as `POST` (the list routes). It changes nothing, so it is
    /// safe to repeat; the core transport only retries non-GETs that are keyed, so it is
    /// marked keyed "in the body" with a local key that is never sent (see the crate docs'
    /// proposed core change: a `Request::safe_to_retry()` for such reads).
    async fn post_read<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        body: &B,
    ) -> Result<T> {
        let req = Request::post(operation, path).json(body)?.read_only();
        self.transport.send_json(req).await
    }

    // ---- payments ----

    /// `POST /payments`. Not an `async fn`: `body` is serialized before the future is
    /// returned, so the future does not borrow it.
    pub fn create_payment(
        &self,
        body: &wire::PaymentCreateRequest,
        key: IdempotencyKey,
    ) -> impl Future<Output = Result<PaymentResponse>> + Send + use<'_> {
        self.mutate(Method::POST, "create_payment", "/payments".into(), Some(body), key)
    }

    /// `GET /payments/:payment_id`.
    pub async fn get_payment(&self, payment_id: &str) -> Result<PaymentResponse> {
        self.read("get_payment", format!("/payments/{}", seg("payment id", payment_id)?)).await
    }

    /// `POST /payments/:payment_id` (update).
    pub async fn update_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "update_payment", path, Some(body), key).await
    }

    /// `POST /payments/:payment_id/confirm`.
    pub async fn confirm_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentConfirmRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/confirm", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "confirm_payment", path, Some(body), key).await
    }

    /// `POST /payments/:payment_id/capture`.
    pub async fn capture_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentCaptureRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/capture", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "capture_payment", path, Some(body), key).await
    }

    /// `POST /payments/:payment_id/cancel`.
    pub async fn cancel_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentCancelRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/cancel", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "cancel_payment", path, Some(body), key).await
    }

    /// `POST /payments/:payment_id/approve`.
    pub async fn approve_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/approve", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "approve_payment", path, Some(body), key).await
    }

    /// `POST /payments/:payment_id/reject`.
    pub async fn reject_payment(
        &self,
        payment_id: &str,
        body: &wire::PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/reject", seg("payment id", payment_id)?);
        self.mutate(Method::POST, "reject_payment", path, Some(body), key).await
    }

    /// `POST /payments/list`: a read sent as `POST`, no idempotency header.
    pub async fn list_payments(
        &self,
        body: &PaymentListRequest,
    ) -> Result<ListResponse<PaymentResponse>> {
        self.post_read("list_payments", "/payments/list", body).await
    }

    // ---- refunds ----

    /// `POST /refunds`.
    pub async fn create_refund(
        &self,
        body: &wire::RefundCreateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        self.mutate(Method::POST, "create_refund", "/refunds".into(), Some(body), key).await
    }

    /// `GET /refunds/:refund_id`.
    pub async fn get_refund(&self, refund_id: &str) -> Result<RefundResponse> {
        self.read("get_refund", format!("/refunds/{}", seg("refund id", refund_id)?)).await
    }

    /// `POST /refunds/list`: a read sent as `POST`, no idempotency header.
    pub async fn list_refunds(
        &self,
        body: &wire::RefundListRequest,
    ) -> Result<ListResponse<RefundResponse>> {
        self.post_read("list_refunds", "/refunds/list", body).await
    }

    // ---- customers ----

    /// `POST /customers`.
    pub async fn create_customer(
        &self,
        body: &wire::CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        self.mutate(Method::POST, "create_customer", "/customers".into(), Some(body), key).await
    }

    /// `GET /customers/:customer_id`.
    pub async fn get_customer(&self, customer_id: &str) -> Result<CustomerResponse> {
        self.read("get_customer", format!("/customers/{}", seg("customer id", customer_id)?)).await
    }

    /// `POST /customers/:customer_id` (update).
    pub async fn update_customer(
        &self,
        customer_id: &str,
        body: &wire::CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        let path = format!("/customers/{}", seg("customer id", customer_id)?);
        self.mutate(Method::POST, "update_customer", path, Some(body), key).await
    }

    /// `DELETE /customers/:customer_id`.
    pub async fn delete_customer(
        &self,
        customer_id: &str,
        key: IdempotencyKey,
    ) -> Result<wire::CustomerDeleteResponse> {
        let path = format!("/customers/{}", seg("customer id", customer_id)?);
        self.mutate::<(), _>(Method::DELETE, "delete_customer", path, None, key).await
    }

    /// `GET /customers/list?limit=&offset=`.
    pub async fn list_customers(
        &self,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<wire::CustomerListResponse> {
        let req = Request::get("list_customers", "/customers/list")
            .query_opt("limit", limit.map(|v| v.to_string()))
            .query_opt("offset", offset.map(|v| v.to_string()));
        self.transport.send_json(req).await
    }

    // ---- payment links ----

    /// `POST /payment_link`.
    pub async fn create_payment_link(
        &self,
        body: &wire::PaymentLinkCreateRequest,
        key: IdempotencyKey,
    ) -> Result<wire::PaymentLinkResponse> {
        let path = "/payment_link".to_owned();
        self.mutate(Method::POST, "create_payment_link", path, Some(body), key).await
    }

    /// `GET /payment_link/:payment_link_id`.
    pub async fn get_payment_link(&self, link_id: &str) -> Result<wire::PaymentLinkResponse> {
        self.read("get_payment_link", format!("/payment_link/{}", seg("link id", link_id)?)).await
    }

    // ---- payouts ----

    /// `POST /payouts/create`.
    pub async fn create_payout(
        &self,
        body: &wire::PayoutCreateRequest,
        key: IdempotencyKey,
    ) -> Result<wire::PayoutResponse> {
        self.mutate(Method::POST, "create_payout", "/payouts/create".into(), Some(body), key).await
    }

    /// `GET /payouts/:payout_id`.
    pub async fn get_payout(&self, payout_id: &str) -> Result<wire::PayoutResponse> {
        self.read("get_payout", format!("/payouts/{}", seg("payout id", payout_id)?)).await
    }

    // ---- disputes ----

    /// `GET /disputes/list`.
    pub async fn list_disputes(
        &self,
        query: &wire::DisputeListQuery,
    ) -> Result<wire::DisputeListResponse> {
        let req = Request::get("list_disputes", "/disputes/list")
            .query_opt("limit", query.limit.map(|v| v.to_string()))
            .query_opt("dispute_status", query.dispute_status.clone())
            .query_opt("dispute_stage", query.dispute_stage.clone());
        self.transport.send_json(req).await
    }

    /// `GET /disputes/:dispute_id`.
    pub async fn get_dispute(&self, dispute_id: &str) -> Result<wire::DisputeResponse> {
        self.read("get_dispute", format!("/disputes/{}", seg("dispute id", dispute_id)?)).await
    }
}
