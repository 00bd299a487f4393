//! The idempotency journal: a [`PaymentProvider`] around any other that records each mutation
//! in the database before it is sent, so the same logical operation after a crash, or on
//! another replica at the same moment, reuses the recorded key and gets the recorded result.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, DeclineCode, Dispute, DisputeEvidence,
    DisputeId, Error, ErrorKind, IdempotencyKey, ListDisputes, ListPayments, ListPayouts, Page,
    Payment, PaymentId, PaymentProvider, PaymentStatus, Payout, PayoutId, PayoutStatus, ProviderId,
    Refund, RefundId, RefundStatus, Result, WebhookEvent,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::db::{Db, RowExt, Store, db_error, ms, now_ms, to_datetime, with_pool};
use crate::record::{Rebuilt, Recorded};
use crate::writer::{Completion, NewEntry, Writer};

/// Where a journal entry stands (the `state` column).
///
/// ```
/// use paymux_store::EntryState;
/// assert_eq!(EntryState::InFlight.as_str(), "in_flight");
/// assert!(EntryState::Done.is_settled());
/// assert!(!EntryState::Unknown.is_settled());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    /// Recorded and being sent (or sent): a caller holds its lease.
    InFlight,
    /// The gateway answered; the result is recorded.
    Done,
    /// Certainly not done at the gateway (refused before it acted, declined as an error,
    /// invalid): the error is recorded.
    Failed,
    /// Sent, and nobody knows what the gateway did (a timeout, a lost connection, a process
    /// that stopped before it recorded the answer). The next call of the same operation, or
    /// [`Journal::recover`], retries it with the same key.
    Unknown,
}

impl EntryState {
    /// The word stored in the `state` column.
    ///
    /// ```
    /// assert_eq!(paymux_store::EntryState::Failed.as_str(), "failed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::InFlight => "in_flight",
            EntryState::Done => "done",
            EntryState::Failed => "failed",
            EntryState::Unknown => "unknown",
        }
    }

    /// `true` for `Done` and `Failed`: nothing more will happen to the entry.
    ///
    /// ```
    /// assert!(paymux_store::EntryState::Failed.is_settled());
    /// ```
    pub fn is_settled(self) -> bool {
        matches!(self, EntryState::Done | EntryState::Failed)
    }

    fn parse(word: &str) -> Result<EntryState> {
        Ok(match word {
            "in_flight" => EntryState::InFlight,
            "done" => EntryState::Done,
            "failed" => EntryState::Failed,
            "unknown" => EntryState::Unknown,
            other => {
                return Err(Error::invalid_response(format!(
                    "paymux-store: unknown journal state {other:?}"
                )));
            }
        })
    }
}

impl fmt::Display for EntryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A point in a journaled call, for [`JournalConfig::on_stage`].
///
/// ```
/// use paymux_store::Stage;
/// assert_ne!(Stage::Recorded, Stage::Answered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The entry is committed in flight; the request has not been sent yet.
    Recorded,
    /// The gateway answered (or the call failed); the outcome is not recorded yet.
    Answered,
}

/// A callback run at each [`Stage`] of every journaled call (see
/// [`JournalConfig::on_stage`]).
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// let recorded = Arc::new(AtomicU64::new(0));
/// let counter = recorded.clone();
/// let hook: paymux_store::StageHook = Arc::new(move |stage| {
///     if stage == paymux_store::Stage::Recorded {
///         counter.fetch_add(1, Ordering::Relaxed);
///     }
/// });
/// # let _ = hook;
/// ```
pub type StageHook = Arc<dyn Fn(Stage) + Send + Sync>;

/// How a [`Journal`] behaves.
///
/// ```
/// use std::time::Duration;
/// use paymux_store::JournalConfig;
/// let config = JournalConfig::new()
///     .with_owner("payments-7f9c")           // a stable name per replica
///     .with_lease(Duration::from_secs(120))   // longer than any call to a gateway
///     .with_wait(Duration::from_secs(30));
/// assert_eq!(config.lease(), Duration::from_secs(120));
/// ```
#[derive(Clone)]
pub struct JournalConfig {
    owner: Option<String>,
    lease: Duration,
    wait: Duration,
    max_batch: usize,
    commit_window: Duration,
    on_stage: Option<StageHook>,
}

impl Default for JournalConfig {
    fn default() -> Self {
        JournalConfig {
            owner: None,
            lease: Duration::from_secs(120),
            wait: Duration::from_secs(30),
            max_batch: 512,
            commit_window: Duration::from_millis(1),
            on_stage: None,
        }
    }
}

impl fmt::Debug for JournalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalConfig")
            .field("owner", &self.owner)
            .field("lease", &self.lease)
            .field("wait", &self.wait)
            .field("max_batch", &self.max_batch)
            .field("commit_window", &self.commit_window)
            .field("on_stage", &self.on_stage.as_ref().map(|_| "Fn(Stage)"))
            .finish()
    }
}

impl JournalConfig {
    /// The defaults: a random owner name, a 120 s lease, 30 s of waiting for a call of the
    /// same operation elsewhere, batches of up to 512 rows, a 1 ms commit window under load.
    ///
    /// ```
    /// let config = paymux_store::JournalConfig::new();
    /// assert_eq!(config.owner(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Names this process in the entries it holds. Give each replica a stable name (a pod or
    /// host name): after a restart, entries the previous run of the same name left in flight
    /// are taken over at once (by [`Journal::recover`] or by the next call of the same
    /// operation) instead of after their lease. Two live processes must never share a name.
    ///
    /// ```
    /// let config = paymux_store::JournalConfig::new().with_owner("replica-1");
    /// assert_eq!(config.owner(), Some("replica-1"));
    /// ```
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// How long an entry in flight belongs to the caller that recorded it. After that, any
    /// caller of the same operation, or `recover`, may take it over and retry it. Make it
    /// longer than the longest call (timeouts times attempts, plus backoff) and than the time
    /// a gateway may still be working on a request its client gave up on.
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = paymux_store::JournalConfig::new().with_lease(Duration::from_secs(300));
    /// assert_eq!(config.lease(), Duration::from_secs(300));
    /// ```
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a call waits for the same logical operation in flight elsewhere (another
    /// task, another replica) to settle before it gives up with an outcome-unknown
    /// [`Conflict`](paymux_core::ErrorKind::Conflict).
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = paymux_store::JournalConfig::new().with_wait(Duration::from_secs(5));
    /// assert_eq!(config.wait(), Duration::from_secs(5));
    /// ```
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The most rows the writer commits in one transaction.
    ///
    /// ```
    /// let config = paymux_store::JournalConfig::new().with_max_batch(64);
    /// assert_eq!(config.max_batch(), 64);
    /// ```
    pub fn with_max_batch(mut self, rows: usize) -> Self {
        self.max_batch = rows.max(1);
        self
    }

    /// How long the writer, under load, waits after the first row of a batch for the rows of
    /// the calls close behind before it commits: fewer, larger commits, at the cost of up to
    /// this much more time per call (twice: the entry, then the outcome). It applies only
    /// when the last batch held more than one row, so a lone call in a quiet service commits
    /// at once. `Duration::ZERO` commits whatever waits as soon as the previous commit ends.
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = paymux_store::JournalConfig::new().with_commit_window(Duration::ZERO);
    /// assert_eq!(config.commit_window(), Duration::ZERO);
    /// ```
    pub fn with_commit_window(mut self, window: Duration) -> Self {
        self.commit_window = window;
        self
    }

    /// Runs `hook` at each [`Stage`] of every call: for fault-injection tests (a child
    /// process that stops at a stage so it can be killed there) and for instrumentation.
    /// The hook runs on the caller's task; keep it short.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use paymux_store::{JournalConfig, Stage};
    /// let config = JournalConfig::new().on_stage(Arc::new(|stage: Stage| {
    ///     if stage == Stage::Recorded { /* the entry is durable; nothing sent yet */ }
    /// }));
    /// # let _ = config;
    /// ```
    pub fn on_stage(mut self, hook: StageHook) -> Self {
        self.on_stage = Some(hook);
        self
    }

    /// The owner name, if one was set.
    ///
    /// ```
    /// assert_eq!(paymux_store::JournalConfig::new().owner(), None);
    /// ```
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The lease.
    ///
    /// ```
    /// assert!(paymux_store::JournalConfig::new().lease().as_secs() > 0);
    /// ```
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The wait for an operation in flight elsewhere.
    ///
    /// ```
    /// assert!(paymux_store::JournalConfig::new().wait().as_secs() > 0);
    /// ```
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// The largest batch.
    ///
    /// ```
    /// assert_eq!(paymux_store::JournalConfig::new().max_batch(), 512);
    /// ```
    pub fn max_batch(&self) -> usize {
        self.max_batch
    }

    /// The commit window under load.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(paymux_store::JournalConfig::new().commit_window(), Duration::from_millis(1));
    /// ```
    pub fn commit_window(&self) -> Duration {
        self.commit_window
    }
}

/// How a logical operation is named when looking it up with [`Journal::entry`].
///
/// ```
/// use paymux_store::OperationKey;
/// let by_reference = OperationKey::PaymentReference("order_123".into());
/// # let _ = by_reference;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationKey {
    /// The caller's idempotency key (any operation).
    Idempotency(IdempotencyKey),
    /// The merchant reference of a `create_payment` without a key.
    PaymentReference(String),
    /// The merchant refund id of a `create_refund` without a key.
    RefundReference(String),
    /// The merchant reference of a `create_payout` without a key.
    PayoutReference(String),
}

