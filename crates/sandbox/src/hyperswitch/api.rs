//! Hyperswitch's JSON: request bodies as typed structs that deny unknown fields (as
//! Hyperswitch's own request structs do: 400 `IR_06`), list filter bodies (which ignore
//! unknown keys but refuse a scalar where an array is expected), and the error shape.

// Fields Hyperswitch accepts are declared so that they are accepted (unknown ones are refused);
// the sandbox keeps no state for some of them.
#![allow(dead_code)]

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::kit::body::BodyError;

/// An error answer: `{"error": {type, code, message}}` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(
        status: u16,
        kind: &'static str,
        code: &'static str,
        message: String,
    ) -> Self {
        ApiError { status, kind, code, message }
    }

    pub(crate) fn missing(field: &str) -> Self {
        Self::new(400, "invalid_request", "IR_04", format!("Missing required param: {field}"))
    }

    pub(crate) fn invalid(field: &str, why: &str) -> Self {
        Self::new(
            400,
            "invalid_request",
            "IR_05",
            format!("Invalid value provided: {field}: {why}"),
        )
    }

    pub(crate) fn deserialize(why: String) -> Self {
        Self::new(400, "invalid_request", "IR_06", format!("Json deserialize error: {why}"))
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(404, "invalid_request", "HE_02", format!("{what} does not exist in our records"))
    }

    /// A duplicate (`payment_id`, `customer_id`, `refund_id`): HTTP 400 `HE_01`.
    pub(crate) fn duplicate(message: &str) -> Self {
        Self::new(400, "invalid_request", "HE_01", message.to_owned())
    }

    /// An illegal state move: HTTP 400 `IR_14`, in Hyperswitch's wording.
    pub(crate) fn bad_state(what: &str, flow: &str, status: &str, expected: &str) -> Self {
        let message = format!(
            "This {what} could not be {flow} because it has a status of {status}. The expected state is {expected}"
        );
        Self::new(400, "invalid_request", "IR_14", message)
    }

    /// A body that did not read.
    pub(crate) fn body(e: &BodyError) -> Self {
        match e {
            BodyError::Unknown { field, .. }
                if matches!(field.as_str(), "items" | "line_items" | "cart_items") =>
            {
                Self::deserialize(format!(
                    "unknown field `{field}`: send order contents as `order_details`"
                ))
            }
            BodyError::Missing { path } => Self::missing(path),
            other => Self::deserialize(other.message()),
        }
    }

    /// The answer body.
    pub(crate) fn body_json(&self) -> Value {
        json!({"error": {"type": self.kind, "code": self.code, "message": self.message}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        answer(self.status, &self.body_json())
    }
}

/// A JSON answer.
pub(crate) fn answer(status: u16, body: &impl Serialize) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

/// The card of `payment_method_data.card`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardData {
    pub card_number: String,
    pub card_exp_month: String,
    pub card_exp_year: String,
    pub card_cvc: String,
    pub card_holder_name: Option<String>,
    pub card_network: Option<String>,
    pub card_issuer: Option<String>,
    pub card_type: Option<String>,
    pub card_issuing_country: Option<String>,
    pub nick_name: Option<String>,
    pub bank_code: Option<String>,
}

/// `payment_method_data`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MethodData {
    pub card: Option<CardData>,
    pub billing: Option<Value>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// `billing` / `shipping`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Address {
    pub address: Option<Value>,
    pub phone: Option<Value>,
    pub email: Option<String>,
}

/// One `order_details` line (`name` in Paychtec's guide, `product_name` in Hyperswitch's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OrderLine {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    pub quantity: i64,
    pub amount: i64,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// `PaymentsCreateRequest` / `PaymentsUpdateRequest` / `PaymentsConfirmRequest`: Hyperswitch's
