//! The `{"error": {...}}` body through the transport's `ErrorParser` hook.
#![allow(clippy::unwrap_used)]

use paymux_core::http::StatusCode;
use paymux_core::transport::ErrorParser;
use paymux_core::{DeclineCode, ErrorKind};
use paymux_hyperswitch_family::{error_kind, error_parser};

fn body(kind: &str, code: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"error": {"type": kind, "code": code, "message": message}}),
    )
    .unwrap()
}

#[test]
fn is_an_error_parser() {
    let _hook: ErrorParser = error_parser;
}

#[test]
fn type_and_status_table() {
    let cases = [
        // (status, type, expected): the status wins where it is specific.
        (400, "invalid_request", ErrorKind::InvalidRequest),
        (422, "invalid_request", ErrorKind::InvalidRequest),
        (400, "authentication_error", ErrorKind::Authentication),
        (400, "processing_error", ErrorKind::Declined),
        (422, "processing_error", ErrorKind::Declined),
        (400, "rate_limit_error", ErrorKind::RateLimited),
        (400, "api_error", ErrorKind::ProviderUnavailable),
        (400, "something_new", ErrorKind::InvalidRequest),
        (401, "authentication_error", ErrorKind::Authentication),
        (403, "invalid_request", ErrorKind::Authentication),
        (404, "invalid_request", ErrorKind::NotFound),
        (409, "invalid_request", ErrorKind::Conflict),
        (409, "processing_error", ErrorKind::Conflict),
        (429, "rate_limit_error", ErrorKind::RateLimited),
        (500, "api_error", ErrorKind::ProviderUnavailable),
        (502, "processing_error", ErrorKind::ProviderUnavailable),
        (503, "invalid_request", ErrorKind::ProviderUnavailable),
    ];
    for (status, kind, expected) in cases {
        let status = StatusCode::from_u16(status).unwrap();
        assert_eq!(error_kind(status, Some(kind)), expected, "{status} {kind}");
        let parsed = error_parser(status, &body(kind, "XX_01", "msg")).unwrap();
        assert_eq!(parsed.kind, Some(expected), "{status} {kind}");
        assert_eq!(parsed.code.as_deref(), Some("XX_01"));
        assert_eq!(parsed.message.as_deref(), Some("msg"));
    }
}

#[test]
fn capture_of_a_captured_payment_is_a_conflict() {
    let b = body(
        "invalid_request",
        "IR_14",
        "This Payment could not be captured because it has a payment.status of succeeded",
    );
    let e = error_parser(StatusCode::CONFLICT, &b).unwrap();
    assert_eq!(e.kind, Some(ErrorKind::Conflict));
    assert_eq!(e.code.as_deref(), Some("IR_14"));
    assert_eq!(e.decline_code, None);
}

#[test]
fn declines_carry_a_decline_code() {
    let e = error_parser(StatusCode::BAD_REQUEST, &body("processing_error", "CE_01", "failed"))
        .unwrap();
    assert_eq!(e.decline_code, Some(DeclineCode::ProcessingError));
    let e = error_parser(
        StatusCode::BAD_REQUEST,
        &body("processing_error", "insufficient_funds", "no"),
    )
    .unwrap();
    assert_eq!(e.decline_code, Some(DeclineCode::InsufficientFunds));
    let e =
        error_parser(StatusCode::PAYMENT_REQUIRED, &body("invalid_request", "X", "no")).unwrap();
    assert_eq!(e.kind, Some(ErrorKind::Declined));
    assert_eq!(e.decline_code, Some(DeclineCode::CardDeclined));
}

#[test]
fn missing_fields_and_foreign_shapes() {
    let e =
        error_parser(StatusCode::BAD_REQUEST, br#"{"error":{"type":"invalid_request"}}"#).unwrap();
    assert_eq!(e.kind, Some(ErrorKind::InvalidRequest));
    assert_eq!(e.code.as_deref(), Some("invalid_request"), "type stands in for a missing code");
    assert_eq!(e.message, None);
    let e = error_parser(StatusCode::UNAUTHORIZED, br#"{"error":{}}"#).unwrap();
    assert_eq!(e.kind, Some(ErrorKind::Authentication));
    assert!(error_parser(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>").is_none());
    assert!(error_parser(StatusCode::BAD_REQUEST, br#"{"message":"x"}"#).is_none());
    assert!(error_parser(StatusCode::BAD_REQUEST, b"").is_none());
}
