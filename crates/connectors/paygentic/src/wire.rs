//! Paygentic's JSON exactly as its OpenAPI document writes it (`/v0/payments`).
//!
//! Field names are the wire's camelCase. Amounts stay decimal strings (`"10.50"`) here; they
//! become [`Money`](paymux_core::Money) in `mapping`, never a float.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// `POST /v0/payments` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatePaymentRequest {
    /// Decimal string with two decimals (`"10.50"`), 1.00 to 5,000.00.
    pub amount: String,
    /// `USD`, `EUR`, `GBP` or `AUD`.
    pub currency: String,
    /// Merchant organization id, for API keys not scoped to one merchant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// A customer id of this merchant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Retry key, at most 255 characters; a repeat returns the existing payment (HTTP 200).
    pub idempotency_key: String,
    /// Merchant reference, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// String to string metadata.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// At most 100 items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<LineItem>,
    /// Where the customer goes after paying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_redirect_url: Option<String>,
    /// Where the customer goes after a failed payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_redirect_url: Option<String>,
    /// Save the customer's payment method (gateway default `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub save_payment_method: Option<bool>,
    /// ISO 8601 duration (`P7D`, `PT1H`), at most `P31D`; gateway default `P30D`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
}

/// One entry of `lineItems`: every field optional, and an absent one is left out of a request
/// (never sent as `null`, which the document does not allow for a string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LineItem {
    /// What is charged for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Decimal string (`"5.00"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// How many (gateway default 1, minimum 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

/// The query of `GET /v0/payments`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ListPaymentsQuery {
    /// `limit`: 1 to 100 (gateway default 10).
    pub limit: Option<u32>,
    /// `offset`: items to skip.
    pub offset: Option<u64>,
    /// `status`: `pending`, `processing`, `completed`, `expired` or `cancelled`.
    pub status: Option<&'static str>,
    /// `customerId`: only this customer's payments.
    pub customer_id: Option<String>,
    /// `merchantId`: for keys not scoped to one merchant.
    pub merchant_id: Option<String>,
}

/// The `Payment` schema (answers to create, get and list); `object` and `idempotencyKey` are
/// not read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub(crate) struct Payment {
    /// `pay_...`.
    pub id: String,
    /// Decimal string (`"10.50"`).
    pub amount: String,
    /// ISO 4217 code (`"USD"`).
    pub currency: String,
    /// `pending`, `processing`, `completed`, `expired` or `cancelled`.
    pub status: String,
    /// RFC 3339 creation time.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Where the customer pays.
    #[serde(default)]
    pub payment_url: Option<String>,
    /// The customer, if one was given.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Merchant reference.
    #[serde(default)]
    pub reference: Option<String>,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// Line items.
    #[serde(default)]
    pub line_items: Option<Vec<LineItem>>,
    /// RFC 3339 expiry time.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// A payment whose `amount` is not a decimal amount at all is an answer that cannot be read,
/// so the transport's rule for those applies: after a create it is outcome-unknown (Paygentic
/// took the payment; only its answer is unreadable). An amount Money cannot hold (extra
/// decimals, a currency outside ISO 4217) is read: `mapping` keeps it in `gateway_amount`.
impl<'de> Deserialize<'de> for Payment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let payment = Payment::deserialize(deserializer)?;
        crate::mapping::requested_amount(&payment.amount, &payment.currency)
            .map_err(|e| serde::de::Error::custom(e.message()))?;
        Ok(payment)
    }
}

/// `GET /v0/payments` answer; `object` is not read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct PaymentList {
    /// This page's payments.
    pub data: Vec<Payment>,
    /// Offset pagination.
    #[serde(default)]
    pub pagination: Option<OffsetPagination>,
}

/// The `OffsetPagination` schema (every field optional in the document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub(crate) struct OffsetPagination {
    /// Page size used.
    #[serde(default)]
    pub limit: Option<u64>,
    /// Items skipped.
    #[serde(default)]
    pub offset: Option<u64>,
    /// Items in all.
    #[serde(default)]
    pub total: Option<u64>,
}

/// Error bodies: `{error, message, code?, details?}` or, on 400,
/// `{error: "validation_error", message, errors: [{field, message, code}]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub errors: Option<Vec<FieldError>>,
}

/// One entry of a validation error's `errors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct FieldError {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn absent_line_item_fields_are_left_out_not_null() {
        let item = LineItem { description: None, amount: None, quantity: None };
        assert_eq!(serde_json::to_string(&item).unwrap(), "{}");
        let item = LineItem { description: None, amount: Some("5.00".into()), quantity: Some(2) };
        assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"amount":"5.00","quantity":2}"#);
    }
}
