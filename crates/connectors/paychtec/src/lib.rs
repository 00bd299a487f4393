//! # paymux-paychtec
//!
//! The paymux connector for [Paychtec](https://docs.v2.paychtec.com/docs/INTEGRATION_API), a
//! gateway speaking the Hyperswitch API shape. Status words, the error body, webhook
//! verification and the payment/refund/customer answers are mapped by the shared
//! [`paymux_hyperswitch_family`] crate, so Paychtec and paymnt.cloud read them identically;
//! the request bodies are the family's Hyperswitch shapes, which this crate fills as
//! Paychtec's own guide writes them; the routes both gateways serve are the family's
//! [`Routes`](paymux_hyperswitch_family::Routes); the hosts, headers and the routes only
//! Paychtec serves are this crate's.
//!
//! ```no_run
//! use paymux::paychtec::{Paychtec, PaychtecConfig};
//! use paymux::{
//!     Address, BillingDetails, Card, CreatePayment, Currency, CustomerDetails, Environment,
//!     Money, OrderLine, PaymentProvider, Phone, SecretString,
//! };
//!
//! # async fn run() -> paymux::Result<()> {
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
//!   [`Paychtec::new`] with [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration).
//!   Hosts: sandbox `https://api.sandbox.paychtec.com`, production
//!   `https://api.v2.paychtec.com` ([`Environment`], [`PaychtecConfig::resolved_base_url`]). A
//!   `base_url` override (tests, a local sandbox) is accepted with the sandbox environment
//!   only, so a production key can never be sent anywhere but the production host.
//! - **Headers.** `api-key` and `Content-Type: application/json` on every request;
//!   `X-Idempotency-Key` on every mutation (the caller's `idempotency_key`, else one generated
//!   once per call), the same on every retry of that call.
//! - **Idempotent creates** (the guide: `payment_id` "recommended for merchant-side
//!   reconciliation and idempotent retries"; a Hyperswitch backend dedupes on the merchant's id,
//!   not on the header). Every `POST /payments` carries a `payment_id`:
//!   [`PaychtecPaymentOptions::payment_id`], else one derived from the call's idempotency key
//!   (`pay_` and 26 hex digits of an HMAC-SHA256 of the key, 30 characters as Hyperswitch's
//!   `payment_id`); every refund a `refund_id` (below). A create answered duplicate (`HE_01`)
//!   for that id is read as already created (an earlier attempt of the call, or an earlier call
//!   with the same key, went through): the payment (or refund) is fetched and returned when it
//!   is the one asked for (same amount and currency; for a refund same payment and amount),
//!   else the duplicate stands as a `Conflict`.
//! - **`profile_id`** from [`PaychtecConfig::profile_id`] on every `POST /payments`.
//! - **Order contents** go out as `order_details` (`name`, `quantity`, `amount` = unit price in
//!   minor units, `currency`); there is no way to send `items`, `line_items` or `cart_items`.
//! - **Customers.** `customer_id` is only sent from a core [`CustomerId`], which cannot be
//!   made from a plain string (it comes from [`PaymentProvider::create_customer`](paymux_core::PaymentProvider::create_customer) or another
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
//!   (`ref_` and 26 hex digits of an HMAC-SHA256 of the key, so every retry of one refund
//!   names the same refund); `reason` is free text of at most 255 characters; `refund_type` is
//!   `Instant` unless [`PaychtecRefundOptions`] says `Scheduled`.
//!
//! ## Decisions where the guide is silent
//!
//! - The merchant reference travels as `metadata.order_id` (the guide's own example, which
//!   webhooks echo back), and is read back from there. A different `order_id` already in the
//!   metadata is refused.
//! - Cards go out with `payment_method_type: "credit"` unless [`PaychtecPaymentOptions`] /
//!   [`PaychtecConfirmOptions`] say [`CardType::Debit`]; `authentication_type` is only sent when
//!   the options set it; the expiry month is zero-padded (`"05"`).
//! - [`PaymentMethod::HostedPage`](paymux_core::PaymentMethod) is `Unsupported` on
//!   `create_payment`: Paychtec's hosted checkout is a payment link
//!   ([`Paychtec::create_payment_link`]).
//! - `CapturePayment::statement_descriptor` is the `statement_descriptor_suffix`; the prefix
//!   comes from [`PaychtecCaptureOptions`]. The capture amount's currency is not checked against
//!   the payment's (that would cost a read before every capture): only the minor units go out.
//! - `ConfirmPayment::customer_ip` becomes `browser_info.ip_address`.
//! - The list routes are reads sent as `POST`: no `X-Idempotency-Key` is sent, and the
//!   transport may retry them. Lists page by offset ([`PageCursor::Offset`](paymux_core::PageCursor::Offset)); limit 1 to 100,
//!   default 10. The filter bodies are Hyperswitch's (`PaymentListFilterConstraints`,
//!   `RefundListRequest`): the creation window as `start_time`/`end_time` (RFC 3339, UTC; an
//!   end alone goes with the Unix epoch as start, since Hyperswitch drops a range without its
//!   start), `status`/`refund_status` and `currency` as arrays. A status filter names every
//!   gateway word that reads as the core status (`Processing`: `processing`,
//!   `requires_merchant_action`, `conflicted`; `Succeeded`: `succeeded`,
//!   `partially_captured`; refunds `Pending`: `pending`, `review`); a refund filter by
//!   `Cancelled`, which no Paychtec refund can be, is refused. A merchant reference filter is
//!   refused: the reference travels as `metadata.order_id`, which the list cannot filter by.
//! - Approve/reject review send `{}` (the guide names no review fields), or `{"reason"}` when a
//!   reason is given.
//! - Capabilities: every core operation. Webhooks are declared only when a webhook secret is
//!   configured; without one, `parse_webhook` answers
//!   [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration).
//! - An answer to a payment or refund that parses but whose amount cannot be money (negative,
//!   an unknown currency) is `InvalidResponse`, outcome unknown for a mutation.
//!
//! ## Statuses, events, errors, declines: the contract (from the family crate)
//!
//! Every word Paychtec documents is mapped onto the core contract
//! ([`PaymentStatus`](paymux_core::PaymentStatus), [`EventKind`](paymux_core::EventKind)) by
//! the family crate's tables, which are this connector's: payment status words
//! ([`payment_status`](paymux_hyperswitch_family::payment_status): `requires_merchant_action`
//! and `conflicted` are `Processing`, never a customer action; unknown words `Processing`),
//! refund words ([`refund_status`](paymux_hyperswitch_family::refund_status)), webhook
//! `event_type`s ([`event_kind`](paymux_hyperswitch_family::event_kind); `action_required`
//! is `PaymentActionRequired` only for a payment in `RequiresAction`,
//! [`event_kind_for`](paymux_hyperswitch_family::event_kind_for)), error types and codes
//! ([`error_kind_for_code`](paymux_hyperswitch_family::error_kind_for_code): `IR_14` and
//! `HE_01` are `Conflict` whatever generic 4xx they come with). `tests/contract_tables.rs`
//! reads every documented word through this connector. Payments keep the contract's fields:
//! `next_action` exactly when `RequiresAction`; `amount_capturable` when `RequiresCapture`
//! (the amount when the gateway leaves it out); a [`Failure`](paymux_core::Failure) on every
//! `Failed` payment, with the gateway's `error_code`/`error_message` where it sends them and a
//! normalized code from this table (read by the tests from this file):
//!
//! | `error_code` | `DeclineCode` |
//! |---|---|
//! | a core word (`card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `invalid_cvc`, `incorrect_number`, `invalid_number`, `invalid_expiry_date`, `incorrect_zip`, `incorrect_address`, `incorrect_pin`, `processing_error`, `call_issuer`, `pick_up_card`, `config_error`, `test_mode_live_card`, `unsupported_feature`, `invalid_amount`, `fraud_suspected`, `authentication_required`), any case | the same word |
//! | `do_not_honor`, `do_not_honour`, `generic_decline`, `declined` | `card_declined` |
//! | `lost_card`, `stolen_card`, `pickup_card` | `pick_up_card` |
//! | `fraudulent`, `suspected_fraud` | `fraud_suspected` |
//! | anything else | none (only `gateway_code`) |
//!
//! Webhooks are read in two steps: the signature (the only step that gives
//! [`ErrorKind::WebhookSignature`](paymux_core::ErrorKind::WebhookSignature)), then the body,
//! which is never refused once verified ("payload fields can vary by event type", the guide):
//! what cannot be read is noted in [`WebhookEvent::unread`](paymux_core::WebhookEvent) and
//! the resource is partial or `Other`
//! ([`parse_event`](paymux_hyperswitch_family::parse_event)); a verified body that is not
//! JSON is [`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson).
//!
//! ## Beyond the trait
//!
//! Inherent methods of [`Paychtec`]: [`update_payment`](Paychtec::update_payment),
//! [`list_payments_filtered`](Paychtec::list_payments_filtered) (with `currency`),
//! [`approve_payment`](Paychtec::approve_payment) / [`reject_payment`](Paychtec::reject_payment)
//! (manual review), [`list_refunds`](Paychtec::list_refunds) (status, currency, window),
//! [`update_customer`](Paychtec::update_customer), [`delete_customer`](Paychtec::delete_customer),
//! [`list_customers`](Paychtec::list_customers), payment links
//! ([`create_payment_link`](Paychtec::create_payment_link)), payouts
//! ([`create_payout`](Paychtec::create_payout)) and disputes
//! ([`list_disputes`](Paychtec::list_disputes)).
//!
//! ## Layout
//!
//! `lib.rs` (this: configuration, connector, the `Connector` impl), `client.rs` (the hosts,
//! `X-Idempotency-Key`, the family's routes and one method per route only Paychtec serves),
//! `wire.rs` (the JSON), `mapping.rs` (both directions), `options.rs` (the
//! `Paychtec*Options`), `webhook.rs`, and one file per family of operations beyond the trait:
//! `payments.rs`, `reviews.rs`, `refunds.rs`, `customers.rs`, `payment_links.rs`,
//! `payouts.rs`, `disputes.rs`.

