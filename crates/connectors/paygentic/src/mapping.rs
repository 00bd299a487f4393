//! Core requests to Paygentic's wire and Paygentic's answers back to the core: amounts,
//! durations, ids, status words, event names, errors, and the limits checked before sending.

use std::collections::BTreeMap;
use std::time::Duration;

use paymux_core::http::StatusCode;
use paymux_core::transport::{GatewayError, path_segment};
use paymux_core::webhook::EventReader;
use paymux_core::{
    CaptureMode, CreatePayment, Currency, CustomerId, Decimal, Error, ErrorKind, EventKind,
    GatewayAmount, IdempotencyKey, ListPayments, Money, MoneyError, NextAction, Page, PageCursor,
    Payment, PaymentCustomer, PaymentId, PaymentMethod, PaymentStatus, ProviderId, Result,
    UnreadProblem, parse_currency,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::details::{PaygenticLineItem, PaygenticPaymentDetails};
use crate::options::PaygenticPaymentOptions;
use crate::wire;

/// The currencies Paygentic accepts (`currency` enum of the create request).
pub const SUPPORTED_CURRENCIES: [Currency; 4] =
    [Currency::USD, Currency::EUR, Currency::GBP, Currency::AUD];

/// Smallest amount Paygentic accepts, in minor units (1.00).
pub const MIN_AMOUNT_MINOR: i64 = 100;

/// Largest amount Paygentic accepts without a limit raise by its support, in minor units
/// (5,000.00).
pub const MAX_AMOUNT_MINOR: i64 = 500_000;

/// Longest payment lifetime Paygentic accepts (`P31D`).
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(31 * 86_400);

/// Longest merchant reference or idempotency key Paygentic accepts, in characters.
pub const MAX_TEXT_LEN: usize = 255;

/// Most line items in one payment.
pub const MAX_LINE_ITEMS: usize = 100;

/// Largest page of a list.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The longest id sent (payment, customer, merchant ids).
const MAX_ID_LEN: usize = 255;

/// A Paygentic id checked before it goes anywhere in a request, path, body or query alike:
/// the shared [`path_segment`] rule (1 to 255 letters, digits, `-`, `_`, `.`, `~`).
pub(crate) fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str> {
    path_segment(what, id, MAX_ID_LEN)
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("{what} is not supported: Paygentic has no such endpoint"),
    )
}

fn too_long(text: &str) -> bool {
    // A text of at most MAX_TEXT_LEN bytes has at most as many characters: no count needed.
    text.len() > MAX_TEXT_LEN && text.chars().count() > MAX_TEXT_LEN
}

/// The `POST /v0/payments` body, after every rule Paygentic documents; `key` is the call's
/// idempotency key and `merchant_id` the configured one.
pub(crate) fn create_body(
    req: &CreatePayment,
    key: &IdempotencyKey,
    merchant_id: Option<&str>,
) -> Result<wire::CreatePaymentRequest> {
    req.validate()?;
    match &req.payment_method {
        None | Some(PaymentMethod::HostedPage) => {}
        Some(other) => {
            return Err(Error::invalid_request(format!(
                "Paygentic collects payment details on its hosted page; payment method {:?} \
                 cannot be sent",
                other.kind()
            )));
        }
    }
    if req.capture == CaptureMode::Manual {
        return Err(unsupported("manual capture"));
    }
    if !req.confirm {
        return Err(unsupported("two-step confirmation (confirm: false)"));
    }
    let amount = payment_amount(req.amount)?;
    if req.merchant_reference.as_deref().is_some_and(too_long) {
        return Err(Error::invalid_request("merchant reference must be at most 255 characters"));
    }
    if key.as_str().is_empty() || too_long(key.as_str()) {
        return Err(Error::invalid_request("idempotency key must be 1 to 255 characters"));
    }
    if req.order_lines.len() > MAX_LINE_ITEMS {
        return Err(Error::invalid_request(format!(
            "Paygentic takes at most {MAX_LINE_ITEMS} line items, got {}",
            req.order_lines.len()
        )));
    }
    let mut line_items = Vec::with_capacity(req.order_lines.len());
    for line in &req.order_lines {
        if line.quantity == 0 {
            return Err(Error::invalid_request(format!(
                "order line {:?} must have a quantity of at least 1",
                line.name
            )));
        }
        line_items.push(wire::LineItem {
            description: Some(line.name.clone()),
            amount: Some(line.unit_amount.to_major_string()),
            quantity: Some(line.quantity),
        });
    }
    let options = req.extensions.get::<PaygenticPaymentOptions>().cloned().unwrap_or_default();
    let expires_in = options.expires_in.map(iso8601_duration).transpose()?;
    if let Some(merchant) = &options.merchant_id {
        check_id("merchantId", merchant)?;
    }
    let customer_id = match &req.customer {
        Some(PaymentCustomer::Existing(id)) => {
            Some(check_id("customerId", id.as_str())?.to_owned())
        }
        Some(PaymentCustomer::Inline(_)) => {
            tracing::debug!("Paygentic takes no inline customer details; not sent");
            None
        }
        None => None,
    };
    Ok(wire::CreatePaymentRequest {
        amount,
        currency: req.amount.currency().code().to_owned(),
        merchant_id: options.merchant_id.or_else(|| merchant_id.map(str::to_owned)),
        customer_id,
        idempotency_key: key.as_str().to_owned(),
        reference: req.merchant_reference.clone(),
        metadata: req.metadata.clone(),
        line_items,
        success_redirect_url: req.return_url.clone(),
        failure_redirect_url: options.failure_redirect_url,
        save_payment_method: options.save_payment_method,
        expires_in,
    })
}

