//! Paynectra's JSON: the documented request parameters as typed structs (anything else is
//! `parameter_unknown`, Stripe's answer), the objects it answers, and its error shape.

use std::collections::BTreeMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::kit::body::BodyError;

/// `POST /v1/payments`: the seed's parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreatePayment {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub customer_id: Option<String>,
    pub description: Option<String>,
    pub capture_method: Option<String>,
    pub metadata: Option<BTreeMap<String, Value>>,
    pub return_url: Option<String>,
}

/// `POST /v1/payments/:id/capture` (NOTES: `amount_to_capture`).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Capture {
    pub amount_to_capture: Option<i64>,
}

/// `POST /v1/payments/:id/cancel`: no documented parameters.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cancel {}

/// `POST /v1/refunds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateRefund {
    pub payment_id: Option<String>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
    pub metadata: Option<BTreeMap<String, Value>>,
}

/// `POST /v1/customers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateCustomer {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub metadata: Option<BTreeMap<String, Value>>,
}

/// The seed's address: `line1`, `city`, `postal_code`, `country`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Address {
    pub line1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// The list query of `GET /v1/payments` (the seed's parameters, brackets included).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    pub limit: Option<String>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub customer: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "created[gte]")]
    pub created_gte: Option<String>,
    #[serde(rename = "created[lte]")]
    pub created_lte: Option<String>,
}

/// An API answer; `keep` says whether an idempotency key stores it (Stripe keeps answers of
/// requests that started executing, not of requests refused by validation).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    pub keep: bool,
}

impl Reply {
    pub(crate) fn ok(body: impl Serialize) -> Reply {
        Reply { status: 200, body: serde_json::to_value(body).unwrap_or_default(), keep: true }
    }

    pub(crate) fn error(
        status: u16,
        kind: &str,
        code: &str,
        message: String,
        param: Option<&str>,
    ) -> Reply {
        let mut e = Map::new();
        e.insert("type".into(), kind.into());
        e.insert("code".into(), code.into());
        e.insert("message".into(), message.into());
        if let Some(p) = param {
            e.insert("param".into(), p.into());
        }
        Reply { status, body: json!({ "error": e }), keep: false }
    }

    /// A 400 `invalid_request_error` from validation (not kept by idempotency).
    pub(crate) fn invalid(code: &str, message: impl Into<String>, param: Option<&str>) -> Reply {
        Reply::error(400, "invalid_request_error", code, message.into(), param)
    }

    /// A 400 for a move the payment's state forbids (kept by idempotency).
    pub(crate) fn unexpected_state(status: &str, done: &str, allowed: &str) -> Reply {
        let message = format!(
            "This payment has a status of {status}; only a payment with {allowed} can be {done}."
        );
        Reply::invalid("payment_unexpected_state", message, None).kept()
    }

    pub(crate) fn missing(what: &str, id: &str, param: &str) -> Reply {
        let message = format!("No such {what}: '{id}'");
        Reply::error(404, "invalid_request_error", "resource_missing", message, Some(param))
    }

    pub(crate) fn kept(mut self) -> Reply {
        self.keep = true;
        self
    }

    /// A body that did not read: unknown parameters, wrong types, not JSON.
    pub(crate) fn body(e: &BodyError, prefix: &str) -> Reply {
        let param = stripe_param(&format!("{prefix}{}", e.field()));
        match e {
            BodyError::Syntax(m) => {
                Reply::invalid("parse_error", format!("Invalid JSON body: {m}"), None)
            }
            BodyError::Unknown { .. } => Reply::invalid(
                "parameter_unknown",
                format!("Received unknown parameter: {param}"),
                Some(&param),
            ),
            BodyError::Missing { .. } => Reply::invalid(
                "parameter_missing",
                format!("Missing required param: {param}."),
                Some(&param),
            ),
            BodyError::Invalid { message, .. } => {
                let code = if message.contains("integer") || message.contains("i64") {
                    "parameter_invalid_integer"
                } else {
                    "parameter_invalid"
                };
                Reply::invalid(code, format!("Invalid {param}: {message}"), Some(&param))
            }
        }
    }

