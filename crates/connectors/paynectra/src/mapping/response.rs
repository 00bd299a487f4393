//! Paynectra's answers -> core: status words, objects, pages, errors and decline codes.

use http::StatusCode;
use paymux_core::transport::GatewayError;
use paymux_core::{
    Address, CaptureMode, Customer, CustomerId, DeclineCode, Error, ErrorKind, EventKind, Failure,
    Metadata, Money, NextAction, Page, PageCursor, Payment, PaymentId, PaymentStatus, Phone,
    ProviderId, Refund, RefundId, RefundStatus, Result, parse_currency,
};
use time::OffsetDateTime;

use super::{MERCHANT_REFERENCE_KEY, MERCHANT_REFUND_ID_KEY};
use crate::wire;

/// A Paynectra payment status word -> [`PaymentStatus`], with the payment's
/// `next_action.redirect_to_url.url` (`redirect_url`) where it has one.
///
/// | word | status |
/// |---|---|
/// | `pending` with a redirect | `RequiresAction` (the customer must go to the hosted or 3-D Secure page) |
/// | `pending` without one | `Processing` (created, not settled, nothing for the customer to do) |
/// | `processing` | `Processing` |
/// | `requires_payment_method` | `RequiresPaymentMethod` |
/// | `requires_confirmation` | `RequiresConfirmation` |
/// | `requires_action` | `RequiresAction` |
/// | `requires_capture` | `RequiresCapture` |
/// | `succeeded` | `Succeeded` |
/// | `failed` | `Failed` |
/// | `cancelled`, `canceled` | `Cancelled` |
/// | anything else | `Processing` (never final; the word stays in `raw_status`) |
///
/// A payment's `next_action` is the redirect on `RequiresAction` payments and on no other
/// (a redirect the answer carries beside another status is left out).
pub fn payment_status(word: &str, redirect_url: Option<&str>) -> PaymentStatus {
    match word {
        "pending" if redirect_url.is_some() => PaymentStatus::RequiresAction,
        "pending" | "processing" => PaymentStatus::Processing,
        "requires_payment_method" => PaymentStatus::RequiresPaymentMethod,
        "requires_confirmation" => PaymentStatus::RequiresConfirmation,
        "requires_action" => PaymentStatus::RequiresAction,
        "requires_capture" => PaymentStatus::RequiresCapture,
        "succeeded" => PaymentStatus::Succeeded,
        "failed" => PaymentStatus::Failed,
        "cancelled" | "canceled" => PaymentStatus::Cancelled,
        _ => PaymentStatus::Processing,
    }
}

/// A Paynectra refund status word -> [`RefundStatus`]: `pending` and `requires_action`
/// pending, `succeeded`, `failed`, `cancelled`/`canceled`; anything else `Pending`.
pub fn refund_status(word: &str) -> RefundStatus {
    match word {
        "succeeded" => RefundStatus::Succeeded,
        "failed" => RefundStatus::Failed,
        "cancelled" | "canceled" => RefundStatus::Cancelled,
        _ => RefundStatus::Pending,
    }
}

/// A webhook event `type` -> [`EventKind`]; unknown types become `EventKind::Other(type)`.
pub fn event_kind(kind: &str) -> EventKind {
    match kind {
        "payment.succeeded" => EventKind::PaymentSucceeded,
        "payment.failed" => EventKind::PaymentFailed,
        "payment.canceled" | "payment.cancelled" => EventKind::PaymentCancelled,
        "payment.requires_capture" => EventKind::PaymentAuthorized,
        "payment.captured" => EventKind::PaymentCaptured,
        "payment.processing" => EventKind::PaymentProcessing,
        "payment.requires_action" => EventKind::PaymentActionRequired,
        "refund.succeeded" => EventKind::RefundSucceeded,
        "refund.failed" => EventKind::RefundFailed,
        other => EventKind::Other(other.to_owned()),
    }
}

