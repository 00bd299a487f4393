//! The webhook inbox: verified events stored raw and deduplicated before the endpoint
//! answers, then handed to the merchant's handler at least once, in order per payment.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use paymux_core::{
    Error, ErrorKind, EventId, EventKind, PaymentProvider, ProviderId, RawJson, Result, Unread,
    WebhookEvent, WebhookFailure, WebhookResource,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::db::{Db, RowExt, Store, db_error, ms, now_ms, to_datetime, with_pool};

/// How an [`Inbox`] hands events out.
///
/// ```
/// use std::time::Duration;
/// let config = paymux_store::InboxConfig::new()
///     .with_owner("worker-1")
///     .with_max_attempts(5)
///     .with_backoff(Duration::from_secs(2), Duration::from_secs(600));
/// assert_eq!(config.max_attempts(), 5);
/// ```
#[derive(Debug, Clone)]
pub struct InboxConfig {
    owner: Option<String>,
    lease: Duration,
    max_attempts: u32,
    backoff_min: Duration,
    backoff_max: Duration,
    batch: u32,
}

impl Default for InboxConfig {
    fn default() -> Self {
        InboxConfig {
            owner: None,
            lease: Duration::from_secs(60),
            max_attempts: 10,
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(3600),
            batch: 64,
        }
    }
}

impl InboxConfig {
    /// The defaults: a random owner, a 60 s lease per handler call, 10 attempts, backoff
    /// from 1 s doubling up to 1 hour, up to 64 events per round.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().max_attempts(), 10);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Names this consumer. With a stable name per replica, [`Inbox::recover`] at start-up
    /// hands back at once the events a previous run of the same name was handling when it
    /// stopped (otherwise they come back when their lease runs out). Two live consumers must
    /// never share a name.
    ///
    /// ```
    /// let config = paymux_store::InboxConfig::new().with_owner("worker-1");
    /// assert_eq!(config.owner(), Some("worker-1"));
    /// ```
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// How long a handler call owns its event; after that, another consumer may take it
    /// (and it is handled twice if the first was only slow). Longer than your slowest handler.
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = paymux_store::InboxConfig::new().with_lease(Duration::from_secs(300));
    /// assert_eq!(config.lease(), Duration::from_secs(300));
    /// ```
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Failed handler calls after which an event is dead-lettered (at least 1).
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().with_max_attempts(0).max_attempts(), 1);
    /// ```
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait after a failure: `min` after the first, doubling each time, at most `max`
    /// (plus up to a fifth more at random, so retries of many events spread out).
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = paymux_store::InboxConfig::new()
    ///     .with_backoff(Duration::from_millis(10), Duration::from_secs(1));
    /// assert_eq!(config.backoff_min(), Duration::from_millis(10));
    /// ```
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff_min = min;
        self.backoff_max = max.max(min);
        self
    }

    /// The most events one [`Inbox::process`] round takes (at least 1). Their handlers run
    /// concurrently; a round holds at most one event per payment.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().with_batch(16).batch(), 16);
    /// ```
    pub fn with_batch(mut self, events: u32) -> Self {
        self.batch = events.max(1);
        self
    }

    /// The owner name, if set.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().owner(), None);
    /// ```
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The handler lease.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().lease().as_secs(), 60);
    /// ```
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The attempts before dead-lettering.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().max_attempts(), 10);
    /// ```
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().backoff_min().as_secs(), 1);
    /// ```
    pub fn backoff_min(&self) -> Duration {
        self.backoff_min
    }

    /// The longest backoff.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().backoff_max().as_secs(), 3600);
    /// ```
    pub fn backoff_max(&self) -> Duration {
        self.backoff_max
    }

    /// The round size.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxConfig::new().batch(), 64);
    /// ```
    pub fn batch(&self) -> u32 {
        self.batch
    }

    /// The wait after the `attempts`-th failure.
    fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        let base = self.backoff_min.saturating_mul(1_u32 << doublings).min(self.backoff_max);
        let jitter_per_mille = u32::try_from(uuid::Uuid::new_v4().as_u128() % 200).unwrap_or(0);
        base + base * jitter_per_mille / 1000
    }
}

/// Where an inbox event stands (the `state` column).
///
/// ```
/// assert_eq!(paymux_store::InboxState::Dead.as_str(), "dead");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboxState {
    /// Waiting for a handler (new, or failed and waiting for its next attempt).
    Pending,
    /// A handler has it, under a lease.
    Processing,
    /// A handler succeeded.
    Done,
    /// It failed [`InboxConfig::max_attempts`] times: listed by [`Inbox::dead_letters`],
    /// handed out again only after [`Inbox::replay`].
    Dead,
}

