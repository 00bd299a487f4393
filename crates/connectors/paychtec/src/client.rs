//! One method per Paychtec route, all through the core [`HttpTransport`].
//!
//! Every mutation carries `X-Idempotency-Key`, the same on every attempt of one logical call
//! (the transport re-sends the serialized body and header unchanged). Reads are plain `GET`s;
//! the list routes are reads sent as `POST`, retried like reads and without a key. Every id
//! is checked before it goes into a path, so it can never reach another route. Payment and
//! refund answers are parsed [`Checked`]: one whose amounts cannot be money is unreadable,
//! and the transport reports an unreadable answer to a mutation as outcome-unknown.

use http::Method;
use paymux_core::connector::Environment;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::mapping::check_id;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire::{
    Checked, CustomerListResponse, CustomerRequest, CustomerResponse, DisputeListResponse,
    ListResponse, PaymentCancelRequest, PaymentCaptureRequest, PaymentConfirmRequest,
    PaymentCreateRequest, PaymentLinkCreateRequest, PaymentListRequest, PaymentResponse,
    PaymentReviewRequest, PaymentUpdateRequest, PayoutCreateRequest, RefundCreateRequest,
    RefundListRequest, RefundResponse,
};
use crate::{DeletedCustomer, Dispute, DisputeListQuery, PaymentLink, Payout};

/// The header carrying the idempotency key (the guide's name, not `Idempotency-Key`).
const IDEMPOTENCY_HEADER: &str = "X-Idempotency-Key";

/// The host of each environment.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://api.sandbox.paychtec.com",
        Environment::Production => "https://api.v2.paychtec.com",
    }
}

/// Paychtec's routes.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    transport: HttpTransport,
}

impl Client {
    pub(crate) fn new(transport: HttpTransport) -> Self {
        Client { transport }
    }

