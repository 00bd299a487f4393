//! # paymux-paymnt
//!
//! paymux connector for [paymnt.cloud](https://paymnt.cloud), a gateway speaking the
//! open-source Hyperswitch API. What it shares with Paychtec (status words, the error body,
//! the webhook scheme and envelope, payment/refund/customer answers) comes from
//! [`paymux_hyperswitch_family`]; this crate holds paymnt's hosts, headers, request bodies
//! and routes.
//!
//! ```no_run
//! use paymux_core::{CaptureMode, Card, CreatePayment, Currency, Money, PaymentProvider, SecretString};
//! use paymux_paymnt::{Environment, Paymnt, PaymntConfig};
//!
//! # async fn run() -> paymux_core::Result<()> {
//! let config = PaymntConfig::new(SecretString::from("YOUR_SECRET_KEY"), Environment::Sandbox)
//!     .with_profile_id("pro_123")
//!     .with_webhook_secret(SecretString::from("payment_response_hash_key"));
//! let paymnt = Paymnt::new(config)?;
//! let card = Card::new("4242424242424242", 12, 2030, "123")?;
//! let payment = paymnt
//!     .create_payment(
//!         CreatePayment::new(Money::from_minor(1000, Currency::USD)?)
//!             .with_card(card)
//!             .with_capture(CaptureMode::Manual)
//!             .with_description("Order #1001"),
//!     )
//!     .await?;
//! println!("{} is {}", payment.id, payment.status);
//! # Ok(()) }
//! ```
//!
//! ## Facts (paymnt.cloud guide) and decisions
//!
//! - Hosts: sandbox `https://sandbox.paymnt.cloud`, production `https://api.paymnt.cloud`.
//!   Headers: `api-key`, `Content-Type: application/json`, optional `x-profile-id`
//!   ([`PaymntConfig::with_profile_id`]), `Idempotency-Key` on every POST.
//! - **Idempotency** (guide: "Idempotency-Key: uuid-v4, recommended for POST/PUT/PATCH"): every
//!   POST carries one, made once per logical call and reused on each retry by the transport.
//!   A caller's key that is a UUID is sent as is; any other caller key is turned into a UUID
//!   deterministically (see [`mapping::idempotency_key`]); no key -> a fresh UUID v4.
//! - Routes: `POST /payments`, `GET /payments/{id}`, `POST /payments/{id}/confirm`,
//!   `/capture` (`amount_to_capture`, partial allowed), `/cancel` (void, `cancellation_reason`),
//!   `POST /refunds` (`payment_id`, `amount`, `reason` `requested_by_customer` style,
//!   `refund_id`), `GET /refunds/{id}`, `POST /customers`, `GET /customers/{id}`.
//! - **Decision** (NOTES.md): lists, errors and webhooks follow the Paychtec/Hyperswitch
//!   conventions: `POST /payments/list` and `POST /refunds/list` with `{limit, offset, ...}`
//!   answering `{count, total_count, data}`; errors `{"error": {type, code, message}}`;
//!   webhooks signed with `X-Webhook-Signature-512` (HMAC-SHA512 hex over the raw body).
//! - **Decision:** request bodies use Hyperswitch's names where they differ from Paychtec's
//!   guide: `order_details[].product_name`, `merchant_order_reference_id` for the merchant
//!   reference. One-off customer details go top level (`email`, `name`, `phone`,
//!   `phone_country_code`), since Hyperswitch's `customer` object needs an id; a saved
//!   customer is sent as `customer_id`.
//! - **Decision:** `confirm: true` without a payment method is refused before sending
//!   (Hyperswitch requires one to confirm); create with `confirm: false` for the two-step flow.
//!   Only card payment methods are sent; others are `Unsupported`.
//! - **Decision** (the same rule as Paychtec's, from [`paymux_hyperswitch_family`]): amounts
//!   above 999,999,999 minor units, the `MAX_ALLOWED_AMOUNT` of the Hyperswitch server
//!   ([`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR)), are refused
//!   with `InvalidRequest` before any request: payments, order lines, captures, refunds.
//! - Ids that go into a body (`customer_id`, a refund's `payment_id` and `refund_id`, list
//!   filters) follow the rule of ids in a path
//!   ([`path_segment`](paymux_core::transport::path_segment): 1 to 64 letters, digits, `-`,
//!   `_`, `.`, `~`; 30 for `refund_id`), checked before any request.
//! - Statuses: see [`paymux_hyperswitch_family::status`] (unknown words -> `Processing`, the
//!   word kept in `raw_status`).
//! - Webhooks have no timestamp, so no replay window: deduplicate by event id with a
//!   [`paymux_core::webhook::EventStore`]. [`Operation::Webhooks`] is in the capabilities only
//!   when a webhook secret is configured.

pub mod client;
pub mod mapping;
pub mod webhook;
pub mod wire;