/// One journal entry as stored (see the crate docs for the columns).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// use std::sync::Arc;
/// use paymux::{CreatePayment, Currency, MockProvider, Money, PaymentProvider};
/// use paymux_store::{EntryState, Journal, OperationKey, Store};
/// let store = Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let journal = Journal::new(Arc::new(MockProvider::new()), store);
/// let req = CreatePayment::new(Money::from_minor(500, Currency::EUR)?).with_reference("order_9");
/// let payment = journal.create_payment(req).await?;
/// let entry = journal.entry(&OperationKey::PaymentReference("order_9".into())).await?.expect("entry");
/// assert_eq!(entry.state, EntryState::Done);
/// assert_eq!(entry.result::<paymux::Payment>().transpose()?, Some(payment));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The row id.
    pub id: i64,
    /// The provider instance (the wrapped provider's id).
    pub instance: String,
    /// The operation (`create_payment`, `create_refund`, ...).
    pub operation: String,
    /// The logical key (`key:...`, `payment_ref:...`, `refund_ref:...`, `gen:...`).
    pub logical_key: String,
    /// The idempotency key sent (and sent again on every retry).
    pub idempotency_key: String,
    /// Where it stands.
    pub state: EntryState,
    /// Attempts so far (each takeover or new attempt adds one).
    pub attempt: i64,
    /// Whether the recorded request rebuilds the whole call (no card details, no gateway
    /// options), so [`Journal::recover`] can send it again by itself.
    pub replayable: bool,
    /// The recorded result as JSON (a `Payment`, `Refund` or `Customer`), once done.
    pub result_json: Option<String>,
    /// The recorded error's message, once failed or unknown.
    pub error: Option<String>,
    /// When the entry was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl JournalEntry {
    /// The recorded result, read as `T` (`Payment`, `Refund` or `Customer`).
    ///
    /// ```
    /// # fn show(entry: &paymux_store::JournalEntry) -> paymux_core::Result<()> {
    /// if let Some(payment) = entry.result::<paymux_core::Payment>().transpose()? {
    ///     println!("{} is {}", payment.id, payment.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn result<T: DeserializeOwned>(&self) -> Option<Result<T>> {
        self.result_json.as_deref().map(read_result)
    }
}

/// What [`Journal::recover`] did.
///
/// ```
/// let report = paymux_store::RecoveryReport::default();
/// assert!(report.is_clean());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RecoveryReport {
    /// Entries retried whose result is now recorded (the payment found, or made).
    pub done: u32,
    /// Entries retried that certainly did nothing at the gateway (recorded as failed).
    pub not_created: u32,
    /// Entries retried whose outcome is still unknown (the gateway did not answer).
    pub still_unknown: u32,
    /// Entries whose request cannot be rebuilt from the journal (card details and gateway
    /// options are never stored): now `unknown`, they are settled by the application's
    /// retry of the same operation (same key or reference), which carries the whole request.
    pub awaiting_caller: Vec<JournalEntry>,
    /// Entries in flight under another caller's live lease, left alone.
    pub in_flight_elsewhere: u32,
}

impl RecoveryReport {
    /// `true` when nothing is left unsettled.
    ///
    /// ```
    /// let report = paymux_store::RecoveryReport::default();
    /// assert!(report.is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.still_unknown == 0 && self.awaiting_caller.is_empty() && self.in_flight_elsewhere == 0
    }
}

/// A [`PaymentProvider`] that journals every mutation of the provider it wraps (a connector,
/// a router) in a [`Store`].
///
/// Before `create_payment`, `confirm_payment`, `capture_payment`, `cancel_payment`,
/// `create_refund` or `create_customer` is sent, an entry is committed with the logical
/// operation, the instance, the idempotency key it will send, a fingerprint of the request
/// and its state; the outcome is committed when the answer comes. The **logical operation**
/// is the caller's idempotency key; else, for a create, its merchant reference (a refund's
/// `merchant_refund_id`); else a generated key. Only the first two make a retry after a crash
/// find the earlier call: a generated key is new on every call, so such an entry is only
/// settled by [`recover`](Journal::recover).
///
/// - The same logical operation again (after a restart, on another replica, or concurrently)
///   gets the recorded result, or waits for the call in flight, or retries an unknown outcome
///   with the recorded key marked `retrying` (pay.tech then looks the payment up by
///   reference first): never a second payment.
/// - A different request under the same idempotency key is refused with
///   [`InvalidRequest`](paymux_core::ErrorKind::InvalidRequest), as Stripe refuses it; under
///   the same merchant reference, with [`Conflict`](paymux_core::ErrorKind::Conflict) — unless
///   the reference's last attempt certainly failed (an error that says nothing was done, or a
///   payment that ended failed, cancelled or expired), which starts a new attempt with a new
///   key.
/// - Replicas are kept apart by the database: a unique constraint on (instance, logical key)
///   decides who records an operation first, and takeovers are conditional updates on the
///   entry's state and attempt.
///
/// Journal writes are committed in batches by one writer task per journal (group commit), so
/// a busy service pays one commit per batch, not two per call. Needs a Tokio runtime.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// use std::sync::Arc;
/// use paymux::{CreatePayment, Currency, MockProvider, Money, PaymentProvider};
/// use paymux_store::{Journal, Store};
///
/// let store = Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let gateway: Arc<dyn PaymentProvider> = Arc::new(Journal::new(Arc::new(MockProvider::new()), store));
///
/// let req = CreatePayment::new(Money::from_minor(6540, Currency::USD)?).with_reference("order_123");
/// let first = gateway.create_payment(req.clone()).await?;
/// let again = gateway.create_payment(req).await?; // the application's retry
/// assert_eq!(first.id, again.id);                 // the recorded payment, not a second one
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Journal {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn PaymentProvider>,
    db: Db,
    instance: String,
    owner: String,
    config: JournalConfig,
    writer: Writer,
    local: KeyLocks,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("instance", &self.inner.instance)
            .field("owner", &self.inner.owner)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Which operation an entry journals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreatePayment,
    ConfirmPayment,
    CapturePayment,
    CancelPayment,
    CreateRefund,
    CreateCustomer,
    CreatePayout,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::CreatePayment => "create_payment",
            Op::ConfirmPayment => "confirm_payment",
            Op::CapturePayment => "capture_payment",
            Op::CancelPayment => "cancel_payment",
            Op::CreateRefund => "create_refund",
            Op::CreateCustomer => "create_customer",
            Op::CreatePayout => "create_payout",
        }
    }
}

