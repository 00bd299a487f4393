//! Paychtec's JSON, exactly as its integration guide's Payload Reference writes it.
//!
//! Request structs serialize to the documented payloads field for field (absent optional
//! fields are left out, never sent as `null`). Payment, refund, customer and list answers are
//! the shared [`paymux_hyperswitch_family::wire`] structs; answers only Paychtec's extra
//! routes give (customer deletion, payment links, payouts, disputes) are here. Unknown
//! response fields are ignored; documented ones are optional where the guide does not promise
//! them.

use paymux_core::Metadata;
use paymux_hyperswitch_family::wire as family;
use serde::{Deserialize, Deserializer, Serialize};

/// A postal address as Paychtec writes it (`zip`, not `postal_code`): the Hyperswitch shape.
pub use paymux_hyperswitch_family::wire::AddressData as Address;
/// `payment_method_data` and its card: the Hyperswitch shape (number and CVC hidden from
/// `Debug`).
pub use paymux_hyperswitch_family::wire::{CardData, PaymentMethodData};

/// A phone inside `billing`: `{number, country_code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPhone {
    /// Number without the country code.
    pub number: String,
    /// Country code with the plus sign (`+1`).
    pub country_code: String,
}

/// `billing`: sent only with `payment_method_data`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Billing {
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Billing phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<BillingPhone>,
    /// Billing email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `browser_info`, strongly recommended by the guide for cards and 3-D Secure.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BrowserInfo {
    /// The customer's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The browser's `User-Agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The browser's `Accept` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    /// The browser language (`en-US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Screen colour depth in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_depth: Option<u8>,
    /// Screen height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<u32>,
    /// Screen width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<u32>,
    /// Minutes from UTC as the browser reports it (`-300`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<i32>,
    /// Whether Java is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java_enabled: Option<bool>,
    /// Whether JavaScript is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java_script_enabled: Option<bool>,
}

/// One entry of `order_details` (never `items`, `line_items` or `cart_items`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    /// Product name.
    pub name: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price in minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
}

/// `POST /payments`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentCreateRequest {
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The merchant business profile (from the connector's configuration).
    pub profile_id: String,
    /// Merchant-chosen payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// A Paychtec customer id returned by the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// One step (`true`) or two steps (`false`).
    pub confirm: bool,
    /// `automatic` or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<String>,
    /// `three_ds` or `no_three_ds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<String>,
    /// Where the customer returns after a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// One-off customer email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// One-off customer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-off customer phone, without country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// One-off customer phone country code (`+1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// `credit` or `debit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// Direct payment details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// Billing details, sent with `payment_method_data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<Billing>,
    /// Browser details for 3-D Secure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo>,
    /// Order contents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_details: Option<Vec<OrderDetail>>,
    /// Merchant metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `POST /payments/:payment_id/confirm`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentConfirmRequest {
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// `credit` or `debit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// Direct payment details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// Billing details, sent with `payment_method_data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<Billing>,
    /// Where the customer returns after a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Browser details for 3-D Secure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo>,
}

/// `POST /payments/:payment_id` (update before confirmation).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentUpdateRequest {
    /// New amount in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// New currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `automatic` or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Return URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// One-off customer email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// One-off customer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-off customer phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// One-off customer phone country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// Order contents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_details: Option<Vec<OrderDetail>>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `POST /payments/:payment_id/capture`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentCaptureRequest {
    /// Minor units; omitted to capture everything capturable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
    /// Statement descriptor prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_descriptor_prefix: Option<String>,
    /// Statement descriptor suffix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_descriptor_suffix: Option<String>,
}

/// `POST /payments/:payment_id/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentCancelRequest {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
}

/// `POST /payments/:payment_id/approve` and `/reject`: the guide lists "optional review
/// fields" without naming any, so the body is `{}` unless a reason is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentReviewRequest {
    /// Free-text note for the review, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /refunds`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundCreateRequest {
    /// The payment to refund.
    pub payment_id: String,
    /// Merchant-supplied refund id (at most 30 characters): makes the refund retry-safe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    /// Minor units; omitted for a full refund.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Free text, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `Instant` or `Scheduled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_type: Option<String>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `POST /refunds/list` filter body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundListRequest {
    /// Only refunds of this payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// Page size, 1 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// How many to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Created at or after (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_gte: Option<String>,
    /// Created at or before (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_lte: Option<String>,
}

/// `POST /customers` and `POST /customers/:customer_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CustomerRequest {
    /// Merchant-supplied id, on create only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone without country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Phone country code (`+1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Address (reusable as default billing details).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `DELETE /customers/:customer_id` answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomerDeleteResponse {
    /// The deleted customer.
    pub customer_id: String,
    /// Whether the customer record was deleted.
    #[serde(default)]
    pub customer_deleted: Option<bool>,
    /// Whether the address was deleted.
    #[serde(default)]
    pub address_deleted: Option<bool>,
    /// Whether saved payment methods were deleted.
    #[serde(default)]
    pub payment_methods_deleted: Option<bool>,
}

