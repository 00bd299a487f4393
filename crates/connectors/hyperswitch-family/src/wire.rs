//! The Hyperswitch JSON both family members speak, field names as on the wire: the answers,
//! the request bodies (one struct per route, holding every field either gateway documents;
//! each connector fills the fields its guide names) and the webhook envelope.
//!
//! Amounts are minor-unit integers; currencies upper-case ISO 4217 codes; times ISO 8601.
//! Absent optional request fields are left out, never sent as `null`. Response structs accept
//! absent optional fields (`null` or missing) so partial objects (as in webhook events) still
//! read.

use std::fmt;

use paymux_core::{Card, ExposeSecret, Metadata, SecretString};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod extras;
pub use extras::*;

/// A payment as the gateway answers it (`POST /payments`, `GET /payments/{id}`, confirm,
/// capture, cancel, list entries, `payment_details` webhook objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentResponse {
    /// The payment id.
    pub payment_id: String,
    /// The IntentStatus word.
    pub status: String,
    /// Amount requested, minor units.
    pub amount: i64,
    /// Amount that can still be captured, minor units (below `amount` after a partial
    /// authorization).
    #[serde(default)]
    pub amount_capturable: Option<i64>,
    /// Amount captured so far, minor units.
    #[serde(default)]
    pub amount_received: Option<i64>,
    /// ISO currency code, upper case.
    pub currency: String,
    /// The customer the payment belongs to.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// The merchant's own order reference, where one was sent.
    #[serde(default)]
    pub merchant_order_reference_id: Option<String>,
    /// `automatic`, `manual`, `manual_multiple`, `scheduled`.
    #[serde(default)]
    pub capture_method: Option<String>,
    /// Merchant metadata (any JSON object).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Creation time (ISO 8601).
    #[serde(default)]
    pub created: Option<String>,
    /// What the customer must do next.
    #[serde(default)]
    pub next_action: Option<NextActionData>,
    /// The processor's error code, for failed payments.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The processor's error message, for failed payments.
    #[serde(default)]
    pub error_message: Option<String>,
}

/// `next_action` of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextActionData {
    /// `redirect_to_url`, `display_bank_transfer_information`, ...
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Where to send the customer, for redirects.
    #[serde(default)]
    pub redirect_to_url: Option<String>,
    /// Everything else the action carries (bank details, QR data...).
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A refund as the gateway answers it (`POST /refunds`, `GET /refunds/{id}`, list entries,
/// `refund_details` webhook objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundResponse {
    /// The refund id.
    pub refund_id: String,
    /// The refunded payment.
    pub payment_id: String,
    /// Amount refunded, minor units.
    pub amount: i64,
    /// ISO currency code, upper case.
    pub currency: String,
    /// `succeeded`, `failed`, `pending`, `review`.
    pub status: String,
    /// The reason given.
    #[serde(default)]
    pub reason: Option<String>,
    /// The processor's error code.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The processor's error message.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Creation time (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// A list answer: `{count, total_count, data}` (the payout list names its `count` `size`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListResponse<T> {
    /// Items on this page.
    #[serde(default, alias = "size")]
    pub count: Option<u64>,
    /// Items matching the filter in all.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// The items, newest first.
    pub data: Vec<T>,
}

/// The body of `POST /payments/list`: Hyperswitch's `PaymentListFilterConstraints`. Its time
/// range is flattened (`start_time`, `end_time`); `status` and `currency` are arrays. A key
/// Hyperswitch does not know is ignored (the list comes back unfiltered), a scalar where an
/// array is expected is refused: these names are the only ones sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentListRequest {
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Items to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Customer filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The merchant's order reference (`merchant_order_reference_id` of the create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_order_reference_id: Option<String>,
    /// Created at or after (RFC 3339, UTC); Hyperswitch ignores the range without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Created at or before (RFC 3339, UTC); now when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `IntentStatus` words, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    /// Upper-case ISO currency codes, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Vec<String>>,
}

/// The body of `POST /refunds/list`: Hyperswitch's `RefundListRequest`, with the same flattened
/// time range and arrays for `refund_status` and `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundListRequest {
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Items to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Only refunds of this payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// Created at or after (RFC 3339, UTC); Hyperswitch ignores the range without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Created at or before (RFC 3339, UTC); now when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `RefundStatus` words, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_status: Option<Vec<String>>,
    /// Upper-case ISO currency codes, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Vec<String>>,
}