impl InboxState {
    /// The word stored in the `state` column.
    ///
    /// ```
    /// assert_eq!(paymux_store::InboxState::Pending.as_str(), "pending");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Pending => "pending",
            InboxState::Processing => "processing",
            InboxState::Done => "done",
            InboxState::Dead => "dead",
        }
    }
}

/// What [`Inbox::receive`] did with a delivery.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// # let store = paymux_store::Store::sqlite_in_memory().await?;
/// # store.migrate().await?;
/// # let inbox = paymux_store::Inbox::new(store);
/// # let mock = paymux::MockProvider::new();
/// # let body = br#"{"id":"evt_1","type":"payment_succeeded","created_at":"2025-01-01T12:00:00Z","data":{"type":"other"}}"#;
/// # let headers = mock.sign_webhook(body);
/// let receipt = inbox.receive(&mock, &headers, body).await?;
/// assert!(!receipt.duplicate);
/// let again = inbox.receive(&mock, &headers, body).await?;
/// assert!(again.duplicate); // answer 2xx all the same: the event is stored once
/// assert_eq!(again.require_new().unwrap_err().webhook_failure(), Some(paymux::WebhookFailure::Duplicate));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Receipt {
    /// The event's row in the inbox (its place in the order of receipt).
    pub id: i64,
    /// The instance it is deduplicated under.
    pub instance: ProviderId,
    /// The event id it is deduplicated on (`unparsed:sha256:...` for a body that verified
    /// but did not parse).
    pub event_id: EventId,
    /// `true` when the inbox held this event already (a redelivery): nothing was stored.
    pub duplicate: bool,
    /// `false` when the body verified but could not be read as an event: it is stored raw
    /// all the same, and handed to the handler with `event: None`.
    pub parsed: bool,
}

impl Receipt {
    /// `Ok` for a new event, [`WebhookFailure::Duplicate`] for a redelivery: for endpoints
    /// that treat duplicates as their own case (they should still answer 2xx).
    ///
    /// ```
    /// # fn check(receipt: paymux_store::Receipt) {
    /// match receipt.require_new() {
    ///     Ok(new) => println!("stored as {}", new.id),
    ///     Err(e) => assert_eq!(e.webhook_failure(), Some(paymux_core::WebhookFailure::Duplicate)),
    /// }
    /// # }
    /// ```
    pub fn require_new(self) -> Result<Receipt> {
        if self.duplicate {
            Err(Error::webhook(WebhookFailure::Duplicate).with_provider(self.instance))
        } else {
            Ok(self)
        }
    }
}

/// One stored event, as handed to the handler.
///
/// ```
/// # async fn handle(event: paymux_store::InboxEvent) -> Result<(), String> {
/// match &event.event {
///     Some(parsed) => println!("{} {:?} (attempt {})", parsed.id, parsed.kind, event.attempt),
///     None => println!("unreadable body of {} bytes, kept for inspection", event.body.len()),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct InboxEvent {
    /// The row id: the order of receipt.
    pub id: i64,
    /// The instance that verified it.
    pub instance: ProviderId,
    /// The event id.
    pub event_id: EventId,
    /// What it is ordered by (`payment:<id>`, refunds under their payment), if anything.
    pub resource: Option<String>,
    /// The event as the connector parsed it (`raw` holds the exact body); `None` when the
    /// body verified but could not be parsed.
    pub event: Option<WebhookEvent>,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// Which attempt this is (1 the first time).
    pub attempt: u32,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// The previous attempt's error, if it failed.
    pub last_error: Option<String>,
    /// Where it stands.
    pub state: InboxState,
}

impl fmt::Debug for InboxEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxEvent")
            .field("id", &self.id)
            .field("instance", &self.instance)
            .field("event_id", &self.event_id)
            .field("resource", &self.resource)
            .field("kind", &self.event.as_ref().map(|e| &e.kind))
            .field("body_bytes", &self.body.len())
            .field("attempt", &self.attempt)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl InboxEvent {
    /// The normalized kind, when the body parsed.
    ///
    /// ```
    /// # fn show(event: &paymux_store::InboxEvent) {
    /// if event.kind() == Some(&paymux_core::EventKind::PaymentSucceeded) { /* fulfil */ }
    /// # }
    /// ```
    pub fn kind(&self) -> Option<&EventKind> {
        self.event.as_ref().map(|e| &e.kind)
    }
}

