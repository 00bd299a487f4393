//! # paymux-paytech
//!
//! The [pay.tech](https://pay.tech) connector: [`Paytech`] implements
//! [`Connector`], and so
//! [`PaymentProvider`](paymux_core::PaymentProvider), over the gateway's `/api/v1/payments` API
//! (sandbox `https://engine-sandbox.pay.tech`, production `https://engine.pay.tech`),
//! authenticated with `Authorization: Bearer <shop API key>`.
//!
//! ```no_run
//! use paymux::{CreatePayment, Currency, Money, NextAction, PaymentProvider, SecretString};
//! use paymux::paytech::{Environment, Paytech, PaytechConfig};
//!
//! # async fn run() -> paymux::Result<()> {
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
//! | `create_payment` | `POST /api/v1/payments`, `paymentType: DEPOSIT`; `redirectUrl` -> `NextAction::Redirect`; [`PaytechPaymentOptions`] |
//! | `confirm_payment` | `PATCH /api/v1/payments/{id}` `{customerIp, ...}` (host-to-host), [`PaytechConfirmOptions`]; `externalRefs` -> `NextAction::Instructions` (see [`external_refs`]) |
//! | `get_payment` | `GET /api/v1/payments/{id}` |
//! | `list_payments` | `GET /api/v1/payments` (`offset`/`limit`, `created.gte`/`created.lt`, `referenceId.eq`); every filter: [`Paytech::list_deposits`] |
//! | `capture_payment` | `POST /api/v1/payments/{id}/capture` (optional partial `amount`) |
//! | `cancel_payment` | `POST /api/v1/payments/{id}/void` |
//! | `create_refund` / `get_refund` | `POST /api/v1/payments` `paymentType: REFUND` + `parentPaymentId` (without an amount: what is left, see "Refunds") / `GET /api/v1/payments/{id}` |
//! | `create_payout` / `get_payout` / `list_payouts` / `cancel_payout` | `POST /api/v1/payments` `paymentType: WITHDRAWAL` ([`PaytechPayoutOptions`]) / `GET /api/v1/payments/{id}` / the list's `WITHDRAWAL`s / `POST /api/v1/payments/{id}/reject`; [`Paytech::approve_withdrawal`], [`Paytech::reject_withdrawal`] (with a reason) |
//! | `parse_webhook` | `Signature` header, hex HMAC-SHA256 of the raw body with the signing key |
//! | beyond the trait | [`Paytech::register_chargeback`], [`Paytech::payment_operations`], [`Paytech::customer_card_tokens`], [`Paytech::customer_terminal_tokens`], [`Paytech::get_subscription`], [`Paytech::cancel_subscription`], [`Paytech::balances`], [`Paytech::available_withdrawal_balances`]; deposits by card token, Google Pay or Apple Pay, or starting a subscription: [`PaytechPaymentOptions`] |
//!
//! Customers and disputes (see "Chargebacks") have no pay.tech route: they are `Unsupported`.
//!
//! Ids sent in a body follow the rule of ids in a path, checked before any request:
//! `parentPaymentId` is a pay.tech payment id (up to 32 letters and digits, as in a path), and
//! `customer.referenceId` (a saved customer's id or [`PaytechCustomer::reference_id`]) follows
//! [`path_segment`](paymux_core::transport::path_segment) (1 to 128 letters, digits, `-`, `_`,
//! `.`, `~`). A payment's own `referenceId` is the merchant's free-text reference, checked for
//! length only (256 characters; description, return and webhook URLs 512).
//!
//! ## Amounts
//! pay.tech writes amounts as JSON numbers in major units (`11.12`). They are read as the raw
//! number token, never through `f64` (scientific notation such as `1.5E+3` included). Amounts
//! are sent as number tokens written with
//! [`Money::to_major_string`](paymux_core::Money::to_major_string) (`10.50`), and refused
//! before any request above the documented maximum of 1,000,000,000 (major units).
//!
//! `amount` in an answer is what was sent to the provider; `customerAmount` (set when the
//! gateway converted the currency) is what was requested. [`Payment::amount`](paymux_core::Payment)
//! is the requested amount (the caller's, else `customerAmount`, else `amount`);
//! `amount_received` is `amount`/`currency` once the deposit is `COMPLETED`, since "for some
//! payment methods the final transaction amount may be different from the initial requested
//! amount".
//!
//! The spec's `currency` is an "ISO 4217 code for FIAT currencies or cryptocurrency symbol", and
//! its amounts take up to 18 decimals whatever the currency. A figure `Money` cannot hold (`BTC`,
//! `0.00012345`; `10.125 EUR`) is never rounded and never an error: when it is the requested
//! amount, `Payment::amount` is `None` and `Payment::gateway_amount` holds it exactly; when only
//! the provider-side `amount` cannot be held, `gateway_amount` is that figure. Such a payment
//! reads like any other in `get_payment`, `list_payments` and webhooks. A [`Payout`] reads the
//! same way, with the requested amount only (`Payout` has no field for what a `COMPLETED`
//! withdrawal finally paid). A [`Refund`] keeps its amount as `Money` only: one `Money` cannot
//! hold is an `InvalidResponse` (in a webhook, resource `Other` with a note).

