//! Payouts: the trait's create, get, list and cancel, and the gateway's update and fulfill;
//! each route's exact request, and the documented answers read into the core `Payout`.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    Card, CreatePayout, CustomerId, DeclineCode, ErrorKind, IdempotencyKey, ListPayouts, Operation,
    PageCursor, PaymentProvider, PayoutId, PayoutStatus,
};
use paymux_paychtec::{PaychtecPayoutOptions, PayoutFlow, PayoutType, UpdatePayout};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json};
use wiremock::{Mock, ResponseTemplate};

fn answers() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/hyperswitch_answers.json"
    ))
    .unwrap()
}

/// A payout answer in `status` (the guide's payout, as Hyperswitch answers it).
fn payout_json(id: &str, status: &str) -> Value {
    json!({
        "payout_id": id, "merchant_id": "merchant_1", "amount": 5000, "currency": "USD",
        "connector": "adyen", "payout_type": "bank", "auto_fulfill": false,
        "customer_id": "cus_acme_42", "client_secret": format!("{id}_secret_x"),
        "return_url": null, "business_country": "US", "entity_type": "Individual",
        "recurring": false, "description": "Vendor payout", "metadata": {"vendor_id": "vendor_123"},
        "status": status, "error_code": null, "error_message": null, "profile_id": PROFILE,
        "created": "2024-01-22T10:00:00Z", "merchant_order_reference_id": null
    })
}

#[tokio::test]
async fn create_payout_sends_the_guides_payload() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payouts/create",
        "payout_vendor_123",
        json!({
            "amount": 5000,
            "currency": "USD",
            "customer_id": "cus_acme_42",
            "payout_type": "bank",
            "description": "Vendor payout",
            "metadata": {"vendor_id": "vendor_123"}
        }),
    )
    .respond_with(
        ResponseTemplate::new(200).set_body_json(payout_json(
            "payout_7c2f9e4b1a0d4c3e9f8a7b6c5d4e",
            "requires_confirmation",
        )),
    )
    .expect(1)
    .mount(&server)
    .await;
    let req = CreatePayout::new(usd(5000))
        .with_customer(CustomerId::from_stored("cus_acme_42"))
        .with_description("Vendor payout")
        .with_metadata("vendor_id", "vendor_123")
        .with_idempotency_key(IdempotencyKey::new("payout_vendor_123").unwrap())
        .with_options(PaychtecPayoutOptions {
            payout_type: Some(PayoutType::Bank),
            flow: PayoutFlow::CreateOnly,
        });
    let payout = paychtec.create_payout(req).await.unwrap();
    assert_eq!(payout.contract_breach(), None);
    assert_eq!(payout.id.as_str(), "payout_7c2f9e4b1a0d4c3e9f8a7b6c5d4e");
    assert_eq!(payout.provider.as_str(), "paychtec");
    assert_eq!(payout.status, PayoutStatus::RequiresAction, "waits for confirmation");
    assert_eq!(payout.raw_status, "requires_confirmation");
    assert_eq!(payout.amount, Some(usd(5000)));
    assert_eq!(payout.customer_id, Some(CustomerId::from_stored("cus_acme_42")));
    assert_eq!(payout.description.as_deref(), Some("Vendor payout"));
    assert_eq!(payout.metadata["vendor_id"], "vendor_123");
    assert_eq!(payout.created_at.map(|t| t.unix_timestamp()), Some(1_705_917_600));
    assert_eq!(payout.failure, None);
}

#[tokio::test]
async fn a_payout_to_a_card_sends_the_card_and_can_go_at_once() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payouts/create",
        "payout_card_1",
        json!({
            "amount": 2500,
            "currency": "USD",
            "payout_type": "card",
            "payout_method_data": {"card": {
                "card_number": "4000056655665556",
                "expiry_month": "03",
                "expiry_year": "2030",
                "card_holder_name": "Jane Customer"
            }},
            "confirm": true,
            "auto_fulfill": true,
            "merchant_order_reference_id": "seller_payout_41"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json({
        let mut p = payout_json("po_card_1", "success");
        p["amount"] = json!(2500);
        p["payout_type"] = json!("card");
        p["merchant_order_reference_id"] = json!("seller_payout_41");
        p
    }))
    .expect(1)
    .mount(&server)
    .await;
    let card =
        Card::new("4000056655665556", 3, 2030, "123").unwrap().with_holder_name("Jane Customer");
    let req = CreatePayout::new(usd(2500))
        .with_card(card)
        .with_reference("seller_payout_41")
        .with_idempotency_key(IdempotencyKey::new("payout_card_1").unwrap())
        .with_options(PaychtecPayoutOptions {
            flow: PayoutFlow::ConfirmAndFulfill,
            ..Default::default()
        });
    let payout = paychtec.create_payout(req).await.unwrap();
    assert_eq!(payout.status, PayoutStatus::Succeeded);
    assert_eq!(payout.merchant_reference.as_deref(), Some("seller_payout_41"));
    assert_eq!(payout.amount, Some(usd(2500)));
}

