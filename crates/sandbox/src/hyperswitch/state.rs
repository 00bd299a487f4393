//! The payments, refunds and customers of one Hyperswitch-shaped emulator, and the moves
//! between their states. Everything here is synchronous and runs under the store's mutex.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{Config, ProfileRule};
use crate::server::IdGen;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// An error answer: `{"error": {type, code, message}}` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, kind: &'static str, code: &'static str, message: String) -> Self {
        ApiError { status, kind, code, message }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            401,
            "authentication_error",
            "IR_01",
            "API key not provided or invalid API key used".into(),
        )
    }

    pub fn missing(field: &str) -> Self {
        Self::new(400, "invalid_request", "IR_04", format!("Missing required param: {field}"))
    }

    pub fn invalid(field: &str, why: &str) -> Self {
        Self::new(
            400,
            "invalid_request",
            "IR_05",
            format!("Invalid value provided: {field}: {why}"),
        )
    }

    pub fn deserialize(why: String) -> Self {
        Self::new(400, "invalid_request", "IR_06", format!("Json deserialize error: {why}"))
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(404, "invalid_request", "HE_02", format!("{what} does not exist in our records"))
    }

    pub fn duplicate(message: String) -> Self {
        Self::new(409, "invalid_request", "HE_01", message)
    }

    fn bad_state(flow: &str, status: Status, expected: &str) -> Self {
        Self::new(
            409,
            "invalid_request",
            "IR_14",
            format!(
                "This Payment could not be {flow} because it has a status of {}. The expected \
                 state is {expected}",
                status.word()
            ),
        )
    }

    /// The answer body.
    pub fn body(&self) -> Value {
        json!({"error": {"type": self.kind, "code": self.code, "message": self.message}})
    }

    /// `(status, body)` for the idempotency cache.
    pub fn answer(&self) -> (u16, Value) {
        (self.status, self.body())
    }
}

type Res<T> = Result<T, ApiError>;

// ---------------------------------------------------------------------------------------------
// Field readers
// ---------------------------------------------------------------------------------------------

/// Refuses fields outside `allowed` (Hyperswitch's request structs deny unknown fields).
fn check_fields(body: &Map<String, Value>, allowed: &[&str]) -> Res<()> {
    for key in body.keys() {
        if matches!(key.as_str(), "items" | "line_items" | "cart_items") {
            return Err(ApiError::deserialize(format!(
                "unknown field `{key}`: send order contents as `order_details`"
            )));
        }
        if !allowed.contains(&key.as_str()) {
            return Err(ApiError::deserialize(format!("unknown field `{key}`")));
        }
    }
    Ok(())
}

fn present<'a>(body: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    body.get(field).filter(|v| !v.is_null())
}

fn opt_str(body: &Map<String, Value>, field: &str) -> Res<Option<String>> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => {
            Err(ApiError::deserialize(format!("invalid type for `{field}`, expected a string")))
        }
    }
}

fn opt_int(body: &Map<String, Value>, field: &str) -> Res<Option<i64>> {
    match present(body, field) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::deserialize(format!(
                "invalid type for `{field}`, expected an integer (minor units)"
            ))
        }),
    }
}

fn opt_bool(body: &Map<String, Value>, field: &str) -> Res<Option<bool>> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => {
            Err(ApiError::deserialize(format!("invalid type for `{field}`, expected a boolean")))
        }
    }
}

fn opt_obj<'a>(body: &'a Map<String, Value>, field: &str) -> Res<Option<&'a Map<String, Value>>> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => {
            Err(ApiError::deserialize(format!("invalid type for `{field}`, expected an object")))
        }
    }
}

fn check_id(field: &str, id: &str, max: usize) -> Res<()> {
    let ok = !id.is_empty()
        && id.len() <= max
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            &format!("1 to {max} characters among letters, digits, '_' and '-'"),
        ))
    }
}

fn check_email(field: &str, email: &str) -> Res<()> {
    match email.split_once('@') {
        Some((user, host)) if !user.is_empty() && host.contains('.') => Ok(()),
        _ => Err(ApiError::invalid(field, "not an email address")),
    }
}

fn luhn(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in number.chars().rev().enumerate() {
        let Some(d) = c.to_digit(10) else { return false };
        let d = if i % 2 == 1 {
            let dd = d * 2;
            if dd > 9 { dd - 9 } else { dd }
        } else {
            d
        };
        sum += d;
    }
    sum.is_multiple_of(10)
}

const TIME_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// ISO 8601 in UTC with milliseconds, as Hyperswitch writes times.
pub(crate) fn fmt_time(t: OffsetDateTime) -> String {
    t.format(TIME_FORMAT).unwrap_or_default()
}

fn parse_time(field: &str, s: &str) -> Res<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let naive = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let naive_ms = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]");
    time::PrimitiveDateTime::parse(s, naive)
        .or_else(|_| time::PrimitiveDateTime::parse(s, naive_ms))
        .map(|p| p.assume_utc())
        .map_err(|_| ApiError::deserialize(format!("`{field}` is not an ISO 8601 time: {s:?}")))
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// A payment's IntentStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresCustomerAction,
    RequiresCapture,
    Processing,
    Succeeded,
    Failed,
    Cancelled,
    PartiallyCaptured,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::RequiresPaymentMethod => "requires_payment_method",
            Status::RequiresConfirmation => "requires_confirmation",
            Status::RequiresCustomerAction => "requires_customer_action",
            Status::RequiresCapture => "requires_capture",
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::PartiallyCaptured => "partially_captured",
        }
    }

    /// The webhook `event_type` of entering this state, if it has one.
    fn event(self) -> Option<&'static str> {
        match self {
            Status::RequiresPaymentMethod | Status::RequiresConfirmation => None,
            Status::RequiresCustomerAction => Some("action_required"),
            Status::RequiresCapture => Some("payment_authorized"),
            Status::Processing => Some("payment_processing"),
            Status::Succeeded => Some("payment_succeeded"),
            Status::Failed => Some("payment_failed"),
            Status::Cancelled => Some("payment_cancelled"),
            Status::PartiallyCaptured => Some("payment_captured"),
        }
    }
}

/// How an authorization ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Final {
    Succeed,
    Decline(&'static str, &'static str),
}

