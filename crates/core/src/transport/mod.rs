//! The one HTTP transport every connector calls its gateway through.
//!
//! It owns what must be right once: one pooled client per provider instance, timeouts, auth
//! headers from secrets, retries with backoff and `Retry-After`, one idempotency key per logical
//! mutation reused on every attempt, error classification, and redacted tracing.
//!
//! **Retry rule.** Reads and mutations that carry an idempotency key the gateway honours are
//! retried on rate limits, 5xx, timeouts and connection failures. A mutation without a key is
//! retried only when the request certainly never reached the gateway (connection refused) or the
//! gateway refused it unprocessed (429); otherwise the error is marked
//! [`outcome unknown`](crate::Error::is_outcome_unknown).
//!
//! ```no_run
//! use paymux_core::transport::{Auth, HttpTransport, Request, TransportConfig};
//! use paymux_core::{IdempotencyKey, ProviderId, SecretString};
//!
//! # async fn run() -> paymux_core::Result<()> {
//! let config = TransportConfig::new(
//!     ProviderId::new("paychtec"),
//!     "https://api.sandbox.paychtec.com",
//!     Auth::header("api-key", SecretString::from("snd_key"))?,
//! );
//! let transport = HttpTransport::new(config)?;
//! let req = Request::post("create_payment", "/payments")
//!     .json(&serde_json::json!({"amount": 6540, "currency": "USD"}))?
//!     .idempotent_header(IdempotencyKey::generate(), "X-Idempotency-Key")?;
//! let payment: serde_json::Value = transport.send_json(req).await?;
//! # Ok(()) }
//! ```

mod classify;
mod retry;
mod settings;

use std::fmt;
use std::pin::Pin;
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime};

use backon::BackoffBuilder;
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

pub use classify::{ErrorParser, GatewayError, kind_for_status};
pub use retry::{RetryPolicy, parse_retry_after};
pub use settings::ConnectionSettings;

use crate::{Error, ErrorKind, IdempotencyKey, ProviderId, Result};

/// The HTTP client a transport sends with (reqwest's), for
/// [`TransportConfig::http_client`] and the connectors' `with_http_client`.
pub type HttpClient = reqwest::Client;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("paymux/", env!("CARGO_PKG_VERSION"));

/// How requests authenticate. The key stays a secret: `Debug` never shows it.
#[derive(Clone)]
pub enum Auth {
    /// No auth header (tests of unauthenticated routes).
    None,
    /// A named header carrying the key (`api-key: snd_...`).
    Header {
        /// Header name.
        name: HeaderName,
        /// The key.
        key: SecretString,
    },
    /// `Authorization: Bearer <key>`.
    Bearer(SecretString),
}

impl Auth {
    /// A named header carrying the key.
    pub fn header(name: &str, key: SecretString) -> Result<Auth> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::configuration(format!("invalid auth header name {name:?}")))?;
        Ok(Auth::Header { name, key })
    }

    /// A bearer token.
    pub fn bearer(key: SecretString) -> Auth {
        Auth::Bearer(key)
    }

    fn secret(&self) -> Option<&str> {
        match self {
            Auth::None => None,
            Auth::Header { key, .. } | Auth::Bearer(key) => Some(key.expose_secret()),
        }
    }

    fn header_pair(&self) -> Result<Option<(HeaderName, HeaderValue)>> {
        let (name, text) = match self {
            Auth::None => return Ok(None),
            Auth::Header { name, key } => (name.clone(), key.expose_secret().to_owned()),
            Auth::Bearer(key) => {
                (http::header::AUTHORIZATION, format!("Bearer {}", key.expose_secret()))
            }
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            Error::configuration("API key contains characters not allowed in a header")
        })?;
        value.set_sensitive(true);
        Ok(Some((name, value)))
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Header { name, .. } => write!(f, "Auth::Header({name}: [REDACTED])"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer([REDACTED])"),
        }
    }
}

