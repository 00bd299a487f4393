//! Turns a gateway's non-2xx answer into a typed [`Error`].

use http::StatusCode;

use crate::{DeclineCode, Error, ErrorKind};

/// What a connector read out of its gateway's error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayError {
    /// The gateway's code (`"IR_05"`, `"validation_error"`).
    pub code: Option<String>,
    /// The gateway's message.
    pub message: Option<String>,
    /// A kind that overrides the one derived from the HTTP status (e.g. a decline answered 400).
    pub kind: Option<ErrorKind>,
    /// The normalized decline code, for declines.
    pub decline_code: Option<DeclineCode>,
}

/// A connector's hook that reads its gateway's error shape. Returning `None` means "not my
/// shape": the error keeps the status-derived kind and a redacted snippet of the body.
pub type ErrorParser = fn(StatusCode, &[u8]) -> Option<GatewayError>;

/// The error kind for an HTTP status: 400/422 invalid request, 401/403 authentication,
/// 402 declined, 404 not found, 409 conflict, 429 rate limited, 5xx provider unavailable.
pub fn kind_for_status(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 | 403 => ErrorKind::Authentication,
        402 => ErrorKind::Declined,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProviderUnavailable,
        _ => ErrorKind::InvalidRequest,
    }
}

/// The most of a body that is not the gateway's error shape an error keeps.
pub(crate) const SNIPPET_CHARS: usize = 160;
/// The most of a gateway's own error message an error keeps.
const MESSAGE_CHARS: usize = 500;

/// Builds the error for a non-2xx answer.
pub(crate) fn error_for_status(
    status: StatusCode,
    body: &[u8],
    parser: Option<ErrorParser>,
    secrets: &[&str],
) -> Error {
    let parsed = parser.and_then(|p| p(status, body));
    let kind = parsed.as_ref().and_then(|g| g.kind).unwrap_or_else(|| kind_for_status(status));
    let mut err =
        Error::new(kind, format!("gateway answered {status}")).with_http_status(status.as_u16());
    match parsed {
        Some(g) => {
            if let Some(code) = g.code {
                err = err.with_gateway_code(crate::redact::gateway_text(&code, 64, secrets));
            }
            if let Some(msg) = g.message {
                err = err.with_gateway_message(crate::redact::gateway_text(
                    &msg,
                    MESSAGE_CHARS,
                    secrets,
                ));
            }
            if let Some(d) = g.decline_code {
                err = err.with_decline_code(d);
            }
        }
        None if !body.is_empty() => {
            err = err.with_gateway_message(crate::redact::snippet(body, SNIPPET_CHARS, secrets));
        }
        None => {}
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table() {
        for (code, kind) in [
            (400, ErrorKind::InvalidRequest),
            (422, ErrorKind::InvalidRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::Authentication),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::ProviderUnavailable),
            (502, ErrorKind::ProviderUnavailable),
            (503, ErrorKind::ProviderUnavailable),
        ] {
            assert_eq!(kind_for_status(StatusCode::from_u16(code).unwrap()), kind, "{code}");
        }
    }

    #[test]
    fn parser_overrides_and_secrets_are_masked() {
        fn parser(_: StatusCode, body: &[u8]) -> Option<GatewayError> {
            let v: serde_json::Value = serde_json::from_slice(body).ok()?;
            Some(GatewayError {
                code: v["code"].as_str().map(str::to_owned),
                message: v["message"].as_str().map(str::to_owned),
                kind: Some(ErrorKind::Declined),
                decline_code: Some(DeclineCode::CardDeclined),
            })
        }
        let body =
            br#"{"code":"card_declined","message":"key snd_secret_1 card 4242424242424242"}"#;
        let e = error_for_status(StatusCode::BAD_REQUEST, body, Some(parser), &["snd_secret_1"]);
        assert_eq!(e.kind(), ErrorKind::Declined);
        assert_eq!(e.gateway_code(), Some("card_declined"));
        let msg = e.gateway_message().unwrap();
        assert!(!msg.contains("snd_secret_1") && !msg.contains("4242424242424242"), "{msg}");
        assert_eq!(e.decline_code(), Some(&DeclineCode::CardDeclined));
    }
}
