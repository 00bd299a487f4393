//! Payouts and disputes on paymnt.cloud (Hyperswitch's routes): the trait's operations and the
//! gateway's extras, each route's exact request (an `Idempotency-Key` UUID on every mutation)
//! and the documented answers read into the core `Payout` and `Dispute`.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    Card, CreatePayout, Currency, CustomerId, DisputeEvidence, DisputeId, DisputeStage,
    DisputeStatus, ErrorKind, EventKind, EvidenceKind, IdempotencyKey, ListDisputes, ListPayouts,
    Money, Operation, PageCursor, PaymentProvider, PayoutId, PayoutStatus, WebhookResource,
};
use paymux_paymnt::{PaymntPayoutOptions, PayoutFlow, PayoutType, UpdatePayout};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

const KEY_UUID: &str = "7d0b3c1e-51a2-4c9b-8f3e-2a6d4b9c0e11";

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn key() -> IdempotencyKey {
    IdempotencyKey::new(KEY_UUID).unwrap()
}

fn answers() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/hyperswitch_answers.json"
    ))
    .unwrap()
}

/// A mutation with a body: method, path, the headers that matter and the exact body. The
/// idempotency key is checked separately ([`sent_key`]).
fn mutation(verb: &str, route: &str, body: Value) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("api-key", KEY))
        .and(header("x-profile-id", PROFILE))
        .and(header("content-type", "application/json"))
        .and(body_json(body))
}

/// The `Idempotency-Key` of the only request received.
async fn sent_key(server: &MockServer) -> String {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_uuid(received[0].headers["idempotency-key"].to_str().unwrap())
}

fn payout_json(id: &str, status: &str) -> Value {
    let mut p = answers()["payout_failed"].clone();
    p["payout_id"] = json!(id);
    p["status"] = json!(status);
    p["error_code"] = Value::Null;
    p["error_message"] = Value::Null;
    p
}

fn dispute_in(status: &str) -> Value {
    let mut d = answers()["dispute_opened"].clone();
    d["dispute_status"] = json!(status);
    d
}

const DP: &str = "dp_7bb7Ix6PsMFCeAmDj8Hk";

#[tokio::test]
async fn create_payout_to_a_saved_bank_account_confirmed() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/payouts/create",
        json!({
            "amount": 1000, "currency": "USD", "customer_id": "cus_y3oqhf46pyzuxjbcn2giaqnb44",
            "payout_type": "bank", "confirm": true, "description": "It's my first payout request",
            "merchant_order_reference_id": "merchant_order_ref_123"
        }),
    )
    .respond_with(
        ResponseTemplate::new(200).set_body_json(payout_json("po_1", "requires_fulfillment")),
    )
    .expect(1)
    .mount(&server)
    .await;
    let req = CreatePayout::new(usd(1000))
        .with_customer(CustomerId::from_stored("cus_y3oqhf46pyzuxjbcn2giaqnb44"))
        .with_description("It's my first payout request")
        .with_reference("merchant_order_ref_123")
        .with_idempotency_key(key())
        .with_options(PaymntPayoutOptions {
            payout_type: Some(PayoutType::Bank),
            flow: PayoutFlow::Confirm,
        });
    let p = connector(&server).create_payout(req).await.unwrap();
    assert_eq!(p.contract_breach(), None);
    assert_eq!(
        (p.status, p.raw_status.as_str()),
        (PayoutStatus::RequiresAction, "requires_fulfillment")
    );
    assert_eq!(p.merchant_reference.as_deref(), Some("merchant_order_ref_123"));
    assert_eq!(p.provider.as_str(), "paymnt");
    assert_eq!(sent_key(&server).await, KEY_UUID, "a caller's UUID goes as it is");
}

