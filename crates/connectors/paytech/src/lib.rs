//! # paymux-paytech
//!
//! The [pay.tech](https://pay.tech) connector: [`Paytech`] implements
//! [`PaymentProvider`] over the gateway's `/api/v1/payments` API (sandbox
//! `https://engine-sandbox.pay.tech`, production `https://engine.pay.tech`), authenticated with
//! `Authorization: Bearer <shop API key>`.
//!
//! ```no_run
//! use paymux_core::{CreatePayment, Currency, Money, NextAction, PaymentProvider, SecretString};
//! use paymux_paytech::{Environment, Paytech, PaytechConfig};
//!
//! # async fn run() -> paymux_core::Result<()> {
//! let config = PaytechConfig::new(SecretString::from("shop-api-key"), Environment::Sandbox)
//!     .with_signing_key(SecretString::from("shop-signing-key"));
//! let paytech = Paytech::new(config)?;
//! let payment = paytech
//!     .create_payment(
//!         CreatePayment::new(Money::from_minor(1112, Currency::EUR)?)
//!             .with_reference("order-123")
//!             .with_return_url("https://shop.example/return"),
//!     )
//!     .await?;
//! if let Some(NextAction::Redirect { url }) = &payment.next_action {
//!     println!("send the customer to {url}");
//! }
//! # Ok(()) }
//! ```
//!
//! ## What maps to what
//!
//! | core | pay.tech |
//! |---|---|
//! | `create_payment` | `POST /api/v1/payments`, `paymentType: DEPOSIT`; `redirectUrl` -> `NextAction::Redirect` |
//! | `confirm_payment` | `PATCH /api/v1/payments/{id}` `{customerIp, ...}` (host-to-host); `externalRefs` -> `NextAction::Instructions` (see [`external_refs`]) |
//! | `get_payment` | `GET /api/v1/payments/{id}` |
//! | `list_payments` | `GET /api/v1/payments` (`offset`/`limit`, `created.gte`/`created.lt`, `referenceId.eq`) |
//! | `capture_payment` | `POST /api/v1/payments/{id}/capture` (optional partial `amount`) |
//! | `cancel_payment` | `POST /api/v1/payments/{id}/void` |
//! | `create_refund` / `get_refund` | `POST /api/v1/payments` `paymentType: REFUND` + `parentPaymentId` / `GET /api/v1/payments/{id}` |
//! | [`Paytech::create_withdrawal`] and friends | `paymentType: WITHDRAWAL`, `/approve`, `/reject` |
//! | `parse_webhook` | `Signature` header, hex HMAC-SHA256 of the raw body with the signing key |
//!
//! Customers (`create_customer`/`get_customer`) have no pay.tech route and are `Unsupported`.
//!
//! Ids sent in a body follow the rule of ids in a path, checked before any request:
//! `parentPaymentId` is a pay.tech payment id (up to 32 letters and digits, as in a path), and
//! `customer.referenceId` (a saved customer's id or [`PaytechCustomer::reference_id`]) follows
//! [`path_segment`](paymux_core::transport::path_segment) (1 to 128 letters, digits, `-`, `_`,
//! `.`, `~`). A payment's own `referenceId` is the merchant's free-text reference, checked for
//! length only.
//!
//! ## Amounts
//! pay.tech writes amounts as JSON numbers in major units (`11.12`). They are read as the raw
//! number token, never through `f64`: a plain token straight into minor units with
//! [`Money::parse_major`], one in scientific notation (`1.5E+3`) as a `Decimal` made [`Money`]
//! with `Money::from_major`. Both refuse more decimals than the currency has rather than
//! rounding (an answer like `10.123 EUR` is an `InvalidResponse`). Amounts are sent as number
//! tokens written with [`Money::to_major_string`] (`10.50`).
//! A currency pay.tech supports but ISO 4217 lacks (crypto symbols) cannot be a `Money` and is
//! refused the same way.
//!
//! `amount` in an answer is what was sent to the provider; `customerAmount` (set when the
//! gateway converted the currency) is what was requested. [`Payment::amount`](paymux_core::Payment)
//! is the requested amount (the caller's, else `customerAmount`, else `amount`);
//! `amount_received` is `amount`/`currency` once the deposit is `COMPLETED`, since "for some
//! payment methods the final transaction amount may be different from the initial requested
//! amount".
//!
//! ## Idempotency (decision from NOTES.md)
//! pay.tech documents no idempotency mechanism. Every create is therefore sent **unkeyed**: the
//! transport never repeats it once it may have reached the gateway. The idempotency key (the
//! caller's or a generated one) travels as `referenceId` when the caller gives no merchant
//! reference. When a create fails with an outcome-unknown error (timeout, connection lost, 5xx),
//! the connector looks the payment up with `GET /api/v1/payments?referenceId.eq=...` (with
//! `created.gte` set [`PaytechConfig::recovery_lookback`] before the call, to allow for clock
//! skew) and returns the payment it finds. When none is found (or the lookup fails) the
//! original outcome-unknown error is returned and **nothing is re-sent**: the gateway may
//! still be processing the first request.
//!
//! To try such a call again, say so: [`CreatePayment::retrying`], [`CreateRefund::retrying`]
//! or [`CreateWithdrawal::retrying`] with the same key (`is_retry: true`). A retry looks the
//! payment up **before** sending and returns what the earlier call made; only when the lookup
//! finds nothing is the create sent. When that lookup itself fails, nothing is sent and the
//! error is outcome-unknown (whatever the lookup's own failure, it cannot tell whether the
//! earlier call created the payment, so a router must not fall back to another gateway). A
//! call that is not a retry is never looked up first, even with an idempotency key (the
//! router sets one on every create): it costs one request and does not depend on the list
//! route.
//!
//! So a retried create never makes two payments, as long as the reference is unique: **if you
//! give a merchant reference, make it unique per attempt** (a found payment must also have the
//! same type, currency and amount, and for refunds the same parent), and **mark a repeat with
//! `retrying`**: the same key without it is a new call and is sent. Capture, void, the
//! host-to-host step, approve and reject are single unkeyed calls; after an outcome-unknown
//! error, fetch the payment before trying again.
//!
//! ## States
//! See [`payment_status`], [`refund_status`], [`withdrawal_status`]; unknown words map to
//! `Processing` / `Pending` and stay in `raw_status`. A decline is HTTP 200 with
//! `state: DECLINED` and an `errorCode` (`4.01`): it comes back as `Ok` with status `Failed`
//! and a `Failure` whose `code` is from [`decline_code`] and whose `gateway_code` is the
//! original. `CANCELLED` with `1.04` (Cancelled by Timeout) is `Expired`.
//!
//! ## Webhooks
//! Sent on final states; the body is the payment result itself. Verified over the raw bytes
//! with [`PaytechConfig::signing_key`] (constant-time), then parsed. pay.tech sends no event id:
//! the id is derived deterministically from payment id and state ([`webhook::event_id`]), so a
//! redelivery deduplicates. Deposits become payment events, refunds refund events,
//! withdrawals payout events (resource `Other`, see `raw`).
//!
//! ## Lists
//! `list_payments` returns deposits only: refunds and withdrawals, which share the route, are
//! left out of `items` (the next offset still counts them). Without `created_from` the gateway
//! only returns the last 24 hours. Filters pay.tech lacks (status, customer) are refused with
//! `InvalidRequest`.

