//! Every status word, event type and decline code, in tables.
#![allow(clippy::unwrap_used)]

mod common;

use common::{connector, payment};
use paymux_core::{
    DeclineCode, EventKind, NextAction, PaymentId, PaymentProvider, PaymentStatus, RefundStatus,
};
use paymux_paynectra::{decline_code, event_kind, payment_status, refund_status};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// (word, status without a redirect, status with `next_action.redirect_to_url`).
const PAYMENT_WORDS: &[(&str, PaymentStatus, PaymentStatus)] = &[
    // A hosted page waiting for the customer is `RequiresAction`, as on every gateway.
    ("pending", PaymentStatus::Processing, PaymentStatus::RequiresAction),
    ("processing", PaymentStatus::Processing, PaymentStatus::Processing),
    (
        "requires_payment_method",
        PaymentStatus::RequiresPaymentMethod,
        PaymentStatus::RequiresPaymentMethod,
    ),
    (
        "requires_confirmation",
        PaymentStatus::RequiresConfirmation,
        PaymentStatus::RequiresConfirmation,
    ),
    ("requires_action", PaymentStatus::RequiresAction, PaymentStatus::RequiresAction),
    ("requires_capture", PaymentStatus::RequiresCapture, PaymentStatus::RequiresCapture),
    ("succeeded", PaymentStatus::Succeeded, PaymentStatus::Succeeded),
    ("failed", PaymentStatus::Failed, PaymentStatus::Failed),
    ("cancelled", PaymentStatus::Cancelled, PaymentStatus::Cancelled),
    ("canceled", PaymentStatus::Cancelled, PaymentStatus::Cancelled),
    // Unknown words: never final, never a success.
    ("settled_maybe", PaymentStatus::Processing, PaymentStatus::Processing),
    ("SUCCEEDED", PaymentStatus::Processing, PaymentStatus::Processing),
    ("", PaymentStatus::Processing, PaymentStatus::Processing),
];

const REDIRECT: &str = "https://hooks.paynectra.io/checkout/pay_x";

#[test]
fn payment_status_words() {
    for (word, without, with) in PAYMENT_WORDS {
        assert_eq!(payment_status(word, None), *without, "{word:?}");
        assert_eq!(payment_status(word, Some(REDIRECT)), *with, "{word:?} with a redirect");
    }
}

