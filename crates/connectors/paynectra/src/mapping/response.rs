//! Paynectra's answers -> core: status words, objects, pages, errors and decline codes.

use http::StatusCode;
use paymux_core::transport::GatewayError;
use paymux_core::webhook::EventReader;
use paymux_core::{
    Address, CaptureMode, Customer, CustomerId, Decimal, DeclineCode, Error, ErrorKind, EventKind,
    Failure, GatewayAmount, Metadata, Money, MoneyError, NextAction, Page, PageCursor, Payment,
    PaymentId, PaymentStatus, Phone, ProviderId, Refund, RefundId, RefundStatus, Result,
    UnreadProblem, parse_currency,
};
use time::OffsetDateTime;

use super::{MERCHANT_REFERENCE_KEY, MERCHANT_REFUND_ID_KEY};
use crate::wire;

/// A Paynectra payment status word -> [`PaymentStatus`], given the payment's next action as
/// read from the answer (`next_action.redirect_to_url.url` as a redirect; any other
/// `next_action` as instructions).
///
/// The contract table: every word Paynectra documents (the guide's `pending`, `succeeded`,
/// `failed`, `cancelled`; `requires_capture` for manual capture, decided in `NOTES.md`) and the
/// Stripe words its answers may carry. "+ next action" means the answer carries a
/// `next_action`. Checked row by row by the crate's tests.
///
/// | word | status |
/// |---|---|
/// | `pending` + next action | `RequiresAction` |
/// | `pending` | `Processing` |
/// | `processing` | `Processing` |
/// | `requires_payment_method` | `RequiresPaymentMethod` |
/// | `requires_confirmation` | `RequiresConfirmation` |
/// | `requires_action` + next action | `RequiresAction` |
/// | `requires_action` | `Processing` |
/// | `requires_capture` | `RequiresCapture` |
/// | `succeeded` | `Succeeded` |
/// | `failed` | `Failed` |
/// | `cancelled` | `Cancelled` |
/// | `canceled` | `Cancelled` |
///
/// Any other word is `Processing` (never final; the word stays in `raw_status`).
///
/// Why a next action decides: a hosted page waiting for the customer (`pending` with a
/// redirect) is `RequiresAction`, as on every gateway, and `RequiresAction` always says where
/// the customer goes; a `requires_action` answer without any `next_action` gives the caller
/// nothing to act on, so it is `Processing` (wait for the webhook or poll). A payment's
/// `next_action` is set on `RequiresAction` payments only (one beside another status is left
/// out).
pub fn payment_status(word: &str, next_action: Option<&NextAction>) -> PaymentStatus {
    match word {
        "pending" | "requires_action" if next_action.is_some() => PaymentStatus::RequiresAction,
        "pending" | "processing" | "requires_action" => PaymentStatus::Processing,
        "requires_payment_method" => PaymentStatus::RequiresPaymentMethod,
        "requires_confirmation" => PaymentStatus::RequiresConfirmation,
        "requires_capture" => PaymentStatus::RequiresCapture,
        "succeeded" => PaymentStatus::Succeeded,
        "failed" => PaymentStatus::Failed,
        "cancelled" | "canceled" => PaymentStatus::Cancelled,
        _ => PaymentStatus::Processing,
    }
}

/// A Paynectra refund status word -> [`RefundStatus`].
///
/// | word | status |
/// |---|---|
/// | `pending` | `Pending` |
/// | `requires_action` | `Pending` |
/// | `succeeded` | `Succeeded` |
/// | `failed` | `Failed` |
/// | `cancelled` | `Cancelled` |
/// | `canceled` | `Cancelled` |
///
/// Any other word is `Pending`, kept in `raw_status`.
pub fn refund_status(word: &str) -> RefundStatus {
    match word {
        "succeeded" => RefundStatus::Succeeded,
        "failed" => RefundStatus::Failed,
        "cancelled" | "canceled" => RefundStatus::Cancelled,
        _ => RefundStatus::Pending,
    }
}

/// A webhook event `type` -> [`EventKind`].
///
/// | type | kind |
/// |---|---|
/// | `payment.succeeded` | `PaymentSucceeded` |
/// | `payment.failed` | `PaymentFailed` |
/// | `payment.canceled` | `PaymentCancelled` |
/// | `payment.cancelled` | `PaymentCancelled` |
/// | `payment.requires_capture` | `PaymentAuthorized` |
/// | `payment.captured` | `PaymentCaptured` |
/// | `payment.processing` | `PaymentProcessing` |
/// | `payment.requires_action` | `PaymentActionRequired` |
/// | `refund.succeeded` | `RefundSucceeded` |
/// | `refund.failed` | `RefundFailed` |
///
/// Any other type is `EventKind::Other(type)`, still verified and delivered.
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