/// How the logical operation of a call is named.
#[derive(Debug, Clone)]
enum Logical {
    /// The caller's idempotency key.
    Key(IdempotencyKey),
    /// A create's merchant reference (or a refund's merchant refund id).
    Reference(String),
    /// Neither: a fresh key, found again by nobody but `recover`.
    Generated(IdempotencyKey),
}

/// Longer references are stored as their SHA-256 (index entries have a size limit).
const MAX_KEY_TEXT: usize = 200;

fn logical_key_text(op: Op, logical: &Logical) -> String {
    let (prefix, text) = match logical {
        Logical::Key(k) => ("key", k.as_str()),
        Logical::Reference(r) if op == Op::CreateRefund => ("refund_ref", r.as_str()),
        Logical::Reference(r) if op == Op::CreatePayout => ("payout_ref", r.as_str()),
        Logical::Reference(r) => ("payment_ref", r.as_str()),
        Logical::Generated(k) => ("gen", k.as_str()),
    };
    if text.len() > MAX_KEY_TEXT || text.contains('\0') {
        use sha2::Digest;
        let digest = hex::encode(sha2::Sha256::digest(text.as_bytes()));
        return format!("{prefix}_sha256:{digest}");
    }
    format!("{prefix}:{text}")
}

/// A call about to be journaled.
struct Call {
    op: Op,
    logical: Logical,
    logical_key: String,
    fingerprint: String,
    request: String,
    replayable: bool,
    is_retry: bool,
    summary: String,
}

/// The right to send one attempt of an entry.
#[derive(Debug, Clone)]
struct Ticket {
    id: i64,
    attempt: i64,
    key: IdempotencyKey,
    retry: bool,
}

/// Recovery's mark of one instance (`paymux_journal_mark`).
#[derive(Debug, Clone, Copy)]
struct Mark {
    settled_below: i64,
    version: i64,
}

/// An entry as read for a decision.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    instance: String,
    operation: String,
    logical_key: String,
    idempotency_key: String,
    fingerprint: String,
    request: String,
    replayable: bool,
    state: EntryState,
    attempt: i64,
    result: Option<String>,
    error: Option<String>,
    reusable: bool,
    owner: Option<String>,
    lease_until: i64,
    created_at: i64,
    updated_at: i64,
}

/// An entry as it stands: its current attempt's outcome when one is recorded, else the
/// entry's own state (in flight, or marked unknown by recovery).
const ENTRY: &str = "SELECT j.id, j.instance, j.operation, j.logical_key, j.idempotency_key, \
         j.fingerprint, j.request, j.replayable, j.attempt, j.created_at, \
         CASE WHEN o.entry_id IS NULL THEN j.state ELSE o.state END AS state, \
         CASE WHEN o.entry_id IS NULL THEN j.result ELSE o.result END AS result, \
         CASE WHEN o.entry_id IS NULL THEN j.error ELSE o.error END AS error, \
         CASE WHEN o.entry_id IS NULL THEN j.reusable ELSE o.reusable END AS reusable, \
         CASE WHEN o.entry_id IS NULL THEN j.owner END AS owner, \
         CASE WHEN o.entry_id IS NULL THEN j.lease_until ELSE 0 END AS lease_until, \
         CASE WHEN o.entry_id IS NULL THEN j.updated_at ELSE o.recorded_at END AS updated_at \
     FROM paymux_journal AS j \
     LEFT JOIN paymux_journal_outcome AS o ON o.entry_id = j.id AND o.attempt = j.attempt";

/// The condition on [`ENTRY`]'s rows that recovery looks for.
const UNSETTLED: &str =
    "(CASE WHEN o.entry_id IS NULL THEN j.state ELSE o.state END) IN ('in_flight', 'unknown')";

impl Row {
    fn read(r: &impl RowExt) -> Result<Row> {
        Ok(Row {
            id: r.int("id")?,
            instance: r.text("instance")?,
            operation: r.text("operation")?,
            logical_key: r.text("logical_key")?,
            idempotency_key: r.text("idempotency_key")?,
            fingerprint: r.text("fingerprint")?,
            request: r.text("request")?,
            replayable: r.int("replayable")? != 0,
            state: EntryState::parse(&r.text("state")?)?,
            attempt: r.int("attempt")?,
            result: r.opt_text("result")?,
            error: r.opt_text("error")?,
            reusable: r.int("reusable")? != 0,
            owner: r.opt_text("owner")?,
            lease_until: r.int("lease_until")?,
            created_at: r.int("created_at")?,
            updated_at: r.int("updated_at")?,
        })
    }

    fn entry(&self) -> JournalEntry {
        JournalEntry {
            id: self.id,
            instance: self.instance.clone(),
            operation: self.operation.clone(),
            logical_key: self.logical_key.clone(),
            idempotency_key: self.idempotency_key.clone(),
            state: self.state,
            attempt: self.attempt,
            replayable: self.replayable,
            result_json: self.result.clone(),
            error: self.error.as_deref().map(|e| {
                serde_json::from_str::<RecordedError>(e).map(|r| r.message).unwrap_or_default()
            }),
            created_at: to_datetime(self.created_at),
            updated_at: to_datetime(self.updated_at),
        }
    }

    fn key(&self) -> Result<IdempotencyKey> {
        IdempotencyKey::new(self.idempotency_key.clone())
    }
}

/// An error as recorded in the `error` column.
#[derive(Debug, Serialize, Deserialize)]
struct RecordedError {
    kind: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    provider: Option<ProviderId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gateway_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gateway_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    decline_code: Option<DeclineCode>,
    /// The gateway certainly did nothing, but the same call may succeed later (a 503 before
    /// it acted, a refused connection, a 429).
    retryable: bool,
    outcome_unknown: bool,
}

const KINDS: [ErrorKind; 13] = [
    ErrorKind::InvalidRequest,
    ErrorKind::Unsupported,
    ErrorKind::Authentication,
    ErrorKind::Declined,
    ErrorKind::NotFound,
    ErrorKind::Conflict,
    ErrorKind::RateLimited,
    ErrorKind::ProviderUnavailable,
    ErrorKind::Timeout,
    ErrorKind::Transport,
    ErrorKind::InvalidResponse,
    ErrorKind::WebhookSignature,
    ErrorKind::Configuration,
];

