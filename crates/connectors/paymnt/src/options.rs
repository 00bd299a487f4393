//! paymnt.cloud-only options, handed to a request with `with_options`.

use paymux_core::GatewayOptions;
use paymux_core::connector::Connector;

/// 3-D Secure preference (`authentication_type`), the family's word for both gateways.
pub use paymux_hyperswitch_family::AuthenticationType;

/// paymnt-only options for `create_payment` and `confirm_payment`.
///
/// ```
/// use paymux::paymnt::{AuthenticationType, PaymntPaymentOptions};
/// use paymux::{CreatePayment, Currency, Money};
/// let req = CreatePayment::new(Money::from_minor(1000, Currency::USD).unwrap())
///     .with_options(PaymntPaymentOptions {
///         authentication_type: Some(AuthenticationType::ThreeDs),
///         payment_method_type: Some("credit".into()),
///     });
/// assert!(req.extensions.get::<PaymntPaymentOptions>().is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymntPaymentOptions {
    /// `authentication_type` (create only).
    pub authentication_type: Option<AuthenticationType>,
    /// `payment_method_type` (`credit`, `debit`), sent with a card.
    pub payment_method_type: Option<String>,
}

impl GatewayOptions for PaymntPaymentOptions {
    const GATEWAY: &'static str = <crate::Paymnt as Connector>::GATEWAY;
}
