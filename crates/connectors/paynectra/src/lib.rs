//! # paymux-paynectra
//!
//! The paymux connector for [Paynectra](https://api.paynectra.io/v1) over its REST API. It
//! implements [`Connector`], so it is a [`PaymentProvider`](paymux_core::PaymentProvider)
//! through the core's one layer: operations outside its capabilities (`confirm_payment`) are
//! refused with `Unsupported` before any request, and every error names the instance.
//!
//! ```no_run
//! use paymux::{CaptureMode, CreatePayment, Currency, Money, PaymentProvider, SecretString};
//! use paymux::paynectra::{Environment, Paynectra, PaynectraConfig};
//!
//! # async fn run() -> paymux::Result<()> {
//! let config = PaynectraConfig::new(SecretString::from("sk_test_..."), Environment::Sandbox);
//! let paynectra = Paynectra::new(config)?;
//! let payment = paynectra
//!     .create_payment(
//!         CreatePayment::new(Money::from_minor(4999, Currency::USD)?)
//!             .with_capture(CaptureMode::Manual)
//!             .with_return_url("https://shop.example/return"),
//!     )
//!     .await?;
//! println!("{} is {}", payment.id, payment.status);
//! # Ok(()) }
//! ```
//!
//! ## What the guide says, and what we decided
//!
//! Paynectra's own guide documents request parameters of payments (create, retrieve, list),
//! refunds (create) and customers (create). Everything else follows Stripe's conventions,
//! which the guide's shape follows (decisions recorded in the workspace's `NOTES.md`):
//!
//! - **Auth and mode.** `Authorization: Bearer <key>`. The key decides test or live:
//!   `sk_test_...` is test mode, `sk_live_...` live ([`Paynectra::mode`]). A live key in an
//!   [`Environment::Sandbox`] instance, a test key in an [`Environment::Production`] one (the
//!   core's one [`Environment`], re-exported here), and a key with neither prefix are refused
//!   at construction with
//!   [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration), so tests never move
//!   real money and production never silently runs in test mode. Both modes use the same base
//!   URL, `https://api.paynectra.io/v1` (overridable).
//! - **Idempotency.** Every `POST` carries `Idempotency-Key`: the caller's key, or one
//!   generated once per call; the transport sends the same key on every retry.
//! - **Amounts** are integer minor units with the ISO 4217 exponent; **currencies** travel in
//!   lower case (`"usd"`) and are read back in any case. **Decision:** the guide states no
//!   maximum, so Stripe's documented one applies: at most eight digits of minor units,
//!   [`MAX_AMOUNT_MINOR`] = 99,999,999 ($999,999.99). A larger payment, capture or refund
//!   amount is refused with `InvalidRequest` before any request (a capture's or refund's
//!   currency check included).
//! - **Ids** that go into a body or a query (`customer_id`, a refund's `payment_id`, the
//!   `customer` and `payment` filters, `starting_after` / `ending_before`) follow the rule of
//!   ids in a path ([`path_segment`](paymux_core::transport::path_segment): 1 to 255 letters,
//!   digits, `-`, `_`, `.`, `~`), checked before any request.
//! - **Statuses**: the contract tables are in [`payment_status`], [`refund_status`],
//!   [`event_kind`] and [`decline_code`] (each row checked by the crate's tests). A hosted
//!   page waiting for the customer is `RequiresAction` with
//!   [`NextAction::Redirect`](paymux_core::NextAction) to `next_action.redirect_to_url.url`,
//!   as on every gateway: `pending` or `requires_action` with a next action (any other
//!   `next_action` is given as `NextAction::Instructions`, as sent). `pending` and
//!   `requires_action` without one, and `processing`, are `Processing`; any other word is
//!   `Processing` with the word kept in `raw_status`. `next_action` is set on
//!   `RequiresAction` payments only. A `RequiresCapture` payment always carries
//!   `amount_capturable`: Stripe's field where the answer has it, else the whole amount
//!   (Paynectra documents no partial authorization). A `Failed` payment always carries a
//!   `failure` (empty when the gateway gives no reason).
//! - **Amounts the model cannot hold.** A payment in a currency [`Money`](paymux_core::Money)
//!   cannot hold (outside ISO 4217, or without a minor unit, such as `xau`) is still read:
//!   `amount` is `None` and `gateway_amount` holds Paynectra's figure exactly as sent (the
//!   integer of `amount`, which Paynectra counts in the currency's smallest unit, and the
//!   code as written); its other amounts are left out. A refund's amount is always `Money`,
//!   so such a refund is an `InvalidResponse` (and, in a webhook, `WebhookResource::Other`
//!   with a note).
//! - **Errors** `{error: {type, code, decline_code, message, param}}`: a `402` with a
//!   `card_error` (or a `decline_code`) is `Declined` with a normalized
//!   [`DeclineCode`](paymux_core::DeclineCode) (table in [`decline_code`]); everything else
//!   takes the kind of its HTTP status. A payment that comes back `failed` is `Ok` with
//!   `status: Failed` and a `failure` built from `last_payment_error` (`decline_code`, else
//!   `code`) or `failure_code` / `failure_message`. A `last_payment_error` on a payment in
//!   any other state (bar `requires_payment_method`, Stripe's "try another card") is an
//!   earlier attempt's and is not reported as the payment's failure.
//! - **Confirmation** happens client-side (Paynectra's JS SDK or hosted page), so
//!   `confirm_payment` is left out of the capabilities, and a raw card in
//!   `CreatePayment::payment_method` is refused before sending (this API never carries card
//!   data). `HostedPage` or no method is accepted.
//! - **Fields Paynectra has no place for.** `merchant_reference` travels in metadata under
//!   [`MERCHANT_REFERENCE_KEY`] and is read back from there (a different value under that key
//!   in the caller's metadata is refused); likewise a refund's `merchant_refund_id` under
//!   [`MERCHANT_REFUND_ID_KEY`]. A customer `description` is refused (the guide's customer
//!   parameters are email, name, phone, address and metadata). Inline customer details are
//!   refused (create a customer and
//!   pass its id). Billing details and order lines are not sent: the hosted page collects
//!   billing data, and Paynectra has no order lines. A cancel's free-text `reason` is not sent
//!   (Paynectra documents no cancel parameters), and neither is a capture's
//!   `statement_descriptor` (the capture's one documented parameter is `amount_to_capture`):
//!   both are texts that change nothing about the money, so the operation goes ahead
//!   without them rather than being refused.
//! - **Currency safety.** A capture or refund with an explicit amount first reads the
//!   payment (`GET`) and refuses an amount in another currency: minor units sent against the
//!   wrong currency would move the wrong amount of money.
//! - **Refund reasons.** `Duplicate` -> `duplicate`, `Fraudulent` -> `fraudulent`,
//!   `RequestedByCustomer` -> `customer_request`. `Other(text)` is **refused** with
//!   `InvalidRequest` before sending (unless the text is one of those three words): the
//!   gateway takes an enum, and guessing would put a wrong reason on record. Free text
//!   belongs in the refund's metadata.
//! - **Lists.** `GET /v1/payments` with `limit` (clamped to 1..=100; omitted for the gateway's
//!   default of 20), `starting_after` / `ending_before` from
//!   [`PageCursor`](paymux_core::PageCursor), `customer`, `status` (only the guide's words:
//!   `pending` for `Processing` and for `RequiresAction`, keeping on the page only the
//!   payments in the status asked for, so a page can be short; `succeeded`, `failed`,
//!   `cancelled`; any other status, `RequiresCapture` included, is refused),
//!   `created[gte]` / `created[lte]` in unix seconds. The
//!   transport percent-encodes the brackets (`created%5Bgte%5D=...`), which every form
//!   decoder reads as `created[gte]`. A `merchant_reference` filter or an offset cursor is
//!   refused (Paynectra has neither; an unfiltered answer would be wrong). The answer
//!   `{object: "list", data, has_more}` gives `next = After(last id)` (or `Before(first id)`
//!   when paging backwards) while `has_more`. Refunds: [`Paynectra::list_refunds`], whose
//!   payment filter is named `payment` after the payments list's `customer`.
//! - **Webhooks** (see [`Paynectra::parse_webhook_at`]): `Paynectra-Signature:
//!   t=<unix>,v1=<hex>`, HMAC-SHA256 over `"{t}.{raw body}"` keyed with the endpoint secret's
//!   UTF-8 bytes; any `v1` may match; 300 s tolerance both ways. Verification is the only
//!   step that fails with `WebhookSignature`; a verified body that is not JSON is
//!   `WebhookNotJson`, and a verified JSON body is never refused: body
//!   `{id, type, created, data: {object}}`, types in [`event_kind`] and [`event_kind_for`]
//!   (unknown ones `EventKind::Other(type)`, a missing one `Other("")`), an absent `id`
//!   replaced by the `sha256:` of the body; `data.object` becomes a payment or refund by its `object` field
//!   (`"payment"` / `"refund"`), else by the type's prefix. Whatever cannot be read (a
//!   missing `amount`, an unknown currency, a malformed field) is noted in
//!   `WebhookEvent::unread`; a payment without `id`, `amount` or `currency` (a refund
//!   likewise) leaves the resource `Other`, and the body is always in `raw`.
//! - **Customers.** The phone is sent in E.164 (checked with `Phone::to_e164` before any
//!   request); the address as the guide's four parts, `line1`, `city`, `postal_code`,
//!   `country`. An address with a `line2` or a `state` is **refused** with `InvalidRequest`
//!   before sending (dropping them would put another address on record; fold them into
//!   `line1`); the person's first and last names are not sent (the customer's name is
//!   `name`). `GET /v1/customers/:id` reads one back.
//! - **No gateway-only options.** Paynectra has no `...Options` type: what it takes maps from
//!   core request fields. A request carrying another gateway's options is refused with
//!   `InvalidRequest` before any request.
//!
//! Beyond the trait: [`Paynectra::list_refunds`], [`Paynectra::parse_webhook_at`] (a fixed
//! time window) and [`Paynectra::mode`].

