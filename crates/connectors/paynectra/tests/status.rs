//! The contract tables are tests: every row of the tables in the crate's docs is read from the
//! source and checked against the mapping function, and every word Paynectra documents has a
//! row.
#![allow(clippy::unwrap_used)]

mod common;

use common::{connector, payment};
use paymux_core::connector::{doc_table, ticked};
use paymux_core::{DeclineCode, NextAction, PaymentId, PaymentProvider, PaymentStatus};
use paymux_paynectra::{decline_code, event_kind, payment_status, refund_status};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The source file whose docs hold the tables.
const SOURCE: &str = include_str!("../src/mapping/response.rs");

/// The rows of the doc table under `header` right above `pub fn <function>(`, header and
/// separator left out: (first cell, second cell).
fn table(function: &str, header: &str) -> Vec<(String, String)> {
    doc_table(SOURCE, &format!("pub fn {function}("), header)
        .unwrap_or_else(|| panic!("no table above {function}"))
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[1].clone()))
        .collect()
}

/// The one word between backticks in a cell.
fn one_word(cell: &str) -> &str {
    let w = ticked(cell);
    assert_eq!(w.len(), 1, "{cell}");
    w[0]
}

const REDIRECT: &str = "https://hooks.paynectra.io/checkout/pay_x";

fn redirect() -> NextAction {
    NextAction::Redirect { url: REDIRECT.into() }
}

/// Payment status words the guide documents (the list filter's `pending`, `succeeded`,
/// `failed`, `cancelled`) and `requires_capture`, decided in `NOTES.md` for manual capture.
const DOCUMENTED_PAYMENT_WORDS: &[&str] =
    &["pending", "succeeded", "failed", "cancelled", "requires_capture"];

#[test]
fn the_payment_status_table_is_the_mapping() {
    let rows = table("payment_status", "| word | status |");
    for (word_cell, status_cell) in &rows {
        let word = one_word(word_cell);
        let action = word_cell.contains("+ next action").then(redirect);
        let got = payment_status(word, action.as_ref());
        assert_eq!(format!("{got:?}"), one_word(status_cell), "{word_cell}");
    }
    for word in DOCUMENTED_PAYMENT_WORDS {
        assert!(rows.iter().any(|(w, _)| ticked(w) == [*word]), "no row for {word}");
    }
    // The rule for words outside the table.
    for word in ["settled_maybe", "SUCCEEDED", ""] {
        assert_eq!(payment_status(word, Some(&redirect())), PaymentStatus::Processing);
    }
}

#[test]
fn the_refund_status_table_is_the_mapping() {
    let rows = table("refund_status", "| word | status |");
    for (word_cell, status_cell) in &rows {
        let got = refund_status(one_word(word_cell));
        assert_eq!(format!("{got:?}"), one_word(status_cell), "{word_cell}");
    }
    // Stripe's refund statuses, whose shape Paynectra's answers follow.
    for word in ["pending", "requires_action", "succeeded", "failed", "canceled"] {
        assert!(rows.iter().any(|(w, _)| ticked(w) == [word]), "no row for {word}");
    }
    assert_eq!(format!("{:?}", refund_status("in_transit")), "Pending");
}

#[test]
fn the_event_type_table_is_the_mapping() {
    let rows = table("event_kind", "| type | kind |");
    for (word_cell, kind_cell) in &rows {
        let got = event_kind(one_word(word_cell));
        assert_eq!(format!("{got:?}"), one_word(kind_cell), "{word_cell}");
    }
    // NOTES.md names `payment.succeeded` and `refund.succeeded`; the rest are their siblings
    // for every status a payment or refund can reach.
    for word in [
        "payment.succeeded",
        "payment.failed",
        "payment.cancelled",
        "payment.requires_capture",
        "payment.processing",
        "payment.requires_action",
        "refund.succeeded",
        "refund.failed",
    ] {
        assert!(rows.iter().any(|(w, _)| ticked(w) == [word]), "no row for {word}");
    }
    for other in ["payment.created", "dispute.created", ""] {
        assert_eq!(event_kind(other).as_str(), other);
    }
}

/// Stripe's published decline codes (Paynectra's guide names none; its shape is Stripe's).
const STRIPE_DECLINE_CODES: &[&str] = &[
    "authentication_required",
    "approve_with_id",
    "call_issuer",
    "card_not_supported",
    "card_velocity_exceeded",
    "currency_not_supported",
    "do_not_honor",
    "do_not_try_again",
    "duplicate_transaction",
    "expired_card",
    "fraudulent",
    "generic_decline",
    "incorrect_number",
    "incorrect_cvc",
    "incorrect_pin",
    "incorrect_zip",
    "insufficient_funds",
    "invalid_account",
    "invalid_amount",
    "invalid_cvc",
    "invalid_expiry_month",
    "invalid_expiry_year",
    "invalid_number",
    "invalid_pin",
    "issuer_not_available",
    "lost_card",
    "merchant_blacklist",
    "new_account_information_available",
    "no_action_taken",
    "not_permitted",
    "offline_pin_required",
    "online_or_offline_pin_required",
    "pickup_card",
    "pin_try_exceeded",
    "processing_error",
    "reenter_transaction",
    "restricted_card",
    "revocation_of_all_authorizations",
    "revocation_of_authorization",
    "security_violation",
    "service_not_allowed",
    "stolen_card",
    "stop_payment_order",
    "testmode_decline",
    "transaction_not_allowed",
    "try_again_later",
    "withdrawal_count_limit_exceeded",
];

#[test]
fn the_decline_code_table_is_the_mapping() {
    let rows = table("decline_code", "| gateway code(s) |");
    let mut covered = Vec::new();
    for (codes_cell, normalized_cell) in &rows {
        let normalized = one_word(normalized_cell);
        for code in ticked(codes_cell) {
            assert_eq!(decline_code(code).as_str(), normalized, "{code}");
            covered.push(code);
        }
    }
    for code in STRIPE_DECLINE_CODES {
        assert!(covered.contains(code), "no row for {code}");
    }
    assert_eq!(decline_code("something_new"), DeclineCode::CardDeclined);
}

/// (word, status without a next action, status with `next_action.redirect_to_url`).
const PAYMENT_WORDS: &[(&str, PaymentStatus, PaymentStatus)] = &[
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
    ("requires_action", PaymentStatus::Processing, PaymentStatus::RequiresAction),
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

/// Every word on the wire, with and without a redirect: the raw word is kept, `next_action`
/// is set exactly on `RequiresAction` payments, and every payment keeps the contract (the
/// common connector checks `contract_breach`: a `failed` one has a failure, a
/// `requires_capture` one an `amount_capturable`).
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
        let expected = (*with == PaymentStatus::RequiresAction).then(redirect);
        assert_eq!(p.next_action, expected, "{word:?} with a redirect");
    }
}

/// A `next_action` that is not a redirect (an SDK step) is given as instructions, as sent.
#[tokio::test]
async fn another_next_action_is_instructions() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_sdk", "requires_action", 100, "usd");
    answer["next_action"] = json!({"type": "use_sdk", "use_sdk": {"token": "tok_1"}});
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_sdk"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_sdk")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Instructions { data: answer["next_action"].clone() })
    );
}
