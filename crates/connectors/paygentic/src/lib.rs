//! # paymux-paygentic
//!
//! The paymux connector for [Paygentic](https://paygentic.io) payments (`/v0/payments`): a
//! hosted payment page per payment, paid by the customer at `paymentUrl`.
//!
//! ```no_run
//! use paymux::{CreatePayment, Currency, Money, NextAction, PaymentProvider, SecretString};
//! use paymux::paygentic::{Environment, Paygentic, PaygenticConfig, PaygenticPaymentOptions};
//!
//! # async fn run() -> paymux::Result<()> {
//! let gateway = Paygentic::new(PaygenticConfig::new(
//!     SecretString::from("sk_test_123"),
//!     Environment::Sandbox,
//! ))?;
//! let req = CreatePayment::new(Money::from_minor(1050, Currency::USD)?)
//!     .with_reference("Order #12345")
//!     .with_return_url("https://example.com/success")
//!     .with_options(PaygenticPaymentOptions {
//!         expires_in: Some(std::time::Duration::from_secs(7 * 86_400)),
//!         ..PaygenticPaymentOptions::default()
//!     });
//! let payment = gateway.create_payment(req).await?;
//! if let Some(NextAction::Redirect { url }) = &payment.next_action {
//!     println!("send the customer to {url}");
//! }
//! # Ok(()) }
//! ```
//!
//! ## What Paygentic has, and what it lacks
//!
//! Create (`POST /v0/payments`), get (`GET /v0/payments/{id}`), list (`GET /v0/payments`,
//! offset pagination) and webhooks (through Svix). There is no confirm, capture, cancel,
//! refund or customer endpoint: those operations are absent from
//! [`capabilities`](paymux_core::PaymentProvider::capabilities) and return
//! [`ErrorKind::Unsupported`](paymux_core::ErrorKind::Unsupported) without sending anything.
//! Payments are accepted in USD, EUR, GBP and AUD only. [`Paygentic::fetch_payment`] reads
//! what the core model does not carry (`expiresAt`, `lineItems`).
//!
//! ## Checked before any request (an `InvalidRequest`, nothing sent)
//!
//! - amount 1.00 to 5,000.00 ([`MIN_AMOUNT_MINOR`], [`MAX_AMOUNT_MINOR`]), in USD, EUR, GBP
//!   or AUD; sent as a two-decimal string (`"10.50"`);
//! - at most 100 order lines, each with a quantity of at least 1;
//! - merchant reference and idempotency key at most 255 characters;
//! - ids sent in the body or the query (`customerId`, `merchantId`) follow the rule of ids in
//!   a path ([`path_segment`](paymux_core::transport::path_segment): 1 to 255 letters, digits,
//!   `-`, `_`, `.`, `~`); a configured merchant id that is not one is refused by
//!   [`Paygentic::new`];
//! - `expires_in` (see [`PaygenticPaymentOptions`]) positive, whole seconds, at most 31 days;
//!   sent as an ISO 8601 duration (`P7D`, `PT1H`, `P1DT2H30M`);
//! - a card payment method is refused (Paygentic only offers its hosted page), and so are
//!   manual capture and `confirm: false` (no capture or confirm endpoint: `Unsupported`).
//!
//! ## Decisions where the documents are silent
//!
//! - Status words (the contract tables, checked row by row by the tests, are in
//!   [`payment_status`] and [`event_kind`]): `pending` with a `paymentUrl` is
//!   [`PaymentStatus::RequiresAction`] (the customer still has to pay there, given as
//!   [`NextAction::Redirect`] for such payments only); `pending` without one is `Processing`
//!   (nowhere to send the customer); `processing` -> `Processing`, `completed` ->
//!   `Succeeded`, `expired` -> `Expired`, `cancelled` -> `Cancelled`; an unknown word is
//!   `Processing`, kept in `raw_status`. Paygentic has no failed or authorized state and
//!   documents no decline codes, so there is no decline table.
//! - Events `payment.<status>.v0` follow the same table (`payment.pending.v0` is
//!   `PaymentActionRequired`); any other name is `EventKind::Other(name)`, still verified.
//! - Idempotency: the key (the caller's, else one generated per call) is `idempotencyKey` in
//!   the body, identical on every retry; a repeat answered 200 with the existing payment is a
//!   success like a 201.
//! - An answer whose `amount` is not decimal text at all is unreadable (`InvalidResponse`;
//!   after a create also outcome-unknown). One whose amount Money cannot hold (more decimals
//!   than the currency has, a currency outside ISO 4217) is read: `amount` is `None` and
//!   `gateway_amount` holds the figure and code exactly as sent, so it never hides a payment
//!   or the rest of a list page.
//! - Order lines become `lineItems` with `description` = name, `amount` = the **unit** price
//!   and `quantity`; a field an entry lacks is left out, never sent as `null`.
//! - `return_url` is `successRedirectUrl`; `failureRedirectUrl`, `savePaymentMethod`,
//!   `expiresIn` and a per-payment `merchantId` come from [`PaygenticPaymentOptions`].
//! - Fields Paygentic has no place for and which change nothing about the money
//!   (`description`, `billing`, inline customer details) are not sent; a saved customer
//!   ([`PaymentCustomer::Existing`](paymux_core::PaymentCustomer::Existing)) is sent as
//!   `customerId`.
//! - Listing: the page size is clamped to 1..=100; only offset cursors exist; filters
//!   Paygentic lacks (dates, merchant reference, statuses it does not have) are refused
//!   rather than silently ignored.
//! - API keys: `sk_test_...` only with [`Environment::Sandbox`], `sk_live_...` only with
//!   [`Environment::Production`], base URL override or not; anything else is a configuration
//!   error at start-up. Hosts: `https://api.sandbox.paygentic.io` and
//!   `https://api.paygentic.io`.
//! - Webhooks: listed in the capabilities only when a `whsec_...` secret is configured (an
//!   instance without one cannot verify anything); signatures older or newer than five
//!   minutes are refused. Verification is the only step that fails with `WebhookSignature`;
//!   a verified body that is not JSON is `WebhookNotJson`, and a verified JSON body is never
//!   refused for its content. The event id is `eventId`, else the `svix-id`; a missing
//!   `eventType` is `EventKind::Other("")`. A `payment.*` event's `data` (or any `data` with
//!   `object: "payment"`) is read in both shapes: `{paymentId, amount, currency, ...}` (the
//!   shape decided in `NOTES.md`) and the document's `Payment` object (`{id, object:
//!   "payment", amount, currency, ...}`); the id is `paymentId`, else `id`; the status is
//!   `data.status`, else the one in the name. What cannot be read is noted in
//!   `WebhookEvent::unread` (a missing field, a malformed one, an amount only
//!   `gateway_amount` can hold); a `data` without an id, `amount` or `currency` leaves the
//!   resource `Other`, and the body is always in `raw`.
//! - Errors: the gateway code is `code` when present, else `error`; a `validation_error`
//!   keeps each field message (`"amount: ... (code)"`) in the gateway message.
//!
//! [`PaymentStatus::RequiresAction`]: paymux_core::PaymentStatus::RequiresAction
//! [`NextAction::Redirect`]: paymux_core::NextAction::Redirect