mod client;
mod mapping;
mod refunds;
mod webhook;
mod wire;

use std::fmt;
use std::time::Duration;

use paymux_core::connector::{ConnectionSettings, Connector, idempotency_key};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::webhook::Window;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, CreateCustomer, CreatePayment, CreateRefund,
    Customer, CustomerId, Error, ListPayments, Operation, Page, Payment, PaymentId, ProviderId,
    Refund, RefundId, Result, WebhookEvent,
};
use secrecy::{ExposeSecret, SecretString};

pub use client::IDEMPOTENCY_HEADER;
pub use mapping::{
    MAX_AMOUNT_MINOR, MAX_PAGE_SIZE, MERCHANT_REFERENCE_KEY, MERCHANT_REFUND_ID_KEY, decline_code,
    event_kind, event_kind_for, payment_status, refund_status,
};
pub use paymux_core::connector::Environment;
pub use refunds::ListRefunds;
pub use webhook::{DEFAULT_TOLERANCE, SIGNATURE_HEADER};

/// Paynectra's API base URL (both modes; the key decides test or live).
pub const DEFAULT_BASE_URL: &str = "https://api.paynectra.io/v1";

/// The default provider id.
pub const DEFAULT_PROVIDER_ID: &str = "paynectra";

/// Test or live, as decided by the API key's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `sk_test_...`: no real payment networks.
    Test,
    /// `sk_live_...`: real money.
    Live,
}