mod client;
mod mapping;
pub mod webhook;
mod wire;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use paymux_core::transport::{Auth, ConnectionSettings, HttpTransport, Request};
use paymux_core::{
    Address, BillingDetails, CancelPayment, Capabilities, CapturePayment, Card, ConfirmPayment,
    CreatePayment, CreateRefund, Error, ExposeSecret, Failure, IdempotencyKey, ListPayments, Money,
    NextAction, Operation, Page, PageCursor, Payment, PaymentCustomer, PaymentId, PaymentMethod,
    PaymentProvider, Phone, ProviderFuture, ProviderId, Refund, RefundId, Result, SecretString,
    WebhookEvent, named, named_map,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::client::{Answer, Client, ListQuery, check_id};
use crate::wire::{
    BillingAddress, CaptureRequest, CardRequest, DepositPatchRequest, PaymentRequest,
    PaymentResult, PaymentType, RejectPaymentRequest,
};

pub use crate::mapping::{decline_code, payment_status, refund_status, withdrawal_status};

/// Sandbox base URL.
pub const SANDBOX_URL: &str = "https://engine-sandbox.pay.tech";
/// Production base URL.
pub const PRODUCTION_URL: &str = "https://engine.pay.tech";

/// Which pay.tech environment (the keys differ between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Environment {
    /// `https://engine-sandbox.pay.tech`.
    #[default]
    Sandbox,
    /// `https://engine.pay.tech`.
    Production,
}

impl Environment {
    /// The base URL of the environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => SANDBOX_URL,
            Environment::Production => PRODUCTION_URL,
        }
    }
}

/// Settings of one pay.tech shop.
#[derive(Debug, Clone)]
pub struct PaytechConfig {
    /// The Shop API Key (sent as `Authorization: Bearer <key>`).
    pub api_key: SecretString,
    /// The Shop Signing Key, for webhook verification; without it `parse_webhook` fails with
    /// `Configuration` and `Webhooks` is absent from the capabilities.
    pub signing_key: Option<SecretString>,
    /// Sandbox or production.
    pub environment: Environment,
    /// How far before a create the recovery lookup's `created.gte` starts (clock skew between
    /// us and the gateway); 10 minutes by default.
    pub recovery_lookback: Duration,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connection_builders!(PaytechConfig);

impl PaytechConfig {
    /// A configuration with default timeouts (30 s, connect 10 s) and retries.
    pub fn new(api_key: SecretString, environment: Environment) -> Self {
        PaytechConfig {
            connection: ConnectionSettings::default(),
            api_key,
            signing_key: None,
            environment,
            recovery_lookback: Duration::from_secs(600),
        }
    }