#[tokio::test]
async fn create_payout_to_a_card_with_a_generated_uuid_key() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/payouts/create",
        json!({
            "amount": 2500, "currency": "USD", "payout_type": "card",
            "confirm": true, "auto_fulfill": true,
            "payout_method_data": {"card": {"card_number": "4000056655665556",
                "expiry_month": "12", "expiry_year": "2030", "card_holder_name": "Jo Doe"}}
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_2", "success")))
    .expect(1)
    .mount(&server)
    .await;
    // No options: the money is sent with the create (`confirm` and `auto_fulfill`).
    let card = Card::new("4000056655665556", 12, 2030, "123").unwrap().with_holder_name("Jo Doe");
    let p = connector(&server).create_payout(CreatePayout::new(usd(2500)).with_card(card)).await;
    assert_eq!(p.unwrap().status, PayoutStatus::Succeeded);
    sent_key(&server).await;
}

#[tokio::test]
async fn get_payout_reads_the_documented_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/payouts/187282ab-40ef-47a9-9206-5099ba31e432"))
        .and(header("api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["payout_failed"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let id = PayoutId::new("187282ab-40ef-47a9-9206-5099ba31e432");
    let p = connector(&server).get_payout(&id).await.unwrap();
    assert_eq!(p.contract_breach(), None);
    assert_eq!(p.status, PayoutStatus::Failed);
    assert_eq!(p.amount, Some(usd(1000)));
    assert_eq!(p.customer_id, Some(CustomerId::from_stored("cus_y3oqhf46pyzuxjbcn2giaqnb44")));
    assert_eq!(p.failure.unwrap().message.as_deref(), Some("Failed while verifying the card"));
    assert_eq!(p.created_at.map(|t| t.unix_timestamp()), Some(1_662_804_672));
}

#[tokio::test]
async fn list_payouts_sends_the_filter_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payouts/list"))
        .and(body_json(json!({"limit": 20, "status": ["failed", "ineligible"]})))
        .and(|r: &wiremock::Request| r.headers.get("idempotency-key").is_none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "size": 1, "data": [answers()["payout_failed"].clone()]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let query = ListPayouts::new().with_limit(50).with_status(PayoutStatus::Failed);
    let page = connector(&server).list_payouts(query).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(!page.has_more, "a short page without a total is the last");
    assert_eq!(page.items[0].contract_breach(), None);
}

#[tokio::test]
async fn update_cancel_and_fulfill_payouts() {
    let server = MockServer::start().await;
    mutation(
        "PUT",
        "/payouts/po_1",
        json!({"metadata": {"batch": "7"}, "confirm": true, "auto_fulfill": true}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_1", "initiated")))
    .expect(1)
    .mount(&server)
    .await;
    mutation("POST", "/payouts/po_2/cancel", json!({"payout_id": "po_2"}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_2", "cancelled")))
        .expect(1)
        .mount(&server)
        .await;
    mutation("POST", "/payouts/po_3/fulfill", json!({"payout_id": "po_3"}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_3", "success")))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let mut metadata = paymux_core::Metadata::new();
    metadata.insert("batch".into(), "7".into());
    let update = UpdatePayout {
        metadata: Some(metadata),
        flow: PayoutFlow::ConfirmAndFulfill,
        idempotency_key: Some(key()),
        ..Default::default()
    };
    assert_eq!(
        c.update_payout(&PayoutId::new("po_1"), update).await.unwrap().status,
        PayoutStatus::Processing
    );
    assert_eq!(
        c.cancel_payout(&PayoutId::new("po_2")).await.unwrap().status,
        PayoutStatus::Cancelled
    );
    let p = c.fulfill_payout(&PayoutId::new("po_3"), Some(key())).await.unwrap();
    assert_eq!(p.status, PayoutStatus::Succeeded);
    for r in server.received_requests().await.unwrap() {
        assert_uuid(r.headers["idempotency-key"].to_str().unwrap());
    }
}

#[tokio::test]
async fn disputes_list_get_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/disputes/list"))
        .and(query_param("limit", "10"))
        .and(query_param("dispute_status", "dispute_opened"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([dispute_in("dispute_opened")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/disputes/{DP}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["dispute_opened"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    mutation("POST", &format!("/disputes/accept/{DP}"), json!({}))
        .respond_with(ResponseTemplate::new(200).set_body_json(dispute_in("dispute_accepted")))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let page = c.list_disputes(ListDisputes::new().with_status(DisputeStatus::NeedsResponse)).await;
    let page = page.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next, None);
    let d = c.get_dispute(&DisputeId::new(DP)).await.unwrap();
    assert_eq!((d.status, d.stage), (DisputeStatus::NeedsResponse, Some(DisputeStage::Chargeback)));
    assert_eq!(d.amount, Some(usd(6540)));
    assert_eq!(d.reason.as_deref(), Some("fraudulent"));
    let d = c.accept_dispute(&DisputeId::new(DP)).await.unwrap();
    assert_eq!(d.status, DisputeStatus::Accepted);
}

#[tokio::test]
async fn dispute_evidence_submit_read_delete() {
    let server = MockServer::start().await;
    mutation(
        "POST",
        "/disputes/evidence",
        json!({"dispute_id": DP, "customer_communication": "file_mail_1", "refund_policy": "file_policy_2"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(dispute_in("dispute_challenged")))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("GET"))
        .and(path(format!("/disputes/evidence/{DP}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(answers()["dispute_evidence"].clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    mutation("DELETE", "/disputes/evidence", json!({"dispute_id": DP, "evidence_type": "receipt"}))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let evidence = DisputeEvidence::new()
        .with_document(EvidenceKind::CustomerCommunication, "file_mail_1")
        .with_document(EvidenceKind::RefundPolicy, "file_policy_2");
    let d = c.submit_dispute_evidence(&DisputeId::new(DP), evidence).await.unwrap();
    assert_eq!(d.status, DisputeStatus::UnderReview);
    let blocks = c.dispute_evidence(&DisputeId::new(DP)).await.unwrap();
    assert_eq!(blocks[0].file_metadata_response.as_ref().unwrap().file_id, "file_receipt_4f2a");
    c.delete_dispute_evidence(&DisputeId::new(DP), EvidenceKind::Receipt, Some(key()))
        .await
        .unwrap();
}

#[tokio::test]
async fn payout_and_dispute_mistakes_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let c = connector(&server);
    let err = c.create_payout(CreatePayout::new(usd(1_000_000_000))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paymnt"));
    let err = c.list_payouts(ListPayouts::new().with_cursor(PageCursor::After("x".into()))).await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::InvalidRequest, "offset cursors only");
    let err = c.submit_dispute_evidence(&DisputeId::new(DP), DisputeEvidence::new()).await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let err = c.accept_dispute(&DisputeId::new("dp/../x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn payouts_and_disputes_are_declared() {
    let c = paymux_paymnt::Paymnt::new(paymux_paymnt::PaymntConfig::new(
        paymux_core::SecretString::from(KEY),
        paymux_paymnt::Environment::Sandbox,
    ))
    .unwrap();
    let caps = PaymentProvider::capabilities(&c);
    for op in [
        Operation::CreatePayout,
        Operation::GetPayout,
        Operation::ListPayouts,
        Operation::CancelPayout,
        Operation::ListDisputes,
        Operation::GetDispute,
        Operation::AcceptDispute,
        Operation::SubmitDisputeEvidence,
    ] {
        assert!(caps.supports(op), "{op:?}");
    }
}

#[test]
fn payout_and_dispute_webhooks_carry_the_payout_and_the_dispute() {
    use paymux_core::webhook::{Algorithm, Encoding, sign};
    let secret = "whsec_paymnt_test";
    let c = paymux_paymnt::Paymnt::new(
        paymux_paymnt::PaymntConfig::new(
            paymux_core::SecretString::from(KEY),
            paymux_paymnt::Environment::Sandbox,
        )
        .with_webhook_secret(paymux_core::SecretString::from(secret)),
    )
    .unwrap();
    let cases = [
        ("payout_success", "payout_details", payout_json("po_9", "success")),
        ("dispute_lost", "dispute_details", dispute_in("dispute_lost")),
    ];
    for (event_type, content, object) in cases {
        let body = serde_json::to_vec(&json!({
            "merchant_id": "m", "event_id": format!("evt_{event_type}"), "event_type": event_type,
            "content": {"type": content, "object": object}, "timestamp": "2024-01-22T10:20:00Z"
        }))
        .unwrap();
        // Signed here as the gateway signs: the test's secret, the raw body, hex SHA-512.
        let signature = sign(Algorithm::Sha512, secret.as_bytes(), &body, Encoding::Hex);
        let mut headers = paymux_core::http::HeaderMap::new();
        headers.insert("x-webhook-signature-512", signature.parse().unwrap());
        let e = c.parse_webhook(&headers, &body).unwrap();
        assert!(e.unread.is_empty(), "{event_type}: {:?}", e.unread);
        match (&e.resource, event_type) {
            (WebhookResource::Payout(p), "payout_success") => {
                assert_eq!(e.kind, EventKind::PayoutSucceeded);
                assert_eq!((p.status, p.amount), (PayoutStatus::Succeeded, Some(usd(1000))));
                assert_eq!(p.provider.as_str(), "paymnt");
            }
            (WebhookResource::Dispute(d), "dispute_lost") => {
                assert_eq!(e.kind, EventKind::DisputeLost);
                assert_eq!(d.status, DisputeStatus::Lost);
                assert_eq!(d.id.as_str(), DP);
            }
            (other, t) => panic!("{t}: {other:?}"),
        }
    }
}
