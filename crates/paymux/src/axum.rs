//! Webhook endpoints for [axum](https://docs.rs/axum) (feature `axum`): verified events into a
//! durable [`paymux_store::Inbox`], then into your handler.
//!
//! A gateway's webhook wants an answer within seconds, and an answer that tells it the truth:
//! 2xx once the event is safe (it stops delivering), anything else when it should try again.
//! So the endpoint does no business work. It verifies the signature over the raw bytes, stores
//! the event (deduplicated on instance and event id) and answers; an [`InboxWorker`] hands the
//! stored events to your async handler afterwards, at least once, in order per payment, with
//! retries and dead-lettering (see [`Inbox`]).
//!
//! - [`WebhookRoute`]: a ready `POST` route, one per provider instance, or one for every
//!   instance of a [`Router`](crate::Router) under a path that captures `{instance}`.
//! - [`InboxWorker`]: the loop around the inbox that calls your handler, until a shutdown
//!   signal.
//! - [`VerifiedWebhook`]: an extractor for those who write their own handler (no inbox): it
//!   reads the body, verifies it with a provider from the app state and gives the event.
//!
//! What the ready route answers:
//!
//! | the delivery | answer | the gateway |
//! |---|---|---|
//! | verified and stored (also a body that verified but is not JSON, stored raw) | `200`, empty | stops delivering it |
//! | a redelivery of a stored event | `200`, empty; nothing stored, the handler is not called again | stops delivering it |
//! | signature missing, malformed, stale or wrong | `400` `invalid webhook` (the reason goes to the log only: an attacker learns nothing from the answer) | gives up or retries; nothing stored |
//! | body larger than the limit ([`DEFAULT_MAX_BODY`](crate::webhook::DEFAULT_MAX_BODY) unless [`WebhookRoute::with_body_limit`]) | `413` | nothing stored |
//! | a router instance that does not exist | `404` | |
//! | the store does not answer | `503` `try again later` | delivers again later: nothing is lost |
//! | the instance cannot verify webhooks (no webhook secret, a gateway without webhooks) | `500`, logged at ERROR | delivers again once fixed |
//!
//! The table is [`status_for`], public for handlers of your own.
//!
//! In an application (with `paymux-store` among its dependencies):
//!
//! ```no_run
//! use std::sync::Arc;
//! use paymux::axum::{InboxWorker, WebhookRoute};
//! use paymux_store::{Inbox, InboxEvent, Store};
//!
//! async fn fulfil(event: InboxEvent) -> Result<(), String> {
//!     if let Some(e) = &event.event {
//!         println!("{} {} from {}", e.id, e.kind, e.provider);
//!     }
//!     Ok(()) // an Err is retried with backoff, then dead-lettered
//! }
//!
//! # async fn run(router: paymux::Router) -> Result<(), Box<dyn std::error::Error>> {
//! let router = Arc::new(router);                  // e.g. Router::from_file(...)
//! let store = Store::connect("sqlite:payments.db").await?;
//! store.migrate().await?;
//! let inbox = Inbox::new(store);
//!
//! let worker = InboxWorker::new(inbox.clone());
//! let webhooks = WebhookRoute::for_router(router.clone(), inbox).waking(&worker);
//! let app: axum::Router = axum::Router::new()
//!     .route("/webhooks/{instance}", webhooks.into_route());  // one URL per instance
//!
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let worker = tokio::spawn(async move {
//!     worker.run(fulfil, async { let _ = stopped.await; }).await
//! });
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
//! axum::serve(listener, app).await?;
//! let _ = stop.send(());                          // the worker finishes its round, then stops
//! let report = worker.await?;
//! println!("{} events handled", report.handled);
//! # Ok(()) }
//! ```
//!
//! A single gateway without a router: `WebhookRoute::new(provider, inbox)` at a path of your
//! choice (`/webhooks/paychtec`), one route per instance.

#[cfg(feature = "router")]
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ::axum::body::Bytes;
use ::axum::extract::{FromRef, FromRequest, Request};
#[cfg(feature = "router")]
use ::axum::extract::{FromRequestParts, Path};
use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use futures_util::{FutureExt, StreamExt};
use paymux_core::{
    Error, ErrorKind, PaymentProvider, Result, WebhookEvent, WebhookFailure, webhook,
};
use paymux_store::{Inbox, InboxEvent, ProcessReport, Receipt};
use tokio::sync::Notify;

/// The answer to a delivery that failed verification: the same few words whatever the
/// reason, so that a forger cannot tell a missing header from a wrong secret.
const INVALID: &str = "invalid webhook";
/// The answer when the event could not be stored: the gateway should deliver it again.
const RETRY: &str = "try again later";

/// The HTTP status a webhook endpoint answers for an error of verification or storage.
///
/// - a duplicate ([`WebhookFailure::Duplicate`]): `200`, the event is already safe;
/// - a body over the limit: `413`;
/// - any other signature failure, or a body that verified but is not JSON: `400`;
/// - an instance that does not exist: `404`;
/// - the store (or anything else) unavailable, timing out or unreachable: `503`, so the
///   gateway delivers again;
/// - anything else (a misconfigured instance): `500`, also delivered again.
///
/// ```
/// use paymux::axum::status_for;
/// use paymux::{Error, ErrorKind, WebhookFailure, http::StatusCode};
/// assert_eq!(status_for(&Error::webhook(WebhookFailure::Mismatch)), StatusCode::BAD_REQUEST);
/// assert_eq!(status_for(&Error::webhook(WebhookFailure::Duplicate)), StatusCode::OK);
/// assert_eq!(status_for(&Error::new(ErrorKind::ProviderUnavailable, "db down")), StatusCode::SERVICE_UNAVAILABLE);
/// ```
pub fn status_for(error: &Error) -> StatusCode {
    match (error.kind(), error.webhook_failure()) {
        (ErrorKind::WebhookSignature, Some(WebhookFailure::Duplicate)) => StatusCode::OK,
        (ErrorKind::WebhookSignature, Some(WebhookFailure::BodyTooLarge)) => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        (ErrorKind::WebhookSignature | ErrorKind::WebhookNotJson, _) => StatusCode::BAD_REQUEST,
        (ErrorKind::NotFound, _) => StatusCode::NOT_FOUND,
        (
            ErrorKind::ProviderUnavailable
            | ErrorKind::Timeout
            | ErrorKind::Transport
            | ErrorKind::RateLimited,
            _,
        ) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The response for `error`: [`status_for`] and a body of a few fixed words, never the
/// error's message (which names the failed check).
fn error_response(error: &Error) -> Response {
    let status = status_for(error);
    let body = match status {
        StatusCode::OK => "",
        s if s.is_server_error() => RETRY,
        StatusCode::NOT_FOUND => "not found",
        StatusCode::PAYLOAD_TOO_LARGE => "payload too large",
        _ => INVALID,
    };
    (status, body).into_response()
}

/// Logs a refused or failed delivery at the level its cause deserves. The error's message
/// names the failed check (never a secret or a signature), for the operator.
fn log_failure(instance: &str, error: &Error) {
    let status = status_for(error).as_u16();
    match status {
        500 => tracing::error!(instance, status, error = %error, "webhook endpoint misconfigured"),
        s if s >= 500 => {
            tracing::warn!(instance, status, error = %error, "webhook not stored; the gateway will redeliver")
        }
        _ => tracing::warn!(instance, status, error = %error, "webhook refused"),
    }
}

/// Reads the whole body, refusing more than `limit` bytes with
/// [`WebhookFailure::BodyTooLarge`]: at once when the declared length is over, otherwise as
/// soon as the bytes received are, so an endless body is never buffered.
async fn read_body(headers: &HeaderMap, body: ::axum::body::Body, limit: usize) -> Result<Bytes> {
    let declared = headers
        .get(::axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(Error::webhook(WebhookFailure::BodyTooLarge));
    }
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| Error::invalid_request(format!("reading the webhook body: {e}")))?;
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(Error::webhook(WebhookFailure::BodyTooLarge));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// Where a route finds the connector that verifies a delivery.
#[derive(Clone)]
enum Source {
    /// One instance: every delivery to the route is verified by it.
    Provider(Arc<dyn PaymentProvider>),
    /// Every instance of a router: the path's `{instance}` names the one that verifies.
    #[cfg(feature = "router")]
    Router(Arc<crate::Router>),
}

/// A ready webhook route: verifies each delivery with its instance's connector, stores it in
/// an [`Inbox`] and answers the gateway (the table in the [module docs](self)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux::Result<()> {
/// use std::sync::Arc;
/// use paymux::PaymentProvider;
/// use paymux::axum::WebhookRoute;
///
/// let store = paymux_store::Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let inbox = paymux_store::Inbox::new(store);
/// let gateway: Arc<dyn PaymentProvider> = Arc::new(paymux::MockProvider::new());
/// let app: axum::Router = axum::Router::new().route(
///     "/webhooks/mock",
///     WebhookRoute::new(gateway, inbox).with_body_limit(64 * 1024).into_route(),
/// );
/// # let _ = app;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebhookRoute {
    source: Source,
    inbox: Inbox,
    body_limit: usize,
    wake: Option<Arc<Notify>>,
}

impl fmt::Debug for WebhookRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Provider(p) => p.id().to_string(),
            #[cfg(feature = "router")]
            Source::Router(_) => "router instances".to_owned(),
        };
        f.debug_struct("WebhookRoute")
            .field("source", &source)
            .field("body_limit", &self.body_limit)
            .field("wakes_worker", &self.wake.is_some())
            .finish_non_exhaustive()
    }
}

