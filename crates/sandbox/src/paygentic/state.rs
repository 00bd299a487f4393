//! Paygentic's payments in memory: the payment record, the store, the state machine and the
//! validation of `POST /v0/payments` bodies (as the OpenAPI document constrains them).

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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
/// At most this many `lineItems`.
pub(crate) const MAX_LINE_ITEMS: usize = 100;
/// At most this many characters in `idempotencyKey` and `reference`.
pub(crate) const MAX_TEXT: usize = 255;

/// Amount trigger: the hosted page expires the payment instead of completing it.
pub(crate) const TRIGGER_EXPIRE_MINOR: u64 = 1313;
/// Amount trigger: the hosted page leaves the payment `processing` (never settles).
pub(crate) const TRIGGER_PROCESSING_MINOR: u64 = 7777;
/// Amount trigger: the customer cancels on the hosted page (`cancelled`).
pub(crate) const TRIGGER_CANCEL_MINOR: u64 = 6666;

/// A payment's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Processing,
    Completed,
    Expired,
    Cancelled,
}

impl Status {
    pub(crate) const ALL: [Status; 5] = [
        Status::Pending,
        Status::Processing,
        Status::Completed,
        Status::Expired,
        Status::Cancelled,
    ];

    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Completed => "completed",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.word() == word)
    }

    /// Whether a move from `self` to `to` is part of the state machine
    /// `pending -> processing -> completed | expired | cancelled` (a pending payment may also
    /// expire or be cancelled directly).
    pub(crate) fn can_move_to(self, to: Status) -> bool {
        matches!(
            (self, to),
            (Status::Pending, Status::Processing | Status::Expired | Status::Cancelled)
                | (Status::Processing, Status::Completed | Status::Expired | Status::Cancelled)
        )
    }
}

/// One stored payment.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub id: String,
    pub amount_minor: u64,
    pub currency: String,
    pub status: Status,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub payment_url: String,
    pub customer_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub reference: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub line_items: Option<Vec<Value>>,
}

/// Minor units as Paygentic's decimal string: `1050` -> `"10.50"`.
pub(crate) fn format_minor(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// RFC 3339 at whole seconds (`2023-11-07T05:31:56Z`).
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0).unwrap_or(t).format(&Rfc3339).unwrap_or_default()
}

impl Payment {
    /// The `Payment` schema.
    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("object".into(), json!("payment"));
        m.insert("amount".into(), json!(format_minor(self.amount_minor)));
        m.insert("currency".into(), json!(self.currency));
        m.insert("status".into(), json!(self.status.word()));
        m.insert("createdAt".into(), json!(rfc3339(self.created_at)));
        m.insert("paymentUrl".into(), json!(self.payment_url));
        if let Some(c) = &self.customer_id {
            m.insert("customerId".into(), json!(c));
        }
        if let Some(k) = &self.idempotency_key {
            m.insert("idempotencyKey".into(), json!(k));
        }
        if let Some(r) = &self.reference {
            m.insert("reference".into(), json!(r));
        }
        if let Some(md) = &self.metadata {
            m.insert("metadata".into(), Value::Object(md.clone()));
        }
        if let Some(items) = &self.line_items {
            m.insert("lineItems".into(), Value::Array(items.clone()));
        }
        m.insert("expiresAt".into(), json!(rfc3339(self.expires_at)));
        Value::Object(m)
    }

    /// The `data` of a `payment.<status>.v0` webhook.
    pub(crate) fn event_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("paymentId".into(), json!(self.id));
        m.insert("amount".into(), json!(format_minor(self.amount_minor)));
        m.insert("currency".into(), json!(self.currency));
        m.insert("status".into(), json!(self.status.word()));
        m.insert("createdAt".into(), json!(rfc3339(self.created_at)));
        m.insert("expiresAt".into(), json!(rfc3339(self.expires_at)));
        m.insert("paymentUrl".into(), json!(self.payment_url));
        if let Some(c) = &self.customer_id {
            m.insert("customerId".into(), json!(c));
        }
        if let Some(r) = &self.reference {
            m.insert("reference".into(), json!(r));
        }
        if let Some(md) = &self.metadata {
            m.insert("metadata".into(), Value::Object(md.clone()));
        }
        Value::Object(m)
    }
}

/// A state change to announce by webhook (the payment as it is after the change).
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub status: Status,
    pub data: Value,
}

