//! Webhooks verified against vectors computed by `tests/fixtures/make_webhook_vectors.py`.
#![allow(clippy::unwrap_used)]

mod common;

use http::{HeaderMap, HeaderValue};
use paymux_core::{
    Currency, DeclineCode, ErrorKind, EventId, EventKind, Failure, GatewayAmount, Money,
    PaymentProvider, PaymentStatus, PayoutId, PayoutStatus, RefundStatus, UnreadProblem,
    WebhookEvent, WebhookFailure, WebhookResource,
};
use paymux_paytech::Paytech;
use rust_decimal::Decimal;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/webhook_vectors.json")).unwrap()
}

fn case(name: &str) -> (String, String, String) {
    let v = vectors();
    let c = v["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    (
        c["body"].as_str().unwrap().to_owned(),
        c["signature"].as_str().unwrap().to_owned(),
        c["signature_wrong_key"].as_str().unwrap().to_owned(),
    )
}

fn connector() -> common::Checked {
    // No request is made: any base URL will do.
    common::connector("http://127.0.0.1:9")
}

fn headers(signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("Signature", HeaderValue::from_str(signature).unwrap());
    h.insert("content-type", HeaderValue::from_static("application/json"));
    h
}

/// The event of a signed vector: accepted, with the body kept exactly (and a payment
/// resource that keeps the contract, checked by `common::Checked`).
fn parse(name: &str) -> WebhookEvent {
    let (body, sig, _) = case(name);
    let event = connector().parse_webhook(&headers(&sig), body.as_bytes()).unwrap();
    assert_eq!(event.raw.as_str(), body, "{name}");
    event
}

/// What an event left unread, as (pointer, problem).
fn unread(e: &WebhookEvent) -> Vec<(&str, UnreadProblem)> {
    e.unread.iter().map(|u| (u.pointer.as_str(), u.problem)).collect()
}

fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency).unwrap()
}

#[test]
fn the_fixture_key_is_the_configured_one() {
    assert_eq!(vectors()["key"], common::SIGNING_KEY);
}

#[test]
fn the_guides_cancelled_example_is_an_expired_deposit() {
    let e = parse("deposit_cancelled_timeout");
    assert_eq!(e.id, EventId::new("9e9003d7f3324fc6828481c665d8bab5:CANCELLED"));
    assert_eq!(e.kind, EventKind::PaymentExpired);
    assert_eq!(e.provider.as_str(), "paytech");
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.status, PaymentStatus::Expired);
    assert_eq!(p.raw_status, "CANCELLED");
    assert_eq!(p.amount, Some(money(2000, Currency::CLP)));
    let failure = p.failure.as_ref().unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("1.04"));
    assert_eq!(failure.code, None);
    assert_eq!(e.raw["paymentMethod"], "BANKTRANSFER");
}

#[test]
fn completed_deposit_keeps_requested_and_received_amounts() {
    let e = parse("deposit_completed");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    assert_eq!(e.id, EventId::new("91d27876e87f4b22b3ecd53924bf973d:COMPLETED"));
    let WebhookResource::Payment(p) = &e.resource else { panic!() };
    assert_eq!(p.amount, Some(money(1500, Currency::USD)));
    assert_eq!(p.amount_received, Some(money(1112, Currency::EUR)));
    assert_eq!(p.merchant_reference.as_deref(), Some("order-123"));
}

#[test]
fn declined_deposit_has_the_normalized_code() {
    let e = parse("deposit_declined");
    assert_eq!(e.kind, EventKind::PaymentFailed);
    let WebhookResource::Payment(p) = &e.resource else { panic!() };
    assert_eq!(p.amount, Some(money(30, Currency::EUR)));
    assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
}

#[test]
fn authorized_three_decimal_deposit_is_exact() {
    let e = parse("deposit_authorized_kwd");
    assert_eq!(e.kind, EventKind::PaymentAuthorized);
    let WebhookResource::Payment(p) = &e.resource else { panic!() };
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount, Some(money(1_234_567_891, Currency::KWD)));
    assert_eq!(p.amount_capturable, p.amount);
}

#[test]
fn refund_states_are_refund_events() {
    let e = parse("refund_completed");
    assert_eq!(e.kind, EventKind::RefundSucceeded);
    let WebhookResource::Refund(r) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.payment_id.as_str(), "96365a23dca04a5a9bcbb0031e7b06ac");
    assert_eq!(r.amount, money(1001, Currency::GBP));
    assert_eq!(r.merchant_refund_id.as_deref(), Some("refund-1"));
}

