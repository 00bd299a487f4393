//! # paymux-paychtec
//!
//! The paymux connector for [Paychtec](https://docs.v2.paychtec.com/docs/INTEGRATION_API), a
//! gateway speaking the Hyperswitch API shape. Status words, the error body, webhook
//! verification and the payment/refund/customer answers are mapped by the shared
//! [`paymux_hyperswitch_family`] crate, so Paychtec and paymnt.cloud read them identically;
//! this crate owns the hosts, headers, routes and request payloads, which follow Paychtec's
//! own guide.
//!
//! ```no_run
//! use paymux_core::{
//!     Address, BillingDetails, Card, CreatePayment, Currency, CustomerDetails, Money,
//!     OrderLine, PaymentProvider, Phone, SecretString,
//! };
//! use paymux_paychtec::{Environment, Paychtec, PaychtecConfig};
//!
//! # async fn run() -> paymux_core::Result<()> {
//! let config = PaychtecConfig::new(
//!     SecretString::from(std::env::var("PAYCHTEC_API_KEY").unwrap_or_default()),
//!     Environment::Sandbox,
//!     "pro_YOUR_PROFILE_ID",
//! );
//! let paychtec = Paychtec::new(config)?;
//! let phone = Phone { country_code: "+1".into(), number: "6502530000".into() };
//! let price = Money::from_minor(6540, Currency::USD)?;
//! let payment = paychtec
//!     .create_payment(
//!         CreatePayment::new(price)
//!             .with_reference("order_123")
//!             .with_card(Card::new("4242424242424242", 12, 2028, "123")?)
//!             .with_billing(BillingDetails {
//!                 address: Some(Address { country: Some("US".into()), ..Default::default() }),
//!                 phone: Some(phone.clone()),
//!                 email: None,
//!             })
//!             .with_customer_details(CustomerDetails {
//!                 email: Some("customer@example.com".into()),
//!                 name: Some("Jane Customer".into()),
//!                 phone: Some(phone),
//!             })
//!             .with_order_line(OrderLine { name: "Premium plan".into(), quantity: 1, unit_amount: price }),
//!     )
//!     .await?;
//! println!("{} is {}", payment.id, payment.status);
//! # Ok(()) }
//! ```
//!
//! ## The guide's rules, made hard to break
//!
//! - **Keys and environments.** A `snd_` key only against sandbox, a `prd_` key only against
//!   production; any other pairing (or a key with neither prefix) is refused by
//!   [`Paychtec::new`] with [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration). A `base_url` override (tests, a
//!   local sandbox) is accepted with the sandbox environment only, so a production key can
//!   never be sent anywhere but `https://api.v2.paychtec.com`.
//! - **Headers.** `api-key` and `Content-Type: application/json` on every request;
//!   `X-Idempotency-Key` on every mutation (the caller's `idempotency_key`, else one generated
//!   once per call), the same on every retry of that call.
//! - **`profile_id`** from [`PaychtecConfig::profile_id`] on every `POST /payments`.
//! - **Order contents** go out as `order_details` (`name`, `quantity`, `amount` = unit price in
//!   minor units, `currency`); there is no way to send `items`, `line_items` or `cart_items`.
//! - **Customers.** `customer_id` is only sent from a core [`CustomerId`], which cannot be
//!   made from a plain string (it comes from [`PaymentProvider::create_customer`] or another
//!   answer, or explicitly through `CustomerId::from_stored`).
//!   [`PaymentCustomer::Inline`](paymux_core::PaymentCustomer) details go out top level as
//!   `email`, `name`, `phone`, `phone_country_code`.
//! - **Billing travels with the payment method.** Decision: on every request (create or
//!   confirm), `billing` is sent if and only if `payment_method_data` is. A card without
//!   billing, billing without a card, or billing without an address or a phone (the guide
//!   marks both required) is refused before any request with `InvalidRequest`. A one-step
//!   payment (`confirm: true`) without a payment method is refused too (the guide requires
//!   `payment_method` when confirming in the same request). For a two-step flow create with
//!   `with_confirm(false)` and pass card and billing to `confirm_payment`.
//! - **Ids** that go into a body (`payment_id`, `customer_id`, `profile_id`, a refund's
//!   `payment_id` and `refund_id`, list filters) are held to the rule of ids in a path
//!   ([`path_segment`](paymux_core::transport::path_segment): 1 to 64 letters, digits, `-`,
//!   `_`, `.`, `~`; 30 for `refund_id`) and refused with `InvalidRequest` before any request;
//!   a `profile_id` that is not such an id is refused by [`Paychtec::new`].
//! - **Amounts** above 999,999,999 minor units (the `MAX_ALLOWED_AMOUNT` of the Hyperswitch
//!   server, [`paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR`], shared with
//!   paymnt.cloud) are refused with `InvalidRequest` before any request: payments, updates,
//!   captures, refunds, order lines, payment links, payouts.
//! - **Refunds** carry a retry-safe `refund_id`: the caller's `merchant_refund_id` (1 to 30
//!   characters), else one derived from the call's idempotency key
//!   ([`mapping::refund_id_from_key`]); `reason` is free text of at most 255 characters;
//!   `refund_type` is `Instant` unless [`PaychtecRefundExt`] says `Scheduled`.
//!
//! ## Decisions where the guide is silent
//!
//! - The merchant reference travels as `metadata.order_id` (the guide's own example, which
//!   webhooks echo back), and is read back from there. A different `order_id` already in the
//!   metadata is refused.
//! - Cards go out with `payment_method_type: "credit"` unless [`PaychtecPaymentExt`] /
//!   [`PaychtecConfirmExt`] say [`CardType::Debit`]; `authentication_type` is only sent when an
//!   extension sets it; the expiry month is zero-padded (`"05"`).
//! - [`PaymentMethod::HostedPage`](paymux_core::PaymentMethod) is `Unsupported` on
//!   `create_payment`: Paychtec's hosted checkout is a payment link
//!   ([`Paychtec::create_payment_link`]).
//! - `CapturePayment::statement_descriptor` is the `statement_descriptor_suffix`; the prefix
//!   comes from [`PaychtecCaptureExt`]. The capture amount's currency is not checked against
//!   the payment's (that would cost a read before every capture): only the minor units go out.
//! - `ConfirmPayment::customer_ip` becomes `browser_info.ip_address`.
//! - The list routes are reads sent as `POST`: no `X-Idempotency-Key` is sent, and the
//!   transport may retry them. Lists page by offset ([`PageCursor::Offset`]); limit 1 to 100,
//!   default 10.
//! - Approve/reject review send `{}` (the guide names no review fields), or `{"reason"}` when a
//!   reason is given.
//! - Capabilities: every core operation. Webhooks are declared only when a webhook secret is
//!   configured; without one, `parse_webhook` answers [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration).
//!
//! ## Statuses, errors, declines (from the family crate)
//!
//! Payment words: `succeeded` and `partially_captured` -> `Succeeded`; `failed` -> `Failed`;
//! `cancelled`, `cancelled_post_capture` -> `Cancelled`; `requires_customer_action`,
//! `requires_redirection` -> `RequiresAction` with [`NextAction::Redirect`](paymux_core::NextAction::Redirect) from
//! `next_action.redirect_to_url`; `requires_payment_method`, `requires_confirmation`,
//! `requires_capture` (and `partially_authorized_and_requires_capture`) as named;
//! `partially_captured_and_capturable` -> `PartiallyCaptured`; `expired` -> `Expired`;
//! `processing`, `pending`, `requires_merchant_action`, `conflicted` and unknown words ->
//! `Processing`. Refund words: `succeeded`, `failed`, and `pending`/`review`/unknown ->
//! `Pending`. Errors `{"error": {type, code, message}}`: the HTTP status decides where it is
//! specific (401/403 authentication, 404, 409 conflict, 429, 5xx), else the `type`
//! (`processing_error` -> `Declined`). A decline recorded as a payment (`status: failed` with
//! `error_code`/`error_message`) is `Ok` with a [`Failure`](paymux_core::Failure) whose
//! normalized code follows this table (the gateway's code is always kept):
//!
//! | `error_code` | `DeclineCode` |
//! |---|---|
//! | a core word (`card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `invalid_cvc`, `incorrect_number`, `invalid_number`, `invalid_expiry_date`, `incorrect_zip`, `incorrect_address`, `incorrect_pin`, `processing_error`, `call_issuer`, `pick_up_card`, `config_error`, `test_mode_live_card`, `unsupported_feature`, `invalid_amount`, `fraud_suspected`, `authentication_required`), any case | the same word |
//! | `do_not_honor`, `do_not_honour`, `generic_decline`, `declined` | `card_declined` |
//! | `lost_card`, `stolen_card`, `pickup_card` | `pick_up_card` |
//! | `fraudulent`, `suspected_fraud` | `fraud_suspected` |
//! | anything else | none (only `gateway_code`) |

