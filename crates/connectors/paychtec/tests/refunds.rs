//! Refunds: create (full, partial, retry-safe refund_id), retrieve, list.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    CreateRefund, ErrorKind, IdempotencyKey, PageCursor, PaymentId, PaymentProvider, RefundId,
    RefundReason, RefundStatus,
};
use paymux_paychtec::{PaychtecRefundOptions, RefundListQuery, RefundType};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::method;

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::new(k).unwrap()
}

#[tokio::test]
async fn partial_refund_sends_the_guides_payload() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/refunds",
        "refund_order_123_001_key",
        json!({
            "payment_id": "pay_order_123",
            "refund_id": "refund_order_123_001",
            "amount": 500,
            "reason": "Customer requested refund",
            "refund_type": "Instant",
            "metadata": {"order_id": "order_123", "support_ticket": "ticket_789"}
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
        "refund_order_123_001",
        "pending",
        500,
    )))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CreateRefund::new(PaymentId::new("pay_order_123"))
        .with_amount(usd(500))
        .with_reason(RefundReason::Other("Customer requested refund".into()))
        .with_merchant_refund_id("refund_order_123_001");
    req.metadata.insert("order_id".into(), "order_123".into());
    req.metadata.insert("support_ticket".into(), "ticket_789".into());
    req.idempotency_key = Some(key("refund_order_123_001_key"));
    let r = paychtec.create_refund(req).await.unwrap();
    assert_eq!(r.id, RefundId::new("refund_order_123_001"));
    assert_eq!(r.payment_id, PaymentId::new("pay_order_123"));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.amount, usd(500));
    assert_eq!(r.merchant_refund_id.as_deref(), Some("refund_order_123_001"));
    assert_eq!(r.metadata["support_ticket"], "ticket_789");
}

#[tokio::test]
async fn full_refund_derives_refund_id_from_the_idempotency_key() {
    let fixtures = fixtures();
    let (server, paychtec) = setup().await;
    for vector in fixtures["refund_ids"].as_array().unwrap() {
        let k = vector["idempotency_key"].as_str().unwrap();
        let refund_id = vector["refund_id"].as_str().unwrap();
        assert!(refund_id.len() <= 30);
        mutation(
            "POST",
            "/refunds",
            k,
            json!({
                "payment_id": "pay_order_123",
                "refund_id": refund_id,
                "refund_type": "Scheduled"
            }),
        )
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json(
            refund_id,
            "succeeded",
            6540,
        )))
        .expect(1)
        .mount(&server)
        .await;
        let mut req = CreateRefund::new(PaymentId::new("pay_order_123"));
        req.idempotency_key = Some(key(k));
        req.extensions.insert(PaychtecRefundOptions { refund_type: RefundType::Scheduled });
        let r = paychtec.create_refund(req).await.unwrap();
        assert_eq!(r.status, RefundStatus::Succeeded);
        assert_eq!(r.merchant_refund_id.as_deref(), Some(refund_id));
    }
}

#[tokio::test]
async fn a_refund_retried_after_503_keeps_key_and_refund_id() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refund_json("x", "pending", 100)))
        .mount(&server)
        .await;
    paychtec
        .create_refund(CreateRefund::new(PaymentId::new("pay_1")).with_amount(usd(100)))
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].headers["x-idempotency-key"], reqs[1].headers["x-idempotency-key"]);
    let b0: serde_json::Value = serde_json::from_slice(&reqs[0].body).unwrap();
    let b1: serde_json::Value = serde_json::from_slice(&reqs[1].body).unwrap();
    assert_eq!(b0["refund_id"], b1["refund_id"]);
    assert_eq!(b0["refund_id"].as_str().unwrap().len(), 30);
}

#[tokio::test]
async fn refund_rules_are_checked_before_any_request() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let too_long_id =
        CreateRefund::new(PaymentId::new("pay_1")).with_merchant_refund_id("r".repeat(31));
    let long_reason = CreateRefund::new(PaymentId::new("pay_1"))
        .with_reason(RefundReason::Other("x".repeat(256)));
    let zero = CreateRefund::new(PaymentId::new("pay_1")).with_amount(usd(0));
    for req in [too_long_id, long_reason, zero] {
        let err = paychtec.create_refund(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    // That the limits themselves are fine is checked in `src/mapping.rs`
    // (`the_refund_limits_themselves_are_fine`): the body builder is private to the crate now.
}

#[tokio::test]
async fn every_refund_status_word() {
    let (server, paychtec) = setup().await;
    let table = [
        ("succeeded", RefundStatus::Succeeded),
        ("failed", RefundStatus::Failed),
        ("pending", RefundStatus::Pending),
        ("review", RefundStatus::Pending),
        ("transaction_failure", RefundStatus::Pending),
    ];
    for word in paymux_hyperswitch_family::status::REFUND_STATUS_WORDS {
        assert!(table.iter().any(|(w, _)| *w == word), "{word}");
    }
    for (word, status) in table {
        let id = format!("ref_{word}");
        let mut body = refund_json(&id, word, 500);
        if word == "failed" {
            body["error_code"] = json!("refund_failed");
            body["error_message"] = json!("Refund declined by processor");
        }
        read("GET", &format!("/refunds/{id}"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let r = paychtec.get_refund(&RefundId::new(id)).await.unwrap();
        assert_eq!(r.status, status, "{word}");
        assert_eq!(r.raw_status, word);
        if word == "failed" {
            let f = r.failure.unwrap();
            assert_eq!(f.message.as_deref(), Some("Refund declined by processor"));
        }
    }
}

#[tokio::test]
async fn list_refunds_posts_the_filter_body() {
    let (server, paychtec) = setup().await;
    read("POST", "/refunds/list")
        .and(wiremock::matchers::body_json(json!({
            "payment_id": "pay_order_123",
            "limit": 10
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "total_count": 2,
            "data": [refund_json("ref_2", "succeeded", 300), refund_json("ref_1", "pending", 200)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_refunds(RefundListQuery {
            payment_id: Some(PaymentId::new("pay_order_123")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].status, RefundStatus::Pending);
    assert!(!page.has_more);

    read("POST", "/refunds/list")
        .and(wiremock::matchers::body_json(json!({
            "limit": 1, "offset": 1,
            "start_time": "2024-01-01T00:00:00Z"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "total_count": 5, "data": [refund_json("ref_9", "succeeded", 300)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec
        .list_refunds(RefundListQuery {
            limit: Some(1),
            cursor: Some(PageCursor::Offset(1)),
            created_from: Some(time::macros::datetime!(2024-01-01 00:00:00 UTC)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.next, Some(PageCursor::Offset(2)));
}
