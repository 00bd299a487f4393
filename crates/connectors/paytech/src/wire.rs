//! pay.tech's JSON exactly as `paytech.openapi.json` documents it (field names as on the wire).
//!
//! Amounts are JSON numbers in major units (`11.12`). They are read as the raw number token
//! ([`RawValue`]) and written from a `Decimal`'s text, so no amount ever passes through `f64`.
//! Anything that must stay exact is therefore deserialized straight from the body bytes, never
//! through a `serde_json::Value`.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::options::PaytechCustomer;

/// `PaymentType`: `DEPOSIT`, `WITHDRAWAL`, `REFUND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum PaymentType {
    Deposit,
    Withdrawal,
    Refund,
}

impl PaymentType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PaymentType::Deposit => "DEPOSIT",
            PaymentType::Withdrawal => "WITHDRAWAL",
            PaymentType::Refund => "REFUND",
        }
    }
}

/// `PaymentRequest` (`POST /api/v1/payments`), for deposits, refunds and withdrawals alike
/// (`mapping::payment_request` writes it). Borrows from the caller's request, which outlives
/// the call.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<&'a str>,
    pub payment_type: PaymentType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Box<RawValue>>,
    pub currency: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_payment_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardRequest<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<PaytechCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BillingAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_recurring: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_auth: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_parameters: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_style: Option<&'a str>,
}

/// `Card`. Borrows the secrets and exposes them only while serializing; no `Debug`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardRequest<'a> {
    #[serde(serialize_with = "expose")]
    pub card_number: &'a SecretString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub card_security_code: Option<&'a SecretString>,
    /// `"01"` to `"12"`.
    #[serde(serialize_with = "two_digits")]
    pub expiry_month: u8,
    /// `"2030"`.
    #[serde(serialize_with = "four_digits")]
    pub expiry_year: u16,
}

/// A month as the two-digit string pay.tech takes, written straight into the body.
fn two_digits<S: Serializer>(month: &u8, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{month:02}"))
}

/// A year as the four-digit string pay.tech takes, written straight into the body.
fn four_digits<S: Serializer>(year: &u16, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{year:04}"))
}

fn expose<S: Serializer>(secret: &&SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

fn expose_opt<S: Serializer>(secret: &Option<&SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// `BillingAddress` (request and response).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BillingAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `DepositPatchRequest` (`PATCH /api/v1/payments/{id}`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DepositPatchRequest {
    pub customer_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_window_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_window_height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_screen_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_screen_height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_screen_color_depth: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_java_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_timezone_offset: Option<i32>,
}

/// `CaptureRequest` (`POST /api/v1/payments/{id}/capture`); empty for a full capture.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CaptureRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Box<RawValue>>,
}

/// `RejectPaymentRequest` (`POST /api/v1/payments/{id}/reject`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RejectPaymentRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
}

/// The envelope of an answer about one payment: `{timestamp, status, result}`. `result` is
/// required, so an answer without one is unreadable, and outcome-unknown after a mutation
/// (the transport's rule).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope<T> {
    #[serde(default)]
    #[allow(dead_code)]
    pub timestamp: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    pub status: Option<IgnoredAny>,
    pub result: T,
}

/// The envelope of `GET /api/v1/payments`: `{timestamp, status, hasMore, result}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListEnvelope {
    #[serde(default)]
    #[allow(dead_code)]
    pub timestamp: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    pub status: Option<IgnoredAny>,
    #[serde(default)]
    pub result: Option<Vec<PaymentResult>>,
    #[serde(default)]
    pub has_more: Option<bool>,
}

/// The query of `GET /api/v1/payments`, as the gateway names it; times already written in its
/// format (`2021-10-13T10:26:18`, UTC).
#[derive(Debug, Default)]
pub(crate) struct ListQuery<'a> {
    pub offset: Option<u64>,
    pub limit: Option<u32>,
    pub created_gte: Option<String>,
    pub created_lt: Option<String>,
    pub updated_gte: Option<String>,
    pub updated_lt: Option<String>,
    pub reference_id: Option<&'a str>,
}

/// `PaymentResult` (also `Payment` in lists, and the webhook body itself).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentResult {
    pub id: String,
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub payment_type: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parent_payment_id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub payment_method: Option<IgnoredAny>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub customer_amount: Option<Box<RawValue>>,
    #[serde(default)]
    pub customer_currency: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
    #[serde(default)]
    pub external_result_code: Option<String>,
    #[serde(default)]
    pub customer: Option<ResponseCustomer>,
    #[serde(default)]
    pub pre_auth: Option<bool>,
    #[serde(default)]
    pub external_refs: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `ResponseCustomer`: only what the core model keeps.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResponseCustomer {
    #[serde(default)]
    pub reference_id: Option<String>,
}

/// `BadRequestError` / `UnauthorizedError` / `NotFoundError`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub path: Option<String>,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

/// One entry of `errors[]` (Spring-style binding errors).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldError {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub default_message: Option<String>,
}
