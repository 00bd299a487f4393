//! # paymux-paymnt
//!
//! paymux connector for [paymnt.cloud](https://paymnt.cloud), a gateway speaking the
//! open-source Hyperswitch API. What it shares with Paychtec (the request bodies, status
//! words, the error body, the webhook scheme and envelope, payment/refund/customer answers,
//! list paging, the routes) comes from [`paymux_hyperswitch_family`]; this crate holds
//! paymnt's hosts, headers and idempotency key rule, and the fields it names as Hyperswitch
//! does.
//!
//! ```no_run
//! use paymux::paymnt::{Paymnt, PaymntConfig};
//! use paymux::{
//!     CaptureMode, Card, CreatePayment, Currency, Environment, Money, PaymentProvider,
//!     SecretString,
//! };
//!
//! # async fn run() -> paymux::Result<()> {
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
//! - Hosts: sandbox `https://sandbox.paymnt.cloud`, production `https://api.paymnt.cloud`
//!   ([`Environment`], [`PaymntConfig::resolved_base_url`]). Headers: `api-key`,
//!   `Content-Type: application/json`, optional `x-profile-id`
//!   ([`PaymntConfig::with_profile_id`]), `Idempotency-Key` on every POST that changes
//!   something.
//! - **Idempotency** (guide: "Idempotency-Key: uuid-v4, recommended for POST/PUT/PATCH"): every
//!   such POST carries one, taken once per logical call and reused on each retry by the
//!   transport. A caller's key that is a UUID is sent as is; any other caller key is turned
//!   into a UUID deterministically (the same caller key always gives the same UUID, so a retry
//!   after a restart is still deduplicated); no key -> a fresh UUID v4.
//! - **Decision** (NOTES.md: a Hyperswitch backend dedupes a create on the merchant's id, not
//!   on the header): every `POST /payments` carries a `payment_id` derived from the call's
//!   idempotency key (`pay_` and 26 hex digits of HMAC-SHA256(`"paymnt-payment-id"`, key), 30
//!   characters as Hyperswitch's `payment_id`), every `POST /refunds` a `refund_id`: the
//!   caller's `merchant_refund_id`, else derived the same way (`ref_`, `"paymnt-refund-id"`).
//!   The header is still sent. A create answered duplicate (`HE_01`) for that id is read as
//!   already created (an earlier attempt of the call, or an earlier call with the same key,
//!   went through): it is fetched and returned when it is the one asked for (same amount and
//!   currency; for a refund same payment and amount), else the duplicate stands as a
//!   `Conflict`.
//! - Routes: `POST /payments`, `GET /payments/{id}`, `POST /payments/{id}/confirm`,
//!   `/capture` (`amount_to_capture`, partial allowed), `/cancel` (void, `cancellation_reason`),
//!   `POST /refunds` (`payment_id`, `amount`, `reason` `requested_by_customer` style,
//!   `refund_id`), `GET /refunds/{id}`, `POST /customers`, `GET /customers/{id}`; payouts
//!   (`POST /payouts/create`, `GET /payouts/{id}`, `POST /payouts/list`,
//!   `POST /payouts/{id}/cancel`) and disputes (`GET /disputes/list`, `GET /disputes/{id}`,
//!   `POST /disputes/accept/{id}`, `POST /disputes/evidence`) through the trait too.
//! - **Decision:** beyond the trait, the other Hyperswitch routes Paychtec's guide also lists,
//!   as inherent methods of [`Paymnt`]: payments ([`update_payment`](Paymnt::update_payment),
//!   [`list_payments_filtered`](Paymnt::list_payments_filtered),
//!   [`approve_payment`](Paymnt::approve_payment), [`reject_payment`](Paymnt::reject_payment)),
//!   refunds ([`list_refunds`](Paymnt::list_refunds), [`update_refund`](Paymnt::update_refund)),
//!   customers ([`update_customer`](Paymnt::update_customer),
//!   [`delete_customer`](Paymnt::delete_customer), [`list_customers`](Paymnt::list_customers)),
//!   payment links ([`get_payment_link`](Paymnt::get_payment_link),
//!   [`list_payment_links`](Paymnt::list_payment_links); Hyperswitch has no link create
//!   route), payouts ([`update_payout`](Paymnt::update_payout) with `PUT /payouts/{id}`,
//!   [`fulfill_payout`](Paymnt::fulfill_payout)), dispute evidence
//!   ([`dispute_evidence`](Paymnt::dispute_evidence),
//!   [`delete_dispute_evidence`](Paymnt::delete_dispute_evidence)).
//! - **Payouts** (decision, as for Paychtec): `create_payout` sends `amount`, `currency`,
//!   `customer_id`, `payout_type`, `description`, `metadata`, the reference as
//!   `merchant_order_reference_id`, a card as `payout_method_data.card` (`card_number`,
//!   `expiry_month`, `expiry_year`, `card_holder_name`, which Hyperswitch requires) with
//!   `payout_type: "card"`, and `confirm` and `auto_fulfill` so that the money is sent, as
//!   `create_payout` means on every gateway; [`PaymntPayoutOptions`] create it only
//!   (`requires_confirmation`) or confirm it (then [`fulfill_payout`](Paymnt::fulfill_payout)
//!   sends it). Hyperswitch takes
//!   no merchant payout id, so only the `Idempotency-Key` header guards a retried create.
//!   Cancel and fulfill send `{payout_id}`; the list takes at most 20 a page. Accepting a
//!   dispute sends `{}`; evidence goes by the file ids the gateway issued, the text as
//!   `uncategorized_text`.
//! - **Decision** (NOTES.md): lists, errors and webhooks follow the Paychtec/Hyperswitch
//!   conventions: `POST /payments/list` (Hyperswitch's `PaymentListFilterConstraints`:
//!   `limit`, `offset`, `customer_id`, `merchant_order_reference_id`, the creation window as
//!   `start_time`/`end_time`, `status` as the array of every word that reads as the core
//!   status) and `POST /refunds/list` (`payment_id`, the window, `refund_status` and
//!   `currency` arrays) answering `{count, total_count, data}` (reads sent as POST: no key,
//!   retried like reads); errors `{"error": {type, code, message}}`, where a bad state
//!   (`IR_14`) or a duplicate (`HE_01`) is a `Conflict` whatever generic 4xx status it comes
//!   with; webhooks signed with `X-Webhook-Signature-512` (HMAC-SHA512 hex over the raw
//!   body).
//! - **Decision:** request bodies use Hyperswitch's names where they differ from Paychtec's
//!   guide: `order_details[].product_name`, `merchant_order_reference_id` for the merchant
//!   reference. One-off customer details go top level (`email`, `name`, `phone`,
//!   `phone_country_code`), since Hyperswitch's `customer` object needs an id; a saved
//!   customer is sent as `customer_id`.
//! - **Decision:** `confirm: true` without a payment method is refused before sending
//!   (Hyperswitch requires one to confirm); create with `confirm: false` for the two-step flow.
//!   Only card payment methods are sent; others are `Unsupported`. Options:
//!   [`PaymntPaymentOptions`] (`authentication_type`, `payment_method_type`).
//! - **Decision** (the same rule as Paychtec's, from [`paymux_hyperswitch_family`]): amounts
//!   above 999,999,999 minor units, the `MAX_ALLOWED_AMOUNT` of the Hyperswitch server
//!   ([`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR)), are refused
//!   with `InvalidRequest` before any request: payments, order lines, captures, refunds.
//! - Ids that go into a body (`customer_id`, a refund's `payment_id` and `refund_id`, list
//!   filters) follow the rule of ids in a path
//!   ([`path_segment`](paymux_core::transport::path_segment): 1 to 64 letters, digits, `-`,
//!   `_`, `.`, `~`; 30 for `refund_id`), checked before any request.
//! - An answer to a payment or refund that parses but whose amount cannot be money (negative,
//!   an unknown currency) is `InvalidResponse`, outcome unknown for a mutation.
//! - Statuses, events, errors: the family crate's tables map every word onto the core
//!   contract and are this connector's: payment status words
//!   ([`payment_status`](paymux_hyperswitch_family::payment_status): unknown words
//!   `Processing`, the word kept in `raw_status`; `requires_merchant_action` and `conflicted`
//!   are `Processing`, never a customer action), refund words
//!   ([`refund_status`](paymux_hyperswitch_family::refund_status)), payout words
//!   ([`payout_status`](paymux_hyperswitch_family::payout_status): the `requires_*` words are
//!   `RequiresAction`, `initiated` and `pending` `Processing`, `ineligible` `Failed`), dispute
//!   words and stages ([`dispute_status`](paymux_hyperswitch_family::dispute_status),
//!   [`dispute_stage`](paymux_hyperswitch_family::dispute_stage)), webhook `event_type`s
//!   ([`event_kind`](paymux_hyperswitch_family::event_kind); `action_required` is
//!   `PaymentActionRequired` only for a payment in `RequiresAction`, `PaymentProcessing` for
//!   one held for review or in conflict), error types and codes
//!   ([`error_kind_for_code`](paymux_hyperswitch_family::error_kind_for_code)).
//!   `tests/contract_tables.rs` reads every documented word through this connector. Payments
//!   keep the contract's fields: `next_action` exactly when `RequiresAction`,
//!   `amount_capturable` when `RequiresCapture` (the amount when the gateway leaves it out), a
//!   [`Failure`](paymux_core::Failure) on every `Failed` payment, its normalized code from
//!   this table (read by the tests from this file; the gateway's code is always kept):
//!
//!   | `error_code` | `DeclineCode` |
//!   |---|---|
//!   | a core word (`card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `invalid_cvc`, `incorrect_number`, `invalid_number`, `invalid_expiry_date`, `incorrect_zip`, `incorrect_address`, `incorrect_pin`, `processing_error`, `call_issuer`, `pick_up_card`, `config_error`, `test_mode_live_card`, `unsupported_feature`, `invalid_amount`, `fraud_suspected`, `authentication_required`), any case | the same word |
//!   | `do_not_honor`, `do_not_honour`, `generic_decline`, `declined` | `card_declined` |
//!   | `lost_card`, `stolen_card`, `pickup_card` | `pick_up_card` |
//!   | `fraudulent`, `suspected_fraud` | `fraud_suspected` |
//!   | anything else | none (only `gateway_code`) |
//!
//! - Webhooks in two steps: the signature (the only step that gives
//!   [`ErrorKind::WebhookSignature`](paymux_core::ErrorKind::WebhookSignature)), then the
//!   body, never refused once verified: what cannot be read is noted in
//!   [`WebhookEvent::unread`](paymux_core::WebhookEvent) and the resource is partial or
//!   `Other` ([`parse_event`](paymux_hyperswitch_family::parse_event)); a verified body that
//!   is not JSON is [`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson).
//!   `payout_*` and `dispute_*` events carry the payout or dispute (`Payout`, `Dispute`).
//! - Webhooks have no timestamp, so no replay window: deduplicate by event id with a
//!   [`paymux_core::webhook::EventStore`]. [`Operation::Webhooks`] is in the capabilities only
//!   when a webhook secret is configured; without one, `parse_webhook` answers
//!   [`ErrorKind::Configuration`](paymux_core::ErrorKind::Configuration).
//!
//! ## Layout
//!
//! `lib.rs` (this: configuration, connector, the `Connector` impl), `client.rs` (the hosts,
//! `Idempotency-Key` and its UUID rule over the family's routes), `wire.rs` (the family's
//! JSON shapes in use), `mapping.rs` (both directions), `options.rs`
//! ([`PaymntPaymentOptions`], [`PaymntPayoutOptions`]), `webhook.rs`, and one file per family
//! of operations beyond the trait: `payments.rs`, `refunds.rs`, `customers.rs`,
//! `payment_links.rs`, `payouts.rs`, `disputes.rs`.

