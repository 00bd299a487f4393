//! For connector authors: the [`Connector`] trait a gateway crate implements, and the rules
//! every connector shares, written once.
//!
//! Business code never needs this module: it holds an `Arc<dyn PaymentProvider>`. A gateway
//! crate implements [`Connector`], and every `Connector` is a
//! [`PaymentProvider`] through one layer, in the manner of Apache OpenDAL's layers, that:
//! - refuses an operation its [`Capabilities`] lack with
//!   [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), before any request (webhooks
//!   excepted: nothing is sent, and the connector says why it cannot verify, e.g. no secret);
//! - refuses a request whose [`GatewayOptions`](crate::GatewayOptions) are all for other
//!   gateways ([`Extensions::check_for`](crate::Extensions::check_for)), before any request;
//! - names the provider instance on every error that does not name one yet (a check that
//!   refuses a call before any request reads like an error the gateway answered);
//! - boxes the connector's future once (the trait object's call).
//!
//! So a connector writes plain `async fn`s, without wrappers, and the rules cannot differ
//! between connectors.
//!
//! ```
//! use paymux_core::connector::{Connector, Environment};
//! use paymux_core::{
//!     Capabilities, CreatePayment, Error, Operation, Payment, PaymentId, PaymentProvider,
//!     ProviderId, Result,
//! };
//!
//! struct Gateway { id: ProviderId, caps: Capabilities, env: Environment }
//!
//! impl Connector for Gateway {
//!     const GATEWAY: &'static str = "example";
//!     fn id(&self) -> &ProviderId { &self.id }
//!     fn capabilities(&self) -> &Capabilities { &self.caps }
//!     async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
//!         req.validate()?;
//!         Err(Error::invalid_request("this gateway declines everything"))
//!     }
//!     async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
//!         Err(Error::invalid_request(format!("no payment {id}")))
//!     }
//! }
//!
//! # async fn run() {
//! let gateway = Gateway {
//!     id: ProviderId::new("example_eu"),
//!     caps: Capabilities::only([Operation::CreatePayment, Operation::GetPayment]),
//!     env: Environment::Sandbox,
//! };
//! let provider: &dyn PaymentProvider = &gateway;
//! let err = provider.get_payment(&PaymentId::new("pay_1")).await.unwrap_err();
//! assert_eq!(err.provider().map(|p| p.as_str()), Some("example_eu"), "named by the layer");
//! let err = provider.create_refund(paymux_core::CreateRefund::new(PaymentId::new("pay_1")))
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.kind(), paymux_core::ErrorKind::Unsupported, "outside its capabilities");
//! # }
//! ```

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use tracing::Instrument;

use crate::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error,
    IdempotencyKey, ListDisputes, ListPayments, ListPayouts, Operation, Page, Payment, PaymentId,
    PaymentProvider, Payout, PayoutId, ProviderId, Refund, RefundId, Result, WebhookEvent,
};

pub use crate::connection_builders;
pub use crate::transport::ConnectionSettings;

/// Which of a gateway's environments an instance talks to; every connector and the router
/// use this one. Each connector knows its own hosts and key prefixes for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// The gateway's test environment (the default: nothing is charged by accident).
    #[default]
    Sandbox,
    /// Real money.
    Production,
}