/// What one [`Inbox::process`] round (or a whole [`Inbox::drain`]) did.
///
/// ```
/// let report = paymux_store::ProcessReport::default();
/// assert_eq!(report.handled, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessReport {
    /// Events handed to the handler.
    pub handled: u64,
    /// Of those, the handler succeeded (now done).
    pub succeeded: u64,
    /// Failed and scheduled again.
    pub retrying: u64,
    /// Failed for the last time: dead-lettered.
    pub dead: u64,
}

impl std::ops::AddAssign for ProcessReport {
    fn add_assign(&mut self, other: ProcessReport) {
        self.handled += other.handled;
        self.succeeded += other.succeeded;
        self.retrying += other.retrying;
        self.dead += other.dead;
    }
}

/// How many events are in each state.
///
/// ```
/// let counts = paymux_store::InboxCounts::default();
/// assert_eq!(counts.open(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxCounts {
    /// Waiting.
    pub pending: u64,
    /// Being handled.
    pub processing: u64,
    /// Handled.
    pub done: u64,
    /// Dead-lettered.
    pub dead: u64,
}

impl InboxCounts {
    /// Events not finished yet (pending or processing).
    ///
    /// ```
    /// let mut counts = paymux_store::InboxCounts::default();
    /// (counts.pending, counts.processing) = (2, 1);
    /// assert_eq!(counts.open(), 3);
    /// ```
    pub fn open(&self) -> u64 {
        self.pending + self.processing
    }
}

/// The webhook inbox on a [`Store`]. Cheap to clone.
///
/// - [`receive`](Inbox::receive), in the webhook endpoint: verifies with the provider's
///   `parse_webhook`, stores the raw event deduplicated on (instance, event id), and returns;
///   the endpoint answers 2xx, for a duplicate too. Nothing is handled yet.
/// - [`process`](Inbox::process) (or [`drain`](Inbox::drain)), in a worker loop: hands
///   pending events to your handler **at least once**, in order of receipt per payment (a
///   payment's next event waits until the previous one is done or dead), marks one done only
///   when the handler succeeded, retries failures with backoff, and dead-letters an event
///   after [`InboxConfig::max_attempts`] failures. Consumers on several replicas share one
///   PostgreSQL inbox: each event goes to one of them (row locks with `SKIP LOCKED` and a
///   lease).
///
/// "Seen" is not "done": a delivery is deduplicated as soon as it is stored, but the event
/// is handed out until a handler succeeds. Make handlers idempotent (an event may come twice
/// if a consumer stops after its handler succeeded and before the inbox recorded it).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// use paymux_store::{Inbox, Store};
/// let store = Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let inbox = Inbox::new(store);
///
/// // In the webhook endpoint (the mock signs its own test events):
/// let mock = paymux::MockProvider::new();
/// let body = br#"{"id":"evt_1","type":"payment_succeeded","created_at":"2025-01-01T12:00:00Z","data":{"type":"other"}}"#;
/// let receipt = inbox.receive(&mock, &mock.sign_webhook(body), body).await?;
/// assert!(!receipt.duplicate); // answer 200 now
///
/// // In a worker:
/// let report = inbox
///     .drain(|event| async move {
///         println!("handling {}", event.event_id);
///         Ok::<(), String>(())
///     })
///     .await?;
/// assert_eq!(report.succeeded, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Inbox {
    inner: Arc<InboxInner>,
}

struct InboxInner {
    db: Db,
    config: InboxConfig,
    owner: String,
    live: Mutex<HashSet<i64>>,
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("owner", &self.inner.owner)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// The event without its raw body (stored once, in `body`).
#[derive(Serialize)]
struct StoredEvent<'a> {
    id: &'a EventId,
    provider: &'a ProviderId,
    kind: &'a EventKind,
    #[serde(with = "time::serde::rfc3339::option")]
    occurred_at: Option<OffsetDateTime>,
    resource: &'a WebhookResource,
    unread: &'a [Unread],
}

/// The ordering key of an event: its payment (a refund's events count under its payment).
fn resource_key(event: &WebhookEvent) -> Option<String> {
    match &event.resource {
        WebhookResource::Payment(p) => Some(format!("payment:{}", p.id)),
        WebhookResource::Refund(r) => Some(format!("payment:{}", r.payment_id)),
        _ => None,
    }
}

