//! Payment links (`/payment_link`), Paychtec's hosted checkout. Creating one is Paychtec's own
//! route; reading and listing them are the family's (the answer is the family's
//! [`PaymentLink`](crate::PaymentLink)).

use paymux_core::connector::idempotency_key;
use paymux_core::{CaptureMode, CustomerId, IdempotencyKey, Money, Result};
use paymux_hyperswitch_family::mapping::payment_link_list_body;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AuthenticationType, ListPaymentLinks, Paychtec, PaymentLink, mapping};

/// A payment link request (`POST /payment_link`).
#[derive(Debug, Clone)]
pub struct CreatePaymentLink {
    /// Amount.
    pub amount: Money,
    /// Description.
    pub description: Option<String>,
    /// `one_time` (or another type the account offers).
    pub link_type: Option<String>,
    /// When the link expires.
    pub expiry: Option<OffsetDateTime>,
    /// A customer from the Customers API.
    pub customer: Option<CustomerId>,
    /// Whether Paychtec emails the link.
    pub send_email: Option<bool>,
    /// Where to email it.
    pub email: Option<String>,
    /// Capture mode of the payment behind the link.
    pub capture: Option<CaptureMode>,
    /// `three_ds` or `no_three_ds`.
    pub authentication_type: Option<AuthenticationType>,
    /// Whether the page asks for customer details.
    pub require_customer_info: Option<bool>,
    /// Page settings.
    pub config: Option<PaymentLinkConfig>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreatePaymentLink {
    /// A link for `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreatePaymentLink {
            amount,
            description: None,
            link_type: None,
            expiry: None,
            customer: None,
            send_email: None,
            email: None,
            capture: None,
            authentication_type: None,
            require_customer_info: None,
            config: None,
            idempotency_key: None,
        }
    }
}

/// `payment_link_config`: how the page looks.
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

impl Paychtec {
    /// Creates a payment link (`POST /payment_link`), Paychtec's hosted checkout.
    pub async fn create_payment_link(&self, req: CreatePaymentLink) -> Result<PaymentLink> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::payment_link_body(req)?;
        self.client.create_payment_link(&body, key).await
    }

    /// Fetches a payment link (`GET /payment_link/:payment_link_id`).
    pub async fn get_payment_link(&self, id: &str) -> Result<PaymentLink> {
        self.client.get_payment_link(id).await
    }

    /// Lists payment links (`POST /payment_link/list`, Hyperswitch's filter body: `limit`,
    /// `created.gte`, `created.lte`). The gateway pages no further than the limit.
    pub async fn list_payment_links(&self, query: ListPaymentLinks) -> Result<Vec<PaymentLink>> {
        let body = payment_link_list_body(&query)?;
        Ok(self.client.list_payment_links(&body).await?.into_vec())
    }
}