/// What confirming a payment does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Now(Final),
    Processing,
    Redirect(Final),
}

const DECLINED: Final = Final::Decline("card_declined", "Your card was declined.");
const NO_FUNDS: Final = Final::Decline("insufficient_funds", "Your card has insufficient funds.");

/// The trigger table (see the module docs): a card trigger wins over an amount trigger.
fn outcome(card_number: &str, amount: i64) -> Outcome {
    match card_number {
        "4000000000000002" => return Outcome::Now(DECLINED),
        "4000000000009995" => return Outcome::Now(NO_FUNDS),
        "4000000000000069" => {
            return Outcome::Now(Final::Decline("expired_card", "Your card has expired."));
        }
        "4000000000000127" => {
            return Outcome::Now(Final::Decline(
                "incorrect_cvc",
                "Your card's security code is incorrect.",
            ));
        }
        "4000000000000119" => {
            return Outcome::Now(Final::Decline(
                "processing_error",
                "An error occurred while processing your card. Try again in a little bit.",
            ));
        }
        "4100000000000019" => {
            return Outcome::Now(Final::Decline("fraudulent", "Your card was declined."));
        }
        "4000000000003220" => return Outcome::Redirect(Final::Succeed),
        "4000008400001629" => return Outcome::Redirect(DECLINED),
        _ => {}
    }
    match amount {
        7777 => Outcome::Processing,
        100_002 => Outcome::Now(DECLINED),
        109_995 => Outcome::Now(NO_FUNDS),
        103_220 => Outcome::Redirect(Final::Succeed),
        _ => Outcome::Now(Final::Succeed),
    }
}

#[derive(Debug, Clone)]
struct Card {
    number: String,
    exp_month: String,
    exp_year: String,
    holder_name: Option<String>,
}

impl Card {
    fn network(&self) -> &'static str {
        match self.number.as_bytes().first() {
            Some(b'4') => "Visa",
            Some(b'5') | Some(b'2') => "Mastercard",
            Some(b'3') => "AmericanExpress",
            Some(b'6') => "Discover",
            _ => "Unknown",
        }
    }

    /// The card as answers show it: never the full number nor the CVC.
    fn public(&self, card_type: Option<&str>) -> Value {
        let n = &self.number;
        json!({
            "last4": n.get(n.len().saturating_sub(4)..).unwrap_or(""),
            "card_isin": n.get(..6).unwrap_or(""),
            "card_network": self.network(),
            "card_type": card_type,
            "card_exp_month": self.exp_month,
            "card_exp_year": self.exp_year,
            "card_holder_name": self.holder_name,
        })
    }
}

#[derive(Debug, Clone)]
struct Payment {
    id: String,
    seq: u64,
    created: OffsetDateTime,
    updated: OffsetDateTime,
    status: Status,
    amount: i64,
    currency: String,
    amount_capturable: i64,
    amount_received: i64,
    capture_method: String,
    customer_id: Option<String>,
    details: Details,
    card: Option<Card>,
    next_action: Option<Value>,
    pending: Option<Final>,
    error: Option<(&'static str, &'static str)>,
    cancellation_reason: Option<String>,
    profile_id: String,
    client_secret: String,
    attempt_count: u32,
    confirmed: bool,
}

/// The optional fields a create, update or confirm may set.
#[derive(Debug, Clone, Default)]
struct Details {
    email: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    phone_country_code: Option<String>,
    description: Option<String>,
    return_url: Option<String>,
    authentication_type: Option<String>,
    merchant_order_reference_id: Option<String>,
    payment_method: Option<String>,
    payment_method_type: Option<String>,
    billing: Option<Value>,
    shipping: Option<Value>,
    order_details: Option<Value>,
    metadata: Option<Value>,
    browser_info: Option<Value>,
}

impl Details {
    /// Overwrites the fields `other` sets.
    fn merge(&mut self, other: Details) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            email,
            name,
            phone,
            phone_country_code,
            description,
            return_url,
            authentication_type,
            merchant_order_reference_id,
            payment_method,
            payment_method_type,
            billing,
            shipping,
            order_details,
            metadata,
            browser_info
        );
    }
}

#[derive(Debug, Clone)]
struct Refund {
    id: String,
    seq: u64,
    payment_id: String,
    amount: i64,
    currency: String,
    status: &'static str,
    reason: Option<String>,
    refund_type: String,
    metadata: Option<Value>,
    error: Option<(&'static str, &'static str)>,
    created: OffsetDateTime,
    profile_id: String,
}

#[derive(Debug, Clone)]
struct Customer {
    id: String,
    seq: u64,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    phone_country_code: Option<String>,
    description: Option<String>,
    address: Option<Value>,
    metadata: Option<Value>,
    created: OffsetDateTime,
}

/// One webhook to sign and send: the envelope, already built.
pub(crate) type Event = Value;

/// All of an emulator's state.
#[derive(Debug, Default)]
pub(crate) struct Store {
    payments: HashMap<String, Payment>,
    refunds: HashMap<String, Refund>,
    customers: HashMap<String, Customer>,
    seq: u64,
    ids: IdGen,
    /// Idempotency key -> (route, raw body) of its first use.
    pub fingerprints: HashMap<String, (String, Vec<u8>)>,
}

/// What a successful operation answers, and the webhooks it causes.
pub(crate) type Done = (Value, Vec<Event>);