/// A postal address (`billing.address`, customer `address`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AddressData {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// A phone `{number, country_code}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhoneData {
    /// Number without the country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Country code with the plus sign (`"+1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// `billing` of a payment or confirm request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BillingData {
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressData>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneData>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `payment_method_data.card`. Serializes the full number and CVC (only into a request
/// body); `Debug` shows neither.
#[derive(Clone)]
pub struct CardData {
    /// The card number.
    pub card_number: SecretString,
    /// Expiry month, `"1"` to `"12"` as the guide writes it (`"12"`).
    pub card_exp_month: String,
    /// Four-digit expiry year.
    pub card_exp_year: String,
    /// The CVC.
    pub card_cvc: SecretString,
    /// Name on the card.
    pub card_holder_name: Option<String>,
}

impl CardData {
    /// The wire form of a core [`Card`]: month zero-padded to two digits (`"05"`). The number
    /// and CVC come through `paymux_core::connector`, here only, where the body is built.
    pub fn from_card(card: &Card) -> Self {
        CardData {
            card_number: paymux_core::connector::card_number(card).clone(),
            card_exp_month: format!("{:02}", card.exp_month),
            card_exp_year: card.exp_year.to_string(),
            card_cvc: paymux_core::connector::card_cvc(card).clone(),
            card_holder_name: card.holder_name.clone(),
        }
    }
}

impl fmt::Debug for CardData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.card_number.expose_secret();
        let last4 = n.get(n.len().saturating_sub(4)..).unwrap_or("");
        f.debug_struct("CardData")
            .field("card_number", &format_args!("**** {last4}"))
            .field("card_exp_month", &self.card_exp_month)
            .field("card_exp_year", &self.card_exp_year)
            .field("card_cvc", &"***")
            .field("card_holder_name", &self.card_holder_name)
            .finish()
    }
}

impl Serialize for CardData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let len = if self.card_holder_name.is_some() { 5 } else { 4 };
        let mut st = s.serialize_struct("CardData", len)?;
        st.serialize_field("card_number", self.card_number.expose_secret())?;
        st.serialize_field("card_exp_month", &self.card_exp_month)?;
        st.serialize_field("card_exp_year", &self.card_exp_year)?;
        st.serialize_field("card_cvc", self.card_cvc.expose_secret())?;
        if let Some(name) = &self.card_holder_name {
            st.serialize_field("card_holder_name", name)?;
        }
        st.end()
    }
}

/// `payment_method_data`: `{"card": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentMethodData {
    /// The card.
    pub card: CardData,
}

/// A customer as the gateway answers it (`POST /customers`, `GET /customers/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerResponse {
    /// The gateway's customer id.
    pub customer_id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone without the country code.
    #[serde(default)]
    pub phone: Option<String>,
    /// Phone country code (`"+1"`).
    #[serde(default)]
    pub phone_country_code: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<AddressData>,
    /// Creation time (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// The body of `POST /customers` and of a customer update (`POST /customers/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerRequest {
    /// Optional merchant-chosen id (the gateway issues one otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone without the country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Phone country code (`"+1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressData>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// The webhook body: `{merchant_id, event_id, event_type, content: {type, object}, timestamp}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEnvelope {
    /// The merchant.
    #[serde(default)]
    pub merchant_id: Option<String>,
    /// The event id; deduplicate on it.
    pub event_id: String,
    /// `payment_succeeded`, `refund_failed`, ...
    pub event_type: String,
    /// What the event is about.
    pub content: WebhookContent,
    /// When it happened (ISO 8601).
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// `content` of a webhook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookContent {
    /// `payment_details`, `refund_details`, `dispute_details`, `mandate_details`,
    /// `payout_details`, `subscription_details`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The resource, shaped per `type`, kept as its JSON text until the type is known.
    #[serde(default)]
    pub object: Option<Box<serde_json::value::RawValue>>,
}

/// `authentication_type`: whether 3-D Secure is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationType {
    /// `three_ds`.
    ThreeDs,
    /// `no_three_ds`.
    NoThreeDs,
}

impl AuthenticationType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthenticationType::ThreeDs => "three_ds",
            AuthenticationType::NoThreeDs => "no_three_ds",
        }
    }
}

/// `browser_info`, for cards and 3-D Secure.
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