    async fn keyed<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
        body: &B,
        key: IdempotencyKey,
    ) -> Result<T> {
        let req = Request::post(operation, path).json(body)?;
        self.transport.send_json(req.idempotent_header(key, IDEMPOTENCY_HEADER)?).await
    }

    async fn read<T: DeserializeOwned>(&self, operation: &'static str, path: String) -> Result<T> {
        self.transport.send_json(Request::get(operation, path)).await
    }

    async fn list<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &B,
    ) -> Result<T> {
        self.transport.send_json(Request::post(operation, path).json(body)?.read_only()).await
    }

    // ---- payments ----

    /// `POST /payments`.
    pub(crate) async fn create_payment(
        &self,
        body: &PaymentCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let Checked(answer) = self.keyed("create_payment", "/payments".into(), body, key).await?;
        Ok(answer)
    }

    /// `GET /payments/:payment_id`.
    pub(crate) async fn get_payment(&self, id: &str) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.read("get_payment", path).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id` (update).
    pub(crate) async fn update_payment(
        &self,
        id: &str,
        body: &PaymentUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("update_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/confirm`.
    pub(crate) async fn confirm_payment(
        &self,
        id: &str,
        body: &PaymentConfirmRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/confirm", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("confirm_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/capture`.
    pub(crate) async fn capture_payment(
        &self,
        id: &str,
        body: &PaymentCaptureRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/capture", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("capture_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/cancel`.
    pub(crate) async fn cancel_payment(
        &self,
        id: &str,
        body: &PaymentCancelRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/cancel", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("cancel_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/approve`.
    pub(crate) async fn approve_payment(
        &self,
        id: &str,
        body: &PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/approve", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("approve_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/reject`.
    pub(crate) async fn reject_payment(
        &self,
        id: &str,
        body: &PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}/reject", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("reject_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/list`.
    pub(crate) async fn list_payments(
        &self,
        body: &PaymentListRequest,
    ) -> Result<ListResponse<PaymentResponse>> {
        self.list("list_payments", "/payments/list", body).await
    }

    // ---- refunds ----

    /// `POST /refunds`.
    pub(crate) async fn create_refund(
        &self,
        body: &RefundCreateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        let Checked(answer) = self.keyed("create_refund", "/refunds".into(), body, key).await?;
        Ok(answer)
    }

    /// `GET /refunds/:refund_id`.
    pub(crate) async fn get_refund(&self, id: &str) -> Result<RefundResponse> {
        let path = format!("/refunds/{}", check_id("refund id", id)?);
        let Checked(answer) = self.read("get_refund", path).await?;
        Ok(answer)
    }

    /// `POST /refunds/list`.
    pub(crate) async fn list_refunds(
        &self,
        body: &RefundListRequest,
    ) -> Result<ListResponse<RefundResponse>> {
        self.list("list_refunds", "/refunds/list", body).await
    }

    // ---- customers ----

    /// `POST /customers`.
    pub(crate) async fn create_customer(
        &self,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        self.keyed("create_customer", "/customers".into(), body, key).await
    }

    /// `GET /customers/:customer_id`.
    pub(crate) async fn get_customer(&self, id: &str) -> Result<CustomerResponse> {
        self.read("get_customer", format!("/customers/{}", check_id("customer id", id)?)).await
    }

    /// `POST /customers/:customer_id` (update).
    pub(crate) async fn update_customer(
        &self,
        id: &str,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        self.keyed("update_customer", path, body, key).await
    }

    /// `DELETE /customers/:customer_id`.
    pub(crate) async fn delete_customer(
        &self,
        id: &str,
        key: IdempotencyKey,
    ) -> Result<DeletedCustomer> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        let req = Request::new(Method::DELETE, "delete_customer", path);
        self.transport.send_json(req.idempotent_header(key, IDEMPOTENCY_HEADER)?).await
    }

    /// `GET /customers/list?limit=&offset=`.
    pub(crate) async fn list_customers(
        &self,
        limit: u32,
        offset: Option<u64>,
    ) -> Result<CustomerListResponse> {
        let req = Request::get("list_customers", "/customers/list")
            .query("limit", limit.to_string())
            .query_opt("offset", offset.map(|v| v.to_string()));
        self.transport.send_json(req).await
    }

    // ---- payment links ----

    /// `POST /payment_link`.
    pub(crate) async fn create_payment_link(
        &self,
        body: &PaymentLinkCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentLink> {
        self.keyed("create_payment_link", "/payment_link".into(), body, key).await
    }

    /// `GET /payment_link/:payment_link_id`.
    pub(crate) async fn get_payment_link(&self, id: &str) -> Result<PaymentLink> {
        self.read("get_payment_link", format!("/payment_link/{}", check_id("link id", id)?)).await
    }

    // ---- payouts ----

    /// `POST /payouts/create`.
    pub(crate) async fn create_payout(
        &self,
        body: &PayoutCreateRequest,
        key: IdempotencyKey,
    ) -> Result<Payout> {
        self.keyed("create_payout", "/payouts/create".into(), body, key).await
    }

    /// `GET /payouts/:payout_id`.
    pub(crate) async fn get_payout(&self, id: &str) -> Result<Payout> {
        self.read("get_payout", format!("/payouts/{}", check_id("payout id", id)?)).await
    }

    // ---- disputes ----

    /// `GET /disputes/list`.
    pub(crate) async fn list_disputes(
        &self,
        query: &DisputeListQuery,
    ) -> Result<DisputeListResponse> {
        let req = Request::get("list_disputes", "/disputes/list")
            .query_opt("limit", query.limit.map(|v| v.to_string()))
            .query_opt("dispute_status", query.dispute_status.clone())
            .query_opt("dispute_stage", query.dispute_stage.clone());
        self.transport.send_json(req).await
    }

    /// `GET /disputes/:dispute_id`.
    pub(crate) async fn get_dispute(&self, id: &str) -> Result<Dispute> {
        self.read("get_dispute", format!("/disputes/{}", check_id("dispute id", id)?)).await
    }
}