mod client;
mod details;
mod mapping;
mod options;
mod webhook;
mod wire;

use paymux_core::connector::{ConnectionSettings, Connector, idempotency_key};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::webhook::Window;
use paymux_core::{
    Capabilities, CreatePayment, Error, ListPayments, Operation, Page, Payment, PaymentId,
    ProviderId, Result, SecretString, WebhookEvent,
};

pub use details::{PaygenticLineItem, PaygenticPaymentDetails};
pub use mapping::{
    MAX_AMOUNT_MINOR, MAX_EXPIRES_IN, MAX_LINE_ITEMS, MAX_PAGE_SIZE, MAX_TEXT_LEN,
    MIN_AMOUNT_MINOR, SUPPORTED_CURRENCIES, event_kind, event_kind_for, iso8601_duration,
    payment_status,
};
pub use options::PaygenticPaymentOptions;
pub use paymux_core::connector::Environment;

/// Settings of one Paygentic connector instance.
#[derive(Debug, Clone)]
pub struct PaygenticConfig {
    /// API key, `sk_test_...` or `sk_live_...`, sent as `Authorization: Bearer <key>`.
    pub api_key: SecretString,
    /// The environment the key belongs to.
    pub environment: Environment,
    /// Merchant organization id, for API keys not scoped to one merchant (`merchantId`).
    pub merchant_id: Option<String>,
    /// Webhook endpoint secret (`whsec_...`); webhooks are supported only with one.
    pub webhook_secret: Option<SecretString>,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connection_builders!(PaygenticConfig);

impl PaygenticConfig {
    /// A configuration with default retries and timeouts (30 s, connect 10 s).
    pub fn new(api_key: SecretString, environment: Environment) -> Self {
        PaygenticConfig {
            connection: ConnectionSettings::default(),
            api_key,
            environment,
            merchant_id: None,
            webhook_secret: None,
        }
    }