/// [`event_kind`], with `payment.created` read by the payment it carries
/// ([`EventKind::for_payment`]): a payment created on a hosted page waits for the customer, so
/// its creation is `PaymentActionRequired`, as the same moment reads on every gateway. Without
/// a readable payment, `payment.created` stays `Other`.
pub fn event_kind_for(kind: &str, payment: Option<PaymentStatus>) -> EventKind {
    match (kind, payment) {
        ("payment.created", Some(status)) => EventKind::for_payment(status),
        _ => event_kind(kind),
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
/// | `authentication_required`, `offline_pin_required`, `online_or_offline_pin_required` | `authentication_required` |
/// | `invalid_amount`, `amount_too_large`, `amount_too_small` | `invalid_amount` |
/// | `card_not_supported`, `currency_not_supported` | `unsupported_feature` |
/// | `testmode_decline`, `live_mode_test_card` | `test_mode_live_card` |
/// | `generic_decline`, `do_not_honor`, `approve_with_id`, `card_declined`, `transaction_not_allowed`, `not_permitted`, `restricted_card`, `no_action_taken`, `stop_payment_order`, `revocation_of_authorization`, `revocation_of_all_authorizations`, `new_account_information_available`, `do_not_try_again`, `duplicate_transaction`, `service_not_allowed` | `card_declined` |
/// | `config_error` | `config_error` |
///
/// A word already in the shared vocabulary is itself; anything else is `card_declined`. The
/// gateway's own code always travels beside it. (Paynectra's guide names no decline codes:
/// the rows are Stripe's, whose shape the guide follows; the crate's tests check each row.)
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
        // The issuer asks for the cardholder's PIN: an authentication step, not a wrong PIN.
        "authentication_required" | "offline_pin_required" | "online_or_offline_pin_required" => {
            DeclineCode::AuthenticationRequired
        }
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

/// Minor units + a wire currency code (any case) -> [`Money`]; the money error is kept as the
/// source, so a webhook reader can tell an amount the model cannot hold from a broken one.
pub(crate) fn money(amount: i64, currency: &str) -> Result<Money> {
    parse_currency(currency).and_then(|c| Money::from_minor(amount, c)).map_err(|e| {
        Error::invalid_response(format!("amount {amount} {currency} in answer: {e}")).with_source(e)
    })
}

/// A payment's requested amount: as [`Money`] where it can be; for a currency [`Money`]
/// cannot hold (outside ISO 4217, or without a minor unit such as `xau`), `None` and the
/// gateway's own figure (its integer, the currency code as written) as a [`GatewayAmount`],
/// so the payment is still read. A negative amount is an unreadable answer.
pub(crate) fn requested_amount(
    amount: i64,
    currency: &str,
) -> Result<(Option<Money>, Option<GatewayAmount>)> {
    match parse_currency(currency).and_then(|c| Money::from_minor(amount, c)) {
        Ok(m) => Ok((Some(m), None)),
        Err(MoneyError::UnknownCurrency(_) | MoneyError::NoMinorUnit(_)) => {
            Ok((None, Some(GatewayAmount::new(Decimal::from(amount), currency))))
        }
        Err(e) => {
            Err(Error::invalid_response(format!("amount {amount} {currency} in answer: {e}"))
                .with_source(e))
        }
    }
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

/// The next action an answer carries: its `redirect_to_url.url` as a redirect; any other
/// non-empty `next_action` (an SDK step, say) as instructions, exactly as sent.
fn next_action_of(p: &wire::Payment) -> Option<NextAction> {
    let action = p.next_action.as_ref().filter(|a| match a {
        serde_json::Value::Object(o) => !o.is_empty(),
        other => !other.is_null(),
    })?;
    let url = action.pointer("/redirect_to_url/url").and_then(|u| u.as_str());
    Some(match url.filter(|u| !u.is_empty()) {
        Some(url) => NextAction::Redirect { url: url.to_owned() },
        None => NextAction::Instructions { data: action.clone() },
    })
}

/// A wire payment -> core [`Payment`]. A currency [`Money`] cannot hold leaves `amount` (and
/// the other amounts) empty with the figure in `gateway_amount` (see [`requested_amount`]).
/// The contract's field rules are kept here: `next_action` only on `RequiresAction`,
/// `amount_capturable` on `RequiresCapture` (the whole amount when the answer leaves it out:
/// Paynectra authorizes in full), a `failure` on every `Failed` payment.
pub(crate) fn to_payment(p: wire::Payment, provider: &ProviderId) -> Result<Payment> {
    let (amount, gateway_amount) = requested_amount(p.amount, &p.currency)?;
    let in_currency = |minor: Option<i64>| -> Result<Option<Money>> {
        match (amount, minor) {
            (Some(a), Some(m)) => money(m, a.currency().code()).map(Some),
            _ => Ok(None),
        }
    };
    let action = next_action_of(&p);
    let status = payment_status(&p.status, action.as_ref());
    let failure = failure_of(&p);
    let metadata = metadata(p.metadata);
    let mut out =
        Payment::with_amount(PaymentId::new(p.id), provider.clone(), status, p.status, amount);
    out.gateway_amount = gateway_amount;
    out.amount_received = in_currency(p.amount_received)?;
    if status == PaymentStatus::RequiresCapture {
        out.amount_capturable = in_currency(p.amount_capturable)?.or(amount);
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
    out.next_action = action.filter(|_| status == PaymentStatus::RequiresAction);
    // A failure reason on a payment that did not fail is history (an earlier attempt); keep it
    // only where it explains the current state. A failed payment always has one, empty when
    // the gateway gave no reason, so "why" is never a missing field.
    out.failure = match status {
        PaymentStatus::Failed => Some(failure.unwrap_or_default()),
        PaymentStatus::RequiresPaymentMethod => failure,
        _ => None,
    };
    out.metadata = metadata;
    out.created_at = timestamp(p.created)?;
    Ok(out)
}

/// Reads the payment object at `at` of a verified webhook body (`/data/object`). Every field
/// is read on its own, so one that is missing or malformed is noted in the reader, not fatal:
/// without an `id`, `amount` or `currency` there is no payment to give (`None`, the event
/// carries `WebhookResource::Other`); a missing `status` is the unknown word `""`
/// (`Processing`); a malformed optional field is left out. A currency [`Money`] cannot hold
/// gives a payment with `gateway_amount`, noted as unsupported at `amount`.
pub(crate) fn event_payment(
    r: &mut EventReader,
    at: &str,
    provider: &ProviderId,
) -> Option<Payment> {
    let f = |field: &str| format!("{at}/{field}");
    let id = r.required::<String>(&f("id"));
    let amount = r.required::<i64>(&f("amount"));
    let currency = r.required::<String>(&f("currency"));
    let status = r.required::<String>(&f("status"));
    let (id, amount, currency) = (id?, amount?, currency?);
    let wire = wire::Payment {
        id,
        amount,
        currency,
        status: status.unwrap_or_default(),
        capture_method: r.optional(&f("capture_method")),
        customer_id: r.optional(&f("customer_id")),
        description: r.optional(&f("description")),
        metadata: r.optional(&f("metadata")),
        created: r.optional(&f("created")),
        amount_capturable: r.optional(&f("amount_capturable")),
        amount_received: r.optional(&f("amount_received")),
        amount_captured: r.optional(&f("amount_captured")),
        amount_refunded: r.optional(&f("amount_refunded")),
        next_action: r.optional(&f("next_action")),
        last_payment_error: r.optional(&f("last_payment_error")),
        failure_code: r.optional(&f("failure_code")),
        failure_message: r.optional(&f("failure_message")),
    };
    let payment = r.mapped(at, to_payment(wire, provider))?;
    if payment.amount.is_none() {
        r.note(
            &f("currency"),
            UnreadProblem::Unsupported,
            "a currency Money cannot hold: the amount is in `gateway_amount`",
        );
    }
    Some(payment)
}

/// Reads the refund object at `at` of a verified webhook body, like [`event_payment`]: without
/// an `id`, `payment_id`, `amount` or `currency`, or with an amount [`Money`] cannot hold (a
/// refund's amount is always `Money`), there is no refund to give (`None`, noted).
pub(crate) fn event_refund(r: &mut EventReader, at: &str, provider: &ProviderId) -> Option<Refund> {
    let f = |field: &str| format!("{at}/{field}");
    let id = r.required::<String>(&f("id"));
    let payment_id = r.required::<String>(&f("payment_id"));
    let amount = r.required::<i64>(&f("amount"));
    let currency = r.required::<String>(&f("currency"));
    let status = r.required::<String>(&f("status"));
    let wire = wire::Refund {
        id: id?,
        payment_id: payment_id?,
        amount: amount?,
        currency: currency?,
        status: status.unwrap_or_default(),
        reason: r.optional(&f("reason")),
        metadata: r.optional(&f("metadata")),
        created: r.optional(&f("created")),
        failure_reason: r.optional(&f("failure_reason")),
    };
    r.mapped(at, to_refund(wire, provider))
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