use paymux_core::http::{HeaderMap, HeaderName, HeaderValue};
use paymux_core::transport::{Auth, ConnectionSettings, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Customer, CustomerId, Error, ExposeSecret, ListPayments, Operation, Page,
    PageCursor, Payment, PaymentId, PaymentProvider, ProviderFuture, ProviderId, Refund, RefundId,
    Result, SecretString, WebhookEvent, async_trait,
};
use paymux_core::{named, named_map};
use paymux_hyperswitch_family::mapping::{DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT};
use paymux_hyperswitch_family::wire::{PaymentResponse, RefundListRequest, RefundResponse};
use paymux_hyperswitch_family::{
    customer_from_wire, customer_request, list_request, page_from_list, parse_error,
    payment_from_wire, refund_from_wire,
};

pub use client::PaymntClient;

/// Sandbox or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `https://sandbox.paymnt.cloud`.
    Sandbox,
    /// `https://api.paymnt.cloud`.
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox.paymnt.cloud",
            Environment::Production => "https://api.paymnt.cloud",
        }
    }
}

/// How to reach one paymnt.cloud account. `Debug` never shows the key or webhook secret.
#[derive(Debug, Clone)]
pub struct PaymntConfig {
    /// Secret API key, sent as `api-key`.
    pub api_key: SecretString,
    /// Sandbox or production.
    pub environment: Environment,
    /// Business profile, sent as `x-profile-id` on every request when set.
    pub profile_id: Option<String>,
    /// The payment response hash key that signs webhooks.
    pub webhook_secret: Option<SecretString>,
    /// Webhook bodies above this size are refused (default 1 MiB).
    pub max_webhook_body: usize,
    /// Base URL override, instance name, retries, timeouts, concurrency.
    pub connection: ConnectionSettings,
}

paymux_core::connection_builders!(PaymntConfig);

impl PaymntConfig {
    /// A configuration with defaults for everything but the key and environment.
    pub fn new(api_key: SecretString, environment: Environment) -> Self {
        PaymntConfig {
            connection: ConnectionSettings::default(),
            api_key,
            environment,
            profile_id: None,
            webhook_secret: None,
            max_webhook_body: paymux_core::webhook::DEFAULT_MAX_BODY,
        }
    }

    /// Sends `x-profile-id` on every request.
    pub fn with_profile_id(mut self, profile_id: impl Into<String>) -> Self {
        self.profile_id = Some(profile_id.into());
        self
    }

    /// Sets the webhook signing key (enables [`Operation::Webhooks`]).
    pub fn with_webhook_secret(mut self, secret: SecretString) -> Self {
        self.webhook_secret = Some(secret);
        self
    }
}

/// 3-D Secure preference (`authentication_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// paymnt-only options for `create_payment` and `confirm_payment`, read with
/// `req.extensions.get::<PaymntPaymentExtension>()`.
///
/// ```
/// use paymux_core::{CreatePayment, Currency, Money};
/// use paymux_paymnt::{AuthenticationType, PaymntPaymentExtension};
/// let req = CreatePayment::new(Money::from_minor(1000, Currency::USD).unwrap())
///     .with_options(PaymntPaymentExtension {
///         authentication_type: Some(AuthenticationType::ThreeDs),
///         payment_method_type: Some("credit".into()),
///     });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymntPaymentExtension {
    /// `authentication_type` (create only).
    pub authentication_type: Option<AuthenticationType>,
    /// `payment_method_type` (`credit`, `debit`), sent with a card.
    pub payment_method_type: Option<String>,
}

impl paymux_core::GatewayOptions for PaymntPaymentExtension {
    const GATEWAY: &'static str = "paymnt";
}

/// A query for [`Paymnt::list_refunds`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRefunds {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, clamped to 1..=100 (default 10).
    pub limit: Option<u32>,
    /// The `next` of the previous page (offset cursors only).
    pub cursor: Option<PageCursor>,
}

/// The paymnt.cloud connector.
#[derive(Debug, Clone)]
pub struct Paymnt {
    client: PaymntClient,
    provider: ProviderId,
    capabilities: Capabilities,
    webhook_secret: Option<SecretString>,
    max_webhook_body: usize,
}

impl Paymnt {
    /// Builds the connector; fails on an empty key, a bad base URL or a profile id that cannot
    /// be a header value.
    pub fn new(config: PaymntConfig) -> Result<Self> {
        if config.api_key.expose_secret().trim().is_empty() {
            return Err(Error::configuration("paymnt API key is empty"));
        }
        let provider = config.connection.provider("paymnt");
        let base_url = config.connection.base_url_or(config.environment.base_url());
        let mut transport = config.connection.transport_config(
            provider.clone(),
            base_url,
            Auth::header("api-key", config.api_key.clone())?,
        );
        transport.error_parser = Some(parse_error);
        let mut headers = HeaderMap::new();
        if let Some(profile) = &config.profile_id {
            let value = HeaderValue::from_str(profile).map_err(|_| {
                Error::configuration("profile id contains characters not allowed in a header")
            })?;
            headers.insert(HeaderName::from_static("x-profile-id"), value);
        }
        transport.default_headers = headers;
        let mut capabilities = Capabilities::all();
        if config.webhook_secret.is_none() {
            capabilities = capabilities.without(Operation::Webhooks);
        }
        Ok(Paymnt {
            client: PaymntClient::new(HttpTransport::new(transport)?),
            provider,
            capabilities,
            webhook_secret: config.webhook_secret,
            max_webhook_body: config.max_webhook_body,
        })
    }

