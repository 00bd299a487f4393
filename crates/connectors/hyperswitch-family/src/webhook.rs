//! Webhooks in two steps: `X-Webhook-Signature-512` (lowercase hex HMAC-SHA512 over the raw
//! body, keyed with the merchant's payment response hash key), the only step that can refuse
//! a body; then the event envelope, read with [`EventReader`] so that a verified JSON body is
//! never refused for its content.
//!
//! The scheme has no timestamp, so there is no replay window: deduplicate on the event id
//! (`paymux_core::webhook::EventStore`).

use paymux_core::http::HeaderMap;
use paymux_core::webhook::{self, Algorithm, Encoding, EventReader};
use paymux_core::{
    Currency, Error, ExposeSecret, Money, PaymentStatus, ProviderId, Result, SecretString,
    UnreadProblem, WebhookEvent, WebhookResource, currency_exponent, parse_currency,
};

use crate::mapping::{
    dispute_from_parts, parse_time, payment_from_parts, payout_from_parts, to_refund,
};
use crate::status::{event_kind_for, payment_status};
use crate::wire::{
    DisputeResponse, NextActionData, PaymentResponse, PayoutResponse, RefundResponse,
};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature-512";

/// Bodies above this size are refused before any HMAC work (the core default, 1 MiB).
pub const DEFAULT_MAX_BODY: usize = webhook::DEFAULT_MAX_BODY;

/// Checks `X-Webhook-Signature-512` over the raw body, in constant time. A header sent more
/// than once is read as a list of candidates (the kit's rule, [`webhook::header_values`]).
///
/// Failures: body over `max_body` -> `BodyTooLarge` (checked first); header absent ->
/// `MissingHeader`; not hex (or not text) -> `BadEncoding`; no match -> `Mismatch`; all as
/// [`ErrorKind::WebhookSignature`](paymux_core::ErrorKind::WebhookSignature).
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

/// The documented `content.type`s whose object the core model has no resource for: their
/// events carry [`WebhookResource::Other`] (the object is in `raw`), without a note.
pub const OTHER_CONTENT_TYPES: [&str; 2] = ["mandate_details", "subscription_details"];

/// Where the resource of an event is.
const OBJECT: &str = "/content/object";

