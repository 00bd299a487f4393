//! # paymux-core
//!
//! The normalized model shared by every paymux connector: [`Money`], [`Payment`], [`Refund`],
//! [`Customer`], [`Payout`], [`Dispute`], [`WebhookEvent`], one status enum per resource
//! ([`PaymentStatus`], [`RefundStatus`], [`PayoutStatus`], [`DisputeStatus`]), one [`Error`],
//! and the [`PaymentProvider`] trait. Also the pieces every connector reuses so they are right once:
//! the HTTP [`transport`] (retries, idempotency, error classification, redaction) and the
//! [`webhook`] kit (HMAC verification, timestamp tolerance, deduplication).
//!
//! ```
//! use paymux_core::{Currency, Money, PaymentStatus};
//! let price = Money::from_minor(1050, Currency::USD)?;
//! assert_eq!(price.to_string(), "10.50 USD");
//! assert!(PaymentStatus::Succeeded.is_final());
//! # Ok::<(), paymux_core::Error>(())
//! ```
//!
//! # Payouts and disputes
//!
//! Three of the five gateways send money out and report chargebacks, so both are shared
//! resources, each operation gated by [`Capabilities`] (a router checks them at start-up):
//!
//! ```
//! use paymux_core::{
//!     CreatePayout, DisputeEvidence, DisputeStatus, EvidenceKind, ListDisputes, Money,
//!     PaymentProvider, PayoutStatus, Result,
//! };
//!
//! async fn pay_seller(gateway: &dyn PaymentProvider, amount: Money) -> Result<bool> {
//!     // The reference makes it one payout however often this runs (journal it with
//!     // paymux-store to keep that across crashes).
//!     let payout = gateway.create_payout(CreatePayout::new(amount).with_reference("seller_7_may")).await?;
//!     Ok(payout.status != PayoutStatus::Failed)
//! }
//!
//! async fn answer_disputes(gateway: &dyn PaymentProvider) -> Result<()> {
//!     let open = gateway.list_disputes(ListDisputes::new().with_status(DisputeStatus::NeedsResponse)).await?;
//!     for dispute in open.items {
//!         let evidence = DisputeEvidence::new().with_document(EvidenceKind::Receipt, "file_123");
//!         gateway.submit_dispute_evidence(&dispute.id, evidence).await?;
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Subscriptions stay gateway-specific, methods of the Paychtec and pay.tech connectors: the two
//! differ in kind (Paychtec's is a resource of its own with plans and a lifecycle — create,
//! confirm, pause, resume, cancel; pay.tech's is a schedule a payment request starts, which
//! can only be read and patched), so a shared model would be their intersection, too little
//! for business code to move between them.
//!
//! # Observability
//!
//! **Tracing.** Every operation of a connector runs in one `INFO` span, `paymux.operation`,
//! with the fields `instance`, `operation`, `merchant_reference`, `idempotency_key` (the
//! caller's, or the one the transport sent), `payment_id` (once known) and `attempts` (HTTP
//! attempts in all). Each HTTP exchange is a child span, `paymux.http`, with `method`, `path`
//! (always with its leading `/`), `status`, `attempt` and `latency_ms`; a retry is one `WARN`
//! event in it (`error`, `wait_ms`), without repeating the span's fields. When the operation
//! ends, one `INFO` event, `operation finished`, gives `outcome`, `status` (the normalized
//! status), `decline_code`, `latency_ms`, and for an error its `http_status`,
//! `gateway_code`, `outcome_unknown` and message: a successful payment logs exactly one
//! `INFO` line. Request and answer bodies are traced at `TRACE` only, after
//! [`redact::for_log`]: card numbers, CVCs, keys, secrets, emails, names, address lines,
//! postal codes and phone numbers are masked at every level. With no subscriber listening,
//! spans are disabled and nothing is formatted.
//!
//! **Metrics**, through the [`metrics`](https://docs.rs/metrics) facade (install any
//! recorder, e.g. `metrics-exporter-prometheus`; without one they cost a few small
//! allocations per call). The names are constants in [`observability`].
//!
//! | metric | kind | labels | what |
//! |---|---|---|---|
//! | `paymux_calls_total` | counter | `instance`, `operation`, `outcome` | finished operations of a provider instance; `outcome` is `ok`, `declined` (a payment that came back failed, or a decline answered as an error), `failed` (a refund that came back failed), or the [`ErrorKind`] word (`timeout`, `provider_unavailable`, `unsupported`, ...) |
//! | `paymux_call_duration_seconds` | histogram | `instance`, `operation` | how long an operation took, retries and their waits included |
//! | `paymux_declines_total` | counter | `instance`, `code` | declines; `code` is the [`DeclineCode`] word, `other` for a gateway word outside it, `unknown` without one |
//! | `paymux_retries_total` | counter | `instance`, `operation` | HTTP attempts repeated after a retryable failure (`operation` as the connector names the request, e.g. `create_payment`) |
//! | `paymux_webhooks_received_total` | counter | `instance`, `outcome` | deliveries an inbox received (paymux-store); `outcome` is `stored`, `duplicate`, `not_json` (verified, stored raw), `rejected` (the signature did not verify) or `error` (the database failed, or the connector cannot verify, e.g. no secret) |
//! | `paymux_webhook_processing_lag_seconds` | histogram | `instance` | from a webhook's receipt to its handler's success (paymux-store) |
//! | `paymux_inbox_depth` | gauge | `state` | inbox events per state (`pending`, `processing`, `done`, `dead`), the whole inbox across replicas, set by each `Inbox::counts` (paymux-store), which an idle `paymux::axum::InboxWorker` calls every 15 s |
//! | `paymux_router_fallbacks_total` | counter | `from`, `to` | calls the router sent on to a fallback instance (paymux-router) |
//! | `paymux_router_routed_total` | counter | `rule`, `instance` | calls the router routed, by the rule that matched and the instance it picked (paymux-router) |
//!
//! `operation` is the [`Operation`] word (`create_payment`, `get_payment`, ...); `instance`
//! is the provider instance's name.

