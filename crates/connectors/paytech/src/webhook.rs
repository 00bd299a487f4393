//! Webhooks: `Signature` = lowercase hex HMAC-SHA256 of the raw body with the shop signing key;
//! the body is the payment result itself (not wrapped).
//!
//! The resource is parsed from the raw bytes, so its amounts are exact. `WebhookEvent::raw`
//! keeps the body verbatim (`RawJson::as_str` gives the exact number tokens); its parsed view
//! holds numbers as `f64`, so read amounts from the resource, not from `raw["amount"]`.

use std::collections::HashMap;

use paymux_core::webhook::{self, Algorithm, Encoding, EventReader};
use paymux_core::{
    Error, EventId, EventKind, PaymentStatus, ProviderId, RefundStatus, Result, UnreadProblem,
    WebhookEvent, WebhookResource,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::mapping::{
    AMOUNT, CURRENCY, CUSTOMER_AMOUNT, gateway_amount, payment_status, payout_status,
    refund_status, to_refund, to_webhook_payment, to_webhook_payout,
};
use crate::wire::{PaymentResult, PaymentType, ResponseCustomer};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Signature";

/// The event id pay.tech does not send, derived from what makes a delivery unique: the payment
/// and the state it reached (`"<id>:<STATE>"`). A redelivery of the same state has the same id.
pub fn event_id(payment_id: &str, state: &str) -> EventId {
    EventId::new(format!("{payment_id}:{state}"))
}

/// The event kind for a payment type and state: pay.tech has no event types, it sends the
/// payment itself, so its type and state are the event's words. Every documented pair has a
/// row (checked by the crate's tests). A deposit's kind agrees with the status of the payment
/// the event carries (the contract table of [`EventKind`]), so `parse_webhook` takes it from
/// that payment (a `CHECKOUT` deposit with nowhere to send the customer is `Processing`); a
/// withdrawal's is [`EventKind::for_payout`] of its [`payout_status`].
/// A state the spec does not document is processing (`refund_pending` for a refund); a type
/// it does not document is `Other("<type>_<state>")` in lower case.
///
/// | payment type | state | event kind |
/// |---|---|---|
/// | `DEPOSIT` | `CHECKOUT` | `PaymentActionRequired` |
/// | `DEPOSIT` | `PENDING` | `PaymentProcessing` |
/// | `DEPOSIT` | `AWAITING_APPROVAL` | `PaymentProcessing` |
/// | `DEPOSIT` | `AUTHORIZED` | `PaymentAuthorized` |
/// | `DEPOSIT` | `COMPLETED` | `PaymentSucceeded` |
/// | `DEPOSIT` | `DECLINED` | `PaymentFailed` |
/// | `DEPOSIT` | `CANCELLED` | `PaymentCancelled` |
/// | `DEPOSIT` | `CANCELLED` with `errorCode` `1.04` | `PaymentExpired` |
/// | `REFUND` | `CHECKOUT` | `Other("refund_pending")` |
/// | `REFUND` | `PENDING` | `Other("refund_pending")` |
/// | `REFUND` | `AWAITING_APPROVAL` | `Other("refund_pending")` |
/// | `REFUND` | `AUTHORIZED` | `Other("refund_pending")` |
/// | `REFUND` | `COMPLETED` | `RefundSucceeded` |
/// | `REFUND` | `DECLINED` | `RefundFailed` |
/// | `REFUND` | `CANCELLED` | `RefundFailed` |
/// | `WITHDRAWAL` | `CHECKOUT` | `PayoutActionRequired` |
/// | `WITHDRAWAL` | `PENDING` | `PayoutProcessing` |
/// | `WITHDRAWAL` | `AWAITING_APPROVAL` | `PayoutActionRequired` |
/// | `WITHDRAWAL` | `AUTHORIZED` | `PayoutProcessing` |
/// | `WITHDRAWAL` | `COMPLETED` | `PayoutSucceeded` |
/// | `WITHDRAWAL` | `DECLINED` | `PayoutFailed` |
/// | `WITHDRAWAL` | `CANCELLED` | `PayoutCancelled` |
pub fn event_kind(payment_type: &str, state: &str, error_code: Option<&str>) -> EventKind {
    match payment_type {
        "REFUND" => match refund_status(state) {
            RefundStatus::Succeeded => EventKind::RefundSucceeded,
            RefundStatus::Failed | RefundStatus::Cancelled => EventKind::RefundFailed,
            RefundStatus::Pending => EventKind::Other("refund_pending".into()),
        },
        "WITHDRAWAL" => EventKind::for_payout(payout_status(state)),
        "DEPOSIT" => deposit_kind(payment_status(state, error_code)),
        other => EventKind::Other(format!("{other}_{state}").to_ascii_lowercase()),
    }
}

/// The kind of an event about a deposit in `status` (the contract table of `EventKind`).
fn deposit_kind(status: PaymentStatus) -> EventKind {
    match status {
        PaymentStatus::Succeeded => EventKind::PaymentSucceeded,
        PaymentStatus::Failed => EventKind::PaymentFailed,
        PaymentStatus::Cancelled => EventKind::PaymentCancelled,
        PaymentStatus::Expired => EventKind::PaymentExpired,
        PaymentStatus::RequiresCapture => EventKind::PaymentAuthorized,
        PaymentStatus::RequiresAction => EventKind::PaymentActionRequired,
        _ => EventKind::PaymentProcessing,
    }
}

/// Verifies over the raw bytes (the only step that fails with `WebhookSignature`), then reads.
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
    read(provider, body)
}

