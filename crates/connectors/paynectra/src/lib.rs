//! # paymux-paynectra
//!
//! The paymux connector for [Paynectra](https://api.paynectra.io/v1), implementing
//! [`PaymentProvider`] over Paynectra's REST API.
//!
//! ```no_run
//! use paymux_core::{CaptureMode, CreatePayment, Currency, Money, PaymentProvider, SecretString};
//! use paymux_paynectra::{Environment, Paynectra, PaynectraConfig};
//!
//! # async fn run() -> paymux_core::Result<()> {
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
//!   [`Environment::Sandbox`] instance, a test key in an [`Environment::Production`] one, and a
//!   key with neither prefix are refused at construction with
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
//! - **Statuses** (see [`payment_status`]): `pending` and `processing` map to `Processing`,
//!   `requires_action` to `RequiresAction` (with `next_action.redirect_to_url.url` as
//!   [`NextAction::Redirect`](paymux_core::NextAction)), `requires_capture`, `succeeded`,
//!   `failed`, `cancelled` (also `canceled`) to their namesakes; Stripe's
//!   `requires_payment_method` / `requires_confirmation` are understood too; any other word is
//!   `Processing` with the word kept in `raw_status`. Refund words: [`refund_status`].
//! - **Errors** `{error: {type, code, decline_code, message, param}}`: a `402` with a
//!   `card_error` (or a `decline_code`) is `Declined` with a normalized
//!   [`DeclineCode`](paymux_core::DeclineCode) (table in [`decline_code`]); everything else
//!   takes the kind of its HTTP status. A payment that comes back `failed` is `Ok` with
//!   `status: Failed` and a `failure` built from `last_payment_error` (`decline_code`, else
//!   `code`) or `failure_code` / `failure_message`. A `last_payment_error` on a payment in
//!   any other state (bar `requires_payment_method`, Stripe's "try another card") is an
//!   earlier attempt's and is not reported as the payment's failure.
//! - **Confirmation** happens client-side (Paynectra's JS SDK or hosted page), so
//!   `confirm_payment` is unsupported, and a raw card in `CreatePayment::payment_method` is
//!   refused before sending (this API never carries card data). `HostedPage` or no method is
//!   accepted.
//! - **Fields Paynectra has no place for.** `merchant_reference` travels in metadata under
//!   [`MERCHANT_REFERENCE_KEY`] and is read back from there (a different value under that key
//!   in the caller's metadata is refused); likewise a refund's `merchant_refund_id` under
//!   [`MERCHANT_REFUND_ID_KEY`]. A customer `description` is refused (the guide's customer
//!   parameters are email, name, phone, address and metadata). Inline customer details are
//!   refused (create a customer and
//!   pass its id). Billing details and order lines are not sent: the hosted page collects
//!   billing data, and Paynectra has no order lines. A cancel's free-text `reason` is not sent
//!   (Paynectra documents no cancel parameters). A capture's `statement_descriptor` is sent
//!   as `statement_descriptor` (Stripe's name).
//! - **Currency safety.** A capture or refund with an explicit amount first reads the
//!   payment (`GET`) and refuses an amount in another currency: minor units sent against the
//!   wrong currency would move the wrong amount of money.
//! - **Refund reasons.** `Duplicate` -> `duplicate`, `Fraudulent` -> `fraudulent`,
//!   `RequestedByCustomer` -> `customer_request`. `Other(text)` is **refused** with
//!   `InvalidRequest` before sending (unless the text is one of those three words): the
//!   gateway takes an enum, and guessing would put a wrong reason on record. Free text
//!   belongs in the refund's metadata.
//! - **Lists.** `GET /v1/payments` with `limit` (clamped to 1..=100; omitted for the gateway's
//!   default of 20), `starting_after` / `ending_before` from [`PageCursor`], `customer`,
//!   `status` (only the filterable words: `pending` for `Processing`, `requires_capture`,
//!   `succeeded`, `failed`, `cancelled`), `created[gte]` / `created[lte]` in unix seconds. The
//!   transport percent-encodes the brackets (`created%5Bgte%5D=...`), which every form
//!   decoder reads as `created[gte]`. A `merchant_reference` filter or an offset cursor is
//!   refused (Paynectra has neither; an unfiltered answer would be wrong). The answer
//!   `{object: "list", data, has_more}` gives `next = After(last id)` (or `Before(first id)`
//!   when paging backwards) while `has_more`. Refunds: [`Paynectra::list_refunds`], whose
//!   payment filter is named `payment` after the payments list's `customer`.
//! - **Webhooks** (see [`Paynectra::parse_webhook_at`]): `Paynectra-Signature:
//!   t=<unix>,v1=<hex>`, HMAC-SHA256 over `"{t}.{raw body}"` keyed with the endpoint secret's
//!   UTF-8 bytes; any `v1` may match; 300 s tolerance both ways. Body
//!   `{id, type, created, data: {object}}`: types in [`event_kind`], unknown ones
//!   `EventKind::Other`; `data.object` becomes a payment or refund by its `object` field
//!   (`"payment"` / `"refund"`), else by the type's prefix.
//! - **Customers.** The phone is sent in E.164 (checked with `Phone::to_e164` before any
//!   request); the address as `line1`, `line2`, `city`, `state`, `postal_code`, `country`
//!   (the guide names four; Stripe's address has all six, and an unknown parameter is a
//!   visible 400 rather than a silently dropped line). `GET /v1/customers/:id` reads one back.