/// `GET /customers/list` answers a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CustomerListResponse {
    /// `[...]`.
    Bare(Vec<family::CustomerResponse>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The customers.
        data: Vec<family::CustomerResponse>,
    },
}

impl CustomerListResponse {
    /// The customers, whatever the wrapping.
    pub fn into_vec(self) -> Vec<family::CustomerResponse> {
        match self {
            CustomerListResponse::Bare(v) | CustomerListResponse::Wrapped { data: v } => v,
        }
    }
}

/// `payment_link_config` of a payment link.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentLinkConfig {
    /// Seller name shown on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_name: Option<String>,
    /// SDK layout (`tabs`, `accordion`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_layout: Option<String>,
    /// Payment method types offered (`card`, `google_pay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_payment_method_types: Option<Vec<String>>,
}

/// `POST /payment_link`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentLinkCreateRequest {
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `one_time` (or another link type the account offers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
    /// Expiry (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// A Paychtec customer id from the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Whether Paychtec emails the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    /// Where to email it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `automatic` or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<String>,
    /// `three_ds` or `no_three_ds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<String>,
    /// Whether the page asks for customer details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_customer_info: Option<bool>,
    /// Page settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_link_config: Option<PaymentLinkConfig>,
}

/// A payment link as Paychtec answers it (create answers the id and link; retrieve more).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentLinkResponse {
    /// The link id.
    pub payment_link_id: String,
    /// The payment behind the link, where given.
    #[serde(default)]
    pub payment_id: Option<String>,
    /// The URL the customer opens (`link` on create, `link_to_pay` on retrieve).
    #[serde(default, alias = "link_to_pay")]
    pub link: Option<String>,
    /// Minor units, where given.
    #[serde(default)]
    pub amount: Option<i64>,
    /// ISO currency code, where given.
    #[serde(default)]
    pub currency: Option<String>,
    /// The link status word (`active`, `expired`), where given.
    #[serde(default)]
    pub status: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Expiry (RFC 3339).
    #[serde(default)]
    pub expiry: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `POST /payouts/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PayoutCreateRequest {
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// A Paychtec customer id from the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `bank`, `card`, `wallet`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout_type: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// A payout as Paychtec answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PayoutResponse {
    /// The payout id.
    pub payout_id: String,
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The payout status word (`initiated`, `success`, `failed`, ...).
    pub status: String,
    /// Customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Payout type.
    #[serde(default)]
    pub payout_type: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Metadata (any JSON).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Error code, for failed payouts.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error message, for failed payouts.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Creation time.
    #[serde(default, alias = "created")]
    pub created_at: Option<String>,
}

impl PayoutResponse {
    /// The amount as [`Money`](paymux_core::Money).
    pub fn money(&self) -> paymux_core::Result<paymux_core::Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }
}

/// Reads an amount written either as a JSON integer or as a string of digits (Hyperswitch
/// writes dispute amounts as strings), never through a float.
fn minor_units<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Int(v) => Ok(v),
        Raw::Text(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| serde::de::Error::custom(format!("amount {s:?} is not minor units"))),
    }
}

/// A dispute as Paychtec answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DisputeResponse {
    /// The dispute id.
    pub dispute_id: String,
    /// The disputed payment.
    pub payment_id: String,
    /// Minor units (sent as a string or a number).
    #[serde(deserialize_with = "minor_units")]
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// `pre_dispute`, `dispute`, `pre_arbitration`.
    #[serde(default)]
    pub dispute_stage: Option<String>,
    /// `dispute_opened`, `dispute_won`, ...
    pub dispute_status: String,
    /// The acquirer's reason.
    #[serde(default)]
    pub connector_reason: Option<String>,
    /// The acquirer's reason code.
    #[serde(default)]
    pub connector_reason_code: Option<String>,
    /// Evidence deadline.
    #[serde(default)]
    pub challenge_required_by: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<String>,
}

impl DisputeResponse {
    /// The disputed amount as [`Money`](paymux_core::Money).
    pub fn money(&self) -> paymux_core::Result<paymux_core::Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }
}

/// `GET /disputes/list` answers a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DisputeListResponse {
    /// `[...]`.
    Bare(Vec<DisputeResponse>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The disputes.
        data: Vec<DisputeResponse>,
    },
}

impl DisputeListResponse {
    /// The disputes, whatever the wrapping.
    pub fn into_vec(self) -> Vec<DisputeResponse> {
        match self {
            DisputeListResponse::Bare(v) | DisputeListResponse::Wrapped { data: v } => v,
        }
    }
}

/// `GET /disputes/list` query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeListQuery {
    /// Page size.
    pub limit: Option<u32>,
    /// Only disputes in this status word.
    pub dispute_status: Option<String>,
    /// Only disputes at this stage.
    pub dispute_stage: Option<String>,
}