/// Settings of one transport (one provider instance).
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// The provider instance, named in spans and errors.
    pub provider: ProviderId,
    /// Base URL, e.g. `https://api.sandbox.paychtec.com` (tests point it at a local server).
    pub base_url: String,
    /// Authentication.
    pub auth: Auth,
    /// Whole-request timeout (default 30 s).
    pub timeout: Duration,
    /// Connection timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Retry settings.
    pub retry: RetryPolicy,
    /// Headers sent on every request (e.g. `x-profile-id`).
    pub default_headers: HeaderMap,
    /// Reads the gateway's error body.
    pub error_parser: Option<ErrorParser>,
    /// At most this many requests in flight at once on this instance (`None`: no limit).
    /// Calls beyond it wait their turn, which bounds sockets and protects the gateway's rate
    /// limits under bursts.
    pub max_in_flight: Option<usize>,
    /// A client of your own (a proxy, your own root certificates, a connector layer in tests);
    /// `None` builds one. With your client, the auth header,
    /// [`default_headers`](Self::default_headers), `User-Agent` and
    /// [`timeout`](Self::timeout) are set on every request; `connect_timeout` is then the
    /// client's own.
    pub http_client: Option<reqwest::Client>,
}

impl TransportConfig {
    /// A configuration with default timeouts and retries.
    pub fn new(provider: ProviderId, base_url: impl Into<String>, auth: Auth) -> Self {
        TransportConfig {
            provider,
            base_url: base_url.into(),
            auth,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            default_headers: HeaderMap::new(),
            error_parser: None,
            max_in_flight: None,
            http_client: None,
        }
    }
}

/// Whether, and with which key, a request may be retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// A read: safe to repeat.
    Read,
    /// A mutation with a key the gateway honours. `header`: where the transport puts it;
    /// `None` when the connector already placed it in the body.
    Keyed {
        /// The key, the same on every attempt.
        key: IdempotencyKey,
        /// The header that carries it, if any.
        header: Option<HeaderName>,
    },
    /// A mutation the gateway cannot deduplicate: never repeated once it may have arrived.
    Unkeyed,
}

impl Idempotency {
    fn retry_safe(&self) -> bool {
        !matches!(self, Idempotency::Unkeyed)
    }
}

/// One logical call to a gateway.
#[derive(Debug, Clone)]
pub struct Request {
    method: Method,
    operation: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
    /// The request's own headers (content type, idempotency key): two or three, so a list
    /// rather than a hashed map built and copied on every call.
    headers: Vec<(HeaderName, HeaderValue)>,
    idempotency: Idempotency,
}

impl Request {
    /// A request; reads (`GET`, `HEAD`) default to [`Idempotency::Read`], others to
    /// [`Idempotency::Unkeyed`]. `operation` names it in traces (`"create_payment"`).
    pub fn new(method: Method, operation: &'static str, path: impl Into<String>) -> Self {
        let idempotency = if method == Method::GET || method == Method::HEAD {
            Idempotency::Read
        } else {
            Idempotency::Unkeyed
        };
        Request {
            method,
            operation,
            path: path.into(),
            query: Vec::new(),
            body: None,
            headers: Vec::new(),
            idempotency,
        }
    }

    /// A `GET`.
    pub fn get(operation: &'static str, path: impl Into<String>) -> Self {
        Self::new(Method::GET, operation, path)
    }

    /// A `POST`.
    pub fn post(operation: &'static str, path: impl Into<String>) -> Self {
        Self::new(Method::POST, operation, path)
    }

    /// A JSON body, serialized once for every attempt.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        // Sized for a typical payment body up front: `to_vec` starts at 128 bytes and grows.
        let mut bytes = Vec::with_capacity(512);
        serde_json::to_writer(&mut bytes, body).map_err(|e| {
            Error::invalid_request(format!("request body cannot be serialized: {e}"))
        })?;
        self.body = Some(Bytes::from(bytes));
        self.set_header(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(self)
    }