/// A Stripe-style decline or error code -> [`DeclineCode`].
///
/// The table follows Stripe's published decline codes (Paynectra's shape is Stripe's):
///
/// | gateway code(s) | normalized |
/// |---|---|
/// | `insufficient_funds`, `card_velocity_exceeded`, `withdrawal_count_limit_exceeded` | `insufficient_funds` |
/// | `expired_card` | `expired_card` |
/// | `incorrect_cvc` | `incorrect_cvc` |
/// | `invalid_cvc` | `invalid_cvc` |
/// | `incorrect_number` | `incorrect_number` |
/// | `invalid_number`, `invalid_account` | `invalid_number` |
/// | `invalid_expiry_month`, `invalid_expiry_year`, `invalid_expiry_date` | `invalid_expiry_date` |
/// | `incorrect_zip` | `incorrect_zip` |
/// | `incorrect_address` | `incorrect_address` |
/// | `incorrect_pin`, `invalid_pin`, `pin_try_exceeded` | `incorrect_pin` |
/// | `processing_error`, `issuer_not_available`, `try_again_later`, `reenter_transaction` | `processing_error` |
/// | `call_issuer` | `call_issuer` |
/// | `pickup_card`, `lost_card`, `stolen_card` | `pick_up_card` |
/// | `fraudulent`, `merchant_blacklist`, `security_violation` | `fraud_suspected` |
/// | `authentication_required` | `authentication_required` |
/// | `invalid_amount`, `amount_too_large`, `amount_too_small` | `invalid_amount` |
/// | `card_not_supported`, `currency_not_supported` | `unsupported_feature` |
/// | `testmode_decline`, `live_mode_test_card` | `test_mode_live_card` |
/// | a word already in the shared vocabulary | itself |
/// | anything else (`generic_decline`, `do_not_honor`, ...) | `card_declined` |
///
/// The gateway's own code always travels beside it.
pub fn decline_code(code: &str) -> DeclineCode {
    match code {
        "insufficient_funds" | "card_velocity_exceeded" | "withdrawal_count_limit_exceeded" => {
            DeclineCode::InsufficientFunds
        }
        "expired_card" => DeclineCode::ExpiredCard,
        "incorrect_cvc" => DeclineCode::IncorrectCvc,
        "invalid_cvc" => DeclineCode::InvalidCvc,
        "incorrect_number" => DeclineCode::IncorrectNumber,
        "invalid_number" | "invalid_account" => DeclineCode::InvalidNumber,
        "invalid_expiry_month" | "invalid_expiry_year" | "invalid_expiry_date" => {
            DeclineCode::InvalidExpiryDate
        }
        "incorrect_zip" => DeclineCode::IncorrectZip,
        "incorrect_address" => DeclineCode::IncorrectAddress,
        "incorrect_pin" | "invalid_pin" | "pin_try_exceeded" => DeclineCode::IncorrectPin,
        "processing_error" | "issuer_not_available" | "try_again_later" | "reenter_transaction" => {
            DeclineCode::ProcessingError
        }
        "call_issuer" => DeclineCode::CallIssuer,
        "pickup_card" | "lost_card" | "stolen_card" => DeclineCode::PickUpCard,
        "fraudulent" | "merchant_blacklist" | "security_violation" => DeclineCode::FraudSuspected,
        "authentication_required" => DeclineCode::AuthenticationRequired,
        "invalid_amount" | "amount_too_large" | "amount_too_small" => DeclineCode::InvalidAmount,
        "card_not_supported" | "currency_not_supported" => DeclineCode::UnsupportedFeature,
        "testmode_decline" | "live_mode_test_card" => DeclineCode::TestModeLiveCard,
        other => match DeclineCode::from_word(other) {
            DeclineCode::Other(_) => DeclineCode::CardDeclined,
            known => known,
        },
    }
}

/// The most specific code of an error object: `decline_code`, else `code`.
fn specific_code(e: &wire::ErrorObject) -> Option<&str> {
    e.decline_code.as_deref().or(e.code.as_deref())
}

