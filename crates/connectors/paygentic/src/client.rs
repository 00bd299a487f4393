//! One method per Paygentic route, all through the core transport.

use paymux_core::http::StatusCode;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};

use crate::wire;

/// Filters of `GET /v0/payments`, already in Paygentic's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// 1 to 100 (gateway default 10).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
    /// `pending`, `processing`, `completed`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Only this customer's payments.
    pub customer_id: Option<String>,
    /// Merchant organization id, for keys not scoped to one merchant.
    pub merchant_id: Option<String>,
}

/// The raw Paygentic routes. Answers are the wire types; the connector maps them.
#[derive(Debug, Clone)]
pub struct PaygenticClient {
    transport: HttpTransport,
}

/// The `POST /v0/payments` request for `body`, retry-safe by its `idempotencyKey`.
fn create_payment_request(body: &wire::CreatePaymentRequest) -> Result<Request> {
    let key = IdempotencyKey::new(body.idempotency_key.clone())?;
    Ok(Request::post("create_payment", "/v0/payments").json(body)?.idempotent_in_body(key))
}

/// The longest id sent (payment, customer, merchant ids).
const MAX_ID_LEN: usize = 255;

/// A Paygentic id checked before it goes anywhere in a request, path, body or query alike:
/// the shared [`path_segment`](paymux_core::transport::path_segment) rule of paymux-core (1 to
/// 255 letters, digits, `-`, `_`, `.`, `~`).
pub(crate) fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str> {
    paymux_core::transport::path_segment(what, id, MAX_ID_LEN)
}

/// A payment id is put in the path as one segment: refuse anything that could change the
/// path ([`check_id`]).
fn check_path_id(id: &str) -> Result<()> {
    check_id("Paygentic payment id", id).map(drop)
}

impl PaygenticClient {
    /// Wraps a transport configured for Paygentic (base URL, Bearer auth, error parser).
    pub fn new(transport: HttpTransport) -> Self {
        PaygenticClient { transport }
    }

    /// The transport in use.
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// `POST /v0/payments`. The idempotency key travels in the body (`idempotencyKey`), so the
    /// transport may retry with the very same bytes. Returns the HTTP status too: 201 for a new
    /// payment, 200 for the existing payment of a repeated key.
    ///
    /// Not an `async fn`: the body is serialized and the exchange started before the future is
    /// returned, so the future holds neither `body` nor the request (see
    /// [`ProviderFuture`](paymux_core::ProviderFuture)). The answer is boxed: it is handed
    /// through several futures to the mapping, and each hand-over of the 320-byte struct
    /// would be a copy.
    pub fn create_payment<'a>(
        &'a self,
        body: &wire::CreatePaymentRequest,
    ) -> impl Future<Output = Result<(StatusCode, Box<wire::Payment>)>> + Send + use<'a> {
        let exchange = create_payment_request(body).map(|req| self.transport.execute(req));
        async move {
            let response = exchange?.await?;
            let payment = self.transport.parse_json(&response.body, true)?;
            Ok((response.status, payment))
        }
    }

    /// `GET /v0/payments/{id}`.
    pub async fn get_payment(&self, id: &str) -> Result<wire::Payment> {
        check_path_id(id)?;
        self.transport.send_json(Request::get("get_payment", format!("/v0/payments/{id}"))).await
    }

    /// `GET /v0/payments` with offset pagination.
    pub async fn list_payments(&self, query: &ListQuery) -> Result<wire::PaymentList> {
        let req = Request::get("list_payments", "/v0/payments")
            .query_opt("merchantId", query.merchant_id.clone())
            .query_opt("status", query.status.clone())
            .query_opt("customerId", query.customer_id.clone())
            .query_opt("limit", query.limit.map(|l| l.to_string()))
            .query_opt("offset", query.offset.map(|o| o.to_string()));
        self.transport.send_json(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_cannot_escape_the_route() {
        assert!(check_path_id("pay_123abc").is_ok());
        for bad in ["", ".", "..", "pay/1", "pay?x=1", "pay#1", "pay 1", "pay%2F1"] {
            assert!(check_path_id(bad).is_err(), "{bad:?}");
        }
    }
}