#[test]
fn withdrawals_are_payout_events() {
    let e = parse("withdrawal_declined");
    assert_eq!(e.kind, EventKind::PayoutFailed);
    assert_eq!(e.id, EventId::new("7a1ca455643c41fab7c611f003907ad8:DECLINED"));
    let WebhookResource::Payout(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.id, PayoutId::new("7a1ca455643c41fab7c611f003907ad8"));
    assert_eq!((p.status, p.raw_status.as_str()), (PayoutStatus::Failed, "DECLINED"));
    assert_eq!(p.amount, Some(money(1001, Currency::GBP)));
    let failure = p.failure.as_ref().unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("1.10"));
    assert_eq!(failure.message.as_deref(), Some("Insufficient Balance"));
    assert!(unread(&e).is_empty(), "{:?}", e.unread);

    let e = parse("withdrawal_completed");
    assert_eq!(e.kind, EventKind::PayoutSucceeded);
    let WebhookResource::Payout(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.status, PayoutStatus::Succeeded);
    assert_eq!(p.amount, Some(money(10000, Currency::BRL)));
    assert_eq!(p.merchant_reference.as_deref(), Some("payout-1"));
    assert_eq!(p.customer_id.as_ref().map(|c| c.as_str()), Some("seller_41"));
    assert_eq!(p.created_at, Some(time::macros::datetime!(2030-12-25 10:11:12 UTC)));
    assert_eq!(p.failure, None);

    // A merchant's rejection is a cancellation, not a failure.
    let e = parse("withdrawal_rejected");
    assert_eq!(e.kind, EventKind::PayoutCancelled);
    let WebhookResource::Payout(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!((p.status, p.failure.as_ref()), (PayoutStatus::Cancelled, None));
}

#[test]
fn a_payout_money_cannot_hold_is_read_with_the_gateways_figure_and_noted() {
    let e = parse("withdrawal_in_usdt");
    assert_eq!(e.kind, EventKind::PayoutSucceeded);
    let WebhookResource::Payout(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.amount, None);
    let figure = GatewayAmount::new(Decimal::new(12_345_678, 6), "USDT");
    assert_eq!(p.gateway_amount, Some(figure));
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Unsupported)]);
}

#[test]
fn a_payout_event_without_its_amount_is_other_with_a_note() {
    let e = parse("withdrawal_without_amount");
    assert_eq!(e.kind, EventKind::PayoutSucceeded);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Missing)]);
}

#[test]
fn a_redelivery_has_the_same_event_id() {
    assert_eq!(parse("deposit_completed").id, parse("deposit_completed").id);
    assert_ne!(parse("deposit_completed").id, parse("deposit_declined").id);
}

fn failure_of(result: paymux_core::Result<WebhookEvent>) -> Option<WebhookFailure> {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature, "{err}");
    err.webhook_failure()
}

#[test]
fn tampered_body_is_refused() {
    let (body, sig, _) = case("deposit_declined");
    let tampered = body.replace("\"DECLINED\"", "\"COMPLETED\"");
    assert_ne!(tampered, body);
    let r = connector().parse_webhook(&headers(&sig), tampered.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::Mismatch));
    // One byte of whitespace is tampering too: verification is over the raw bytes.
    let spaced = format!("{body} ");
    let r = connector().parse_webhook(&headers(&sig), spaced.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::Mismatch));
}

#[test]
fn a_signature_made_with_another_key_is_refused() {
    let (body, _, wrong) = case("deposit_completed");
    let r = connector().parse_webhook(&headers(&wrong), body.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::Mismatch));
}

#[test]
fn missing_or_malformed_header_is_refused() {
    let (body, sig, _) = case("deposit_completed");
    let r = connector().parse_webhook(&HeaderMap::new(), body.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::MissingHeader));
    let r = connector().parse_webhook(&headers("not-hex!"), body.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::BadEncoding));
    // A correct signature under another header name does not count.
    let mut h = HeaderMap::new();
    h.insert("X-Signature", HeaderValue::from_str(&sig).unwrap());
    assert_eq!(
        failure_of(connector().parse_webhook(&h, body.as_bytes())),
        Some(WebhookFailure::MissingHeader)
    );
}