    /// Adds a query parameter (percent-encoded by the transport).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_request(format!("invalid header name {name:?}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_request(format!("invalid value for header {name}")))?;
        self.set_header(name, value);
        Ok(self)
    }

    /// Marks the request retry-safe with `key` sent in the header `header`.
    pub fn idempotent_header(mut self, key: IdempotencyKey, header: &str) -> Result<Self> {
        let name = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| Error::invalid_request(format!("invalid header name {header:?}")))?;
        let value = HeaderValue::from_str(key.as_str())
            .map_err(|_| Error::invalid_request("idempotency key is not a valid header value"))?;
        self.set_header(name.clone(), value);
        self.idempotency = Idempotency::Keyed { key, header: Some(name) };
        Ok(self)
    }

    /// Sets a header, replacing one of the same name.
    fn set_header(&mut self, name: HeaderName, value: HeaderValue) {
        match self.headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value,
            None => self.headers.push((name, value)),
        }
    }

    /// Marks a request that only reads although its method is not `GET` (list endpoints sent
    /// as `POST` with a filter body): retried like a read, never "outcome unknown".
    pub fn read_only(mut self) -> Self {
        self.idempotency = Idempotency::Read;
        self
    }

    /// Marks the request retry-safe because `key` already travels in the body.
    pub fn idempotent_in_body(mut self, key: IdempotencyKey) -> Self {
        self.idempotency = Idempotency::Keyed { key, header: None };
        self
    }

    /// The idempotency setting.
    pub fn idempotency(&self) -> &Idempotency {
        &self.idempotency
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation it is part of (`"create_payment"`), as named in traces.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path below the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Checks that a gateway id can go into a URL path as one segment unchanged: 1 to `max_len`
/// RFC 3986 unreserved characters (letters, digits, `-`, `_`, `.`, `~`), and not `.` or `..`.
/// Anything else (`/`, `?`, `#`, `%`, spaces) could reach another route, so it is refused
/// before any request with [`ErrorKind::InvalidRequest`] naming `what`.
///
/// ```
/// use paymux_core::transport::path_segment;
/// assert_eq!(path_segment("payment id", "pay_123", 64).unwrap(), "pay_123");
/// assert!(path_segment("payment id", "pay_1/../admin", 64).is_err());
/// assert!(path_segment("payment id", "..", 64).is_err());
/// let long = path_segment("payment id", &"x".repeat(100_000), 64).unwrap_err();
/// assert!(long.to_string().len() < 300, "the error quotes a short, redacted form");
/// ```
pub fn path_segment<'a>(what: &str, id: &'a str, max_len: usize) -> Result<&'a str> {
    let ok = !id.is_empty()
        && id.len() <= max_len
        && id != "."
        && id != ".."
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if ok {
        return Ok(id);
    }
    // Quoted short and redacted: the id is the caller's input and may be anything (100 KB,
    // a card number pasted into the wrong field).
    let mut shown = crate::redact::gateway_text(id, 40, &[]);
    if id.len() > 40 {
        shown = format!("{shown} ({} bytes)", id.len());
    }
    Err(Error::invalid_request(format!(
        "{what} {shown:?} is not a valid id (1 to {max_len} letters, digits, '-', '_', '.', '~')"
    )))
}

/// A 2xx answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status (200, 201...).
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

/// One exchange with the gateway in flight, as [`HttpTransport::execute`] returns it: boxed
/// (see there), and a trait object so its size can be checked (`size_of_val(&*exchange)`).
pub type Exchange<'a> = Pin<Box<dyn Future<Output = Result<Response>> + Send + 'a>>;