    /// Sets the webhook signing key.
    pub fn with_signing_key(mut self, key: SecretString) -> Self {
        self.signing_key = Some(key);
        self
    }
}

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

/// Gateway-only options of a deposit, read from `CreatePayment::extensions`.
///
/// ```
/// use paymux_core::{CreatePayment, Currency, Money};
/// use paymux_paytech::{PaytechCustomer, PaytechDepositOptions};
/// let req = CreatePayment::new(Money::from_minor(10000, Currency::BRL).unwrap())
///     .with_options(PaytechDepositOptions {
///         payment_method: Some("PIX".into()),
///         customer: Some(PaytechCustomer {
///             document_type: Some("BR_CPF".into()),
///             document_number: Some("65745728000".into()),
///             ..Default::default()
///         }),
///         ..Default::default()
///     });
/// assert!(req.extensions.get::<PaytechDepositOptions>().is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct PaytechDepositOptions {
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

impl paymux_core::GatewayOptions for PaytechDepositOptions {
    const GATEWAY: &'static str = "paytech";
}

/// Gateway-only fields of the host-to-host step, read from `ConfirmPayment::extensions`
/// (`DepositPatchRequest`; the IP itself is `ConfirmPayment::customer_ip`).
#[derive(Debug, Clone, Default)]
pub struct PaytechBrowserInfo {
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

impl paymux_core::GatewayOptions for PaytechBrowserInfo {
    const GATEWAY: &'static str = "paytech";
}

/// The `externalRefs` of a host-to-host deposit (payment instructions for the customer), as
/// `confirm_payment` returns them in `NextAction::Instructions`. Empty when there are none;
/// non-string values are left out.
pub fn external_refs(payment: &Payment) -> BTreeMap<String, String> {
    match &payment.next_action {
        Some(NextAction::Instructions { data: serde_json::Value::Object(map) }) => {
            map.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect()
        }
        _ => BTreeMap::new(),
    }
}

/// Where a withdrawal (payout) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WithdrawalStatus {
    /// Submitted, in progress (and unknown words).
    Pending,
    /// Waiting for the merchant: [`Paytech::approve_withdrawal`] or
    /// [`Paytech::reject_withdrawal`].
    AwaitingApproval,
    /// Paid out. Final.
    Succeeded,
    /// Declined. Final.
    Failed,
    /// Cancelled or rejected. Final.
    Cancelled,
}

impl WithdrawalStatus {
    /// `true` for terminal states.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// A withdrawal (payout) as pay.tech reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    /// The gateway's payment id.
    pub id: PaymentId,
    /// The provider instance.
    pub provider: ProviderId,
    /// Normalized status.
    pub status: WithdrawalStatus,
    /// The gateway's state word.
    pub raw_status: String,
    /// The amount requested.
    pub amount: Money,
    /// What was finally sent, once `COMPLETED` (`amount`/`currency` of the answer).
    pub amount_sent: Option<Money>,
    /// Your reference.
    pub merchant_reference: Option<String>,
    /// Why it failed or was cancelled.
    pub failure: Option<Failure>,
    /// `externalResultCode` (a rejection's reason is stored here).
    pub external_result_code: Option<String>,
    /// When the gateway created it.
    pub created_at: Option<OffsetDateTime>,
}

/// A request to pay money out (`paymentType: WITHDRAWAL`).
#[derive(Debug, Clone)]
pub struct CreateWithdrawal {
    /// Amount to pay out; must be positive.
    pub amount: Money,
    /// Your reference; also how an ambiguous failure is recovered (make it unique).
    pub merchant_reference: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `paymentMethod` (`BASIC_CARD`, `PIX`, `IMPS`...); a card payout sends `BASIC_CARD`.
    pub payment_method: Option<String>,
    /// The card to pay out to (its CVC is not sent).
    pub card: Option<Card>,
    /// The beneficiary (bank account, documents...).
    pub customer: Option<PaytechCustomer>,
    /// Billing address.
    pub billing: Option<Address>,
    /// `webhookUrl`.
    pub webhook_url: Option<String>,
    /// `additionalParameters`.
    pub additional_parameters: BTreeMap<String, String>,
    /// Sent as `referenceId` when no merchant reference is given; generated when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// `true` when this call repeats an earlier one made with the same `idempotency_key`
    /// whose outcome is unknown (see [`retrying`](Self::retrying)).
    pub is_retry: bool,
}

impl CreateWithdrawal {
    /// A withdrawal of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreateWithdrawal {
            amount,
            merchant_reference: None,
            description: None,
            payment_method: None,
            card: None,
            customer: None,
            billing: None,
            webhook_url: None,
            additional_parameters: BTreeMap::new(),
            idempotency_key: None,
            is_retry: false,
        }
    }

    /// Sets the idempotency key (sent as `referenceId` when no merchant reference is given).
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Marks this call as a repeat of an earlier one made with `key` whose outcome is
    /// unknown: the withdrawal is first looked up by its `referenceId` and returned if the
    /// earlier call made it; only when none is found is it sent (see the crate docs,
    /// "Idempotency", and [`CreatePayment::retrying`]).
    pub fn retrying(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self.is_retry = true;
        self
    }

    /// Sets the merchant reference.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference = Some(reference.into());
        self
    }

    /// Sets the payment method word.
    pub fn with_payment_method(mut self, method: impl Into<String>) -> Self {
        self.payment_method = Some(method.into());
        self
    }

    /// Pays out to a card.
    pub fn with_card(mut self, card: Card) -> Self {
        self.card = Some(card);
        self
    }

    /// Sets the beneficiary.
    pub fn with_customer(mut self, customer: PaytechCustomer) -> Self {
        self.customer = Some(customer);
        self
    }
}

/// Filters of `GET /api/v1/payments` (all of them, including `updated.*`).
#[derive(Debug, Clone, Default)]
pub struct PaytechListQuery {
    /// Items to skip (0 to 1,000,000).
    pub offset: Option<u64>,
    /// Page size, clamped to 1..=1000 (gateway default 50).
    pub limit: Option<u32>,
    /// `created.gte` (the gateway defaults it to 24 hours ago).
    pub created_from: Option<OffsetDateTime>,
    /// `created.lt` (strictly before).
    pub created_before: Option<OffsetDateTime>,
    /// `updated.gte`.
    pub updated_from: Option<OffsetDateTime>,
    /// `updated.lt` (strictly before).
    pub updated_before: Option<OffsetDateTime>,
    /// `referenceId.eq`.
    pub reference_id: Option<String>,
}