//! ## Idempotency (decision from NOTES.md)
//! pay.tech documents no idempotency mechanism. Every create (deposit, refund, payout) is
//! therefore sent **unkeyed**: the transport never repeats it once it may have reached the
//! gateway. The idempotency key (the caller's or a generated one) travels as `referenceId`
//! when the caller gives no merchant reference. When a create fails with an outcome-unknown
//! error (timeout, connection lost, 5xx, an unreadable answer), the connector looks it up with
//! `GET /api/v1/payments?referenceId.eq=...` (`created.gte` set
//! [`PaytechConfig::recovery_lookback`] before the call, for clock skew) and returns what it
//! finds. When nothing is found (or the lookup fails) the original outcome-unknown error is
//! returned and **nothing is re-sent**: the gateway may still be processing the first request.
//!
//! To try such a call again, say so: [`CreatePayment::retrying`](paymux_core::CreatePayment::retrying),
//! [`CreateRefund::retrying`](paymux_core::CreateRefund::retrying) or
//! [`CreatePayout::retrying`] with the same key. A retry looks **before** sending and returns
//! what the earlier call made; only when the lookup finds nothing is the create sent. When
//! that lookup fails, nothing is sent and the error is outcome-unknown (a router must not fall
//! back to another gateway). A call that is not a retry is never looked up first, even with an
//! idempotency key (the router sets one on every create): one request.
//!
//! So a retried create never makes two payments, as long as the reference is unique: **if you
//! give a merchant reference, make it unique per attempt** (a found payment must also have the
//! same type, currency and amount, and for refunds the same parent), and **mark a repeat with
//! `retrying`**: the same key without it is a new call and is sent. Capture, void, the
//! host-to-host step, approve, reject (`cancel_payout`), a chargeback and a subscription's
//! cancellation are single unkeyed calls; after an outcome-unknown error, read it again first.
//!
//! ## States
//! See [`payment_status`], [`refund_status`], [`payout_status`]; unknown words map to
//! `Processing` / `Pending` and stay in `raw_status`. A decline is HTTP 200 with
//! `state: DECLINED` and an `errorCode` (`4.01`): it comes back as `Ok` with status `Failed`
//! and a `Failure` whose `code` is from [`decline_code`] and whose `gateway_code` is the
//! original (a `Failure` without codes when the answer has none: every failed payment has
//! one). Each of these functions documents its table of every word the spec has, and the
//! crate's tests check each row against it (`tests/contract.rs`). `CANCELLED` with `1.04`
//! (Cancelled by Timeout) is `Expired`. `3.16` (Duplicate Payment) and `3.18` (Cancelled or
//! abandoned transaction) have no normalized code: neither is a decline of the card.
//!
//! `next_action` is set on `RequiresAction` payments and on no other: a `CHECKOUT` deposit
//! (the customer must go to `redirectUrl`; without any link it is `Processing`), and a
//! `PENDING` one whose answer says what the customer must do (its `externalRefs`, or the page
//! the host-to-host step answers with).
//! A `PENDING` deposit read later with only a `redirectUrl` is `Processing`: that link is the
//! checkout page the customer already went through. An `AUTHORIZED` deposit is
//! `RequiresCapture` with `amount_capturable` = its `amount`, "the authorized payment amount"
//! a capture takes at most (the requested amount when `amount` is in another currency:
//! pay.tech authorizes the whole request).
//!
//! ## Refunds (decision)
//! A refund with an amount asks for that amount, in its currency. A refund **without** an
//! amount asks for what is left of the deposit: pay.tech keeps no refunded amount on a deposit
//! and its list has no parent filter, so the connector reads the deposit, then lists every
//! payment created since it (`created.gte` = the deposit's `created`, pages of 1,000, at most
//! 10 pages) and subtracts its refunds that still count (every state but `DECLINED` and
//! `CANCELLED`: pending refunds count, as the gateway counts them), and sends the remainder.
//! Nothing is sent, with `InvalidRequest`, when nothing is left or the refunds cannot all be
//! counted (more than 10,000 payments since the deposit, a refund of it without a readable
//! amount): give an amount then. A refund made between the count and the create makes the
//! gateway refuse the excess.
//!
//! With currency conversion the refund is asked in the **customer's** amount and currency
//! (`customerAmount`/`customerCurrency`, "amount from payment request"): a refund is itself a
//! payment request, whose `currency` is the request's, converted by the gateway as the
//! deposit was. The converted `amount`/`currency` is what went to the provider, not what the
//! merchant charged. A refund's [`Refund::amount`](paymux_core::Refund) is read the same way
//! (`customerAmount` first). A retried refund without an amount (`retrying`) looks up the
//! earlier attempt before it counts anything, so that attempt is found, not counted.
//!
//! ## Webhooks
//! Sent on final states; the body is the payment result itself. Verified over the raw bytes
//! with [`PaytechConfig::signing_key`] (constant-time): only this step gives
//! `ErrorKind::WebhookSignature`. A verified body is then read with
//! [`EventReader`](paymux_core::webhook::EventReader) and never refused for its content (but
//! for a body that is not JSON, `WebhookNotJson`); what cannot be read is in `unread`.
//!
//! pay.tech sends no event id: the id is derived from payment id and state
//! ([`webhook::event_id`]), so a redelivery deduplicates; a body without them is named by its
//! bytes (`sha256:...`). Its type and state are its event words ([`webhook::event_kind`]):
//! deposits are payment events with the payment, refunds refund events with the refund,
//! withdrawals payout events with the payout. The resource is `Other`, with the reason noted,
//! when the body lacks `id`, `amount` or `currency`, for a refund without `parentPaymentId`
//! (not required by the spec) or in an amount `Money` cannot hold, or a type the spec does not
//! document. A body without `paymentType` is read as a deposit (as every answer is), and
//! noted; one without `state` is of kind `Other("")`.