/// The [`ErrorParser`](paymux_core::transport::ErrorParser) for `{error: {type, code,
/// decline_code, message, param}}`. A 402 carrying a `card_error` (or a `decline_code`) is
/// [`ErrorKind::Declined`] with a normalized [`DeclineCode`]; every other answer keeps the kind
/// of its HTTP status.
pub(crate) fn error_parser(status: StatusCode, body: &[u8]) -> Option<GatewayError> {
    let parsed: wire::ErrorBody = serde_json::from_slice(body).ok()?;
    let e = parsed.error;
    let is_decline = status == StatusCode::PAYMENT_REQUIRED
        && (e.kind.as_deref() == Some("card_error") || e.decline_code.is_some());
    let message = match (&e.message, &e.param) {
        (Some(m), Some(p)) => Some(format!("{m} (param: {p})")),
        (Some(m), None) => Some(m.clone()),
        (None, Some(p)) => Some(format!("invalid parameter {p}")),
        (None, None) => e.kind.clone(),
    };
    let code = specific_code(&e).map(str::to_owned).or_else(|| e.kind.clone());
    Some(GatewayError {
        decline_code: if is_decline {
            Some(decline_code(specific_code(&e).unwrap_or("")))
        } else {
            None
        },
        kind: if is_decline { Some(ErrorKind::Declined) } else { None },
        code,
        message,
    })
}

/// Minor units + a wire currency code (any case) -> [`Money`].
pub(crate) fn money(amount: i64, currency: &str) -> Result<Money> {
    let currency = parse_currency(currency)
        .map_err(|e| Error::invalid_response(format!("unknown currency in answer: {e}")))?;
    Money::from_minor(amount, currency)
        .map_err(|e| Error::invalid_response(format!("bad amount in answer: {e}")))
}

fn timestamp(secs: Option<i64>) -> Result<Option<OffsetDateTime>> {
    secs.map(|s| {
        OffsetDateTime::from_unix_timestamp(s)
            .map_err(|_| Error::invalid_response(format!("timestamp {s} out of range")))
    })
    .transpose()
}

