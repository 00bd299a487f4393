//! Paygentic webhooks, delivered through Svix: verify the signature over the raw bytes, then
//! parse `{eventType, eventId, timestamp, data}`.
//!
//! Svix signs `"{svix-id}.{svix-timestamp}.{raw body}"` with HMAC-SHA256, keyed with the
//! base64-decoded part of the secret after `whsec_`, and sends `svix-signature` as
//! space-separated `v1,<base64>` entries (several during a secret rotation): any `v1` entry
//! that matches passes; entries with another version prefix are ignored. Timestamps more than
//! five minutes from now, either way, are refused. Verification is the only step that fails
//! with a signature error: a verified body is read with [`EventReader`] and never refused for
//! its content.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use paymux_core::webhook::{self, Algorithm, Encoding, EventReader, Scheme, Window};
use paymux_core::{
    Error, EventId, ProviderId, Result, SecretString, UnreadProblem, WebhookEvent, WebhookFailure,
    WebhookResource,
};
use secrecy::{ExposeSecret, SecretSlice};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Paygentic, mapping};

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
    /// Fails with [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration) when
    /// the secret lacks the prefix or is not base64.
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

/// `timestamp` as RFC 3339 text or unix seconds; anything else is noted and left out.
fn occurred_at(r: &mut EventReader) -> Option<OffsetDateTime> {
    let value = r.optional::<serde_json::Value>("/timestamp")?;
    let at = match &value {
        serde_json::Value::String(s) => OffsetDateTime::parse(s, &Rfc3339).ok(),
        serde_json::Value::Number(n) => {
            n.as_i64().and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        }
        _ => None,
    };
    if at.is_none() {
        r.note("/timestamp", UnreadProblem::Invalid, "neither RFC 3339 text nor unix seconds");
    }
    at
}

/// Reads a verified body `{eventType, eventId, timestamp, data}`; only a body that is not
/// JSON is refused ([`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson)).
///
/// The event id is `eventId`, else the `svix-id` (the same on every redelivery). A missing
/// `eventType` is `EventKind::Other("")`, an unknown one `EventKind::Other(name)`. An event
/// named `payment.*`, or whose `data` says `object: "payment"`, carries the payment read from
/// `data` (see `mapping::event_payment`: both shapes, and whatever is missing noted); when
/// `data` lacks what a payment cannot be without, the resource is `Other`. The raw body is
/// always kept.
fn parse_event(provider: &ProviderId, svix_id: &str, raw_body: &[u8]) -> Result<WebhookEvent> {
    let mut r = EventReader::new(raw_body)?;
    let event_type = r.required::<String>("/eventType");
    let id = r.optional::<String>("/eventId").filter(|id| !id.is_empty());
    let id = EventId::new(id.unwrap_or_else(|| svix_id.to_owned()));
    let occurred_at = occurred_at(&mut r);
    let is_payment = event_type.as_deref().is_some_and(|t| t.starts_with("payment."))
        || r.get("/data/object").and_then(|o| o.as_str()) == Some("payment");
    let resource = if is_payment {
        let name_status = event_type.as_deref().and_then(mapping::event_status_word);
        mapping::event_payment(&mut r, provider, name_status)
            .map_or(WebhookResource::Other, WebhookResource::Payment)
    } else {
        WebhookResource::Other
    };
    let status = match &resource {
        WebhookResource::Payment(p) => Some(p.status),
        _ => None,
    };
    let kind = event_type.as_deref().map(|t| mapping::event_kind_for(t, status));
    Ok(r.finish(id, provider.clone(), kind, occurred_at, resource))
}
