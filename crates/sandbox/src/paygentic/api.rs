//! Paygentic's JSON: the `POST /v0/payments` body (read leniently so that every bad field is
//! reported at once, as its Zod validation does), the `Payment` answer, lists, errors and the
//! webhook envelope.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::{Payment, Status};
use crate::kit::body::{Lenient, type_name};
use crate::kit::rfc3339;

/// Smallest amount accepted, in minor units (1.00).
pub(crate) const MIN_AMOUNT_MINOR: u64 = 100;
/// Largest amount accepted, in minor units (5,000.00).
pub(crate) const MAX_AMOUNT_MINOR: u64 = 500_000;
/// The currencies Paygentic takes.
pub(crate) const CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "AUD"];
/// `expiresIn` default: P30D.
pub(crate) const DEFAULT_EXPIRES_SECS: u64 = 30 * 86_400;
/// `expiresIn` maximum: P31D.
pub(crate) const MAX_EXPIRES_SECS: u64 = 31 * 86_400;
const MAX_LINE_ITEMS: usize = 100;
const MAX_TEXT: usize = 255;

/// `POST /v0/payments` as sent. Unknown fields are dropped, as Zod's default object does.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateBody {
    #[serde(default)]
    amount: Lenient<String>,
    #[serde(default)]
    currency: Lenient<String>,
    #[serde(default)]
    merchant_id: Lenient<String>,
    #[serde(default)]
    customer_id: Lenient<String>,
    #[serde(default)]
    idempotency_key: Lenient<String>,
    #[serde(default)]
    reference: Lenient<String>,
    #[serde(default)]
    metadata: Lenient<BTreeMap<String, Value>>,
    #[serde(default)]
    line_items: Lenient<Vec<Value>>,
    #[serde(default)]
    success_redirect_url: Lenient<String>,
    #[serde(default)]
    failure_redirect_url: Lenient<String>,
    #[serde(default)]
    save_payment_method: Lenient<bool>,
    #[serde(default)]
    expires_in: Lenient<String>,
}

/// One `lineItems` entry as sent.
#[derive(Debug, Deserialize)]
struct LineItemBody {
    #[serde(default)]
    description: Lenient<String>,
    #[serde(default)]
    amount: Lenient<String>,
    #[serde(default)]
    quantity: Lenient<i64>,
}

/// One `lineItems` entry as answered.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct LineItem {
    pub description: String,
    pub amount: String,
    pub quantity: i64,
}

/// A valid create request.
#[derive(Debug, Clone)]
pub(crate) struct CreateRequest {
    pub amount_minor: u64,
    pub currency: String,
    pub merchant_id: Option<String>,
    pub customer_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub reference: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub line_items: Option<Vec<LineItem>>,
    pub expires_in_secs: u64,
}

/// One entry of a 400 `validation_error`'s `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
    pub code: &'static str,
}

impl FieldError {
    pub(crate) fn new(
        field: impl Into<String>,
        message: impl Into<String>,
        code: &'static str,
    ) -> Self {
        FieldError { field: field.into(), message: message.into(), code }
    }

    fn wrong_type(field: impl Into<String>, expected: &str, got: &Value) -> Self {
        let message = format!("Expected {expected}, received {}", type_name(got));
        FieldError::new(field, message, "invalid_type")
    }

    fn required(field: impl Into<String>) -> Self {
        FieldError::new(field, "Required", "required")
    }
}

/// Collects field errors while reading a body.
#[derive(Debug, Default)]
struct Check(Vec<FieldError>);

impl Check {
    fn text(&mut self, field: &str, v: Lenient<String>, max: Option<usize>) -> Option<String> {
        match v {
            Lenient::Absent => None,
            Lenient::Wrong(got) => {
                self.0.push(FieldError::wrong_type(field, "string", &got));
                None
            }
            Lenient::Ok(s) if max.is_some_and(|m| s.chars().count() > m) => {
                let m = max.unwrap_or_default();
                let message = format!("String must contain at most {m} character(s)");
                self.0.push(FieldError::new(field, message, "too_big"));
                None
            }
            Lenient::Ok(s) => Some(s),
        }
    }