/// One pooled HTTP client for one provider instance.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    /// With a caller's client: what our own client would carry as defaults (auth,
    /// `User-Agent`, configured headers), set on each request instead.
    per_request_headers: Option<std::sync::Arc<HeaderMap>>,
    base_url: reqwest::Url,
    config: std::sync::Arc<TransportConfig>,
    in_flight: Option<std::sync::Arc<tokio::sync::Semaphore>>,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("provider", &self.config.provider)
            .field("base_url", &self.base_url.as_str())
            .field("auth", &self.config.auth)
            .finish_non_exhaustive()
    }
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    // Another library may have installed a provider first; theirs is then used, which is fine.
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The TLS settings of every client paymux builds, made once per process. reqwest would
/// otherwise build them per client, loading the platform's root certificates from disk
/// again each time (and logging "Loaded N CA root certificates" once per client through
/// rustls-platform-verifier). These are reqwest's own defaults: the platform verifier, TLS
/// 1.2 and 1.3, ALPN `h2` then `http/1.1`. The root store is the one read at the first
/// client: a certificate installed later is seen after a restart, as with any long-lived
/// client.
fn shared_tls() -> Result<rustls::ClientConfig> {
    static TLS: std::sync::OnceLock<std::result::Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    TLS.get_or_init(|| {
        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| std::sync::Arc::new(rustls::crypto::ring::default_provider()));
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| format!("the platform's root certificates: {e}"))?;
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(tls)
    })
    .clone()
    .map_err(|e| Error::configuration(format!("HTTP client: {e}")))
}

impl HttpTransport {
    /// Builds the client. Fails on a base URL that is not http(s) or a key that cannot be a
    /// header value.
    pub fn new(config: TransportConfig) -> Result<Self> {
        install_crypto_provider();
        let mut base_url = reqwest::Url::parse(&config.base_url).map_err(|e| {
            Error::configuration(format!("invalid base URL {:?}: {e}", config.base_url))
        })?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() {
            return Err(Error::configuration(format!(
                "base URL {:?} must be http(s)",
                config.base_url
            )));
        }
        // Paths are appended, so keep the base without a trailing slash.
        let trimmed = base_url.path().trim_end_matches('/').to_owned();
        base_url.set_path(&trimmed);
        // Headers every request carries are the client's defaults, so no call copies them;
        // a request's own header of the same name takes precedence.
        let mut defaults = config.default_headers.clone();
        if let Some((name, value)) = config.auth.header_pair()? {
            defaults.insert(name, value);
        }
        let (client, per_request_headers) = match &config.http_client {
            Some(client) => {
                defaults.insert(http::header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
                (client.clone(), Some(std::sync::Arc::new(defaults)))
            }
            None => {
                let client = reqwest::Client::builder()
                    .tls_backend_preconfigured(shared_tls()?)
                    .user_agent(USER_AGENT)
                    .default_headers(defaults)
                    .timeout(config.timeout)
                    .connect_timeout(config.connect_timeout)
                    .build()
                    .map_err(|e| Error::configuration(format!("HTTP client: {e}")))?;
                (client, None)
            }
        };
        let in_flight = config
            .max_in_flight
            .map(|n| std::sync::Arc::new(tokio::sync::Semaphore::new(n.max(1))));
        Ok(HttpTransport {
            client,
            per_request_headers,
            base_url,
            config: std::sync::Arc::new(config),
            in_flight,
        })
    }

    /// The provider instance.
    pub fn provider(&self) -> &ProviderId {
        &self.config.provider
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str()
    }

    /// The retry settings.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.config.retry
    }