/// What a recovery lookup must find to count as the payment we created.
struct Expected {
    payment_type: PaymentType,
    reference: String,
    amount: Money,
    parent: Option<String>,
}

impl Expected {
    fn matches(&self, r: &PaymentResult) -> bool {
        let type_ok = r.payment_type.as_deref().is_none_or(|t| t == self.payment_type.as_str());
        let reference_ok = r.reference_id.as_deref() == Some(self.reference.as_str());
        let parent_ok =
            self.parent.as_deref().is_none_or(|p| r.parent_payment_id.as_deref() == Some(p));
        type_ok && reference_ok && parent_ok && self.money_matches(r)
    }

    /// Either (`amount`, `currency`) or (`customerAmount`, `customerCurrency`) is ours; with no
    /// amount in the answer, the currency alone decides.
    fn money_matches(&self, r: &PaymentResult) -> bool {
        let code = self.amount.currency().code();
        let same = |raw: Option<&serde_json::value::RawValue>, cur: Option<&str>| match (raw, cur) {
            (Some(raw), Some(cur)) => Some(
                cur.eq_ignore_ascii_case(code)
                    && mapping::parse_amount(raw).is_ok_and(|d| d == self.amount.to_major()),
            ),
            _ => None,
        };
        let wire = same(r.amount.as_deref(), r.currency.as_deref());
        let customer = same(r.customer_amount.as_deref(), r.customer_currency.as_deref());
        match (wire, customer) {
            (None, None) => {
                [r.currency.as_deref(), r.customer_currency.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|c| c.eq_ignore_ascii_case(code))
                    || (r.currency.is_none() && r.customer_currency.is_none())
            }
            (a, b) => a == Some(true) || b == Some(true),
        }
    }
}

/// The pay.tech connector.
pub struct Paytech {
    id: ProviderId,
    client: Client,
    capabilities: Capabilities,
    signing_key: Option<SecretString>,
    recovery_lookback: Duration,
}

impl fmt::Debug for Paytech {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paytech")
            .field("id", &self.id)
            .field("client", &self.client)
            .field("signing_key", &self.signing_key.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

fn check_len(value: Option<&str>, max: usize, field: &str) -> Result<()> {
    match value {
        Some(v) if v.len() > max && v.chars().count() > max => {
            Err(Error::invalid_request(format!(
                "pay.tech takes at most {max} characters in {field}, got {}",
                v.chars().count()
            )))
        }
        _ => Ok(()),
    }
}

/// The longest customer `referenceId` pay.tech takes (`Customer.referenceId`, `maxLength`).
const MAX_CUSTOMER_ID_LEN: usize = 128;

/// The customer's `referenceId` (the merchant's id of the customer, from a saved customer or
/// [`PaytechCustomer::reference_id`]) is an id in the body: it follows the rule of ids in a
/// path ([`path_segment`](paymux_core::transport::path_segment), at most 128 characters).
fn check_customer(customer: Option<&PaytechCustomer>) -> Result<()> {
    if let Some(id) = customer.and_then(|c| c.reference_id.as_deref()) {
        paymux_core::transport::path_segment("customer referenceId", id, MAX_CUSTOMER_ID_LEN)?;
    }
    Ok(())
}

/// `+357 123123123` -> `357 123123123` (no `+`, space between country code and number).
fn wire_phone(phone: &Phone) -> String {
    format!("{} {}", phone.country_code.trim_start_matches('+'), phone.number)
}

fn billing_address(address: &Address) -> BillingAddress {
    BillingAddress {
        address_line1: address.line1.clone(),
        address_line2: address.line2.clone(),
        city: address.city.clone(),
        country_code: address.country.as_ref().map(|c| c.to_ascii_uppercase()),
        postal_code: address.postal_code.clone(),
        state: address.state.clone(),
    }
}

fn card_request(card: &Card, with_cvc: bool) -> CardRequest<'_> {
    CardRequest {
        card_number: paymux_core::connector::card_number(card),
        cardholder_name: card.holder_name.as_deref(),
        card_security_code: with_cvc.then(|| paymux_core::connector::card_cvc(card)),
        expiry_month: card.exp_month,
        expiry_year: card.exp_year,
    }
}

/// Fills the empty fields of the pay.tech customer from the core request.
fn merge_customer(
    base: Option<PaytechCustomer>,
    customer: Option<&PaymentCustomer>,
    billing: Option<&BillingDetails>,
) -> Option<PaytechCustomer> {
    if base.is_none() && customer.is_none() && billing.is_none() {
        return None;
    }
    let mut c = base.unwrap_or_default();
    match customer {
        Some(PaymentCustomer::Existing(id)) => {
            c.reference_id.get_or_insert_with(|| id.as_str().to_owned());
        }
        Some(PaymentCustomer::Inline(details)) => {
            if c.email.is_none() {
                c.email.clone_from(&details.email);
            }
            if c.phone.is_none() {
                c.phone = details.phone.as_ref().map(wire_phone);
            }
            if let (None, None, Some(name)) = (&c.first_name, &c.last_name, &details.name) {
                let name = name.trim();
                match name.rsplit_once(' ') {
                    Some((first, last)) => {
                        c.first_name = Some(first.trim().to_owned());
                        c.last_name = Some(last.to_owned());
                    }
                    None if !name.is_empty() => c.first_name = Some(name.to_owned()),
                    None => {}
                }
            }
        }
        None => {}
    }
    if let Some(b) = billing {
        if c.email.is_none() {
            c.email.clone_from(&b.email);
        }
        if c.phone.is_none() {
            c.phone = b.phone.as_ref().map(wire_phone);
        }
        if let Some(addr) = &b.address
            && c.first_name.is_none()
            && c.last_name.is_none()
        {
            c.first_name.clone_from(&addr.first_name);
            c.last_name.clone_from(&addr.last_name);
        }
    }
    (c != PaytechCustomer::default()).then_some(c)
}

impl Paytech {
    /// Builds the connector: refuses an empty API key or a bad base URL.
    pub fn new(config: PaytechConfig) -> Result<Self> {
        if config.api_key.expose_secret().trim().is_empty() {
            return Err(Error::configuration("pay.tech API key is empty"));
        }
        if config.signing_key.as_ref().is_some_and(|k| k.expose_secret().is_empty()) {
            return Err(Error::configuration("pay.tech signing key is empty"));
        }
        let id = config.connection.provider("paytech");
        let base_url = config.connection.base_url_or(config.environment.base_url());
        let mut transport = config.connection.transport_config(
            id.clone(),
            base_url,
            Auth::bearer(config.api_key.clone()),
        );
        transport.error_parser = Some(mapping::parse_error);
        let client = Client::new(HttpTransport::new(transport)?);
        let mut capabilities = Capabilities::only([
            Operation::CreatePayment,
            Operation::GetPayment,
            Operation::ConfirmPayment,
            Operation::CapturePayment,
            Operation::PartialCapture,
            Operation::CancelPayment,
            Operation::ListPayments,
            Operation::CreateRefund,
            Operation::PartialRefund,
            Operation::GetRefund,
        ]);
        if config.signing_key.is_some() {
            capabilities = capabilities.with(Operation::Webhooks);
        }
        Ok(Paytech {
            id,
            client,
            capabilities,
            signing_key: config.signing_key,
            recovery_lookback: config.recovery_lookback,
        })
    }