    fn amount(&mut self, field: &str, v: Lenient<String>, bounded: bool) -> Option<u64> {
        let s = match v {
            Lenient::Absent => {
                self.0.push(FieldError::required(field));
                return None;
            }
            Lenient::Wrong(got) => {
                self.0.push(FieldError::wrong_type(field, "string", &got));
                return None;
            }
            Lenient::Ok(s) => s,
        };
        let (code, message) = match parse_amount(&s) {
            Err(AmountError::Format) => (
                "invalid_format",
                "Amount must be a decimal string with at most two decimals (e.g. '10.50')",
            ),
            Ok(m) if bounded && m < MIN_AMOUNT_MINOR => {
                ("too_small", "Amount must be at least 1.00")
            }
            Ok(m) if !bounded || m <= MAX_AMOUNT_MINOR => return Some(m),
            Ok(_) | Err(AmountError::Overflow) => {
                ("too_big", "Amount must be at most 5000.00. Contact support for higher limits.")
            }
        };
        self.0.push(FieldError::new(field, message, code));
        None
    }

    fn currency(&mut self, v: Lenient<String>) -> Option<String> {
        match v {
            Lenient::Absent => self.0.push(FieldError::required("currency")),
            Lenient::Wrong(got) => self.0.push(FieldError::wrong_type("currency", "string", &got)),
            Lenient::Ok(c) if CURRENCIES.contains(&c.as_str()) => return Some(c),
            Lenient::Ok(c) => self.0.push(FieldError::new(
                "currency",
                format!(
                    "Invalid enum value. Expected 'USD' | 'EUR' | 'GBP' | 'AUD', received '{c}'"
                ),
                "invalid_enum_value",
            )),
        }
        None
    }

    fn metadata(
        &mut self,
        v: Lenient<BTreeMap<String, Value>>,
    ) -> Option<BTreeMap<String, String>> {
        let map = match v {
            Lenient::Absent => return None,
            Lenient::Wrong(got) => {
                self.0.push(FieldError::wrong_type("metadata", "object", &got));
                return None;
            }
            Lenient::Ok(m) => m,
        };
        let mut out = BTreeMap::new();
        for (k, v) in map {
            match v {
                Value::String(s) => {
                    out.insert(k, s);
                }
                other => {
                    self.0.push(FieldError::wrong_type(format!("metadata.{k}"), "string", &other))
                }
            }
        }
        Some(out)
    }

    fn line_item(&mut self, i: usize, item: Value) -> Option<LineItem> {
        let Ok(body) = LineItemBody::deserialize(&item) else {
            self.0.push(FieldError::wrong_type(format!("lineItems[{i}]"), "object", &item));
            return None;
        };
        let field = |f: &str| format!("lineItems[{i}].{f}");
        let description = match body.description {
            Lenient::Absent => {
                self.0.push(FieldError::required(field("description")));
                None
            }
            other => self.text(&field("description"), other, None),
        };
        let amount = match body.amount {
            Lenient::Ok(a) => match parse_amount(&a) {
                Ok(m) => Some(format_minor(m)),
                Err(_) => {
                    let message =
                        "Amount must be a decimal string with at most two decimals (e.g. '5.00')";
                    self.0.push(FieldError::new(field("amount"), message, "invalid_format"));
                    None
                }
            },
            other => self.amount(&field("amount"), other, false).map(format_minor),
        };
        let quantity = match body.quantity {
            Lenient::Absent => Some(1),
            Lenient::Ok(q) if q >= 1 => Some(q),
            Lenient::Ok(_) => {
                let message = "Number must be greater than or equal to 1";
                self.0.push(FieldError::new(field("quantity"), message, "too_small"));
                None
            }
            Lenient::Wrong(got) => {
                self.0.push(FieldError::wrong_type(field("quantity"), "integer", &got));
                None
            }
        };
        Some(LineItem { description: description?, amount: amount?, quantity: quantity? })
    }

