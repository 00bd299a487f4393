//! Webhooks: `X-Webhook-Signature-512` (lowercase hex HMAC-SHA512 over the raw body, keyed
//! with the merchant's payment response hash key) verified by the shared family crate before
//! anything is parsed; then the event envelope, with payments read the Paychtec way (merchant
//! reference from `metadata.order_id`).
//!
//! There is no timestamp in the scheme, so no replay window: deduplicate on the event id
//! (`paymux_core::webhook::EventStore`).

use paymux_core::{Error, ProviderId, Result, SecretString, WebhookEvent, WebhookResource};
use paymux_hyperswitch_family as family;

use crate::mapping;

/// Verifies, then parses. Without a configured secret nothing is trusted: a
/// [`Configuration`](paymux_core::ErrorKind::Configuration) error.
pub(crate) fn parse(
    provider: &ProviderId,
    secret: Option<&SecretString>,
    headers: &http::HeaderMap,
    raw_body: &[u8],
) -> Result<WebhookEvent> {
    let secret = secret.ok_or_else(|| {
        Error::configuration(
            "no Paychtec webhook secret configured (PaychtecConfig::with_webhook_secret)",
        )
    })?;
    let max_body = family::webhook::DEFAULT_MAX_BODY;
    let mut event = family::verify_and_parse(provider, headers, raw_body, secret, max_body)?;
    if let WebhookResource::Payment(payment) = &mut event.resource {
        mapping::reference_from_metadata(payment);
    }
    Ok(event)
}
