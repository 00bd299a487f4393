//! `Paynectra-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]` verification, then parsing.
//!
//! The signed content is `"{t}.{raw body}"`, HMAC-SHA256 keyed with the endpoint secret's
//! UTF-8 bytes, written as hex. Any `v1` entry may match (several are sent while a secret is
//! rotated); other schemes (`v0`) are ignored. The timestamp must be within the tolerance
//! (300 s by default) of now, in either direction. Verification runs over the raw bytes
//! before anything is parsed, and is the only step that fails with a signature error: a
//! verified body is read with [`EventReader`] and never refused for its content.

use std::time::Duration;

use paymux_core::webhook::{self, Algorithm, Encoding, EventReader, Scheme, Window};
use paymux_core::{Error, ProviderId, Result, WebhookEvent, WebhookFailure, WebhookResource};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use crate::{Paynectra, mapping};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "Paynectra-Signature";

/// Default timestamp tolerance, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

const SCHEME: Scheme = Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Hex };

impl Paynectra {
    /// Verifies and parses a webhook against an explicit time window (tests use a fixed
    /// `now`; [`PaymentProvider::parse_webhook`](paymux_core::PaymentProvider::parse_webhook)
    /// uses the current time and the configured tolerance).
    pub fn parse_webhook_at(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        window: Window,
    ) -> Result<WebhookEvent> {
        let parsed = match &self.webhook_secret {
            Some(secret) => verify_and_parse(
                secret.expose_secret().as_bytes(),
                headers,
                raw_body,
                window,
                &self.id,
            ),
            None => Err(Error::configuration("no webhook secret configured for Paynectra")),
        };
        // Named here: callers reach this method directly, not through the core's layer.
        parsed.map_err(|e| e.or_provider(&self.id))
    }
}

/// Verifies a delivery against `secret` inside `window`, then parses it.
fn verify_and_parse(
    secret: &[u8],
    headers: &http::HeaderMap,
    raw_body: &[u8],
    window: Window,
    provider: &ProviderId,
) -> Result<WebhookEvent> {
    webhook::check_body_size(raw_body, webhook::DEFAULT_MAX_BODY)?;
    let header = parse_header(&webhook::header_values(headers, SIGNATURE_HEADER)?)?;
    webhook::verify_timestamped(SCHEME, secret, header.timestamp, raw_body, &header.v1, window)?;
    parse_event(raw_body, provider)
}

/// The parts of a `Paynectra-Signature` header.
#[derive(Debug)]
struct SignatureHeader<'h> {
    timestamp: &'h str,
    v1: Vec<&'h str>,
}

/// Reads every value of the header (the kit's rule for repeated signature headers) as one
/// list of items; they must all name the same timestamp.
fn parse_header<'h>(values: &[&'h str]) -> Result<SignatureHeader<'h>> {
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for item in values.iter().flat_map(|value| value.split(',')) {
        let Some((k, v)) = item.trim().split_once('=') else { continue };
        match k.trim() {
            "t" if timestamp.is_some_and(|t| t != v.trim()) => {
                return Err(Error::webhook(WebhookFailure::BadEncoding));
            }
            "t" => timestamp = Some(v.trim()),
            "v1" => v1.push(v.trim()),
            _ => {}
        }
    }
    match timestamp {
        Some(t) if !v1.is_empty() => Ok(SignatureHeader { timestamp: t, v1 }),
        _ => Err(Error::webhook(WebhookFailure::BadEncoding)),
    }
}

/// Reads a verified body `{id, type, created, data: {object}}`; only a body that is not JSON
/// is refused ([`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson)).
///
/// What can be mapped is mapped and the rest is noted in `unread`: no `id` gives the
/// `sha256:` id of the body; no `type` gives `EventKind::Other("")`; `data.object` becomes a
/// payment or refund by its `object` field (`"payment"` / `"refund"`), else by the type's
/// prefix, and stays `WebhookResource::Other` when it is neither or lacks what a payment or
/// refund cannot be without (see `mapping::event_payment`).
fn parse_event(raw_body: &[u8], provider: &ProviderId) -> Result<WebhookEvent> {
    let mut r = EventReader::new(raw_body)?;
    let id = r.event_id("/id");
    let kind_word = r.required::<String>("/type");
    let created = r.optional::<i64>("/created");
    let occurred_at = created.and_then(|s| {
        let at = OffsetDateTime::from_unix_timestamp(s)
            .map_err(|_| Error::invalid_response(format!("timestamp {s} out of range")));
        r.mapped("/created", at)
    });
    let object_type = r.optional::<String>(OBJECT_TAG).or_else(|| {
        kind_word.as_deref().and_then(|k| k.split_once('.')).map(|(prefix, _)| prefix.to_owned())
    });
    let resource = match object_type.as_deref() {
        Some("payment") => mapping::event_payment(&mut r, OBJECT, provider)
            .map_or(WebhookResource::Other, WebhookResource::Payment),
        Some("refund") => mapping::event_refund(&mut r, OBJECT, provider)
            .map_or(WebhookResource::Other, WebhookResource::Refund),
        _ => WebhookResource::Other,
    };
    let status = match &resource {
        WebhookResource::Payment(p) => Some(p.status),
        _ => None,
    };
    let kind = kind_word.as_deref().map(|k| mapping::event_kind_for(k, status));
    Ok(r.finish(id, provider.clone(), kind, occurred_at, resource))
}

/// Where the event's resource is, and its type tag.
const OBJECT: &str = "/data/object";
const OBJECT_TAG: &str = "/data/object/object";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parts() {
        let h = parse_header(&["t=1700000000, v1=abc,v0=zzz,v1=def"]).unwrap();
        assert_eq!(h.timestamp, "1700000000");
        assert_eq!(h.v1, vec!["abc", "def"]);
        // A repeated header is one list: candidates from every value.
        let h = parse_header(&["t=1700000000,v1=abc", "v1=def, t=1700000000"]).unwrap();
        assert_eq!(h.v1, vec!["abc", "def"]);
        for bad in [&["v1=abc"][..], &["t=1700000000,v0=abc"], &["t=1,v1=abc", "t=2,v1=def"]] {
            let e = parse_header(bad).unwrap_err();
            assert_eq!(e.webhook_failure(), Some(WebhookFailure::BadEncoding), "{bad:?}");
        }
    }
}