    fn line_items(&mut self, v: Lenient<Vec<Value>>) -> Option<Vec<LineItem>> {
        let items = match v {
            Lenient::Absent => return None,
            Lenient::Wrong(got) => {
                self.0.push(FieldError::wrong_type("lineItems", "array", &got));
                return None;
            }
            Lenient::Ok(items) => items,
        };
        if items.len() > MAX_LINE_ITEMS {
            let message = format!("Array must contain at most {MAX_LINE_ITEMS} element(s)");
            self.0.push(FieldError::new("lineItems", message, "too_big"));
            return None;
        }
        let lines: Vec<Option<LineItem>> =
            items.into_iter().enumerate().map(|(i, item)| self.line_item(i, item)).collect();
        lines.into_iter().collect()
    }

    fn expires_in(&mut self, v: Lenient<String>) -> Option<u64> {
        let text = match v {
            Lenient::Absent => return Some(DEFAULT_EXPIRES_SECS),
            other => self.text("expiresIn", other, None)?,
        };
        let (code, message) = match parse_duration(&text) {
            None => ("invalid_format", "Invalid ISO 8601 duration (e.g. PT1H, P1D, P7D, P30D)"),
            Some(0) => ("too_small", "Duration must be positive"),
            Some(s) if s > MAX_EXPIRES_SECS => {
                ("too_big", "Duration must be at most P31D (31 days)")
            }
            Some(s) => return Some(s),
        };
        self.0.push(FieldError::new("expiresIn", message, code));
        None
    }
}

impl CreateBody {
    /// Validates the body against the OpenAPI document's request schema, reporting every bad
    /// field.
    pub(crate) fn validate(self) -> Result<CreateRequest, Vec<FieldError>> {
        let mut c = Check::default();
        let amount_minor = c.amount("amount", self.amount, true);
        let currency = c.currency(self.currency);
        let merchant_id = c.text("merchantId", self.merchant_id, None);
        let customer_id = c.text("customerId", self.customer_id, None);
        let idempotency_key = c.text("idempotencyKey", self.idempotency_key, Some(MAX_TEXT));
        let reference = c.text("reference", self.reference, Some(MAX_TEXT));
        for (name, url) in [
            ("successRedirectUrl", self.success_redirect_url),
            ("failureRedirectUrl", self.failure_redirect_url),
        ] {
            if c.text(name, url, None).is_some_and(|u| !is_uri(&u)) {
                c.0.push(FieldError::new(name, "Invalid url", "invalid_string"));
            }
        }
        let metadata = c.metadata(self.metadata);
        let line_items = c.line_items(self.line_items);
        if let Lenient::Wrong(got) = &self.save_payment_method {
            c.0.push(FieldError::wrong_type("savePaymentMethod", "boolean", got));
        }
        let expires_in_secs = c.expires_in(self.expires_in);
        match (amount_minor, currency, expires_in_secs) {
            (Some(amount_minor), Some(currency), Some(expires_in_secs)) if c.0.is_empty() => {
                Ok(CreateRequest {
                    amount_minor,
                    currency,
                    merchant_id,
                    customer_id,
                    idempotency_key,
                    reference,
                    metadata,
                    line_items,
                    expires_in_secs,
                })
            }
            _ => Err(c.0),
        }
    }
}

/// Why a decimal amount string is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Does not match `^\d+(\.\d{1,2})?$`.
    Format,
    /// Matches, but does not fit in minor units.
    Overflow,
}