impl Environment {
    /// `"sandbox"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

/// The full number of a card, for the connector serializing it into a request body (never
/// into a log). Not a method of [`Card`](crate::Card), so business code cannot reach it.
pub fn card_number(card: &crate::Card) -> &secrecy::SecretString {
    card.number()
}

/// The CVC of a card, for the connector serializing it (see [`card_number`]).
pub fn card_cvc(card: &crate::Card) -> &secrecy::SecretString {
    card.cvc()
}

/// The idempotency key of one logical mutation: the caller's, or a fresh one. Taken once per
/// call, before the first attempt, and reused on every retry of it.
///
/// ```
/// use paymux_core::IdempotencyKey;
/// use paymux_core::connector::idempotency_key;
/// let mine = IdempotencyKey::new("order_123").unwrap();
/// assert_eq!(idempotency_key(Some(mine.clone())), mine);
/// assert_ne!(idempotency_key(None), idempotency_key(None));
/// ```
pub fn idempotency_key(caller: Option<IdempotencyKey>) -> IdempotencyKey {
    caller.unwrap_or_else(IdempotencyKey::generate)
}

/// The data rows of a table in a connector's docs, each as its trimmed cells, so that the
/// crate's tests can check every row against the mapping it documents (the tables are tests).
///
/// The table is the first one whose header row starts with `header`, in the doc comment
/// (`///`) right above the first line of `source` that starts with `item`, or in the crate
/// docs (`//!`) when `item` is empty. `None` when there is no such table or it has no rows.
///
/// ```
/// use paymux_core::connector::{doc_table, ticked};
/// let source = "
/// /// | word | status |
/// /// |---|---|
/// /// | `ok`, `fine` | `Succeeded` |
/// pub fn status(word: &str) {}
/// ";
/// let rows = doc_table(source, "pub fn status(", "| word |").unwrap();
/// assert_eq!(rows, [["`ok`, `fine`", "`Succeeded`"]]);
/// assert_eq!(ticked(&rows[0][0]), ["ok", "fine"]);
/// ```
pub fn doc_table(source: &str, item: &str, header: &str) -> Option<Vec<Vec<String>>> {
    let lines: Vec<&str> = source.lines().map(str::trim_start).collect();
    let docs: Vec<&str> = if item.is_empty() {
        lines.iter().filter_map(|l| l.strip_prefix("//!")).collect()
    } else {
        let at = lines.iter().position(|l| l.starts_with(item))?;
        let start = lines[..at].iter().rposition(|l| !l.starts_with("///")).map_or(0, |i| i + 1);
        lines[start..at].iter().filter_map(|l| l.strip_prefix("///")).collect()
    };
    let docs: Vec<&str> = docs.iter().map(|l| l.trim()).collect();
    let head = docs.iter().position(|l| l.starts_with(header))?;
    let rows: Vec<Vec<String>> = docs
        .get(head + 2..)?
        .iter()
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// The words between backticks in a table cell, in order: `` `a`, `b` `` gives `["a", "b"]`.
pub fn ticked(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// What a gateway crate implements: the operations of [`PaymentProvider`] as plain `async fn`s.
/// Every `Connector` is a `PaymentProvider` through the layer described in the
/// [module docs](self); operations the gateway lacks keep the defaults (and are left out of
/// the capabilities, so the layer refuses them first).
pub trait Connector: Send + Sync {
    /// The gateway kind (`"paychtec"`): what its [`GatewayOptions`](crate::GatewayOptions)
    /// name, and the kind a routing file gives.
    const GATEWAY: &'static str;

    /// The instance name (`"paychtec"`, `"paychtec_eu"`).
    fn id(&self) -> &ProviderId;

    /// What this instance supports.
    fn capabilities(&self) -> &Capabilities;

    /// See [`PaymentProvider::create_payment`].
    fn create_payment(&self, req: CreatePayment) -> impl Future<Output = Result<Payment>> + Send;

    /// See [`PaymentProvider::get_payment`].
    fn get_payment(&self, id: &PaymentId) -> impl Future<Output = Result<Payment>> + Send;

    /// See [`PaymentProvider::confirm_payment`].
    fn confirm_payment(
        &self,
        id: &PaymentId,
        req: ConfirmPayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("confirm_payment")) }
    }

    /// See [`PaymentProvider::capture_payment`].
    fn capture_payment(
        &self,
        id: &PaymentId,
        req: CapturePayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("capture_payment")) }
    }

    /// See [`PaymentProvider::cancel_payment`].
    fn cancel_payment(
        &self,
        id: &PaymentId,
        req: CancelPayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("cancel_payment")) }
    }

    /// See [`PaymentProvider::list_payments`].
    fn list_payments(
        &self,
        query: ListPayments,
    ) -> impl Future<Output = Result<Page<Payment>>> + Send {
        let _ = query;
        async { Err(Error::unsupported("list_payments")) }
    }

    /// See [`PaymentProvider::create_refund`].
    fn create_refund(&self, req: CreateRefund) -> impl Future<Output = Result<Refund>> + Send {
        let _ = req;
        async { Err(Error::unsupported("create_refund")) }
    }

    /// See [`PaymentProvider::get_refund`].
    fn get_refund(&self, id: &RefundId) -> impl Future<Output = Result<Refund>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_refund")) }
    }

    /// See [`PaymentProvider::create_customer`].
    fn create_customer(
        &self,
        req: CreateCustomer,
    ) -> impl Future<Output = Result<Customer>> + Send {
        let _ = req;
        async { Err(Error::unsupported("create_customer")) }
    }

    /// See [`PaymentProvider::get_customer`].
    fn get_customer(&self, id: &CustomerId) -> impl Future<Output = Result<Customer>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_customer")) }
    }

    /// See [`PaymentProvider::create_payout`].
    fn create_payout(&self, req: CreatePayout) -> impl Future<Output = Result<Payout>> + Send {
        let _ = req;
        async { Err(Error::unsupported("create_payout")) }
    }

    /// See [`PaymentProvider::get_payout`].
    fn get_payout(&self, id: &PayoutId) -> impl Future<Output = Result<Payout>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_payout")) }
    }

    /// See [`PaymentProvider::list_payouts`].
    fn list_payouts(
        &self,
        query: ListPayouts,
    ) -> impl Future<Output = Result<Page<Payout>>> + Send {
        let _ = query;
        async { Err(Error::unsupported("list_payouts")) }
    }

    /// See [`PaymentProvider::cancel_payout`].
    fn cancel_payout(&self, id: &PayoutId) -> impl Future<Output = Result<Payout>> + Send {
        let _ = id;
        async { Err(Error::unsupported("cancel_payout")) }
    }

    /// See [`PaymentProvider::list_disputes`].
    fn list_disputes(
        &self,
        query: ListDisputes,
    ) -> impl Future<Output = Result<Page<Dispute>>> + Send {
        let _ = query;
        async { Err(Error::unsupported("list_disputes")) }
    }

    /// See [`PaymentProvider::get_dispute`].
    fn get_dispute(&self, id: &DisputeId) -> impl Future<Output = Result<Dispute>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_dispute")) }
    }

    /// See [`PaymentProvider::accept_dispute`].
    fn accept_dispute(&self, id: &DisputeId) -> impl Future<Output = Result<Dispute>> + Send {
        let _ = id;
        async { Err(Error::unsupported("accept_dispute")) }
    }

    /// See [`PaymentProvider::submit_dispute_evidence`].
    fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> impl Future<Output = Result<Dispute>> + Send {
        let _ = (id, evidence);
        async { Err(Error::unsupported("submit_dispute_evidence")) }
    }

    /// See [`PaymentProvider::parse_webhook`]: verify over the raw bytes, then parse.
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let _ = (headers, raw_body);
        Err(Error::unsupported("parse_webhook"))
    }
}