pub mod client;
pub mod mapping;
mod webhook;
pub mod wire;

use paymux_core::transport::{Auth, ConnectionSettings, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CaptureMode, CapturePayment, ConfirmPayment, CreateCustomer,
    CreatePayment, CreateRefund, Currency, Customer, CustomerDetails, CustomerId, Error,
    ExposeSecret, IdempotencyKey, ListPayments, Metadata, Money, Operation, OrderLine, Page,
    PageCursor, Payment, PaymentId, PaymentProvider, ProviderFuture, ProviderId, Refund, RefundId,
    Result, SecretString, WebhookEvent, async_trait,
};
use paymux_core::{named, named_map};
use paymux_hyperswitch_family as family;
use time::OffsetDateTime;

pub use client::PaychtecClient;

/// Sandbox host.
pub const SANDBOX_URL: &str = "https://api.sandbox.paychtec.com";
/// Production host.
pub const PRODUCTION_URL: &str = "https://api.v2.paychtec.com";

/// Which Paychtec environment a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `https://api.sandbox.paychtec.com`, keys `snd_...`.
    Sandbox,
    /// `https://api.v2.paychtec.com`, keys `prd_...`.
    Production,
}

impl Environment {
    /// The environment's host.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => SANDBOX_URL,
            Environment::Production => PRODUCTION_URL,
        }
    }

    /// The prefix its API keys carry.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Environment::Sandbox => "snd_",
            Environment::Production => "prd_",
        }
    }
}

