//! # paymux-paygentic
//!
//! The paymux connector for [Paygentic](https://paygentic.io) payments (`/v0/payments`): a
//! hosted payment page per payment, paid by the customer at `paymentUrl`.
//!
//! ```no_run
//! use paymux_core::{CreatePayment, Currency, Money, NextAction, PaymentProvider, SecretString};
//! use paymux_paygentic::{Environment, Paygentic, PaygenticConfig, PaygenticPaymentExt};
//!
//! # async fn run() -> paymux_core::Result<()> {
//! let gateway = Paygentic::new(PaygenticConfig::new(
//!     SecretString::from("sk_test_123"),
//!     Environment::Sandbox,
//! ))?;
//! let req = CreatePayment::new(Money::from_minor(1050, Currency::USD)?)
//!     .with_reference("Order #12345")
//!     .with_return_url("https://example.com/success")
//!     .with_options(PaygenticPaymentExt {
//!         expires_in: Some(std::time::Duration::from_secs(7 * 86_400)),
//!         ..PaygenticPaymentExt::default()
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
//! [`capabilities`](PaymentProvider::capabilities) and return
//! [`ErrorKind::Unsupported`] without sending anything. Payments are accepted in USD, EUR, GBP
//! and AUD only.
//!
//! ## Checked before any request (an `InvalidRequest`, nothing sent)
//!
//! - amount 1.00 to 5,000.00, in USD, EUR, GBP or AUD; sent as a two-decimal string (`"10.50"`);
//! - at most 100 order lines, each with a quantity of at least 1;
//! - merchant reference and idempotency key at most 255 characters;
//! - ids sent in the body or the query (`customerId`, `merchantId`) follow the rule of ids in
//!   a path ([`path_segment`](paymux_core::transport::path_segment): 1 to 255 letters, digits,
//!   `-`, `_`, `.`, `~`); a configured merchant id that is not one is refused by
//!   [`Paygentic::new`];
//! - `expires_in` (see [`PaygenticPaymentExt`]) positive, whole seconds, at most 31 days;
//!   sent as an ISO 8601 duration (`P7D`, `PT1H`, `P1DT2H30M`);
//! - a card payment method is refused (Paygentic only offers its hosted page), and so are
//!   manual capture and `confirm: false` (no capture or confirm endpoint: `Unsupported`).
//!
//! ## Decisions where the documents are silent
//!
//! - Status words: `pending` is [`PaymentStatus::RequiresAction`] (the customer still has to
//!   pay at `paymentUrl`, which is given as [`NextAction::Redirect`] for pending payments
//!   only), `processing` -> `Processing`, `completed` -> `Succeeded`, `expired` -> `Expired`,
//!   `cancelled` -> `Cancelled`; an unknown word is `Processing`, kept in `raw_status`.
//! - Events `payment.<status>.v0` follow the same table (`payment.pending.v0` is
//!   `PaymentActionRequired`); any other name is `EventKind::Other(name)`, still verified.
//! - Idempotency: the key (the caller's, else one generated per call) is `idempotencyKey` in
//!   the body, identical on every retry; a repeat answered 200 with the existing payment is a
//!   success like a 201.
//! - Order lines become `lineItems` with `description` = name, `amount` = the **unit** price
//!   and `quantity`.
//! - `return_url` is `successRedirectUrl`; `failureRedirectUrl`, `savePaymentMethod`,
//!   `expiresIn` and a per-payment `merchantId` come from [`PaygenticPaymentExt`].
//! - Fields Paygentic has no place for and which change nothing about the money
//!   (`description`, `billing`, inline customer details) are not sent; a saved customer
//!   ([`PaymentCustomer::Existing`]) is sent as `customerId`.
//! - Listing: the page size is clamped to 1..=100; only offset cursors exist; filters
//!   Paygentic lacks (dates, merchant reference, statuses it does not have) are refused
//!   rather than silently ignored.
//! - API keys: `sk_test_...` only with [`Environment::Sandbox`], `sk_live_...` only with
//!   [`Environment::Production`]; anything else is a configuration error at start-up.
//! - Webhooks: listed in the capabilities only when a `whsec_...` secret is configured (an
//!   instance without one cannot verify anything); the event id is `eventId`, else the
//!   `svix-id`; a body whose signature is valid but whose `payment.<status>.v0` data lacks
//!   `paymentId`/`amount`/`currency` is refused as `WebhookFailure::BadPayload`.
//! - Errors: the gateway code is `code` when present, else `error`; a `validation_error`
//!   keeps each field message (`"amount: ... (code)"`) in the gateway message.

pub mod client;
pub mod mapping;
pub mod webhook;
pub mod wire;

