//! The pay.tech-only options of the core requests (`Paytech<Request>Options`, handed over with
//! `with_options`), and the pay.tech customer record they and withdrawals carry.

use std::collections::BTreeMap;
use std::fmt;

use paymux_core::GatewayOptions;
use paymux_core::connector::Connector;
use serde::Serialize;

use crate::Paytech;

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
#[derive(Debug, Clone, Default)]
pub struct PaytechPaymentOptions {
    /// `paymentMethod` (`BASIC_CARD`, `PIX`, ...); a card payment sends `BASIC_CARD` by itself.
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
}

impl GatewayOptions for PaytechPaymentOptions {
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
