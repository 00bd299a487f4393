//! One method per paymnt.cloud route, all through the core transport.
//!
//! Every POST that changes something carries `Idempotency-Key` (a UUID, the same on every
//! retry of one logical call); the list routes are reads sent as POST, retried like reads and
//! without a key. Ids are checked before they go into a path. Payment and refund answers are
//! parsed [`Checked`]: one whose amounts cannot be money is unreadable, and the transport
//! reports an unreadable answer to a mutation as outcome-unknown.

use paymux_core::connector::Environment;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::webhook::{Algorithm, Encoding, sign};
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::mapping::check_id;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire::{
    Checked, CustomerRequest, CustomerResponse, ListResponse, PaymentCancelRequest,
    PaymentCaptureRequest, PaymentConfirmRequest, PaymentCreateRequest, PaymentListRequest,
    PaymentResponse, RefundCreateRequest, RefundListRequest, RefundResponse,
};

/// The idempotency header paymnt.cloud reads (not Paychtec's `X-Idempotency-Key`).
const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The host of each environment.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://sandbox.paymnt.cloud",
        Environment::Production => "https://api.paymnt.cloud",
    }
}

/// The key as the guide wants it ("Idempotency-Key: uuid-v4"): a UUID is sent as it is (a
/// generated key is one); any other caller key becomes a UUID derived from it, so the same
/// caller key always gives the same UUID and a retry stays deduplicated across restarts.
fn as_uuid(key: IdempotencyKey) -> Result<IdempotencyKey> {
    if uuid::Uuid::parse_str(key.as_str()).is_ok() {
        return Ok(key);
    }
    let digest = sign(
        Algorithm::Sha256,
        b"paymux-paymnt-idempotency",
        key.as_str().as_bytes(),
        Encoding::Hex,
    );
    let mut bytes = [0_u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        let pair = digest.get(2 * i..2 * i + 2).unwrap_or("00");
        *b = u8::from_str_radix(pair, 16).unwrap_or(0);
    }
    IdempotencyKey::new(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string())
}

/// The HTTP routes of paymnt.cloud.
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
        let req = Request::post(operation, path)
            .json(body)?
            .idempotent_header(as_uuid(key)?, IDEMPOTENCY_HEADER)?;
        self.transport.send_json(req).await
    }

    async fn list<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &B,
    ) -> Result<T> {
        self.transport.send_json(Request::post(operation, path).json(body)?.read_only()).await
    }

    async fn get<T: DeserializeOwned>(&self, operation: &'static str, path: String) -> Result<T> {
        self.transport.send_json(Request::get(operation, path)).await
    }

    /// `POST /payments`.
    pub(crate) async fn create_payment(
        &self,
        body: &PaymentCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let Checked(answer) = self.keyed("create_payment", "/payments".into(), body, key).await?;
        Ok(answer)
    }

    /// `GET /payments/{payment_id}`.
    pub(crate) async fn get_payment(&self, id: &str) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.get("get_payment", path).await?;
        Ok(answer)
    }

    /// `POST /payments/{payment_id}/confirm`.
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

    /// `POST /payments/{payment_id}/capture`.
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

    /// `POST /payments/{payment_id}/cancel` (void before capture).
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

    /// `POST /payments/list`.
    pub(crate) async fn list_payments(
        &self,
        body: &PaymentListRequest,
    ) -> Result<ListResponse<PaymentResponse>> {
        self.list("list_payments", "/payments/list", body).await
    }

    /// `POST /refunds`.
    pub(crate) async fn create_refund(
        &self,
        body: &RefundCreateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        let Checked(answer) = self.keyed("create_refund", "/refunds".into(), body, key).await?;
        Ok(answer)
    }

    /// `GET /refunds/{refund_id}`.
    pub(crate) async fn get_refund(&self, id: &str) -> Result<RefundResponse> {
        let path = format!("/refunds/{}", check_id("refund id", id)?);
        let Checked(answer) = self.get("get_refund", path).await?;
        Ok(answer)
    }

    /// `POST /refunds/list`.
    pub(crate) async fn list_refunds(
        &self,
        body: &RefundListRequest,
    ) -> Result<ListResponse<RefundResponse>> {
        self.list("list_refunds", "/refunds/list", body).await
    }

    /// `POST /customers`.
    pub(crate) async fn create_customer(
        &self,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        self.keyed("create_customer", "/customers".into(), body, key).await
    }

    /// `GET /customers/{customer_id}`.
    pub(crate) async fn get_customer(&self, id: &str) -> Result<CustomerResponse> {
        self.get("get_customer", format!("/customers/{}", check_id("customer id", id)?)).await
    }
}

#[cfg(test)]
mod tests {
    use paymux_core::SecretString;

    use super::Environment;
    use crate::{Paymnt, PaymntConfig};

    #[test]
    fn a_production_connector_sends_to_the_production_host() {
        let config = PaymntConfig::new(SecretString::from("key"), Environment::Production);
        let paymnt = Paymnt::new(config).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(paymnt.client.transport.base_url(), "https://api.paymnt.cloud/");
    }
}