/// fields (the union of the three; every other field is refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentsRequest {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub profile_id: Option<String>,
    pub payment_id: Option<String>,
    pub confirm: Option<bool>,
    pub capture_method: Option<String>,
    pub authentication_type: Option<String>,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub description: Option<String>,
    pub return_url: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_type: Option<String>,
    pub payment_method_data: Option<MethodData>,
    pub billing: Option<Address>,
    pub shipping: Option<Address>,
    pub order_details: Option<Vec<OrderLine>>,
    pub metadata: Option<serde_json::Map<String, Value>>,
    pub merchant_order_reference_id: Option<String>,
    pub setup_future_usage: Option<String>,
    pub customer_acceptance: Option<Value>,
    pub session_expiry: Option<u32>,
    pub browser_info: Option<Value>,
    // Fields Hyperswitch takes that the sandbox keeps no state for.
    pub merchant_id: Option<Value>,
    pub capture_on: Option<Value>,
    pub amount_to_capture: Option<Value>,
    pub customer: Option<Value>,
    pub payment_token: Option<Value>,
    pub connector_metadata: Option<Value>,
    pub feature_metadata: Option<Value>,
    pub statement_descriptor_name: Option<Value>,
    pub statement_descriptor_suffix: Option<Value>,
    pub off_session: Option<Value>,
    pub client_secret: Option<Value>,
    pub payment_experience: Option<Value>,
    pub business_country: Option<Value>,
    pub business_label: Option<Value>,
    pub allowed_payment_method_types: Option<Value>,
    pub request_incremental_authorization: Option<Value>,
    pub request_external_three_ds_authentication: Option<Value>,
    pub request_extended_authorization: Option<Value>,
    pub enable_partial_authorization: Option<Value>,
    pub enable_overcapture: Option<Value>,
    pub mandate_data: Option<Value>,
    pub mandate_id: Option<Value>,
    pub payment_type: Option<Value>,
    pub frm_metadata: Option<Value>,
    pub order_tax_amount: Option<Value>,
    pub shipping_cost: Option<Value>,
    pub skip_external_tax_calculation: Option<Value>,
    pub psd2_sca_exemption_type: Option<Value>,
    pub force_3ds_challenge: Option<Value>,
    pub all_keys_required: Option<Value>,
    pub billing_descriptor: Option<Value>,
    pub connector: Option<Value>,
    pub ctp_service_details: Option<Value>,
    pub discount_amount: Option<Value>,
    pub duty_amount: Option<Value>,
    pub is_iframe_redirection_enabled: Option<Value>,
    pub is_stored_credential: Option<Value>,
    pub merchant_connector_details: Option<Value>,
    pub mit_category: Option<Value>,
    pub order_date: Option<Value>,
    pub partner_merchant_identifier_details: Option<Value>,
    pub payment_channel: Option<Value>,
    pub payment_link: Option<Value>,
    pub payment_link_config: Option<Value>,
    pub payment_link_config_id: Option<Value>,
    pub recurring_details: Option<Value>,
    pub retry_action: Option<Value>,
    pub routing: Option<Value>,
    pub shipping_amount_tax: Option<Value>,
    pub split_payments: Option<Value>,
    pub surcharge_details: Option<Value>,
    pub tax_status: Option<Value>,
    pub three_ds_data: Option<Value>,
    pub threeds_method_comp_ind: Option<Value>,
    pub tokenization: Option<Value>,
}

/// `PaymentsCaptureRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaptureRequest {
    pub amount_to_capture: Option<i64>,
    pub statement_descriptor_prefix: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub payment_id: Option<Value>,
    pub merchant_id: Option<Value>,
    pub refund_uncaptured_amount: Option<Value>,
    pub merchant_connector_details: Option<Value>,
    pub all_keys_required: Option<Value>,
}

/// `PaymentsCancelRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelRequest {
    pub cancellation_reason: Option<String>,
    pub merchant_connector_details: Option<Value>,
}

/// The optional body of approve / reject.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewRequest {
    pub reason: Option<String>,
}

/// `RefundRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundRequest {
    pub payment_id: Option<String>,
    pub refund_id: Option<String>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
    pub refund_type: Option<String>,
    pub metadata: Option<serde_json::Map<String, Value>>,
    pub merchant_id: Option<Value>,
    pub merchant_connector_details: Option<Value>,
    pub split_refunds: Option<Value>,
    pub all_keys_required: Option<Value>,
}

/// `RefundUpdateRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundUpdate {
    pub reason: Option<String>,
    pub metadata: Option<serde_json::Map<String, Value>>,
}

/// `CustomerRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CustomerRequest {
    pub customer_id: Option<String>,
    pub merchant_id: Option<Value>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub description: Option<String>,
    pub address: Option<Value>,
    pub metadata: Option<serde_json::Map<String, Value>>,
    pub tax_registration_id: Option<Value>,
}

/// `PaymentListFilterConstraints` (NOTES "Lists"): unknown keys are ignored, a scalar where an
/// array is expected is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PaymentListFilter {
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub customer_id: Option<String>,
    pub profile_id: Option<String>,
    pub payment_id: Option<String>,
    pub merchant_order_reference_id: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub status: Option<Vec<String>>,
    pub currency: Option<Vec<String>>,
    pub payment_method: Option<Vec<String>>,
}