// Hyperswitch's `PaymentsRequest` fields (it denies every other field).
const PAYMENT_FIELDS: &[&str] = &[
    "amount",
    "currency",
    "profile_id",
    "payment_id",
    "merchant_id",
    "confirm",
    "capture_method",
    "capture_on",
    "amount_to_capture",
    "authentication_type",
    "customer_id",
    "customer",
    "email",
    "name",
    "phone",
    "phone_country_code",
    "description",
    "return_url",
    "payment_method",
    "payment_method_type",
    "payment_method_data",
    "payment_token",
    "billing",
    "shipping",
    "browser_info",
    "order_details",
    "metadata",
    "connector_metadata",
    "feature_metadata",
    "merchant_order_reference_id",
    "statement_descriptor_name",
    "statement_descriptor_suffix",
    "setup_future_usage",
    "off_session",
    "client_secret",
    "session_expiry",
    "payment_experience",
    "business_country",
    "business_label",
    "allowed_payment_method_types",
    "request_incremental_authorization",
    "request_external_three_ds_authentication",
    "customer_acceptance",
    "mandate_data",
    "mandate_id",
    "payment_type",
    "frm_metadata",
    "order_tax_amount",
    "shipping_cost",
    "skip_external_tax_calculation",
    "psd2_sca_exemption_type",
    "force_3ds_challenge",
    "all_keys_required",
];
const CAPTURE_FIELDS: &[&str] = &[
    "amount_to_capture",
    "statement_descriptor_prefix",
    "statement_descriptor_suffix",
    "payment_id",
    "merchant_id",
    "refund_uncaptured_amount",
    "all_keys_required",
];
const CANCEL_FIELDS: &[&str] = &["cancellation_reason", "payment_id", "merchant_id"];
const REFUND_FIELDS: &[&str] = &[
    "payment_id",
    "refund_id",
    "merchant_id",
    "amount",
    "reason",
    "refund_type",
    "metadata",
    "all_keys_required",
];
const CUSTOMER_FIELDS: &[&str] = &[
    "customer_id",
    "merchant_id",
    "name",
    "email",
    "phone",
    "phone_country_code",
    "description",
    "address",
    "metadata",
    "tax_registration_id",
];
const PAYMENT_LIST_FIELDS: &[&str] = &[
    "limit",
    "offset",
    "status",
    "customer_id",
    "created_gte",
    "created_lte",
    "created_gt",
    "created_lt",
    "created.gte",
    "created.lte",
    "created.gt",
    "created.lt",
    "currency",
    "profile_id",
    "payment_id",
];
const REFUND_LIST_FIELDS: &[&str] = &[
    "limit",
    "offset",
    "payment_id",
    "refund_id",
    "status",
    "refund_status",
    "currency",
    "created_gte",
    "created_lte",
    "created.gte",
    "created.lte",
    "profile_id",
];

/// The card, from `payment_method_data`.
fn parse_card(pmd: &Map<String, Value>) -> Res<Card> {
    let Some(card) = opt_obj(pmd, "card")? else {
        return Err(ApiError::invalid(
            "payment_method_data",
            "the sandbox takes card payments only (payment_method_data.card)",
        ));
    };
    let field = |name: &str| -> Res<String> {
        opt_str(card, name)?
            .ok_or_else(|| ApiError::missing(&format!("payment_method_data.card.{name}")))
    };
    let number = field("card_number")?;
    let number: String = number.chars().filter(|c| *c != ' ').collect();
    if !(12..=19).contains(&number.len()) || !luhn(&number) {
        return Err(ApiError::invalid(
            "payment_method_data.card.card_number",
            "card number is invalid",
        ));
    }
    let exp_month = field("card_exp_month")?;
    if !matches!(exp_month.parse::<u8>(), Ok(1..=12)) {
        return Err(ApiError::invalid(
            "payment_method_data.card.card_exp_month",
            "expected \"01\" to \"12\"",
        ));
    }
    let exp_year = field("card_exp_year")?;
    if !(exp_year.len() == 2 || exp_year.len() == 4)
        || !exp_year.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(ApiError::invalid(
            "payment_method_data.card.card_exp_year",
            "expected a year such as \"2028\"",
        ));
    }
    let cvc = field("card_cvc")?;
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            "payment_method_data.card.card_cvc",
            "expected 3 or 4 digits",
        ));
    }
    Ok(Card { number, exp_month, exp_year, holder_name: opt_str(card, "card_holder_name")? })
}

/// Validated optional fields plus the card, from one request body.
fn parse_details(cfg: &Config, body: &Map<String, Value>) -> Res<(Details, Option<Card>)> {
    let mut d = Details {
        email: opt_str(body, "email")?,
        name: opt_str(body, "name")?,
        phone: opt_str(body, "phone")?,
        phone_country_code: opt_str(body, "phone_country_code")?,
        description: opt_str(body, "description")?,
        return_url: opt_str(body, "return_url")?,
        authentication_type: opt_str(body, "authentication_type")?,
        merchant_order_reference_id: opt_str(body, "merchant_order_reference_id")?,
        payment_method: opt_str(body, "payment_method")?,
        payment_method_type: opt_str(body, "payment_method_type")?,
        ..Details::default()
    };
    if let Some(e) = &d.email {
        check_email("email", e)?;
    }
    if let Some(a) = &d.authentication_type
        && !matches!(a.as_str(), "three_ds" | "no_three_ds")
    {
        return Err(ApiError::invalid("authentication_type", "expected three_ds or no_three_ds"));
    }
    if let Some(pm) = &d.payment_method
        && pm != "card"
    {
        return Err(ApiError::invalid("payment_method", "the sandbox takes card payments only"));
    }
    if let Some(url) = &d.return_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(ApiError::invalid("return_url", "expected an http(s) URL"));
    }
    let card = opt_obj(body, "payment_method_data")?.map(parse_card).transpose()?;
    let billing = opt_obj(body, "billing")?;
    if let Some(b) = billing {
        opt_obj(b, "address")?;
        opt_obj(b, "phone")?;
    }
    if card.is_some() && cfg.billing_with_card {
        let Some(b) = billing else { return Err(ApiError::missing("billing")) };
        if opt_obj(b, "address")?.is_none() {
            return Err(ApiError::missing("billing.address"));
        }
        if opt_obj(b, "phone")?.is_none() {
            return Err(ApiError::missing("billing.phone"));
        }
    }
    d.billing = billing.map(|b| Value::Object(b.clone()));
    d.shipping = opt_obj(body, "shipping")?.map(|b| Value::Object(b.clone()));
    d.browser_info = opt_obj(body, "browser_info")?.map(|b| Value::Object(b.clone()));
    d.metadata = opt_obj(body, "metadata")?.map(|b| Value::Object(b.clone()));
    if let Some(lines) = present(body, "order_details") {
        let Value::Array(lines) = lines else {
            return Err(ApiError::deserialize(
                "invalid type for `order_details`, expected an array".into(),
            ));
        };
        let other = if cfg.order_line_name == "name" { "product_name" } else { "name" };
        for (i, line) in lines.iter().enumerate() {
            let Value::Object(line) = line else {
                return Err(ApiError::deserialize(format!(
                    "invalid type for `order_details[{i}]`, expected an object"
                )));
            };
            let want = cfg.order_line_name;
            if opt_str(line, want)?.is_none() {
                let hint = if line.contains_key(other) {
                    format!(" (this gateway names the product `{want}`, not `{other}`)")
                } else {
                    String::new()
                };
                return Err(ApiError::new(
                    400,
                    "invalid_request",
                    "IR_04",
                    format!("Missing required param: order_details[{i}].{want}{hint}"),
                ));
            }
            match opt_int(line, "quantity")? {
                Some(q) if q > 0 => {}
                Some(_) => {
                    return Err(ApiError::invalid(
                        &format!("order_details[{i}].quantity"),
                        "must be at least 1",
                    ));
                }
                None => return Err(ApiError::missing(&format!("order_details[{i}].quantity"))),
            }
            match opt_int(line, "amount")? {
                Some(a) if a >= 0 => {}
                Some(_) => {
                    return Err(ApiError::invalid(
                        &format!("order_details[{i}].amount"),
                        "must not be negative",
                    ));
                }
                None => return Err(ApiError::missing(&format!("order_details[{i}].amount"))),
            }
        }
        d.order_details = Some(Value::Array(lines.clone()));
    }
    if card.is_some() && d.payment_method.is_none() && !cfg.payment_method_required {
        d.payment_method = Some("card".into());
    }
    Ok((d, card))
}

