//! # paymux-paychtec
//!
//! The paymux connector for [Paychtec](https://docs.v2.paychtec.com/docs/INTEGRATION_API), a
//! gateway speaking the Hyperswitch API shape. What it shares with paymnt.cloud (routes, JSON,
//! status words, errors, webhooks) is the [`paymux_hyperswitch_family`] crate's, filled as
//! Paychtec's guide writes it; its hosts, headers and own routes are this crate's.
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
//! - **Keys and hosts.** A `snd_` key only with sandbox (`https://api.sandbox.paychtec.com`),
//!   a `prd_` key only with production (`https://api.v2.paychtec.com`), else [`Paychtec::new`]
//!   fails (`Configuration`); a `base_url` override only with sandbox, so a production key
//!   never goes anywhere but the production host.
//! - **Headers.** `api-key` and `Content-Type: application/json` on every request;
//!   `X-Idempotency-Key` on every mutation (the caller's key, else one generated per call),
//!   the same on every retry.
//! - **Idempotent creates** (Hyperswitch dedupes on the merchant's id). Every payment carries
//!   a `payment_id` ([`PaychtecPaymentOptions`], else `pay_` and 26 hex digits of an
//!   HMAC-SHA256 of the idempotency key), every refund a `refund_id` (`merchant_refund_id`, 1
//!   to 30 characters, else `ref_` likewise). A duplicate answer (`HE_01`) for that id is
//!   fetched and returned when it is the one asked for, else it stands as a `Conflict`.
//! - **Bodies.** `profile_id` ([`PaychtecConfig::profile_id`]) on every `POST /payments`;
//!   order contents as `order_details` (`name`, `quantity`, unit `amount`, `currency`), never
//!   `items`; `customer_id` only from a core [`CustomerId`] (issued by the gateway), inline
//!   details top level (`email`, `name`, `phone`, `phone_country_code`); refund `reason` at
//!   most 255 characters, `refund_type` `Instant` unless [`PaychtecRefundOptions`] says
//!   `Scheduled`.
//! - **Billing travels with the payment method** (decision): `billing` (with an address and a
//!   phone, both required by the guide) is sent if and only if `payment_method_data` is; a
//!   one-step payment without a payment method is refused. For two steps, create with
//!   `with_confirm(false)` and pass card and billing to `confirm_payment`.
//! - **Ids** in a body or path (payment, customer, profile, refund, payout, dispute ids, list
//!   filters) follow [`path_segment`](paymux_core::transport::path_segment) (1 to 64 of
//!   letters, digits, `-`, `_`, `.`, `~`; 30 for `refund_id`); **amounts** above 999,999,999
//!   minor units ([`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR))
//!   are refused. Both before any request.
//!
//! ## Decisions where the guide is silent
//!
//! - The merchant reference of a payment travels as `metadata.order_id` (the guide's example,
//!   echoed by webhooks) and is read back from there; a different `order_id` is refused.
//! - Cards go out as `payment_method_type: "credit"` unless the options say
//!   [`CardType::Debit`]; `authentication_type` only when set; the month zero-padded.
//!   `HostedPage` is `Unsupported`: the hosted checkout is a payment link
//!   ([`Paychtec::create_payment_link`]).
//! - `statement_descriptor` is the `statement_descriptor_suffix` (prefix:
//!   [`PaychtecCaptureOptions`]); `customer_ip` becomes `browser_info.ip_address`.
//! - Lists are reads sent as `POST` (no key; retried like reads), paged by offset
//!   ([`PageCursor::Offset`](paymux_core::PageCursor::Offset); limit 1 to 100, default 10;
//!   payouts at most 20) with Hyperswitch's filter bodies: the window as `start_time`/`end_time`
//!   (RFC 3339 UTC; an end alone starts at the Unix epoch, which Hyperswitch needs), statuses
//!   and currencies as arrays naming every word that reads as the core status. A refund filter
//!   by `Cancelled` and a payment filter by merchant reference are refused.
//! - Approve/reject and dispute accept send `{}` (or `{"reason"}`); payout cancel and fulfill
//!   `{payout_id}`. Capabilities: every core operation, webhooks only with a webhook secret.
//!   An answer whose amount cannot be money is `InvalidResponse` (outcome unknown if mutating).
//!
//! ## Payouts and disputes
//!
//! `create_payout` sends the guide's body, the reference as `merchant_order_reference_id`, a
//! card as `payout_method_data.card` (holder's name required), with `confirm` and
//! `auto_fulfill` so that the money is sent, as `create_payout` means on every gateway;
//! [`PaychtecPayoutOptions`] create it only, or confirm it for
//! [`fulfill_payout`](Paychtec::fulfill_payout). No merchant payout id exists: only `X-Idempotency-Key` guards a retried
//! create. Evidence goes by file id, its text as `uncategorized_text`.
//!
//! ## Statuses, events, errors, declines: the contract (from the family crate)
//!
//! The family's tables map every documented word and are this connector's
//! (`tests/contract_tables.rs`): payment, refund, payout and dispute status words, dispute
//! stages, webhook `event_type`s and error codes ([`payment_status`](paymux_hyperswitch_family::payment_status),
//! [`payout_status`](paymux_hyperswitch_family::payout_status),
//! [`dispute_status`](paymux_hyperswitch_family::dispute_status),
//! [`event_kind_for`](paymux_hyperswitch_family::event_kind_for),
//! [`error_kind_for_code`](paymux_hyperswitch_family::error_kind_for_code), ...). Payments keep
//! the contract (`next_action` exactly when `RequiresAction`, `amount_capturable` when
//! `RequiresCapture`, a [`Failure`](paymux_core::Failure) on every `Failed` payment; payouts:
//! exactly then), its code from this table (read by the tests from this file):
//!
//! | `error_code` | `DeclineCode` |
//! |---|---|
//! | a core word (`card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `invalid_cvc`, `incorrect_number`, `invalid_number`, `invalid_expiry_date`, `incorrect_zip`, `incorrect_address`, `incorrect_pin`, `processing_error`, `call_issuer`, `pick_up_card`, `config_error`, `test_mode_live_card`, `unsupported_feature`, `invalid_amount`, `fraud_suspected`, `authentication_required`), any case | the same word |
//! | `do_not_honor`, `do_not_honour`, `generic_decline`, `declined` | `card_declined` |
//! | `lost_card`, `stolen_card`, `pickup_card` | `pick_up_card` |
//! | `fraudulent`, `suspected_fraud` | `fraud_suspected` |
//! | anything else | none (only `gateway_code`) |
//!
//! Webhooks: the signature first (the only step giving `WebhookSignature`), then the body,
//! never refused once verified (what cannot be read is noted in `unread`; not JSON:
//! `WebhookNotJson`); `payout_*` and `dispute_*` events carry the payout or dispute.
//!
//! ## Beyond the trait
//!
//! Inherent methods of [`Paychtec`], one file per family (`payments.rs`, `reviews.rs`,
//! `refunds.rs`, `customers.rs`, `payment_links.rs`, `payouts.rs`, `disputes.rs`, ...): payment
//! update, filtered list and review; refund list and update; customer update, delete and list;
//! payment link create, get and list; payout [`update_payout`](Paychtec::update_payout) and
//! [`fulfill_payout`](Paychtec::fulfill_payout); dispute evidence read and delete.
//!
//! ## Subscriptions and merchant routes
//!
//! Subscriptions ([`create_subscription`](Paychtec::create_subscription) and the seven
//! routes after it) carry `X-Profile-Id` = [`PaychtecConfig::profile_id`]; merchant routes
//! ([`list_business_profiles`](Paychtec::list_business_profiles), API keys, metrics) take the
//! merchant id. A created API key and a profile's hash key are [`SecretString`]s.