mod client;
mod mapping;
mod webhook;
mod wire;

use std::fmt;
use std::time::Duration;

use paymux_core::transport::{Auth, ConnectionSettings, HttpTransport};
use paymux_core::webhook::Window;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, CreateCustomer, CreatePayment, CreateRefund,
    Customer, CustomerId, Error, ExposeSecret, IdempotencyKey, ListPayments, Money, Operation,
    Page, PageCursor, Payment, PaymentCustomer, PaymentId, PaymentMethod, PaymentProvider,
    ProviderFuture, ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent, async_trait,
};
use paymux_core::{named, named_map};
use time::OffsetDateTime;

pub use client::IDEMPOTENCY_HEADER;
pub use mapping::{
    MERCHANT_REFERENCE_KEY, MERCHANT_REFUND_ID_KEY, decline_code, event_kind, payment_status,
    refund_status,
};
pub use webhook::{DEFAULT_TOLERANCE, SIGNATURE_HEADER};

/// Paynectra's API base URL (both modes; the key decides test or live).
pub const DEFAULT_BASE_URL: &str = "https://api.paynectra.io/v1";

/// The default provider id.
pub const DEFAULT_PROVIDER_ID: &str = "paynectra";

/// Largest page Paynectra serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Largest amount sent, in minor units: 99,999,999 (eight digits). Paynectra documents no
/// maximum; the decision follows Stripe's conventions, as the rest of the API does, and
/// Stripe's documented maximum is eight digits of the currency's smallest unit (99,999,999:
/// $999,999.99). See the crate docs, "Amounts".
pub const MAX_AMOUNT_MINOR: i64 = 99_999_999;

/// An amount as it goes on the wire (minor units), refused with `InvalidRequest` above
/// [`MAX_AMOUNT_MINOR`]; `what` names it in the message.
fn wire_amount(money: Money, what: &str) -> Result<i64> {
    let minor = money.amount_minor();
    if minor > MAX_AMOUNT_MINOR {
        return Err(Error::invalid_request(format!(
            "{what} amount {money} is above Paynectra's maximum of {MAX_AMOUNT_MINOR} minor units"
        )));
    }
    Ok(minor)
}

/// A capture or refund amount for the wire: positive and at most [`MAX_AMOUNT_MINOR`],
/// checked before anything is sent (the currency check's read of the payment included).
fn partial_amount(amount: Option<&Money>, what: &str) -> Result<Option<i64>> {
    match amount {
        Some(m) if m.is_zero() => {
            Err(Error::invalid_request(format!("{what} amount must be positive")))
        }
        Some(m) => wire_amount(*m, what).map(Some),
        None => Ok(None),
    }
}

/// Which kind of instance this is; it must agree with the key's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Test mode: requires an `sk_test_` key.
    Sandbox,
    /// Live mode: requires an `sk_live_` key.
    Production,
}

/// Test or live, as decided by the API key's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `sk_test_...`: no real payment networks.
    Test,
    /// `sk_live_...`: real money.
    Live,
}