/// The layer's check before any request: the operation is in the capabilities.
fn allowed<C: Connector + ?Sized>(connector: &C, op: Operation) -> Result<()> {
    connector.capabilities().require(op).map_err(|e| e.with_provider(connector.id().clone()))
}

/// The layer's check of gateway options: none, or some for this connector's gateway.
fn options_for<C: Connector + ?Sized>(connector: &C, extensions: &crate::Extensions) -> Result<()> {
    extensions.check_for(C::GATEWAY).map_err(|e| e.with_provider(connector.id().clone()))
}

/// The layer's naming: the instance on every error that names none yet.
fn named<T, C: Connector + ?Sized>(connector: &C, result: Result<T>) -> Result<T> {
    result.map_err(|e| e.or_provider(connector.id()))
}

/// What the layer records of one operation: its span, and when it started.
struct Observed {
    span: tracing::Span,
    started: Instant,
    /// The caller's idempotency key is in the span.
    key_shown: bool,
}

impl Observed {
    /// Opens the operation's span. With no subscriber listening the span is disabled and
    /// nothing below formats or allocates: the fields are recorded only into a live span.
    fn start(instance: &ProviderId, operation: Operation) -> Observed {
        let span = tracing::info_span!(
            "paymux.operation",
            instance = %instance,
            operation = operation.as_str(),
            merchant_reference = tracing::field::Empty,
            idempotency_key = tracing::field::Empty,
            payment_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        Observed { span, started: Instant::now(), key_shown: false }
    }

    /// Records the merchant reference and the caller's idempotency key, where given. (A key
    /// the connector generates is recorded by the transport when it sends it.)
    fn request(mut self, reference: Option<&str>, key: Option<&IdempotencyKey>) -> Self {
        if !self.span.is_disabled() {
            if let Some(reference) = reference {
                self.span.record("merchant_reference", reference);
            }
            if let Some(key) = key {
                self.span.record("idempotency_key", key.as_str());
                self.key_shown = true;
            }
        }
        self
    }

    /// Records the payment the operation is about, known before the call.
    fn payment(self, id: &PaymentId) -> Self {
        if !self.span.is_disabled() {
            self.span.record("payment_id", id.as_str());
        }
        self
    }

    /// Runs `call` inside the span, counting the HTTP attempts the transport makes for it,
    /// then reports how it ended: the span's last fields, one `INFO` event, the metrics.
    async fn run<T: Finished>(
        self,
        instance: &ProviderId,
        operation: Operation,
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let progress = Progress { attempts: Cell::new(0), key_shown: Cell::new(self.key_shown) };
        let counted = PROGRESS.scope(progress, async {
            let result = call.await;
            (result, PROGRESS.with(|p| p.attempts.get()))
        });
        let (result, attempts) = counted.instrument(self.span.clone()).await;
        finish(&self, instance, operation, attempts, &result);
        result
    }
}

/// What the transport reports to the operation in progress on its task.
struct Progress {
    /// HTTP attempts so far (see [`count_attempt`]).
    attempts: Cell<u32>,
    /// The span shows an idempotency key already (see [`show_key_once`]).
    key_shown: Cell<bool>,
}

tokio::task_local! {
    /// The operation of the layer in progress on this task, if any.
    static PROGRESS: Progress;
}

/// Counts one HTTP attempt toward the operation in progress (the transport calls it before
/// each attempt). Outside an operation of the layer (a transport used alone) it does nothing.
pub(crate) fn count_attempt() {
    let _ = PROGRESS.try_with(|p| p.attempts.set(p.attempts.get().saturating_add(1)));
}

/// `true` the first time in an operation whose caller gave no key that the transport sends
/// one: it is then recorded in the operation's span, once (a span field recorded twice is
/// shown twice by most subscribers).
pub(crate) fn show_key_once() -> bool {
    PROGRESS.try_with(|p| !p.key_shown.replace(true)).unwrap_or(false)
}

/// The name of the layer's span, which the transport recognizes as its parent.
pub(crate) const OPERATION_SPAN: &str = "paymux.operation";

/// What the layer reads of a result to report it.
trait Finished {
    /// The normalized status word (`"succeeded"`), for resources that have one.
    fn status(&self) -> Option<&'static str> {
        None
    }
    /// The outcome word when the resource itself says it failed: `declined` for a payment,
    /// `failed` for a refund.
    fn failed(&self) -> Option<&'static str> {
        None
    }
    /// The normalized decline code, if the resource failed with one.
    fn decline_code(&self) -> Option<&crate::DeclineCode> {
        None
    }
    /// The payment it is about, once known.
    fn payment_id(&self) -> Option<&PaymentId> {
        None
    }
}