fn capture_method(body: &Map<String, Value>) -> Res<Option<String>> {
    let cm = opt_str(body, "capture_method")?;
    if let Some(c) = &cm
        && !matches!(c.as_str(), "automatic" | "manual")
    {
        return Err(ApiError::invalid(
            "capture_method",
            "the sandbox supports automatic and manual capture",
        ));
    }
    Ok(cm)
}

fn currency(body: &Map<String, Value>) -> Res<Option<String>> {
    let c = opt_str(body, "currency")?;
    if let Some(c) = &c
        && !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ApiError::invalid(
            "currency",
            "expected an upper-case ISO 4217 code such as USD",
        ));
    }
    Ok(c)
}

fn positive_amount(body: &Map<String, Value>, field: &str) -> Res<Option<i64>> {
    let a = opt_int(body, field)?;
    if let Some(a) = a
        && a <= 0
    {
        return Err(ApiError::invalid(field, "must be greater than 0 (minor units)"));
    }
    Ok(a)
}

/// Paging fields of a list body.
fn paging(body: &Map<String, Value>) -> Res<(usize, usize)> {
    let limit = opt_int(body, "limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    let offset = opt_int(body, "offset")?.unwrap_or(0);
    let offset =
        usize::try_from(offset).map_err(|_| ApiError::invalid("offset", "must not be negative"))?;
    let limit = usize::try_from(limit).unwrap_or(10);
    Ok((limit, offset))
}

/// A status or currency filter: one word or an array of words.
fn word_filter(body: &Map<String, Value>, field: &str) -> Res<Option<Vec<String>>> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    ApiError::deserialize(format!("invalid type in `{field}`, expected strings"))
                })
            })
            .collect::<Res<Vec<_>>>()
            .map(Some),
        Some(_) => Err(ApiError::deserialize(format!(
            "invalid type for `{field}`, expected a string or an array of strings"
        ))),
    }
}

fn time_filter(body: &Map<String, Value>, names: &[&str]) -> Res<Option<OffsetDateTime>> {
    for name in names {
        if let Some(s) = opt_str(body, name)? {
            return parse_time(name, &s).map(Some);
        }
    }
    Ok(None)
}