//! ## Lists
//! `list_payments` returns deposits only and `list_payouts` withdrawals only: the route has no
//! type filter, so the other types are left out of `items` (the next offset still counts them;
//! a page may hold none). Without `created_from` the gateway returns the last 24 hours only.
//! Filters pay.tech lacks (status, customer) are refused with `InvalidRequest`.
//! [`Paytech::list_deposits`] takes every filter the route has.
//!
//! ## Chargebacks (decision)
//! They stay outside the core `Dispute` (the dispute operations are `Unsupported`): the spec
//! has one route, by which the *merchant* registers a chargeback against a completed deposit
//! ([`Paytech::register_chargeback`]). It answers a `PaymentResult` whose `paymentType` has no
//! chargeback word, and nothing reads or lists chargebacks, gives a reason, a stage or an
//! evidence deadline, or accepts or challenges one: a `Dispute` would invent its id and status.
//!
//! ## Layout
//! As every connector (`crates/connectors/CONVENTIONS.md`): this file holds the config, the
//! connector and its [`Connector`] impl; `client.rs` one method per route, `wire.rs` the JSON,
//! `mapping/` both directions, `options.rs` the pay.tech-only options, `recovery.rs` the
//! create recovery, `refunds.rs` what a refund without an amount asks for, `webhook.rs` the
//! webhooks; the operations beyond the trait in `withdrawals.rs`, `lists.rs`,
//! `chargebacks.rs`, `operations.rs`, `tokens.rs`, `subscriptions.rs` and `balances.rs`.