impl Finished for Payment {
    fn status(&self) -> Option<&'static str> {
        Some(self.status.as_str())
    }
    fn failed(&self) -> Option<&'static str> {
        (self.status == crate::PaymentStatus::Failed).then_some("declined")
    }
    fn decline_code(&self) -> Option<&crate::DeclineCode> {
        Payment::decline_code(self)
    }
    fn payment_id(&self) -> Option<&PaymentId> {
        Some(&self.id)
    }
}

impl Finished for Refund {
    fn status(&self) -> Option<&'static str> {
        Some(self.status.as_str())
    }
    fn failed(&self) -> Option<&'static str> {
        (self.status == crate::RefundStatus::Failed).then_some("failed")
    }
    fn decline_code(&self) -> Option<&crate::DeclineCode> {
        self.failure.as_ref().and_then(|f| f.code.as_ref())
    }
    fn payment_id(&self) -> Option<&PaymentId> {
        Some(&self.payment_id)
    }
}

impl Finished for Payout {
    fn status(&self) -> Option<&'static str> {
        Some(self.status.as_str())
    }
    fn failed(&self) -> Option<&'static str> {
        (self.status == crate::PayoutStatus::Failed).then_some("failed")
    }
    fn decline_code(&self) -> Option<&crate::DeclineCode> {
        self.failure.as_ref().and_then(|f| f.code.as_ref())
    }
}