/// Settings of one Paychtec connector instance. `Debug` never shows the key or the secret.
#[derive(Debug, Clone)]
pub struct PaychtecConfig {
    /// The secret API key (`snd_...` for sandbox, `prd_...` for production).
    pub api_key: SecretString,
    /// Sandbox or production.
    pub environment: Environment,
    /// The merchant business profile sent as `profile_id` on every payment.
    pub profile_id: String,
    /// The payment response hash key that signs webhooks; `None` disables `parse_webhook`.
    pub webhook_secret: Option<SecretString>,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connection_builders!(PaychtecConfig);

impl PaychtecConfig {
    /// A configuration with default retries and timeouts (30 s, connect 10 s).
    pub fn new(
        api_key: SecretString,
        environment: Environment,
        profile_id: impl Into<String>,
    ) -> Self {
        PaychtecConfig {
            connection: ConnectionSettings::default(),
            api_key,
            environment,
            profile_id: profile_id.into(),
            webhook_secret: None,
        }
    }

    /// Sets the webhook signing secret (the payment response hash key).
    pub fn with_webhook_secret(mut self, secret: SecretString) -> Self {
        self.webhook_secret = Some(secret);
        self
    }

    /// Checks the configuration: key prefix against environment, base URL override only in
    /// sandbox, a profile id that is an id (1 to 64 letters, digits, `-`, `_`, `.`, `~`: it
    /// goes into every payment body) and a non-empty webhook secret.
    pub fn validate(&self) -> Result<()> {
        let key = self.api_key.expose_secret();
        let expected = self.environment.key_prefix();
        if !key.starts_with(expected) {
            let what = match self.environment {
                Environment::Sandbox => "the sandbox environment needs a sandbox key (snd_...)",
                Environment::Production => {
                    "the production environment needs a production key (prd_...)"
                }
            };
            return Err(Error::configuration(format!(
                "Paychtec API key does not match its environment: {what}"
            )));
        }
        if key.len() <= expected.len() {
            return Err(Error::configuration("Paychtec API key is empty after its prefix"));
        }
        if self.connection.base_url.is_some() && self.environment == Environment::Production {
            return Err(Error::configuration(
                "a base_url override is allowed with the sandbox environment only",
            ));
        }
        if self.profile_id.trim().is_empty() {
            return Err(Error::configuration("Paychtec profile_id must not be empty"));
        }
        // It goes into every payment body: held to the rule of any id sent.
        family::mapping::check_id("Paychtec profile_id", &self.profile_id)
            .map_err(|e| Error::configuration(e.message()))?;
        if self.webhook_secret.as_ref().is_some_and(|s| s.expose_secret().is_empty()) {
            return Err(Error::configuration("Paychtec webhook secret must not be empty"));
        }
        Ok(())
    }