mod balances;
mod chargebacks;
mod client;
mod lists;
mod mapping;
mod operations;
mod options;
mod recovery;
mod refunds;
mod subscriptions;
mod tokens;
pub mod webhook;
mod wire;
mod withdrawals;

use std::fmt;
use std::time::Duration;

use paymux_core::connector::{ConnectionSettings, Connector};
use paymux_core::transport::{Auth, HttpTransport};
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreatePayment, CreatePayout,
    CreateRefund, Error, ExposeSecret, ListPayments, ListPayouts, Operation, Page, Payment,
    PaymentId, Payout, PayoutId, ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent,
};

use crate::client::Client;
use crate::recovery::Lookup;
use crate::wire::PaymentType;

pub use crate::mapping::{
    decline_code, external_refs, payment_status, payout_status, refund_status, subscription_state,
};
pub use crate::{balances::*, chargebacks::*, lists::*, operations::*, options::*};
pub use crate::{subscriptions::*, tokens::*};
/// Sandbox or production: the one environment type of every connector.
pub use paymux_core::connector::Environment;

/// Settings of one pay.tech shop.
#[derive(Debug, Clone)]
pub struct PaytechConfig {
    /// The Shop API Key (sent as `Authorization: Bearer <key>`).
    pub api_key: SecretString,
    /// The Shop Signing Key, for webhook verification; without it `Webhooks` is absent from
    /// the capabilities, so `parse_webhook` is refused.
    pub signing_key: Option<SecretString>,
    /// Sandbox or production (the keys differ between them).
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

impl Paytech {
    /// Builds the connector: refuses an empty API key or signing key, or a bad base URL.
    pub fn new(config: PaytechConfig) -> Result<Self> {
        if config.api_key.expose_secret().trim().is_empty() {
            return Err(Error::configuration("pay.tech API key is empty"));
        }
        if config.signing_key.as_ref().is_some_and(|k| k.expose_secret().is_empty()) {
            return Err(Error::configuration("pay.tech signing key is empty"));
        }
        let id = config.connection.provider(Self::GATEWAY);
        let base_url = config.connection.base_url_or(client::base_url(config.environment));
        let mut transport = config.connection.transport_config(
            id.clone(),
            base_url,
            Auth::bearer(config.api_key.clone()),
        );
        transport.error_parser = Some(mapping::error_parser);
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
            Operation::CreatePayout,
            Operation::GetPayout,
            Operation::ListPayouts,
            Operation::CancelPayout,
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
}

impl Connector for Paytech {
    const GATEWAY: &'static str = "paytech";

    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// `POST /api/v1/payments` with `paymentType: DEPOSIT`, recovered after an ambiguous
    /// failure (see "Idempotency"). The deposit starts in `CHECKOUT` with a `redirectUrl`; the
    /// host-to-host flow continues with `confirm_payment`.
    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let reference =
            mapping::reference_id(req.merchant_reference.as_deref(), req.idempotency_key.as_ref());
        let body = mapping::create_body(&req, &reference)?;
        let lookup = Lookup::deposit(&req, &reference);
        let created = self.create_recovering("create_payment", &body, lookup).await?;
        mapping::to_payment(&self.id, created, Some(req.amount))
    }

    /// `GET /api/v1/payments/{id}`; `InvalidRequest` for a refund or withdrawal id.
    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let found = self.client.get_payment("get_payment", id.as_str()).await?;
        mapping::expect_type(&found, PaymentType::Deposit)?;
        mapping::to_payment(&self.id, found, None)
    }