fn unparsed_event_id(body: &[u8]) -> EventId {
    EventId::new(format!("unparsed:sha256:{}", hex::encode(Sha256::digest(body))))
}

/// Handler errors are kept to this many bytes.
const MAX_ERROR: usize = 2000;

fn clip(mut text: String) -> String {
    if text.len() > MAX_ERROR {
        let mut cut = MAX_ERROR;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

const EVENT_COLUMNS: &str =
    "id, instance, event_id, resource, event, body, attempts, received_at, last_error, state";

fn read_event(r: &impl RowExt) -> Result<InboxEvent> {
    let body = r.bytes("body")?;
    let event = match r.opt_text("event")? {
        Some(json) => {
            let mut value: serde_json::Value = serde_json::from_str(&json).map_err(|e| {
                Error::invalid_response(format!("paymux-store: a stored event is unreadable: {e}"))
            })?;
            if let Some(map) = value.as_object_mut() {
                map.insert("raw".to_owned(), serde_json::Value::Null);
            }
            let mut event: WebhookEvent = serde_json::from_value(value).map_err(|e| {
                Error::invalid_response(format!("paymux-store: a stored event is unreadable: {e}"))
            })?;
            event.raw = RawJson::from_bytes(&body)
                .unwrap_or_else(|| RawJson::new(String::from_utf8_lossy(&body).into_owned()));
            Some(event)
        }
        None => None,
    };
    let state = match r.text("state")?.as_str() {
        "pending" => InboxState::Pending,
        "processing" => InboxState::Processing,
        "done" => InboxState::Done,
        _ => InboxState::Dead,
    };
    Ok(InboxEvent {
        id: r.int("id")?,
        instance: ProviderId::new(r.text("instance")?),
        event_id: EventId::new(r.text("event_id")?),
        resource: r.opt_text("resource")?,
        event,
        body,
        attempt: u32::try_from(r.int("attempts")?).unwrap_or(u32::MAX),
        received_at: to_datetime(r.int("received_at")?),
        last_error: r.opt_text("last_error")?,
        state,
    })
}

/// One handler outcome to record.
struct Outcome {
    id: i64,
    state: InboxState,
    next_attempt_at: i64,
    error: Option<String>,
    finished_at: Option<i64>,
}

impl Inbox {
    /// An inbox on `store` (migrated) with the default [`InboxConfig`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// # let _ = inbox;
    /// # Ok(()) }
    /// ```
    pub fn new(store: Store) -> Inbox {
        Self::with_config(store, InboxConfig::default())
    }

    /// An inbox with `config`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// use paymux_store::{Inbox, InboxConfig, Store};
    /// let store = Store::sqlite_in_memory().await?;
    /// let inbox = Inbox::with_config(store, InboxConfig::new().with_owner("worker-1"));
    /// assert_eq!(inbox.owner(), "worker-1");
    /// # Ok(()) }
    /// ```
    pub fn with_config(store: Store, config: InboxConfig) -> Inbox {
        let owner = config
            .owner
            .clone()
            .unwrap_or_else(|| format!("paymux-{}", uuid::Uuid::new_v4().hyphenated()));
        Inbox {
            inner: Arc::new(InboxInner { db: store.db, config, owner, live: Mutex::default() }),
        }
    }

    /// The consumer name this inbox claims events under.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// assert!(inbox.owner().starts_with("paymux-"));
    /// # Ok(()) }
    /// ```
    pub fn owner(&self) -> &str {
        &self.inner.owner
    }

    /// Verifies a delivery with `provider.parse_webhook` over the raw bytes, then stores it,
    /// deduplicated on (instance, event id), and returns: answer 2xx when it returns `Ok`
    /// (a duplicate too), and the error's status otherwise (a signature that does not
    /// verify is [`WebhookSignature`](paymux_core::ErrorKind::WebhookSignature); a database
    /// that does not answer, `ProviderUnavailable`, so the gateway delivers again later).
    ///
    /// A body whose signature checks out is never refused: what the connector could not read
    /// is in the event's `unread` notes, and a body that is not JSON at all
    /// ([`ErrorKind::WebhookNotJson`](paymux_core::ErrorKind::WebhookNotJson)) is stored raw
    /// under an id derived from its bytes, with `event: None`, for the handler or an operator
    /// to look at.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// let mock = paymux::MockProvider::new();
    /// let body = b"{ not an event";
    /// let receipt = inbox.receive(&mock, &mock.sign_webhook(body), body).await?;
    /// assert!(!receipt.parsed); // verified, unreadable, kept
    /// let forged = inbox.receive(&mock, &paymux::http::HeaderMap::new(), body).await;
    /// assert!(forged.is_err()); // no signature: refused, nothing stored
    /// # Ok(()) }
    /// ```
    pub async fn receive<P: PaymentProvider + ?Sized>(
        &self,
        provider: &P,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<Receipt> {
        let result = self.store_delivery(provider, headers, raw_body).await;
        let outcome = match &result {
            Ok(r) if r.duplicate => "duplicate",
            Ok(r) if !r.parsed => "not_json",
            Ok(_) => "stored",
            Err(e) if e.kind() == ErrorKind::WebhookSignature => "rejected",
            // The database, or a connector that cannot verify (no secret configured).
            Err(_) => "error",
        };
        let instance = match &result {
            Ok(receipt) => receipt.instance.as_str(),
            Err(_) => provider.id().as_str(),
        };
        metrics::counter!(
            paymux_core::observability::WEBHOOKS_RECEIVED,
            "instance" => instance.to_owned(),
            "outcome" => outcome,
        )
        .increment(1);
        result
    }

    /// [`receive`](Inbox::receive) without its metric.
    async fn store_delivery<P: PaymentProvider + ?Sized>(
        &self,
        provider: &P,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<Receipt> {
        let parsed = match provider.parse_webhook(headers, raw_body) {
            Ok(event) => Some(event),
            Err(e) if e.kind() == ErrorKind::WebhookNotJson => None,
            Err(e) => return Err(e),
        };
        let (instance, event_id, resource, kind, event_json) = match &parsed {
            Some(event) => {
                let stored = StoredEvent {
                    id: &event.id,
                    provider: &event.provider,
                    kind: &event.kind,
                    occurred_at: event.occurred_at,
                    resource: &event.resource,
                    unread: &event.unread,
                };
                let json = serde_json::to_string(&stored).map_err(|e| {
                    Error::invalid_response(format!("paymux-store: cannot store the event: {e}"))
                })?;
                (
                    event.provider.clone(),
                    event.id.clone(),
                    resource_key(event),
                    Some(event.kind.as_str().to_owned()),
                    Some(json),
                )
            }
            None => (provider.id().clone(), unparsed_event_id(raw_body), None, None, None),
        };
        let now = now_ms();
        let inserted: Option<i64> = with_pool!(&self.inner.db, pool => sqlx::query_scalar(
            "INSERT INTO paymux_inbox (instance, event_id, resource, kind, event, body, state, \
             attempts, next_attempt_at, lease_until, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, 0, $7) \
             ON CONFLICT (instance, event_id) DO NOTHING RETURNING id",
        )
        .bind(instance.as_str())
        .bind(event_id.as_str())
        .bind(resource.as_deref())
        .bind(kind.as_deref())
        .bind(event_json.as_deref())
        .bind(raw_body)
        .bind(now)
        .fetch_optional(pool)
        .await)
        .map_err(|e| db_error("storing a webhook event", e))?;
        let (id, duplicate) = match inserted {
            Some(id) => (id, false),
            None => {
                let id: i64 = with_pool!(&self.inner.db, pool => sqlx::query_scalar(
                    "SELECT id FROM paymux_inbox WHERE instance = $1 AND event_id = $2",
                )
                .bind(instance.as_str())
                .bind(event_id.as_str())
                .fetch_optional(pool)
                .await)
                .map_err(|e| db_error("reading the inbox", e))?
                .unwrap_or_default();
                (id, true)
            }
        };
        Ok(Receipt { id, instance, event_id, duplicate, parsed: parsed.is_some() })
    }

    /// One round: claims up to [`InboxConfig::batch`] events that are due (at most one per
    /// payment, and only when every earlier event of that payment is done or dead), runs
    /// `handler` on them concurrently, and records each outcome: done on `Ok`; on `Err`,
    /// pending again after a backoff, or dead after the last attempt. The error's text is
    /// kept in `last_error` (keep secrets out of it).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// let report = inbox.process(|_event| async { Ok::<(), String>(()) }).await?;
    /// assert_eq!(report.handled, 0); // nothing was due
    /// # Ok(()) }
    /// ```
    pub async fn process<H, Fut, E>(&self, handler: H) -> Result<ProcessReport>
    where
        H: Fn(InboxEvent) -> Fut,
        Fut: Future<Output = std::result::Result<(), E>>,
        E: fmt::Display,
    {
        let claimed = self.claim().await?;
        if claimed.is_empty() {
            return Ok(ProcessReport::default());
        }
        let ids: Vec<i64> = claimed.iter().map(|e| e.id).collect();
        self.inner.live.lock().unwrap_or_else(PoisonError::into_inner).extend(ids.iter().copied());
        let handler = &handler;
        let results = futures_util::future::join_all(claimed.into_iter().map(|event| async move {
            let (id, attempt, event_id) = (event.id, event.attempt, event.event_id.clone());
            let (instance, received_at) = (event.instance.clone(), event.received_at);
            let result = handler(event).await.map_err(|e| clip(e.to_string()));
            match &result {
                Err(e) => {
                    tracing::warn!(inbox_id = id, event = %event_id, attempt, error = %e, "webhook handler failed");
                }
                Ok(()) => {
                    // From receipt to success: what a merchant waits for an event to take
                    // effect, retries and backoff included.
                    let lag = OffsetDateTime::now_utc() - received_at;
                    metrics::histogram!(
                        paymux_core::observability::WEBHOOK_PROCESSING_LAG,
                        "instance" => instance.into_inner(),
                    )
                    .record(Duration::try_from(lag).unwrap_or(Duration::ZERO));
                }
            }
            (id, attempt, result)
        }))
        .await;
        let now = now_ms();
        let config = &self.inner.config;
        let mut report = ProcessReport::default();
        let outcomes: Vec<Outcome> = results
            .into_iter()
            .map(|(id, attempt, result)| {
                report.handled += 1;
                match result {
                    Ok(()) => {
                        report.succeeded += 1;
                        Outcome {
                            id,
                            state: InboxState::Done,
                            next_attempt_at: now,
                            error: None,
                            finished_at: Some(now),
                        }
                    }
                    Err(e) if attempt >= config.max_attempts => {
                        report.dead += 1;
                        Outcome {
                            id,
                            state: InboxState::Dead,
                            next_attempt_at: now,
                            error: Some(e),
                            finished_at: Some(now),
                        }
                    }
                    Err(e) => {
                        report.retrying += 1;
                        let next = now.saturating_add(ms(config.backoff(attempt)));
                        Outcome {
                            id,
                            state: InboxState::Pending,
                            next_attempt_at: next,
                            error: Some(e),
                            finished_at: None,
                        }
                    }
                }
            })
            .collect();
        let recorded = self.record(&outcomes).await;
        let mut live = self.inner.live.lock().unwrap_or_else(PoisonError::into_inner);
        for id in &ids {
            live.remove(id);
        }
        drop(live);
        recorded?;
        Ok(report)
    }

    /// Runs [`process`](Inbox::process) rounds until none finds a due event; returns the
    /// sum. A worker calls it in a loop with a pause between calls:
    ///
    /// ```no_run
    /// # async fn worker(inbox: paymux_store::Inbox) -> paymux_core::Result<()> {
    /// loop {
    ///     inbox.drain(|event| async move { handle(event).await }).await?;
    ///     tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    /// }
    /// # }
    /// # async fn handle(_: paymux_store::InboxEvent) -> Result<(), String> { Ok(()) }
    /// ```
    pub async fn drain<H, Fut, E>(&self, handler: H) -> Result<ProcessReport>
    where
        H: Fn(InboxEvent) -> Fut,
        Fut: Future<Output = std::result::Result<(), E>>,
        E: fmt::Display,
    {
        let mut total = ProcessReport::default();
        loop {
            let round = self.process(&handler).await?;
            if round.handled == 0 {
                return Ok(total);
            }
            total += round;
        }
    }

    async fn claim(&self) -> Result<Vec<InboxEvent>> {
        let now = now_ms();
        let lease_until = now.saturating_add(ms(self.inner.config.lease));
        let batch = i64::from(self.inner.config.batch);
        let owner = self.inner.owner.as_str();
        let events = match &self.inner.db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(pool) => {
                let sql = format!(
                    "UPDATE paymux_inbox SET state = 'processing', lease_owner = $3, \
                     lease_until = $4, attempts = attempts + 1 \
                     WHERE id IN (SELECT e.id FROM paymux_inbox e WHERE {READY} \
                                  ORDER BY e.id LIMIT $2) \
                     RETURNING {EVENT_COLUMNS}"
                );
                let rows = sqlx::query(&sql)
                    .bind(now)
                    .bind(batch)
                    .bind(owner)
                    .bind(lease_until)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| db_error("claiming inbox events", e))?;
                rows.iter().map(read_event).collect::<Result<Vec<_>>>()?
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(pool) => {
                let sql = format!(
                    "WITH ready AS MATERIALIZED (SELECT e.id FROM paymux_inbox e WHERE {READY} \
                                    ORDER BY e.id LIMIT $2 FOR UPDATE OF e SKIP LOCKED) \
                     UPDATE paymux_inbox AS i SET state = 'processing', lease_owner = $3, \
                     lease_until = $4, attempts = i.attempts + 1 \
                     FROM ready WHERE i.id = ready.id \
                     RETURNING i.id, i.instance, i.event_id, i.resource, i.event, i.body, \
                               i.attempts, i.received_at, i.last_error, i.state"
                );
                let rows = sqlx::query(&sql)
                    .bind(now)
                    .bind(batch)
                    .bind(owner)
                    .bind(lease_until)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| db_error("claiming inbox events", e))?;
                rows.iter().map(read_event).collect::<Result<Vec<_>>>()?
            }
        };
        let mut events = events;
        events.sort_by_key(|e| e.id);
        Ok(events)
    }

    async fn record(&self, outcomes: &[Outcome]) -> Result<()> {
        let owner = self.inner.owner.as_str();
        let fail = |e| db_error("recording handler outcomes", e);
        match &self.inner.db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(pool) => {
                let mut tx = pool.begin().await.map_err(fail)?;
                for o in outcomes {
                    sqlx::query(
                        "UPDATE paymux_inbox SET state = $1, next_attempt_at = $2, \
                         last_error = COALESCE($3, last_error), finished_at = $4, \
                         lease_owner = NULL, lease_until = 0 \
                         WHERE id = $5 AND state = 'processing' AND lease_owner = $6",
                    )
                    .bind(o.state.as_str())
                    .bind(o.next_attempt_at)
                    .bind(o.error.as_deref())
                    .bind(o.finished_at)
                    .bind(o.id)
                    .bind(owner)
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
                }
                tx.commit().await.map_err(fail)?;
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(pool) => {
                sqlx::query(
                    "UPDATE paymux_inbox AS i SET state = u.state, next_attempt_at = u.next_at, \
                     last_error = COALESCE(u.err, i.last_error), finished_at = u.finished, \
                     lease_owner = NULL, lease_until = 0 \
                     FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) \
                          AS u(id, state, next_at, err, finished) \
                     WHERE i.id = u.id AND i.state = 'processing' AND i.lease_owner = $6",
                )
                .bind(outcomes.iter().map(|o| o.id).collect::<Vec<_>>())
                .bind(outcomes.iter().map(|o| o.state.as_str()).collect::<Vec<_>>())
                .bind(outcomes.iter().map(|o| o.next_attempt_at).collect::<Vec<_>>())
                .bind(outcomes.iter().map(|o| o.error.as_deref()).collect::<Vec<_>>())
                .bind(outcomes.iter().map(|o| o.finished_at).collect::<Vec<_>>())
                .bind(owner)
                .execute(pool)
                .await
                .map_err(fail)?;
            }
        }
        Ok(())
    }

    /// Hands back at once the events this owner name was handling when a previous run of it
    /// stopped (events of other consumers come back when their lease runs out). Call it at
    /// start-up with a stable [`InboxConfig::with_owner`] name; events this inbox is handling
    /// right now are left alone. Returns how many came back.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// use paymux_store::{Inbox, InboxConfig};
    /// let inbox = Inbox::with_config(store, InboxConfig::new().with_owner("worker-1"));
    /// assert_eq!(inbox.recover().await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn recover(&self) -> Result<u64> {
        let owner = self.inner.owner.as_str();
        let ids: Vec<i64> = with_pool!(&self.inner.db, pool => sqlx::query_scalar(
            "SELECT id FROM paymux_inbox WHERE state = 'processing' AND lease_owner = $1",
        )
        .bind(owner)
        .fetch_all(pool)
        .await)
        .map_err(|e| db_error("reading the inbox", e))?;
        let live = self.inner.live.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut back = 0;
        for id in ids.into_iter().filter(|id| !live.contains(id)) {
            back += with_pool!(&self.inner.db, pool => sqlx::query(
                "UPDATE paymux_inbox SET state = 'pending', lease_owner = NULL, lease_until = 0, \
                 next_attempt_at = $1 WHERE id = $2 AND state = 'processing' AND lease_owner = $3",
            )
            .bind(now_ms())
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| db_error("recovering inbox events", e))?;
        }
        Ok(back)
    }

    /// Dead-lettered events, oldest first, at most `limit`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// for dead in inbox.dead_letters(100).await? {
    ///     println!("{} failed {} times: {:?}", dead.event_id, dead.attempt, dead.last_error);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<InboxEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM paymux_inbox WHERE state = 'dead' ORDER BY id LIMIT $1"
        );
        let events = with_pool!(&self.inner.db, pool => {
            let rows = sqlx::query(&sql)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(|e| db_error("reading dead letters", e))?;
            rows.iter().map(read_event).collect::<Result<Vec<_>>>()?
        });
        Ok(events)
    }

    /// Puts a dead-lettered event back in line with its attempts reset, after the cause is
    /// fixed. Returns `false` when `id` is not dead.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// for dead in inbox.dead_letters(100).await? {
    ///     inbox.replay(dead.id).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn replay(&self, id: i64) -> Result<bool> {
        let n = with_pool!(&self.inner.db, pool => sqlx::query(
            "UPDATE paymux_inbox SET state = 'pending', attempts = 0, next_attempt_at = $1, \
             finished_at = NULL, lease_owner = NULL, lease_until = 0 \
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(now_ms())
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| db_error("replaying a dead letter", e))?;
        Ok(n == 1)
    }

    /// One stored event by row id (any state).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// assert!(inbox.event(42).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn event(&self, id: i64) -> Result<Option<InboxEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM paymux_inbox WHERE id = $1");
        let event = with_pool!(&self.inner.db, pool => {
            let row = sqlx::query(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(|e| db_error("reading the inbox", e))?;
            row.as_ref().map(read_event).transpose()?
        });
        Ok(event)
    }

    /// How many events are in each state, also published as the gauge `paymux_inbox_depth`
    /// (label `state`; see the metrics table of paymux-core's docs): call it on a timer in
    /// the worker to keep the gauge current. One `GROUP BY` over the inbox, so not on every
    /// round of a busy worker.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// assert_eq!(inbox.counts().await?.open(), 0);
    /// # Ok(()) }
    /// ```
    pub async fn counts(&self) -> Result<InboxCounts> {
        let rows: Vec<(String, i64)> = with_pool!(&self.inner.db, pool => sqlx::query_as(
            "SELECT state, COUNT(*) FROM paymux_inbox GROUP BY state",
        )
        .fetch_all(pool)
        .await)
        .map_err(|e| db_error("counting inbox events", e))?;
        let mut counts = InboxCounts::default();
        for (state, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            match state.as_str() {
                "pending" => counts.pending = n,
                "processing" => counts.processing = n,
                "done" => counts.done = n,
                _ => counts.dead += n,
            }
        }
        for (state, n) in [
            (InboxState::Pending, counts.pending),
            (InboxState::Processing, counts.processing),
            (InboxState::Done, counts.done),
            (InboxState::Dead, counts.dead),
        ] {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            metrics::gauge!(paymux_core::observability::INBOX_DEPTH, "state" => state.as_str())
                .set(n);
        }
        Ok(counts)
    }

    /// Deletes events finished (done or dead) more than `older_than` ago. Pending events are
    /// never pruned. A redelivery after its event was pruned is stored and handled again, so
    /// keep events longer than gateways redeliver (three days for most).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let inbox = paymux_store::Inbox::new(store);
    /// assert_eq!(inbox.prune(paymux_store::DEFAULT_RETENTION).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, older_than: Duration) -> Result<u64> {
        prune_inbox(&self.inner.db, crate::db::cutoff_ms(older_than)).await
    }
}

/// An event is due: pending and its time has come, or processing under a lease that ran out;
/// and no earlier event of the same payment is still open.
const READY: &str = "e.state IN ('pending', 'processing') \
     AND ((e.state = 'pending' AND e.next_attempt_at <= $1) \
       OR (e.state = 'processing' AND e.lease_until <= $1)) \
     AND NOT EXISTS (SELECT 1 FROM paymux_inbox p \
                     WHERE p.instance = e.instance AND p.resource = e.resource \
                       AND p.id < e.id AND p.state IN ('pending', 'processing'))";

/// Deletes finished events older than `cutoff`.
pub(crate) async fn prune_inbox(db: &Db, cutoff: i64) -> Result<u64> {
    let n = with_pool!(db, pool => sqlx::query(
        "DELETE FROM paymux_inbox WHERE state IN ('done', 'dead') AND finished_at < $1",
    )
    .bind(cutoff)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| db_error("pruning the inbox", e))?;
    Ok(n)
}