    /// Sends a create so that retrying it never makes two payments, although pay.tech has no
    /// idempotency keys. When the caller says the call is a retry (`is_retry`: it repeats an
    /// earlier call whose outcome is unknown), the payment is first looked up by `referenceId`
    /// and returned if found; if that lookup fails, nothing is sent and the error is
    /// outcome-unknown ([`retry_lookup_failed`]). Any other call is sent at once: one request.
    /// After an outcome-unknown failure of the send, the payment is looked up and returned if
    /// found; when it is not, the outcome-unknown error is returned rather than sending the
    /// create again: the gateway may still be processing the first request, and a blind second
    /// send could charge twice. Retrying the call later with `retrying(key)` is safe: the lookup
    /// comes first.
    ///
    /// Not an `async fn`, and the lookups are boxed: the future holds the started exchange
    /// and what a lookup must find, and none of the lookups' state, which only the rare
    /// paths need.
    #[allow(clippy::manual_async_fn, reason = "an async fn would keep its arguments twice")]
    fn create_recovering(
        &self,
        request: Request,
        expected: Expected,
        is_retry: bool,
    ) -> impl Future<Output = Result<Answer>> + Send + '_ {
        let operation = request.operation();
        // Not polled before the lookup below has answered.
        let sent = self.client.send(request, true);
        async move {
            // The clock as read, turned into a date only if a lookup needs it (rarely).
            let started = SystemTime::now();
            if is_retry {
                match Box::pin(self.find_created(&expected, started)).await {
                    Ok(Some(found)) => {
                        tracing::info!(provider = %self.id, id = %found.id, "create already made; returning it");
                        return Ok(found);
                    }
                    Ok(None) => {}
                    Err(lookup) => return Err(retry_lookup_failed(&self.id, operation, lookup)),
                }
            }
            match sent.await {
                Err(first) if first.is_outcome_unknown() => {
                    Box::pin(self.recover_created(operation, first, &expected, started)).await
                }
                other => other,
            }
        }
    }

    /// After a create whose outcome is unknown: the payment if a lookup finds it, else `first`.
    async fn recover_created(
        &self,
        operation: &str,
        first: Error,
        expected: &Expected,
        started: SystemTime,
    ) -> Result<Answer> {
        tracing::warn!(
            provider = %self.id, operation, error = %first,
            "create outcome unknown; looking it up by referenceId"
        );
        match Box::pin(self.find_created(expected, started)).await {
            Ok(Some(result)) => {
                tracing::info!(provider = %self.id, id = %result.id, "recovered created payment");
                Ok(result)
            }
            Ok(None) => Err(first),
            Err(lookup) => {
                tracing::warn!(provider = %self.id, error = %lookup, "recovery lookup failed");
                Err(first)
            }
        }
    }

    /// The payment matching `expected`, created at most `recovery_lookback` before `started`.
    async fn find_created(
        &self,
        expected: &Expected,
        started: SystemTime,
    ) -> Result<Option<Answer>> {
        let query = ListQuery {
            limit: Some(100),
            created_gte: Some(OffsetDateTime::from(started) - self.recovery_lookback),
            reference_id: Some(expected.reference.clone()),
            ..ListQuery::default()
        };
        let page = self.client.list(&query).await?;
        Ok(page.items.into_iter().find(|r| expected.matches(r)).map(Box::new))
    }

