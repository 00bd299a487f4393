//! One method per paymnt.cloud route, all through the core transport.
//!
//! Every POST carries `Idempotency-Key` (a UUID, the same on every retry of one logical call);
//! reads are plain `GET`s. Path ids are checked before anything is sent.

use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::wire::{
    CustomerRequest, CustomerResponse, ListResponse, PaymentListRequest, PaymentResponse,
    RefundListRequest, RefundResponse,
};
use serde::Serialize;

use crate::wire::{
    CancelBody, CaptureBody, ConfirmPaymentBody, CreatePaymentBody, CreateRefundBody,
};

/// The idempotency header paymnt.cloud reads (not Paychtec's `X-Idempotency-Key`).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The HTTP routes of paymnt.cloud.
#[derive(Debug, Clone)]
pub struct PaymntClient {
    transport: HttpTransport,
}

/// Refuses ids that could change the path (`/`, `..`, spaces, `?`), up to 64 characters (the
/// shared check in paymux-core, through the family's
/// [`check_id`](paymux_hyperswitch_family::mapping::check_id), which ids in bodies follow too).
pub fn check_path_id(what: &str, id: &str) -> Result<()> {
    paymux_hyperswitch_family::mapping::check_id(what, id).map(drop)
}

impl PaymntClient {
    /// Wraps a transport configured for paymnt.cloud.
    pub fn new(transport: HttpTransport) -> Self {
        PaymntClient { transport }
    }

    /// The underlying transport.
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// A keyed `POST`, serialized before the future is returned (the future keeps neither
    /// `body` nor the request; see `HttpTransport::send_built_json`).
    fn post<B: Serialize, T: serde::de::DeserializeOwned>(
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

    async fn post_read<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &B,
    ) -> Result<T> {
        self.transport.send_json(Request::post(operation, path).json(body)?.read_only()).await
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        path: String,
    ) -> Result<T> {
        self.transport.send_json(Request::get(operation, path)).await
    }

    /// `POST /payments`. Not an `async fn`: `body` is serialized before the future is
    /// returned, so the future does not borrow it.
    pub fn create_payment(
        &self,
        body: &CreatePaymentBody,
        key: IdempotencyKey,
    ) -> impl Future<Output = Result<PaymentResponse>> + Send + use<'_> {
        self.post("create_payment", "/payments".to_owned(), body, key)
    }

    /// `GET /payments/{payment_id}`.
    pub async fn get_payment(&self, payment_id: &str) -> Result<PaymentResponse> {
        check_path_id("payment id", payment_id)?;
        self.get("get_payment", format!("/payments/{payment_id}")).await
    }

    /// `POST /payments/{payment_id}/confirm`.
    pub async fn confirm_payment(
        &self,
        payment_id: &str,
        body: &ConfirmPaymentBody,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        check_path_id("payment id", payment_id)?;
        self.post("confirm_payment", format!("/payments/{payment_id}/confirm"), body, key).await
    }

    /// `POST /payments/{payment_id}/capture`.
    pub async fn capture_payment(
        &self,
        payment_id: &str,
        body: &CaptureBody,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        check_path_id("payment id", payment_id)?;
        self.post("capture_payment", format!("/payments/{payment_id}/capture"), body, key).await
    }

    /// `POST /payments/{payment_id}/cancel` (void before capture).
    pub async fn cancel_payment(
        &self,
        payment_id: &str,
        body: &CancelBody,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        check_path_id("payment id", payment_id)?;
        self.post("cancel_payment", format!("/payments/{payment_id}/cancel"), body, key).await
    }

    /// `POST /payments/list`. A read sent as POST: retried like a read, without a key.
    pub async fn list_payments(
        &self,
        body: &PaymentListRequest,
    ) -> Result<ListResponse<PaymentResponse>> {
        self.post_read("list_payments", "/payments/list", body).await
    }

    /// `POST /refunds`.
    pub async fn create_refund(
        &self,
        body: &CreateRefundBody,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        self.post("create_refund", "/refunds".to_owned(), body, key).await
    }

    /// `GET /refunds/{refund_id}`.
    pub async fn get_refund(&self, refund_id: &str) -> Result<RefundResponse> {
        check_path_id("refund id", refund_id)?;
        self.get("get_refund", format!("/refunds/{refund_id}")).await
    }

    /// `POST /refunds/list`.
    pub async fn list_refunds(
        &self,
        body: &RefundListRequest,
    ) -> Result<ListResponse<RefundResponse>> {
        self.post_read("list_refunds", "/refunds/list", body).await
    }

    /// `POST /customers`.
    pub async fn create_customer(
        &self,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        self.post("create_customer", "/customers".to_owned(), body, key).await
    }

    /// `GET /customers/{customer_id}`.
    pub async fn get_customer(&self, customer_id: &str) -> Result<CustomerResponse> {
        check_path_id("customer id", customer_id)?;
        self.get("get_customer", format!("/customers/{customer_id}")).await
    }
}