/// `RefundListRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RefundListFilter {
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub payment_id: Option<String>,
    pub refund_id: Option<String>,
    pub profile_id: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub amount_filter: Option<AmountFilter>,
    pub connector: Option<Vec<String>>,
    pub currency: Option<Vec<String>>,
    pub refund_status: Option<Vec<String>>,
}

/// `AmountFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AmountFilter {
    pub start_amount: Option<i64>,
    pub end_amount: Option<i64>,
}

/// The query of `GET /payments/list` (Hyperswitch's published document).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PaymentListQuery {
    pub customer_id: Option<String>,
    pub limit: Option<u32>,
    pub created: Option<String>,
    pub created_lt: Option<String>,
    pub created_gt: Option<String>,
    pub created_lte: Option<String>,
    pub created_gte: Option<String>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
}

/// `POST /payment_link` (Paychtec's guide).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentLinkRequest {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub description: Option<String>,
    pub link_type: Option<String>,
    pub expiry: Option<String>,
    pub customer_id: Option<String>,
    pub send_email: Option<bool>,
    pub email: Option<String>,
    pub capture_method: Option<String>,
    pub authentication_type: Option<String>,
    pub require_customer_info: Option<bool>,
    pub payment_link_config: Option<Value>,
    pub return_url: Option<String>,
    pub metadata: Option<serde_json::Map<String, Value>>,
}

/// `POST /payouts/create`, `PUT /payouts/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayoutRequest {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub customer_id: Option<String>,
    pub payout_type: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<serde_json::Map<String, Value>>,
    pub confirm: Option<bool>,
    pub auto_fulfill: Option<bool>,
    pub payout_method_data: Option<Value>,
    pub billing: Option<Value>,
    pub profile_id: Option<String>,
    pub entity_type: Option<String>,
    pub recurring: Option<bool>,
    pub priority: Option<String>,
    pub return_url: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub merchant_order_reference_id: Option<String>,
}

/// A filter body with paging only (`POST /payouts/list`, `POST /payment_link/list`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PageFilter {
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub customer_id: Option<String>,
    /// `PayoutStatus` words (the payout list; ignored elsewhere).
    pub status: Option<Vec<String>>,
}

/// `POST /disputes/evidence`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EvidenceRequest {
    pub dispute_id: Option<String>,
    pub evidence_type: Option<String>,
    pub cancellation_policy: Option<String>,
    pub customer_communication: Option<String>,
    pub customer_signature: Option<String>,
    pub receipt: Option<String>,
    pub refund_policy: Option<String>,
    pub service_documentation: Option<String>,
    pub shipping_documentation: Option<String>,
    pub invoice_showing_distinct_transactions: Option<String>,
    pub recurring_transaction_agreement: Option<String>,
    pub uncategorized_file: Option<String>,
    pub uncategorized_text: Option<String>,
}

impl EvidenceRequest {
    /// The documents sent, as (`EvidenceType` word, file id).
    pub(crate) fn documents(&self) -> Vec<(&'static str, &str)> {
        let fields = [
            ("cancellation_policy", &self.cancellation_policy),
            ("customer_communication", &self.customer_communication),
            ("customer_signature", &self.customer_signature),
            ("receipt", &self.receipt),
            ("refund_policy", &self.refund_policy),
            ("service_documentation", &self.service_documentation),
            ("shipping_documentation", &self.shipping_documentation),
            ("invoice_showing_distinct_transactions", &self.invoice_showing_distinct_transactions),
            ("recurring_transaction_agreement", &self.recurring_transaction_agreement),
            ("uncategorized_file", &self.uncategorized_file),
        ];
        fields.into_iter().filter_map(|(k, v)| v.as_deref().map(|v| (k, v))).collect()
    }
}

/// The body of `POST /payouts/{id}/cancel` and `/fulfill` (`PayoutActionRequest`): the payout
/// id again, or nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayoutAction {
    pub payout_id: Option<String>,
}

/// `{count, total_count, data}` of `items` (newest first) from `offset`.
pub(crate) fn page(
    items: Vec<Value>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Result<Value, ApiError> {
    let limit = limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    let total = items.len();
    let skip = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let data: Vec<Value> =
        items.into_iter().skip(skip).take(usize::try_from(limit).unwrap_or(10)).collect();
    Ok(json!({"count": data.len(), "total_count": total, "data": data}))
}