    /// The host requests go to.
    pub fn resolved_base_url(&self) -> &str {
        self.connection.base_url.as_deref().unwrap_or(self.environment.base_url())
    }
}

/// Paychtec's `authentication_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticationType {
    /// `three_ds`.
    ThreeDs,
    /// `no_three_ds`.
    NoThreeDs,
}

impl AuthenticationType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthenticationType::ThreeDs => "three_ds",
            AuthenticationType::NoThreeDs => "no_three_ds",
        }
    }
}

pub use mapping::CardType;

/// Paychtec-only options of `create_payment` (`CreatePayment::with_extension`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecPaymentExt {
    /// A merchant-chosen `payment_id` (the guide recommends one for reconciliation).
    pub payment_id: Option<String>,
    /// `three_ds` or `no_three_ds`; omitted (the profile's default) when `None`.
    pub authentication_type: Option<AuthenticationType>,
    /// Credit or debit card; credit when `None`.
    pub card_type: Option<CardType>,
    /// Browser details for 3-D Secure.
    pub browser_info: Option<wire::BrowserInfo>,
}

impl paymux_core::GatewayOptions for PaychtecPaymentExt {
    const GATEWAY: &'static str = "paychtec";
}

/// Paychtec-only options of `confirm_payment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecConfirmExt {
    /// Credit or debit card; credit when `None`.
    pub card_type: Option<CardType>,
    /// Browser details for 3-D Secure.
    pub browser_info: Option<wire::BrowserInfo>,
}

impl paymux_core::GatewayOptions for PaychtecConfirmExt {
    const GATEWAY: &'static str = "paychtec";
}

/// Paychtec-only options of `capture_payment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecCaptureExt {
    /// `statement_descriptor_prefix`.
    pub statement_descriptor_prefix: Option<String>,
    /// `statement_descriptor_suffix` (or use `CapturePayment::statement_descriptor`).
    pub statement_descriptor_suffix: Option<String>,
}

impl paymux_core::GatewayOptions for PaychtecCaptureExt {
    const GATEWAY: &'static str = "paychtec";
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

/// Paychtec-only options of `create_refund`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecRefundExt {
    /// `Instant` or `Scheduled`.
    pub refund_type: RefundType,
}

impl paymux_core::GatewayOptions for PaychtecRefundExt {
    const GATEWAY: &'static str = "paychtec";
}

/// Paychtec-only options of `create_customer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaychtecCustomerExt {
    /// A merchant-supplied customer id for `POST /customers` (use the id Paychtec returns
    /// afterwards).
    pub customer_id: Option<String>,
}

impl paymux_core::GatewayOptions for PaychtecCustomerExt {
    const GATEWAY: &'static str = "paychtec";
}