impl WebhookRoute {
    /// The route for one provider instance (a connector, a mock); mount it at a path of its
    /// own. Events carry the ids that provider gives.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// let route = paymux::axum::WebhookRoute::new(std::sync::Arc::new(paymux::MockProvider::new()), inbox);
    /// assert_eq!(route.body_limit(), paymux::webhook::DEFAULT_MAX_BODY);
    /// # Ok(()) }
    /// ```
    pub fn new(provider: Arc<dyn PaymentProvider>, inbox: Inbox) -> Self {
        WebhookRoute {
            source: Source::Provider(provider),
            inbox,
            body_limit: webhook::DEFAULT_MAX_BODY,
            wake: None,
        }
    }

    /// One route for every instance of `router`: mount it at a path that captures
    /// `{instance}` (`/webhooks/{instance}`) and give each gateway its instance's URL. The
    /// instance verifies, and events carry routed ids (`paychtec_eu:pay_123`), the ids the
    /// router's payments carry. An instance the router does not have is answered `404`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// use std::sync::Arc;
    /// let router = paymux::Router::builder()
    ///     .instance("mock_us", Arc::new(paymux::MockProvider::new()))
    ///     .default_instance("mock_us")
    ///     .build()?;
    /// let route = paymux::axum::WebhookRoute::for_router(Arc::new(router), inbox);
    /// let app: axum::Router = axum::Router::new().route("/webhooks/{instance}", route.into_route());
    /// # let _ = app;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "router")]
    pub fn for_router(router: Arc<crate::Router>, inbox: Inbox) -> Self {
        WebhookRoute {
            source: Source::Router(router),
            inbox,
            body_limit: webhook::DEFAULT_MAX_BODY,
            wake: None,
        }
    }