/// Parses `^\d+(\.\d{1,2})?$` into minor units, exactly (no float).
pub(crate) fn parse_amount(s: &str) -> Result<u64, AmountError> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f) || f.len() > 2) {
        return Err(AmountError::Format);
    }
    let frac_minor = match frac {
        None => 0,
        Some(f) => {
            f.parse::<u64>().map_err(|_| AmountError::Format)? * if f.len() == 1 { 10 } else { 1 }
        }
    };
    let major: u64 = int.parse().map_err(|_| AmountError::Overflow)?;
    major.checked_mul(100).and_then(|m| m.checked_add(frac_minor)).ok_or(AmountError::Overflow)
}

/// Minor units as Paygentic's decimal string: `1050` -> `"10.50"`.
pub(crate) fn format_minor(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Parses an ISO 8601 duration (`P30D`, `PT1H`, `P1W`, `P1DT12H`) into seconds. Years count
/// 365 days and months 30 days; fractions are not accepted.
pub(crate) fn parse_duration(s: &str) -> Option<u64> {
    let rest = s.strip_prefix('P').filter(|r| !r.is_empty())?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let part = |text: &str, units: &[(char, u64)]| -> Option<u64> {
        let (mut total, mut number, mut next_unit) = (0u64, String::new(), 0);
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let pos = units.iter().skip(next_unit).position(|(u, _)| *u == c)? + next_unit;
            let n: u64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(units[pos].1)?)?;
            number.clear();
            next_unit = pos + 1;
        }
        number.is_empty().then_some(total)
    };
    let date_secs =
        part(date, &[('Y', 365 * 86_400), ('M', 30 * 86_400), ('W', 7 * 86_400), ('D', 86_400)])?;
    let time_secs = time.map_or(Some(0), |t| part(t, &[('H', 3_600), ('M', 60), ('S', 1)]))?;
    date_secs.checked_add(time_secs)
}

/// An absolute URI: a scheme, `:`, and no whitespace.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// The spec's `Payment` object.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentJson {
    pub id: String,
    pub object: &'static str,
    pub amount: String,
    pub currency: String,
    pub status: &'static str,
    pub created_at: String,
    pub payment_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_items: Option<Vec<LineItem>>,
    pub expires_at: String,
}

impl PaymentJson {
    pub(crate) fn of(p: &Payment) -> Self {
        PaymentJson {
            id: p.id.clone(),
            object: "payment",
            amount: format_minor(p.amount_minor),
            currency: p.currency.clone(),
            status: p.status.word(),
            created_at: rfc3339(p.created_at),
            payment_url: p.payment_url.clone(),
            customer_id: p.customer_id.clone(),
            idempotency_key: p.idempotency_key.clone(),
            reference: p.reference.clone(),
            metadata: p.metadata.clone(),
            line_items: p.line_items.clone(),
            expires_at: rfc3339(p.expires_at),
        }
    }
}

/// The `data` of a webhook as the workspace's NOTES decided it: `{paymentId, amount, ...}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentIdData {
    pub payment_id: String,
    pub amount: String,
    pub currency: String,
    pub status: &'static str,
    pub created_at: String,
    pub expires_at: String,
    pub payment_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl PaymentIdData {
    pub(crate) fn of(p: &Payment) -> Self {
        let j = PaymentJson::of(p);
        PaymentIdData {
            payment_id: j.id,
            amount: j.amount,
            currency: j.currency,
            status: j.status,
            created_at: j.created_at,
            expires_at: j.expires_at,
            payment_url: j.payment_url,
            customer_id: j.customer_id,
            reference: j.reference,
            metadata: j.metadata,
        }
    }
}

/// Which `data` webhooks carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookData {
    /// `{paymentId, amount, currency, status, ...}` (the workspace's decision; the default).
    #[default]
    PaymentId,
    /// The spec's `Payment` object (`{id, object: "payment", ...}`).
    Payment,
}

/// `{eventType, eventId, timestamp, data}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope {
    pub event_type: String,
    pub event_id: String,
    pub timestamp: String,
    pub data: Value,
}

