//! The pay.tech-only options of the core requests (`Paytech<Request>Options`, handed over with
//! `with_options`), the pay.tech customer record deposits and withdrawals carry, and what a
//! deposit can carry beyond a card: a saved card's token, a Google Pay or Apple Pay payment
//! (`wallets`), a subscription.

mod wallets;

use std::collections::BTreeMap;
use std::fmt;

use paymux_core::connector::Connector;
use paymux_core::{Address, GatewayOptions, Money};
use secrecy::SecretString;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Paytech;
pub use wallets::*;

/// A customer as pay.tech takes it (`Customer` in the spec). Gateway-only fields (documents,
/// bank accounts for withdrawals) go here; `Debug` hides the account and document numbers and
/// the date of birth.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaytechCustomer {
    /// Your id of the customer (`referenceId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    /// Country of citizenship, ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citizenship_country_code: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone without `+`, a space between country code and number (`"357 123123123"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Two-letter display language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Account number at the provider (some withdrawals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// Account name at the provider (some withdrawals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// `AccountType` word (e.g. `CHECKING`, `SAVINGS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// Bank name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    /// Bank code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// Bank branch name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_branch: Option<String>,
    /// Bank branch code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_branch_code: Option<String>,
    /// `DocumentType` word (e.g. `BR_CPF`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// Document number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// Routing group (e.g. `VIP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_group: Option<String>,
    /// The customer's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

impl fmt::Debug for PaytechCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("PaytechCustomer")
            .field("reference_id", &self.reference_id)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("email", &self.email)
            .field("account_number", &hidden(&self.account_number))
            .field("document_type", &self.document_type)
            .field("document_number", &hidden(&self.document_number))
            .field("date_of_birth", &hidden(&self.date_of_birth))
            .finish_non_exhaustive()
    }
}

/// pay.tech-only options of a deposit (`CreatePayment::with_options`).
///
/// ```
/// use paymux::{CreatePayment, Currency, Money};
/// use paymux::paytech::{PaytechCustomer, PaytechPaymentOptions};
/// let req = CreatePayment::new(Money::from_minor(10000, Currency::BRL).unwrap())
///     .with_options(PaytechPaymentOptions {
///         payment_method: Some("PIX".into()),
///         customer: Some(PaytechCustomer {
///             document_type: Some("BR_CPF".into()),
///             document_number: Some("65745728000".into()),
///             ..Default::default()
///         }),
///         ..Default::default()
///     });
/// assert!(req.extensions.get::<PaytechPaymentOptions>().is_some());
/// ```
#[derive(Clone, Default)]
pub struct PaytechPaymentOptions {
    /// `paymentMethod` (`BASIC_CARD`, `PIX`, ...). Without it a card or a card token sends
    /// `BASIC_CARD`, Google Pay `GOOGLEPAY` and Apple Pay `APPLEPAY`.
    pub payment_method: Option<String>,
    /// `webhookUrl`, overriding the shop setting.
    pub webhook_url: Option<String>,
    /// Customer fields; core customer details fill the ones left empty.
    pub customer: Option<PaytechCustomer>,
    /// `additionalParameters`.
    pub additional_parameters: BTreeMap<String, String>,
    /// `startRecurring`.
    pub start_recurring: Option<bool>,
    /// `recurringToken`, to continue a recurring chain.
    pub recurring_token: Option<String>,
    /// `checkoutStyle`.
    pub checkout_style: Option<String>,
    /// `card.cardToken`: a saved card (see [`Paytech::customer_card_tokens`]) instead of the
    /// card's number; not with a card in the request itself.
    pub card_token: Option<PaytechCardToken>,
    /// `googlePay`: a Google Pay payment.
    pub google_pay: Option<PaytechGooglePay>,
    /// `applePay`: an Apple Pay payment.
    pub apple_pay: Option<PaytechApplePay>,
    /// `subscription`: bill the customer again at regular intervals; the deposit then starts
    /// the recurring chain (`startRecurring: true` is sent with it).
    pub subscription: Option<PaytechSubscription>,
}

impl fmt::Debug for PaytechPaymentOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechPaymentOptions")
            .field("payment_method", &self.payment_method)
            .field("webhook_url", &self.webhook_url)
            .field("customer", &self.customer)
            .field("additional_parameters", &self.additional_parameters.keys().collect::<Vec<_>>())
            .field("start_recurring", &self.start_recurring)
            .field("recurring_token", &self.recurring_token.as_ref().map(|_| "[REDACTED]"))
            .field("checkout_style", &self.checkout_style)
            .field("card_token", &self.card_token)
            .field("google_pay", &self.google_pay)
            .field("apple_pay", &self.apple_pay)
            .field("subscription", &self.subscription)
            .finish()
    }
}

