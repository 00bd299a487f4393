//! One error type for every provider, with a kind callers branch on.

use std::fmt;
use std::time::Duration;

use crate::{DeclineCode, MoneyError, ProviderId};

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request is wrong (validation before sending, or the gateway's 400/422).
    InvalidRequest,
    /// The gateway (or this connector) does not offer the operation; nothing was sent.
    Unsupported,
    /// Credentials missing, wrong or not allowed (401/403).
    Authentication,
    /// The gateway refused the payment without creating one (a decline as an error).
    Declined,
    /// No such resource (404).
    NotFound,
    /// The resource is in a state that forbids the operation (409), e.g. capture after cancel.
    Conflict,
    /// Too many requests (429); see [`Error::retry_after`].
    RateLimited,
    /// The gateway is failing or down (5xx).
    ProviderUnavailable,
    /// No answer in time.
    Timeout,
    /// The connection failed (refused, reset, DNS, TLS).
    Transport,
    /// The gateway answered something we cannot read (not JSON, truncated, missing fields).
    InvalidResponse,
    /// A webhook failed verification (see [`Error::webhook_failure`]). The only error a
    /// webhook's content cannot cause: once its signature checks out, it is read.
    WebhookSignature,
    /// A webhook's signature checks out but its body is not JSON, so there is no event to
    /// read. Answer the gateway with an error: its redelivery, or the body kept from the
    /// request, is all that is left of it.
    WebhookNotJson,
    /// The client is misconfigured (key for the wrong environment, bad base URL).
    Configuration,
}

