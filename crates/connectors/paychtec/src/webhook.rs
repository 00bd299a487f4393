//! Webhooks: `X-Webhook-Signature-512` (lowercase hex HMAC-SHA512 over the raw body, keyed
//! with the merchant's payment response hash key) verified by the shared family crate before
//! anything is parsed; then the event envelope, with payments read the Paychtec way (merchant
//! reference from `metadata.order_id`).
//!
//! There is no timestamp in the scheme, so no replay window: deduplicate on the event id
//! (`paymux_core::webhook::EventStore`).

use paymux_core::{ProviderId, Result, SecretString, WebhookEvent, WebhookResource};
use paymux_hyperswitch_family as family;

use crate::mapping::ORDER_ID_KEY;

/// Verifies, then parses.
pub(crate) fn parse(
    provider: &ProviderId,
    secret: &SecretString,
    headers: &http::HeaderMap,
    raw_body: &[u8],
) -> Result<WebhookEvent> {
    let mut event = family::verify_and_parse(
        provider,
        headers,
        raw_body,
        secret,
        family::webhook::DEFAULT_MAX_BODY,
    )?;
    if let WebhookResource::Payment(p) = &mut event.resource
        && p.merchant_reference.is_none()
    {
        p.merchant_reference = p.metadata.get(ORDER_ID_KEY).cloned();
    }
    Ok(event)
}