mod client;
mod customers;
mod disputes;
mod mapping;
mod merchant;
mod options;
mod payment_links;
mod payments;
mod payouts;
mod refunds;
mod reviews;
mod subscriptions;
mod webhook;
mod wire;

use paymux_core::connector::{ConnectionSettings, Connector, idempotency_key};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error,
    ExposeSecret, ListDisputes, ListPayments, ListPayouts, Operation, Page, Payment, PaymentId,
    Payout, PayoutId, ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent,
};
use paymux_hyperswitch_family::calls;

pub use merchant::{
    ApiKey, ApiKeyExpiration, BusinessProfile, CreateApiKey, CreatedApiKey, MetricsBucket,
    MetricsQuery, MetricsReport, ProfileWebhookDetails, RevokedApiKey, UpdateApiKey,
};
pub use options::{
    AuthenticationType, BrowserInfo, CardType, PaychtecCaptureOptions, PaychtecConfirmOptions,
    PaychtecCustomerOptions, PaychtecPaymentOptions, PaychtecPayoutOptions, PaychtecRefundOptions,
    PayoutFlow, PayoutType, RefundType,
};
pub use payment_links::{CreatePaymentLink, PaymentLinkConfig};
pub use paymux_core::connector::Environment;
/// The requests and answers Paychtec shares with paymnt.cloud, from the family crate.
pub use paymux_hyperswitch_family::{
    CustomerDeleteResponse as DeletedCustomer, DisputeEvidenceBlock, FileMetadataResponse,
    ListPaymentLinks, PaymentLinkResponse as PaymentLink, PaymentListQuery, UpdatePayment,
    UpdatePayout, UpdateRefund,
};
pub use refunds::RefundListQuery;
pub use subscriptions::{
    AccountReceivablesHandling, CancelAt, CancelSubscription, ChargesHandling, ConfirmSubscription,
    CreateAndConfirmSubscription, CreateSubscription, CurrentTermCredit, CustomerAcceptance,
    FutureUsage, OnlineAcceptance, PauseAt, PauseSubscription, RefundableCreditsHandling, ResumeAt,
    ResumeSubscription, Subscription, SubscriptionInvoice, SubscriptionPayment,
    SubscriptionPaymentMethod, SubscriptionPaymentType, SubscriptionStatus, UnbilledCharges,
    UnpaidInvoicesHandling, UpdateSubscription,
};

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
        let mut capabilities = Capabilities::only(paymux_hyperswitch_family::OPERATIONS);
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

    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let body = mapping::payout_body(&req)?;
        calls::create_payout(&self.client, &self.provider, &body, req.idempotency_key).await
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        calls::get_payout(&self.client, &self.provider, id).await
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        calls::list_payouts(&self.client, &self.provider, &query).await
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        calls::cancel_payout(&self.client, &self.provider, id).await
    }

    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        calls::list_disputes(&self.client, &self.provider, &query).await
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        calls::get_dispute(&self.client, &self.provider, id).await
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        calls::accept_dispute(&self.client, &self.provider, id).await
    }

    async fn submit_dispute_evidence(&self, id: &DisputeId, e: DisputeEvidence) -> Result<Dispute> {
        calls::submit_dispute_evidence(&self.client, &self.provider, id, &e).await
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        webhook::parse(&self.provider, self.webhook_secret.as_ref(), headers, raw_body)
    }
}