/// The `GET /v0/payments` query; filters Paygentic lacks are refused rather than dropped.
pub(crate) fn list_query(
    query: &ListPayments,
    merchant_id: Option<&str>,
) -> Result<wire::ListPaymentsQuery> {
    if query.created_from.is_some() || query.created_to.is_some() {
        return Err(Error::invalid_request("Paygentic cannot filter payments by creation date"));
    }
    if query.merchant_reference.is_some() {
        return Err(Error::invalid_request(
            "Paygentic cannot filter payments by merchant reference",
        ));
    }
    let offset = match &query.cursor {
        None => None,
        Some(PageCursor::Offset(n)) => Some(*n),
        Some(other) => {
            return Err(Error::invalid_request(format!(
                "Paygentic pages by offset; cursor {other:?} cannot be used"
            )));
        }
    };
    let status = match query.status {
        None => None,
        Some(s) => Some(payment_status_word(s).ok_or_else(|| {
            Error::invalid_request(format!("Paygentic has no payments in status {s}"))
        })?),
    };
    let customer_id = match &query.customer {
        Some(c) => Some(check_id("customerId", c.as_str())?.to_owned()),
        None => None,
    };
    Ok(wire::ListPaymentsQuery {
        limit: query.limit.map(|l| l.clamp(1, MAX_PAGE_SIZE)),
        offset,
        status,
        customer_id,
        merchant_id: merchant_id.map(str::to_owned),
    })
}

/// Checks the currency against Paygentic's list.
fn check_currency(currency: Currency) -> Result<()> {
    if SUPPORTED_CURRENCIES.contains(&currency) {
        Ok(())
    } else {
        Err(Error::invalid_request(format!(
            "Paygentic accepts USD, EUR, GBP and AUD only, not {}",
            currency.code()
        )))
    }
}

/// The payment amount on the wire after Paygentic's rules: currency in the list, 1.00 to
/// 5,000.00, written with exactly two decimals (`"10.50"`), as every supported currency has.
fn payment_amount(money: Money) -> Result<String> {
    check_currency(money.currency())?;
    let minor = money.amount_minor();
    if !(MIN_AMOUNT_MINOR..=MAX_AMOUNT_MINOR).contains(&minor) {
        return Err(Error::invalid_request(format!(
            "Paygentic accepts amounts from 1.00 to 5,000.00, got {money}"
        )));
    }
    Ok(money.to_major_string())
}

