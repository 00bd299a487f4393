//! paymnt.cloud-only options, handed to a request with `with_options`.

use paymux_core::GatewayOptions;
use paymux_core::connector::Connector;

/// 3-D Secure preference (`authentication_type`), the family's word for both gateways.
pub use paymux_hyperswitch_family::AuthenticationType;
/// How far a payout goes when it is created (`confirm`, `auto_fulfill`), the family's.
pub use paymux_hyperswitch_family::PayoutFlow;
/// `payout_type` (`card`, `bank`, `wallet`, `bank_redirect`), the family's.
pub use paymux_hyperswitch_family::mapping::PayoutType;

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

/// paymnt-only options for `create_payout`.
///
/// ```
/// use paymux::paymnt::{PaymntPayoutOptions, PayoutFlow};
/// use paymux::{Card, CreatePayout, Currency, Money};
/// // A payout to a card, sent at once.
/// let card = Card::new("4000056655665556", 12, 2030, "123").unwrap().with_holder_name("Jo Doe");
/// let req = CreatePayout::new(Money::from_minor(2500, Currency::EUR).unwrap())
///     .with_card(card)
///     .with_options(PaymntPayoutOptions { flow: PayoutFlow::ConfirmAndFulfill, ..Default::default() });
/// assert!(req.extensions.get::<PaymntPayoutOptions>().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymntPayoutOptions {
    /// `payout_type`; a payout to a card is always `card`. Not sent when `None` (and no card).
    pub payout_type: Option<PayoutType>,
    /// `confirm` / `auto_fulfill`: by default both (`ConfirmAndFulfill`): the shared
    /// `create_payout` pays out on every gateway, so business code needs no step of this
    /// gateway's; `CreateOnly` (Hyperswitch's own default, the guide's example) or `Confirm`
    /// for a flow with a merchant step before the money moves.
    pub flow: PayoutFlow,
}

impl Default for PaymntPayoutOptions {
    fn default() -> Self {
        PaymntPayoutOptions { payout_type: None, flow: PayoutFlow::ConfirmAndFulfill }
    }
}

impl GatewayOptions for PaymntPayoutOptions {
    const GATEWAY: &'static str = <crate::Paymnt as Connector>::GATEWAY;
}