/// Reads a verified body. Never refuses it for its content (only a body that is not JSON, with
/// `WebhookNotJson`): what the model cannot take is noted in `unread`, and the resource is
/// `Other` when the body does not say enough for one (no `id`, `amount` or `currency`, a
/// refund without `parentPaymentId`, a type outside the model). A `WITHDRAWAL` is a
/// [`Payout`](paymux_core::Payout).
fn read(provider: &ProviderId, body: &[u8]) -> Result<WebhookEvent> {
    let mut reader = EventReader::new(body)?;
    let payment_id = reader.get("/id").and_then(Value::as_str).filter(|id| !id.is_empty());
    let payment_id = payment_id.map(str::to_owned);
    let state = reader.required::<String>("/state");
    let payment_type = match reader.get("/paymentType") {
        None => {
            reader.note(
                "/paymentType",
                UnreadProblem::Missing,
                "absent: read as a DEPOSIT, as the connector reads every answer without one",
            );
            Some(PaymentType::Deposit.as_str().to_owned())
        }
        Some(_) => reader.optional::<String>("/paymentType"),
    };
    let error_code = reader.optional::<String>("/errorCode");
    let id = match (&payment_id, &state) {
        (Some(id), Some(state)) => event_id(id, state),
        // Without its own id the event is named by its bytes (noted by the reader).
        (None, _) => reader.event_id("/id"),
        // The payment without its state does not name one delivery: its bytes do. A second
        // reader, so that the pointer read for the hash leaves no note on this one.
        (Some(_), None) => EventReader::new(body)?.event_id(""),
    };
    let mut kind = match (&payment_type, &state) {
        (Some(ty), Some(state)) => Some(event_kind(ty, state, error_code.as_deref())),
        _ => None,
    };
    let resource = match (payment_type.as_deref(), payment_id) {
        (Some("DEPOSIT"), Some(id)) => match read_result(&mut reader, id, state, error_code) {
            Some(result) => match to_webhook_payment(provider, result) {
                Ok((payment, unheld)) => {
                    for (pointer, e) in unheld {
                        reader.mapped::<()>(pointer, Err(e));
                    }
                    // The status, which reads the whole body, decides the kind (the contract:
                    // an event's kind agrees with its payment's status).
                    kind = kind.map(|_| deposit_kind(payment.status));
                    WebhookResource::Payment(payment)
                }
                Err(e) => {
                    reader.mapped::<()>("", Err(e));
                    WebhookResource::Other
                }
            },
            None => WebhookResource::Other,
        },
        (Some("REFUND"), Some(id)) => match read_result(&mut reader, id, state, error_code) {
            Some(result) if result.parent_payment_id.is_none() => {
                reader.note(
                    "/parentPaymentId",
                    UnreadProblem::Missing,
                    "absent (the spec does not require it): a refund without its payment is \
                     not a Refund; see raw",
                );
                WebhookResource::Other
            }
            Some(result) => match to_refund(provider, &result, None, None) {
                Ok(refund) => WebhookResource::Refund(refund),
                Err(e) => {
                    // The refund's amount is `Money` only: the requested figure could not be.
                    let pointer =
                        if result.customer_amount.is_some() { CUSTOMER_AMOUNT } else { AMOUNT };
                    reader.mapped::<()>(pointer, Err(e));
                    WebhookResource::Other
                }
            },
            None => WebhookResource::Other,
        },
        (Some("WITHDRAWAL"), Some(id)) => match read_result(&mut reader, id, state, error_code) {
            Some(result) => match to_webhook_payout(provider, result, None) {
                Ok((payout, unheld)) => {
                    for (pointer, e) in unheld {
                        reader.mapped::<()>(pointer, Err(e));
                    }
                    WebhookResource::Payout(payout)
                }
                Err(e) => {
                    reader.mapped::<()>("", Err(e));
                    WebhookResource::Other
                }
            },
            None => WebhookResource::Other,
        },
        (Some(ty), _) if !matches!(ty, "DEPOSIT" | "REFUND" | "WITHDRAWAL") => {
            reader.note(
                "/paymentType",
                UnreadProblem::Unsupported,
                "a payment type pay.tech does not document",
            );
            WebhookResource::Other
        }
        // No id (noted by the event id), or no readable type (noted above).
        _ => WebhookResource::Other,
    };
    Ok(reader.finish(id, provider.clone(), kind, None, resource))
}