mod client;
mod customers;
mod disputes;
mod mapping;
mod options;
mod payment_links;
mod payments;
mod payouts;
mod refunds;
mod webhook;
mod wire;

use paymux_core::connector::{ConnectionSettings, Connector, idempotency_key};
use paymux_core::http::{HeaderName, HeaderValue};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error,
    ExposeSecret, ListDisputes, ListPayments, ListPayouts, Operation, Page, Payment, PaymentId,
    Payout, PayoutId, ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent,
};
use paymux_hyperswitch_family::calls;

pub use options::{
    AuthenticationType, PaymntPaymentOptions, PaymntPayoutOptions, PayoutFlow, PayoutType,
};
pub use paymux_core::connector::Environment;
/// The requests and answers paymnt.cloud shares with Paychtec, from the family crate.
pub use paymux_hyperswitch_family::{
    CustomerDeleteResponse as DeletedCustomer, DisputeEvidenceBlock, FileMetadataResponse,
    ListPaymentLinks, PaymentLinkResponse as PaymentLink, PaymentListQuery, UpdatePayment,
    UpdatePayout, UpdateRefund,
};
pub use refunds::ListRefunds;

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

    /// The host requests go to: the base URL override, else the environment's
    /// (`https://sandbox.paymnt.cloud`, `https://api.paymnt.cloud`).
    pub fn resolved_base_url(&self) -> &str {
        self.connection.base_url.as_deref().unwrap_or(client::base_url(self.environment))
    }
}