/// Fields to change on a payment before confirmation (`POST /payments/:id`).
#[derive(Debug, Clone, Default)]
pub struct UpdatePayment {
    /// New amount.
    pub amount: Option<Money>,
    /// New capture mode.
    pub capture: Option<CaptureMode>,
    /// New description.
    pub description: Option<String>,
    /// New return URL.
    pub return_url: Option<String>,
    /// New one-off customer details (top-level `email`, `name`, `phone`, `phone_country_code`).
    pub customer_details: Option<CustomerDetails>,
    /// New order contents.
    pub order_lines: Option<Vec<OrderLine>>,
    /// New metadata.
    pub metadata: Option<Metadata>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// `POST /payments/list` filters: the core ones plus `currency`.
#[derive(Debug, Clone, Default)]
pub struct PaymentListQuery {
    /// Limit, offset cursor, status, customer, creation window.
    pub list: ListPayments,
    /// Only payments in this currency.
    pub currency: Option<Currency>,
}

/// `POST /refunds/list` filters.
#[derive(Debug, Clone, Default)]
pub struct RefundListQuery {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, 1 to 100 (default 10).
    pub limit: Option<u32>,
    /// The `next` of the previous page ([`PageCursor::Offset`]).
    pub cursor: Option<PageCursor>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before.
    pub created_to: Option<OffsetDateTime>,
}

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
    pub config: Option<wire::PaymentLinkConfig>,
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

/// A payout request (`POST /payouts/create`).
#[derive(Debug, Clone)]
pub struct CreatePayout {
    /// Amount.
    pub amount: Money,
    /// The receiving customer, from the Customers API.
    pub customer: Option<CustomerId>,
    /// `bank`, `card`, `wallet`.
    pub payout_type: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Metadata.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreatePayout {
    /// A payout of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreatePayout {
            amount,
            customer: None,
            payout_type: None,
            description: None,
            metadata: Metadata::new(),
            idempotency_key: None,
        }
    }
}

/// The Paychtec connector.
#[derive(Debug, Clone)]
pub struct Paychtec {
    client: PaychtecClient,
    provider: ProviderId,
    profile_id: String,
    webhook_secret: Option<SecretString>,
    capabilities: Capabilities,
}

/// A customer id for a request body, checked like any id sent ([`family::mapping::check_id`]).
fn customer_id(customer: Option<CustomerId>) -> Result<Option<String>> {
    match customer {
        Some(id) => {
            family::mapping::check_id("customer_id", id.as_str())?;
            Ok(Some(id.into_inner()))
        }
        None => Ok(None),
    }
}

fn key_or_new(key: Option<&IdempotencyKey>) -> IdempotencyKey {
    key.cloned().unwrap_or_else(IdempotencyKey::generate)
}

fn offset_of(cursor: Option<&PageCursor>) -> Result<u64> {
    match cursor {
        None => Ok(0),
        Some(PageCursor::Offset(n)) => Ok(*n),
        Some(_) => Err(Error::invalid_request(
            "Paychtec pages by offset: pass the `next` cursor of the previous page",
        )),
    }
}

fn limit_of(limit: Option<u32>) -> u32 {
    limit.unwrap_or(family::mapping::DEFAULT_LIST_LIMIT).clamp(1, family::mapping::MAX_LIST_LIMIT)
}

impl Paychtec {
    /// Builds the connector; refuses a configuration that fails
    /// [`PaychtecConfig::validate`] with [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration)(paymux_core::ErrorKind).
    pub fn new(config: PaychtecConfig) -> Result<Self> {
        config.validate()?;
        let provider = config.connection.provider("paychtec");
        let mut tc = config.connection.transport_config(
            provider.clone(),
            config.resolved_base_url(),
            Auth::header("api-key", config.api_key.clone())?,
        );
        tc.error_parser = Some(family::parse_error);
        tc.default_headers
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        let transport = HttpTransport::new(tc)?;
        let mut capabilities = Capabilities::all();
        if config.webhook_secret.is_none() {
            capabilities = capabilities.without(Operation::Webhooks);
        }
        Ok(Paychtec {
            client: PaychtecClient::new(transport),
            provider,
            profile_id: config.profile_id,
            webhook_secret: config.webhook_secret,
            capabilities,
        })
    }