/// All payments of the emulator's one merchant.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// In creation order.
    payments: Vec<Payment>,
    by_id: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
}

impl Store {
    /// The payment created earlier with `key`, if any.
    pub(crate) fn by_idempotency_key(&self, key: &str) -> Option<&Payment> {
        self.by_key.get(key).and_then(|&i| self.payments.get(i))
    }

    /// Stores a new payment.
    pub(crate) fn insert(&mut self, payment: Payment) -> &Payment {
        let idx = self.payments.len();
        self.by_id.insert(payment.id.clone(), idx);
        if let Some(k) = &payment.idempotency_key {
            self.by_key.insert(k.clone(), idx);
        }
        self.payments.push(payment);
        &self.payments[idx]
    }

    /// A payment by id.
    pub(crate) fn get(&self, id: &str) -> Option<&Payment> {
        self.by_id.get(id).and_then(|&i| self.payments.get(i))
    }

    /// Moves payment `id` to `to` if the state machine allows it; returns the change.
    pub(crate) fn transition(&mut self, id: &str, to: Status) -> Option<Change> {
        let idx = *self.by_id.get(id)?;
        let p = self.payments.get_mut(idx)?;
        if !p.status.can_move_to(to) {
            return None;
        }
        p.status = to;
        Some(Change { status: to, data: p.event_data() })
    }

    /// Expires every pending payment whose `expiresAt` has passed.
    pub(crate) fn expire_due(&mut self, now: OffsetDateTime) -> Vec<Change> {
        let mut changes = Vec::new();
        for p in &mut self.payments {
            if p.status == Status::Pending && p.expires_at <= now {
                p.status = Status::Expired;
                changes.push(Change { status: Status::Expired, data: p.event_data() });
            }
        }
        changes
    }

    /// Payments matching the filters, newest first.
    pub(crate) fn filtered(
        &self,
        status: Option<Status>,
        customer_id: Option<&str>,
    ) -> Vec<&Payment> {
        self.payments
            .iter()
            .rev()
            .filter(|p| status.is_none_or(|s| p.status == s))
            .filter(|p| customer_id.is_none_or(|c| p.customer_id.as_deref() == Some(c)))
            .collect()
    }
}

/// One entry of a 400 `validation_error`'s `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    pub(crate) fn to_json(&self) -> Value {
        json!({"field": self.field, "message": self.message, "code": self.code})
    }
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
    pub metadata: Option<Map<String, Value>>,
    pub line_items: Option<Vec<Value>>,
    pub expires_in_secs: u64,
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
    if !digits(int) {
        return Err(AmountError::Format);
    }
    let frac_minor = match frac {
        None => 0,
        Some(f) if digits(f) && f.len() <= 2 => {
            let v: u64 = f.parse().map_err(|_| AmountError::Format)?;
            if f.len() == 1 { v * 10 } else { v }
        }
        Some(_) => return Err(AmountError::Format),
    };
    let major: u64 = int.parse().map_err(|_| AmountError::Overflow)?;
    major.checked_mul(100).and_then(|m| m.checked_add(frac_minor)).ok_or(AmountError::Overflow)
}

/// Parses an ISO 8601 duration (`P30D`, `PT1H`, `P1W`, `P1DT12H`) into seconds. Years count
/// 365 days and months 30 days; fractions are not accepted. `None` when it is not a duration.
pub(crate) fn parse_duration(s: &str) -> Option<u64> {
    let rest = s.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let part = |text: &str, units: &[(char, u64)]| -> Option<u64> {
        let mut total: u64 = 0;
        let mut number = String::new();
        let mut next_unit = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let pos = units.iter().skip(next_unit).position(|(u, _)| *u == c)? + next_unit;
            if number.is_empty() {
                return None;
            }
            let n: u64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(units[pos].1)?)?;
            number.clear();
            next_unit = pos + 1;
        }
        number.is_empty().then_some(total)
    };
    let date_secs =
        part(date, &[('Y', 365 * 86_400), ('M', 30 * 86_400), ('W', 7 * 86_400), ('D', 86_400)])?;
    let time_secs = match time {
        Some(t) => part(t, &[('H', 3_600), ('M', 60), ('S', 1)])?,
        None => 0,
    };
    date_secs.checked_add(time_secs)
}