impl RecordedError {
    fn of(e: &Error) -> RecordedError {
        RecordedError {
            kind: e.kind().as_str().to_owned(),
            message: e.message().to_owned(),
            provider: e.provider().cloned(),
            http_status: e.http_status(),
            gateway_code: e.gateway_code().map(str::to_owned),
            gateway_message: e.gateway_message().map(str::to_owned),
            decline_code: e.decline_code().cloned(),
            retryable: e.is_retryable(),
            outcome_unknown: e.is_outcome_unknown(),
        }
    }

    fn stopped() -> RecordedError {
        RecordedError {
            kind: ErrorKind::Timeout.as_str().to_owned(),
            message: "the caller that sent this request stopped before it recorded the answer"
                .to_owned(),
            provider: None,
            http_status: None,
            gateway_code: None,
            gateway_message: None,
            decline_code: None,
            retryable: true,
            outcome_unknown: true,
        }
    }

    /// The error again, as the caller first saw it.
    fn to_error(&self) -> Error {
        let kind = KINDS
            .into_iter()
            .find(|k| k.as_str() == self.kind)
            .unwrap_or(ErrorKind::InvalidResponse);
        let mut e = Error::new(kind, self.message.clone());
        if let Some(p) = &self.provider {
            e = e.with_provider(p.clone());
        }
        if let Some(s) = self.http_status {
            e = e.with_http_status(s);
        }
        if let Some(c) = &self.gateway_code {
            e = e.with_gateway_code(c.clone());
        }
        if let Some(m) = &self.gateway_message {
            e = e.with_gateway_message(m.clone());
        }
        if let Some(d) = &self.decline_code {
            e = e.with_decline_code(d.clone());
        }
        if self.outcome_unknown {
            e = e.with_outcome_unknown();
        }
        e
    }
}

fn read_result<T: DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| {
        Error::invalid_response(format!("paymux-store: a recorded result is unreadable: {e}"))
    })
}

/// What to do about an entry that exists already.
enum Decision<T> {
    /// Return this (the recorded result or error).
    Recorded(Result<T>),
    /// Take the entry over for a new attempt.
    Claim { key: IdempotencyKey, retry: bool, replace: bool },
    /// Someone else holds it: look again shortly.
    Wait,
}

/// One lock per logical key a call of this process is working on. Local calls of the same
/// operation take turns, so an entry this process holds in flight whose key nobody here has
/// locked was left behind (a call whose future was dropped, or a previous run of this owner
/// name) and may be taken over; one whose key is locked is being sent.
type KeyLocks = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

/// A logical key locked by one call, released (and forgotten when nobody waits) on drop,
/// however the call ends.
struct KeyGuard<'a> {
    locks: &'a KeyLocks,
    key: String,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's handle and this guard's: nobody else waits for the key.
        if locks.get(&self.key).is_some_and(|m| Arc::strong_count(m) <= 2) {
            locks.remove(&self.key);
        }
    }
}

/// What a recorded result says about its reference: may a later attempt start over?
type Reusable<T> = fn(&T) -> bool;

fn payment_ended_unpaid(p: &Payment) -> bool {
    matches!(p.status, PaymentStatus::Failed | PaymentStatus::Cancelled | PaymentStatus::Expired)
}

fn refund_ended_undone(r: &Refund) -> bool {
    matches!(r.status, RefundStatus::Failed | RefundStatus::Cancelled)
}

fn payout_ended_unpaid(p: &Payout) -> bool {
    matches!(p.status, PayoutStatus::Failed | PayoutStatus::Cancelled | PayoutStatus::Expired)
}

fn never<T>(_: &T) -> bool {
    false
}

impl Journal {
    /// A journal around `provider` in `store`, with the default [`JournalConfig`]. The store
    /// must be migrated ([`Store::migrate`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// use std::sync::Arc;
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert_eq!(journal.instance(), "mock");
    /// # Ok(()) }
    /// ```
    pub fn new(provider: Arc<dyn PaymentProvider>, store: Store) -> Journal {
        Self::with_config(provider, store, JournalConfig::default())
    }

