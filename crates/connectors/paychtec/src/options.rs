//! Paychtec-only options, handed to a request with `with_options`, each for one operation.

use paymux_core::GatewayOptions;
use paymux_core::connector::Connector;

use crate::Paychtec;

/// 3-D Secure preference (`authentication_type`), the family's word for both gateways.
pub use paymux_hyperswitch_family::AuthenticationType;
/// `browser_info`, strongly recommended by the guide for cards and 3-D Secure.
pub use paymux_hyperswitch_family::BrowserInfo;
/// How far a payout goes when it is created (`confirm`, `auto_fulfill`), the family's.
pub use paymux_hyperswitch_family::PayoutFlow;
/// `payout_type` (`card`, `bank`, `wallet`, `bank_redirect`), the family's.
pub use paymux_hyperswitch_family::mapping::PayoutType;

/// Options of `create_payment`.
///
/// ```
/// use paymux::paychtec::{AuthenticationType, PaychtecPaymentOptions};
/// use paymux::{CreatePayment, Currency, Money};
/// let req = CreatePayment::new(Money::from_minor(6540, Currency::USD).unwrap())
///     .with_options(PaychtecPaymentOptions {
///         payment_id: Some("pay_order_123".into()),
///         authentication_type: Some(AuthenticationType::ThreeDs),
///         ..Default::default()
///     });
/// assert!(req.extensions.get::<PaychtecPaymentOptions>().is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecPaymentOptions {
    /// A merchant-chosen `payment_id` (the guide recommends one for reconciliation and
    /// idempotent retries); when `None`, one is derived from the call's idempotency key.
    pub payment_id: Option<String>,
    /// `three_ds` or `no_three_ds`; omitted (the profile's default) when `None`.
    pub authentication_type: Option<AuthenticationType>,
    /// Credit or debit card; credit when `None`.
    pub card_type: Option<CardType>,
    /// Browser details for 3-D Secure.
    pub browser_info: Option<BrowserInfo>,
}

/// Options of `confirm_payment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecConfirmOptions {
    /// Credit or debit card; credit when `None`.
    pub card_type: Option<CardType>,
    /// Browser details for 3-D Secure (`ConfirmPayment::customer_ip` fills `ip_address`).
    pub browser_info: Option<BrowserInfo>,
}

/// Options of `capture_payment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecCaptureOptions {
    /// `statement_descriptor_prefix`.
    pub statement_descriptor_prefix: Option<String>,
    /// `statement_descriptor_suffix` (or use `CapturePayment::statement_descriptor`).
    pub statement_descriptor_suffix: Option<String>,
}

/// Options of `create_refund`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecRefundOptions {
    /// `Instant` or `Scheduled`.
    pub refund_type: RefundType,
}

/// Options of `create_customer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecCustomerOptions {
    /// A merchant-supplied customer id for `POST /customers` (use the id Paychtec returns
    /// afterwards).
    pub customer_id: Option<String>,
}

/// Options of `create_payout`.
///
/// ```
/// use paymux::paychtec::{PaychtecPayoutOptions, PayoutFlow, PayoutType};
/// use paymux::{CreatePayout, Currency, Money};
/// // The guide's example: a bank payout to a saved customer, confirmed with the create.
/// let req = CreatePayout::new(Money::from_minor(5000, Currency::USD).unwrap())
///     .with_options(PaychtecPayoutOptions {
///         payout_type: Some(PayoutType::Bank),
///         flow: PayoutFlow::Confirm,
///     });
/// assert!(req.extensions.get::<PaychtecPayoutOptions>().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaychtecPayoutOptions {
    /// `payout_type`; a payout to a card is always `card`. Not sent when `None` (and no card).
    pub payout_type: Option<PayoutType>,
    /// `confirm` / `auto_fulfill`: by default both (`ConfirmAndFulfill`): the shared
    /// `create_payout` pays out on every gateway, so business code needs no step of this
    /// gateway's; `CreateOnly` (Hyperswitch's own default, the guide's example) or `Confirm`
    /// for a flow with a merchant step before the money moves.
    pub flow: PayoutFlow,
}

impl Default for PaychtecPayoutOptions {
    fn default() -> Self {
        PaychtecPayoutOptions { payout_type: None, flow: PayoutFlow::ConfirmAndFulfill }
    }
}

impl GatewayOptions for PaychtecPayoutOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

impl GatewayOptions for PaychtecPaymentOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

impl GatewayOptions for PaychtecConfirmOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

impl GatewayOptions for PaychtecCaptureOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

impl GatewayOptions for PaychtecRefundOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

impl GatewayOptions for PaychtecCustomerOptions {
    const GATEWAY: &'static str = <Paychtec as Connector>::GATEWAY;
}

/// `credit` or `debit`, Paychtec's `payment_method_type` for cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardType {
    /// `credit` (the default, as in the guide's examples).
    #[default]
    Credit,
    /// `debit`.
    Debit,
}

impl CardType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Credit => "credit",
            CardType::Debit => "debit",
        }
    }
}

/// Paychtec's `refund_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefundType {
    /// `Instant` (the default).
    #[default]
    Instant,
    /// `Scheduled`.
    Scheduled,
}

impl RefundType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundType::Instant => "Instant",
            RefundType::Scheduled => "Scheduled",
        }
    }
}