/// Formats a payment lifetime as an ISO 8601 duration (`P7D`, `PT1H`, `P1DT2H30M`), after
/// checking it is positive, whole seconds and at most 31 days.
pub fn iso8601_duration(d: Duration) -> Result<String> {
    if d.is_zero() {
        return Err(Error::invalid_request("expires_in must be positive"));
    }
    if d.subsec_nanos() != 0 {
        return Err(Error::invalid_request("expires_in must be a whole number of seconds"));
    }
    if d > MAX_EXPIRES_IN {
        return Err(Error::invalid_request(format!(
            "expires_in must be at most 31 days (P31D), got {} seconds",
            d.as_secs()
        )));
    }
    let total = d.as_secs();
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if hours > 0 || minutes > 0 || seconds > 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if seconds > 0 {
            out.push_str(&format!("{seconds}S"));
        }
    }
    Ok(out)
}

/// Maps a Paygentic status word, given the payment's `paymentUrl` where it has one.
///
/// The contract table: every status word of the `Payment` schema in Paygentic's OpenAPI
/// document, checked row by row by the crate's tests. "+ paymentUrl" means the payment
/// carries one.
///
/// | word | status |
/// |---|---|
/// | `pending` + paymentUrl | `RequiresAction` |
/// | `pending` | `Processing` |
/// | `processing` | `Processing` |
/// | `completed` | `Succeeded` |
/// | `expired` | `Expired` |
/// | `cancelled` | `Cancelled` |
///
/// Any other word is `Processing`, kept in `raw_status`. `pending` means the customer has not
/// paid yet at `paymentUrl`, so with that URL it is `RequiresAction` (the URL is its
/// [`NextAction::Redirect`], as on every gateway); without one there is nowhere to send the
/// customer, so it is `Processing` (wait for the webhook or poll). Paygentic has no failed or
/// authorized state, so its payments never need a `failure` or `amount_capturable`.
pub fn payment_status(word: &str, payment_url: Option<&str>) -> PaymentStatus {
    match word {
        "pending" if payment_url.is_some() => PaymentStatus::RequiresAction,
        "pending" | "processing" => PaymentStatus::Processing,
        "completed" => PaymentStatus::Succeeded,
        "expired" => PaymentStatus::Expired,
        "cancelled" => PaymentStatus::Cancelled,
        _ => PaymentStatus::Processing,
    }
}

/// The Paygentic word to filter a list by, for the statuses Paygentic has.
fn payment_status_word(status: PaymentStatus) -> Option<&'static str> {
    match status {
        PaymentStatus::RequiresAction => Some("pending"),
        PaymentStatus::Processing => Some("processing"),
        PaymentStatus::Succeeded => Some("completed"),
        PaymentStatus::Expired => Some("expired"),
        PaymentStatus::Cancelled => Some("cancelled"),
        _ => None,
    }
}

/// The status word inside a `payment.<status>.v0` event name.
pub(crate) fn event_status_word(event_type: &str) -> Option<&str> {
    event_type.strip_prefix("payment.")?.strip_suffix(".v0").filter(|w| !w.contains('.'))
}

/// Maps an event name.
///
/// The contract table: the payment events decided in `NOTES.md` (`payment.<status>.v0` for
/// each status of the `Payment` schema), checked row by row by the crate's tests.
///
/// | event type | kind |
/// |---|---|
/// | `payment.pending.v0` | `PaymentActionRequired` |
/// | `payment.processing.v0` | `PaymentProcessing` |
/// | `payment.completed.v0` | `PaymentSucceeded` |
/// | `payment.expired.v0` | `PaymentExpired` |
/// | `payment.cancelled.v0` | `PaymentCancelled` |
///
/// Any other name is `EventKind::Other(name)`, still verified and delivered. Events are read
/// with [`event_kind_for`], which keeps the kind in agreement with the payment carried.
/// Paygentic documents no decline codes: it has no failed payments.
pub fn event_kind(event_type: &str) -> EventKind {
    match event_status_word(event_type) {
        Some("completed") => EventKind::PaymentSucceeded,
        Some("expired") => EventKind::PaymentExpired,
        Some("cancelled") => EventKind::PaymentCancelled,
        Some("processing") => EventKind::PaymentProcessing,
        Some("pending") => EventKind::PaymentActionRequired,
        _ => EventKind::Other(event_type.to_owned()),
    }
}