    /// A journal with `config`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// use std::sync::Arc;
    /// use paymux_store::{Journal, JournalConfig, Store};
    /// let store = Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// let journal = Journal::with_config(
    ///     Arc::new(paymux::MockProvider::new()),
    ///     store,
    ///     JournalConfig::new().with_owner("replica-1"),
    /// );
    /// assert_eq!(journal.owner(), "replica-1");
    /// # Ok(()) }
    /// ```
    pub fn with_config(
        provider: Arc<dyn PaymentProvider>,
        store: Store,
        config: JournalConfig,
    ) -> Journal {
        let owner = config
            .owner
            .clone()
            .unwrap_or_else(|| format!("paymux-{}", IdempotencyKey::generate()));
        let instance = provider.id().as_str().to_owned();
        let writer = Writer::new(
            store.db.clone(),
            instance.clone(),
            owner.clone(),
            ms(config.lease),
            config.max_batch,
            config.commit_window,
        );
        Journal {
            inner: Arc::new(Inner {
                provider,
                db: store.db,
                instance,
                owner,
                config,
                writer,
                local: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The wrapped provider.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert_eq!(journal.provider().id().as_str(), "mock");
    /// # Ok(()) }
    /// ```
    pub fn provider(&self) -> &Arc<dyn PaymentProvider> {
        &self.inner.provider
    }

    /// The instance the entries are recorded under: the wrapped provider's id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert_eq!(journal.instance(), "mock");
    /// # Ok(()) }
    /// ```
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    /// The owner name this journal holds entries under.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert!(journal.owner().starts_with("paymux-")); // random unless configured
    /// # Ok(()) }
    /// ```
    pub fn owner(&self) -> &str {
        &self.inner.owner
    }

    fn stage(&self, stage: Stage) {
        if let Some(hook) = &self.inner.config.on_stage {
            hook(stage);
        }
    }

    fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.inner.local.lock().unwrap_or_else(PoisonError::into_inner);
        locks.entry(key.to_owned()).or_default().clone()
    }

    /// Waits for the other local calls of `key`, then holds it.
    async fn lock_key(&self, key: &str) -> KeyGuard<'_> {
        let held = self.key_lock(key).lock_owned().await;
        KeyGuard { locks: &self.inner.local, key: key.to_owned(), _held: held }
    }

    /// Holds `key` if no local call does.
    fn try_lock_key(&self, key: &str) -> Option<KeyGuard<'_>> {
        let held = self.key_lock(key).try_lock_owned().ok();
        let guard = held.map(|held| KeyGuard {
            locks: &self.inner.local,
            key: key.to_owned(),
            _held: held,
        });
        if guard.is_none() {
            // Forget the handle this look added, unless a call waits for it.
            let mut locks = self.inner.local.lock().unwrap_or_else(PoisonError::into_inner);
            if locks.get(key).is_some_and(|m| Arc::strong_count(m) <= 1) {
                locks.remove(key);
            }
        }
        guard
    }

    /// Whether an in-flight entry belongs to a live caller of another process: its lease
    /// runs and another owner holds it. Asked by a call holding the entry's key: an entry of
    /// this owner is then being sent by nobody here (a dropped call, or a previous run).
    fn held_elsewhere(&self, row: &Row, now: i64) -> bool {
        row.lease_until > now && row.owner.as_deref() != Some(self.inner.owner.as_str())
    }

    fn call(
        &self,
        op: Op,
        logical: Logical,
        record: &Recorded,
        holder: Option<&str>,
        is_retry: bool,
    ) -> Result<Call> {
        let kept = record.keep(holder)?;
        Ok(Call {
            op,
            logical_key: logical_key_text(op, &logical),
            logical,
            fingerprint: kept.fingerprint,
            request: kept.json,
            replayable: kept.replayable,
            is_retry,
            summary: record.summary(),
        })
    }

    async fn load(&self, logical_key: &str) -> Result<Option<Row>> {
        let sql = format!("{ENTRY} WHERE j.instance = $1 AND j.logical_key = $2");
        let row = with_pool!(&self.inner.db, pool => {
            let r = sqlx::query(&sql)
                .bind(&self.inner.instance)
                .bind(logical_key)
                .fetch_optional(pool)
                .await
                .map_err(|e| db_error("reading the journal", e))?;
            r.as_ref().map(Row::read).transpose()?
        });
        Ok(row)
    }

    /// Takes `row` over for a new attempt, if nobody changed it since it was read.
    async fn claim(
        &self,
        row: &Row,
        call: Option<&Call>,
        key: &IdempotencyKey,
        retry: bool,
    ) -> Result<Option<Ticket>> {
        let now = now_ms();
        let lease_until = now.saturating_add(ms(self.inner.config.lease));
        let (fingerprint, request, replayable) = match call {
            Some(c) => (c.fingerprint.as_str(), c.request.as_str(), c.replayable),
            None => (row.fingerprint.as_str(), row.request.as_str(), row.replayable),
        };
        let fail = |e| db_error("taking over a journal entry", e);
        // The entry is unsettled again: recovery's mark must not stay past it.
        let n = with_pool!(&self.inner.db, pool => {
            let mut tx = pool.begin().await.map_err(fail)?;
            sqlx::query(LOWER_MARK)
                .bind(&self.inner.instance)
                .bind(row.id)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            let n = sqlx::query(CLAIM)
                .bind(i64::from(retry))
                .bind(&self.inner.owner)
                .bind(lease_until)
                .bind(key.as_str())
                .bind(fingerprint)
                .bind(request)
                .bind(i64::from(replayable))
                .bind(now)
                .bind(row.id)
                .bind(row.attempt)
                .bind(row.state.as_str())
                .execute(&mut *tx)
                .await
                .map_err(fail)?
                .rows_affected();
            if n == 1 {
                tx.commit().await.map_err(fail)?;
            }
            n
        });
        Ok((n == 1).then(|| Ticket {
            id: row.id,
            attempt: row.attempt + 1,
            key: key.clone(),
            retry,
        }))
    }

    /// The decision for an existing entry of `call`'s logical operation.
    fn decide<T: DeserializeOwned>(&self, call: &Call, row: &Row, now: i64) -> Result<Decision<T>> {
        let by_reference = matches!(call.logical, Logical::Reference(_));
        let recorded_error =
            row.error.as_deref().and_then(|e| serde_json::from_str::<RecordedError>(e).ok());
        // A reference whose last attempt certainly ended without effect may start over.
        let may_start_over = by_reference
            && match row.state {
                EntryState::Failed => true,
                EntryState::Done => row.reusable,
                EntryState::InFlight | EntryState::Unknown => false,
            };
        if may_start_over {
            return Ok(Decision::Claim {
                key: IdempotencyKey::generate(),
                retry: false,
                replace: true,
            });
        }
        if row.fingerprint != call.fingerprint || row.operation != call.op.as_str() {
            return Err(self.different_request(call, row));
        }
        Ok(match row.state {
            EntryState::Done => match row.result.as_deref() {
                Some(json) => Decision::Recorded(read_result(json)),
                None => Decision::Recorded(Err(Error::invalid_response(
                    "paymux-store: a done journal entry has no result",
                ))),
            },
            EntryState::Failed => match recorded_error {
                // Certainly not done, and worth trying again: a new attempt, same key.
                Some(e) if e.retryable => {
                    Decision::Claim { key: row.key()?, retry: false, replace: false }
                }
                Some(e) => Decision::Recorded(Err(e.to_error())),
                None => Decision::Claim { key: row.key()?, retry: false, replace: false },
            },
            EntryState::Unknown => Decision::Claim { key: row.key()?, retry: true, replace: false },
            EntryState::InFlight if self.held_elsewhere(row, now) => Decision::Wait,
            EntryState::InFlight => {
                Decision::Claim { key: row.key()?, retry: true, replace: false }
            }
        })
    }

    fn different_request(&self, call: &Call, row: &Row) -> Error {
        let instance = ProviderId::new(self.inner.instance.clone());
        match &call.logical {
            Logical::Key(k) => Error::invalid_request(format!(
                "idempotency key {k} was already used for a different request ({} recorded, \
                 {} now) at {}: a key must always carry the same request; use a new key for \
                 a new request",
                row.operation, call.summary, self.inner.instance
            ))
            .with_provider(instance),
            Logical::Reference(r) => Error::new(
                ErrorKind::Conflict,
                format!(
                    "merchant reference {r:?} already has a {} at {} ({}) with other details: \
                     repeat the same request, or use a new reference for a new {}",
                    row.operation, self.inner.instance, row.state, call.summary
                ),
            )
            .with_provider(instance),
            Logical::Generated(_) => {
                Error::invalid_response("paymux-store: a generated key collided with another entry")
            }
        }
    }

    /// Records `call` (or finds its entry) and decides: send an attempt, or return what is
    /// recorded.
    async fn acquire<T: DeserializeOwned>(
        &self,
        call: &Call,
    ) -> Result<std::result::Result<Ticket, Result<T>>> {
        let fresh_key = match &call.logical {
            Logical::Key(k) | Logical::Generated(k) => k.clone(),
            Logical::Reference(_) => IdempotencyKey::generate(),
        };
        let entry = || NewEntry {
            logical_key: call.logical_key.clone(),
            operation: call.op.as_str(),
            idempotency_key: fresh_key.as_str().to_owned(),
            fingerprint: call.fingerprint.clone(),
            request: call.request.clone(),
            replayable: call.replayable,
            is_retry: call.is_retry,
        };
        let deadline = Instant::now() + self.inner.config.wait;
        let mut pause = Duration::from_millis(5);
        loop {
            if let Some(id) = self.inner.writer.begin(entry()).await? {
                return Ok(Ok(Ticket { id, attempt: 1, key: fresh_key, retry: call.is_retry }));
            }
            // Taken: by an earlier call of the same operation, here or elsewhere.
            loop {
                let Some(row) = self.load(&call.logical_key).await? else {
                    break; // pruned meanwhile: record it anew
                };
                match self.decide::<T>(call, &row, now_ms())? {
                    Decision::Recorded(result) => return Ok(Err(result)),
                    Decision::Claim { key, retry, replace } => {
                        let retry = retry || call.is_retry;
                        if let Some(ticket) =
                            self.claim(&row, replace.then_some(call), &key, retry).await?
                        {
                            return Ok(Ok(ticket));
                        }
                        // Someone else changed it first: look again.
                    }
                    Decision::Wait => {
                        if Instant::now() >= deadline {
                            return Err(Error::new(
                                ErrorKind::Conflict,
                                format!(
                                    "{} under {} is in flight at another caller ({}); its \
                                     outcome is not known yet: try again later with the same \
                                     key or reference",
                                    call.summary,
                                    call.logical_key,
                                    row.owner.as_deref().unwrap_or("unknown owner")
                                ),
                            )
                            .with_provider(ProviderId::new(self.inner.instance.clone()))
                            .with_outcome_unknown());
                        }
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(Duration::from_millis(100));
                    }
                }
            }
        }
    }

    /// Records the outcome of an attempt. A failure to record is logged, not returned: the
    /// caller gets the gateway's answer, and the entry, still in flight, is settled later by
    /// a retry or by `recover` with the same key.
    async fn settle<T: Serialize>(
        &self,
        ticket: &Ticket,
        result: &Result<T>,
        reusable: Reusable<T>,
    ) -> EntryState {
        let (state, result_json, error, reusable) = match result {
            Ok(value) => match serde_json::to_string(value) {
                Ok(json) => (EntryState::Done, Some(json), None, reusable(value)),
                Err(e) => {
                    tracing::warn!(error = %e, "paymux-store: a result could not be recorded");
                    return EntryState::InFlight;
                }
            },
            Err(e) => {
                let state =
                    if e.is_outcome_unknown() { EntryState::Unknown } else { EntryState::Failed };
                (state, None, serde_json::to_string(&RecordedError::of(e)).ok(), false)
            }
        };
        let completion = Completion {
            id: ticket.id,
            attempt: ticket.attempt,
            state: state.as_str(),
            result: result_json,
            error,
            reusable,
        };
        match self.inner.writer.complete(completion).await {
            Ok(()) => state,
            Err(e) => {
                tracing::warn!(entry = ticket.id, error = %e, "paymux-store: the outcome could not be recorded; the entry stays in flight until recovered");
                EntryState::InFlight
            }
        }
    }

    /// One journaled call: record, send once, record the outcome.
    async fn journaled<T, F, Fut>(&self, call: Call, reusable: Reusable<T>, send: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(IdempotencyKey, bool) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let _local = self.lock_key(&call.logical_key).await;
        let ticket = match self.acquire::<T>(&call).await? {
            Ok(ticket) => ticket,
            Err(recorded) => return recorded,
        };
        tracing::debug!(
            operation = call.op.as_str(),
            entry = ticket.id,
            attempt = ticket.attempt,
            retry = ticket.retry,
            "journaled call recorded"
        );
        self.stage(Stage::Recorded);
        let result = send(ticket.key.clone(), ticket.retry).await;
        self.stage(Stage::Answered);
        self.settle(&ticket, &result, reusable).await;
        result
    }

    /// Looks up the entry of one logical operation at this journal's instance.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// use paymux_store::{Journal, OperationKey, Store};
    /// # let store = Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let journal = Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert!(journal.entry(&OperationKey::PaymentReference("nothing".into())).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn entry(&self, key: &OperationKey) -> Result<Option<JournalEntry>> {
        let (op, logical) = match key {
            OperationKey::Idempotency(k) => (Op::CreatePayment, Logical::Key(k.clone())),
            OperationKey::PaymentReference(r) => (Op::CreatePayment, Logical::Reference(r.clone())),
            OperationKey::RefundReference(r) => (Op::CreateRefund, Logical::Reference(r.clone())),
            OperationKey::PayoutReference(r) => (Op::CreatePayout, Logical::Reference(r.clone())),
        };
        Ok(self.load(&logical_key_text(op, &logical)).await?.map(|r| r.entry()))
    }

