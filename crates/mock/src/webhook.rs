//! The mock's webhooks: signed JSON events in an outbox, and their verification.
//!
//! Body shape (one JSON object, UTF-8):
//!
//! ```json
//! {
//!   "id": "evt_mock_1",
//!   "type": "payment_succeeded",
//!   "created_at": "2025-01-01T12:00:00Z",
//!   "data": { "type": "payment", "object": { "id": "pay_mock_1", "status": "succeeded", "...": "..." } }
//! }
//! ```
//!
//! `type` is an [`EventKind`] word; `data` is a [`WebhookResource`] as paymux-core serializes
//! it (`"type": "payment"` or `"refund"`, `object` the full `Payment` or `Refund`). The
//! [`SIGNATURE_HEADER`] carries the lowercase hex HMAC-SHA256 of the raw body under the
//! webhook secret.

use paymux_core::http::{HeaderMap, HeaderValue, header};
use paymux_core::webhook::{self, Algorithm, Encoding, EventReader};
use paymux_core::{Error, EventId, EventKind, ProviderId, Result, WebhookEvent, WebhookResource};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The header carrying the signature: hex HMAC-SHA256 over the raw body.
pub const SIGNATURE_HEADER: &str = "x-mock-signature";

/// The webhook secret of a mock built without [`webhook_secret`](crate::MockProviderBuilder::webhook_secret).
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_mock";

/// One webhook the mock would have delivered: exactly what your endpoint would receive.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockWebhook {
    /// The event id (`evt_mock_N`).
    pub event_id: EventId,
    /// What happened.
    pub kind: EventKind,
    /// The request headers: `content-type` and [`SIGNATURE_HEADER`].
    pub headers: HeaderMap,
    /// The raw body, as signed.
    pub body: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Body {
    id: EventId,
    #[serde(rename = "type")]
    kind: EventKind,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    data: WebhookResource,
}

/// Headers for `body` signed with `secret`.
pub(crate) fn signed_headers(secret: &[u8], body: &[u8]) -> HeaderMap {
    let signature = webhook::sign(Algorithm::Sha256, secret, body, Encoding::Hex);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // Hex is always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&signature) {
        headers.insert(SIGNATURE_HEADER, value);
    }
    headers
}

/// Builds and signs one event.
pub(crate) fn build(
    secret: &[u8],
    id: EventId,
    kind: EventKind,
    resource: WebhookResource,
) -> Result<MockWebhook> {
    let body = Body {
        id: id.clone(),
        kind: kind.clone(),
        created_at: OffsetDateTime::now_utc(),
        data: resource,
    };
    let body = serde_json::to_vec(&body)
        .map_err(|e| Error::invalid_response("cannot serialize mock event").with_source(e))?;
    Ok(MockWebhook { event_id: id, kind, headers: signed_headers(secret, &body), body })
}

/// Verifies the signature over the raw bytes, then parses.
pub(crate) fn parse(
    provider: &ProviderId,
    secret: &[u8],
    headers: &HeaderMap,
    raw_body: &[u8],
) -> Result<WebhookEvent> {
    webhook::check_body_size(raw_body, webhook::DEFAULT_MAX_BODY)?;
    let signature = webhook::header(headers, SIGNATURE_HEADER)?;
    webhook::verify(Algorithm::Sha256, secret, raw_body, signature, Encoding::Hex)?;
    // Verified: from here on nothing is refused but a body that is not JSON.
    let mut reader = EventReader::new(raw_body).map_err(|e| e.with_provider(provider.clone()))?;
    let id = reader.event_id("/id");
    let kind = reader.required::<EventKind>("/type");
    let occurred_at = reader
        .required::<String>("/created_at")
        .and_then(|t| OffsetDateTime::parse(&t, &Rfc3339).ok());
    let resource = reader.required::<WebhookResource>("/data").unwrap_or(WebhookResource::Other);
    Ok(reader.finish(id, provider.clone(), kind, occurred_at, resource))
}