    /// The largest body accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY`](crate::webhook::DEFAULT_MAX_BODY), 1 MiB); a larger one is
    /// refused with `413` before it is buffered.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// let route = paymux::axum::WebhookRoute::new(std::sync::Arc::new(paymux::MockProvider::new()), inbox)
    ///     .with_body_limit(256 * 1024);
    /// assert_eq!(route.body_limit(), 256 * 1024);
    /// # Ok(()) }
    /// ```
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Wakes `worker` as soon as a new event is stored, so it is handled at once rather than
    /// at the worker's next poll.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// use paymux::axum::{InboxWorker, WebhookRoute};
    /// let worker = InboxWorker::new(inbox.clone());
    /// let route = WebhookRoute::new(std::sync::Arc::new(paymux::MockProvider::new()), inbox).waking(&worker);
    /// # let _ = route;
    /// # Ok(()) }
    /// ```
    pub fn waking(mut self, worker: &InboxWorker) -> Self {
        self.wake = Some(worker.wake.clone());
        self
    }

    /// The body limit in bytes.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// let route = paymux::axum::WebhookRoute::new(std::sync::Arc::new(paymux::MockProvider::new()), inbox);
    /// assert_eq!(route.body_limit(), 1024 * 1024);
    /// # Ok(()) }
    /// ```
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The `POST` route, for `axum::Router::route` (any router state).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// #[derive(Clone)]
    /// struct AppState { shop: &'static str }
    /// let route = paymux::axum::WebhookRoute::new(std::sync::Arc::new(paymux::MockProvider::new()), inbox);
    /// let app = axum::Router::new()
    ///     .route("/webhooks/mock", route.into_route())
    ///     .with_state(AppState { shop: "demo" });
    /// # let _: axum::Router = app;
    /// # Ok(()) }
    /// ```
    pub fn into_route<S>(self) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let route = Arc::new(self);
        post(move |req: Request| {
            let route = route.clone();
            async move { route.handle(req).await }
        })
    }

    /// Reads, verifies, stores, answers.
    async fn handle(&self, req: Request) -> Response {
        #[cfg_attr(not(feature = "router"), allow(unused_mut))] // the path is read for routers
        let (mut parts, body) = req.into_parts();
        let (provider, instance) = match &self.source {
            Source::Provider(p) => (p.clone(), p.id().to_string()),
            #[cfg(feature = "router")]
            Source::Router(router) => {
                let params = Path::<HashMap<String, String>>::from_request_parts(&mut parts, &())
                    .await
                    .ok()
                    .and_then(|Path(mut p)| p.remove("instance"));
                let Some(name) = params else {
                    let e = Error::configuration(
                        "WebhookRoute::for_router is mounted at a path without {instance}",
                    );
                    log_failure("?", &e);
                    return error_response(&e);
                };
                if router.instance(&name).is_none() {
                    // No log at WARN: anyone can probe URLs.
                    tracing::debug!(instance = %name, "webhook for an unknown instance");
                    return (StatusCode::NOT_FOUND, "not found").into_response();
                }
                let p: Arc<dyn PaymentProvider> = Arc::new(RoutedInstance::new(router, &name));
                (p, name)
            }
        };
        let body = match read_body(&parts.headers, body, self.body_limit).await {
            Ok(body) => body,
            Err(e) => {
                log_failure(&instance, &e);
                return error_response(&e);
            }
        };
        match self.inbox.receive(provider.as_ref(), &parts.headers, &body).await {
            Ok(receipt) => {
                log_receipt(&instance, &receipt);
                if !receipt.duplicate
                    && let Some(wake) = &self.wake
                {
                    wake.notify_one();
                }
                StatusCode::OK.into_response()
            }
            Err(e) => {
                log_failure(&instance, &e);
                error_response(&e)
            }
        }
    }
}

