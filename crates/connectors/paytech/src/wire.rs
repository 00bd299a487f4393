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

use crate::options::{PaytechApplePay, PaytechCustomer, PaytechGooglePay};

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
    /// Its own wire form (see `options::wallets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_pay: Option<&'a PaytechGooglePay>,
    /// Its own wire form (see `options::wallets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apple_pay: Option<&'a PaytechApplePay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<SubscriptionRequest<'a>>,
}

/// `Card`: a card's number and expiry, or a saved card's `cardToken`. Borrows the secrets and
/// exposes them only while serializing; no `Debug`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub card_number: Option<&'a SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub card_security_code: Option<&'a SecretString>,
    /// `"01"` to `"12"`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "two_digits")]
    pub expiry_month: Option<u8>,
    /// `"2030"`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "four_digits")]
    pub expiry_year: Option<u16>,
}

/// A month as the two-digit string pay.tech takes, written straight into the body.
fn two_digits<S: Serializer>(month: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
    match month {
        Some(month) => s.collect_str(&format_args!("{month:02}")),
        None => s.serialize_none(),
    }
}

/// A year as the four-digit string pay.tech takes, written straight into the body.
fn four_digits<S: Serializer>(year: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
    match year {
        Some(year) => s.collect_str(&format_args!("{year:04}")),
        None => s.serialize_none(),
    }
}

fn expose_opt<S: Serializer>(secret: &Option<&SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// `SubscriptionRequest` (the `subscription` of a deposit).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscriptionRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Box<RawValue>>,
    /// `YYYY-MM-DDTHH:MM:SS`, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    pub frequency: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_unit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_cycles: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategyRequest<'a>>,
}

/// `SubscriptionRetryStrategy` (request).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetryStrategyRequest<'a> {
    pub frequency: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_unit: Option<&'static str>,
    pub number_of_cycles: u32,
    #[serde(skip_serializing_if = "<[u32]>::is_empty")]
    pub amount_adjustments: &'a [u32],
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

/// `RegisterChargebackRequest` (`POST /api/v1/payments/{id}/chargebacks`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegisterChargebackRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    /// `YYYY-MM-DDTHH:MM:SS`, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// `CANCELLED`, `DECLINED` or `COMPLETED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<&'a str>,
}

/// `SubscriptionPatchRequest` (`PATCH /api/v1/subscriptions/{id}`): the only documented change
/// is `state: CANCELLED`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscriptionPatchRequest {
    pub state: &'static str,
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

/// `PaymentOperation` (`GET /api/v1/payments/{id}/operations`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationResult {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub operation: Option<String>,
    #[serde(default)]
    pub started: Option<String>,
    #[serde(default)]
    pub completed: Option<String>,
    #[serde(default)]
    pub payment_state: Option<String>,
    /// Documented as a string; read as the raw token in case it comes as JSON.
    #[serde(default)]
    pub outgoing_messages: Option<Box<RawValue>>,
    #[serde(default)]
    pub incoming_messages: Option<Box<RawValue>>,
}

/// `CustomerCardToken` (`GET /api/v1/customers/{customer.referenceId}/card-tokens`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardTokenResult {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub cardholder_name: Option<String>,
    #[serde(default)]
    pub pan_masked: Option<String>,
    /// A string in the schema, a number in its example: read as the raw token.
    #[serde(default)]
    pub expiry_month: Option<Box<RawValue>>,
    #[serde(default)]
    pub expiry_year: Option<Box<RawValue>>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub saved_by_customer: Option<bool>,
}

/// `CustomerTerminalToken`
/// (`GET /api/v1/customers/{customerReferenceId}/terminals/{terminalId}/tokens`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TerminalTokenResult {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// `Subscription` (`GET` and `PATCH /api/v1/subscriptions/{id}`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscriptionResult {
    pub id: String,
    #[serde(default)]
    pub customer_reference_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub frequency: Option<u32>,
    #[serde(default)]
    pub frequency_unit: Option<String>,
    #[serde(default)]
    pub requested_number_of_cycles: Option<u32>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub recurring_token: Option<String>,
    #[serde(default)]
    pub retry_strategy: Option<RetryStrategyResult>,
    #[serde(default)]
    pub cycles: Option<Vec<CycleResult>>,
}

/// `SubscriptionRetryStrategy` (answer).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetryStrategyResult {
    #[serde(default)]
    pub frequency: Option<u32>,
    #[serde(default)]
    pub frequency_unit: Option<String>,
    #[serde(default)]
    pub number_of_cycles: Option<u32>,
    #[serde(default)]
    pub amount_adjustments: Option<Vec<u32>>,
}

/// `SubscriptionCycle`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CycleResult {
    #[serde(default)]
    pub sequence: Option<u32>,
    #[serde(default, rename = "type")]
    pub cycle_type: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub payment_state: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
}

/// `Balance` (`GET /api/v1/balances`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BalanceResult {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub account_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
}

/// `CurrencyAmount` (`GET /api/v1/available-withdrawal-balances`); both fields required.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CurrencyAmountResult {
    pub currency: String,
    pub amount: Box<RawValue>,
}
