//! Disputes: the trait's list, get, accept and evidence submission, and the gateway's evidence
//! read and delete; each route's exact request, and the documented answers read into the core
//! `Dispute`.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    DisputeEvidence, DisputeId, DisputeStage, DisputeStatus, ErrorKind, EvidenceKind,
    IdempotencyKey, ListDisputes, PageCursor, PaymentProvider,
};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header_exists, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn answers() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/hyperswitch_answers.json"
    ))
    .unwrap()
}

fn dispute_in(status: &str) -> Value {
    let mut d = answers()["dispute_opened"].clone();
    d["dispute_status"] = json!(status);
    d
}

const ID: &str = "dp_7bb7Ix6PsMFCeAmDj8Hk";

#[tokio::test]
async fn get_dispute_reads_the_documented_answer() {
    let (server, paychtec) = setup().await;
    read("GET", &format!("/disputes/{ID}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["dispute_opened"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let d = paychtec.get_dispute(&DisputeId::new(ID)).await.unwrap();
    assert_eq!(d.id.as_str(), ID);
    assert_eq!(d.provider.as_str(), "paychtec");
    assert_eq!(d.payment_id.as_ref().map(|p| p.as_str()), Some("pay_mbabizu24mvu3mela5njyhpit4"));
    assert_eq!((d.status, d.raw_status.as_str()), (DisputeStatus::NeedsResponse, "dispute_opened"));
    assert_eq!(d.stage, Some(DisputeStage::Chargeback));
    assert_eq!(d.amount, Some(usd(6540)), "the string \"6540\" read as minor units");
    assert_eq!(d.reason.as_deref(), Some("fraudulent"));
    assert_eq!(d.reason_code.as_deref(), Some("10.4"));
    assert_eq!(d.evidence_due_by.map(|t| t.unix_timestamp()), Some(1_707_609_599));
    assert_eq!(d.created_at.map(|t| t.unix_timestamp()), Some(1_706_173_205));
}

#[tokio::test]
async fn list_disputes_sends_the_query_and_pages_by_offset() {
    let (server, paychtec) = setup().await;
    read("GET", "/disputes/list")
        .and(query_param("limit", "2"))
        .and(query_param("offset", "4"))
        .and(query_param("dispute_status", "dispute_challenged"))
        .and(query_param_is_missing("dispute_stage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            dispute_in("dispute_challenged"),
            dispute_in("dispute_challenged")
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let query = ListDisputes::new()
        .with_limit(2)
        .with_cursor(PageCursor::Offset(4))
        .with_status(DisputeStatus::UnderReview);
    let page = paychtec.list_disputes(query).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.items.iter().all(|d| d.status == DisputeStatus::UnderReview));
    assert!(page.has_more, "a full page without a total may have more");
    assert_eq!(page.next, Some(PageCursor::Offset(6)));
    assert_eq!(page.total, None);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("limit=2&offset=4&dispute_status=dispute_challenged"));
}

#[tokio::test]
async fn a_short_wrapped_dispute_list_is_the_last_page() {
    let (server, paychtec) = setup().await;
    read("GET", "/disputes/list")
        .and(query_param("limit", "10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [dispute_in("dispute_won")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec.list_disputes(ListDisputes::new()).await.unwrap();
    assert_eq!(page.items[0].status, DisputeStatus::Won);
    assert!(!page.has_more);
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn accept_dispute_posts_an_empty_object_with_a_key() {
    let (server, paychtec) = setup().await;
    read("POST", &format!("/disputes/accept/{ID}"))
        .and(body_json(json!({})))
        .and(header_exists("x-idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(dispute_in("dispute_accepted")))
        .expect(1)
        .mount(&server)
        .await;
    let d = paychtec.accept_dispute(&DisputeId::new(ID)).await.unwrap();
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert!(d.status.is_final());
}

#[tokio::test]
async fn submit_evidence_sends_each_document_in_its_field_and_the_text() {
    let (server, paychtec) = setup().await;
    read("POST", "/disputes/evidence")
        .and(body_json(json!({
            "dispute_id": ID,
            "receipt": "file_receipt_4f2a",
            "shipping_documentation": "file_pod_77",
            "uncategorized_file": "file_misc_91c0",
            "uncategorized_text": "Delivered on 3 May, signed for by the cardholder."
        })))
        .and(header_exists("x-idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(dispute_in("dispute_challenged")))
        .expect(1)
        .mount(&server)
        .await;
    let evidence = DisputeEvidence::new()
        .with_document(EvidenceKind::Receipt, "file_receipt_4f2a")
        .with_document(EvidenceKind::ShippingDocumentation, "file_pod_77")
        .with_document(EvidenceKind::Uncategorized, "file_misc_91c0")
        .with_text("Delivered on 3 May, signed for by the cardholder.");
    let d = paychtec.submit_dispute_evidence(&DisputeId::new(ID), evidence).await.unwrap();
    assert_eq!(
        (d.status, d.raw_status.as_str()),
        (DisputeStatus::UnderReview, "dispute_challenged")
    );
}

#[tokio::test]
async fn evidence_that_is_empty_or_names_a_kind_twice_is_refused() {
    let (server, paychtec) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let id = DisputeId::new(ID);
    let err = paychtec.submit_dispute_evidence(&id, DisputeEvidence::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
    let twice = DisputeEvidence::new()
        .with_document(EvidenceKind::Receipt, "file_1")
        .with_document(EvidenceKind::Receipt, "file_2");
    let err = paychtec.submit_dispute_evidence(&id, twice).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let blank = DisputeEvidence::new().with_text("  ");
    let err = paychtec.submit_dispute_evidence(&id, blank).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn dispute_evidence_reads_the_documented_blocks() {
    let (server, paychtec) = setup().await;
    read("GET", &format!("/disputes/evidence/{ID}"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(answers()["dispute_evidence"].clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let blocks = paychtec.dispute_evidence(&DisputeId::new(ID)).await.unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].evidence_type, "receipt");
    let file = blocks[0].file_metadata_response.as_ref().unwrap();
    assert_eq!(file.file_id, "file_receipt_4f2a");
    assert_eq!(file.file_name.as_deref(), Some("receipt.pdf"));
    assert_eq!(file.file_size, Some(48_213));
    assert_eq!(file.available, Some(true));
    assert_eq!(blocks[1].evidence_type, "uncategorized_file");
}

#[tokio::test]
async fn delete_dispute_evidence_sends_the_kind_and_reads_an_empty_answer() {
    let (server, paychtec) = setup().await;
    mutation(
        "DELETE",
        "/disputes/evidence",
        "delete_receipt_1",
        json!({"dispute_id": ID, "evidence_type": "uncategorized_file"}),
    )
    .respond_with(ResponseTemplate::new(200))
    .expect(1)
    .mount(&server)
    .await;
    let key = IdempotencyKey::new("delete_receipt_1").unwrap();
    paychtec
        .delete_dispute_evidence(&DisputeId::new(ID), EvidenceKind::Uncategorized, Some(key))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_dispute_amount_that_is_not_minor_units_is_an_invalid_answer() {
    let (server, paychtec) = setup().await;
    let mut d = dispute_in("dispute_accepted");
    d["amount"] = json!("65.40");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(d))
        .mount(&server)
        .await;
    let err = paychtec.accept_dispute(&DisputeId::new(ID)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_outcome_unknown());
}