mod client;
mod customers;
mod disputes;
mod mapping;
mod options;
mod payment_links;
mod payments;
mod payouts;
mod refunds;
mod reviews;
mod webhook;
mod wire;

use paymux_core::connector::{ConnectionSettings, Connector, idempotency_key};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Customer, CustomerId, Error, ExposeSecret, ListPayments, Operation, Page,
    Payment, PaymentId, ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent,
};

pub use customers::DeletedCustomer;
pub use disputes::{Dispute, DisputeListQuery};
pub use options::{
    AuthenticationType, BrowserInfo, CardType, PaychtecCaptureOptions, PaychtecConfirmOptions,
    PaychtecCustomerOptions, PaychtecPaymentOptions, PaychtecRefundOptions, RefundType,
};
pub use payment_links::{CreatePaymentLink, PaymentLink, PaymentLinkConfig};
pub use payments::{PaymentListQuery, UpdatePayment};
pub use paymux_core::connector::Environment;
pub use payouts::{CreatePayout, Payout};
pub use refunds::RefundListQuery;

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

/// The prefix the API keys of an environment carry.
fn key_prefix(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "snd_",
        Environment::Production => "prd_",
    }
}

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
        let expected = key_prefix(self.environment);
        if !key.starts_with(expected) {
            return Err(Error::configuration(format!(
                "Paychtec API key does not match its environment: the {} environment needs a \
                 {} key ({expected}...)",
                self.environment.as_str(),
                self.environment.as_str(),
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
        paymux_hyperswitch_family::mapping::check_id("Paychtec profile_id", &self.profile_id)
            .map_err(|e| Error::configuration(e.message()))?;
        if self.webhook_secret.as_ref().is_some_and(|s| s.expose_secret().is_empty()) {
            return Err(Error::configuration("Paychtec webhook secret must not be empty"));
        }
        Ok(())
    }

    /// The host requests go to: the base URL override, else the environment's.
    pub fn resolved_base_url(&self) -> &str {
        self.connection.base_url.as_deref().unwrap_or(client::base_url(self.environment))
    }
}

/// The Paychtec connector.
#[derive(Debug, Clone)]
pub struct Paychtec {
    client: client::Client,
    provider: ProviderId,
    profile_id: String,
    webhook_secret: Option<SecretString>,
    capabilities: Capabilities,
}

impl Paychtec {
    /// Builds the connector; refuses a configuration that fails
    /// [`PaychtecConfig::validate`] with
    /// [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration).
    pub fn new(config: PaychtecConfig) -> Result<Self> {
        config.validate()?;
        let provider = config.connection.provider(Self::GATEWAY);
        let mut transport = config.connection.transport_config(
            provider.clone(),
            config.resolved_base_url(),
            Auth::header("api-key", config.api_key.clone())?,
        );
        transport.error_parser = Some(mapping::error_parser);
        // The guide asks for it on every request, reads included.
        transport
            .default_headers
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        let mut capabilities = Capabilities::all();
        if config.webhook_secret.is_none() {
            capabilities = capabilities.without(Operation::Webhooks);
        }
        Ok(Paychtec {
            client: client::Client::new(HttpTransport::new(transport)?),
            provider,
            profile_id: config.profile_id,
            webhook_secret: config.webhook_secret,
            capabilities,
        })
    }
}

impl Connector for Paychtec {
    const GATEWAY: &'static str = "paychtec";

    fn id(&self) -> &ProviderId {
        &self.provider
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        // The key is taken first: the payment id is derived from it when the caller gives none.
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::create_body(&req, &self.profile_id, &key)?;
        let answer = self.client.create_payment(&body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let answer = self.client.get_payment(id.as_str()).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let body = mapping::confirm_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.confirm_payment(id.as_str(), &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let body = mapping::capture_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.capture_payment(id.as_str(), &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let body = mapping::cancel_body(&req);
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.cancel_payment(id.as_str(), &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let body = mapping::list_body(&query, None)?;
        let list = self.client.list_payments(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |p| {
            mapping::to_payment(&self.provider, p)
        })
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        // The key is taken first: a refund id is derived from it when the caller gives none.
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::refund_body(&req, &key)?;
        let answer = self.client.create_refund(&body, key).await?;
        let mut refund = mapping::to_refund(&self.provider, &answer)?;
        refund.merchant_refund_id = body.refund_id;
        Ok(refund)
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let answer = self.client.get_refund(id.as_str()).await?;
        mapping::to_refund(&self.provider, &answer)
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let body = mapping::create_customer_body(&req)?;
        let answer =
            self.client.create_customer(&body, idempotency_key(req.idempotency_key)).await?;
        Ok(mapping::to_customer(&self.provider, &answer))
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let answer = self.client.get_customer(id.as_str()).await?;
        Ok(mapping::to_customer(&self.provider, &answer))
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        webhook::parse(&self.provider, self.webhook_secret.as_ref(), headers, raw_body)
    }
}
