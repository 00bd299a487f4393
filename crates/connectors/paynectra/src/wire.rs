//! Paynectra's JSON, field names as on the wire.
//!
//! Requests follow the seed guide; response objects follow the Stripe conventions our
//! `NOTES.md` decided on (the guide documents request parameters only). Every response field
//! except the ones a resource cannot exist without is optional, so an extra or missing field
//! never breaks a read.

use std::collections::BTreeMap;

use paymux_core::Metadata;
use serde::{Deserialize, Serialize};

/// `POST /v1/payments`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CreatePaymentBody {
    pub amount: i64,
    /// Lowercase ISO 4217 (`"usd"`).
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `automatic` | `manual`, always sent so the wire says what the caller asked for.
    pub capture_method: &'static str,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
}

/// `POST /v1/payments/:id/capture`: `amount_to_capture` is its one documented parameter.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct CaptureBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
}

/// `POST /v1/payments/:id/cancel` (no documented parameters: `{}`).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct CancelBody {}

/// `POST /v1/refunds`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CreateRefundBody {
    pub payment_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

/// `POST /v1/customers`: the guide's `address` is `line1`, `city`, `postal_code`, `country`.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct CreateCustomerBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E.164, checked before sending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressBody>,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

/// A customer's billing address as sent: the four parts the guide documents.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct AddressBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A customer's address as answered (Stripe's six parts, each optional, so more never breaks
/// a read).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub(crate) struct AddressWire {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// Metadata as answered: values are strings at a Stripe-style gateway, but anything else is
/// kept as its JSON text rather than failing the read.
pub(crate) type WireMetadata = Option<BTreeMap<String, serde_json::Value>>;

/// A payment object.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Payment {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub capture_method: Option<String>,
    pub customer_id: Option<String>,
    pub description: Option<String>,
    pub metadata: WireMetadata,
    pub created: Option<i64>,
    pub amount_capturable: Option<i64>,
    pub amount_received: Option<i64>,
    pub amount_captured: Option<i64>,
    pub amount_refunded: Option<i64>,
    /// Kept as sent: a redirect (`redirect_to_url.url`) or, for any other type, the
    /// instructions themselves.
    pub next_action: Option<serde_json::Value>,
    pub last_payment_error: Option<ErrorObject>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
}

/// The error object, in error answers and in a payment's `last_payment_error`.
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct ErrorObject {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub code: Option<String>,
    pub decline_code: Option<String>,
    pub message: Option<String>,
    pub param: Option<String>,
}

/// `{"error": {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorObject,
}

/// `{"object": "list", "data": [...], "has_more": bool}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct List<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

/// A refund object.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub reason: Option<String>,
    pub metadata: WireMetadata,
    pub created: Option<i64>,
    pub failure_reason: Option<String>,
}

/// A customer object.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressWire>,
    pub description: Option<String>,
    pub metadata: WireMetadata,
    pub created: Option<i64>,
}