    fn url(&self, req: &Request) -> Result<reqwest::Url> {
        // URL normalization resolves `.` and `..` segments (also percent-encoded), which would
        // send the call to another route than the one the connector built. Connectors check
        // ids with `path_segment`; this refuses whatever slipped past them. A path with no `.`
        // and no `%` (nearly every one) cannot hold such a segment.
        if req.path.bytes().any(|b| b == b'.' || b == b'%')
            && req.path.split('/').any(is_dot_segment)
        {
            return Err(Error::invalid_request(format!(
                "request path {:?} has a '.' or '..' segment",
                req.path
            )));
        }
        // `new` keeps the base without a trailing slash; a root base reads back as "/".
        let base = match self.base_url.path() {
            "/" => "",
            base => base,
        };
        let below = req.path.trim_start_matches('/');
        let mut path = String::with_capacity(base.len() + 1 + below.len());
        path.push_str(base);
        path.push('/');
        path.push_str(below);
        let mut url = self.base_url.clone();
        url.set_path(&path);
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(req.query.iter());
        }
        Ok(url)
    }

    /// Sends `req` with retries per its [`Idempotency`] and parses the 2xx body as JSON. An
    /// answer to a mutation that cannot be read is outcome-unknown: the gateway acted, we just
    /// cannot tell how.
    pub async fn send_json<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let idempotency = req.idempotency.clone();
        let response = self.execute(req).await?;
        self.parse_json(&response.body, &idempotency)
    }

    /// Parses a 2xx body answering a request of `idempotency`: what
    /// [`send_json`](Self::send_json) does with the answer. Unreadable, it is an
    /// [`InvalidResponse`](ErrorKind::InvalidResponse) error, outcome-unknown unless the request
    /// was a read; the error quotes the body masked and redacted.
    pub fn parse_json<T: DeserializeOwned>(
        &self,
        body: &[u8],
        idempotency: &Idempotency,
    ) -> Result<T> {
        serde_json::from_slice(body).map_err(|e| self.unreadable(body, &e, idempotency))
    }

    /// The error for an answer that does not parse.
    #[cold]
    fn unreadable(&self, body: &[u8], e: &serde_json::Error, idempotency: &Idempotency) -> Error {
        let secrets = self.secrets();
        let snippet = crate::redact::snippet(body, classify::SNIPPET_CHARS, &secrets);
        // serde_json quotes the offending value: redact it like the body.
        let why = crate::redact::gateway_text(&e.to_string(), classify::SNIPPET_CHARS, &secrets);
        let err = Error::invalid_response(format!("unreadable answer ({why}); body: {snippet}"))
            .with_provider(self.config.provider.clone());
        if *idempotency == Idempotency::Read { err } else { err.with_outcome_unknown() }
    }

    fn secrets(&self) -> Vec<&str> {
        self.config.auth.secret().into_iter().collect()
    }

    /// Sends `req` with retries per its [`Idempotency`]; returns the 2xx answer or a typed error.
    ///
    /// The exchange is boxed, so the callers' futures do not carry its state.
    pub fn execute(&self, req: Request) -> Exchange<'_> {
        Box::pin(async move {
            let url = self.url(&req).map_err(|e| e.with_provider(self.config.provider.clone()))?;
            let span = self.exchange_span(&req);
            if let (Some(body), true) = (&req.body, tracing::enabled!(tracing::Level::TRACE)) {
                self.trace_body(&span, "request body", None, body);
            }
            // The common call is one attempt that succeeds; the retry loop after a failure is
            // a boxed future of its own, so its state (backoff, timer, a second attempt) and
            // code stay out of this one.
            record(&span, "attempt", 1);
            crate::connector::count_attempt();
            let result = match self.attempt(&req, &url, &span).instrument(span.clone()).await {
                Ok(response) => Ok(response),
                Err(err) => {
                    let retry_safe = req.idempotency.retry_safe();
                    Box::pin(
                        self.retry(&req, &url, retry_safe, &span, err).instrument(span.clone()),
                    )
                    .await
                }
            };
            result.map_err(|e| {
                let e = e.with_provider(self.config.provider.clone());
                // A read has no side effect, so "outcome unknown" does not apply.
                if req.idempotency == Idempotency::Read { e.with_outcome_known() } else { e }
            })
        })
    }

    /// The span of one exchange. Inside an operation of the connector layer (its span is the
    /// current one), the instance and operation are that span's fields and are not repeated;
    /// the idempotency key actually sent is recorded there. A transport used alone names
    /// them in its own span.
    fn exchange_span(&self, req: &Request) -> tracing::Span {
        let parent = tracing::Span::current();
        let in_operation =
            parent.metadata().is_some_and(|m| m.name() == crate::connector::OPERATION_SPAN);
        if !in_operation {
            return tracing::info_span!(
                "paymux.http",
                provider = %self.config.provider,
                operation = req.operation,
                method = %req.method,
                path = %SlashPath(&req.path),
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
        }
        if let Idempotency::Keyed { key, .. } = &req.idempotency
            && crate::connector::show_key_once()
        {
            parent.record("idempotency_key", key.as_str());
        }
        tracing::info_span!(
            "paymux.http",
            method = %req.method,
            path = %SlashPath(&req.path),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        )
    }

    /// Retries after attempt 1 failed with `err`. The backoff schedule (exponential,
    /// jittered) is backon's; a `Retry-After` the gateway sent takes its place, unless it is
    /// longer than the policy allows.
    async fn retry(
        &self,
        req: &Request,
        url: &reqwest::Url,
        retry_safe: bool,
        span: &tracing::Span,
        mut err: Error,
    ) -> Result<Response> {
        let policy = &self.config.retry;
        let mut backoff = policy.backoff().build();
        let mut attempt: u32 = 1;
        loop {
            if !should_retry(&err, retry_safe) {
                return Err(err);
            }
            let Some(delay) = backoff.next() else {
                return Err(err);
            };
            let wait = match err.retry_after() {
                Some(wait) if wait > policy.max_retry_after => return Err(err),
                Some(wait) => wait,
                None => delay,
            };
            // The error does not name the instance yet (that is added when the call returns),
            // so the warning repeats none of the spans' fields.
            tracing::warn!(error = %err, wait_ms = wait.as_millis(), "retrying");
            metrics::counter!(
                crate::observability::RETRIES,
                "instance" => self.config.provider.as_str().to_owned(),
                "operation" => req.operation,
            )
            .increment(1);
            tokio::time::sleep(wait).await;
            attempt += 1;
            record(span, "attempt", attempt);
            crate::connector::count_attempt();
            err = match self.attempt(req, url, span).await {
                Ok(response) => return Ok(response),
                // Sticky: once an attempt may have reached the gateway, the call's outcome is
                // unknown whatever a later attempt says (a 429 or a refused connection after a
                // timeout does not undo what the gateway may have done with the first).
                Err(next) if err.is_outcome_unknown() => next.with_outcome_unknown(),
                Err(next) => next,
            };
        }
    }

    async fn attempt(
        &self,
        req: &Request,
        url: &reqwest::Url,
        span: &tracing::Span,
    ) -> Result<Response> {
        let _permit = match &self.in_flight {
            Some(limit) => Some(
                limit
                    .acquire()
                    .await
                    .map_err(|_| Error::new(ErrorKind::Transport, "transport is shutting down"))?,
            ),
            None => None,
        };
        // Timed only for a span that records it: no clock read per call without a subscriber.
        let started = (!span.is_disabled()).then(Instant::now);
        let mut response = self.client.execute(self.wire_request(req, url)).await.map_err(|e| {
            record_latency(span, started);
            send_error(&e)
        })?;
        let status = response.status();
        record(span, "status", status.as_u16());
        let body = read_body(&mut response).await.map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("connection lost while reading the answer: {e}"),
            )
            .with_http_status(status.as_u16())
            .with_outcome_unknown()
        })?;
        record_latency(span, started);
        // Taken only now: kept in `response` meanwhile, they are not stored twice.
        let headers = std::mem::take(response.headers_mut());
        if tracing::enabled!(tracing::Level::TRACE) {
            self.trace_body(span, "response body", Some(status.as_u16()), &body);
        }
        if status.is_success() {
            return Ok(Response { status, headers, body });
        }
        Err(self.status_error(status, &headers, &body))
    }

    /// The reqwest request for `req`. Built directly rather than through `RequestBuilder`: its
    /// per-header conversions and error plumbing are for untyped input, and these headers were
    /// checked when `req` was built. A plain fn, so the attempt's future does not keep it.
    fn wire_request(&self, req: &Request, url: &reqwest::Url) -> reqwest::Request {
        let mut request = reqwest::Request::new(req.method.clone(), url.clone());
        let headers = request.headers_mut();
        for (name, value) in &req.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(body) = &req.body {
            *request.body_mut() = Some(body.clone().into());
        }
        if let Some(defaults) = &self.per_request_headers {
            self.add_client_defaults(&mut request, defaults);
        }
        request
    }

    /// What our own client would have added to `request`, for a caller's client.
    #[cold]
    fn add_client_defaults(&self, request: &mut reqwest::Request, defaults: &HeaderMap) {
        for (name, value) in defaults {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        *request.timeout_mut() = Some(self.config.timeout);
    }

    /// The error for a non-2xx answer. Out of line and cold: the hot path is a 2xx.
    #[cold]
    #[inline(never)]
    fn status_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        let mut err =
            classify::error_for_status(status, body, self.config.error_parser, &self.secrets());
        if let Some(wait) = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()))
        {
            err = err.with_retry_after(wait);
        }
        if status.is_server_error() {
            // The gateway may have acted before failing.
            err = err.with_outcome_unknown();
        }
        err
    }

    /// Traces a body in the exchange's span, redacted (only with a `TRACE` subscriber).
    #[cold]
    #[inline(never)]
    fn trace_body(&self, span: &tracing::Span, what: &str, status: Option<u16>, body: &[u8]) {
        let redacted = crate::redact::for_log(body, &self.secrets());
        tracing::trace!(parent: span, status, body = %redacted, "{what}");
    }
}

