//! Webhooks: `Signature` = lowercase hex HMAC-SHA256 of the raw body with the shop signing key;
//! the body is the payment result itself (not wrapped).
//!
//! The resource is parsed from the raw bytes, so its amounts are exact. `WebhookEvent::raw`
//! keeps the body verbatim (`RawJson::as_str` gives the exact number tokens); its parsed view
//! holds numbers as `f64`, so read amounts from the resource, not from `raw["amount"]`.

use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_core::{
    Error, EventId, EventKind, PaymentStatus, ProviderId, RefundStatus, Result, WebhookEvent,
    WebhookFailure, WebhookResource,
};
use secrecy::{ExposeSecret, SecretString};

use crate::mapping::{payment_status, refund_status, to_payment, to_refund, withdrawal_status};
use crate::wire::PaymentResult;
use crate::withdrawals::WithdrawalStatus;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Signature";

/// The event id pay.tech does not send, derived from what makes a delivery unique: the payment
/// and the state it reached (`"<id>:<STATE>"`). A redelivery of the same state has the same id.
pub fn event_id(payment_id: &str, state: &str) -> EventId {
    EventId::new(format!("{payment_id}:{state}"))
}

/// The event kind for a payment type and state.
///
/// Deposits: `COMPLETED` succeeded, `DECLINED` failed, `CANCELLED` cancelled (expired with
/// `1.04`), `AUTHORIZED` authorized, `CHECKOUT` action required, the rest processing.
/// Refunds: `COMPLETED` refund succeeded, `DECLINED`/`CANCELLED` refund failed, the rest
/// `refund_pending`. Withdrawals: the payout kinds. Other types: `<type>_<state>` in lower case.
pub fn event_kind(payment_type: &str, state: &str, error_code: Option<&str>) -> EventKind {
    match payment_type {
        "REFUND" => match refund_status(state) {
            RefundStatus::Succeeded => EventKind::RefundSucceeded,
            RefundStatus::Failed | RefundStatus::Cancelled => EventKind::RefundFailed,
            RefundStatus::Pending => EventKind::Other("refund_pending".into()),
        },
        "WITHDRAWAL" => match withdrawal_status(state) {
            WithdrawalStatus::Succeeded => EventKind::PayoutSucceeded,
            WithdrawalStatus::Failed => EventKind::PayoutFailed,
            WithdrawalStatus::Cancelled => EventKind::PayoutCancelled,
            WithdrawalStatus::Pending | WithdrawalStatus::AwaitingApproval => {
                EventKind::PayoutProcessing
            }
        },
        "DEPOSIT" => match payment_status(state, error_code) {
            PaymentStatus::Succeeded => EventKind::PaymentSucceeded,
            PaymentStatus::Failed => EventKind::PaymentFailed,
            PaymentStatus::Cancelled => EventKind::PaymentCancelled,
            PaymentStatus::Expired => EventKind::PaymentExpired,
            PaymentStatus::RequiresCapture => EventKind::PaymentAuthorized,
            PaymentStatus::RequiresAction => EventKind::PaymentActionRequired,
            _ => EventKind::PaymentProcessing,
        },
        other => EventKind::Other(format!("{other}_{state}").to_ascii_lowercase()),
    }
}

/// Verifies over the raw bytes, then parses.
pub(crate) fn parse(
    provider: &ProviderId,
    signing_key: Option<&SecretString>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<WebhookEvent> {
    let key = signing_key.ok_or_else(|| {
        Error::configuration("no pay.tech signing key configured: webhooks cannot be verified")
    })?;
    webhook::check_body_size(body, webhook::DEFAULT_MAX_BODY)?;
    let signatures = webhook::header_values(headers, SIGNATURE_HEADER)?;
    webhook::verify_parts(
        Algorithm::Sha256,
        key.expose_secret().as_bytes(),
        &[body],
        &signatures,
        Encoding::Hex,
    )?;

    let bad = |what: String| {
        tracing::warn!(provider = %provider, "pay.tech webhook payload unreadable: {what}");
        Error::webhook(WebhookFailure::BadPayload)
    };
    // Parsed from the bytes so amounts stay exact; `raw` keeps the body verbatim.
    let result: PaymentResult = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    let raw = paymux_core::RawJson::from_bytes(body)
        .ok_or_else(|| bad("body is not UTF-8 or nests deeper than JSON readers allow".into()))?;
    let state = result.state.clone().unwrap_or_default();
    let payment_type = result.payment_type.clone().unwrap_or_else(|| "DEPOSIT".to_owned());
    let kind = event_kind(&payment_type, &state, result.error_code.as_deref());
    let id = event_id(&result.id, &state);
    let resource = match payment_type.as_str() {
        "REFUND" => WebhookResource::Refund(
            to_refund(provider, &result, None, None).map_err(|e| bad(e.to_string()))?,
        ),
        "DEPOSIT" => WebhookResource::Payment(
            to_payment(provider, result, None).map_err(|e| bad(e.to_string()))?,
        ),
        _ => WebhookResource::Other,
    };
    Ok(WebhookEvent { id, provider: provider.clone(), kind, occurred_at: None, resource, raw })
}