use std::time::Duration;

use async_trait::async_trait;
use paymux_core::transport::{Auth, ConnectionSettings, HttpTransport};
use paymux_core::webhook::Window;
use paymux_core::{
    CancelPayment, Capabilities, CaptureMode, CapturePayment, ConfirmPayment, CreateCustomer,
    CreatePayment, CreateRefund, Customer, CustomerId, Error, ErrorKind, ExposeSecret,
    IdempotencyKey, ListPayments, Operation, Page, PageCursor, Payment, PaymentCustomer, PaymentId,
    PaymentMethod, PaymentProvider, ProviderFuture, ProviderId, Refund, RefundId, Result,
    SecretString, WebhookEvent,
};
use paymux_core::{named, named_map};

#[doc(no_inline)]
pub use paymux_core::{NextAction, PaymentStatus};

pub use client::{ListQuery, PaygenticClient};
pub use webhook::WebhookVerifier;

/// Production API host.
pub const PRODUCTION_URL: &str = "https://api.paygentic.io";
/// Sandbox API host.
pub const SANDBOX_URL: &str = "https://api.sandbox.paygentic.io";

/// Longest merchant reference or idempotency key Paygentic accepts, in characters.
pub const MAX_TEXT_LEN: usize = 255;
/// Most line items in one payment.
pub const MAX_LINE_ITEMS: usize = 100;
/// Largest page of a list.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Which Paygentic environment the key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// `https://api.sandbox.paygentic.io`, keys `sk_test_...`.
    #[default]
    Sandbox,
    /// `https://api.paygentic.io`, keys `sk_live_...`.
    Production,
}

impl Environment {
    /// The API host of the environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => SANDBOX_URL,
            Environment::Production => PRODUCTION_URL,
        }
    }

    fn key_prefix(self) -> &'static str {
        match self {
            Environment::Sandbox => "sk_test_",
            Environment::Production => "sk_live_",
        }
    }
}

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

/// Paygentic-only options of a payment, read from `CreatePayment::extensions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaygenticPaymentExt {
    /// Payment lifetime (`expiresIn`), at most 31 days, whole seconds; gateway default 30 days.
    pub expires_in: Option<Duration>,
    /// Where the customer goes after a failed payment (`failureRedirectUrl`).
    pub failure_redirect_url: Option<String>,
    /// Save the customer's payment method for later (`savePaymentMethod`).
    pub save_payment_method: Option<bool>,
    /// Merchant organization id for this payment, overriding the configured one.
    pub merchant_id: Option<String>,
}

impl paymux_core::GatewayOptions for PaygenticPaymentExt {
    const GATEWAY: &'static str = "paygentic";
}

/// The Paygentic connector.
#[derive(Debug, Clone)]
pub struct Paygentic {
    id: ProviderId,
    client: PaygenticClient,
    capabilities: Capabilities,
    merchant_id: Option<String>,
    webhooks: Option<WebhookVerifier>,
}

fn check_key(key: &SecretString, environment: Environment) -> Result<()> {
    let key = key.expose_secret();
    if key.starts_with(environment.key_prefix()) && key.len() > environment.key_prefix().len() {
        return Ok(());
    }
    let message = match (environment, key) {
        (Environment::Sandbox, k) if k.starts_with("sk_live_") => {
            "a live Paygentic key (sk_live_...) cannot be used with the sandbox environment"
        }
        (Environment::Production, k) if k.starts_with("sk_test_") => {
            "a test Paygentic key (sk_test_...) cannot be used with the production environment"
        }
        (Environment::Sandbox, _) => "a sandbox Paygentic key must start with sk_test_",
        (Environment::Production, _) => "a production Paygentic key must start with sk_live_",
    };
    Err(Error::configuration(message))
}

fn too_long(text: &str) -> bool {
    // A text of at most MAX_TEXT_LEN bytes has at most as many characters: no count needed.
    text.len() > MAX_TEXT_LEN && text.chars().count() > MAX_TEXT_LEN
}

