//! Paygentic wire <-> paymux core: amounts, durations, status words, event names, errors.

use std::time::Duration;

use paymux_core::http::StatusCode;
use paymux_core::transport::GatewayError;
use paymux_core::{
    Currency, CustomerId, Error, ErrorKind, EventKind, Money, NextAction, Payment, PaymentId,
    PaymentStatus, ProviderId, Result, parse_currency,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

/// Checks the currency against Paygentic's list.
pub(crate) fn check_currency(currency: Currency) -> Result<()> {
    if SUPPORTED_CURRENCIES.contains(&currency) {
        Ok(())
    } else {
        Err(Error::invalid_request(format!(
            "Paygentic accepts USD, EUR, GBP and AUD only, not {}",
            currency.code()
        )))
    }
}

/// Writes a money amount the way Paygentic reads it: a decimal string with exactly two
/// decimals (`"10.50"`). Every supported currency has two decimals.
pub(crate) fn decimal_string(money: Money) -> String {
    money.to_major_string()
}

/// The payment amount on the wire after Paygentic's rules: currency in the list, 1.00 to
/// 5,000.00.
pub(crate) fn payment_amount(money: Money) -> Result<String> {
    check_currency(money.currency())?;
    let minor = money.amount_minor();
    if !(MIN_AMOUNT_MINOR..=MAX_AMOUNT_MINOR).contains(&minor) {
        return Err(Error::invalid_request(format!(
            "Paygentic accepts amounts from 1.00 to 5,000.00, got {money}"
        )));
    }
    Ok(decimal_string(money))
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

/// Maps a Paygentic status word. `pending` (created, the customer has not paid yet at
/// `paymentUrl`) is [`PaymentStatus::RequiresAction`]; unknown words are
/// [`PaymentStatus::Processing`].
pub fn payment_status(word: &str) -> PaymentStatus {
    match word {
        "pending" => PaymentStatus::RequiresAction,
        "processing" => PaymentStatus::Processing,
        "completed" => PaymentStatus::Succeeded,
        "expired" => PaymentStatus::Expired,
        "cancelled" => PaymentStatus::Cancelled,
        _ => PaymentStatus::Processing,
    }
}

/// The Paygentic word to filter a list by, for the statuses Paygentic has.
pub(crate) fn status_word(status: PaymentStatus) -> Option<&'static str> {
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

/// Maps an event name: `payment.<status>.v0` for the five documented statuses; anything else
/// is `EventKind::Other` with the name unchanged.
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

/// Reads a decimal string (`"10.50"`) in `currency` as exact money.
pub(crate) fn parse_money(amount: &str, currency: &str) -> Result<Money> {
    let currency = parse_currency(currency)
        .map_err(|e| Error::invalid_response(format!("Paygentic sent an unknown currency: {e}")))?;
    Money::parse_major(amount, currency).map_err(|e| {
        Error::invalid_response(format!("Paygentic sent an amount paymux cannot hold: {e}"))
    })
}

fn parse_time(text: Option<&str>) -> Option<OffsetDateTime> {
    text.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

/// The fields a payment and a payment event have in common.
pub(crate) struct PaymentFields<'a> {
    pub id: &'a str,
    pub amount: &'a str,
    pub currency: &'a str,
    pub status: &'a str,
    pub created_at: Option<&'a str>,
    pub payment_url: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub metadata: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// Builds a core payment. `paymentUrl` becomes a redirect next action while the payment is
/// `pending` (the customer still has to pay there); it is not offered for any other status.
pub(crate) fn payment(provider: &ProviderId, f: PaymentFields<'_>) -> Result<Payment> {
    let amount = parse_money(f.amount, f.currency)?;
    let status = payment_status(f.status);
    let mut p = Payment::new(PaymentId::new(f.id), provider.clone(), status, f.status, amount);
    p.merchant_reference = f.reference.map(str::to_owned);
    p.customer_id = f.customer_id.map(CustomerId::from_gateway);
    p.metadata = f.metadata.cloned().unwrap_or_default();
    p.created_at = parse_time(f.created_at);
    if status == PaymentStatus::RequiresAction {
        p.next_action = f.payment_url.map(|url| NextAction::Redirect { url: url.to_owned() });
    }
    Ok(p)
}

/// A core payment from the `Payment` schema.
pub(crate) fn payment_from_wire(provider: &ProviderId, w: &wire::Payment) -> Result<Payment> {
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

/// Reads Paygentic's error bodies. The gateway code is `code` when present, else `error`
/// (`"validation_error"`, `"not_found"`); the message keeps each field error of a validation
/// answer (`"Validation failed; amount: too small (too_small)"`). A `validation_error` is an
/// invalid request whatever the status; otherwise the HTTP status decides the kind.
pub(crate) fn parse_error(_status: StatusCode, body: &[u8]) -> Option<GatewayError> {
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
    fn amounts_read_exactly() {
        let m = parse_money("10.50", "USD").unwrap();
        assert_eq!(m.amount_minor(), 1050);
        assert_eq!(parse_money("5000", "EUR").unwrap().amount_minor(), 500_000);
        assert_eq!(parse_money("7.5", "gbp").unwrap().amount_minor(), 750);
        for bad in ["", "-1.00", "1e3", "10.505", ".5", "5.", "1.2.3", " 1.00"] {
            assert_eq!(
                parse_money(bad, "USD").unwrap_err().kind(),
                ErrorKind::InvalidResponse,
                "{bad:?}"
            );
        }
        assert_eq!(parse_money("1.00", "ZZZ").unwrap_err().kind(), ErrorKind::InvalidResponse);
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