    /// Sets the merchant organization id.
    pub fn with_merchant_id(mut self, id: impl Into<String>) -> Self {
        self.merchant_id = Some(id.into());
        self
    }

    /// Sets the webhook endpoint secret (`whsec_...`).
    pub fn with_webhook_secret(mut self, secret: SecretString) -> Self {
        self.webhook_secret = Some(secret);
        self
    }
}

/// The Paygentic connector.
#[derive(Debug, Clone)]
pub struct Paygentic {
    id: ProviderId,
    transport: HttpTransport,
    capabilities: Capabilities,
    merchant_id: Option<String>,
    webhooks: Option<webhook::WebhookVerifier>,
}

impl Paygentic {
    /// Builds the connector. Fails with
    /// [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration) for a key that does
    /// not belong to the environment, a merchant id that is not an id, a bad base URL or a
    /// malformed webhook secret.
    pub fn new(config: PaygenticConfig) -> Result<Self> {
        client::check_key(&config.api_key, config.environment)?;
        if let Some(merchant) = &config.merchant_id {
            // Sent as `merchantId` in bodies and queries: held to the rule of any id sent.
            mapping::check_id("Paygentic merchant_id", merchant)
                .map_err(|e| Error::configuration(e.message()))?;
        }
        let id = config.connection.provider(Self::GATEWAY);
        let base_url = config.connection.base_url_or(client::base_url(config.environment));
        let mut transport =
            config.connection.transport_config(id.clone(), base_url, Auth::bearer(config.api_key));
        transport.error_parser = Some(mapping::error_parser);
        let transport = HttpTransport::new(transport)?;
        let webhooks =
            config.webhook_secret.as_ref().map(webhook::WebhookVerifier::new).transpose()?;
        let mut capabilities = Capabilities::only([
            Operation::CreatePayment,
            Operation::GetPayment,
            Operation::ListPayments,
        ])
        .with_currencies(SUPPORTED_CURRENCIES);
        if webhooks.is_some() {
            capabilities = capabilities.with(Operation::Webhooks);
        }
        Ok(Paygentic { id, transport, capabilities, merchant_id: config.merchant_id, webhooks })
    }
}

impl Connector for Paygentic {
    const GATEWAY: &'static str = "paygentic";

    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::create_body(&req, &key, self.merchant_id.as_deref())?;
        let answer = client::create_payment(&self.transport, &body, key).await?;
        mapping::to_payment(&self.id, &answer)
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let answer = client::get_payment(&self.transport, id.as_str()).await?;
        mapping::to_payment(&self.id, &answer)
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let query = mapping::list_query(&query, self.merchant_id.as_deref())?;
        let answer = client::list_payments(&self.transport, &query).await?;
        mapping::to_payment_page(&self.id, &answer, &query)
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.parse_webhook_at(headers, raw_body, Window::around_now(webhook::TOLERANCE))
    }
}