/// The mode a key's prefix names; `None` for any other key.
fn mode_of_key(key: &str) -> Option<Mode> {
    if key.starts_with("sk_test_") {
        Some(Mode::Test)
    } else if key.starts_with("sk_live_") {
        Some(Mode::Live)
    } else {
        None
    }
}

/// Settings of a [`Paynectra`] instance. `Debug` never shows the key or webhook secret.
#[derive(Debug, Clone)]
pub struct PaynectraConfig {
    /// The secret API key, `sk_test_...` or `sk_live_...`.
    pub api_key: SecretString,
    /// Sandbox (test key) or production (live key).
    pub environment: Environment,
    /// The webhook endpoint secret (`whsec_...`), needed to parse webhooks.
    pub webhook_secret: Option<SecretString>,
    /// How far a webhook timestamp may be from now, either way (default 300 s).
    pub webhook_tolerance: Duration,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connector::connection_builders!(PaynectraConfig);

impl PaynectraConfig {
    /// A configuration with default URL, retries and timeouts and no webhook secret.
    pub fn new(api_key: SecretString, environment: Environment) -> Self {
        PaynectraConfig {
            connection: ConnectionSettings::default(),
            api_key,
            environment,
            webhook_secret: None,
            webhook_tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Sets the webhook endpoint secret.
    pub fn with_webhook_secret(mut self, secret: SecretString) -> Self {
        self.webhook_secret = Some(secret);
        self
    }
}

/// The Paynectra connector.
#[derive(Clone)]
pub struct Paynectra {
    id: ProviderId,
    mode: Mode,
    client: client::Client,
    capabilities: Capabilities,
    webhook_secret: Option<SecretString>,
    webhook_tolerance: Duration,
}

impl fmt::Debug for Paynectra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paynectra")
            .field("id", &self.id)
            .field("mode", &self.mode)
            .field("base_url", &self.client.base_url())
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl Paynectra {
    /// Builds the connector. Fails with
    /// [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration) when the key's mode
    /// does not match the environment, the key has no known prefix, or the base URL is bad.
    pub fn new(config: PaynectraConfig) -> Result<Self> {
        let mode = mode_of_key(config.api_key.expose_secret()).ok_or_else(|| {
            Error::configuration("Paynectra API keys start with sk_test_ or sk_live_")
        })?;
        match (config.environment, mode) {
            (Environment::Sandbox, Mode::Live) => {
                return Err(Error::configuration(
                    "a live Paynectra key (sk_live_) was given to a sandbox instance; \
                     use an sk_test_ key for tests",
                ));
            }
            (Environment::Production, Mode::Test) => {
                return Err(Error::configuration(
                    "a test Paynectra key (sk_test_) was given to a production instance",
                ));
            }
            _ => {}
        }
        let id = config.connection.provider(DEFAULT_PROVIDER_ID);
        let base_url = config.connection.base_url_or(DEFAULT_BASE_URL);
        let mut tc =
            config.connection.transport_config(id.clone(), base_url, Auth::bearer(config.api_key));
        tc.error_parser = Some(mapping::error_parser);
        // Listed, not `all()` minus some: an operation added to the trait later is not
        // declared here until this connector implements it.
        let mut capabilities = Capabilities::only([
            Operation::CreatePayment,
            Operation::GetPayment,
            Operation::CapturePayment,
            Operation::PartialCapture,
            Operation::CancelPayment,
            Operation::ListPayments,
            Operation::CreateRefund,
            Operation::PartialRefund,
            Operation::GetRefund,
            Operation::CreateCustomer,
            Operation::GetCustomer,
            Operation::Webhooks,
        ]);
        // Without a secret nothing can be verified: declared so a router refuses at start-up.
        if config.webhook_secret.is_none() {
            capabilities = capabilities.without(Operation::Webhooks);
        }
        Ok(Paynectra {
            id,
            mode,
            client: client::Client::new(HttpTransport::new(tc)?),
            capabilities,
            webhook_secret: config.webhook_secret,
            webhook_tolerance: config.webhook_tolerance,
        })
    }

    /// Test or live, as the key says.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

impl Connector for Paynectra {
    const GATEWAY: &'static str = "paynectra";

    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, mut req: CreatePayment) -> Result<Payment> {
        let key = idempotency_key(req.idempotency_key.take());
        let body = mapping::create_body(req)?;
        let answer = self.client.create_payment(&body, key).await?;
        mapping::to_payment(answer, &self.id)
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let answer = self.client.get_payment(id).await?;
        mapping::to_payment(answer, &self.id)
    }

    async fn capture_payment(&self, id: &PaymentId, mut req: CapturePayment) -> Result<Payment> {
        let key = idempotency_key(req.idempotency_key.take());
        let amount = req.amount;
        let body = mapping::capture_body(req)?;
        if let Some(amount) = amount {
            mapping::same_currency(&self.get_payment(id).await?, amount)?;
        }
        let answer = self.client.capture_payment(id, &body, key).await?;
        mapping::to_payment(answer, &self.id)
    }

    async fn cancel_payment(&self, id: &PaymentId, mut req: CancelPayment) -> Result<Payment> {
        let key = idempotency_key(req.idempotency_key.take());
        let body = mapping::cancel_body(&req);
        let answer = self.client.cancel_payment(id, &body, key).await?;
        mapping::to_payment(answer, &self.id)
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let q = mapping::payments_query(&query)?;
        let list = self.client.list_payments(q).await?;
        mapping::to_payment_page(list, query.cursor.as_ref(), query.status, &self.id)
    }

    async fn create_refund(&self, mut req: CreateRefund) -> Result<Refund> {
        let key = idempotency_key(req.idempotency_key.take());
        let (payment_id, amount) = (req.payment_id.clone(), req.amount);
        let body = mapping::refund_body(req)?;
        if let Some(amount) = amount {
            mapping::same_currency(&self.get_payment(&payment_id).await?, amount)?;
        }
        let answer = self.client.create_refund(&body, key).await?;
        mapping::to_refund(answer, &self.id)
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let answer = self.client.get_refund(id).await?;
        mapping::to_refund(answer, &self.id)
    }

    async fn create_customer(&self, mut req: CreateCustomer) -> Result<Customer> {
        let key = idempotency_key(req.idempotency_key.take());
        let body = mapping::customer_body(req)?;
        let answer = self.client.create_customer(&body, key).await?;
        mapping::to_customer(answer, &self.id)
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let answer = self.client.get_customer(id).await?;
        mapping::to_customer(answer, &self.id)
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.parse_webhook_at(headers, raw_body, Window::around_now(self.webhook_tolerance))
    }
}