fn log_receipt(instance: &str, receipt: &Receipt) {
    tracing::debug!(
        instance,
        event = %receipt.event_id,
        inbox_id = receipt.id,
        duplicate = receipt.duplicate,
        parsed = receipt.parsed,
        "webhook stored"
    );
}

/// One instance of a router as a provider, for [`Inbox::receive`]: its `parse_webhook` is
/// [`Router::parse_webhook_from`](crate::Router::parse_webhook_from), so events carry routed
/// ids, and its id is the instance name (what the inbox deduplicates on).
#[cfg(feature = "router")]
struct RoutedInstance {
    router: Arc<crate::Router>,
    id: paymux_core::ProviderId,
}

#[cfg(feature = "router")]
impl RoutedInstance {
    fn new(router: &Arc<crate::Router>, name: &str) -> Self {
        RoutedInstance { router: router.clone(), id: paymux_core::ProviderId::new(name) }
    }
}

#[cfg(feature = "router")]
#[paymux_core::async_trait]
impl PaymentProvider for RoutedInstance {
    fn id(&self) -> &paymux_core::ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &paymux_core::Capabilities {
        self.router.capabilities()
    }

    // The adapter exists for webhooks only; payments go through the router itself, which
    // routes and records them.
    async fn create_payment(
        &self,
        _req: paymux_core::CreatePayment,
    ) -> Result<paymux_core::Payment> {
        Err(Error::unsupported("create_payment"))
    }