    /// Lists payments with every filter pay.tech has; deposits only (see the crate docs).
    pub async fn list_deposits(&self, query: PaytechListQuery) -> Result<Page<Payment>> {
        let offset = query.offset.unwrap_or(0);
        if offset > 1_000_000 {
            return Err(Error::invalid_request("pay.tech list offset must be at most 1000000"));
        }
        let q = ListQuery {
            offset: query.offset,
            limit: query.limit.map(|l| l.clamp(1, 1000)),
            created_gte: query.created_from,
            created_lt: query.created_before,
            updated_gte: query.updated_from,
            updated_lt: query.updated_before,
            reference_id: query.reference_id,
        };
        let answer = self.client.list(&q).await?;
        let count = u64::try_from(answer.items.len()).unwrap_or(u64::MAX);
        let items = answer
            .items
            .into_iter()
            .filter(|r| r.payment_type.as_deref().is_none_or(|t| t == "DEPOSIT"))
            .map(|r| mapping::to_payment(&self.id, r, None, false))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.with_provider(self.id.clone()))?;
        Ok(Page {
            items,
            has_more: answer.has_more,
            next: answer.has_more.then(|| PageCursor::Offset(offset.saturating_add(count))),
            total: None,
        })
    }

    /// Creates a withdrawal (`paymentType: WITHDRAWAL`), recovered like a deposit after an
    /// ambiguous failure. Withdrawals start `PENDING`; some wait in `AWAITING_APPROVAL`.
    pub async fn create_withdrawal(&self, req: CreateWithdrawal) -> Result<Withdrawal> {
        check_amount_and_lengths(
            req.amount,
            req.merchant_reference.as_deref(),
            req.description.as_deref(),
            None,
            req.webhook_url.as_deref(),
        )?;
        let customer = req.customer.clone().filter(|c| *c != PaytechCustomer::default());
        check_customer(customer.as_ref())?;
        let reference =
            reference_or_key(req.merchant_reference.as_ref(), req.idempotency_key.as_ref());
        let body = PaymentRequest {
            reference_id: Some(&reference),
            payment_type: PaymentType::Withdrawal,
            payment_method: req
                .payment_method
                .as_deref()
                .or_else(|| req.card.as_ref().map(|_| "BASIC_CARD")),
            amount: Some(mapping::amount_token(req.amount)?),
            currency: req.amount.currency().code(),
            parent_payment_id: None,
            description: req.description.as_deref(),
            card: req.card.as_ref().map(|c| card_request(c, false)),
            customer,
            billing_address: req.billing.as_ref().map(billing_address),
            return_url: None,
            webhook_url: req.webhook_url.as_deref(),
            start_recurring: None,
            pre_auth: None,
            recurring_token: None,
            additional_parameters: (!req.additional_parameters.is_empty())
                .then_some(&req.additional_parameters),
            checkout_style: None,
        };
        let request = client::create_request("create_withdrawal", &body)?;
        let expected = Expected {
            payment_type: PaymentType::Withdrawal,
            reference,
            amount: req.amount,
            parent: None,
        };
        let result = self.create_recovering(request, expected, req.is_retry).await?;
        mapping::to_withdrawal(&self.id, &result, Some(req.amount))
            .map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Fetches a withdrawal; `InvalidRequest` if the id is another payment type.
    pub async fn get_withdrawal(&self, id: &PaymentId) -> Result<Withdrawal> {
        let result = self.client.get("get_withdrawal", id.as_str()).await?;
        self.expect_type(&result, PaymentType::Withdrawal)?;
        mapping::to_withdrawal(&self.id, &result, None)
            .map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Approves a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/approve`).
    pub async fn approve_withdrawal(&self, id: &PaymentId) -> Result<Withdrawal> {
        let result = self.client.approve(id.as_str()).await?;
        mapping::to_withdrawal(&self.id, &result, None)
            .map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Rejects a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/reject`); it
    /// becomes `CANCELLED`, and the reason is stored as its external result code.
    pub async fn reject_withdrawal(
        &self,
        id: &PaymentId,
        reason: Option<String>,
    ) -> Result<Withdrawal> {
        let body = RejectPaymentRequest { reject_reason: reason };
        let result = self.client.reject(id.as_str(), &body).await?;
        mapping::to_withdrawal(&self.id, &result, None)
            .map_err(|e| e.with_provider(self.id.clone()))
    }

    fn expect_type(&self, r: &PaymentResult, want: PaymentType) -> Result<()> {
        match r.payment_type.as_deref() {
            Some(t) if t != want.as_str() => Err(Error::invalid_request(format!(
                "pay.tech payment {} is a {t}, not a {}",
                r.id,
                want.as_str()
            ))
            .with_provider(self.id.clone())),
            _ => Ok(()),
        }
    }
}