impl Finished for Dispute {
    fn status(&self) -> Option<&'static str> {
        Some(self.status.as_str())
    }
    fn payment_id(&self) -> Option<&PaymentId> {
        self.payment_id.as_ref()
    }
}

impl Finished for Customer {}
impl Finished for Page<Payment> {}
impl Finished for Page<Payout> {}
impl Finished for Page<Dispute> {}

/// The `outcome` of an operation (see the metrics table in the crate docs): `ok`, the
/// resource's own failure word, or the error kind (`declined` for a decline without a payment).
fn outcome<T: Finished>(result: &Result<T>) -> &'static str {
    match result {
        Ok(resource) => resource.failed().unwrap_or("ok"),
        Err(e) => e.kind().as_str(),
    }
}

/// The `code` label of `paymux_declines_total`: the normalized word, `other` for a gateway
/// word outside the vocabulary (so the label set stays bounded), `unknown` without a code.
fn decline_label(code: Option<&crate::DeclineCode>) -> metrics::SharedString {
    match code {
        None => metrics::SharedString::const_str("unknown"),
        Some(crate::DeclineCode::Other(_)) => metrics::SharedString::const_str("other"),
        // Declines are the rare path: one small copy of the word is fine here.
        Some(code) => metrics::SharedString::from_owned(code.as_str().to_owned()),
    }
}

/// Reports a finished operation: the span's `payment_id` and `attempts`, one `INFO` event,
/// and the metrics of the crate docs' table.
#[inline(never)]
fn finish<T: Finished>(
    observed: &Observed,
    instance: &ProviderId,
    operation: Operation,
    attempts: u32,
    result: &Result<T>,
) {
    let elapsed = observed.started.elapsed();
    let outcome = outcome(result);
    let (status, decline) = match result {
        Ok(resource) => (resource.status(), resource.decline_code()),
        Err(e) => (None, e.decline_code()),
    };
    let declined = outcome == "declined";
    let span = &observed.span;
    if !span.is_disabled() {
        if let Some(id) = result.as_ref().ok().and_then(Finished::payment_id) {
            span.record("payment_id", id.as_str());
        }
        span.record("attempts", attempts);
        let latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let decline_code = decline.map(crate::DeclineCode::as_str);
        match result {
            Ok(_) => tracing::info!(
                parent: span,
                outcome,
                status,
                decline_code,
                latency_ms,
                "operation finished"
            ),
            // The error without its instance: the span names it already.
            Err(e) => tracing::info!(
                parent: span,
                outcome,
                decline_code,
                latency_ms,
                http_status = e.http_status(),
                gateway_code = e.gateway_code(),
                outcome_unknown = e.is_outcome_unknown(),
                error = e.message(),
                "operation finished"
            ),
        }
    }
    // One shared copy of the instance name for every label below (the label values must be
    // owned: `metrics` keeps them in its registry).
    let name: Arc<str> = Arc::from(instance.as_str());
    let instance_label = || metrics::SharedString::from_shared(Arc::clone(&name));
    metrics::counter!(
        crate::observability::CALLS,
        "instance" => instance_label(),
        "operation" => operation.as_str(),
        "outcome" => outcome,
    )
    .increment(1);
    metrics::histogram!(
        crate::observability::CALL_DURATION,
        "instance" => instance_label(),
        "operation" => operation.as_str(),
    )
    .record(elapsed);
    if declined {
        metrics::counter!(
            crate::observability::DECLINES,
            "instance" => instance_label(),
            "code" => decline_label(decline),
        )
        .increment(1);
    }
}