fn metadata(wire: wire::WireMetadata) -> Metadata {
    wire.unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

fn failure_of(p: &wire::Payment) -> Option<Failure> {
    let err = p.last_payment_error.as_ref();
    let code = err.and_then(specific_code).map(str::to_owned).or_else(|| p.failure_code.clone());
    let message = err.and_then(|e| e.message.clone()).or_else(|| p.failure_message.clone());
    if code.is_none() && message.is_none() {
        return None;
    }
    Some(Failure { code: code.as_deref().map(decline_code), gateway_code: code, message })
}

/// A wire payment -> core [`Payment`].
pub(crate) fn to_payment(p: wire::Payment, provider: &ProviderId) -> Result<Payment> {
    let amount = money(p.amount, &p.currency)?;
    let currency = amount.currency();
    let in_currency = |minor: Option<i64>| -> Result<Option<Money>> {
        minor
            .map(|m| {
                Money::from_minor(m, currency)
                    .map_err(|e| Error::invalid_response(format!("bad amount in answer: {e}")))
            })
            .transpose()
    };
    let redirect = p
        .next_action
        .as_ref()
        .and_then(|n| n.redirect_to_url.as_ref())
        .and_then(|r| r.url.clone())
        .filter(|url| !url.is_empty());
    let status = payment_status(&p.status, redirect.as_deref());
    let failure = failure_of(&p);
    let next_action = redirect
        .filter(|_| status == PaymentStatus::RequiresAction)
        .map(|url| NextAction::Redirect { url });
    let metadata = metadata(p.metadata);
    let mut out = Payment::new(PaymentId::new(p.id), provider.clone(), status, p.status, amount);
    out.amount_received = in_currency(p.amount_received)?;
    if status == PaymentStatus::RequiresCapture {
        out.amount_capturable = in_currency(p.amount_capturable)?;
    }
    out.amount_captured = in_currency(p.amount_captured)?;
    out.amount_refunded = in_currency(p.amount_refunded)?;
    out.capture_mode = match p.capture_method.as_deref() {
        Some("automatic") => Some(CaptureMode::Automatic),
        Some("manual") => Some(CaptureMode::Manual),
        _ => None,
    };
    out.merchant_reference = metadata.get(MERCHANT_REFERENCE_KEY).cloned();
    out.description = p.description;
    out.customer_id = p.customer_id.map(CustomerId::from_gateway);
    out.next_action = next_action;
    // A failure reason on a payment that did not fail is history (an earlier attempt); keep it
    // only where it explains the current state.
    out.failure = if matches!(status, PaymentStatus::Failed | PaymentStatus::RequiresPaymentMethod)
    {
        failure
    } else {
        None
    };
    out.metadata = metadata;
    out.created_at = timestamp(p.created)?;
    Ok(out)
}

/// A wire refund -> core [`Refund`].
pub(crate) fn to_refund(r: wire::Refund, provider: &ProviderId) -> Result<Refund> {
    let amount = money(r.amount, &r.currency)?;
    let status = refund_status(&r.status);
    let metadata = metadata(r.metadata);
    let mut out = Refund::new(
        RefundId::new(r.id),
        provider.clone(),
        PaymentId::new(r.payment_id),
        status,
        r.status,
        amount,
    );
    out.reason = r.reason;
    out.merchant_refund_id = metadata.get(MERCHANT_REFUND_ID_KEY).cloned();
    out.failure = r.failure_reason.map(|code| Failure {
        code: None,
        gateway_code: Some(code),
        message: None,
    });
    out.metadata = metadata;
    out.created_at = timestamp(r.created)?;
    Ok(out)
}

/// A wire customer -> core [`Customer`]. A phone that is not E.164 is left out (the
/// gateway validates phones on the way in, so this only happens with foreign data).
pub(crate) fn to_customer(c: wire::Customer, provider: &ProviderId) -> Result<Customer> {
    let phone = c.phone.as_deref().and_then(phone_from_e164);
    let address = c.address.map(|a| Address {
        line1: a.line1,
        line2: a.line2,
        city: a.city,
        state: a.state,
        postal_code: a.postal_code,
        country: a.country,
        first_name: None,
        last_name: None,
    });
    Ok(Customer {
        id: CustomerId::from_gateway(c.id),
        provider: provider.clone(),
        email: c.email,
        name: c.name,
        phone,
        address,
        description: c.description,
        metadata: metadata(c.metadata),
        created_at: timestamp(c.created)?,
    })
}

/// Splits an E.164 number into country code and subscriber number. E.164 country codes are
/// prefix-free: 1 and 7 are the one-digit codes, the two-digit ones are listed below (ITU-T
/// E.164 assignments), everything else has three digits.
pub(crate) fn phone_from_e164(e164: &str) -> Option<Phone> {
    const TWO_DIGIT: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    let digits = e164.strip_prefix('+')?;
    let cc_len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if digits.get(..2).is_some_and(|p| TWO_DIGIT.contains(&p)) {
        2
    } else {
        3
    };
    Phone::from_e164(e164, cc_len).ok()
}

/// `GET /v1/payments` -> a page (see [`page`]). With a `status` filter only the payments in that
/// status stay (the gateway's `pending` filter answers `RequiresAction` and `Processing`
/// payments alike); the next cursor still follows the whole page, so a page may hold fewer
/// items than asked, or none, and still have more.
pub(crate) fn to_payment_page(
    list: wire::List<wire::Payment>,
    cursor: Option<&PageCursor>,
    status: Option<PaymentStatus>,
    provider: &ProviderId,
) -> Result<Page<Payment>> {
    let mut page = page(list, cursor, |p| to_payment(p, provider), |p| p.id.as_str())?;
    if let Some(status) = status {
        page.items.retain(|p| p.status == status);
    }
    Ok(page)
}

/// `GET /v1/refunds` -> a page (see [`page`]).
pub(crate) fn to_refund_page(
    list: wire::List<wire::Refund>,
    cursor: Option<&PageCursor>,
    provider: &ProviderId,
) -> Result<Page<Refund>> {
    page(list, cursor, |r| to_refund(r, provider), |r| r.id.as_str())
}

/// `{data, has_more}` -> a page whose `next` goes on in the direction of the query's cursor:
/// `Before(first id)` after an `ending_before` query, else `After(last id)`, while `has_more`.
fn page<W, T>(
    list: wire::List<W>,
    cursor: Option<&PageCursor>,
    to_core: impl Fn(W) -> Result<T>,
    id_of: impl Fn(&T) -> &str,
) -> Result<Page<T>> {
    let items = list.data.into_iter().map(to_core).collect::<Result<Vec<_>>>()?;
    let next = match (list.has_more, cursor) {
        (false, _) => None,
        (true, Some(PageCursor::Before(_))) => {
            items.first().map(|i| PageCursor::Before(id_of(i).to_owned()))
        }
        (true, _) => items.last().map(|i| PageCursor::After(id_of(i).to_owned())),
    };
    Ok(Page { has_more: list.has_more, next, items, total: None })
}
