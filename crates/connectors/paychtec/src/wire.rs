//! Paychtec's JSON, as its integration guide's Payload Reference writes it.
//!
//! The bodies and answers of the routes Paychtec shares with paymnt.cloud are the Hyperswitch
//! shapes of [`paymux_hyperswitch_family`], written once for both; the mapping fills
//! the fields Paychtec's guide names. Declared here: the bodies of Paychtec's other routes.
//! The answers of those routes are the public types of the operation files
//! ([`PaymentLink`](crate::PaymentLink), [`Payout`](crate::Payout),
//! [`Dispute`](crate::Dispute), [`DeletedCustomer`](crate::DeletedCustomer)).

use paymux_core::Metadata;
use serde::{Deserialize, Serialize};

use crate::{AuthenticationType, Dispute, PaymentLinkConfig};

pub(crate) use paymux_hyperswitch_family::{
    BillingData, Checked, CustomerRequest, CustomerResponse, ListResponse, OrderDetail,
    PaymentCaptureRequest, PaymentConfirmRequest, PaymentCreateRequest, PaymentListRequest,
    PaymentMethodData, PaymentResponse, RefundCreateRequest, RefundListRequest,
};

/// `POST /payments/:payment_id` (update before confirmation).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct PaymentUpdateRequest {
    /// New amount in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// New currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `automatic` or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<&'static str>,
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

/// `POST /payments/:payment_id/approve` and `/reject`: the guide lists "optional review
/// fields" without naming any, so the body is `{}` unless a reason is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PaymentReviewRequest {
    /// Free-text note for the review, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `GET /customers/list` answers a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum CustomerListResponse {
    /// `[...]`.
    Bare(Vec<CustomerResponse>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The customers.
        data: Vec<CustomerResponse>,
    },
}

impl CustomerListResponse {
    /// The customers, whatever the wrapping.
    pub(crate) fn into_vec(self) -> Vec<CustomerResponse> {
        match self {
            CustomerListResponse::Bare(v) | CustomerListResponse::Wrapped { data: v } => v,
        }
    }
}

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

/// `POST /payouts/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PayoutCreateRequest {
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

/// `GET /disputes/list` answers a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum DisputeListResponse {
    /// `[...]`.
    Bare(Vec<Dispute>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The disputes.
        data: Vec<Dispute>,
    },
}

impl DisputeListResponse {
    /// The disputes, whatever the wrapping.
    pub(crate) fn into_vec(self) -> Vec<Dispute> {
        match self {
            DisputeListResponse::Bare(v) | DisputeListResponse::Wrapped { data: v } => v,
        }
    }
}
