//! Paygentic webhooks, delivered through Svix: verify the signature over the raw bytes, then
//! parse `{eventType, eventId, timestamp, data}`.
//!
//! Svix signs `"{svix-id}.{svix-timestamp}.{raw body}"` with HMAC-SHA256, keyed with the
//! base64-decoded part of the secret after `whsec_`, and sends `svix-signature` as
//! space-separated `v1,<base64>` entries (several during a secret rotation): any `v1` entry
//! that matches passes; entries with another version prefix are ignored. Timestamps more than
//! five minutes from now, either way, are refused.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use paymux_core::webhook::{self, Algorithm, Encoding, Scheme, Window};
use paymux_core::{
    Error, ErrorKind, EventId, EventKind, ProviderId, Result, SecretString, WebhookEvent,
    WebhookFailure, WebhookResource,
};
use secrecy::{ExposeSecret, SecretSlice};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Paygentic, mapping, wire};

/// How far `svix-timestamp` may be from now, either way.
pub(crate) const TOLERANCE: Duration = Duration::from_secs(5 * 60);

const HEADER_ID: &str = "svix-id";
const HEADER_TIMESTAMP: &str = "svix-timestamp";
const HEADER_SIGNATURE: &str = "svix-signature";

const SCHEME: Scheme = Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Base64 };

impl Paygentic {
    /// Verifies and parses a webhook against an explicit time window (tests, or replaying
    /// stored deliveries); `parse_webhook` uses five minutes around now.
    pub fn parse_webhook_at(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        window: Window,
    ) -> Result<WebhookEvent> {
        let event = match &self.webhooks {
            Some(verifier) => verifier.parse(&self.id, headers, raw_body, window),
            None => Err(Error::configuration("no Paygentic webhook secret configured")),
        };
        // Outside the trait, so the layer that names the instance on every error is not here.
        event.map_err(|e| e.or_provider(&self.id))
    }
}

/// Verifies and parses Paygentic (Svix) webhooks with one endpoint secret.
#[derive(Clone)]
pub(crate) struct WebhookVerifier {
    key: SecretSlice<u8>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookVerifier([REDACTED])")
    }
}

impl WebhookVerifier {
    /// A verifier for an endpoint secret `whsec_<base64>` as shown in the dashboard.
    /// Fails with [`ErrorKind::Configuration`] when the secret lacks the prefix or is not
    /// base64.
    pub(crate) fn new(secret: &SecretString) -> Result<Self> {
        let encoded = secret.expose_secret().trim().strip_prefix("whsec_").ok_or_else(|| {
            Error::configuration("the Paygentic webhook secret must start with whsec_")
        })?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Error::configuration("the Paygentic webhook secret is not base64 after whsec_")
            })?;
        Ok(WebhookVerifier { key: SecretSlice::from(key) })
    }

    /// Checks the Svix signature of `raw_body` against `window` (use
    /// `Window::around_now(TOLERANCE)` in production; a fixed window in tests).
    fn verify(&self, headers: &http::HeaderMap, raw_body: &[u8], window: Window) -> Result<()> {
        webhook::check_body_size(raw_body, webhook::DEFAULT_MAX_BODY)?;
        let id = webhook::header(headers, HEADER_ID)?;
        let timestamp = webhook::header(headers, HEADER_TIMESTAMP)?;
        let signatures: Vec<&str> = webhook::header_values(headers, HEADER_SIGNATURE)?
            .into_iter()
            .flat_map(str::split_ascii_whitespace)
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .collect();
        if signatures.is_empty() {
            // A header without any v1 entry: nothing this scheme can check.
            return Err(Error::webhook(WebhookFailure::BadEncoding));
        }
        webhook::verify_id_timestamped(
            SCHEME,
            self.key.expose_secret(),
            id,
            timestamp,
            raw_body,
            &signatures,
            window,
        )
    }

    /// Verifies, then parses into a [`WebhookEvent`] for `provider`.
    fn parse(
        &self,
        provider: &ProviderId,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        window: Window,
    ) -> Result<WebhookEvent> {
        self.verify(headers, raw_body, window)?;
        let svix_id = webhook::header(headers, HEADER_ID)?;
        parse_event(provider, svix_id, raw_body)
    }
}

fn bad_payload(why: impl fmt::Display) -> Error {
    Error::new(ErrorKind::WebhookSignature, format!("payload unreadable: {why}"))
        .with_webhook_failure(WebhookFailure::BadPayload)
}

fn occurred_at(value: Option<&serde_json::Value>) -> Option<OffsetDateTime> {
    match value? {
        serde_json::Value::String(s) => OffsetDateTime::parse(s, &Rfc3339).ok(),
        serde_json::Value::Number(n) => {
            n.as_i64().and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        }
        _ => None,
    }
}

/// Parses a verified body. The event id is `eventId`, else the `svix-id` (the same on every
/// redelivery). `payment.<status>.v0` events carry a payment built from `data` (whose
/// `status`, when absent, is the one in the name; its id is `paymentId`, else the `Payment`
/// object's `id`); for the five documented statuses a `data` without an id, `amount` and
/// `currency` is refused as
/// [`WebhookFailure::BadPayload`]. Other names are kept as `EventKind::Other`, with a payment
/// when `data` reads as one.
fn parse_event(provider: &ProviderId, svix_id: &str, raw_body: &[u8]) -> Result<WebhookEvent> {
    // One pass over the bytes; the body itself is kept verbatim in `raw`.
    let envelope: wire::WebhookEnvelope = serde_json::from_slice(raw_body).map_err(bad_payload)?;
    let raw = paymux_core::RawJson::from_bytes(raw_body)
        .ok_or_else(|| bad_payload("body is not UTF-8 or nests deeper than JSON readers allow"))?;
    let kind = mapping::event_kind(&envelope.event_type);
    let known_payment_event = !matches!(kind, EventKind::Other(_));
    let name_status = mapping::event_status_word(&envelope.event_type);
    let resource = if envelope.event_type.starts_with("payment.") {
        let data_text = envelope.data.as_deref().map_or("null", |d| d.get());
        let data = serde_json::from_str::<wire::WebhookPayment>(data_text);
        match data.map(|data| mapping::event_payment(provider, &data, name_status)) {
            Ok(Ok(payment)) => WebhookResource::Payment(payment),
            Ok(Err(e)) if known_payment_event => return Err(bad_payload(e.message())),
            Err(e) if known_payment_event => return Err(bad_payload(e)),
            Ok(Err(_)) | Err(_) => WebhookResource::Other,
        }
    } else {
        WebhookResource::Other
    };
    let id = envelope.event_id.filter(|id| !id.is_empty()).unwrap_or_else(|| svix_id.to_owned());
    Ok(WebhookEvent {
        id: EventId::new(id),
        provider: provider.clone(),
        kind,
        occurred_at: occurred_at(envelope.timestamp.as_ref()),
        resource,
        raw,
    })
}