/// [`event_kind`], agreeing with the status of the payment the event carries (`None`: none
/// could be read): a `payment.pending.v0` whose payment has no `paymentUrl` reads as
/// `Processing`, so its kind is `PaymentProcessing`, not a customer action without a page.
pub fn event_kind_for(event_type: &str, payment: Option<PaymentStatus>) -> EventKind {
    match (event_kind(event_type), payment) {
        (EventKind::PaymentActionRequired, Some(PaymentStatus::Processing)) => {
            EventKind::PaymentProcessing
        }
        (kind, _) => kind,
    }
}

/// Reads Paygentic's decimal text (`"10.50"`): ASCII digits with at most one `.` between
/// digits, any number of decimals; anything else (a sign, an exponent, a space) is not an
/// amount at all.
pub(crate) fn gateway_decimal(text: &str) -> Result<Decimal> {
    let plain = match text.split_once('.') {
        Some((whole, fraction)) => {
            !whole.is_empty()
                && !fraction.is_empty()
                && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        }
        None => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
    };
    plain.then(|| text.parse::<Decimal>().ok()).flatten().ok_or_else(|| {
        Error::invalid_response(format!("Paygentic sent {text:?} where an amount belongs"))
    })
}

/// A payment's requested amount: as [`Money`] where it can be; when Money cannot hold it (a
/// currency outside ISO 4217 or without a minor unit, more decimals than the currency has),
/// `None` and the gateway's figure and code exactly as sent, as a [`GatewayAmount`]. Text that
/// is not a decimal amount is an unreadable answer.
pub(crate) fn requested_amount(
    amount: &str,
    currency: &str,
) -> Result<(Option<Money>, Option<GatewayAmount>)> {
    let figure = GatewayAmount::new(gateway_decimal(amount)?, currency);
    match figure.to_money() {
        Ok(m) => Ok((Some(m), None)),
        Err(
            MoneyError::TooManyDecimals { .. }
            | MoneyError::UnknownCurrency(_)
            | MoneyError::NoMinorUnit(_),
        ) => Ok((None, Some(figure))),
        Err(e) => Err(Error::invalid_response(format!(
            "Paygentic sent an amount paymux cannot hold: {e}"
        ))
        .with_source(e)),
    }
}

fn parse_time(text: Option<&str>) -> Option<OffsetDateTime> {
    text.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

/// The fields a payment and a payment event have in common.
struct PaymentFields<'a> {
    id: &'a str,
    amount: &'a str,
    currency: &'a str,
    status: &'a str,
    created_at: Option<&'a str>,
    payment_url: Option<&'a str>,
    customer_id: Option<&'a str>,
    reference: Option<&'a str>,
    metadata: Option<&'a BTreeMap<String, String>>,
}

/// Builds a core payment. `paymentUrl` becomes a redirect next action while the payment is
/// `pending` (the customer still has to pay there); it is not offered for any other status.
/// An amount Money cannot hold is kept in `gateway_amount` (see [`requested_amount`]).
fn payment(provider: &ProviderId, f: PaymentFields<'_>) -> Result<Payment> {
    let (amount, gateway_amount) = requested_amount(f.amount, f.currency)?;
    let payment_url = f.payment_url.filter(|url| !url.is_empty());
    let status = payment_status(f.status, payment_url);
    let mut p =
        Payment::with_amount(PaymentId::new(f.id), provider.clone(), status, f.status, amount);
    p.gateway_amount = gateway_amount;
    p.merchant_reference = f.reference.map(str::to_owned);
    p.customer_id = f.customer_id.map(CustomerId::from_gateway);
    p.metadata = f.metadata.cloned().unwrap_or_default();
    p.created_at = parse_time(f.created_at);
    if status == PaymentStatus::RequiresAction {
        p.next_action = payment_url.map(|url| NextAction::Redirect { url: url.to_owned() });
    }
    Ok(p)
}

/// A core payment from the `Payment` schema.
pub(crate) fn to_payment(provider: &ProviderId, w: &wire::Payment) -> Result<Payment> {
    payment(
        provider,
        PaymentFields {
            id: &w.id,
            amount: &w.amount,
            currency: &w.currency,
            status: &w.status,
            created_at: w.created_at.as_deref(),
            payment_url: w.payment_url.as_deref(),
            customer_id: w.customer_id.as_deref(),
            reference: w.reference.as_deref(),
            metadata: w.metadata.as_ref(),
        },
    )
}