impl ErrorKind {
    /// A short snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Unsupported => "unsupported",
            Self::Authentication => "authentication",
            Self::Declined => "declined",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::InvalidResponse => "invalid_response",
            Self::WebhookSignature => "webhook_signature",
            Self::WebhookNotJson => "webhook_not_json",
            Self::Configuration => "configuration",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a webhook was refused; each is its own case so monitoring can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookFailure {
    /// A required header is absent.
    #[error("signature header missing")]
    MissingHeader,
    /// The header is present but not in the expected format or encoding.
    #[error("signature header malformed")]
    BadEncoding,
    /// No signature matches the body.
    #[error("signature mismatch")]
    Mismatch,
    /// The timestamp is outside the tolerance window (too old or in the future).
    #[error("timestamp outside tolerance")]
    StaleTimestamp,
    /// The body is larger than the configured limit.
    #[error("body too large")]
    BodyTooLarge,
    /// More candidate signatures, or a longer signature header, than any sender needs
    /// ([`MAX_SIGNATURES`](crate::webhook::MAX_SIGNATURES),
    /// [`MAX_SIGNATURE_HEADER_BYTES`](crate::webhook::MAX_SIGNATURE_HEADER_BYTES)).
    #[error("too many signatures")]
    TooManySignatures,
    /// The event id was already processed (reported by an `EventStore`).
    #[error("duplicate event")]
    Duplicate,
}

/// The error every paymux call returns.
///
/// Carries a [`kind`](Error::kind), a message, and where the gateway said so, its own error
/// code and message. It never carries a secret: messages are built by paymux or redacted
/// before they are stored.
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    provider: Option<ProviderId>,
    http_status: Option<u16>,
    gateway_code: Option<String>,
    gateway_message: Option<String>,
    decline_code: Option<DeclineCode>,
    outcome_unknown: bool,
    retry_after: Option<Duration>,
    webhook_failure: Option<WebhookFailure>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Shorthand for `Result<T, paymux_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            provider: None,
            http_status: None,
            gateway_code: None,
            gateway_message: None,
            decline_code: None,
            outcome_unknown: false,
            retry_after: None,
            webhook_failure: None,
            source: None,
        }))
    }

    /// [`ErrorKind::InvalidRequest`] with a message.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    /// [`ErrorKind::Unsupported`] for an operation name.
    pub fn unsupported(operation: &str) -> Self {
        Self::new(ErrorKind::Unsupported, format!("{operation} is not supported by this provider"))
    }

    /// [`ErrorKind::InvalidResponse`] with a message.
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

    /// [`ErrorKind::Configuration`] with a message.
    pub fn configuration(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    /// [`ErrorKind::WebhookSignature`] for a failure reason.
    pub fn webhook(failure: WebhookFailure) -> Self {
        Self::new(ErrorKind::WebhookSignature, failure.to_string()).with_webhook_failure(failure)
    }

    /// Sets the provider instance that produced the error.
    pub fn with_provider(mut self, provider: ProviderId) -> Self {
        self.0.provider = Some(provider);
        self
    }

    /// Names `provider` unless the error already names one.
    pub fn or_provider(mut self, provider: &ProviderId) -> Self {
        self.0.provider.get_or_insert_with(|| provider.clone());
        self
    }

    /// Sets the HTTP status the gateway answered with.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.0.http_status = Some(status);
        self
    }

    /// Keeps the gateway's own error code.
    pub fn with_gateway_code(mut self, code: impl Into<String>) -> Self {
        self.0.gateway_code = Some(code.into());
        self
    }

    /// Keeps the gateway's own (redacted) message.
    pub fn with_gateway_message(mut self, message: impl Into<String>) -> Self {
        self.0.gateway_message = Some(message.into());
        self
    }

    /// Sets the normalized decline code.
    pub fn with_decline_code(mut self, code: DeclineCode) -> Self {
        self.0.decline_code = Some(code);
        self
    }

    /// Marks that the request may have reached the gateway: it may or may not have acted.
    pub fn with_outcome_unknown(mut self) -> Self {
        self.0.outcome_unknown = true;
        self
    }

    /// Clears the outcome-unknown mark (for reads, which have no side effect).
    pub fn with_outcome_known(mut self) -> Self {
        self.0.outcome_unknown = false;
        self
    }

    /// Sets how long the gateway asked us to wait.
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.0.retry_after = Some(wait);
        self
    }

    /// Sets the webhook failure reason.
    pub fn with_webhook_failure(mut self, failure: WebhookFailure) -> Self {
        self.0.webhook_failure = Some(failure);
        self
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// paymux's description of the failure.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The provider instance, where known.
    pub fn provider(&self) -> Option<&ProviderId> {
        self.0.provider.as_ref()
    }

    /// The HTTP status the gateway answered with, if it answered.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// The gateway's own error code (e.g. `"IR_05"`, `"4.01"`).
    pub fn gateway_code(&self) -> Option<&str> {
        self.0.gateway_code.as_deref()
    }

    /// The gateway's own message, redacted.
    pub fn gateway_message(&self) -> Option<&str> {
        self.0.gateway_message.as_deref()
    }

    /// The normalized decline code, for [`ErrorKind::Declined`].
    pub fn decline_code(&self) -> Option<&DeclineCode> {
        self.0.decline_code.as_ref()
    }

    /// `true` when the request may have reached the gateway and we do not know what it did.
    /// Never retry such a mutation blindly: look the resource up first.
    pub fn is_outcome_unknown(&self) -> bool {
        self.0.outcome_unknown
    }

    /// How long the gateway asked us to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Why a webhook was refused.
    pub fn webhook_failure(&self) -> Option<WebhookFailure> {
        self.0.webhook_failure
    }

    /// `true` when trying the same call again later may succeed (rate limits, 5xx, timeouts,
    /// connection failures). For mutations, only retry with the same idempotency key.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.0.kind,
            ErrorKind::RateLimited
                | ErrorKind::ProviderUnavailable
                | ErrorKind::Timeout
                | ErrorKind::Transport
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        if let Some(p) = &i.provider {
            write!(f, "{p}: ")?;
        }
        write!(f, "{}: {}", i.kind, i.message)?;
        if let Some(status) = i.http_status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(code) = &i.gateway_code {
            write!(f, " [gateway code {code}]")?;
        }
        if let Some(msg) = &i.gateway_message {
            write!(f, " gateway says: {msg}")?;
        }
        if i.outcome_unknown {
            f.write_str(" (outcome unknown: the request may have reached the gateway)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("message", &i.message)
            .field("provider", &i.provider)
            .field("http_status", &i.http_status)
            .field("gateway_code", &i.gateway_code)
            .field("gateway_message", &i.gateway_message)
            .field("decline_code", &i.decline_code)
            .field("outcome_unknown", &i.outcome_unknown)
            .field("retry_after", &i.retry_after)
            .field("webhook_failure", &i.webhook_failure)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// `true` when the error comes from an amount [`Money`](crate::Money) cannot hold (a
    /// currency outside ISO 4217, too many decimals, an amount out of range).
    pub fn is_money_error(&self) -> bool {
        std::error::Error::source(self).is_some_and(|s| s.is::<MoneyError>())
    }
}

impl From<MoneyError> for Error {
    fn from(e: MoneyError) -> Self {
        Error::invalid_request(e.to_string()).with_source(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_kinds() {
        for (kind, retryable) in [
            (ErrorKind::RateLimited, true),
            (ErrorKind::ProviderUnavailable, true),
            (ErrorKind::Timeout, true),
            (ErrorKind::Transport, true),
            (ErrorKind::InvalidRequest, false),
            (ErrorKind::Declined, false),
            (ErrorKind::Conflict, false),
            (ErrorKind::Authentication, false),
        ] {
            assert_eq!(Error::new(kind, "x").is_retryable(), retryable, "{kind}");
        }
    }

    #[test]
    fn display_names_kind_code_and_unknown_outcome() {
        let e = Error::new(ErrorKind::Conflict, "capture refused")
            .with_provider(ProviderId::new("paychtec"))
            .with_http_status(409)
            .with_gateway_code("IR_14")
            .with_outcome_unknown();
        let s = e.to_string();
        assert!(
            s.starts_with("paychtec: conflict: capture refused (HTTP 409) [gateway code IR_14]")
        );
        assert!(s.contains("outcome unknown"));
        assert!(e.is_outcome_unknown());
    }

    #[test]
    fn error_is_small() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