fn page(items: Vec<Value>, limit: usize, offset: usize) -> Value {
    let total = items.len();
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    json!({"count": data.len(), "total_count": total, "data": data})
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

impl Store {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn fresh_id(&self, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = self.ids.next(prefix);
            if !taken(&id) {
                return id;
            }
        }
    }

    fn payment(&self, id: &str) -> Res<&Payment> {
        self.payments.get(id).ok_or_else(|| ApiError::not_found("Payment"))
    }

    fn refunded(&self, payment_id: &str) -> i64 {
        self.refunds
            .values()
            .filter(|r| r.payment_id == payment_id && r.status != "failed")
            .map(|r| r.amount)
            .sum()
    }

    fn payment_json(&self, cfg: &Config, p: &Payment) -> Value {
        let d = &p.details;
        let customer = p.customer_id.as_ref().map(|id| match self.customers.get(id) {
            Some(c) => json!({
                "id": c.id, "name": c.name, "email": c.email, "phone": c.phone,
                "phone_country_code": c.phone_country_code,
            }),
            None => json!({"id": id}),
        });
        let mut refunds: Vec<&Refund> =
            self.refunds.values().filter(|r| r.payment_id == p.id).collect();
        refunds.sort_by_key(|r| r.seq);
        let refunds: Vec<Value> = refunds.into_iter().map(|r| self.refund_json(cfg, r)).collect();
        let pmd = p.card.as_ref().map(
            |c| json!({"card": c.public(d.payment_method_type.as_deref()), "billing": Value::Null}),
        );
        json!({
            "payment_id": p.id,
            "merchant_id": cfg.merchant_id,
            "status": p.status.word(),
            "amount": p.amount,
            "net_amount": p.amount,
            "amount_capturable": p.amount_capturable,
            "amount_received": if p.amount_received > 0 { Some(p.amount_received) } else { None },
            "connector": if p.confirmed { Some("sandbox") } else { None },
            "client_secret": p.client_secret,
            "created": fmt_time(p.created),
            "updated": fmt_time(p.updated),
            "currency": p.currency,
            "customer_id": p.customer_id,
            "customer": customer,
            "description": d.description,
            "refunds": if refunds.is_empty() { None } else { Some(refunds) },
            "mandate_id": Value::Null,
            "capture_method": p.capture_method,
            "payment_method": d.payment_method,
            "payment_method_type": d.payment_method_type,
            "payment_method_data": pmd,
            "email": d.email,
            "name": d.name,
            "phone": d.phone,
            "phone_country_code": d.phone_country_code,
            "return_url": d.return_url,
            "authentication_type": d.authentication_type,
            "billing": d.billing,
            "shipping": d.shipping,
            "order_details": d.order_details,
            "next_action": p.next_action,
            "cancellation_reason": p.cancellation_reason,
            "error_code": p.error.map(|e| e.0),
            "error_message": p.error.map(|e| e.1),
            "profile_id": p.profile_id,
            "metadata": d.metadata,
            "merchant_order_reference_id": d.merchant_order_reference_id,
            "attempt_count": p.attempt_count,
        })
    }

    fn refund_json(&self, _cfg: &Config, r: &Refund) -> Value {
        json!({
            "refund_id": r.id,
            "payment_id": r.payment_id,
            "amount": r.amount,
            "currency": r.currency,
            "status": r.status,
            "reason": r.reason,
            "refund_type": r.refund_type,
            "metadata": r.metadata,
            "error_code": r.error.map(|e| e.0),
            "error_message": r.error.map(|e| e.1),
            "created_at": fmt_time(r.created),
            "updated_at": fmt_time(r.created),
            "connector": "sandbox",
            "profile_id": r.profile_id,
        })
    }

    fn customer_json(c: &Customer) -> Value {
        json!({
            "customer_id": c.id,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "phone_country_code": c.phone_country_code,
            "description": c.description,
            "address": c.address,
            "metadata": c.metadata,
            "created_at": fmt_time(c.created),
            "default_payment_method_id": Value::Null,
        })
    }

    fn event(&self, cfg: &Config, event_type: &str, content_type: &str, object: Value) -> Event {
        json!({
            "merchant_id": cfg.merchant_id,
            "event_id": self.ids.next("evt_"),
            "event_type": event_type,
            "content": {"type": content_type, "object": object},
            "timestamp": fmt_time(OffsetDateTime::now_utc()),
        })
    }

    /// Moves a payment to `status` and returns its answer and the webhook of the change.
    fn set_status(&mut self, cfg: &Config, id: &str, status: Status) -> Done {
        if let Some(p) = self.payments.get_mut(id) {
            p.status = status;
            p.updated = OffsetDateTime::now_utc();
        }
        self.answer_with_event(cfg, id)
    }

    fn answer_with_event(&self, cfg: &Config, id: &str) -> Done {
        let Some(p) = self.payments.get(id) else { return (Value::Null, vec![]) };
        let body = self.payment_json(cfg, p);
        let events = p
            .status
            .event()
            .map(|t| vec![self.event(cfg, t, "payment_details", body.clone())])
            .unwrap_or_default();
        (body, events)
    }

    fn apply_final(p: &mut Payment, f: Final) -> Status {
        p.next_action = None;
        p.pending = None;
        match f {
            Final::Succeed if p.capture_method == "manual" => {
                p.amount_capturable = p.amount;
                Status::RequiresCapture
            }
            Final::Succeed => {
                p.amount_capturable = 0;
                p.amount_received = p.amount;
                Status::Succeeded
            }
            Final::Decline(code, message) => {
                p.amount_capturable = 0;
                p.error = Some((code, message));
                Status::Failed
            }
        }
    }

    /// Authorizes a payment that has its card: the trigger table decides.
    fn confirm_now(&mut self, cfg: &Config, public_url: &str, id: &str) -> Done {
        let Some(p) = self.payments.get_mut(id) else { return (Value::Null, vec![]) };
        p.confirmed = true;
        p.attempt_count += 1;
        p.error = None;
        let number = p.card.as_ref().map(|c| c.number.clone()).unwrap_or_default();
        let status = match outcome(&number, p.amount) {
            Outcome::Now(f) => Self::apply_final(p, f),
            Outcome::Processing => {
                p.amount_capturable = 0;
                Status::Processing
            }
            Outcome::Redirect(then) => {
                p.pending = Some(then);
                p.amount_capturable = p.amount;
                p.next_action = Some(json!({
                    "type": "redirect_to_url",
                    "redirect_to_url": format!("{public_url}/sandbox/{}/redirect/{id}", cfg.gateway),
                }));
                Status::RequiresCustomerAction
            }
        };
        self.set_status(cfg, id, status)
    }

    fn check_profile(cfg: &Config, given: Option<&str>, field: &str) -> Res<()> {
        match given {
            Some(p) if p != cfg.profile_id() => Err(ApiError::invalid(
                field,
                &format!("business profile `{p}` does not exist for this merchant"),
            )),
            _ => Ok(()),
        }
    }

    fn check_customer(&self, body: &Map<String, Value>) -> Res<Option<String>> {
        let customer_id = opt_str(body, "customer_id")?;
        if let Some(c) = &customer_id
            && !self.customers.contains_key(c)
        {
            return Err(ApiError::invalid(
                "customer_id",
                &format!(
                    "customer `{c}` does not exist; create it with POST /customers and pass \
                     the customer_id it returns"
                ),
            ));
        }
        Ok(customer_id)
    }

    /// `POST /payments`.
    pub fn create_payment(
        &mut self,
        cfg: &Config,
        public_url: &str,
        profile_header: Option<&str>,
        body: &Map<String, Value>,
    ) -> Res<Done> {
        check_fields(body, PAYMENT_FIELDS)?;
        let amount = positive_amount(body, "amount")?.ok_or_else(|| ApiError::missing("amount"))?;
        let currency = currency(body)?.ok_or_else(|| ApiError::missing("currency"))?;
        let body_profile = opt_str(body, "profile_id")?;
        match cfg.profile {
            ProfileRule::RequiredInBody => {
                let p = body_profile.as_deref().ok_or_else(|| ApiError::missing("profile_id"))?;
                Self::check_profile(cfg, Some(p), "profile_id")?;
            }
            ProfileRule::OptionalHeader => {
                Self::check_profile(cfg, profile_header, "x-profile-id")?;
                Self::check_profile(cfg, body_profile.as_deref(), "profile_id")?;
            }
        }
        let payment_id = opt_str(body, "payment_id")?;
        if let Some(id) = &payment_id {
            check_id("payment_id", id, 64)?;
            if self.payments.contains_key(id) {
                return Err(ApiError::duplicate(
                    "The payment with the specified payment_id already exists in our records"
                        .into(),
                ));
            }
        }
        let customer_id = self.check_customer(body)?;
        let confirm = opt_bool(body, "confirm")?.unwrap_or(false);
        let capture_method = capture_method(body)?.unwrap_or_else(|| "automatic".into());
        let (details, card) = parse_details(cfg, body)?;
        if confirm {
            if card.is_none() {
                return Err(ApiError::missing("payment_method_data"));
            }
            if details.payment_method.is_none() {
                return Err(ApiError::missing("payment_method"));
            }
        }
        let id = payment_id
            .unwrap_or_else(|| self.fresh_id("pay_", |id| self.payments.contains_key(id)));
        let now = OffsetDateTime::now_utc();
        let seq = self.next_seq();
        let status = if card.is_some() {
            Status::RequiresConfirmation
        } else {
            Status::RequiresPaymentMethod
        };
        let payment = Payment {
            client_secret: format!("{id}_secret_{seq:06}"),
            id: id.clone(),
            seq,
            created: now,
            updated: now,
            status,
            amount,
            currency,
            amount_capturable: amount,
            amount_received: 0,
            capture_method,
            customer_id,
            details,
            card,
            next_action: None,
            pending: None,
            error: None,
            cancellation_reason: None,
            profile_id: cfg.profile_id().to_owned(),
            attempt_count: 0,
            confirmed: false,
        };
        self.payments.insert(id.clone(), payment);
        if confirm {
            Ok(self.confirm_now(cfg, public_url, &id))
        } else {
            Ok(self.answer_with_event(cfg, &id))
        }
    }

    /// `GET /payments/{id}`.
    pub fn get_payment(&self, cfg: &Config, id: &str) -> Res<Value> {
        Ok(self.payment_json(cfg, self.payment(id)?))
    }

    /// `POST /payments/{id}` (update, before confirmation).
    pub fn update_payment(
        &mut self,
        cfg: &Config,
        id: &str,
        body: &Map<String, Value>,
    ) -> Res<Done> {
        let status = self.payment(id)?.status;
        if !matches!(status, Status::RequiresPaymentMethod | Status::RequiresConfirmation) {
            return Err(ApiError::bad_state(
                "updated",
                status,
                "requires_payment_method, requires_confirmation",
            ));
        }
        check_fields(body, PAYMENT_FIELDS)?;
        if opt_bool(body, "confirm")? == Some(true) {
            return Err(ApiError::invalid(
                "confirm",
                "confirm with POST /payments/{payment_id}/confirm",
            ));
        }
        if present(body, "payment_id").is_some() || present(body, "profile_id").is_some() {
            Self::check_profile(cfg, opt_str(body, "profile_id")?.as_deref(), "profile_id")?;
            if opt_str(body, "payment_id")?.is_some_and(|p| p != id) {
                return Err(ApiError::invalid("payment_id", "cannot be changed"));
            }
        }
        let amount = positive_amount(body, "amount")?;
        let currency = currency(body)?;
        let capture = capture_method(body)?;
        let customer_id = self.check_customer(body)?;
        let (details, card) = parse_details(cfg, body)?;
        let Some(p) = self.payments.get_mut(id) else { return Err(ApiError::not_found("Payment")) };
        if let Some(a) = amount {
            p.amount = a;
            p.amount_capturable = a;
        }
        if let Some(c) = currency {
            p.currency = c;
        }
        if let Some(c) = capture {
            p.capture_method = c;
        }
        if customer_id.is_some() {
            p.customer_id = customer_id;
        }
        p.details.merge(details);
        if card.is_some() {
            p.card = card;
            p.status = Status::RequiresConfirmation;
        }
        p.updated = OffsetDateTime::now_utc();
        Ok(self.answer_with_event(cfg, id))
    }

    /// `POST /payments/{id}/confirm`.
    pub fn confirm_payment(
        &mut self,
        cfg: &Config,
        public_url: &str,
        id: &str,
        body: &Map<String, Value>,
    ) -> Res<Done> {
        let status = self.payment(id)?.status;
        if !matches!(status, Status::RequiresPaymentMethod | Status::RequiresConfirmation) {
            return Err(ApiError::bad_state(
                "confirmed",
                status,
                "requires_payment_method, requires_confirmation",
            ));
        }
        check_fields(body, PAYMENT_FIELDS)?;
        let capture = capture_method(body)?;
        let customer_id = self.check_customer(body)?;
        let (details, card) = parse_details(cfg, body)?;
        let p = self.payment(id)?;
        if card.is_none() && p.card.is_none() {
            return Err(ApiError::missing("payment_method_data"));
        }
        if p.details.payment_method.is_none() && details.payment_method.is_none() {
            return Err(ApiError::missing("payment_method"));
        }
        let Some(p) = self.payments.get_mut(id) else { return Err(ApiError::not_found("Payment")) };
        if let Some(c) = capture {
            p.capture_method = c;
        }
        if customer_id.is_some() {
            p.customer_id = customer_id;
        }
        p.details.merge(details);
        if card.is_some() {
            p.card = card;
        }
        Ok(self.confirm_now(cfg, public_url, id))
    }

    /// `POST /payments/{id}/capture`.
    pub fn capture_payment(
        &mut self,
        cfg: &Config,
        id: &str,
        body: &Map<String, Value>,
    ) -> Res<Done> {
        let p = self.payment(id)?;
        if p.status != Status::RequiresCapture {
            return Err(ApiError::bad_state("captured", p.status, "requires_capture"));
        }
        check_fields(body, CAPTURE_FIELDS)?;
        let capturable = p.amount_capturable;
        let amount = positive_amount(body, "amount_to_capture")?.unwrap_or(capturable);
        if amount > capturable {
            return Err(ApiError::invalid(
                "amount_to_capture",
                &format!("amount_to_capture is greater than amount_capturable ({capturable})"),
            ));
        }
        let Some(p) = self.payments.get_mut(id) else { return Err(ApiError::not_found("Payment")) };
        p.amount_received = amount;
        p.amount_capturable = 0;
        let status =
            if amount == capturable { Status::Succeeded } else { Status::PartiallyCaptured };
        Ok(self.set_status(cfg, id, status))
    }

    /// `POST /payments/{id}/cancel`.
    pub fn cancel_payment(
        &mut self,
        cfg: &Config,
        id: &str,
        body: &Map<String, Value>,
    ) -> Res<Done> {
        let p = self.payment(id)?;
        if !matches!(
            p.status,
            Status::RequiresPaymentMethod
                | Status::RequiresConfirmation
                | Status::RequiresCustomerAction
                | Status::RequiresCapture
        ) {
            return Err(ApiError::bad_state(
                "cancelled",
                p.status,
                "requires_payment_method, requires_confirmation, requires_customer_action, \
                 requires_capture",
            ));
        }
        check_fields(body, CANCEL_FIELDS)?;
        let reason = opt_str(body, "cancellation_reason")?;
        let Some(p) = self.payments.get_mut(id) else { return Err(ApiError::not_found("Payment")) };
        p.cancellation_reason = reason;
        p.amount_capturable = 0;
        p.next_action = None;
        p.pending = None;
        Ok(self.set_status(cfg, id, Status::Cancelled))
    }

    /// The redirect page: finishes a payment waiting for the customer. Answers the payment's
    /// status and where to send the browser, plus the webhooks.
    pub fn complete_redirect(
        &mut self,
        cfg: &Config,
        id: &str,
    ) -> Res<(String, Option<String>, Vec<Event>)> {
        let p = self.payments.get_mut(id).ok_or_else(|| ApiError::not_found("Payment"))?;
        let mut events = vec![];
        if p.status == Status::RequiresCustomerAction {
            let f = p.pending.unwrap_or(Final::Succeed);
            let status = Self::apply_final(p, f);
            events = self.set_status(cfg, id, status).1;
        }
        let p = self.payment(id)?;
        let back = p.details.return_url.as_ref().map(|u| {
            let sep = if u.contains('?') { '&' } else { '?' };
            format!("{u}{sep}payment_id={}&status={}", p.id, p.status.word())
        });
        Ok((p.status.word().to_owned(), back, events))
    }

    /// Sandbox only: a `processing` payment completes as if the processor answered.
    pub fn settle(&mut self, cfg: &Config, id: &str) -> Res<Done> {
        let p = self.payments.get_mut(id).ok_or_else(|| ApiError::not_found("Payment"))?;
        if p.status != Status::Processing {
            return Err(ApiError::bad_state("settled", p.status, "processing"));
        }
        let status = Self::apply_final(p, Final::Succeed);
        Ok(self.set_status(cfg, id, status))
    }

    /// `POST /payments/list`.
    pub fn list_payments(&self, cfg: &Config, body: &Map<String, Value>) -> Res<Value> {
        check_fields(body, PAYMENT_LIST_FIELDS)?;
        let (limit, offset) = paging(body)?;
        let status = word_filter(body, "status")?;
        let currency = word_filter(body, "currency")?;
        let customer = opt_str(body, "customer_id")?;
        let gte = time_filter(body, &["created_gte", "created.gte"])?;
        let lte = time_filter(body, &["created_lte", "created.lte"])?;
        let gt = time_filter(body, &["created_gt", "created.gt"])?;
        let lt = time_filter(body, &["created_lt", "created.lt"])?;
        let mut found: Vec<&Payment> = self
            .payments
            .values()
            .filter(|p| status.as_ref().is_none_or(|s| s.iter().any(|w| w == p.status.word())))
            .filter(|p| currency.as_ref().is_none_or(|c| c.contains(&p.currency)))
            .filter(|p| customer.as_ref().is_none_or(|c| p.customer_id.as_ref() == Some(c)))
            .filter(|p| gte.is_none_or(|t| p.created >= t))
            .filter(|p| lte.is_none_or(|t| p.created <= t))
            .filter(|p| gt.is_none_or(|t| p.created > t))
            .filter(|p| lt.is_none_or(|t| p.created < t))
            .collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        let items = found.into_iter().map(|p| self.payment_json(cfg, p)).collect();
        Ok(page(items, limit, offset))
    }

    /// `POST /refunds`.
    pub fn create_refund(&mut self, cfg: &Config, body: &Map<String, Value>) -> Res<Done> {
        check_fields(body, REFUND_FIELDS)?;
        let payment_id =
            opt_str(body, "payment_id")?.ok_or_else(|| ApiError::missing("payment_id"))?;
        let refund_id = opt_str(body, "refund_id")?;
        if let Some(r) = &refund_id {
            check_id("refund_id", r, 30)?;
        }
        let amount = positive_amount(body, "amount")?;
        let reason = opt_str(body, "reason")?;
        if reason.as_ref().is_some_and(|r| r.chars().count() > 255) {
            return Err(ApiError::invalid("reason", "at most 255 characters"));
        }
        let refund_type = opt_str(body, "refund_type")?.unwrap_or_else(|| "Instant".into());
        if !matches!(refund_type.as_str(), "Instant" | "Scheduled" | "instant" | "scheduled") {
            return Err(ApiError::invalid("refund_type", "expected Instant or Scheduled"));
        }
        let metadata = opt_obj(body, "metadata")?.map(|m| Value::Object(m.clone()));
        let p = self.payment(&payment_id)?;
        if let Some(existing) = refund_id.as_ref().and_then(|r| self.refunds.get(r)) {
            if existing.payment_id == payment_id && amount.is_none_or(|a| a == existing.amount) {
                return Ok((self.refund_json(cfg, existing), vec![]));
            }
            return Err(ApiError::duplicate(
                "Duplicate refund request. Refund already attempted with the refund ID".into(),
            ));
        }
        if !matches!(p.status, Status::Succeeded | Status::PartiallyCaptured) {
            return Err(ApiError::bad_state("refund", p.status, "succeeded, partially_captured"));
        }
        let remaining = p.amount_received - self.refunded(&payment_id);
        let amount = amount.unwrap_or(remaining);
        if amount > remaining || amount <= 0 {
            return Err(ApiError::new(
                400,
                "invalid_request",
                "IR_13",
                format!(
                    "The refund amount exceeds the amount captured: {amount} asked, {remaining} \
                     left to refund"
                ),
            ));
        }
        let (status, error) = if amount == 9995 {
            ("failed", Some(("refund_failed", "The processor refused the refund.")))
        } else {
            ("succeeded", None)
        };
        let currency = p.currency.clone();
        let id =
            refund_id.unwrap_or_else(|| self.fresh_id("ref_", |id| self.refunds.contains_key(id)));
        let seq = self.next_seq();
        let refund = Refund {
            id: id.clone(),
            seq,
            payment_id,
            amount,
            currency,
            status,
            reason,
            refund_type,
            metadata,
            error,
            created: OffsetDateTime::now_utc(),
            profile_id: cfg.profile_id().to_owned(),
        };
        let answer = self.refund_json(cfg, &refund);
        let event_type = if status == "failed" { "refund_failed" } else { "refund_succeeded" };
        let event = self.event(cfg, event_type, "refund_details", answer.clone());
        self.refunds.insert(id, refund);
        Ok((answer, vec![event]))
    }

    /// `GET /refunds/{id}`.
    pub fn get_refund(&self, cfg: &Config, id: &str) -> Res<Value> {
        let r = self.refunds.get(id).ok_or_else(|| ApiError::not_found("Refund"))?;
        Ok(self.refund_json(cfg, r))
    }

    /// `POST /refunds/list`.
    pub fn list_refunds(&self, cfg: &Config, body: &Map<String, Value>) -> Res<Value> {
        check_fields(body, REFUND_LIST_FIELDS)?;
        let (limit, offset) = paging(body)?;
        let payment = opt_str(body, "payment_id")?;
        let refund = opt_str(body, "refund_id")?;
        let status = match word_filter(body, "status")? {
            Some(s) => Some(s),
            None => word_filter(body, "refund_status")?,
        };
        let currency = word_filter(body, "currency")?;
        let gte = time_filter(body, &["created_gte", "created.gte"])?;
        let lte = time_filter(body, &["created_lte", "created.lte"])?;
        let mut found: Vec<&Refund> = self
            .refunds
            .values()
            .filter(|r| payment.as_ref().is_none_or(|p| &r.payment_id == p))
            .filter(|r| refund.as_ref().is_none_or(|id| &r.id == id))
            .filter(|r| status.as_ref().is_none_or(|s| s.iter().any(|w| w == r.status)))
            .filter(|r| currency.as_ref().is_none_or(|c| c.contains(&r.currency)))
            .filter(|r| gte.is_none_or(|t| r.created >= t))
            .filter(|r| lte.is_none_or(|t| r.created <= t))
            .collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        let items = found.into_iter().map(|r| self.refund_json(cfg, r)).collect();
        Ok(page(items, limit, offset))
    }

    fn customer_fields(body: &Map<String, Value>, c: &mut Customer) -> Res<()> {
        if let Some(e) = opt_str(body, "email")? {
            check_email("email", &e)?;
            c.email = Some(e);
        }
        macro_rules! set_str {
            ($($f:ident),*) => { $( if let Some(v) = opt_str(body, stringify!($f))? { c.$f = Some(v); } )* };
        }
        set_str!(name, phone, phone_country_code, description);
        if let Some(a) = opt_obj(body, "address")? {
            c.address = Some(Value::Object(a.clone()));
        }
        if let Some(m) = opt_obj(body, "metadata")? {
            c.metadata = Some(Value::Object(m.clone()));
        }
        Ok(())
    }

    /// `POST /customers`.
    pub fn create_customer(&mut self, body: &Map<String, Value>) -> Res<Done> {
        check_fields(body, CUSTOMER_FIELDS)?;
        let requested = opt_str(body, "customer_id")?;
        if let Some(id) = &requested {
            check_id("customer_id", id, 64)?;
            if self.customers.contains_key(id) {
                return Err(ApiError::duplicate(
                    "Customer with the given `customer_id` already exists".into(),
                ));
            }
        }
        let seq = self.next_seq();
        let mut c = Customer {
            id: String::new(),
            seq,
            name: None,
            email: None,
            phone: None,
            phone_country_code: None,
            description: None,
            address: None,
            metadata: None,
            created: OffsetDateTime::now_utc(),
        };
        Self::customer_fields(body, &mut c)?;
        c.id = requested
            .unwrap_or_else(|| self.fresh_id("cus_", |id| self.customers.contains_key(id)));
        let answer = Self::customer_json(&c);
        self.customers.insert(c.id.clone(), c);
        Ok((answer, vec![]))
    }

    /// `GET /customers/{id}`.
    pub fn get_customer(&self, id: &str) -> Res<Value> {
        let c = self.customers.get(id).ok_or_else(|| ApiError::not_found("Customer"))?;
        Ok(Self::customer_json(c))
    }

    /// `POST /customers/{id}`.
    pub fn update_customer(&mut self, id: &str, body: &Map<String, Value>) -> Res<Done> {
        check_fields(body, CUSTOMER_FIELDS)?;
        if opt_str(body, "customer_id")?.is_some_and(|c| c != id) {
            return Err(ApiError::invalid("customer_id", "cannot be changed"));
        }
        let mut c = self.customers.get(id).ok_or_else(|| ApiError::not_found("Customer"))?.clone();
        Self::customer_fields(body, &mut c)?;
        let answer = Self::customer_json(&c);
        self.customers.insert(id.to_owned(), c);
        Ok((answer, vec![]))
    }

    /// `DELETE /customers/{id}`.
    pub fn delete_customer(&mut self, id: &str) -> Res<Done> {
        self.customers.remove(id).ok_or_else(|| ApiError::not_found("Customer"))?;
        Ok((
            json!({
                "customer_id": id,
                "customer_deleted": true,
                "address_deleted": true,
                "payment_methods_deleted": true,
            }),
            vec![],
        ))
    }

    /// `GET /customers/list`: a bare array, newest first.
    pub fn list_customers(&self, limit: usize, offset: usize) -> Value {
        let mut found: Vec<&Customer> = self.customers.values().collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        Value::Array(found.into_iter().skip(offset).take(limit).map(Self::customer_json).collect())
    }
}

/// The 3DS page's HTML.
pub(crate) fn redirect_page(gateway: &str, id: &str, status: &str, back: Option<&str>) -> String {
    let refresh = back
        .map(|u| format!("<meta http-equiv=\"refresh\" content=\"0;url={}\">", html_escape(u)))
        .unwrap_or_default();
    let link = back
        .map(|u| format!("<p><a href=\"{}\">Return to the merchant</a></p>", html_escape(u)))
        .unwrap_or_default();
    format!(
        "<!doctype html><html><head><title>{gateway} sandbox 3DS</title>{refresh}</head><body>\
         <h1>{gateway} sandbox: authentication complete</h1><p>Payment {} is {}.</p>{link}\
         </body></html>",
        html_escape(id),
        html_escape(status)
    )
}
