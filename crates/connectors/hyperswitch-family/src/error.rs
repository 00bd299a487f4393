//! The family's error body `{"error": {"type", "code", "message"}}` and its
//! [`ErrorParser`](paymux_core::transport::ErrorParser).

use paymux_core::http::StatusCode;
use paymux_core::transport::{GatewayError, kind_for_status};
use paymux_core::{DeclineCode, Error, ErrorKind};
use serde::{Deserialize, Serialize};

/// An error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// `authentication_error`, `invalid_request`, `processing_error`, `rate_limit_error`,
    /// `api_error`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The gateway's code (`"IR_06"`, `"HE_02"`).
    #[serde(default)]
    pub code: Option<String>,
    /// The gateway's message.
    #[serde(default)]
    pub message: Option<String>,
}

/// The [`ErrorKind`] for an error `type` and HTTP status.
///
/// The status wins where it is specific (401/403 authentication, 402 declined, 404 not found,
/// 408 timeout, 409 conflict, 429 rate limited, 5xx provider unavailable). For the generic
/// 400, 422 and other 4xx the `type` decides:
///
/// | `type` | kind | why |
/// |---|---|---|
/// | `authentication_error` | `Authentication` | |
/// | `invalid_request` | `InvalidRequest` | |
/// | `processing_error` | `Declined` | the payment processor refused the operation; the request itself was well formed |
/// | `rate_limit_error` | `RateLimited` | |
/// | `api_error` | `ProviderUnavailable` | the gateway's own failure |
/// | anything else | `InvalidRequest` | an unknown or absent type |
pub fn error_kind(status: StatusCode, error_type: Option<&str>) -> ErrorKind {
    let by_status = kind_for_status(status);
    if by_status != ErrorKind::InvalidRequest {
        return by_status;
    }
    match error_type {
        Some("authentication_error") => ErrorKind::Authentication,
        Some("processing_error") => ErrorKind::Declined,
        Some("rate_limit_error") => ErrorKind::RateLimited,
        Some("api_error") => ErrorKind::ProviderUnavailable,
        _ => ErrorKind::InvalidRequest,
    }
}

/// The code of an illegal state move (capture after cancel, cancel after capture, ...).
pub const BAD_STATE_CODE: &str = "IR_14";

/// The code of a duplicate: a merchant-chosen `payment_id`, `refund_id` or `customer_id` the
/// gateway already holds.
pub const DUPLICATE_CODE: &str = "HE_01";

/// The [`ErrorKind`] for an error `type`, `code` and HTTP status: [`error_kind`], except for
/// the codes below with a generic 4xx status (400, 422, ...; whatever its `type`), which a
/// Hyperswitch backend answers with HTTP 400, so that the status alone would read them as a
/// bad request.
///
/// | `code` | kind | why |
/// |---|---|---|
/// | `IR_14` | `Conflict` | [`BAD_STATE_CODE`]: an illegal state move (capture after cancel, ...) |
/// | `HE_01` | `Conflict` | [`DUPLICATE_CODE`]: the merchant id is taken ([`is_duplicate`]) |
/// | anything else | as its `type` | [`error_kind`] |
pub fn error_kind_for_code(
    status: StatusCode,
    error_type: Option<&str>,
    code: Option<&str>,
) -> ErrorKind {
    let generic_4xx =
        status.is_client_error() && kind_for_status(status) == ErrorKind::InvalidRequest;
    if generic_4xx && matches!(code, Some(BAD_STATE_CODE | DUPLICATE_CODE)) {
        return ErrorKind::Conflict;
    }
    error_kind(status, error_type)
}

/// `true` for the gateway's duplicate answer ([`DUPLICATE_CODE`], a
/// [`Conflict`](ErrorKind::Conflict)): the merchant id sent is already taken.
pub fn is_duplicate(err: &Error) -> bool {
    err.kind() == ErrorKind::Conflict && err.gateway_code() == Some(DUPLICATE_CODE)
}

/// Reads the family's error body (kind per [`error_kind_for_code`]; for declines, the decline code from
/// the gateway's code where it is a standard word, else `processing_error` for a
/// `processing_error` type and `card_declined` otherwise); `None` when the body is not that shape (the transport then
/// keeps the status-derived kind and a redacted snippet). Usable as
/// `TransportConfig::error_parser`.
///
/// ```
/// use paymux_core::{ErrorKind, http::StatusCode};
/// let body = br#"{"error":{"type":"invalid_request","code":"IR_14","message":"already captured"}}"#;
/// let e = paymux_hyperswitch_family::error_parser(StatusCode::BAD_REQUEST, body).unwrap();
/// assert_eq!(e.kind, Some(ErrorKind::Conflict));
/// assert_eq!(e.code.as_deref(), Some("IR_14"));
/// ```
pub fn error_parser(status: StatusCode, body: &[u8]) -> Option<GatewayError> {
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    let detail = parsed.error;
    let kind = error_kind_for_code(status, detail.kind.as_deref(), detail.code.as_deref());
    let decline_code = (kind == ErrorKind::Declined).then(|| {
        detail.code.as_deref().and_then(crate::mapping::decline_code).unwrap_or(
            if detail.kind.as_deref() == Some("processing_error") {
                DeclineCode::ProcessingError
            } else {
                DeclineCode::CardDeclined
            },
        )
    });
    Some(GatewayError {
        code: detail.code.or(detail.kind),
        message: detail.message,
        kind: Some(kind),
        decline_code,
    })
}