impl Paygentic {
    /// Builds the connector. Fails with [`ErrorKind::Configuration`] for a key that does not
    /// belong to the environment, a merchant id that is not an id, a bad base URL or a
    /// malformed webhook secret.
    pub fn new(config: PaygenticConfig) -> Result<Self> {
        check_key(&config.api_key, config.environment)?;
        if let Some(merchant) = &config.merchant_id {
            // Sent as `merchantId` in bodies and queries: held to the rule of any id sent.
            client::check_id("Paygentic merchant_id", merchant)
                .map_err(|e| Error::configuration(e.message()))?;
        }
        let id = config.connection.provider("paygentic");
        let base_url = config.connection.base_url_or(config.environment.base_url());
        let mut tc =
            config.connection.transport_config(id.clone(), base_url, Auth::bearer(config.api_key));
        tc.error_parser = Some(mapping::parse_error);
        let client = PaygenticClient::new(HttpTransport::new(tc)?);
        let webhooks = config.webhook_secret.as_ref().map(WebhookVerifier::new).transpose()?;
        let mut capabilities = Capabilities::only([
            Operation::CreatePayment,
            Operation::GetPayment,
            Operation::ListPayments,
        ])
        .with_currencies(mapping::SUPPORTED_CURRENCIES);
        if webhooks.is_some() {
            capabilities = capabilities.with(Operation::Webhooks);
        }
        Ok(Paygentic { id, client, capabilities, merchant_id: config.merchant_id, webhooks })
    }

    /// The raw routes, for what the core model does not carry (`expiresAt`, `lineItems`).
    pub fn client(&self) -> &PaygenticClient {
        &self.client
    }

    /// `GET /v0/payments/{id}` answered as Paygentic wrote it.
    pub async fn fetch_payment(&self, id: &PaymentId) -> Result<wire::Payment> {
        self.client.get_payment(id.as_str()).await
    }

    /// Verifies and parses a webhook against an explicit time window (tests, or replaying
    /// stored deliveries); [`parse_webhook`](PaymentProvider::parse_webhook) uses five minutes
    /// around now.
    pub fn parse_webhook_at(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        window: Window,
    ) -> Result<WebhookEvent> {
        let verifier = self.webhooks.as_ref().ok_or_else(|| {
            Error::configuration("no Paygentic webhook secret configured")
                .with_provider(self.id.clone())
        })?;
        verifier
            .parse(&self.id, headers, raw_body, window)
            .map_err(|e| e.with_provider(self.id.clone()))
    }

    fn unsupported(&self, operation: &str) -> Error {
        Error::new(
            ErrorKind::Unsupported,
            format!("{operation} is not supported: Paygentic has no such endpoint"),
        )
        .with_provider(self.id.clone())
    }

    fn invalid(&self, message: impl Into<String>) -> Error {
        Error::invalid_request(message).with_provider(self.id.clone())
    }

    /// Everything checked before sending, then the wire body.
    fn create_body(&self, req: &CreatePayment) -> Result<wire::CreatePaymentRequest> {
        req.validate()?;
        match &req.payment_method {
            None | Some(PaymentMethod::HostedPage) => {}
            Some(other) => {
                return Err(self.invalid(format!(
                    "Paygentic collects payment details on its hosted page; payment method {:?} \
                     cannot be sent",
                    other.kind()
                )));
            }
        }
        if req.capture == CaptureMode::Manual {
            return Err(self.unsupported("manual capture"));
        }
        if !req.confirm {
            return Err(self.unsupported("two-step confirmation (confirm: false)"));
        }
        let amount = mapping::payment_amount(req.amount)?;
        if req.merchant_reference.as_deref().is_some_and(too_long) {
            return Err(self.invalid("merchant reference must be at most 255 characters"));
        }
        let key = req.idempotency_key.clone().unwrap_or_else(IdempotencyKey::generate);
        if key.as_str().is_empty() || too_long(key.as_str()) {
            return Err(self.invalid("idempotency key must be 1 to 255 characters"));
        }
        if req.order_lines.len() > MAX_LINE_ITEMS {
            return Err(self.invalid(format!(
                "Paygentic takes at most {MAX_LINE_ITEMS} line items, got {}",
                req.order_lines.len()
            )));
        }
        let mut line_items = Vec::with_capacity(req.order_lines.len());
        for line in &req.order_lines {
            if line.quantity == 0 {
                return Err(self.invalid(format!(
                    "order line {:?} must have a quantity of at least 1",
                    line.name
                )));
            }
            line_items.push(wire::LineItem {
                description: Some(line.name.clone()),
                amount: Some(mapping::decimal_string(line.unit_amount)),
                quantity: Some(line.quantity),
            });
        }
        let ext = req.extensions.get::<PaygenticPaymentExt>().cloned().unwrap_or_default();
        let expires_in = ext.expires_in.map(mapping::iso8601_duration).transpose()?;
        if let Some(merchant) = &ext.merchant_id {
            client::check_id("merchantId", merchant)?;
        }
        let customer_id = match &req.customer {
            Some(PaymentCustomer::Existing(id)) => {
                Some(client::check_id("customerId", id.as_str())?.to_owned())
            }
            Some(PaymentCustomer::Inline(_)) => {
                tracing::debug!("Paygentic takes no inline customer details; not sent");
                None
            }
            None => None,
        };
        Ok(wire::CreatePaymentRequest {
            amount,
            currency: req.amount.currency().code().to_owned(),
            merchant_id: ext.merchant_id.or_else(|| self.merchant_id.clone()),
            customer_id,
            idempotency_key: key.into_inner(),
            reference: req.merchant_reference.clone(),
            metadata: req.metadata.clone(),
            line_items,
            success_redirect_url: req.return_url.clone(),
            failure_redirect_url: ext.failure_redirect_url,
            save_payment_method: ext.save_payment_method,
            expires_in,
        })
    }

