//! Paychtec's JSON, as its integration guide's Payload Reference writes it.
//!
//! The bodies and answers of the routes Paychtec shares with paymnt.cloud are the Hyperswitch
//! shapes of [`paymux_hyperswitch_family`], written once for both; the mapping fills
//! the fields Paychtec's guide names. Declared here: the body of the route only Paychtec
//! serves, `POST /payment_link` (it answers a [`PaymentLink`](crate::PaymentLink)).

use serde::Serialize;

use crate::{AuthenticationType, PaymentLinkConfig};

pub(crate) use paymux_hyperswitch_family::{
    BillingData, CustomerRequest, OrderDetail, PaymentCaptureRequest, PaymentConfirmRequest,
    PaymentCreateRequest, PaymentListRequest, PaymentMethodData, PaymentResponse,
    PaymentUpdateRequest, RefundCreateRequest, RefundListRequest,
};

/// `POST /payment_link`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PaymentLinkCreateRequest {
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
    pub capture_method: Option<&'static str>,
    /// `three_ds` or `no_three_ds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<AuthenticationType>,
    /// Whether the page asks for customer details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_customer_info: Option<bool>,
    /// Page settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_link_config: Option<PaymentLinkConfig>,
}