    async fn get_payment(&self, _id: &paymux_core::PaymentId) -> Result<paymux_core::Payment> {
        Err(Error::unsupported("get_payment"))
    }

    fn parse_webhook(
        &self,
        headers: &paymux_core::http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<WebhookEvent> {
        self.router.parse_webhook_from(self.id.as_str(), headers, raw_body)
    }
}

/// Hands the events of an [`Inbox`] to your async handler until a shutdown signal: the worker
/// half of [`WebhookRoute`].
///
/// Each round is [`Inbox::process`]: due events go to the handler concurrently (at most one
/// per payment), an `Ok` marks one done, an `Err` schedules it again with backoff and
/// dead-letters it after the inbox's `max_attempts`. When a round finds nothing, the worker
/// sleeps until the poll interval passes or a [`WebhookRoute::waking`] it stored a new event.
/// A store that does not answer is logged and tried again at the next poll; the worker does
/// not stop for it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux::Result<()> {
/// use std::time::Duration;
/// use paymux::axum::InboxWorker;
/// use paymux_store::{Inbox, InboxEvent, Store};
///
/// let store = Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let inbox = Inbox::new(store);
/// // (the endpoint stores events; here the mock signs one)
/// let mock = paymux::MockProvider::new();
/// let body = br#"{"id":"evt_1","type":"payment_succeeded","created_at":"2025-01-01T12:00:00Z","data":{"type":"other"}}"#;
/// inbox.receive(&mock, &mock.sign_webhook(body), body).await?;
///
/// async fn handle(event: InboxEvent) -> Result<(), String> {
///     println!("{} (attempt {})", event.event_id, event.attempt);
///     Ok(())
/// }
/// let worker = InboxWorker::new(inbox).with_poll_interval(Duration::from_millis(100));
/// let report = worker.run(handle, tokio::time::sleep(Duration::from_millis(300))).await;
/// assert_eq!(report.succeeded, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct InboxWorker {
    inbox: Inbox,
    poll: Duration,
    depth_every: Duration,
    wake: Arc<Notify>,
}

impl fmt::Debug for InboxWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxWorker")
            .field("inbox", &self.inbox)
            .field("poll", &self.poll)
            .field("depth_every", &self.depth_every)
            .finish_non_exhaustive()
    }
}

impl InboxWorker {
    /// A worker on `inbox`, polling every 500 ms when idle (events retried after a backoff
    /// become due between wake-ups, and other replicas' endpoints do not wake this one).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// let worker = paymux::axum::InboxWorker::new(inbox);
    /// assert_eq!(worker.poll_interval().as_millis(), 500);
    /// # Ok(()) }
    /// ```
    pub fn new(inbox: Inbox) -> Self {
        InboxWorker {
            inbox,
            poll: Duration::from_millis(500),
            depth_every: Duration::from_secs(15),
            wake: Arc::new(Notify::new()),
        }
    }

    /// How often an idle worker refreshes the `paymux_inbox_depth` gauge with
    /// [`Inbox::counts`] (default 15 s; one grouped count over the inbox table, so not at
    /// every poll). The gauge says the whole inbox, every replica's events included.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// use std::time::Duration;
    /// let worker = paymux::axum::InboxWorker::new(inbox).with_depth_interval(Duration::from_secs(60));
    /// # let _ = worker;
    /// # Ok(()) }
    /// ```
    pub fn with_depth_interval(mut self, every: Duration) -> Self {
        self.depth_every = every;
        self
    }