impl Mode {
    /// The mode of a key, from its prefix; `None` for an unknown prefix.
    pub fn of_key(key: &str) -> Option<Mode> {
        if key.starts_with("sk_test_") {
            Some(Mode::Test)
        } else if key.starts_with("sk_live_") {
            Some(Mode::Live)
        } else {
            None
        }
    }
}

/// Settings of a [`Paynectra`] instance. `Debug` never shows the key or webhook secret.
#[derive(Debug, Clone)]
pub struct PaynectraConfig {
    /// The secret API key, `sk_test_...` or `sk_live_...`.
    pub api_key: SecretString,
    /// Sandbox (test key) or production (live key).
    pub environment: Environment,
    /// The webhook endpoint secret (`whsec_...`), needed by [`PaymentProvider::parse_webhook`].
    pub webhook_secret: Option<SecretString>,
    /// How far a webhook timestamp may be from now, either way (default 300 s).
    pub webhook_tolerance: Duration,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connection_builders!(PaynectraConfig);

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

/// Filters and position for [`Paynectra::list_refunds`].
#[derive(Debug, Clone, Default)]
pub struct ListRefunds {
    /// Page size, clamped to 1..=100; the gateway's default (20) when `None`.
    pub limit: Option<u32>,
    /// `After(id)` / `Before(id)`: the `next` of the previous page.
    pub cursor: Option<PageCursor>,
    /// Only refunds of this payment (sent as `payment`).
    pub payment: Option<PaymentId>,
    /// Created at or after (`created[gte]`).
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before (`created[lte]`).
    pub created_to: Option<OffsetDateTime>,
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
            .field("base_url", &self.client.transport().base_url())
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

fn key_or_generate(key: Option<IdempotencyKey>) -> IdempotencyKey {
    key.unwrap_or_else(IdempotencyKey::generate)
}

fn push_list_query(
    q: &mut Vec<(&'static str, String)>,
    limit: Option<u32>,
    cursor: Option<&PageCursor>,
) -> Result<()> {
    if let Some(limit) = limit {
        q.push(("limit", limit.clamp(1, MAX_PAGE_SIZE).to_string()));
    }
    match cursor {
        None => {}
        Some(PageCursor::After(id)) => {
            q.push(("starting_after", client::path_id("cursor", id)?.to_owned()))
        }
        Some(PageCursor::Before(id)) => {
            q.push(("ending_before", client::path_id("cursor", id)?.to_owned()))
        }
        Some(PageCursor::Offset(_)) => {
            return Err(Error::invalid_request(
                "Paynectra pages with cursors (starting_after / ending_before), not offsets",
            ));
        }
    }
    Ok(())
}

fn push_created(
    q: &mut Vec<(&'static str, String)>,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
) {
    if let Some(from) = from {
        q.push(("created[gte]", from.unix_timestamp().to_string()));
    }
    if let Some(to) = to {
        q.push(("created[lte]", to.unix_timestamp().to_string()));
    }
}

fn page<T>(
    items: Vec<T>,
    has_more: bool,
    backwards: bool,
    id_of: impl Fn(&T) -> String,
) -> Page<T> {
    let next = if !has_more {
        None
    } else if backwards {
        items.first().map(|i| PageCursor::Before(id_of(i)))
    } else {
        items.last().map(|i| PageCursor::After(id_of(i)))
    };
    Page { has_more, next, items, total: None }
}

impl Paynectra {
    /// Builds the connector. Fails with
    /// [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration) when the key's mode
    /// does not match the environment, the key has no known prefix, or the base URL is bad.
    pub fn new(config: PaynectraConfig) -> Result<Self> {
        let mode = Mode::of_key(config.api_key.expose_secret()).ok_or_else(|| {
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
        tc.error_parser = Some(mapping::parse_error);
        let transport = HttpTransport::new(tc)?;
        Ok(Paynectra {
            id,
            mode,
            client: client::Client::new(transport),
            capabilities: Capabilities::all().without(Operation::ConfirmPayment),
            webhook_secret: config.webhook_secret,
            webhook_tolerance: config.webhook_tolerance,
        })
    }

    /// Test or live, as the key says.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Verifies and parses a webhook against an explicit time window (tests use a fixed
    /// `now`; [`PaymentProvider::parse_webhook`] uses the current time and the configured
    /// tolerance).
    pub fn parse_webhook_at(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        window: Window,
    ) -> Result<WebhookEvent> {
        let secret = self.webhook_secret.as_ref().ok_or_else(|| {
            Error::configuration("no webhook secret configured for Paynectra")
                .with_provider(self.id.clone())
        })?;
        webhook::verify_and_parse(
            secret.expose_secret().as_bytes(),
            headers,
            raw_body,
            window,
            &self.id,
        )
    }

    /// Lists refunds, newest first (`GET /v1/refunds`).
    pub async fn list_refunds(&self, query: ListRefunds) -> Result<Page<Refund>> {
        let mut q = Vec::new();
        push_list_query(&mut q, query.limit, query.cursor.as_ref())?;
        if let Some(p) = &query.payment {
            q.push(("payment", client::path_id("payment", p.as_str())?.to_owned()));
        }
        push_created(&mut q, query.created_from, query.created_to);
        let backwards = matches!(query.cursor, Some(PageCursor::Before(_)));
        let list = self.client.list_refunds(q).await?;
        let items = list
            .data
            .into_iter()
            .map(|r| mapping::to_refund(r, &self.id))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.with_provider(self.id.clone()))?;
        Ok(page(items, list.has_more, backwards, |r| r.id.as_str().to_owned()))
    }

    fn payment(&self, wire: wire::Payment) -> Result<Payment> {
        mapping::to_payment(wire, &self.id).map_err(|e| e.with_provider(self.id.clone()))
    }

    fn refund(&self, wire: wire::Refund) -> Result<Refund> {
        mapping::to_refund(wire, &self.id).map_err(|e| e.with_provider(self.id.clone()))
    }

    /// Refuses `amount` when its currency is not the payment's (reads the payment first).
    async fn ensure_currency(&self, payment_id: &PaymentId, amount: &Money) -> Result<()> {
        let payment = self.get_payment(payment_id).await?;
        if payment.amount.currency() != amount.currency() {
            return Err(Error::invalid_request(format!(
                "payment {payment_id} is in {} but the amount is in {}",
                payment.amount.currency().code(),
                amount.currency().code()
            ))
            .with_provider(self.id.clone()));
        }
        Ok(())
    }
}

/// Everything checked before sending, then the wire body and the idempotency key.
fn create_payment_body(req: CreatePayment) -> Result<(wire::CreatePaymentBody, IdempotencyKey)> {
    req.validate()?;
    if let Some(PaymentMethod::Card(_)) = &req.payment_method {
        return Err(Error::invalid_request(
            "Paynectra collects card details with its JS SDK or hosted page; \
                 create the payment without a card and send the customer there",
        ));
    }
    let customer_id = match &req.customer {
        None => None,
        Some(PaymentCustomer::Existing(id)) => {
            Some(client::path_id("customer", id.as_str())?.to_owned())
        }
        Some(PaymentCustomer::Inline(_)) => {
            return Err(Error::invalid_request(
                "Paynectra payments take a saved customer only: create one with \
                     create_customer and pass its id",
            ));
        }
    };
    let metadata =
        metadata_with(req.metadata, MERCHANT_REFERENCE_KEY, req.merchant_reference.as_ref())?;
    let body = wire::CreatePaymentBody {
        amount: wire_amount(req.amount, "payment")?,
        currency: mapping::currency_to_wire(req.amount.currency()),
        customer_id,
        description: req.description,
        capture_method: match req.capture {
            paymux_core::CaptureMode::Automatic => "automatic",
            paymux_core::CaptureMode::Manual => "manual",
        },
        metadata,
        return_url: req.return_url,
    };
    Ok((body, key_or_generate(req.idempotency_key)))
}

fn metadata_with(
    mut metadata: paymux_core::Metadata,
    key: &str,
    value: Option<&String>,
) -> Result<paymux_core::Metadata> {
    if let Some(value) = value {
        match metadata.get(key) {
            Some(existing) if existing != value => {
                return Err(Error::invalid_request(format!(
                    "metadata key {key:?} is reserved for the {key} ({value:?}) but holds {existing:?}"
                )));
            }
            _ => {
                metadata.insert(key.to_owned(), value.clone());
            }
        }
    }
    Ok(metadata)
}

#[async_trait]
impl PaymentProvider for Paynectra {
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
        let created =
            create_payment_body(req).map(|(body, key)| self.client.create_payment(&body, key));
        Box::pin(named_map(&self.id, created, move |wire| self.payment(wire)))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        named(&self.id, async move {
            let wire = self.client.get_payment(id.as_str()).await?;
            self.payment(wire)
        })
        .await
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        named(&self.id, async move {
            client::path_id("payment", id.as_str())?;
            let amount_to_capture = partial_amount(req.amount.as_ref(), "capture")?;
            if let Some(amount) = &req.amount {
                self.ensure_currency(id, amount).await?;
            }
            let body = wire::CaptureBody {
                amount_to_capture,
                statement_descriptor: req.statement_descriptor,
            };
            let key = key_or_generate(req.idempotency_key);
            let wire = self.client.capture_payment(id.as_str(), &body, key).await?;
            self.payment(wire)
        })
        .await
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        named(&self.id, async move {
            let key = key_or_generate(req.idempotency_key);
            let wire = self.client.cancel_payment(id.as_str(), &wire::CancelBody {}, key).await?;
            self.payment(wire)
        })
        .await
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        named(&self.id, async move {
            if query.merchant_reference.is_some() {
                return Err(Error::invalid_request(
                    "Paynectra cannot filter payments by merchant reference",
                ));
            }
            let mut q = Vec::new();
            push_list_query(&mut q, query.limit, query.cursor.as_ref())?;
            if let Some(c) = &query.customer {
                q.push(("customer", client::path_id("customer", c.as_str())?.to_owned()));
            }
            if let Some(status) = query.status {
                q.push(("status", mapping::status_filter(status)?.to_owned()));
            }
            push_created(&mut q, query.created_from, query.created_to);
            let backwards = matches!(query.cursor, Some(PageCursor::Before(_)));
            let list = self.client.list_payments(q).await?;
            let items =
                list.data.into_iter().map(|p| self.payment(p)).collect::<Result<Vec<_>>>()?;
            Ok(page(items, list.has_more, backwards, |p| p.id.as_str().to_owned()))
        })
        .await
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        named(&self.id, async move {
            client::path_id("payment", req.payment_id.as_str())?;
            let reason = req.reason.as_ref().map(mapping::refund_reason).transpose()?;
            let metadata = metadata_with(
                req.metadata,
                MERCHANT_REFUND_ID_KEY,
                req.merchant_refund_id.as_ref(),
            )?;
            let amount = partial_amount(req.amount.as_ref(), "refund")?;
            if let Some(money) = &req.amount {
                self.ensure_currency(&req.payment_id, money).await?;
            }
            let body = wire::CreateRefundBody {
                payment_id: req.payment_id.into_inner(),
                amount,
                reason,
                metadata,
            };
            let wire =
                self.client.create_refund(&body, key_or_generate(req.idempotency_key)).await?;
            self.refund(wire)
        })
        .await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        named(&self.id, async move {
            let wire = self.client.get_refund(id.as_str()).await?;
            self.refund(wire)
        })
        .await
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        named(&self.id, async move {
            if req.description.is_some() {
                // The guide's customer parameters are email, name, phone, address and metadata.
                return Err(Error::invalid_request(
                    "Paynectra customers have no description; put it in metadata",
                ));
            }
            let phone = req.phone.as_ref().map(|p| p.to_e164()).transpose()?;
            let address = req.address.map(|a| wire::AddressWire {
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                state: a.state,
                postal_code: a.postal_code,
                country: a.country,
            });
            let body = wire::CreateCustomerBody {
                email: req.email,
                name: req.name,
                phone,
                address,
                metadata: req.metadata,
            };
            let wire =
                self.client.create_customer(&body, key_or_generate(req.idempotency_key)).await?;
            mapping::to_customer(wire, &self.id)
        })
        .await
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        named(&self.id, async move {
            let wire = self.client.get_customer(id.as_str()).await?;
            mapping::to_customer(wire, &self.id)
        })
        .await
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.parse_webhook_at(headers, raw_body, Window::around_now(self.webhook_tolerance))
    }
}