impl GatewayOptions for PaytechPaymentOptions {
    const GATEWAY: &'static str = <Paytech as Connector>::GATEWAY;
}

/// pay.tech-only options of a withdrawal (`CreatePayout::with_options`): what a payout needs
/// beyond an amount and a card, by payment method (a bank account or documents in
/// [`PaytechCustomer`], a method word, parameters).
///
/// ```
/// use paymux::{CreatePayout, Currency, Money};
/// use paymux::paytech::{PaytechCustomer, PaytechPayoutOptions};
/// let pix = CreatePayout::new(Money::from_minor(10000, Currency::BRL).unwrap())
///     .with_reference("payout-41")
///     .with_options(PaytechPayoutOptions {
///         payment_method: Some("PIX".into()),
///         customer: Some(PaytechCustomer {
///             document_type: Some("BR_CPF".into()),
///             document_number: Some("65745728000".into()),
///             ..Default::default()
///         }),
///         ..Default::default()
///     });
/// assert!(pix.extensions.get::<PaytechPayoutOptions>().is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct PaytechPayoutOptions {
    /// `paymentMethod` (`BASIC_CARD`, `PIX`, `IMPS`...); a card payout sends `BASIC_CARD` by
    /// itself.
    pub payment_method: Option<String>,
    /// The beneficiary (bank account, documents...); `CreatePayout::customer` fills its
    /// `referenceId` when it has none.
    pub customer: Option<PaytechCustomer>,
    /// `billingAddress`.
    pub billing: Option<Address>,
    /// `webhookUrl`, overriding the shop setting.
    pub webhook_url: Option<String>,
    /// `additionalParameters`.
    pub additional_parameters: BTreeMap<String, String>,
}

impl GatewayOptions for PaytechPayoutOptions {
    const GATEWAY: &'static str = <Paytech as Connector>::GATEWAY;
}

/// pay.tech-only options of the host-to-host step (`ConfirmPayment::with_options`): the
/// customer's browser, as `DepositPatchRequest` takes it. The IP itself is
/// `ConfirmPayment::customer_ip`.
#[derive(Debug, Clone, Default)]
pub struct PaytechConfirmOptions {
    /// `ipCountryCode`.
    pub ip_country_code: Option<String>,
    /// `customerUserAgent`.
    pub user_agent: Option<String>,
    /// `browserWindowWidth`.
    pub window_width: Option<u32>,
    /// `browserWindowHeight`.
    pub window_height: Option<u32>,
    /// `browserScreenWidth`.
    pub screen_width: Option<u32>,
    /// `browserScreenHeight`.
    pub screen_height: Option<u32>,
    /// `browserScreenColorDepth`.
    pub screen_color_depth: Option<u32>,
    /// `browserLanguage`.
    pub language: Option<String>,
    /// `browserJavaEnabled`.
    pub java_enabled: Option<bool>,
    /// `browserTimezoneOffset` (minutes).
    pub timezone_offset: Option<i32>,
}

impl GatewayOptions for PaytechConfirmOptions {
    const GATEWAY: &'static str = <Paytech as Connector>::GATEWAY;
}

/// A saved card to charge by its token (`Card.cardToken`, "can be used instead of full card
/// number"), with its security code when the payment needs one. `Debug` shows neither.
///
/// ```
/// use paymux::paytech::{PaytechCardToken, PaytechPaymentOptions};
/// let options = PaytechPaymentOptions {
///     card_token: Some(PaytechCardToken::new("3529d42227424875af8722cbf54d7073")),
///     ..Default::default()
/// };
/// assert!(!format!("{options:?}").contains("3529d422"));
/// ```
#[derive(Clone)]
pub struct PaytechCardToken {
    /// The token (`cardToken`, up to 32 characters).
    pub token: String,
    /// `cardSecurityCode` (3 or 4 digits), when the saved card is charged with it.
    pub security_code: Option<SecretString>,
}

impl PaytechCardToken {
    /// The saved card `token`, without a security code.
    pub fn new(token: impl Into<String>) -> Self {
        PaytechCardToken { token: token.into(), security_code: None }
    }

    /// Sends the card's security code with the token.
    pub fn with_security_code(mut self, code: SecretString) -> Self {
        self.security_code = Some(code);
        self
    }
}