    /// The raw routes, for gateway-only calls.
    pub fn client(&self) -> &PaymntClient {
        &self.client
    }

    fn payment(&self, wire: &PaymentResponse, mutation: bool) -> Result<Payment> {
        payment_from_wire(&self.provider, wire).map_err(|e| self.answer_error(e, mutation))
    }

    fn refund(&self, wire: &RefundResponse, mutation: bool) -> Result<Refund> {
        refund_from_wire(&self.provider, wire).map_err(|e| self.answer_error(e, mutation))
    }

    fn answer_error(&self, e: Error, mutation: bool) -> Error {
        let e = e.with_provider(self.provider.clone());
        if mutation { e.with_outcome_unknown() } else { e }
    }

    fn local(&self, e: Error) -> Error {
        e.with_provider(self.provider.clone())
    }

    /// Lists refunds (`POST /refunds/list`), newest first, optionally of one payment.
    pub async fn list_refunds(&self, query: ListRefunds) -> Result<Page<Refund>> {
        let offset = match &query.cursor {
            None => None,
            Some(PageCursor::Offset(n)) => Some(*n),
            Some(_) => {
                return Err(self.local(Error::invalid_request(
                    "paymnt pages by offset: pass the `next` cursor of the previous page",
                )));
            }
        };
        if let Some(id) = &query.payment_id {
            client::check_path_id("payment id", id.as_str()).map_err(|e| self.local(e))?;
        }
        let limit = query.limit.unwrap_or(DEFAULT_LIST_LIMIT).clamp(1, MAX_LIST_LIMIT);
        let body = RefundListRequest {
            limit,
            offset,
            payment_id: query.payment_id.map(PaymentId::into_inner),
        };
        let list = self.client.list_refunds(&body).await?;
        page_from_list(&list, offset.unwrap_or(0), limit, |w| self.refund(w, false))
    }
}

#[async_trait]
impl PaymentProvider for Paymnt {
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
        let created = mapping::create_payment_body(&req).and_then(|body| {
            let key = mapping::idempotency_key(req.idempotency_key)?;
            Ok(self.client.create_payment(&body, key))
        });
        Box::pin(named_map(&self.provider, created, move |wire| self.payment(&wire, true)))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        named(&self.provider, async move {
            let wire = self.client.get_payment(id.as_str()).await?;
            self.payment(&wire, false)
        })
        .await
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        named(&self.provider, async move {
            client::check_path_id("payment id", id.as_str())?;
            let body = mapping::confirm_payment_body(&req)?;
            let key = mapping::idempotency_key(req.idempotency_key)?;
            let wire = self.client.confirm_payment(id.as_str(), &body, key).await?;
            self.payment(&wire, true)
        })
        .await
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        named(&self.provider, async move {
            client::check_path_id("payment id", id.as_str())?;
            let body = mapping::capture_body(&req)?;
            let key = mapping::idempotency_key(req.idempotency_key)?;
            let wire = self.client.capture_payment(id.as_str(), &body, key).await?;
            self.payment(&wire, true)
        })
        .await
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        named(&self.provider, async move {
            client::check_path_id("payment id", id.as_str())?;
            let body = mapping::cancel_body(&req);
            let key = mapping::idempotency_key(req.idempotency_key)?;
            let wire = self.client.cancel_payment(id.as_str(), &body, key).await?;
            self.payment(&wire, true)
        })
        .await
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        named(&self.provider, async move {
            let body = list_request(&query)?;
            let list = self.client.list_payments(&body).await?;
            page_from_list(&list, body.offset.unwrap_or(0), body.limit, |w| self.payment(w, false))
        })
        .await
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        named(&self.provider, async move {
            let body = mapping::create_refund_body(&req)?;
            let key = mapping::idempotency_key(req.idempotency_key)?;
            let wire = self.client.create_refund(&body, key).await?;
            self.refund(&wire, true)
        })
        .await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        named(&self.provider, async move {
            let wire = self.client.get_refund(id.as_str()).await?;
            self.refund(&wire, false)
        })
        .await
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        named(&self.provider, async move {
            let body = customer_request(&req);
            let key = mapping::idempotency_key(req.idempotency_key)?;
            let wire = self.client.create_customer(&body, key).await?;
            Ok(customer_from_wire(&self.provider, &wire))
        })
        .await
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        named(&self.provider, async move {
            let wire = self.client.get_customer(id.as_str()).await?;
            Ok(customer_from_wire(&self.provider, &wire))
        })
        .await
    }

    fn parse_webhook(
        &self,
        headers: &paymux_core::http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<WebhookEvent> {
        webhook::parse(
            &self.provider,
            self.webhook_secret.as_ref(),
            self.max_webhook_body,
            headers,
            raw_body,
        )
    }
}