/// The deposit request of `create_payment`, checked and serialized, and what a recovery
/// lookup must find.
fn deposit_request(req: &CreatePayment) -> Result<(Request, Expected)> {
    req.validate()?;
    let no_options = PaytechDepositOptions::default();
    let ext = req.extensions.get::<PaytechDepositOptions>().unwrap_or(&no_options);
    check_amount_and_lengths(
        req.amount,
        req.merchant_reference.as_deref(),
        req.description.as_deref(),
        req.return_url.as_deref(),
        ext.webhook_url.as_deref(),
    )?;
    let reference = reference_or_key(req.merchant_reference.as_ref(), req.idempotency_key.as_ref());
    let card = match &req.payment_method {
        Some(PaymentMethod::Card(card)) => Some(card),
        _ => None,
    };
    let customer =
        merge_customer(ext.customer.clone(), req.customer.as_ref(), req.billing.as_ref());
    check_customer(customer.as_ref())?;
    let body = PaymentRequest {
        reference_id: Some(&reference),
        payment_type: PaymentType::Deposit,
        payment_method: ext.payment_method.as_deref().or_else(|| card.map(|_| "BASIC_CARD")),
        amount: Some(mapping::amount_token(req.amount)?),
        currency: req.amount.currency().code(),
        parent_payment_id: None,
        description: req.description.as_deref(),
        card: card.map(|c| card_request(c, true)),
        customer,
        billing_address: req.billing.as_ref().and_then(|b| b.address.as_ref()).map(billing_address),
        return_url: req.return_url.as_deref(),
        webhook_url: ext.webhook_url.as_deref(),
        start_recurring: ext.start_recurring,
        pre_auth: (req.capture == paymux_core::CaptureMode::Manual).then_some(true),
        recurring_token: ext.recurring_token.as_deref(),
        additional_parameters: (!ext.additional_parameters.is_empty())
            .then_some(&ext.additional_parameters),
        checkout_style: ext.checkout_style.as_deref(),
    };
    let request = client::create_request("create_payment", &body)?;
    let expected = Expected {
        payment_type: PaymentType::Deposit,
        reference,
        amount: req.amount,
        parent: None,
    };
    Ok((request, expected))
}

/// The `referenceId` of a create: the merchant's reference, else the caller's idempotency key,
/// else a fresh key (made only then: pay.tech has no idempotency header to put one in).
fn reference_or_key(reference: Option<&String>, key: Option<&IdempotencyKey>) -> String {
    match (reference, key) {
        (Some(reference), _) => reference.clone(),
        (None, Some(key)) => key.as_str().to_owned(),
        (None, None) => IdempotencyKey::generate().into_inner(),
    }
}

/// The error of a retry whose lookup before sending failed: nothing was sent, and whether the
/// earlier call created the payment is still unknown, so the error is outcome-unknown whatever
/// the lookup's own failure (a router must not fall back to another gateway). It keeps the
/// lookup's kind and HTTP status (a timeout, an unavailable or refusing gateway) and the lookup
/// error as its source.
#[cold]
fn retry_lookup_failed(provider: &ProviderId, operation: &str, lookup: Error) -> Error {
    tracing::warn!(provider = %provider, operation, error = %lookup, "retry lookup failed; nothing sent");
    let mut err = Error::new(
        lookup.kind(),
        format!(
            "{operation} was not sent: it retries an earlier call, and looking up what that call \
             made failed ({}: {})",
            lookup.kind(),
            lookup.message()
        ),
    )
    .with_provider(provider.clone())
    .with_outcome_unknown();
    if let Some(status) = lookup.http_status() {
        err = err.with_http_status(status);
    }
    if let Some(wait) = lookup.retry_after() {
        err = err.with_retry_after(wait);
    }
    err.with_source(lookup)
}

fn check_amount_and_lengths(
    amount: Money,
    reference: Option<&str>,
    description: Option<&str>,
    return_url: Option<&str>,
    webhook_url: Option<&str>,
) -> Result<()> {
    mapping::check_amount(amount, "payment")?;
    check_len(reference, 256, "referenceId")?;
    check_len(description, 512, "description")?;
    check_len(return_url, 512, "returnUrl")?;
    check_len(webhook_url, 512, "webhookUrl")
}

#[async_trait]
impl PaymentProvider for Paytech {
    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// `POST /api/v1/payments` with `paymentType: DEPOSIT`. `confirm` makes no difference on
    /// the wire: the deposit starts in `CHECKOUT` with a `redirectUrl`; the host-to-host flow
    /// continues with `confirm_payment`. Manual capture sends `preAuth: true`.
    // Not an `async fn`: the request is checked and serialized before the future is boxed
    // (see `ProviderFuture`).
    fn create_payment<'s, 'f>(&'s self, req: CreatePayment) -> ProviderFuture<'f, Payment>
    where
        's: 'f,
    {
        let amount = req.amount;
        let is_retry = req.is_retry;
        let created = deposit_request(&req)
            .map(|(request, expected)| self.create_recovering(request, expected, is_retry));
        Box::pin(named_map(&self.id, created, move |result| {
            mapping::to_payment(&self.id, *result, Some(amount), false)
        }))
    }

    /// `GET /api/v1/payments/{id}`; `InvalidRequest` for a refund or withdrawal id.
    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        named(&self.id, async move {
            let result = self.client.get("get_payment", id.as_str()).await?;
            self.expect_type(&result, PaymentType::Deposit)?;
            mapping::to_payment(&self.id, *result, None, false)
        })
        .await
    }