impl fmt::Debug for PaytechCardToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechCardToken")
            .field("token", &"[REDACTED]")
            .field("security_code", &self.security_code.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// How often a subscription bills (`frequencyUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaytechFrequencyUnit {
    /// `MINUTE`: for tests only, the spec says.
    Minute,
    /// `DAY`.
    Day,
    /// `WEEK`.
    Week,
    /// `MONTH`.
    Month,
}

impl PaytechFrequencyUnit {
    /// The word on the wire (`DAY`).
    pub fn as_str(self) -> &'static str {
        match self {
            PaytechFrequencyUnit::Minute => "MINUTE",
            PaytechFrequencyUnit::Day => "DAY",
            PaytechFrequencyUnit::Week => "WEEK",
            PaytechFrequencyUnit::Month => "MONTH",
        }
    }
}

/// A subscription started by a deposit (`subscription`, the spec's `SubscriptionRequest`):
/// pay.tech bills the customer every `frequency` `frequency_unit`s with the recurring token of
/// the deposit. Read it later with [`Paytech::get_subscription`].
///
/// ```
/// use paymux::{Currency, Money};
/// use paymux::paytech::{PaytechFrequencyUnit, PaytechSubscription};
/// let monthly = PaytechSubscription::new(1, PaytechFrequencyUnit::Month)
///     .with_amount(Money::from_minor(999, Currency::EUR).unwrap())
///     .with_number_of_cycles(12);
/// assert_eq!(monthly.number_of_cycles, Some(12));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PaytechSubscription {
    /// `frequency`: billed every this many units (at least 1).
    pub frequency: u32,
    /// `frequencyUnit`.
    pub frequency_unit: Option<PaytechFrequencyUnit>,
    /// `amount` of each later payment, in the deposit's currency; the deposit's own amount
    /// when `None`.
    pub amount: Option<Money>,
    /// `description` of the later payments (at most 512 characters).
    pub description: Option<String>,
    /// `startTime`: when the first cycle runs; the gateway's default is the deposit's time
    /// plus one period. Sent in UTC, whole seconds.
    pub start_time: Option<OffsetDateTime>,
    /// `numberOfCycles`: how many later payments (at least 1); unlimited when `None`.
    pub number_of_cycles: Option<u32>,
    /// `retryStrategy`: without it the subscription is cancelled after the first failed
    /// payment.
    pub retry_strategy: Option<PaytechRetryStrategy>,
}

impl PaytechSubscription {
    /// Bills every `frequency` `unit`s, with nothing else set.
    pub fn new(frequency: u32, unit: PaytechFrequencyUnit) -> Self {
        PaytechSubscription {
            frequency,
            frequency_unit: Some(unit),
            amount: None,
            description: None,
            start_time: None,
            number_of_cycles: None,
            retry_strategy: None,
        }
    }

    /// Bills `amount` each time instead of the deposit's amount.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Sets the description of the later payments.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Runs the first cycle at `start`.
    pub fn with_start_time(mut self, start: OffsetDateTime) -> Self {
        self.start_time = Some(start);
        self
    }

    /// Stops after `cycles` later payments.
    pub fn with_number_of_cycles(mut self, cycles: u32) -> Self {
        self.number_of_cycles = Some(cycles);
        self
    }

    /// Retries a failed payment as `strategy` says.
    pub fn with_retry_strategy(mut self, strategy: PaytechRetryStrategy) -> Self {
        self.retry_strategy = Some(strategy);
        self
    }
}

/// How a subscription retries a failed payment (`retryStrategy`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaytechRetryStrategy {
    /// `frequency`: retried after this many units (at least 1).
    pub frequency: u32,
    /// `frequencyUnit`.
    pub frequency_unit: Option<PaytechFrequencyUnit>,
    /// `numberOfCycles`: how many retries (at least 1).
    pub number_of_cycles: u32,
    /// `amountAdjustments`: the n-th entry is the percentage of the first amount the n-th
    /// retry charges (each at least 1).
    pub amount_adjustments: Vec<u32>,
}

impl PaytechRetryStrategy {
    /// Retries `retries` times, every `frequency` `unit`s, for the full amount.
    pub fn new(frequency: u32, unit: PaytechFrequencyUnit, retries: u32) -> Self {
        PaytechRetryStrategy {
            frequency,
            frequency_unit: Some(unit),
            number_of_cycles: retries,
            amount_adjustments: Vec::new(),
        }
    }

    /// Charges these percentages of the first amount on the retries, in order.
    pub fn with_amount_adjustments(mut self, percentages: impl IntoIterator<Item = u32>) -> Self {
        self.amount_adjustments = percentages.into_iter().collect();
        self
    }
}