    /// Every entry of this instance that is in flight or unknown, oldest first: what
    /// [`recover`](Journal::recover) would look at (monitor its size).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert!(journal.unsettled().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn unsettled(&self) -> Result<Vec<JournalEntry>> {
        let mut out = Vec::new();
        let mut after = self.mark().await?.map_or(0, |m| m.settled_below - 1);
        loop {
            let rows = self.unsettled_page(after).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            out.extend(rows.iter().map(Row::entry));
        }
        Ok(out)
    }

    async fn unsettled_page(&self, after: i64) -> Result<Vec<Row>> {
        let sql = format!(
            "{ENTRY} WHERE j.instance = $1 AND j.id > $2 AND {UNSETTLED} ORDER BY j.id LIMIT 256"
        );
        let rows = with_pool!(&self.inner.db, pool => {
            let rows = sqlx::query(&sql)
                .bind(&self.inner.instance)
                .bind(after)
                .fetch_all(pool)
                .await
                .map_err(|e| db_error("reading the journal", e))?;
            rows.iter().map(Row::read).collect::<Result<Vec<_>>>()?
        });
        Ok(rows)
    }

    /// Settles every entry of this instance left in flight or unknown: those whose lease ran
    /// out, and those a previous run of this owner name left behind. Each is taken over and
    /// retried with its recorded idempotency key, marked `retrying` (so pay.tech, which has no
    /// keys, looks the payment up by reference first), then marked with what the gateway
    /// answered: the payment found or made, or failed when it certainly did nothing.
    ///
    /// A request with card details or gateway options cannot be rebuilt from the journal
    /// (they are never stored): such an entry is marked unknown and listed in
    /// [`RecoveryReport::awaiting_caller`]; the application's retry of the same operation,
    /// which carries the whole request, settles it with the same key.
    ///
    /// Call it at start-up, before taking traffic, and from time to time.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// let report = journal.recover().await?;
    /// assert!(report.is_clean());
    /// # Ok(()) }
    /// ```
    pub async fn recover(&self) -> Result<RecoveryReport> {
        let mut report = RecoveryReport::default();
        let mark = self.mark().await?;
        let mut after = mark.map_or(0, |m| m.settled_below - 1);
        loop {
            let rows = self.unsettled_page(after).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for row in rows {
                self.recover_one(row, &mut report).await?;
            }
        }
        self.advance_mark(mark).await?;
        Ok(report)
    }

    /// Where recovery starts: every entry of this instance below it is settled.
    async fn mark(&self) -> Result<Option<Mark>> {
        let mark = with_pool!(&self.inner.db, pool => sqlx::query_as::<_, (i64, i64)>(
            "SELECT settled_below, version FROM paymux_journal_mark WHERE instance = $1",
        )
        .bind(&self.inner.instance)
        .fetch_optional(pool)
        .await)
        .map_err(|e| db_error("reading the journal", e))?;
        Ok(mark.map(|(settled_below, version)| Mark { settled_below, version }))
    }

    /// Moves the mark up to the first entry still unsettled, or younger than a lease (an
    /// entry being recorded now may commit after a later one; within its lease it is its
    /// caller's anyway). Nothing moves if an entry was taken over since `read` was read.
    async fn advance_mark(&self, read: Option<Mark>) -> Result<()> {
        let fail = |e| db_error("moving the journal's recovery mark", e);
        let from = read.map_or(0, |m| m.settled_below);
        let young = now_ms().saturating_sub(ms(self.inner.config.lease));
        let first_open = format!(
            "SELECT j.id FROM ({ENTRY}) AS j WHERE j.instance = $1 AND j.id >= $2 \
             AND (j.state IN ('in_flight', 'unknown') OR j.created_at >= $3) \
             ORDER BY j.id LIMIT 1"
        );
        let n = with_pool!(&self.inner.db, pool => {
            let open: Option<i64> = sqlx::query_scalar(&first_open)
                .bind(&self.inner.instance)
                .bind(from)
                .bind(young)
                .fetch_optional(pool)
                .await
                .map_err(fail)?;
            let below = match open {
                Some(id) => id,
                None => sqlx::query_scalar::<_, i64>(
                    "SELECT COALESCE(MAX(id), 0) + 1 FROM paymux_journal",
                )
                .fetch_one(pool)
                .await
                .map_err(fail)?,
            };
            let set = match read {
                None => sqlx::query(
                    "INSERT INTO paymux_journal_mark (instance, settled_below, version) \
                     VALUES ($1, $2, 0) ON CONFLICT (instance) DO NOTHING",
                )
                .bind(&self.inner.instance)
                .bind(below),
                Some(m) => sqlx::query(
                    "UPDATE paymux_journal_mark SET settled_below = $2 \
                     WHERE instance = $1 AND version = $3",
                )
                .bind(&self.inner.instance)
                .bind(below)
                .bind(m.version),
            };
            set.execute(pool).await.map_err(fail)?.rows_affected()
        });
        if n == 0 {
            tracing::debug!(
                "paymux-store: an entry was taken over during recovery; the mark stays"
            );
        }
        Ok(())
    }

    async fn recover_one(&self, row: Row, report: &mut RecoveryReport) -> Result<()> {
        let Some(_local) = self.try_lock_key(&row.logical_key) else {
            // A call of this process is working on it right now.
            report.in_flight_elsewhere += 1;
            return Ok(());
        };
        if row.state == EntryState::InFlight && self.held_elsewhere(&row, now_ms()) {
            report.in_flight_elsewhere += 1;
            return Ok(());
        }
        let key = row.key()?;
        let rebuilt =
            if row.replayable { Recorded::parse(&row.request)?.rebuild(key.clone()) } else { None };
        let Some(rebuilt) = rebuilt else {
            if row.state == EntryState::InFlight {
                let error = serde_json::to_string(&RecordedError::stopped()).ok();
                let n = with_pool!(&self.inner.db, pool => sqlx::query(MARK_UNKNOWN)
                    .bind(error)
                    .bind(now_ms())
                    .bind(row.id)
                    .bind(row.attempt)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected()))
                .map_err(|e| db_error("marking a journal entry unknown", e))?;
                if n == 0 {
                    return Ok(()); // someone else took it meanwhile
                }
            }
            let mut entry = row.entry();
            entry.state = EntryState::Unknown;
            report.awaiting_caller.push(entry);
            return Ok(());
        };
        let Some(ticket) = self.claim(&row, None, &key, true).await? else {
            return Ok(()); // someone else took it meanwhile
        };
        let p = &self.inner.provider;
        let state = match rebuilt {
            Rebuilt::CreatePayment(req) => {
                self.settle(&ticket, &p.create_payment(req).await, payment_ended_unpaid).await
            }
            Rebuilt::ConfirmPayment(id, req) => {
                self.settle(&ticket, &p.confirm_payment(&id, req).await, never).await
            }
            Rebuilt::CapturePayment(id, req) => {
                self.settle(&ticket, &p.capture_payment(&id, req).await, never).await
            }
            Rebuilt::CancelPayment(id, req) => {
                self.settle(&ticket, &p.cancel_payment(&id, req).await, never).await
            }
            Rebuilt::CreateRefund(req) => {
                self.settle(&ticket, &p.create_refund(req).await, refund_ended_undone).await
            }
            Rebuilt::CreateCustomer(req) => {
                self.settle(&ticket, &p.create_customer(req).await, never).await
            }
            Rebuilt::CreatePayout(req) => {
                self.settle(&ticket, &p.create_payout(req).await, payout_ended_unpaid).await
            }
        };
        match state {
            EntryState::Done => report.done += 1,
            EntryState::Failed => report.not_created += 1,
            EntryState::Unknown | EntryState::InFlight => report.still_unknown += 1,
        }
        Ok(())
    }

    /// Deletes this instance's settled entries (done or failed) created and last changed
    /// more than `older_than` ago. Entries in flight or unknown are never pruned. After
    /// pruning, the same logical operation is a new one: keep entries longer than your
    /// callers may retry (and than gateways keep idempotency keys: Stripe 24 hours).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # use std::sync::Arc;
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let journal = paymux_store::Journal::new(Arc::new(paymux::MockProvider::new()), store);
    /// assert_eq!(journal.prune(paymux_store::DEFAULT_RETENTION).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, older_than: Duration) -> Result<u64> {
        prune_entries(&self.inner.db, Some(&self.inner.instance), crate::db::cutoff_ms(older_than))
            .await
    }
}