/// Reads an already verified body into a [`WebhookEvent`] from `provider`, never refusing it
/// for its content (Paychtec's guide: "webhook payload fields can vary by event type").
///
/// Only a body that is not JSON fails, with
/// [`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson). Everything else is
/// read as far as it goes, with a note in [`WebhookEvent::unread`] for each part that could
/// not be (`raw` always holds the body):
///
/// | part | read as | when it cannot be |
/// |---|---|---|
/// | `event_id` | the event id | `sha256:` of the body, noted `Missing` or `Invalid` |
/// | `event_type` | [`event_kind_for`] the type and the payment's status word | `EventKind::Other("")`, noted; an unknown type is `Other(type)` |
/// | `timestamp` | `occurred_at` | `None`, noted `Invalid` when present but not a time |
/// | `content.type` `payment_details` | [`WebhookResource::Payment`] | see below |
/// | `content.type` `refund_details` | [`WebhookResource::Refund`] | `Other` when the id, payment id, status, amount or currency is missing or not money |
/// | `content.type` `payout_details` | [`WebhookResource::Payout`] | `Other` when the id, status, amount or currency is missing or not money |
/// | `content.type` `dispute_details` | [`WebhookResource::Dispute`] | `Other` when the id, payment id, status, amount (digits, as a string or a number) or currency is missing or not money |
/// | another documented `content.type` ([`OTHER_CONTENT_TYPES`]) | `Other` | |
/// | an undocumented or missing `content.type` | `Other` | noted `Unsupported` / `Missing` |
///
/// A payment object becomes a payment when its `payment_id`, `status`, `amount` and
/// `currency` read as the contract needs them (an amount the model cannot hold: a currency
/// outside ISO 4217 or without a minor unit, a negative amount, is noted `Unsupported`; a
/// fractional or textual amount `Invalid`); else the resource is `Other`. The family states
/// amounts in minor units, so a figure in a currency outside ISO 4217 has no known exponent:
/// no [`GatewayAmount`](paymux_core::GatewayAmount) could state it exactly, and the payment
/// is left to `raw` rather than guessed. Its optional fields are read one by one:
/// an unreadable one is noted and left out. A payment awaiting capture without
/// `amount_capturable` can capture its amount; one whose `amount_capturable` is not money is
/// `Other` (the contract needs the figure). A customer status without `next_action` reads as
/// `Processing`, as in every answer ([`to_payment`](crate::to_payment)).
///
/// The kind follows the payment's status word whenever it can be read, even when the payment
/// itself cannot: `action_required` for a payment held for review or in conflict is
/// `PaymentProcessing`, not a customer action; without a status word it is
/// `Other("action_required")`.
pub fn parse_event(provider: &ProviderId, raw_body: &[u8]) -> Result<WebhookEvent> {
    let mut r = EventReader::new(raw_body).map_err(|e| e.with_provider(provider.clone()))?;
    let id = r.event_id("/event_id");
    let event_type = r.required::<String>("/event_type");
    let occurred_at = match r.optional::<String>("/timestamp") {
        Some(text) => {
            let time = parse_time(&text);
            if time.is_none() {
                r.note("/timestamp", UnreadProblem::Invalid, "not an ISO 8601 time");
            }
            time
        }
        None => None,
    };
    let content = r.required::<String>("/content/type");
    let (status, resource) = match content.as_deref() {
        Some("payment_details") => read_payment(&mut r, provider),
        Some("refund_details") => (None, read_refund(&mut r, provider)),
        Some("payout_details") => (None, read_payout(&mut r, provider)),
        Some("dispute_details") => (None, read_dispute(&mut r, provider)),
        Some(word) if OTHER_CONTENT_TYPES.contains(&word) => (None, WebhookResource::Other),
        Some(_) => {
            r.note(
                "/content/type",
                UnreadProblem::Unsupported,
                "not a content type the gateway documents; the object is in raw",
            );
            (None, WebhookResource::Other)
        }
        None => (None, WebhookResource::Other),
    };
    let kind = event_type.map(|t| event_kind_for(&t, status));
    Ok(r.finish(id, provider.clone(), kind, occurred_at, resource))
}

/// `true` when the event has an object to read; notes it otherwise.
fn has_object(r: &mut EventReader) -> bool {
    match r.get(OBJECT) {
        Some(serde_json::Value::Object(_)) => true,
        Some(_) => {
            r.note(OBJECT, UnreadProblem::Invalid, "not a JSON object");
            false
        }
        None => {
            r.note(OBJECT, UnreadProblem::Missing, "absent");
            false
        }
    }
}

/// The pointer of a field of the event's object.
fn at(field: &str) -> String {
    format!("{OBJECT}/{field}")
}

/// The object's currency as money can hold it: an ISO 4217 code with a minor unit, else noted
/// `Unsupported` (absent: `Missing`).
fn read_currency(r: &mut EventReader) -> Option<(String, Currency)> {
    let pointer = at("currency");
    let code = r.required::<String>(&pointer)?;
    let currency =
        parse_currency(&code).and_then(|c| currency_exponent(c).map(|_| c)).map_err(Error::from);
    r.mapped(&pointer, currency).map(|c| (code, c))
}

/// A minor-unit amount of the object at `field` in `currency`, noted when it is not money.
fn read_money(r: &mut EventReader, field: &str, minor: i64, currency: Currency) -> Option<Money> {
    r.mapped(&at(field), Money::from_minor(minor, currency).map_err(Error::from))
}