/// Every word on the wire, with and without a redirect: the raw word is kept, and
/// `next_action` is set exactly on `RequiresAction` payments that have one.
#[tokio::test]
async fn payment_status_words_on_the_wire_keep_the_raw_word() {
    let server = MockServer::start().await;
    for (i, (word, _, _)) in PAYMENT_WORDS.iter().enumerate() {
        let mut redirected = payment(&format!("pay_r{i}"), word, 100, "usd");
        redirected["next_action"] = json!({
            "type": "redirect_to_url",
            "redirect_to_url": {"url": REDIRECT, "return_url": "https://shop.example/r"}
        });
        for (id, body) in [
            (format!("pay_{i}"), payment(&format!("pay_{i}"), word, 100, "usd")),
            (format!("pay_r{i}"), redirected),
        ] {
            Mock::given(method("GET"))
                .and(path(format!("/v1/payments/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
                .mount(&server)
                .await;
        }
    }
    let c = connector(&server);
    for (i, (word, without, with)) in PAYMENT_WORDS.iter().enumerate() {
        let p = c.get_payment(&PaymentId::new(format!("pay_{i}"))).await.unwrap();
        assert_eq!(p.status, *without, "{word:?}");
        assert_eq!(p.raw_status, *word);
        assert_eq!(p.next_action, None, "{word:?}");
        let p = c.get_payment(&PaymentId::new(format!("pay_r{i}"))).await.unwrap();
        assert_eq!(p.status, *with, "{word:?} with a redirect");
        assert_eq!(p.raw_status, *word);
        let expected = (*with == PaymentStatus::RequiresAction)
            .then(|| NextAction::Redirect { url: REDIRECT.into() });
        assert_eq!(p.next_action, expected, "{word:?} with a redirect");
    }
}

#[test]
fn refund_status_words() {
    for (word, status) in [
        ("pending", RefundStatus::Pending),
        ("requires_action", RefundStatus::Pending),
        ("succeeded", RefundStatus::Succeeded),
        ("failed", RefundStatus::Failed),
        ("cancelled", RefundStatus::Cancelled),
        ("canceled", RefundStatus::Cancelled),
        ("in_transit", RefundStatus::Pending),
    ] {
        assert_eq!(refund_status(word), status, "{word}");
    }
}

#[test]
fn event_types() {
    for (word, kind) in [
        ("payment.succeeded", EventKind::PaymentSucceeded),
        ("payment.failed", EventKind::PaymentFailed),
        ("payment.canceled", EventKind::PaymentCancelled),
        ("payment.cancelled", EventKind::PaymentCancelled),
        ("payment.requires_capture", EventKind::PaymentAuthorized),
        ("payment.captured", EventKind::PaymentCaptured),
        ("payment.processing", EventKind::PaymentProcessing),
        ("payment.requires_action", EventKind::PaymentActionRequired),
        ("refund.succeeded", EventKind::RefundSucceeded),
        ("refund.failed", EventKind::RefundFailed),
        ("payment.created", EventKind::Other("payment.created".into())),
        ("dispute.created", EventKind::Other("dispute.created".into())),
    ] {
        assert_eq!(event_kind(word), kind, "{word}");
    }
}

#[test]
fn stripe_style_decline_codes() {
    for (word, code) in [
        ("insufficient_funds", DeclineCode::InsufficientFunds),
        ("card_velocity_exceeded", DeclineCode::InsufficientFunds),
        ("withdrawal_count_limit_exceeded", DeclineCode::InsufficientFunds),
        ("expired_card", DeclineCode::ExpiredCard),
        ("incorrect_cvc", DeclineCode::IncorrectCvc),
        ("invalid_cvc", DeclineCode::InvalidCvc),
        ("incorrect_number", DeclineCode::IncorrectNumber),
        ("invalid_number", DeclineCode::InvalidNumber),
        ("invalid_account", DeclineCode::InvalidNumber),
        ("invalid_expiry_month", DeclineCode::InvalidExpiryDate),
        ("invalid_expiry_year", DeclineCode::InvalidExpiryDate),
        ("incorrect_zip", DeclineCode::IncorrectZip),
        ("incorrect_address", DeclineCode::IncorrectAddress),
        ("incorrect_pin", DeclineCode::IncorrectPin),
        ("pin_try_exceeded", DeclineCode::IncorrectPin),
        ("processing_error", DeclineCode::ProcessingError),
        ("issuer_not_available", DeclineCode::ProcessingError),
        ("try_again_later", DeclineCode::ProcessingError),
        ("call_issuer", DeclineCode::CallIssuer),
        ("pickup_card", DeclineCode::PickUpCard),
        ("lost_card", DeclineCode::PickUpCard),
        ("stolen_card", DeclineCode::PickUpCard),
        ("fraudulent", DeclineCode::FraudSuspected),
        ("merchant_blacklist", DeclineCode::FraudSuspected),
        ("authentication_required", DeclineCode::AuthenticationRequired),
        ("amount_too_large", DeclineCode::InvalidAmount),
        ("card_not_supported", DeclineCode::UnsupportedFeature),
        ("currency_not_supported", DeclineCode::UnsupportedFeature),
        ("testmode_decline", DeclineCode::TestModeLiveCard),
        ("config_error", DeclineCode::ConfigError),
        ("generic_decline", DeclineCode::CardDeclined),
        ("do_not_honor", DeclineCode::CardDeclined),
        ("card_declined", DeclineCode::CardDeclined),
        ("something_new", DeclineCode::CardDeclined),
    ] {
        assert_eq!(decline_code(word), code, "{word}");
    }
}