    /// The raw route client, for calls this type does not wrap.
    pub fn client(&self) -> &PaychtecClient {
        &self.client
    }

    fn payment(&self, wire: &family::wire::PaymentResponse) -> Result<Payment> {
        mapping::payment_from_wire(&self.provider, wire)
    }

    /// Changes a payment before confirmation (`POST /payments/:id`).
    pub async fn update_payment(&self, id: &PaymentId, req: UpdatePayment) -> Result<Payment> {
        if req.amount.is_some_and(|a| a.is_zero()) {
            return Err(Error::invalid_request("payment amount must be positive"));
        }
        let amount = req.amount.map(|a| family::mapping::wire_amount(a, "payment")).transpose()?;
        if let Some(amount) = req.amount {
            let lines = req.order_lines.as_deref().unwrap_or_default();
            if let Some(line) = lines.iter().find(|l| l.unit_amount.currency() != amount.currency())
            {
                return Err(Error::invalid_request(format!(
                    "order line {:?} is in {} but the payment is in {}",
                    line.name,
                    line.unit_amount.currency().code(),
                    amount.currency().code()
                )));
            }
        }
        let details = req.customer_details.clone().unwrap_or_default();
        let body = wire::PaymentUpdateRequest {
            amount,
            currency: req.amount.map(|a| a.currency().code().to_owned()),
            capture_method: req.capture.map(|c| family::mapping::capture_method_word(c).to_owned()),
            description: req.description.clone(),
            return_url: req.return_url.clone(),
            email: details.email.clone(),
            name: details.name.clone(),
            phone: details.phone.as_ref().map(|p| p.number.clone()),
            phone_country_code: details.phone.as_ref().map(|p| p.country_code.clone()),
            order_details: match &req.order_lines {
                Some(lines) => mapping::order_details(lines)?,
                None => None,
            },
            metadata: req.metadata.clone(),
        };
        let key = key_or_new(req.idempotency_key.as_ref());
        let wire = self.client.update_payment(id.as_str(), &body, key).await?;
        self.payment(&wire)
    }

    /// Approves a payment held for review (`POST /payments/:id/approve`).
    pub async fn approve_payment(
        &self,
        id: &PaymentId,
        reason: Option<String>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        let body = wire::PaymentReviewRequest { reason };
        let key = key_or_new(idempotency_key.as_ref());
        let wire = self.client.approve_payment(id.as_str(), &body, key).await?;
        self.payment(&wire)
    }

    /// Rejects a payment held for review (`POST /payments/:id/reject`).
    pub async fn reject_payment(
        &self,
        id: &PaymentId,
        reason: Option<String>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        let body = wire::PaymentReviewRequest { reason };
        let key = key_or_new(idempotency_key.as_ref());
        let wire = self.client.reject_payment(id.as_str(), &body, key).await?;
        self.payment(&wire)
    }

    /// Lists payments with every filter `POST /payments/list` takes, `currency` included.
    pub async fn list_payments_filtered(&self, query: PaymentListQuery) -> Result<Page<Payment>> {
        let mut body = family::list_request(&query.list)?;
        body.currency = query.currency.map(|c| c.code().to_owned());
        let offset = body.offset.unwrap_or(0);
        let limit = body.limit;
        let list = self.client.list_payments(&body).await?;
        family::page_from_list(&list, offset, limit, |w| self.payment(w))
    }