    /// How long an idle worker waits before looking again (at least 1 ms).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// use std::time::Duration;
    /// let worker = paymux::axum::InboxWorker::new(inbox).with_poll_interval(Duration::from_secs(2));
    /// assert_eq!(worker.poll_interval(), Duration::from_secs(2));
    /// # Ok(()) }
    /// ```
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll = interval.max(Duration::from_millis(1));
        self
    }

    /// The idle poll interval.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// assert_eq!(paymux::axum::InboxWorker::new(inbox).poll_interval().as_millis(), 500);
    /// # Ok(()) }
    /// ```
    pub fn poll_interval(&self) -> Duration {
        self.poll
    }

    /// The inbox it drains.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let store = paymux_store::Store::sqlite_in_memory().await?;
    /// # store.migrate().await?;
    /// let worker = paymux::axum::InboxWorker::new(paymux_store::Inbox::new(store));
    /// assert_eq!(worker.inbox().counts().await?.open(), 0);
    /// # Ok(()) }
    /// ```
    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    /// Wakes the worker now (as [`WebhookRoute::waking`] does after storing an event).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux::Result<()> {
    /// # let inbox = paymux_store::Inbox::new(paymux_store::Store::sqlite_in_memory().await?);
    /// paymux::axum::InboxWorker::new(inbox).wake();
    /// # Ok(()) }
    /// ```
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs `handler` on the inbox's events until `shutdown` completes, then returns what it
    /// did. Starts with [`Inbox::recover`] (events a previous run of the same owner name was
    /// handling come back at once). Shutdown is checked between rounds: the round in progress
    /// finishes, so no handler is cut off halfway and every outcome is recorded.
    ///
    /// `handler` should be idempotent: an event comes again if the process stops after the
    /// handler succeeded and before the inbox recorded it. The text of an `Err` is kept in the
    /// event's `last_error` (keep secrets and personal data out of it).
    ///
    /// ```no_run
    /// # async fn run(inbox: paymux_store::Inbox) {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>(); // `stop.send(())` at shutdown
    /// # drop(stop);
    /// let worker = paymux::axum::InboxWorker::new(inbox);
    /// let report = worker
    ///     .run(
    ///         |event: paymux_store::InboxEvent| async move {
    ///             println!("{:?}", event.kind());
    ///             Ok::<(), String>(())
    ///         },
    ///         async { let _ = stopped.await; },
    ///     )
    ///     .await;
    /// println!("handled {}, dead-lettered {}", report.handled, report.dead);
    /// # }
    /// ```
    pub async fn run<H, Fut, E, Stop>(&self, handler: H, shutdown: Stop) -> ProcessReport
    where
        H: Fn(InboxEvent) -> Fut,
        Fut: Future<Output = std::result::Result<(), E>>,
        E: fmt::Display,
        Stop: Future<Output = ()>,
    {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut total = ProcessReport::default();
        if let Err(e) = self.inbox.recover().await {
            tracing::warn!(error = %e, "inbox worker: recovering interrupted events failed");
        }
        let mut depth_at: Option<tokio::time::Instant> = None;
        loop {
            // A round, not `drain`: under steady traffic `drain` might never return, and the
            // shutdown signal must be seen between rounds.
            let round = self.inbox.process(&handler).await;
            if shutdown.as_mut().now_or_never().is_some() {
                if let Ok(round) = round {
                    total += round;
                }
                return total;
            }
            let idle = match round {
                Ok(round) => {
                    total += round;
                    round.handled == 0
                }
                Err(e) => {
                    tracing::warn!(error = %e, "inbox worker: the store did not answer; retrying");
                    true
                }
            };
            if idle {
                if depth_at.is_none_or(|at| at.elapsed() >= self.depth_every) {
                    // `counts` sets the depth gauge; a failure only leaves it as it was.
                    if let Err(e) = self.inbox.counts().await {
                        tracing::debug!(error = %e, "inbox worker: counting the inbox failed");
                    }
                    depth_at = Some(tokio::time::Instant::now());
                }
                tokio::select! {
                    biased;
                    () = shutdown.as_mut() => return total,
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.poll) => {}
                }
            }
        }
    }
}