/// The paymnt.cloud connector.
#[derive(Debug, Clone)]
pub struct Paymnt {
    client: client::Client,
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
        let provider = config.connection.provider(Self::GATEWAY);
        let mut transport = config.connection.transport_config(
            provider.clone(),
            config.resolved_base_url(),
            Auth::header("api-key", config.api_key.clone())?,
        );
        transport.error_parser = Some(mapping::error_parser);
        if let Some(profile) = &config.profile_id {
            let value = HeaderValue::from_str(profile).map_err(|_| {
                Error::configuration("profile id contains characters not allowed in a header")
            })?;
            transport.default_headers.insert(HeaderName::from_static("x-profile-id"), value);
        }
        let mut capabilities = Capabilities::only(paymux_hyperswitch_family::OPERATIONS);
        if config.webhook_secret.is_none() {
            capabilities = capabilities.without(Operation::Webhooks);
        }
        Ok(Paymnt {
            client: client::new(HttpTransport::new(transport)?),
            provider,
            capabilities,
            webhook_secret: config.webhook_secret,
            max_webhook_body: config.max_webhook_body,
        })
    }
}

impl Connector for Paymnt {
    const GATEWAY: &'static str = "paymnt";

    fn id(&self) -> &ProviderId {
        &self.provider
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        // The key is taken first: the payment id is derived from it.
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::create_body(&req, &key)?;
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
        let body = mapping::list_body(&query)?;
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
        let body = mapping::customer_body(&req);
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

    fn parse_webhook(
        &self,
        headers: &paymux_core::http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<WebhookEvent> {
        let secret = self.webhook_secret.as_ref();
        webhook::parse(&self.provider, secret, self.max_webhook_body, headers, raw_body)
    }
}