/// The one layer between every [`Connector`] and [`PaymentProvider`] (see the module docs).
#[async_trait]
impl<C: Connector> PaymentProvider for C {
    fn id(&self) -> &ProviderId {
        Connector::id(self)
    }

    fn capabilities(&self) -> &Capabilities {
        Connector::capabilities(self)
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let op = Operation::CreatePayment;
        let observed = Observed::start(Connector::id(self), op)
            .request(req.merchant_reference.as_deref(), req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::create_payment(self, req).await)
            })
            .await
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let op = Operation::GetPayment;
        let observed = Observed::start(Connector::id(self), op).payment(id);
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::get_payment(self, id).await)
            })
            .await
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let op = Operation::ConfirmPayment;
        let observed = Observed::start(Connector::id(self), op)
            .payment(id)
            .request(None, req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::confirm_payment(self, id, req).await)
            })
            .await
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let op = Operation::CapturePayment;
        let observed = Observed::start(Connector::id(self), op)
            .payment(id)
            .request(None, req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::capture_payment(self, id, req).await)
            })
            .await
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let op = Operation::CancelPayment;
        let observed = Observed::start(Connector::id(self), op)
            .payment(id)
            .request(None, req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::cancel_payment(self, id, req).await)
            })
            .await
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let op = Operation::ListPayments;
        let observed = Observed::start(Connector::id(self), op);
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::list_payments(self, query).await)
            })
            .await
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        let op = Operation::CreateRefund;
        let observed = Observed::start(Connector::id(self), op)
            .payment(&req.payment_id)
            .request(req.merchant_refund_id.as_deref(), req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::create_refund(self, req).await)
            })
            .await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let op = Operation::GetRefund;
        let observed = Observed::start(Connector::id(self), op);
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::get_refund(self, id).await)
            })
            .await
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let op = Operation::CreateCustomer;
        let observed =
            Observed::start(Connector::id(self), op).request(None, req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::create_customer(self, req).await)
            })
            .await
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let op = Operation::GetCustomer;
        let observed = Observed::start(Connector::id(self), op);
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::get_customer(self, id).await)
            })
            .await
    }

    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let op = Operation::CreatePayout;
        let observed = Observed::start(Connector::id(self), op)
            .request(req.merchant_reference.as_deref(), req.idempotency_key.as_ref());
        observed
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                options_for(self, &req.extensions)?;
                named(self, Connector::create_payout(self, req).await)
            })
            .await
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let op = Operation::GetPayout;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::get_payout(self, id).await)
            })
            .await
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let op = Operation::ListPayouts;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::list_payouts(self, query).await)
            })
            .await
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let op = Operation::CancelPayout;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::cancel_payout(self, id).await)
            })
            .await
    }

    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        let op = Operation::ListDisputes;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::list_disputes(self, query).await)
            })
            .await
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let op = Operation::GetDispute;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::get_dispute(self, id).await)
            })
            .await
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let op = Operation::AcceptDispute;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::accept_dispute(self, id).await)
            })
            .await
    }

    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        let op = Operation::SubmitDisputeEvidence;
        Observed::start(Connector::id(self), op)
            .run(Connector::id(self), op, async {
                allowed(self, op)?;
                named(self, Connector::submit_dispute_evidence(self, id, evidence).await)
            })
            .await
    }

    // Not checked against the capabilities: nothing is sent, and the connector says why it
    // cannot verify (no secret configured is a `Configuration` error, not `Unsupported`).
    // Receipt metrics belong to whoever stores the event (paymux-store's inbox).
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        named(self, Connector::parse_webhook(self, headers, raw_body))
    }
}