    pub(crate) fn respond(self, replayed: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self.body)).into_response();
        if replayed {
            r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        r
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        self.respond(false)
    }
}

/// `address.line2` -> `address[line2]`, Stripe's way of naming a nested parameter.
fn stripe_param(dotted: &str) -> String {
    let mut parts = dotted.split('.');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for p in parts {
        out.push_str(&format!("[{p}]"));
    }
    out
}

/// The payment object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PaymentJson {
    pub id: String,
    pub object: &'static str,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub currency: String,
    pub status: &'static str,
    pub capture_method: &'static str,
    pub customer_id: Option<String>,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub return_url: Option<String>,
    pub created: i64,
    pub livemode: bool,
    pub next_action: Option<Value>,
    pub payment_method_details: Option<Value>,
    pub last_payment_error: Option<Value>,
    pub canceled_at: Option<i64>,
}

/// The refund object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RefundJson {
    pub id: String,
    pub object: &'static str,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub status: &'static str,
    pub reason: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<&'static str>,
}

/// The customer object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CustomerJson {
    pub id: String,
    pub object: &'static str,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
    pub livemode: bool,
}

/// `{object: "list", url, data, has_more}`.
#[derive(Debug, Serialize)]
pub(crate) struct ListJson<T> {
    pub object: &'static str,
    pub url: &'static str,
    pub data: Vec<T>,
    pub has_more: bool,
}

/// `{id, object: "event", type, created, livemode, data: {object}}`.
#[derive(Debug, Serialize)]
pub(crate) struct EventJson {
    pub id: String,
    pub object: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created: i64,
    pub livemode: bool,
    pub data: EventData,
}

/// `data` of an event.
#[derive(Debug, Serialize)]
pub(crate) struct EventData {
    pub object: Value,
}

/// `metadata`: at most 50 string values (keys up to 40 characters, values up to 500), as
/// Stripe.
pub(crate) fn metadata(
    m: Option<BTreeMap<String, Value>>,
) -> Result<BTreeMap<String, String>, Reply> {
    let m = m.unwrap_or_default();
    if m.len() > 50 {
        return Err(Reply::invalid(
            "parameter_invalid",
            "metadata can have at most 50 keys.",
            Some("metadata"),
        ));
    }
    let mut out = BTreeMap::new();
    for (k, v) in m {
        let param = format!("metadata[{k}]");
        match v {
            Value::String(s) if k.chars().count() <= 40 && s.chars().count() <= 500 => {
                out.insert(k, s);
            }
            _ => {
                let message = format!(
                    "Invalid {param}: keys are at most 40 characters and values strings of at most 500."
                );
                return Err(Reply::invalid("parameter_invalid", message, Some(&param)));
            }
        }
    }
    Ok(out)
}

/// A required parameter.
pub(crate) fn required<T>(v: Option<T>, key: &str) -> Result<T, Reply> {
    v.ok_or_else(|| {
        Reply::invalid("parameter_missing", format!("Missing required param: {key}."), Some(key))
    })
}

/// A parameter that must be one of `allowed`.
pub(crate) fn one_of(
    v: Option<String>,
    key: &str,
    allowed: &[&str],
) -> Result<Option<String>, Reply> {
    match v {
        Some(s) if !allowed.contains(&s.as_str()) => {
            let message = format!("Invalid {key}: must be one of {}", allowed.join(", "));
            Err(Reply::invalid("parameter_invalid", message, Some(key)))
        }
        v => Ok(v),
    }
}

/// A string of at most `max` characters.
pub(crate) fn at_most(v: Option<String>, key: &str, max: usize) -> Result<Option<String>, Reply> {
    match v {
        Some(s) if s.chars().count() > max => Err(Reply::invalid(
            "parameter_invalid",
            format!("{key} must be at most {max} characters."),
            Some(key),
        )),
        v => Ok(v),
    }
}
