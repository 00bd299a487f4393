//! Webhooks, the same scheme as Paychtec (**Decision** in NOTES.md: paymnt.cloud publishes
//! nothing beyond its guide, which says "verify signatures"): `X-Webhook-Signature-512` =
//! lowercase hex HMAC-SHA512 over the raw body, then the `{merchant_id, event_id, event_type,
//! content: {type, object}, timestamp}` envelope. All of it is
//! [`paymux_hyperswitch_family::webhook`]; this module only binds it to the configuration.

use paymux_core::http::HeaderMap;
use paymux_core::{Error, ProviderId, Result, SecretString, WebhookEvent};

/// Verifies, then parses. Without a configured webhook secret nothing is trusted: a
/// [`Configuration`](paymux_core::ErrorKind::Configuration) error.
pub(crate) fn parse(
    provider: &ProviderId,
    secret: Option<&SecretString>,
    max_body: usize,
    headers: &HeaderMap,
    raw_body: &[u8],
) -> Result<WebhookEvent> {
    let secret = secret.ok_or_else(|| {
        Error::configuration("no webhook secret configured (PaymntConfig::with_webhook_secret)")
    })?;
    paymux_hyperswitch_family::verify_and_parse(provider, headers, raw_body, secret, max_body)
}
