//! Gateway error shapes mapped to `ErrorKind`, and validation that sends nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::transport::RetryPolicy;
use paymux_core::{
    CapturePayment, CreatePayment, CreateRefund, Currency, ErrorKind, ListPayments, Money,
    PageCursor, PaymentId, PaymentProvider, RefundReason,
};
use paymux_paymnt::{ListRefunds, Paymnt};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn error_body(kind: &str, code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"type": kind, "code": code, "message": message}})
}

#[tokio::test]
async fn capture_of_a_payment_not_awaiting_capture_is_a_conflict() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_done/capture"))
        .respond_with(ResponseTemplate::new(409).set_body_json(error_body(
            "invalid_request",
            "IR_14",
            "This Payment could not be captured because it has a payment.status of succeeded. The expected state is requires_capture",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let e = connector(&server)
        .capture_payment(&PaymentId::new("pay_done"), CapturePayment::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.http_status(), Some(409));
    assert_eq!(e.gateway_code(), Some("IR_14"));
    assert!(e.gateway_message().unwrap().contains("requires_capture"));
    assert_eq!(e.provider().unwrap().as_str(), "paymnt");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn capture_answered_400_is_an_invalid_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments/pay_cancelled/capture"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error_body(
            "invalid_request",
            "IR_16",
            "You cannot capture this payment because it has status cancelled",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let e = connector(&server)
        .capture_payment(
            &PaymentId::new("pay_cancelled"),
            CapturePayment::new().with_amount(usd(100)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.gateway_code(), Some("IR_16"));
}

#[tokio::test]
async fn error_shapes_to_kinds() {
    let cases = [
        (401, "authentication_error", "IR_01", ErrorKind::Authentication),
        (403, "invalid_request", "IR_02", ErrorKind::Authentication),
        (404, "invalid_request", "HE_02", ErrorKind::NotFound),
        (422, "invalid_request", "IR_06", ErrorKind::InvalidRequest),
        (400, "processing_error", "CE_01", ErrorKind::Declined),
        (429, "rate_limit_error", "RE_01", ErrorKind::RateLimited),
        (500, "api_error", "HE_00", ErrorKind::ProviderUnavailable),
    ];
    for (status, kind, code, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(error_body(kind, code, "m")))
            .mount(&server)
            .await;
        let c = Paymnt::new(config(&server).with_retry(RetryPolicy::none())).unwrap();
        let e = c.get_payment(&PaymentId::new("pay_1")).await.unwrap_err();
        assert_eq!(e.kind(), expected, "{status} {kind}");
        assert_eq!(e.gateway_code(), Some(code));
        assert_eq!(e.http_status(), Some(status));
    }
}

#[tokio::test]
async fn unreadable_success_answer_to_a_mutation_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"payment_id": "pay_1", "status": "succeeded", "amount": -5, "currency": "USD"}),
        ))
        .mount(&server)
        .await;
    let e = connector(&server)
        .create_payment(CreatePayment::new(usd(100)).with_confirm(false))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(e.is_outcome_unknown());
}

/// A server that must receive nothing.
async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    server
}

#[tokio::test]
async fn validation_sends_nothing() {
    let server = silent_server().await;
    let c = connector(&server);
    let invalid = |e: paymux_core::Error| assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");

    // One-step payment without a payment method.
    invalid(c.create_payment(CreatePayment::new(usd(1000))).await.unwrap_err());
    // Zero amount.
    invalid(c.create_payment(CreatePayment::new(usd(0)).with_confirm(false)).await.unwrap_err());
    // Order line in another currency.
    let eur = Money::from_minor(100, Currency::EUR).unwrap();
    invalid(
        c.create_payment(CreatePayment::new(usd(100)).with_confirm(false).with_order_line(
            paymux_core::OrderLine { name: "x".into(), quantity: 1, unit_amount: eur },
        ))
        .await
        .unwrap_err(),
    );
    // Zero capture.
    invalid(
        c.capture_payment(&PaymentId::new("pay_1"), CapturePayment::new().with_amount(usd(0)))
            .await
            .unwrap_err(),
    );
    // Ids that would change the path.
    for bad in ["", "../admin", "pay_1/cancel", "pay 1", "pay_1?x=1"] {
        invalid(c.get_payment(&PaymentId::new(bad)).await.unwrap_err());
        invalid(
            c.capture_payment(&PaymentId::new(bad), CapturePayment::default()).await.unwrap_err(),
        );
    }
    // Refund: zero amount, long refund id, long reason.
    let refund = || CreateRefund::new(PaymentId::new("pay_1"));
    invalid(c.create_refund(refund().with_amount(usd(0))).await.unwrap_err());
    invalid(c.create_refund(refund().with_merchant_refund_id("r".repeat(31))).await.unwrap_err());
    invalid(
        c.create_refund(refund().with_reason(RefundReason::Other("x".repeat(256))))
            .await
            .unwrap_err(),
    );
    // Lists page by offset only; a reference filter is Hyperswitch's
    // `merchant_order_reference_id`, at most 255 characters.
    invalid(
        c.list_payments(ListPayments::new().with_cursor(PageCursor::After("pay_1".into())))
            .await
            .unwrap_err(),
    );
    invalid(
        c.list_payments(ListPayments::new().with_merchant_reference("o".repeat(256)))
            .await
            .unwrap_err(),
    );
    invalid(
        c.list_refunds(ListRefunds {
            cursor: Some(PageCursor::Before("r".into())),
            ..ListRefunds::default()
        })
        .await
        .unwrap_err(),
    );
    // Non-card methods are unsupported, also without a request.
    let e = c
        .create_payment(
            CreatePayment::new(usd(100))
                .with_payment_method(paymux_core::PaymentMethod::HostedPage),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}
