//! paymnt.cloud request bodies (Hyperswitch field names). Answers use the shared
//! [`paymux_hyperswitch_family::wire`] structs.

use paymux_hyperswitch_family::wire::{BillingData, PaymentMethodData};
use serde::Serialize;

/// The body of `POST /payments`.
#[derive(Debug, Clone, Serialize)]
pub struct CreatePaymentBody {
    /// Minor units.
    pub amount: i64,
    /// Upper-case ISO code.
    pub currency: String,
    /// `true` for one step (authorize now), `false` for two steps.
    pub confirm: bool,
    /// `automatic` or `manual`.
    pub capture_method: &'static str,
    /// A customer issued by the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
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
    /// Where the customer returns after a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<&'static str>,
    /// `credit`, `debit` (from [`PaymntPaymentExtension`](crate::PaymntPaymentExtension)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// The card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// `three_ds` or `no_three_ds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<&'static str>,
    /// Billing details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingData>,
    /// Order contents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_details: Vec<OrderDetail>,
    /// Merchant metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// One `order_details` entry (Hyperswitch names it `product_name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderDetail {
    /// Product name.
    pub product_name: String,
    /// Quantity.
    pub quantity: u32,
    /// Price of one unit, minor units.
    pub amount: i64,
}

/// The body of `POST /payments/{id}/confirm`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfirmPaymentBody {
    /// `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<&'static str>,
    /// `credit`, `debit`.
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
    /// The customer's browser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo>,
}

/// `browser_info` (only the IP address is known to the core model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrowserInfo {
    /// The customer's IP address.
    pub ip_address: String,
}

/// The body of `POST /payments/{id}/capture`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaptureBody {
    /// Minor units; absent captures everything capturable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
    /// Statement descriptor suffix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_descriptor_suffix: Option<String>,
}

/// The body of `POST /payments/{id}/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CancelBody {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
}

/// The body of `POST /refunds`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateRefundBody {
    /// The payment to refund.
    pub payment_id: String,
    /// Merchant-chosen refund id (at most 30 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    /// Minor units; absent refunds the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// `requested_by_customer`, `duplicate`, `fraudulent`, or free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Merchant metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}