    /// The host-to-host step: `PATCH /api/v1/payments/{id}` with `customerIp` (required) and
    /// [`PaytechConfirmOptions`]. `externalRefs` come back as `NextAction::Instructions`.
    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let body = mapping::confirm_body(&req)?;
        let confirmed = self.client.confirm_payment(id, &body).await?;
        mapping::to_host_to_host_payment(&self.id, confirmed)
    }

    /// `POST /api/v1/payments/{id}/capture`, with `amount` for a partial capture. Only an
    /// `AUTHORIZED` (pre-authorized) deposit can be captured.
    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        client::check_id(id.as_str())?;
        let body = mapping::capture_body(&req)?;
        let captured = self.client.capture_payment(id, &body).await?;
        mapping::to_payment(&self.id, captured, None)
    }

    /// `POST /api/v1/payments/{id}/void` (pay.tech takes no reason).
    async fn cancel_payment(&self, id: &PaymentId, _req: CancelPayment) -> Result<Payment> {
        let voided = self.client.cancel_payment(id).await?;
        mapping::to_payment(&self.id, voided, None)
    }

    /// `GET /api/v1/payments`: `cursor` must be `PageCursor::Offset`; `created_to` is inclusive.
    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        self.list_deposits(mapping::deposits_query(query)?).await
    }

    /// `POST /api/v1/payments` with `paymentType: REFUND` and `parentPaymentId`, recovered like
    /// a deposit. Without an amount it asks for what is left of the deposit, in the currency
    /// of the deposit's request (see "Refunds").
    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        mapping::check_refund(&req)?;
        let reference =
            mapping::reference_id(req.merchant_refund_id.as_deref(), req.idempotency_key.as_ref());
        let lookup = Lookup::refund(&req, &reference);
        // Before the remainder is counted: an earlier attempt's refund would count against it.
        if let Some(found) = self.find_retried("create_refund", &lookup).await? {
            return mapping::created_refund(&self.id, &found, &req, req.amount);
        }
        let amount = match req.amount {
            Some(amount) => amount,
            None => self.refund_remainder(&req).await?,
        };
        let body = mapping::refund_body(&req, amount, &reference)?;
        let created =
            self.create_recovering("create_refund", &body, lookup.sending(amount)).await?;
        mapping::created_refund(&self.id, &created, &req, Some(amount))
    }

    /// `GET /api/v1/payments/{id}` of a `REFUND` payment; `InvalidRequest` for another type.
    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let found = self.client.get_payment("get_refund", id.as_str()).await?;
        mapping::expect_type(&found, PaymentType::Refund)?;
        mapping::to_refund(&self.id, &found, None, None)
    }

    /// `POST /api/v1/payments` with `paymentType: WITHDRAWAL` and [`PaytechPayoutOptions`],
    /// recovered like a deposit (see "Idempotency"). Withdrawals start `PENDING`.
    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let reference =
            mapping::reference_id(req.merchant_reference.as_deref(), req.idempotency_key.as_ref());
        let body = mapping::payout_body(&req, &reference)?;
        let lookup = Lookup::withdrawal(&req, &reference);
        let created = self.create_recovering("create_payout", &body, lookup).await?;
        mapping::to_payout(&self.id, created, Some(req.amount))
    }

    /// `GET /api/v1/payments/{id}` of a `WITHDRAWAL`; `InvalidRequest` for another type.
    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let found = self.client.get_payment("get_payout", id.as_str()).await?;
        mapping::expect_type(&found, PaymentType::Withdrawal)?;
        mapping::to_payout(&self.id, found, None)
    }

    /// `GET /api/v1/payments`, keeping its `WITHDRAWAL`s (see "Lists").
    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let query = mapping::payouts_query(query)?;
        let answer =
            self.client.list_payments("list_payouts", &mapping::list_query(&query)?).await?;
        mapping::to_payout_page(&self.id, answer, query.offset.unwrap_or(0))
    }

    /// `POST /api/v1/payments/{id}/reject` without a reason: only a withdrawal waiting in
    /// `AWAITING_APPROVAL` (`RequiresAction`) can be cancelled; it becomes `CANCELLED`.
    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let body = mapping::reject_body(None);
        let rejected = self.client.reject_payment("cancel_payout", id.as_str(), &body).await?;
        mapping::to_payout(&self.id, rejected, None)
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        webhook::parse(&self.id, self.signing_key.as_ref(), headers, raw_body)
    }
}