    /// Lists refunds (`POST /refunds/list`).
    pub async fn list_refunds(&self, query: RefundListQuery) -> Result<Page<Refund>> {
        let offset = offset_of(query.cursor.as_ref())?;
        let limit = limit_of(query.limit);
        if let Some(id) = &query.payment_id {
            family::mapping::check_id("payment_id", id.as_str())?;
        }
        let body = wire::RefundListRequest {
            payment_id: query.payment_id.map(|p| p.into_inner()),
            limit: Some(limit),
            offset: query.cursor.is_some().then_some(offset),
            created_gte: query.created_from.map(family::mapping::format_time).transpose()?,
            created_lte: query.created_to.map(family::mapping::format_time).transpose()?,
        };
        let list = self.client.list_refunds(&body).await?;
        family::page_from_list(&list, offset, limit, |w| {
            family::refund_from_wire(&self.provider, w)
        })
    }

    /// Changes a saved customer (`POST /customers/:id`); only the fields set are sent.
    pub async fn update_customer(&self, id: &CustomerId, req: CreateCustomer) -> Result<Customer> {
        let body = mapping::customer_request(&req, false)?;
        let key = key_or_new(req.idempotency_key.as_ref());
        let wire = self.client.update_customer(id.as_str(), &body, key).await?;
        Ok(family::customer_from_wire(&self.provider, &wire))
    }