impl Envelope {
    pub(crate) fn new(event_id: String, p: &Payment, shape: WebhookData) -> Self {
        let data = match shape {
            WebhookData::PaymentId => serde_json::to_value(PaymentIdData::of(p)),
            WebhookData::Payment => serde_json::to_value(PaymentJson::of(p)),
        };
        Envelope {
            event_type: event_type(p.status),
            event_id,
            timestamp: rfc3339(crate::kit::now()),
            data: data.unwrap_or_default(),
        }
    }
}

/// `payment.<status>.v0`.
pub(crate) fn event_type(status: Status) -> String {
    format!("payment.{}.v0", status.word())
}

/// `{object: "list", data, pagination: {limit, offset, total}}`.
#[derive(Debug, Serialize)]
pub(crate) struct ListJson {
    pub object: &'static str,
    pub data: Vec<PaymentJson>,
    pub pagination: Pagination,
}

/// `OffsetPagination`.
#[derive(Debug, Serialize)]
pub(crate) struct Pagination {
    pub limit: u64,
    pub offset: u64,
    pub total: usize,
}

/// The list's query.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub limit: Option<String>,
    #[serde(default)]
    pub offset: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub merchant_id: Option<String>,
}

impl ListQuery {
    /// `(limit, offset, status)`, or every bad parameter.
    pub(crate) fn validate(&self) -> Result<(u64, u64, Option<Status>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = int_param(self.limit.as_deref(), "limit", 10, 1, Some(100), &mut errors);
        let offset = int_param(self.offset.as_deref(), "offset", 0, 0, None, &mut errors);
        let status = self.status.as_deref().and_then(|word| {
            let s = Status::parse(word);
            if s.is_none() {
                errors.push(FieldError::new(
                    "status",
                    format!("Invalid enum value. Expected 'pending' | 'processing' | 'completed' | 'expired' | 'cancelled', received '{word}'"),
                    "invalid_enum_value",
                ));
            }
            s
        });
        if errors.is_empty() { Ok((limit, offset, status)) } else { Err(errors) }
    }
}

fn int_param(
    raw: Option<&str>,
    name: &str,
    default: u64,
    min: u64,
    max: Option<u64>,
    errors: &mut Vec<FieldError>,
) -> u64 {
    let Some(raw) = raw else { return default };
    let (code, message) = match raw.trim().parse::<i128>() {
        Err(_) => ("invalid_type", format!("Expected integer, received '{raw}'")),
        Ok(v) if v < i128::from(min) => {
            ("too_small", format!("Number must be greater than or equal to {min}"))
        }
        Ok(v) if max.is_some_and(|m| v > i128::from(m)) => {
            ("too_big", format!("Number must be less than or equal to {}", max.unwrap_or_default()))
        }
        Ok(v) => return u64::try_from(v).unwrap_or(u64::MAX),
    };
    errors.push(FieldError::new(name, message, code));
    default
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly() {
        assert_eq!(parse_amount("10.50"), Ok(1050));
        assert_eq!(parse_amount("10.5"), Ok(1050));
        assert_eq!(parse_amount("7"), Ok(700));
        for bad in ["", ".5", "1.", "1.234", "-1", "1e3", " 1", "1,00"] {
            assert_eq!(parse_amount(bad), Err(AmountError::Format), "{bad:?}");
        }
        assert_eq!(parse_amount("99999999999999999999999"), Err(AmountError::Overflow));
        assert_eq!(format_minor(5), "0.05");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("P30D"), Some(30 * 86_400));
        assert_eq!(parse_duration("PT1H"), Some(3_600));
        assert_eq!(parse_duration("P1DT12H30M5S"), Some(86_400 + 12 * 3_600 + 30 * 60 + 5));
        for bad in ["", "P", "PT", "30D", "P1H", "PD", "P1.5D", "P1DT", "PT1D", "P1D1W", "p1d"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }
}