/// A core payment from the `data` of a verified event, read field by field so that what is
/// missing or malformed is noted in the reader rather than refusing the event. `data` comes in
/// two shapes: `{paymentId, amount, currency, ...}` (decided in `NOTES.md`) and the document's
/// `Payment` object (`{id, object: "payment", ...}`); the id is `paymentId`, else `id`. Its
/// `status`, when absent, is `status_in_name` (from `payment.<status>.v0`), else the unknown
/// word `""`. Without an id or an amount (`amount` and `currency`) there is no payment to
/// give (`None`: the event carries `WebhookResource::Other`). An amount Money cannot hold is
/// kept in `gateway_amount` and noted as unsupported.
pub(crate) fn event_payment(
    r: &mut EventReader,
    provider: &ProviderId,
    status_in_name: Option<&str>,
) -> Option<Payment> {
    // `paymentId` first: in the decided shape an `id` could name something else.
    let id = r.optional::<String>("/data/paymentId").or_else(|| r.optional("/data/id"));
    if id.is_none() {
        r.note("/data/paymentId", UnreadProblem::Missing, "neither `paymentId` nor `id`");
    }
    let amount = r.required::<String>("/data/amount");
    let currency = r.required::<String>("/data/currency");
    let status = r.optional::<String>("/data/status");
    let created_at = r.optional::<String>("/data/createdAt");
    let payment_url = r.optional::<String>("/data/paymentUrl");
    let customer_id = r.optional::<String>("/data/customerId");
    let reference = r.optional::<String>("/data/reference");
    let metadata = r.optional::<BTreeMap<String, String>>("/data/metadata");
    let (id, amount, currency) = (id?, amount?, currency?);
    let fields = PaymentFields {
        id: &id,
        amount: &amount,
        currency: &currency,
        status: status.as_deref().or(status_in_name).unwrap_or(""),
        created_at: created_at.as_deref(),
        payment_url: payment_url.as_deref(),
        customer_id: customer_id.as_deref(),
        reference: reference.as_deref(),
        metadata: metadata.as_ref(),
    };
    let payment = r.mapped("/data/amount", payment(provider, fields))?;
    if payment.amount.is_none() {
        // Say which part Money could not hold: the currency, or the decimals of the amount.
        let iso_with_minor_unit = parse_currency(&currency).is_ok_and(|c| c.exponent().is_some());
        let (pointer, why) = if iso_with_minor_unit {
            ("/data/amount", "more decimals than the currency has")
        } else {
            ("/data/currency", "a currency Money cannot hold")
        };
        r.note(
            pointer,
            UnreadProblem::Unsupported,
            format!("{why}: the amount is in `gateway_amount`"),
        );
    }
    Some(payment)
}

/// A page of core payments. The next offset follows this page; without a `total`, a full
/// page is taken to mean there may be more.
pub(crate) fn to_payment_page(
    provider: &ProviderId,
    list: &wire::PaymentList,
    query: &wire::ListPaymentsQuery,
) -> Result<Page<Payment>> {
    let items =
        list.data.iter().map(|p| to_payment(provider, p)).collect::<Result<Vec<Payment>>>()?;
    let pagination = list.pagination.unwrap_or_default();
    let offset = pagination.offset.or(query.offset).unwrap_or(0);
    let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let next_offset = offset.saturating_add(count);
    let has_more = count > 0
        && match pagination.total {
            Some(total) => next_offset < total,
            None => {
                let limit = pagination.limit.or(query.limit.map(u64::from)).unwrap_or(10);
                count >= limit
            }
        };
    Ok(Page {
        items,
        has_more,
        next: has_more.then_some(PageCursor::Offset(next_offset)),
        total: pagination.total,
    })
}

/// The core payment with the fields outside the core model, as Paygentic wrote them.
pub(crate) fn to_details(
    provider: &ProviderId,
    w: wire::Payment,
) -> Result<PaygenticPaymentDetails> {
    let payment = to_payment(provider, &w)?;
    let line_items = w.line_items.map(|items| {
        items
            .into_iter()
            .map(|i| PaygenticLineItem {
                description: i.description,
                amount: i.amount,
                quantity: i.quantity,
            })
            .collect()
    });
    Ok(PaygenticPaymentDetails { payment, expires_at: w.expires_at, line_items })
}