    /// Deletes a saved customer (`DELETE /customers/:id`).
    pub async fn delete_customer(
        &self,
        id: &CustomerId,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<wire::CustomerDeleteResponse> {
        self.client.delete_customer(id.as_str(), key_or_new(idempotency_key.as_ref())).await
    }

    /// Lists saved customers (`GET /customers/list?limit=&offset=`). The answer has no total,
    /// so `has_more` means "the page was full".
    pub async fn list_customers(
        &self,
        limit: Option<u32>,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Customer>> {
        let offset = offset_of(cursor.as_ref())?;
        let limit = limit_of(limit);
        let list = self
            .client
            .list_customers(Some(limit), cursor.is_some().then_some(offset))
            .await?
            .into_vec();
        let list = family::wire::ListResponse { count: None, total_count: None, data: list };
        family::page_from_list(&list, offset, limit, |w| {
            Ok(family::customer_from_wire(&self.provider, w))
        })
    }

    /// Creates a payment link (`POST /payment_link`), Paychtec's hosted checkout.
    pub async fn create_payment_link(
        &self,
        req: CreatePaymentLink,
    ) -> Result<wire::PaymentLinkResponse> {
        if req.amount.is_zero() {
            return Err(Error::invalid_request("payment link amount must be positive"));
        }
        let amount = family::mapping::wire_amount(req.amount, "payment link")?;
        let customer_id = customer_id(req.customer)?;
        let body = wire::PaymentLinkCreateRequest {
            amount,
            currency: req.amount.currency().code().to_owned(),
            description: req.description,
            link_type: req.link_type,
            expiry: req.expiry.map(family::mapping::format_time).transpose()?,
            customer_id,
            send_email: req.send_email,
            email: req.email,
            capture_method: req.capture.map(|c| family::mapping::capture_method_word(c).to_owned()),
            authentication_type: req.authentication_type.map(|a| a.as_str().to_owned()),
            require_customer_info: req.require_customer_info,
            payment_link_config: req.config,
        };
        let key = key_or_new(req.idempotency_key.as_ref());
        self.client.create_payment_link(&body, key).await
    }

    /// Fetches a payment link (`GET /payment_link/:id`).
    pub async fn get_payment_link(&self, id: &str) -> Result<wire::PaymentLinkResponse> {
        self.client.get_payment_link(id).await
    }

    /// Creates a payout (`POST /payouts/create`); availability depends on the account.
    pub async fn create_payout(&self, req: CreatePayout) -> Result<wire::PayoutResponse> {
        if req.amount.is_zero() {
            return Err(Error::invalid_request("payout amount must be positive"));
        }
        let body = wire::PayoutCreateRequest {
            amount: family::mapping::wire_amount(req.amount, "payout")?,
            currency: req.amount.currency().code().to_owned(),
            customer_id: customer_id(req.customer)?,
            payout_type: req.payout_type,
            description: req.description,
            metadata: (!req.metadata.is_empty()).then_some(req.metadata),
        };
        let key = key_or_new(req.idempotency_key.as_ref());
        self.client.create_payout(&body, key).await
    }

    /// Fetches a payout (`GET /payouts/:id`).
    pub async fn get_payout(&self, id: &str) -> Result<wire::PayoutResponse> {
        self.client.get_payout(id).await
    }

    /// Lists disputes (`GET /disputes/list`).
    pub async fn list_disputes(
        &self,
        query: &wire::DisputeListQuery,
    ) -> Result<Vec<wire::DisputeResponse>> {
        Ok(self.client.list_disputes(query).await?.into_vec())
    }

    /// Fetches a dispute (`GET /disputes/:id`).
    pub async fn get_dispute(&self, id: &str) -> Result<wire::DisputeResponse> {
        self.client.get_dispute(id).await
    }
}

#[async_trait]
impl PaymentProvider for Paychtec {
    fn id(&self) -> &ProviderId {
        &self.provider
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    // Not an `async fn`: the request is checked and serialized before the future is boxed
    // (see `ProviderFuture`).
    fn create_payment<'s, 'f>(&'s self, req: CreatePayment) -> ProviderFuture<'f, Payment>
    where
        's: 'f,
    {
        let created = mapping::payment_create_request(&req, &self.profile_id).map(|body| {
            self.client.create_payment(&body, key_or_new(req.idempotency_key.as_ref()))
        });
        Box::pin(named_map(&self.provider, created, move |wire| self.payment(&wire)))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        named(&self.provider, async move {
            let wire = self.client.get_payment(id.as_str()).await?;
            self.payment(&wire)
        })
        .await
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        named(&self.provider, async move {
            let body = mapping::payment_confirm_request(&req)?;
            let key = key_or_new(req.idempotency_key.as_ref());
            let wire = self.client.confirm_payment(id.as_str(), &body, key).await?;
            self.payment(&wire)
        })
        .await
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        named(&self.provider, async move {
            let body = mapping::payment_capture_request(&req)?;
            let key = key_or_new(req.idempotency_key.as_ref());
            let wire = self.client.capture_payment(id.as_str(), &body, key).await?;
            self.payment(&wire)
        })
        .await
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        named(&self.provider, async move {
            let body = mapping::payment_cancel_request(&req);
            let key = key_or_new(req.idempotency_key.as_ref());
            let wire = self.client.cancel_payment(id.as_str(), &body, key).await?;
            self.payment(&wire)
        })
        .await
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        named(&self.provider, async move {
            self.list_payments_filtered(PaymentListQuery { list: query, currency: None }).await
        })
        .await
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        named(&self.provider, async move {
            let key = key_or_new(req.idempotency_key.as_ref());
            let body = mapping::refund_create_request(&req, &key)?;
            let wire = self.client.create_refund(&body, key).await?;
            let mut refund = family::refund_from_wire(&self.provider, &wire)?;
            refund.merchant_refund_id = body.refund_id;
            Ok(refund)
        })
        .await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        named(&self.provider, async move {
            let wire = self.client.get_refund(id.as_str()).await?;
            family::refund_from_wire(&self.provider, &wire)
        })
        .await
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        named(&self.provider, async move {
            let body = mapping::customer_request(&req, true)?;
            let key = key_or_new(req.idempotency_key.as_ref());
            let wire = self.client.create_customer(&body, key).await?;
            Ok(family::customer_from_wire(&self.provider, &wire))
        })
        .await
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        named(&self.provider, async move {
            let wire = self.client.get_customer(id.as_str()).await?;
            Ok(family::customer_from_wire(&self.provider, &wire))
        })
        .await
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let Some(secret) = &self.webhook_secret else {
            return Err(Error::configuration(
                "no Paychtec webhook secret configured (PaychtecConfig::with_webhook_secret)",
            )
            .with_provider(self.provider.clone()));
        };
        webhook::parse(&self.provider, secret, headers, raw_body)
    }
}
