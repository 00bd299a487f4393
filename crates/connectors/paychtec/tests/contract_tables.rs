//! The contract tables through this connector: every status word, refund word and decline
//! code the gateway documents (the family crate's word lists, transcribed from the documents
//! and checked against them by the family's `tests/doc_tables.rs`; the decline table read from
//! this crate's docs in `src/lib.rs`), fed back as the gateway answers, reads as the tables say
//! and keeps the contract (`Payment::contract_breach() == None`). Event types: every one is
//! read in `tests/lenient_webhooks.rs`.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::connector::{doc_table, ticked};
use paymux_core::{
    DeclineCode, DisputeId, DisputeStatus, PaymentId, PaymentProvider, PaymentStatus, PayoutId,
    PayoutStatus, RefundId,
};
use paymux_hyperswitch_family::status::{
    DISPUTE_STAGE_WORDS, DISPUTE_STATUS_WORDS, PAYMENT_STATUS_WORDS, PAYOUT_STATUS_WORDS,
    REFUND_STATUS_WORDS,
};
use paymux_hyperswitch_family::{
    dispute_stage, dispute_status, payment_status, payout_status, refund_status,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIB_RS: &str = include_str!("../src/lib.rs");

/// A word no gateway documents: the tables' "anything else" rows.
const UNKNOWN: &str = "word_nobody_documents";

async fn answer(server: &MockServer, route: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

/// The least a payment answer carries: the status word and the amount, and the customer's
/// next step (which only a customer status keeps; without it that status reads `Processing`).
fn least_payment(id: &str, word: &str) -> Value {
    json!({"payment_id": id, "status": word, "amount": 6540, "currency": "USD",
           "next_action": {"type": "redirect_to_url", "redirect_to_url": "https://3ds.example/a"}})
}

#[tokio::test]
async fn every_documented_payment_status_word() {
    let (server, connector) = setup().await;
    for (i, word) in PAYMENT_STATUS_WORDS.into_iter().chain([UNKNOWN]).enumerate() {
        let id = format!("pay_{i}");
        answer(&server, &format!("/payments/{id}"), least_payment(&id, word)).await;
        let p = connector.get_payment(&PaymentId::new(id)).await.unwrap().kept();
        assert_eq!(p.status, payment_status(word), "{word}");
        assert_eq!(p.raw_status, word);
        assert_eq!(p.next_action.is_some(), p.status == PaymentStatus::RequiresAction, "{word}");
        if p.status == PaymentStatus::RequiresCapture {
            assert_eq!(p.amount_capturable, p.amount, "{word}: authorized in full unless said");
        }
        if p.status == PaymentStatus::Failed {
            assert_eq!(p.failure, Some(Default::default()), "{word}: a failure, if empty");
        }
    }
    assert_eq!(payment_status(UNKNOWN), PaymentStatus::Processing);
}

#[tokio::test]
async fn every_documented_refund_status_word() {
    let (server, connector) = setup().await;
    for (i, word) in REFUND_STATUS_WORDS.into_iter().chain([UNKNOWN]).enumerate() {
        let id = format!("ref_{i}");
        let body = json!({"refund_id": id, "payment_id": "pay_1", "amount": 500,
                          "currency": "USD", "status": word});
        answer(&server, &format!("/refunds/{id}"), body).await;
        let r = connector.get_refund(&RefundId::new(id)).await.unwrap();
        assert_eq!(r.status, refund_status(word), "{word}");
        assert_eq!(r.raw_status, word);
    }
}

#[tokio::test]
async fn every_documented_payout_status_word() {
    let (server, connector) = setup().await;
    for (i, word) in PAYOUT_STATUS_WORDS.into_iter().chain([UNKNOWN]).enumerate() {
        let id = format!("po_{i}");
        let body = json!({"payout_id": id, "amount": 500, "currency": "USD", "status": word});
        answer(&server, &format!("/payouts/{id}"), body).await;
        let p = connector.get_payout(&PayoutId::new(id)).await.unwrap();
        assert_eq!(p.status, payout_status(word), "{word}");
        assert_eq!(p.raw_status, word);
        assert_eq!(p.contract_breach(), None, "{word}");
        assert_eq!(p.failure.is_some(), p.status == PayoutStatus::Failed, "{word}");
    }
    assert_eq!(payout_status(UNKNOWN), PayoutStatus::Processing, "never read as money sent");
}

#[tokio::test]
async fn every_documented_dispute_status_word_and_stage() {
    let (server, connector) = setup().await;
    let stages = DISPUTE_STAGE_WORDS.into_iter().chain([UNKNOWN]).cycle();
    for (i, (word, stage)) in
        DISPUTE_STATUS_WORDS.into_iter().chain([UNKNOWN]).zip(stages).enumerate()
    {
        let id = format!("dp_{i}");
        let body = json!({"dispute_id": id, "payment_id": "pay_1", "amount": "500",
                          "currency": "USD", "dispute_status": word, "dispute_stage": stage});
        answer(&server, &format!("/disputes/{id}"), body).await;
        let d = connector.get_dispute(&DisputeId::new(id)).await.unwrap();
        assert_eq!(d.status, dispute_status(word), "{word}");
        assert_eq!(d.raw_status, word);
        assert_eq!(d.stage, dispute_stage(stage), "{stage}");
    }
    assert_eq!(dispute_status(UNKNOWN), DisputeStatus::UnderReview);
    assert_eq!(dispute_stage(UNKNOWN), None);
}

/// The rows of the `error_code` table of the crate docs: (words, what they map to).
fn decline_table() -> Vec<(Vec<String>, String)> {
    let rows = doc_table(LIB_RS, "", "| `error_code` |").expect("the decline table of src/lib.rs");
    assert_eq!(rows.len(), 5, "the decline table of src/lib.rs");
    rows.iter()
        .map(|cells| {
            let words = ticked(&cells[0]).into_iter().map(str::to_owned).collect();
            (words, cells[1].replace('`', ""))
        })
        .collect()
}

#[tokio::test]
async fn every_row_of_the_decline_table() {
    let (server, connector) = setup().await;
    let mut i = 0;
    for (words, maps_to) in decline_table() {
        let words = if words.is_empty() { vec![UNKNOWN.to_owned()] } else { words };
        for word in words {
            for code in [word.clone(), word.to_uppercase()] {
                i += 1;
                let id = format!("pay_{i}");
                let mut body = least_payment(&id, "failed");
                body["error_code"] = json!(code);
                body["error_message"] = json!("Your card was declined.");
                answer(&server, &format!("/payments/{id}"), body).await;
                let p = connector.get_payment(&PaymentId::new(id)).await.unwrap().kept();
                let expected = match maps_to.as_str() {
                    "the same word" => Some(DeclineCode::from_word(&word)),
                    none if none.starts_with("none") => None,
                    other => Some(DeclineCode::from_word(other)),
                };
                assert_eq!(p.decline_code(), expected.as_ref(), "{code}");
                let failure = p.failure.unwrap();
                assert_eq!(failure.gateway_code.as_deref(), Some(code.as_str()));
                assert_eq!(failure.message.as_deref(), Some("Your card was declined."));
            }
        }
    }
}