/// A webhook verified by a provider from the app state: the extractor for a handler of your
/// own, without the inbox.
///
/// The state gives an `Arc<dyn PaymentProvider>` (the state itself, or through
/// [`FromRef`]); a [`Router`](crate::Router) there verifies with each instance in turn and gives
/// routed ids. The body is read up to
/// [`DEFAULT_MAX_BODY`](crate::webhook::DEFAULT_MAX_BODY) and verified over its raw bytes
/// before it is parsed. A delivery that fails is refused with [`WebhookRejection`] (`400`
/// without details, `413`, or `500` for a provider that cannot verify). Deduplication is
/// yours: without an inbox a redelivery is extracted again.
///
/// ```
/// use std::sync::Arc;
/// use axum::extract::FromRef;
/// use paymux::PaymentProvider;
/// use paymux::axum::VerifiedWebhook;
///
/// #[derive(Clone)]
/// struct AppState {
///     gateway: Arc<dyn PaymentProvider>,
/// }
/// impl FromRef<AppState> for Arc<dyn PaymentProvider> {
///     fn from_ref(state: &AppState) -> Self {
///         state.gateway.clone()
///     }
/// }
///
/// async fn webhook(VerifiedWebhook { event, .. }: VerifiedWebhook) -> &'static str {
///     println!("{} {}", event.id, event.kind);
///     "" // 200
/// }
///
/// let state = AppState { gateway: Arc::new(paymux::MockProvider::new()) };
/// let app: axum::Router = axum::Router::new()
///     .route("/webhooks/mock", axum::routing::post(webhook))
///     .with_state(state);
/// # let _ = app;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct VerifiedWebhook {
    /// The verified event (`event.raw` holds the exact body).
    pub event: WebhookEvent,
    /// The body exactly as received.
    pub body: Bytes,
}

impl fmt::Debug for VerifiedWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body may carry personal data: its size only.
        f.debug_struct("VerifiedWebhook")
            .field("id", &self.event.id)
            .field("provider", &self.event.provider)
            .field("kind", &self.event.kind)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl VerifiedWebhook {
    /// The event.
    ///
    /// ```
    /// async fn webhook(hook: paymux::axum::VerifiedWebhook) -> String {
    ///     hook.into_event().kind.to_string()
    /// }
    /// ```
    pub fn into_event(self) -> WebhookEvent {
        self.event
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    Arc<dyn PaymentProvider>: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> std::result::Result<Self, Self::Rejection> {
        let provider = Arc::<dyn PaymentProvider>::from_ref(state);
        let (parts, body) = req.into_parts();
        let reject = |error: Error| {
            log_failure(provider.id().as_str(), &error);
            WebhookRejection { error }
        };
        let body =
            read_body(&parts.headers, body, webhook::DEFAULT_MAX_BODY).await.map_err(reject)?;
        let event = provider.parse_webhook(&parts.headers, &body).map_err(reject)?;
        Ok(VerifiedWebhook { event, body })
    }
}

/// Why [`VerifiedWebhook`] refused a delivery. As a response it is [`status_for`] the error
/// with a few fixed words; the error itself (which check failed) is for your logs, through
/// [`error`](WebhookRejection::error).
///
/// ```
/// use axum::response::IntoResponse;
/// async fn webhook(
///     hook: Result<paymux::axum::VerifiedWebhook, paymux::axum::WebhookRejection>,
/// ) -> axum::response::Response {
///     match hook {
///         Ok(_) => axum::http::StatusCode::OK.into_response(),
///         Err(rejection) => {
///             eprintln!("refused: {}", rejection.error());
///             rejection.into_response()
///         }
///     }
/// }
/// ```
#[derive(Debug)]
pub struct WebhookRejection {
    error: Error,
}

impl WebhookRejection {
    /// The verification error (its kind and [`Error::webhook_failure`] say which check).
    ///
    /// ```
    /// fn reason(rejection: &paymux::axum::WebhookRejection) -> Option<paymux::WebhookFailure> {
    ///     rejection.error().webhook_failure()
    /// }
    /// ```
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The status it answers with.
    ///
    /// ```
    /// fn is_forgery(rejection: &paymux::axum::WebhookRejection) -> bool {
    ///     rejection.status() == axum::http::StatusCode::BAD_REQUEST
    /// }
    /// ```
    pub fn status(&self) -> StatusCode {
        status_for(&self.error)
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webhook refused: {}", self.error)
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        error_response(&self.error)
    }
}
