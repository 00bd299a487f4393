//! The Paygentic-only options a request can carry.

use std::time::Duration;

use paymux_core::GatewayOptions;
use paymux_core::connector::Connector;

use crate::Paygentic;

/// Paygentic-only options of a payment, read from `CreatePayment::extensions` (see
/// `CreatePayment::with_options`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaygenticPaymentOptions {
    /// Payment lifetime (`expiresIn`), at most 31 days, whole seconds; gateway default 30 days.
    pub expires_in: Option<Duration>,
    /// Where the customer goes after a failed payment (`failureRedirectUrl`).
    pub failure_redirect_url: Option<String>,
    /// Save the customer's payment method for later (`savePaymentMethod`).
    pub save_payment_method: Option<bool>,
    /// Merchant organization id for this payment, overriding the configured one.
    pub merchant_id: Option<String>,
}

impl GatewayOptions for PaygenticPaymentOptions {
    const GATEWAY: &'static str = <Paygentic as Connector>::GATEWAY;
}