/// The object's `currency`, and its `amount` (`minor` units, when read) as money in it.
fn read_amount(
    r: &mut EventReader,
    minor: Option<i64>,
) -> (Option<Money>, Option<(String, Currency)>) {
    let currency = read_currency(r);
    let amount = match (minor, &currency) {
        (Some(minor), Some((_, c))) => read_money(r, "amount", minor, *c),
        _ => None,
    };
    (amount, currency)
}

/// The payment object of a `payment_details` event: the status it reads as (whenever its word
/// can be read) and the payment, or `Other` when the contract's fields cannot be read.
fn read_payment(
    r: &mut EventReader,
    provider: &ProviderId,
) -> (Option<PaymentStatus>, WebhookResource) {
    if !has_object(r) {
        return (None, WebhookResource::Other);
    }
    let payment_id = r.required::<String>(&at("payment_id"));
    let status_word = r.required::<String>(&at("status"));
    let status = status_word.as_deref().map(payment_status);
    let minor = r.required::<i64>(&at("amount"));
    let (amount, currency) = read_amount(r, minor);
    let received = r.optional::<i64>(&at("amount_received"));
    let capturable_sent = r.get(&at("amount_capturable")).is_some();
    let capturable = r.optional::<i64>(&at("amount_capturable"));
    let wire_next_action = r.optional::<NextActionData>(&at("next_action"));
    let (Some(payment_id), Some(status_word), Some(amount), Some((code, currency))) =
        (payment_id, status_word, amount, currency)
    else {
        return (status, WebhookResource::Other);
    };
    let status = payment_status(&status_word);
    let received = received.and_then(|m| read_money(r, "amount_received", m, currency));
    let capturable = match (status == PaymentStatus::RequiresCapture, capturable) {
        (false, _) => None,
        (true, Some(minor)) => match read_money(r, "amount_capturable", minor, currency) {
            Some(money) => Some(money),
            // Awaiting capture, the contract needs the figure: a wrong one is no payment.
            None => return (Some(status), WebhookResource::Other),
        },
        // Sent but unreadable (noted): not the amount, which may be more than was authorized.
        (true, None) if capturable_sent => return (Some(status), WebhookResource::Other),
        (true, None) => None,
    };
    let wire = PaymentResponse {
        payment_id,
        status: status_word,
        amount: amount.amount_minor(),
        amount_capturable: capturable.map(|m| m.amount_minor()),
        amount_received: received.map(|m| m.amount_minor()),
        currency: code,
        customer_id: r.optional(&at("customer_id")),
        description: r.optional(&at("description")),
        merchant_order_reference_id: r.optional(&at("merchant_order_reference_id")),
        capture_method: r.optional(&at("capture_method")),
        // An object, as on the wire; anything else is noted rather than read as no metadata.
        metadata: r
            .optional::<serde_json::Map<String, serde_json::Value>>(&at("metadata"))
            .map(serde_json::Value::Object),
        created: r.optional(&at("created")),
        next_action: wire_next_action,
        error_code: r.optional(&at("error_code")),
        error_message: r.optional(&at("error_message")),
    };
    let payment = payment_from_parts(provider, &wire, amount, received, capturable);
    (Some(payment.status), WebhookResource::Payment(payment))
}

/// The refund object of a `refund_details` event, or `Other` when its id, payment id,
/// status, amount or currency cannot be read (a [`Refund`](paymux_core::Refund)'s amount is
/// always money).
fn read_refund(r: &mut EventReader, provider: &ProviderId) -> WebhookResource {
    if !has_object(r) {
        return WebhookResource::Other;
    }
    let refund_id = r.required::<String>(&at("refund_id"));
    let payment_id = r.required::<String>(&at("payment_id"));
    let status = r.required::<String>(&at("status"));
    let minor = r.required::<i64>(&at("amount"));
    let (amount, currency) = read_amount(r, minor);
    let (Some(refund_id), Some(payment_id), Some(status), Some(amount), Some((code, _))) =
        (refund_id, payment_id, status, amount, currency)
    else {
        return WebhookResource::Other;
    };
    let wire = RefundResponse {
        refund_id,
        payment_id,
        amount: amount.amount_minor(),
        currency: code,
        status,
        reason: r.optional(&at("reason")),
        error_code: r.optional(&at("error_code")),
        error_message: r.optional(&at("error_message")),
        created_at: r.optional(&at("created_at")),
        metadata: r
            .optional::<serde_json::Map<String, serde_json::Value>>(&at("metadata"))
            .map(serde_json::Value::Object),
    };
    match r.mapped(OBJECT, to_refund(provider, &wire)) {
        Some(refund) => WebhookResource::Refund(refund),
        None => WebhookResource::Other,
    }
}