/// Deletes settled entries of every instance older than `cutoff`.
pub(crate) async fn prune_journal(db: &Db, cutoff: i64) -> Result<u64> {
    prune_entries(db, None, cutoff).await
}

/// Entries are numbered in the order they were created, so the entries older than `cutoff`
/// are those below the first one created after it: found by walking the primary key from the
/// oldest, then deleted a thousand at a time (SQLite holds its write lock for one chunk at a
/// time). The journal has no index on its times: they would make every recorded outcome cost
/// one more index update.
async fn prune_entries(db: &Db, instance: Option<&str>, cutoff: i64) -> Result<u64> {
    let fail = |e| db_error("pruning the journal", e);
    let boundary: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM paymux_journal WHERE created_at >= $1 ORDER BY id LIMIT 1",
    )
    .bind(cutoff)
    .fetch_optional(pool)
    .await)
    .map_err(fail)?;
    let boundary = boundary.unwrap_or(i64::MAX);
    let pick = format!(
        "DELETE FROM paymux_journal WHERE id IN (SELECT j.id FROM ({ENTRY}) AS j \
         WHERE j.id < $1 AND j.updated_at < $2 AND j.state IN ('done', 'failed') \
         AND (CAST($3 AS TEXT) IS NULL OR j.instance = $3) ORDER BY j.id LIMIT 1000) \
         RETURNING id"
    );
    // The outcomes of the entries deleted (and any left by an earlier pass that stopped
    // between the two statements): those in the range whose entry is gone.
    let orphans = "DELETE FROM paymux_journal_outcome WHERE entry_id >= $1 AND entry_id <= $2 \
         AND NOT EXISTS (SELECT 1 FROM paymux_journal AS j WHERE j.id = entry_id)";
    let mut total = 0;
    loop {
        let n = with_pool!(db, pool => {
            let mut tx = pool.begin().await.map_err(fail)?;
            let ids: Vec<i64> = sqlx::query_scalar(&pick)
                .bind(boundary)
                .bind(cutoff)
                .bind(instance)
                .fetch_all(&mut *tx)
                .await
                .map_err(fail)?;
            if let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) {
                sqlx::query(orphans)
                    .bind(first)
                    .bind(last)
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
            }
            tx.commit().await.map_err(fail)?;
            ids.len() as u64
        });
        total += n;
        if n < 1000 {
            return Ok(total);
        }
    }
}

/// Takes an entry over if it stands as it was read: same attempt, same state (its current
/// attempt's outcome, or its own state when it has none).
const CLAIM: &str = "UPDATE paymux_journal SET state = 'in_flight', attempt = attempt + 1, \
     is_retry = $1, owner = $2, lease_until = $3, idempotency_key = $4, fingerprint = $5, \
     request = $6, replayable = $7, result = NULL, error = NULL, reusable = 0, updated_at = $8 \
     WHERE id = $9 AND attempt = $10 AND COALESCE((SELECT o.state FROM paymux_journal_outcome \
         AS o WHERE o.entry_id = $9 AND o.attempt = $10), state) = $11";

const MARK_UNKNOWN: &str = "UPDATE paymux_journal SET state = 'unknown', error = $1, \
     owner = NULL, lease_until = 0, updated_at = $2 \
     WHERE id = $3 AND attempt = $4 AND state = 'in_flight' AND NOT EXISTS (SELECT 1 FROM \
         paymux_journal_outcome AS o WHERE o.entry_id = $3 AND o.attempt = $4)";

/// Lowers recovery's mark to an entry taken over, and moves its version on.
const LOWER_MARK: &str = "INSERT INTO paymux_journal_mark (instance, settled_below, version) \
     VALUES ($1, 0, 1) ON CONFLICT (instance) DO UPDATE SET \
     settled_below = CASE WHEN paymux_journal_mark.settled_below > $2 THEN $2 \
         ELSE paymux_journal_mark.settled_below END, \
     version = paymux_journal_mark.version + 1";