    fn list_query(&self, query: &ListPayments) -> Result<ListQuery> {
        if query.created_from.is_some() || query.created_to.is_some() {
            return Err(self.invalid("Paygentic cannot filter payments by creation date"));
        }
        if query.merchant_reference.is_some() {
            return Err(self.invalid("Paygentic cannot filter payments by merchant reference"));
        }
        let offset = match &query.cursor {
            None => None,
            Some(PageCursor::Offset(n)) => Some(*n),
            Some(other) => {
                return Err(self.invalid(format!(
                    "Paygentic pages by offset; cursor {other:?} cannot be used"
                )));
            }
        };
        let status = match query.status {
            None => None,
            Some(s) => Some(
                mapping::status_word(s)
                    .ok_or_else(|| {
                        self.invalid(format!("Paygentic has no payments in status {s}"))
                    })?
                    .to_owned(),
            ),
        };
        let customer_id = match &query.customer {
            Some(c) => Some(client::check_id("customerId", c.as_str())?.to_owned()),
            None => None,
        };
        Ok(ListQuery {
            limit: query.limit.map(|l| l.clamp(1, MAX_PAGE_SIZE)),
            offset,
            status,
            customer_id,
            merchant_id: self.merchant_id.clone(),
        })
    }
}

#[async_trait]
impl PaymentProvider for Paygentic {
    fn id(&self) -> &ProviderId {
        &self.id
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
        let created = self.create_body(&req).map(|body| self.client.create_payment(&body));
        Box::pin(named_map(&self.id, created, move |(status, wire)| {
            if status == http::StatusCode::OK {
                tracing::debug!(payment = %wire.id, "existing payment returned for a repeated idempotency key");
            }
            mapping::payment_from_wire(&self.id, &wire).map_err(|e| {
                // Paygentic took the payment; we only cannot read it.
                e.with_outcome_unknown()
            })
        }))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        named(&self.id, async move {
            let wire = self.client.get_payment(id.as_str()).await?;
            mapping::payment_from_wire(&self.id, &wire)
        })
        .await
    }

    async fn confirm_payment(&self, _id: &PaymentId, _req: ConfirmPayment) -> Result<Payment> {
        Err(self.unsupported("confirm_payment"))
    }

    async fn capture_payment(&self, _id: &PaymentId, _req: CapturePayment) -> Result<Payment> {
        Err(self.unsupported("capture_payment"))
    }

    async fn cancel_payment(&self, _id: &PaymentId, _req: CancelPayment) -> Result<Payment> {
        Err(self.unsupported("cancel_payment"))
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        named(&self.id, async move {
            let q = self.list_query(&query)?;
            let list = self.client.list_payments(&q).await?;
            let items = list
                .data
                .iter()
                .map(|p| mapping::payment_from_wire(&self.id, p))
                .collect::<Result<Vec<_>>>()?;
            let pagination = list.pagination.unwrap_or_default();
            let offset = pagination.offset.or(q.offset).unwrap_or(0);
            let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
            let next_offset = offset.saturating_add(count);
            let has_more = count > 0
                && match pagination.total {
                    Some(total) => next_offset < total,
                    None => {
                        let limit = pagination.limit.or(q.limit.map(u64::from)).unwrap_or(10);
                        count >= limit
                    }
                };
            Ok(Page {
                items,
                has_more,
                next: has_more.then_some(PageCursor::Offset(next_offset)),
                total: pagination.total,
            })
        })
        .await
    }

    async fn create_refund(&self, _req: CreateRefund) -> Result<Refund> {
        Err(self.unsupported("create_refund"))
    }

    async fn get_refund(&self, _id: &RefundId) -> Result<Refund> {
        Err(self.unsupported("get_refund"))
    }

    async fn create_customer(&self, _req: CreateCustomer) -> Result<Customer> {
        Err(self.unsupported("create_customer"))
    }

    async fn get_customer(&self, _id: &CustomerId) -> Result<Customer> {
        Err(self.unsupported("get_customer"))
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.parse_webhook_at(headers, raw_body, Window::around_now(webhook::TOLERANCE))
    }
}
