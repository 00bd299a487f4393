//! Webhooks: `X-Webhook-Signature-512` (lowercase hex HMAC-SHA512 over the raw body, keyed
//! with the merchant's payment response hash key), then the event envelope.
//!
//! The scheme has no timestamp, so there is no replay window: deduplicate on the event id
//! (`paymux_core::webhook::EventStore`).

use paymux_core::http::HeaderMap;
use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_core::{
    Error, ErrorKind, EventId, ExposeSecret, ProviderId, Result, SecretString, WebhookEvent,
    WebhookFailure, WebhookResource,
};

use crate::mapping::{parse_time, to_payment, to_refund};
use crate::status::event_kind_for;
use crate::wire::{PaymentResponse, RefundResponse, WebhookEnvelope};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature-512";

/// Bodies above this size are refused before any HMAC work (the core default, 1 MiB).
pub const DEFAULT_MAX_BODY: usize = webhook::DEFAULT_MAX_BODY;

/// Checks `X-Webhook-Signature-512` over the raw body, in constant time. A header sent more
/// than once is read as a list of candidates (the kit's rule, [`webhook::header_values`]).
///
/// Failures: body over `max_body` -> `BodyTooLarge` (checked first); header absent ->
/// `MissingHeader`; not hex (or not text) -> `BadEncoding`; no match -> `Mismatch`; all as
/// [`ErrorKind::WebhookSignature`].
pub fn verify_signature(
    headers: &HeaderMap,
    raw_body: &[u8],
    secret: &SecretString,
    max_body: usize,
) -> Result<()> {
    webhook::check_body_size(raw_body, max_body)?;
    let signatures = webhook::header_values(headers, SIGNATURE_HEADER)?;
    webhook::verify_parts(
        Algorithm::Sha512,
        secret.expose_secret().as_bytes(),
        &[raw_body],
        &signatures,
        Encoding::Hex,
    )
}

/// Parses an already verified body into a [`WebhookEvent`] from `provider`.
///
/// `payment_details` objects become [`WebhookResource::Payment`], `refund_details`
/// [`WebhookResource::Refund`], every other content type [`WebhookResource::Other`] (see
/// `raw`). A body that is not the envelope, or a payment/refund object without its required
/// fields (id, status, amount, currency), is
/// [`WebhookFailure::BadPayload`]. An unreadable `timestamp` gives `occurred_at: None`. The kind
/// is [`event_kind_for`] the `event_type` and the payment's status: `action_required` for a
/// payment held for review or in conflict is `PaymentProcessing`, not a customer action.
pub fn parse_event(provider: &ProviderId, raw_body: &[u8]) -> Result<WebhookEvent> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::new(ErrorKind::WebhookSignature, format!("payload unreadable: {e}"))
            .with_webhook_failure(WebhookFailure::BadPayload)
            .with_provider(provider.clone())
    };
    // One pass over the bytes: the envelope, with the object kept as text until its type is
    // known; the body itself is kept verbatim in `raw`.
    let envelope: WebhookEnvelope = serde_json::from_slice(raw_body).map_err(|e| bad(&e))?;
    let object = envelope.content.object.as_deref().map_or("null", |o| o.get());
    let resource = match envelope.content.kind.as_str() {
        "payment_details" => {
            let wire: PaymentResponse = serde_json::from_str(object).map_err(|e| bad(&e))?;
            WebhookResource::Payment(to_payment(provider, &wire).map_err(|e| bad(&e))?)
        }
        "refund_details" => {
            let wire: RefundResponse = serde_json::from_str(object).map_err(|e| bad(&e))?;
            WebhookResource::Refund(to_refund(provider, &wire).map_err(|e| bad(&e))?)
        }
        _ => WebhookResource::Other,
    };
    let raw = paymux_core::RawJson::from_bytes(raw_body)
        .ok_or_else(|| bad(&"body is not UTF-8 or nests deeper than JSON readers allow"))?;
    let payment_status = match &resource {
        WebhookResource::Payment(p) => Some(p.status),
        _ => None,
    };
    Ok(WebhookEvent {
        id: EventId::new(envelope.event_id),
        provider: provider.clone(),
        kind: event_kind_for(&envelope.event_type, payment_status),
        occurred_at: envelope.timestamp.as_deref().and_then(parse_time),
        resource,
        raw,
    })
}

/// [`verify_signature`], then [`parse_event`]: never parses an unverified body.
pub fn verify_and_parse(
    provider: &ProviderId,
    headers: &HeaderMap,
    raw_body: &[u8],
    secret: &SecretString,
    max_body: usize,
) -> Result<WebhookEvent> {
    verify_signature(headers, raw_body, secret, max_body)
        .map_err(|e| e.with_provider(provider.clone()))?;
    parse_event(provider, raw_body)
}