#[tokio::test]
async fn card_payouts_without_a_holder_or_of_another_type_are_refused() {
    let (server, paychtec) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let card = || Card::new("4000056655665556", 3, 2030, "123").unwrap();
    let err = paychtec.create_payout(CreatePayout::new(usd(100)).with_card(card())).await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::InvalidRequest, "no holder name");
    let req = CreatePayout::new(usd(100))
        .with_card(card().with_holder_name("Jane Customer"))
        .with_options(PaychtecPayoutOptions {
            payout_type: Some(PayoutType::Bank),
            ..Default::default()
        });
    assert_eq!(paychtec.create_payout(req).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let long = CreatePayout::new(usd(100)).with_reference("r".repeat(256));
    assert_eq!(paychtec.create_payout(long).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn the_card_number_never_shows_in_debug() {
    let card = Card::new("4000056655665556", 3, 2030, "123").unwrap().with_holder_name("Jane");
    let body = paymux_hyperswitch_family::mapping::payout_body(
        &CreatePayout::new(usd(100)).with_card(card),
        PayoutFlow::CreateOnly,
        None,
    )
    .unwrap();
    let text = format!("{body:?}");
    assert!(!text.contains("4000056655665556"), "{text}");
    assert!(text.contains("5556"), "{text}");
    assert!(!text.contains("Jane"), "{text}");
}

#[tokio::test]
async fn get_payout_reads_the_documented_failed_answer() {
    let (server, paychtec) = setup().await;
    read("GET", "/payouts/187282ab-40ef-47a9-9206-5099ba31e432")
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["payout_failed"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let id = PayoutId::new("187282ab-40ef-47a9-9206-5099ba31e432");
    let payout = paychtec.get_payout(&id).await.unwrap();
    assert_eq!(payout.contract_breach(), None);
    assert_eq!(payout.status, PayoutStatus::Failed);
    assert_eq!(payout.raw_status, "failed");
    assert_eq!(payout.amount, Some(usd(1000)));
    assert_eq!(payout.merchant_reference.as_deref(), Some("merchant_order_ref_123"));
    assert_eq!(payout.description.as_deref(), Some("It's my first payout request"));
    assert_eq!(payout.metadata["udf1"], "some-value");
    let failure = payout.failure.unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("E0001"));
    assert_eq!(failure.message.as_deref(), Some("Failed while verifying the card"));
    assert_eq!(failure.code, None, "E0001 is no decline word");
}

#[tokio::test]
async fn a_failed_payout_always_has_a_failure_and_only_then() {
    let (server, paychtec) = setup().await;
    let mut failed = payout_json("po_f", "ineligible");
    failed["error_code"] = json!("insufficient_funds");
    read("GET", "/payouts/po_f")
        .respond_with(ResponseTemplate::new(200).set_body_json(failed))
        .mount(&server)
        .await;
    let mut pending = payout_json("po_p", "pending");
    pending["error_message"] = json!("retrying with the processor");
    read("GET", "/payouts/po_p")
        .respond_with(ResponseTemplate::new(200).set_body_json(pending))
        .mount(&server)
        .await;
    let p = paychtec.get_payout(&PayoutId::new("po_f")).await.unwrap();
    assert_eq!((p.status, p.contract_breach()), (PayoutStatus::Failed, None));
    assert_eq!(p.failure.unwrap().code, Some(DeclineCode::InsufficientFunds));
    let p = paychtec.get_payout(&PayoutId::new("po_p")).await.unwrap();
    assert_eq!((p.status, p.contract_breach()), (PayoutStatus::Processing, None));
    assert_eq!(p.failure, None);
}

#[tokio::test]
async fn list_payouts_sends_the_filter_body_and_pages_by_offset() {
    let (server, paychtec) = setup().await;
    read("POST", "/payouts/list")
        .and(body_json(json!({
            "limit": 2,
            "offset": 2,
            "start_time": "2024-01-01T00:00:00Z",
            "end_time": "2024-01-31T00:00:00Z",
            "status": ["initiated", "pending"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "size": 2,
            "total_count": 5,
            "data": [payout_json("po_3", "initiated"), payout_json("po_4", "pending")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let query = ListPayouts::new()
        .with_limit(2)
        .with_cursor(PageCursor::Offset(2))
        .with_status(PayoutStatus::Processing)
        .created_between(
            time::macros::datetime!(2024-01-01 00:00:00 UTC),
            time::macros::datetime!(2024-01-31 00:00:00 UTC),
        );
    let page = paychtec.list_payouts(query).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.items.iter().all(|p| p.status == PayoutStatus::Processing));
    assert_eq!(page.total, Some(5));
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(4)));
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("x-idempotency-key").is_none(), "a read: no key");
}

#[tokio::test]
async fn the_payout_list_takes_at_most_twenty() {
    let (server, paychtec) = setup().await;
    read("POST", "/payouts/list")
        .and(body_json(json!({"limit": 20})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"size": 0, "data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec.list_payouts(ListPayouts::new().with_limit(500)).await.unwrap();
    assert!(page.items.is_empty());
    assert!(!page.has_more);
}

#[tokio::test]
async fn update_payout_puts_the_fields_set() {
    let (server, paychtec) = setup().await;
    mutation(
        "PUT",
        "/payouts/po_1",
        "payout_update_1",
        json!({
            "amount": 4500,
            "currency": "USD",
            "description": "Vendor payout, corrected",
            "confirm": true
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json({
        let mut p = payout_json("po_1", "requires_fulfillment");
        p["amount"] = json!(4500);
        p["description"] = json!("Vendor payout, corrected");
        p
    }))
    .expect(1)
    .mount(&server)
    .await;
    let payout = paychtec
        .update_payout(
            &PayoutId::new("po_1"),
            UpdatePayout {
                amount: Some(usd(4500)),
                description: Some("Vendor payout, corrected".into()),
                flow: PayoutFlow::Confirm,
                idempotency_key: Some(IdempotencyKey::new("payout_update_1").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(payout.status, PayoutStatus::RequiresAction);
    assert_eq!(payout.raw_status, "requires_fulfillment");
    assert_eq!(payout.amount, Some(usd(4500)));
}

#[tokio::test]
async fn an_update_that_changes_nothing_is_refused() {
    let (server, paychtec) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let err =
        paychtec.update_payout(&PayoutId::new("po_1"), UpdatePayout::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn cancel_payout_posts_the_payout_id() {
    let (server, paychtec) = setup().await;
    read("POST", "/payouts/po_1/cancel")
        .and(body_json(json!({"payout_id": "po_1"})))
        .and(wiremock::matchers::header_exists("x-idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_1", "cancelled")))
        .expect(1)
        .mount(&server)
        .await;
    let payout = paychtec.cancel_payout(&PayoutId::new("po_1")).await.unwrap();
    assert_eq!(payout.status, PayoutStatus::Cancelled);
    assert_eq!(payout.contract_breach(), None);
}

#[tokio::test]
async fn fulfill_payout_posts_the_payout_id_with_the_key() {
    let (server, paychtec) = setup().await;
    mutation("POST", "/payouts/po_1/fulfill", "fulfill_po_1", json!({"payout_id": "po_1"}))
        .respond_with(ResponseTemplate::new(200).set_body_json(payout_json("po_1", "initiated")))
        .expect(1)
        .mount(&server)
        .await;
    let key = IdempotencyKey::new("fulfill_po_1").unwrap();
    let payout = paychtec.fulfill_payout(&PayoutId::new("po_1"), Some(key)).await.unwrap();
    assert_eq!(payout.status, PayoutStatus::Processing);
    assert_eq!(payout.raw_status, "initiated");
}

#[tokio::test]
async fn a_payout_answer_whose_amount_is_not_money_is_outcome_unknown() {
    let (server, paychtec) = setup().await;
    let mut bad = payout_json("po_1", "initiated");
    bad["currency"] = json!("BTC");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(bad))
        .mount(&server)
        .await;
    let err = paychtec.fulfill_payout(&PayoutId::new("po_1"), None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_outcome_unknown(), "the gateway acted; how is unknown");
    let err = paychtec.get_payout(&PayoutId::new("po_1")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(!err.is_outcome_unknown(), "a read has no outcome");
}

#[test]
fn payouts_are_declared() {
    let server_less = paymux_paychtec::Paychtec::new(paymux_paychtec::PaychtecConfig::new(
        paymux_core::SecretString::from(KEY),
        paymux_paychtec::Environment::Sandbox,
        PROFILE,
    ))
    .unwrap();
    let caps = PaymentProvider::capabilities(&server_less);
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