/// The payout object of a `payout_details` event, or `Other` when its id, status, amount or
/// currency cannot be read. The kind stays the event type's ([`event_kind`](crate::event_kind):
/// `payout_success` is `PayoutSucceeded`, ...).
fn read_payout(r: &mut EventReader, provider: &ProviderId) -> WebhookResource {
    if !has_object(r) {
        return WebhookResource::Other;
    }
    let payout_id = r.required::<String>(&at("payout_id"));
    let status = r.required::<String>(&at("status"));
    let minor = r.required::<i64>(&at("amount"));
    let (amount, currency) = read_amount(r, minor);
    let (Some(payout_id), Some(status), Some(amount), Some((code, _))) =
        (payout_id, status, amount, currency)
    else {
        return WebhookResource::Other;
    };
    let wire = PayoutResponse {
        payout_id,
        amount: amount.amount_minor(),
        currency: code,
        status,
        customer_id: r.optional(&at("customer_id")),
        payout_type: r.optional(&at("payout_type")),
        description: r.optional(&at("description")),
        merchant_order_reference_id: r.optional(&at("merchant_order_reference_id")),
        metadata: r
            .optional::<serde_json::Map<String, serde_json::Value>>(&at("metadata"))
            .map(serde_json::Value::Object),
        error_code: r.optional(&at("error_code")),
        error_message: r.optional(&at("error_message")),
        created: r.optional(&at("created")).or_else(|| r.optional(&at("created_at"))),
    };
    WebhookResource::Payout(payout_from_parts(provider, &wire, amount))
}

/// The dispute object of a `dispute_details` event, or `Other` when its id, payment id,
/// status, amount or currency cannot be read.
fn read_dispute(r: &mut EventReader, provider: &ProviderId) -> WebhookResource {
    if !has_object(r) {
        return WebhookResource::Other;
    }
    let dispute_id = r.required::<String>(&at("dispute_id"));
    let payment_id = r.required::<String>(&at("payment_id"));
    let status = r.required::<String>(&at("dispute_status"));
    // Hyperswitch writes dispute amounts as a string of digits; a number is read too.
    let minor = r.required::<crate::wire::MinorUnits>(&at("amount")).map(|m| m.0);
    let (amount, currency) = read_amount(r, minor);
    let (Some(dispute_id), Some(payment_id), Some(status), Some(amount), Some((code, _))) =
        (dispute_id, payment_id, status, amount, currency)
    else {
        return WebhookResource::Other;
    };
    let wire = DisputeResponse {
        dispute_id,
        payment_id,
        amount: amount.amount_minor(),
        currency: code,
        dispute_stage: r.optional(&at("dispute_stage")),
        dispute_status: status,
        connector_status: r.optional(&at("connector_status")),
        connector_reason: r.optional(&at("connector_reason")),
        connector_reason_code: r.optional(&at("connector_reason_code")),
        challenge_required_by: r.optional(&at("challenge_required_by")),
        created_at: r.optional(&at("created_at")),
    };
    WebhookResource::Dispute(dispute_from_parts(provider, &wire, amount))
}

/// [`verify_signature`], then [`parse_event`]: never reads an unverified body. Only the first
/// step gives [`ErrorKind::WebhookSignature`](paymux_core::ErrorKind::WebhookSignature); the
/// second fails only for a body that is not JSON.
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