/// A JSON value's type in Zod's words (`Expected string, received number`).
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn invalid_type(field: impl Into<String>, expected: &str, got: &Value) -> FieldError {
    FieldError::new(
        field,
        format!("Expected {expected}, received {}", type_name(got)),
        "invalid_type",
    )
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

/// Validates a `POST /v0/payments` body against the OpenAPI document's request schema.
/// Unknown fields are ignored.
pub(crate) fn validate_create(body: &Map<String, Value>) -> Result<CreateRequest, Vec<FieldError>> {
    let mut errors = Vec::new();

    let amount_minor = match body.get("amount") {
        None => {
            errors.push(FieldError::new("amount", "Required", "required"));
            None
        }
        Some(Value::String(s)) => match parse_amount(s) {
            Err(AmountError::Format) => {
                errors.push(FieldError::new(
                    "amount",
                    "Amount must be a decimal string with at most two decimals (e.g. '10.50')",
                    "invalid_format",
                ));
                None
            }
            Ok(m) if m < MIN_AMOUNT_MINOR => {
                errors.push(FieldError::new("amount", "Amount must be at least 1.00", "too_small"));
                None
            }
            Ok(m) if m <= MAX_AMOUNT_MINOR => Some(m),
            Ok(_) | Err(AmountError::Overflow) => {
                errors.push(FieldError::new(
                    "amount",
                    "Amount must be at most 5000.00. Contact support for higher limits.",
                    "too_big",
                ));
                None
            }
        },
        Some(other) => {
            errors.push(invalid_type("amount", "string", other));
            None
        }
    };

    let currency = match body.get("currency") {
        None => {
            errors.push(FieldError::new("currency", "Required", "required"));
            None
        }
        Some(Value::String(c)) if CURRENCIES.contains(&c.as_str()) => Some(c.clone()),
        Some(Value::String(c)) => {
            errors.push(FieldError::new(
                "currency",
                format!(
                    "Invalid enum value. Expected 'USD' | 'EUR' | 'GBP' | 'AUD', received '{c}'"
                ),
                "invalid_enum_value",
            ));
            None
        }
        Some(other) => {
            errors.push(invalid_type("currency", "string", other));
            None
        }
    };

    let mut text = |name: &str, max: Option<usize>| -> Option<String> {
        match body.get(name) {
            None => None,
            Some(Value::String(s)) => {
                if let Some(max) = max
                    && s.chars().count() > max
                {
                    errors.push(FieldError::new(
                        name,
                        format!("String must contain at most {max} character(s)"),
                        "too_big",
                    ));
                }
                Some(s.clone())
            }
            Some(other) => {
                errors.push(invalid_type(name, "string", other));
                None
            }
        }
    };
    let merchant_id = text("merchantId", None);
    let customer_id = text("customerId", None);
    let idempotency_key = text("idempotencyKey", Some(MAX_TEXT));
    let reference = text("reference", Some(MAX_TEXT));
    let urls = ["successRedirectUrl", "failureRedirectUrl"].map(|name| (name, text(name, None)));
    for (name, url) in urls {
        if url.is_some_and(|u| !is_uri(&u)) {
            errors.push(FieldError::new(name, "Invalid url", "invalid_string"));
        }
    }

    let metadata = match body.get("metadata") {
        None => None,
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if !v.is_string() {
                    errors.push(invalid_type(format!("metadata.{k}"), "string", v));
                }
            }
            Some(m.clone())
        }
        Some(other) => {
            errors.push(invalid_type("metadata", "object", other));
            None
        }
    };

    let line_items = match body.get("lineItems") {
        None => None,
        Some(Value::Array(items)) => {
            if items.len() > MAX_LINE_ITEMS {
                errors.push(FieldError::new(
                    "lineItems",
                    format!("Array must contain at most {MAX_LINE_ITEMS} element(s)"),
                    "too_big",
                ));
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let field = |f: &str| format!("lineItems[{i}].{f}");
                let Value::Object(obj) = item else {
                    errors.push(invalid_type(format!("lineItems[{i}]"), "object", item));
                    continue;
                };
                let mut entry = Map::new();
                match obj.get("description") {
                    None => {
                        errors.push(FieldError::new(field("description"), "Required", "required"))
                    }
                    Some(Value::String(d)) => {
                        entry.insert("description".into(), json!(d));
                    }
                    Some(other) => errors.push(invalid_type(field("description"), "string", other)),
                }
                match obj.get("amount") {
                    None => errors.push(FieldError::new(field("amount"), "Required", "required")),
                    Some(Value::String(a)) => match parse_amount(a) {
                        Ok(m) => {
                            entry.insert("amount".into(), json!(format_minor(m)));
                        }
                        Err(_) => errors.push(FieldError::new(
                            field("amount"),
                            "Amount must be a decimal string with at most two decimals (e.g. '5.00')",
                            "invalid_format",
                        )),
                    },
                    Some(other) => errors.push(invalid_type(field("amount"), "string", other)),
                }
                match obj.get("quantity") {
                    None => {
                        entry.insert("quantity".into(), json!(1));
                    }
                    Some(Value::Number(n)) => match n.as_u64() {
                        Some(q) if q >= 1 => {
                            entry.insert("quantity".into(), json!(q));
                        }
                        Some(_) => errors.push(FieldError::new(
                            field("quantity"),
                            "Number must be greater than or equal to 1",
                            "too_small",
                        )),
                        None if n.is_i64() => errors.push(FieldError::new(
                            field("quantity"),
                            "Number must be greater than or equal to 1",
                            "too_small",
                        )),
                        None => errors.push(invalid_type(field("quantity"), "integer", &json!(n))),
                    },
                    Some(other) => errors.push(invalid_type(field("quantity"), "integer", other)),
                }
                out.push(Value::Object(entry));
            }
            Some(out)
        }
        Some(other) => {
            errors.push(invalid_type("lineItems", "array", other));
            None
        }
    };

    if let Some(v) = body.get("savePaymentMethod")
        && !v.is_boolean()
    {
        errors.push(invalid_type("savePaymentMethod", "boolean", v));
    }

    let expires_in_secs = match body.get("expiresIn") {
        None => Some(DEFAULT_EXPIRES_SECS),
        Some(Value::String(d)) => match parse_duration(d) {
            None => {
                errors.push(FieldError::new(
                    "expiresIn",
                    "Invalid ISO 8601 duration (e.g. PT1H, P1D, P7D, P30D)",
                    "invalid_format",
                ));
                None
            }
            Some(0) => {
                errors.push(FieldError::new("expiresIn", "Duration must be positive", "too_small"));
                None
            }
            Some(secs) if secs > MAX_EXPIRES_SECS => {
                errors.push(FieldError::new(
                    "expiresIn",
                    "Duration must be at most P31D (31 days)",
                    "too_big",
                ));
                None
            }
            Some(secs) => Some(secs),
        },
        Some(other) => {
            errors.push(invalid_type("expiresIn", "string", other));
            None
        }
    };

    match (amount_minor, currency, expires_in_secs) {
        (Some(amount_minor), Some(currency), Some(expires_in_secs)) if errors.is_empty() => {
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
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn amounts_parse_exactly() {
        assert_eq!(parse_amount("10.50"), Ok(1050));
        assert_eq!(parse_amount("10.5"), Ok(1050));
        assert_eq!(parse_amount("7"), Ok(700));
        assert_eq!(parse_amount("0.01"), Ok(1));
        for bad in ["", ".5", "1.", "1.234", "-1", "1e3", " 1", "1,00", "１"] {
            assert_eq!(parse_amount(bad), Err(AmountError::Format), "{bad:?}");
        }
        assert_eq!(parse_amount("99999999999999999999999"), Err(AmountError::Overflow));
        assert_eq!(format_minor(1050), "10.50");
        assert_eq!(format_minor(5), "0.05");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("P30D"), Some(30 * 86_400));
        assert_eq!(parse_duration("PT1H"), Some(3_600));
        assert_eq!(parse_duration("P1W"), Some(7 * 86_400));
        assert_eq!(parse_duration("P1DT12H30M5S"), Some(86_400 + 12 * 3_600 + 30 * 60 + 5));
        assert_eq!(parse_duration("PT1M"), Some(60));
        assert_eq!(parse_duration("P1M"), Some(30 * 86_400));
        for bad in ["", "P", "PT", "30D", "P1H", "PD", "P1.5D", "P1DT", "PT1D", "P1D1W", "p1d"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn state_machine() {
        assert!(Status::Pending.can_move_to(Status::Processing));
        assert!(Status::Processing.can_move_to(Status::Completed));
        assert!(!Status::Pending.can_move_to(Status::Completed));
        assert!(!Status::Completed.can_move_to(Status::Expired));
        assert!(!Status::Expired.can_move_to(Status::Processing));
    }
}