// ---- Leniency: a verified JSON body is never refused for its content --------------------

#[test]
fn without_an_id_the_event_is_named_by_its_bytes_and_the_resource_is_other() {
    let e = parse("signed_without_id");
    assert!(e.id.as_str().starts_with("sha256:"), "{}", e.id);
    assert_eq!(e.id, parse("signed_without_id").id, "a redelivery has the same id");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(
        unread(&e),
        [("/paymentType", UnreadProblem::Missing), ("/id", UnreadProblem::Missing)]
    );
}

#[test]
fn without_an_amount_or_a_currency_the_resource_is_other() {
    let e = parse("deposit_without_amount");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    assert_eq!(e.id, EventId::new("a1000000000000000000000000000001:COMPLETED"));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Missing)]);

    let e = parse("deposit_without_currency");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/currency", UnreadProblem::Missing)]);
}

#[test]
fn without_a_state_the_kind_is_other_empty_and_the_payment_is_not_final() {
    let e = parse("deposit_without_state");
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert!(e.id.as_str().starts_with("sha256:"), "{}", e.id);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.status, PaymentStatus::Processing);
    assert_eq!(p.raw_status, "");
    assert_eq!(p.amount, Some(money(1050, Currency::EUR)));
    assert_eq!(unread(&e), [("/state", UnreadProblem::Missing)]);
}

#[test]
fn without_a_payment_type_it_is_read_as_a_deposit_and_noted() {
    let e = parse("deposit_without_type");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.amount, Some(money(1050, Currency::EUR)));
    assert_eq!(unread(&e), [("/paymentType", UnreadProblem::Missing)]);
}

#[test]
fn unknown_types_and_states_are_accepted() {
    let e = parse("unknown_type");
    assert_eq!(e.kind, EventKind::Other("chargeback_completed".into()));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/paymentType", UnreadProblem::Unsupported)]);

    // An unknown state is mapped by the rule for unknown words: nothing is unread.
    let e = parse("unknown_state");
    assert_eq!(e.kind, EventKind::PaymentProcessing);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!((p.status, p.raw_status.as_str()), (PaymentStatus::Processing, "REVERSED"));
    assert!(e.unread.is_empty(), "{:?}", e.unread);
}

#[test]
fn a_cryptocurrency_deposit_keeps_the_gateway_amount_exactly() {
    let e = parse("deposit_crypto");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, None);
    assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::new(12345, 8), "BTC")));
    assert_eq!(p.amount_received, None);
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Unsupported)]);
}

#[test]
fn a_deposit_converted_to_a_cryptocurrency_keeps_the_requested_money() {
    let e = parse("deposit_converted_to_crypto");
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.amount, Some(money(1500, Currency::USD)));
    assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::new(25, 5), "BTC")));
    assert_eq!(p.amount_received, None);
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Unsupported)]);
}

#[test]
fn more_decimals_than_the_currency_has_are_kept_not_rounded() {
    let e = parse("deposit_extra_decimals");
    assert_eq!(e.kind, EventKind::PaymentSucceeded);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.amount, None);
    assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::new(10125, 3), "EUR")));
    assert_eq!(p.gateway_amount.as_ref().unwrap().to_string(), "10.125 EUR");
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Unsupported)]);
}

#[test]
fn a_decline_without_a_code_still_says_it_failed() {
    let e = parse("deposit_declined_without_code");
    assert_eq!(e.kind, EventKind::PaymentFailed);
    let WebhookResource::Payment(p) = &e.resource else { panic!("{:?}", e.resource) };
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.failure, Some(Failure::default()));
}

#[test]
fn a_refund_without_its_parent_is_accepted() {
    let e = parse("refund_without_parent");
    assert_eq!(e.kind, EventKind::RefundSucceeded);
    assert_eq!(e.id, EventId::new("a1000000000000000000000000000011:COMPLETED"));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/parentPaymentId", UnreadProblem::Missing)]);
    assert_eq!(e.raw["referenceId"], "refund-2");
}

#[test]
fn a_refund_in_a_cryptocurrency_is_accepted() {
    let e = parse("refund_crypto");
    assert_eq!(e.kind, EventKind::RefundSucceeded);
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(unread(&e), [("/amount", UnreadProblem::Unsupported)]);
}

