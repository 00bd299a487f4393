//! # paymux
//!
//! One API over many payment gateways. Business code talks to [`PaymentProvider`]; which
//! gateway sits behind it (Paychtec, pay.tech, Paygentic, paymnt.cloud, Paynectra, or the
//! in-process [`MockProvider`] in tests) is configuration.
//!
//! The facade re-exports, at its root, the items business code uses: the model, the request
//! types, the status enums, the error, [`PaymentProvider`]. What connector authors and
//! advanced users need lives under its own module: [`transport`] (retry policy, connection
//! settings, an HTTP client of your own), [`webhook`] (the verification kit), [`connector`]
//! (writing a connector), [`redact`]. With the `axum` feature, `paymux::axum` holds a ready
//! webhook endpoint (verified events into a `paymux_store::Inbox`, a worker that hands them to
//! your handler) and a `VerifiedWebhook` extractor. Each connector is a module behind a cargo feature of its
//! name; [`router`] and [`mock`] are features too (all on by default), so an application that
//! uses one gateway builds only that:
//!
//! ```toml
//! paymux = { version = "0.1", default-features = false, features = ["paychtec"] }
//! ```
//!
//! ```
//! use std::sync::Arc;
//! use paymux::{Card, CreatePayment, Currency, MockProvider, Money, PaymentProvider, PaymentStatus};
//!
//! # fn main() -> paymux::Result<()> {
//! # let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
//! # rt.block_on(async {
//! let gateway: Arc<dyn PaymentProvider> = Arc::new(MockProvider::new());
//! let payment = gateway
//!     .create_payment(
//!         CreatePayment::new(Money::from_minor(1050, Currency::USD)?)
//!             .with_reference("order_1")
//!             .with_card(Card::new("4242424242424242", 12, 2030, "123")?),
//!     )
//!     .await?;
//! assert_eq!(payment.status, PaymentStatus::Succeeded);
//! # Ok(()) })
//! # }
//! ```

pub use paymux_core::{
    Address, BillingDetails, CancelPayment, Capabilities, CaptureMode, CapturePayment, Card,
    ConfirmPayment, CreateCustomer, CreatePayment, CreatePayout, CreateRefund, Currency, Customer,
    CustomerDetails, CustomerId, Decimal, DeclineCode, Dispute, DisputeEvidence, DisputeId,
    DisputeStage, DisputeStatus, Error, ErrorKind, EventId, EventKind, EvidenceKind, ExposeSecret,
    Failure, GatewayAmount, IdempotencyKey, ListDisputes, ListPayments, ListPayouts, Metadata,
    Money, MoneyError, NextAction, Operation, OrderLine, Page, PageCursor, Payment,
    PaymentCustomer, PaymentId, PaymentMethod, PaymentProvider, PaymentStatus, Payout,
    PayoutDestination, PayoutId, PayoutStatus, Phone, ProviderId, RawJson, Refund, RefundId,
    RefundReason, RefundStatus, Result, SecretString, Unread, UnreadProblem, WebhookEvent,
    WebhookFailure, WebhookResource,
};

/// The `http` crate, for the headers of [`PaymentProvider::parse_webhook`].
pub use paymux_core::http;

/// For connector authors: the `Connector` trait and the rules every connector shares.
pub use paymux_core::connector;
/// The names of the metrics paymux records (see the table in `paymux_core`'s docs).
pub use paymux_core::observability;
/// Masking of card data and secrets in text.
pub use paymux_core::redact;
/// The shared HTTP transport: retry policy, connection settings, an HTTP client of your own.
pub use paymux_core::transport;
/// The webhook kit: signature schemes, limits, the event store.
pub use paymux_core::webhook;

/// The one environment enum of every connector and the router.
pub use paymux_core::connector::Environment;

/// Routing over many gateways by configuration.
#[cfg(feature = "router")]
pub use paymux_router as router;
#[cfg(feature = "router")]
pub use paymux_router::{Router, RouterConfig};

#[cfg(feature = "router")]
mod registry;
#[cfg(feature = "router")]
pub use registry::registry;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[cfg(feature = "axum")]
pub mod axum;

/// The in-process mock gateway for tests.
#[cfg(feature = "mock")]
pub use paymux_mock as mock;
#[cfg(feature = "mock")]
pub use paymux_mock::MockProvider;

/// The Paychtec connector.
#[cfg(feature = "paychtec")]
pub use paymux_paychtec as paychtec;

/// The pay.tech connector.
#[cfg(feature = "paytech")]
pub use paymux_paytech as paytech;

/// The Paygentic connector.
#[cfg(feature = "paygentic")]
pub use paymux_paygentic as paygentic;

/// The paymnt.cloud connector.
#[cfg(feature = "paymnt")]
pub use paymux_paymnt as paymnt;

/// The Paynectra connector.
#[cfg(feature = "paynectra")]
pub use paymux_paynectra as paynectra;

/// What business code cannot reach, checked by the compiler (each example must fail to
/// compile, and for the reason its comment gives).
///
/// Connector plumbing is not at the root:
///
/// ```compile_fail,E0432
/// use paymux::ProviderFuture; // the future type connectors used to write by hand
/// ```
///
/// ```compile_fail,E0433
/// paymux::connection_builders!(MyConfig); // a connector author's macro
/// ```
///
/// ```compile_fail,E0432
/// use paymux::HttpTransport; // under paymux::transport only
/// ```
///
/// A card's number and CVC have no accessor business code can call:
///
/// ```compile_fail,E0624
/// let card = paymux::Card::new("4242424242424242", 12, 2030, "123").unwrap();
/// let _number = card.number();
/// ```
///
/// ```compile_fail,E0624
/// let card = paymux::Card::new("4242424242424242", 12, 2030, "123").unwrap();
/// let _cvc = card.cvc();
/// ```
///
/// The same lines with what business code does use compile:
///
/// ```
/// use paymux::transport::{HttpTransport, RetryPolicy};
/// let card = paymux::Card::new("4242424242424242", 12, 2030, "123").unwrap();
/// assert_eq!(card.last4(), "4242");
/// # let _ = (std::any::type_name::<HttpTransport>(), RetryPolicy::none());
/// ```
#[doc(hidden)]
pub mod not_public {}