#[async_trait]
impl PaymentProvider for Journal {
    fn id(&self) -> &ProviderId {
        self.inner.provider.id()
    }

    fn capabilities(&self) -> &Capabilities {
        self.inner.provider.capabilities()
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let logical = match (&req.idempotency_key, &req.merchant_reference) {
            (Some(k), _) => Logical::Key(k.clone()),
            (None, Some(r)) => Logical::Reference(r.clone()),
            (None, None) => Logical::Generated(IdempotencyKey::generate()),
        };
        let (record, holder) = Recorded::create_payment(&req);
        let call = self.call(Op::CreatePayment, logical, &record, holder, req.is_retry)?;
        let provider = &self.inner.provider;
        self.journaled(call, payment_ended_unpaid, move |key, retry| {
            let mut req = req;
            req.idempotency_key = Some(key);
            req.is_retry = retry;
            provider.create_payment(req)
        })
        .await
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        self.inner.provider.get_payment(id).await
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let logical = match &req.idempotency_key {
            Some(k) => Logical::Key(k.clone()),
            None => Logical::Generated(IdempotencyKey::generate()),
        };
        let (record, holder) = Recorded::confirm_payment(id, &req);
        let call = self.call(Op::ConfirmPayment, logical, &record, holder, false)?;
        let provider = &self.inner.provider;
        self.journaled(call, never, move |key, _| {
            let mut req = req;
            req.idempotency_key = Some(key);
            provider.confirm_payment(id, req)
        })
        .await
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let logical = match &req.idempotency_key {
            Some(k) => Logical::Key(k.clone()),
            None => Logical::Generated(IdempotencyKey::generate()),
        };
        let record = Recorded::capture_payment(id, &req);
        let call = self.call(Op::CapturePayment, logical, &record, None, false)?;
        let provider = &self.inner.provider;
        self.journaled(call, never, move |key, _| {
            let mut req = req;
            req.idempotency_key = Some(key);
            provider.capture_payment(id, req)
        })
        .await
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let logical = match &req.idempotency_key {
            Some(k) => Logical::Key(k.clone()),
            None => Logical::Generated(IdempotencyKey::generate()),
        };
        let record = Recorded::cancel_payment(id, &req);
        let call = self.call(Op::CancelPayment, logical, &record, None, false)?;
        let provider = &self.inner.provider;
        self.journaled(call, never, move |key, _| {
            let mut req = req;
            req.idempotency_key = Some(key);
            provider.cancel_payment(id, req)
        })
        .await
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        self.inner.provider.list_payments(query).await
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        let logical = match (&req.idempotency_key, &req.merchant_refund_id) {
            (Some(k), _) => Logical::Key(k.clone()),
            (None, Some(r)) => Logical::Reference(r.clone()),
            (None, None) => Logical::Generated(IdempotencyKey::generate()),
        };
        let record = Recorded::create_refund(&req);
        let call = self.call(Op::CreateRefund, logical, &record, None, req.is_retry)?;
        let provider = &self.inner.provider;
        self.journaled(call, refund_ended_undone, move |key, retry| {
            let mut req = req;
            req.idempotency_key = Some(key);
            req.is_retry = retry;
            provider.create_refund(req)
        })
        .await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        self.inner.provider.get_refund(id).await
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let logical = match &req.idempotency_key {
            Some(k) => Logical::Key(k.clone()),
            None => Logical::Generated(IdempotencyKey::generate()),
        };
        let record = Recorded::create_customer(&req);
        let call = self.call(Op::CreateCustomer, logical, &record, None, false)?;
        let provider = &self.inner.provider;
        self.journaled(call, never, move |key, _| {
            let mut req = req;
            req.idempotency_key = Some(key);
            provider.create_customer(req)
        })
        .await
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        self.inner.provider.get_customer(id).await
    }

    /// Journaled like `create_payment`: one payout per logical call (the idempotency key, else
    /// the merchant reference), across retries, crashes and replicas.
    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let logical = match (&req.idempotency_key, &req.merchant_reference) {
            (Some(k), _) => Logical::Key(k.clone()),
            (None, Some(r)) => Logical::Reference(r.clone()),
            (None, None) => Logical::Generated(IdempotencyKey::generate()),
        };
        let (record, holder) = Recorded::create_payout(&req);
        let call = self.call(Op::CreatePayout, logical, &record, holder, req.is_retry)?;
        let provider = &self.inner.provider;
        self.journaled(call, payout_ended_unpaid, move |key, retry| {
            let mut req = req;
            req.idempotency_key = Some(key);
            req.is_retry = retry;
            provider.create_payout(req)
        })
        .await
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        self.inner.provider.get_payout(id).await
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        self.inner.provider.list_payouts(query).await
    }

    // Not journaled, like the dispute answers below: the call names the resource and moves it
    // to one state, so repeating it changes nothing (a repeat answers the state, or a
    // conflict), and the gateways take no idempotency key for them.
    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        self.inner.provider.cancel_payout(id).await
    }

    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        self.inner.provider.list_disputes(query).await
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        self.inner.provider.get_dispute(id).await
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        self.inner.provider.accept_dispute(id).await
    }

    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        self.inner.provider.submit_dispute_evidence(id, evidence).await
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        self.inner.provider.parse_webhook(headers, raw_body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_keys_are_namespaced_and_bounded() {
        let k = IdempotencyKey::new("abc").unwrap();
        assert_eq!(logical_key_text(Op::CapturePayment, &Logical::Key(k)), "key:abc");
        assert_eq!(
            logical_key_text(Op::CreatePayment, &Logical::Reference("o1".into())),
            "payment_ref:o1"
        );
        assert_eq!(
            logical_key_text(Op::CreateRefund, &Logical::Reference("o1".into())),
            "refund_ref:o1"
        );
        let long = logical_key_text(Op::CreatePayment, &Logical::Reference("x".repeat(5000)));
        assert!(long.starts_with("payment_ref_sha256:") && long.len() < 100, "{long}");
        let nul = logical_key_text(Op::CreatePayment, &Logical::Reference("a\0b".into()));
        assert!(!nul.contains('\0'));
    }

    #[test]
    fn recorded_errors_come_back_as_they_were() {
        let e = Error::new(ErrorKind::Declined, "card declined")
            .with_provider(ProviderId::new("paychtec"))
            .with_http_status(402)
            .with_gateway_code("card_declined")
            .with_decline_code(DeclineCode::CardDeclined);
        let json = serde_json::to_string(&RecordedError::of(&e)).unwrap();
        let back = serde_json::from_str::<RecordedError>(&json).unwrap().to_error();
        assert_eq!(back.kind(), ErrorKind::Declined);
        assert_eq!(back.message(), "card declined");
        assert_eq!(back.provider(), Some(&ProviderId::new("paychtec")));
        assert_eq!(back.http_status(), Some(402));
        assert_eq!(back.gateway_code(), Some("card_declined"));
        assert_eq!(back.decline_code(), Some(&DeclineCode::CardDeclined));
        assert!(!back.is_outcome_unknown());
        for kind in KINDS {
            let json = serde_json::to_string(&RecordedError::of(&Error::new(kind, "x"))).unwrap();
            assert_eq!(
                serde_json::from_str::<RecordedError>(&json).unwrap().to_error().kind(),
                kind
            );
        }
    }
}