#[test]
fn fields_of_other_types_are_noted_as_invalid() {
    let e = parse("fields_of_other_types");
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert_eq!(e.resource, WebhookResource::Other);
    assert_eq!(
        unread(&e),
        [("/state", UnreadProblem::Invalid), ("/amount", UnreadProblem::Invalid)]
    );
}

#[test]
fn a_body_that_is_not_an_object_is_accepted_as_other() {
    let e = parse("not_an_object");
    assert_eq!(e.kind, EventKind::Other(String::new()));
    assert_eq!(e.resource, WebhookResource::Other);
    assert!(e.id.as_str().starts_with("sha256:"));
}

#[test]
fn a_verified_body_that_is_not_json_is_its_own_error() {
    let (body, sig, wrong) = case("not_json");
    let err = connector().parse_webhook(&headers(&sig), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookNotJson, "{err}");
    assert_eq!(err.webhook_failure(), None);
    // Unverified, it is a signature failure like any other body.
    let r = connector().parse_webhook(&headers(&wrong), body.as_bytes());
    assert_eq!(failure_of(r), Some(WebhookFailure::Mismatch));
}

#[test]
fn only_signatures_give_signature_errors() {
    let v = vectors();
    for c in v["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let body = c["body"].as_str().unwrap();
        let right =
            connector().parse_webhook(&headers(c["signature"].as_str().unwrap()), body.as_bytes());
        match right {
            Ok(event) => assert_eq!(event.raw.as_str(), body, "{name}"),
            Err(e) => {
                assert_eq!(name, "not_json");
                assert_eq!(e.kind(), ErrorKind::WebhookNotJson, "{name}");
            }
        }
        let wrong = connector()
            .parse_webhook(&headers(c["signature_wrong_key"].as_str().unwrap()), body.as_bytes());
        assert_eq!(failure_of(wrong), Some(WebhookFailure::Mismatch), "{name}");
    }
}

#[test]
fn without_a_signing_key_webhooks_are_a_configuration_error() {
    let (body, sig, _) = case("deposit_completed");
    let mut config = common::config("http://127.0.0.1:9");
    config.signing_key = None;
    let paytech = Paytech::new(config).unwrap();
    let err = paytech.parse_webhook(&headers(&sig), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn event_kinds_per_type_and_state() {
    use paymux_paytech::webhook::event_kind;
    for (ty, state, code, kind) in [
        ("DEPOSIT", "COMPLETED", None, EventKind::PaymentSucceeded),
        ("DEPOSIT", "DECLINED", Some("4.01"), EventKind::PaymentFailed),
        ("DEPOSIT", "CANCELLED", None, EventKind::PaymentCancelled),
        ("DEPOSIT", "CANCELLED", Some("1.04"), EventKind::PaymentExpired),
        ("DEPOSIT", "AUTHORIZED", None, EventKind::PaymentAuthorized),
        ("DEPOSIT", "CHECKOUT", None, EventKind::PaymentActionRequired),
        ("DEPOSIT", "PENDING", None, EventKind::PaymentProcessing),
        ("DEPOSIT", "SOMETHING_NEW", None, EventKind::PaymentProcessing),
        ("REFUND", "COMPLETED", None, EventKind::RefundSucceeded),
        ("REFUND", "DECLINED", None, EventKind::RefundFailed),
        ("REFUND", "CANCELLED", None, EventKind::RefundFailed),
        ("REFUND", "PENDING", None, EventKind::Other("refund_pending".into())),
        ("WITHDRAWAL", "COMPLETED", None, EventKind::PayoutSucceeded),
        ("WITHDRAWAL", "DECLINED", None, EventKind::PayoutFailed),
        ("WITHDRAWAL", "CANCELLED", None, EventKind::PayoutCancelled),
        ("WITHDRAWAL", "AWAITING_APPROVAL", None, EventKind::PayoutActionRequired),
        ("WITHDRAWAL", "CHECKOUT", None, EventKind::PayoutActionRequired),
        ("WITHDRAWAL", "PENDING", None, EventKind::PayoutProcessing),
        ("WITHDRAWAL", "AUTHORIZED", None, EventKind::PayoutProcessing),
        ("WITHDRAWAL", "SOMETHING_NEW", None, EventKind::PayoutProcessing),
        ("CHARGEBACK", "COMPLETED", None, EventKind::Other("chargeback_completed".into())),
    ] {
        assert_eq!(event_kind(ty, state, code), kind, "{ty} {state}");
    }
}