    /// The host-to-host step: `PATCH /api/v1/payments/{id}` with `customerIp` (required) and
    /// the [`PaytechBrowserInfo`] extension. `externalRefs` come back as
    /// `NextAction::Instructions` (see [`external_refs`]).
    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        named(&self.id, async move {
            let Some(ip) = req.customer_ip else {
                return Err(Error::invalid_request(
                    "pay.tech's host-to-host step needs the customer's IP (ConfirmPayment::customer_ip)",
                ));
            };
            if req.payment_method.is_some() || req.billing.is_some() || req.return_url.is_some() {
                return Err(Error::invalid_request(
                    "pay.tech takes the payment method, billing details and return URL when the \
                     deposit is created; the host-to-host step takes only the customer's IP and browser",
                ));
            }
            check_id(id.as_str())?;
            let b = req.extensions.get::<PaytechBrowserInfo>().cloned().unwrap_or_default();
            let body = DepositPatchRequest {
                customer_ip: ip.to_string(),
                ip_country_code: b.ip_country_code,
                customer_user_agent: b.user_agent,
                browser_window_width: b.window_width,
                browser_window_height: b.window_height,
                browser_screen_width: b.screen_width,
                browser_screen_height: b.screen_height,
                browser_screen_color_depth: b.screen_color_depth,
                browser_language: b.language,
                browser_java_enabled: b.java_enabled,
                browser_timezone_offset: b.timezone_offset,
            };
            let result = self.client.execute_deposit(id.as_str(), &body).await?;
            mapping::to_payment(&self.id, *result, None, true)
        })
        .await
    }

    /// `POST /api/v1/payments/{id}/capture`, with `amount` for a partial capture (`{}` for a
    /// full one). Only an `AUTHORIZED` (pre-authorized) deposit can be captured.
    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        named(&self.id, async move {
            check_id(id.as_str())?;
            let amount = match req.amount {
                Some(m) => {
                    mapping::check_amount(m, "capture")?;
                    Some(mapping::amount_token(m)?)
                }
                None => None,
            };
            let result = self.client.capture(id.as_str(), &CaptureRequest { amount }).await?;
            mapping::to_payment(&self.id, *result, None, false)
        })
        .await
    }

    /// `POST /api/v1/payments/{id}/void` (pay.tech takes no reason).
    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        named(&self.id, async move {
            let _ = req;
            let result = self.client.void(id.as_str()).await?;
            mapping::to_payment(&self.id, *result, None, false)
        })
        .await
    }

    /// `GET /api/v1/payments`: `cursor` must be `PageCursor::Offset`; `created_to` is inclusive
    /// (sent as `created.lt` one second later, the gateway's precision).
    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        named(&self.id, async move {
            if query.status.is_some() {
                return Err(Error::invalid_request("pay.tech cannot filter payments by status"));
            }
            if query.customer.is_some() {
                return Err(Error::invalid_request("pay.tech cannot filter payments by customer"));
            }
            let offset = match query.cursor {
                None => None,
                Some(PageCursor::Offset(n)) => Some(n),
                Some(_) => {
                    return Err(Error::invalid_request(
                        "pay.tech pages by offset: use PageCursor::Offset",
                    ));
                }
            };
            let created_before = query
                .created_to
                .map(|t| t.replace_nanosecond(0).map(|t| t + time::Duration::SECOND))
                .transpose()
                .map_err(|e| Error::invalid_request(format!("created_to: {e}")))?;
            self.list_deposits(PaytechListQuery {
                offset,
                limit: query.limit,
                created_from: query.created_from,
                created_before,
                updated_from: None,
                updated_before: None,
                reference_id: query.merchant_reference,
            })
            .await
        })
        .await
    }

    /// `POST /api/v1/payments` with `paymentType: REFUND` and `parentPaymentId`. Without an
    /// amount, the parent is fetched first and its full `amount`/`currency` is refunded.
    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        named(&self.id, async move {
            check_id(req.payment_id.as_str())?;
            check_len(req.merchant_refund_id.as_deref(), 256, "referenceId")?;
            let amount = match req.amount {
                Some(m) => m,
                None => {
                    let parent = self.client.get("create_refund", req.payment_id.as_str()).await?;
                    match (parent.amount.as_deref(), parent.currency.as_deref()) {
                        (Some(raw), Some(cur)) => mapping::wire_money(raw, cur)?,
                        _ => {
                            return Err(Error::invalid_request(format!(
                                "payment {} has no amount to refund: give the refund an amount",
                                req.payment_id
                            )));
                        }
                    }
                }
            };
            mapping::check_amount(amount, "refund")?;
            let reference =
                reference_or_key(req.merchant_refund_id.as_ref(), req.idempotency_key.as_ref());
            let body = PaymentRequest {
                reference_id: Some(&reference),
                payment_type: PaymentType::Refund,
                payment_method: None,
                amount: Some(mapping::amount_token(amount)?),
                currency: amount.currency().code(),
                parent_payment_id: Some(req.payment_id.as_str()),
                description: None,
                card: None,
                customer: None,
                billing_address: None,
                return_url: None,
                webhook_url: None,
                start_recurring: None,
                pre_auth: None,
                recurring_token: None,
                additional_parameters: None,
                checkout_style: None,
            };
            let request = client::create_request("create_refund", &body)?;
            let expected = Expected {
                payment_type: PaymentType::Refund,
                reference,
                amount,
                parent: Some(req.payment_id.as_str().to_owned()),
            };
            let result = self.create_recovering(request, expected, req.is_retry).await?;
            let mut refund =
                mapping::to_refund(&self.id, &result, Some(amount), Some(&req.payment_id))?;
            refund.reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
            Ok(refund)
        })
        .await
    }

    /// `GET /api/v1/payments/{id}` of a `REFUND` payment; `InvalidRequest` for another type.
    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        named(&self.id, async move {
            let result = self.client.get("get_refund", id.as_str()).await?;
            self.expect_type(&result, PaymentType::Refund)?;
            mapping::to_refund(&self.id, &result, None, None)
        })
        .await
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        webhook::parse(&self.id, self.signing_key.as_ref(), headers, raw_body)
            .map_err(|e| e.or_provider(&self.id))
    }
}