pub mod connector;
mod dispute;
mod error;
mod ids;
mod model;
mod money;
pub mod observability;
mod payout;
mod provider;
mod raw_json;
pub mod redact;
mod request;
mod status;
pub mod transport;
pub mod webhook;

pub use dispute::{Dispute, DisputeEvidence, EvidenceKind, ListDisputes};
pub use error::{Error, ErrorKind, Result, WebhookFailure};
pub use ids::{
    CustomerId, DisputeId, EventId, IdempotencyKey, PaymentId, PayoutId, ProviderId, RefundId,
};
pub use iso_currency::Currency;
pub use model::{
    Address, BillingDetails, CaptureMode, Customer, CustomerDetails, Failure, Metadata, NextAction,
    OrderLine, Page, PageCursor, Payment, Phone, Refund, Unread, UnreadProblem, WebhookEvent,
    WebhookResource,
};
pub use money::{GatewayAmount, Money, MoneyError, currency_exponent, parse_currency};
pub use payout::{CreatePayout, ListPayouts, Payout, PayoutDestination};
pub use provider::{Capabilities, Operation, PaymentProvider};
pub use raw_json::RawJson;
pub use request::{
    CancelPayment, CapturePayment, Card, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Extensions, GatewayOptions, ListPayments, PaymentCustomer, PaymentMethod,
    RefundReason,
};
pub use rust_decimal::Decimal;
pub use secrecy::{ExposeSecret, SecretString};
pub use status::{
    DeclineCode, DisputeStage, DisputeStatus, EventKind, PaymentStatus, PayoutStatus, RefundStatus,
};

/// Re-exported so connectors and users name the same `async_trait` (to implement
/// [`PaymentProvider`] by hand) and `http` versions.
pub use async_trait::async_trait;
pub use http;