/// A request path as traced: always with its leading `/`, whichever way the connector wrote
/// it (`payments` and `/payments` are one route below the base URL, and read as one in logs).
/// Formatted only when a subscriber records the span.
struct SlashPath<'a>(&'a str);

impl fmt::Display for SlashPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.starts_with('/') {
            f.write_str("/")?;
        }
        f.write_str(self.0)
    }
}

/// `.`, `..`, or one of them percent-encoded (`%2e`, `.%2E`...): what URL parsers resolve.
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment;
    let mut dots = 0;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else if rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%2e")) {
            rest = rest.get(3..).unwrap_or_default();
        } else {
            return false;
        }
        dots += 1;
    }
    (1..=2).contains(&dots)
}

/// Records `value` in the exchange's span, if it is enabled. `Span::record` on a disabled span
/// still looks the field up by name in the span's metadata, on every call.
fn record(span: &tracing::Span, field: &str, value: impl tracing::Value) {
    if !span.is_disabled() {
        span.record(field, value);
    }
}

fn record_latency(span: &tracing::Span, started: Option<Instant>) {
    if let Some(started) = started {
        span.record("latency_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    }
}

/// The whole body of `response`. A gateway's answer is nearly always one chunk, handed on
/// as it came; more are joined.
async fn read_body(response: &mut reqwest::Response) -> reqwest::Result<Bytes> {
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

#[cold]
fn send_error(e: &reqwest::Error) -> Error {
    if e.is_connect() {
        // Nothing was sent: safe to try again, even for a mutation without a key.
        return Error::new(ErrorKind::Transport, format!("could not connect: {}", error_chain(e)));
    }
    if e.is_timeout() {
        return Error::new(ErrorKind::Timeout, "no answer in time").with_outcome_unknown();
    }
    Error::new(ErrorKind::Transport, format!("request failed: {}", error_chain(e)))
        .with_outcome_unknown()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn should_retry(e: &Error, retry_safe: bool) -> bool {
    if retry_safe {
        return e.is_retryable();
    }
    // Without a key, only what certainly did not reach (or was refused unprocessed by) the gateway.
    match e.kind() {
        ErrorKind::RateLimited => true,
        ErrorKind::Transport => !e.is_outcome_unknown(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dot_segments_in_any_spelling() {
        for dot in [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e"] {
            assert!(super::is_dot_segment(dot), "{dot}");
        }
        for other in ["", "...", "pay_1", ".well-known", "a.b", "%2e%2e%2e", "%2f", "é", "%2"] {
            assert!(!super::is_dot_segment(other), "{other}");
        }
    }
}