/// One entry of `order_details`. The product's name is `product_name` in Hyperswitch, `name`
/// (with the unit price's `currency`) in Paychtec's guide: each connector sets its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderDetail {
    /// Product name, Paychtec's field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Product name, Hyperswitch's field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Quantity.
    pub quantity: u32,
    /// Price of one unit, minor units.
    pub amount: i64,
    /// ISO currency code of the unit price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// The body of `POST /payments`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentCreateRequest {
    /// Minor units.
    pub amount: i64,
    /// Upper-case ISO code.
    pub currency: String,
    /// The merchant business profile (Paychtec: required, from the configuration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// A merchant-chosen payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// A customer issued by the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `true` for one step (authorize now), `false` for two steps.
    pub confirm: bool,
    /// `automatic` or `manual`.
    pub capture_method: &'static str,
    /// `three_ds` or `no_three_ds`; the profile's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<AuthenticationType>,
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
    /// One-off customer phone country code (`"+1"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The merchant's order reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_order_reference_id: Option<String>,
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<&'static str>,
    /// `credit` or `debit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// The card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// Billing details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingData>,
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

/// The body of `POST /payments/{id}/confirm`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentConfirmRequest {
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<&'static str>,
    /// `credit` or `debit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// The card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// Billing details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingData>,
    /// Where the customer returns after a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Browser details for 3-D Secure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo>,
}

/// The body of `POST /payments/{id}/capture`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentCaptureRequest {
    /// Minor units; absent captures everything capturable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
    /// Statement descriptor prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_descriptor_prefix: Option<String>,
    /// Statement descriptor suffix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_descriptor_suffix: Option<String>,
}

/// The body of `POST /payments/{id}/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentCancelRequest {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
}

/// The body of `POST /refunds`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundCreateRequest {
    /// The payment to refund.
    pub payment_id: String,
    /// Merchant-chosen refund id (at most 30 characters): makes the refund retry-safe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    /// Minor units; absent refunds the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Free text, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `Instant` or `Scheduled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_type: Option<&'static str>,
    /// Merchant metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// An answer whose amounts are read as money while it is parsed.
///
/// A 2xx answer that is valid JSON but holds an amount no `Money` can hold (negative, in an
/// unknown currency) cannot be mapped. Parsed through `Checked` with
/// [`HttpTransport::send_json`](paymux_core::transport::HttpTransport::send_json), it is an
/// unreadable answer like malformed JSON: to a mutation, an outcome-unknown error, since the
/// gateway acted and we cannot tell how.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T>(pub T);

/// Answers with amounts [`Checked`] reads.
pub trait Amounts {
    /// `Ok` when every amount of the answer is a `Money` in its currency.
    fn check_amounts(&self) -> paymux_core::Result<()>;
}

impl Amounts for PaymentResponse {
    fn check_amounts(&self) -> paymux_core::Result<()> {
        crate::mapping::money(self.amount, &self.currency)?;
        if let Some(received) = self.amount_received {
            crate::mapping::money(received, &self.currency)?;
        }
        // Read (and so checked) only for a payment awaiting capture.
        if let Some(capturable) = self.amount_capturable.filter(|_| self.awaits_capture()) {
            crate::mapping::money(capturable, &self.currency)?;
        }
        Ok(())
    }
}

impl PaymentResponse {
    /// `true` when the status reads as
    /// [`RequiresCapture`](paymux_core::PaymentStatus::RequiresCapture), the one status whose
    /// `amount_capturable` the core model carries.
    pub fn awaits_capture(&self) -> bool {
        crate::status::payment_status(&self.status) == paymux_core::PaymentStatus::RequiresCapture
    }
}

impl Amounts for RefundResponse {
    fn check_amounts(&self) -> paymux_core::Result<()> {
        crate::mapping::money(self.amount, &self.currency).map(drop)
    }
}

impl Amounts for PayoutResponse {
    fn check_amounts(&self) -> paymux_core::Result<()> {
        crate::mapping::money(self.amount, &self.currency).map(drop)
    }
}

impl Amounts for DisputeResponse {
    fn check_amounts(&self) -> paymux_core::Result<()> {
        crate::mapping::money(self.amount, &self.currency).map(drop)
    }
}

impl PayoutResponse {
    /// The amount as [`Money`](paymux_core::Money); an
    /// [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse) when it cannot be one.
    pub fn money(&self) -> paymux_core::Result<paymux_core::Money> {
        crate::mapping::money(self.amount, &self.currency)
    }
}

impl DisputeResponse {
    /// The disputed amount as [`Money`](paymux_core::Money); an
    /// [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse) when it cannot be one.
    pub fn money(&self) -> paymux_core::Result<paymux_core::Money> {
        crate::mapping::money(self.amount, &self.currency)
    }
}

impl<'de, T: Deserialize<'de> + Amounts> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let answer = T::deserialize(d)?;
        answer.check_amounts().map_err(|e| D::Error::custom(e.message()))?;
        Ok(Checked(answer))
    }
}