/// Reads Paygentic's error bodies. The gateway code is `code` when present, else `error`
/// (`"validation_error"`, `"not_found"`); the message keeps each field error of a validation
/// answer (`"Validation failed; amount: too small (too_small)"`). A `validation_error` is an
/// invalid request whatever the status; otherwise the HTTP status decides the kind.
pub(crate) fn error_parser(_status: StatusCode, body: &[u8]) -> Option<GatewayError> {
    let e: wire::ErrorBody = serde_json::from_slice(body).ok()?;
    if e.error.is_none() && e.message.is_none() && e.code.is_none() && e.errors.is_none() {
        return None;
    }
    let mut message = e.message.clone().unwrap_or_default();
    for fe in e.errors.iter().flatten() {
        let mut part = String::new();
        if let Some(field) = &fe.field {
            part.push_str(field);
            part.push_str(": ");
        }
        part.push_str(fe.message.as_deref().unwrap_or("invalid"));
        if let Some(code) = &fe.code {
            part.push_str(&format!(" ({code})"));
        }
        if !message.is_empty() {
            message.push_str("; ");
        }
        message.push_str(&part);
    }
    let kind =
        (e.error.as_deref() == Some("validation_error")).then_some(ErrorKind::InvalidRequest);
    Some(GatewayError {
        code: e.code.or(e.error),
        message: (!message.is_empty()).then_some(message),
        kind,
        decline_code: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations_format_as_iso8601() {
        for (secs, want) in [
            (1, "PT1S"),
            (59, "PT59S"),
            (60, "PT1M"),
            (3_600, "PT1H"),
            (5_400, "PT1H30M"),
            (86_400, "P1D"),
            (86_401, "P1DT1S"),
            (7 * 86_400, "P7D"),
            (30 * 86_400 + 3_600 + 120 + 3, "P30DT1H2M3S"),
            (31 * 86_400, "P31D"),
        ] {
            assert_eq!(iso8601_duration(Duration::from_secs(secs)).unwrap(), want, "{secs}");
        }
        for bad in
            [Duration::ZERO, Duration::from_secs(31 * 86_400 + 1), Duration::from_millis(1_500)]
        {
            assert_eq!(iso8601_duration(bad).unwrap_err().kind(), ErrorKind::InvalidRequest);
        }
    }

    #[test]
    fn amounts_read_exactly_and_keep_what_money_cannot_hold() {
        let money = |a: &str, c: &str| requested_amount(a, c).unwrap().0.unwrap();
        assert_eq!(money("10.50", "USD").amount_minor(), 1050);
        assert_eq!(money("5000", "EUR").amount_minor(), 500_000);
        assert_eq!(money("7.5", "gbp").amount_minor(), 750);
        assert_eq!(money("7.500", "gbp").amount_minor(), 750);
        for (amount, currency, value) in [
            ("10.505", "USD", Decimal::new(10505, 3)),
            ("0.00012345", "BTC", Decimal::new(12345, 8)),
            ("1", "XAU", Decimal::ONE),
            ("1.00", "ZZZ", Decimal::new(100, 2)),
        ] {
            let (m, g) = requested_amount(amount, currency).unwrap();
            assert_eq!((m, g), (None, Some(GatewayAmount::new(value, currency))), "{amount}");
        }
        for bad in ["", "-1.00", "1e3", ".5", "5.", "1.2.3", " 1.00", "1_000", "ten"] {
            assert_eq!(
                requested_amount(bad, "USD").unwrap_err().kind(),
                ErrorKind::InvalidResponse,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn event_names() {
        assert_eq!(event_kind("payment.completed.v0"), EventKind::PaymentSucceeded);
        assert_eq!(event_kind("payment.pending.v0"), EventKind::PaymentActionRequired);
        assert_eq!(
            event_kind("payment.completed.v1"),
            EventKind::Other("payment.completed.v1".into())
        );
        assert_eq!(event_kind("payment.a.b.v0"), EventKind::Other("payment.a.b.v0".into()));
        assert_eq!(event_kind("invoice.paid.v0"), EventKind::Other("invoice.paid.v0".into()));
    }
}