/// The payment result of a deposit, refund or withdrawal event, read field by field so that one
/// bad field is a note, not a lost event. Amounts are read from the raw number tokens (exact,
/// never `f64`). `None`, with the reason noted, when the body lacks `amount` or `currency`: a
/// webhook is sent on a final state, where a placeholder amount would mislead.
fn read_result(
    reader: &mut EventReader,
    id: String,
    state: Option<String>,
    error_code: Option<String>,
) -> Option<PaymentResult> {
    // The raw tokens of the top-level fields: the parsed view holds numbers as `f64`.
    let mut tokens = serde_json::from_str::<HashMap<String, Box<RawValue>>>(reader.raw().as_str())
        .unwrap_or_default();
    let amount = amount_token(reader, &mut tokens, AMOUNT, Presence::Required);
    let currency = reader.required::<String>(CURRENCY);
    let customer_amount = amount_token(reader, &mut tokens, CUSTOMER_AMOUNT, Presence::Optional);
    let customer_currency = reader.optional::<String>("/customerCurrency");
    let result = PaymentResult {
        id,
        reference_id: reader.optional("/referenceId"),
        created: reader.optional("/created"),
        payment_type: reader.optional("/paymentType"),
        state,
        description: reader.optional("/description"),
        parent_payment_id: reader.optional("/parentPaymentId"),
        payment_method: None,
        amount: Some(amount?),
        currency: Some(currency?),
        customer_amount,
        customer_currency,
        redirect_url: reader.optional("/redirectUrl"),
        error_code,
        error_message: reader.optional("/errorMessage"),
        customer: reader
            .optional::<String>("/customer/referenceId")
            .map(|id| ResponseCustomer { reference_id: Some(id) }),
        pre_auth: reader.optional("/preAuth"),
        external_refs: reader.optional("/externalRefs"),
    };
    Some(result)
}

/// Whether the model needs a field of the body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Optional,
}

/// The raw number token at the top-level `pointer` (`/amount`), if it is a non-negative
/// decimal; noted otherwise (absent only when `Required`).
fn amount_token(
    reader: &mut EventReader,
    tokens: &mut HashMap<String, Box<RawValue>>,
    pointer: &str,
    presence: Presence,
) -> Option<Box<RawValue>> {
    let token = tokens.remove(pointer.trim_start_matches('/')).filter(|t| t.get() != "null");
    let Some(token) = token else {
        if presence == Presence::Required {
            reader.note(pointer, UnreadProblem::Missing, "absent");
        }
        return None;
    };
    match gateway_amount(&token, "") {
        Ok(_) => Some(token),
        Err(e) => {
            reader.note(pointer, UnreadProblem::Invalid, e.message().to_owned());
            None
        }
    }
}
