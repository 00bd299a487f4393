//! Routes beyond the trait: payment links (create, get, list), refund updates; ids and amounts
//! refused before anything is sent.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    CaptureMode, CreatePayout, CustomerId, ErrorKind, IdempotencyKey, Metadata, PaymentId,
    PaymentProvider, PayoutId, RefundId, RefundStatus,
};
use paymux_paychtec::{
    AuthenticationType, CreatePaymentLink, ListPaymentLinks, PaymentLinkConfig, UpdateRefund,
};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

fn answers() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/hyperswitch_answers.json"
    ))
    .unwrap()
}

#[tokio::test]
async fn create_payment_link_sends_the_guides_payload() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/payment_link",
        "link_inv_1234",
        json!({
            "amount": 5000,
            "currency": "USD",
            "description": "Invoice #1234",
            "link_type": "one_time",
            "expiry": "2024-12-31T23:59:59Z",
            "customer_id": "cus_acme_42",
            "send_email": true,
            "email": "customer@example.com",
            "capture_method": "automatic",
            "authentication_type": "three_ds",
            "require_customer_info": true,
            "payment_link_config": {
                "seller_name": "Acme Inc.",
                "sdk_layout": "tabs",
                "allowed_payment_method_types": ["card", "google_pay"]
            }
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "payment_link_id": "plink_1",
        "payment_id": "pay_link_1",
        "link": "https://sandbox.paychtec.link/plink_1"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let link = paychtec
        .create_payment_link(CreatePaymentLink {
            description: Some("Invoice #1234".into()),
            link_type: Some("one_time".into()),
            expiry: Some(time::macros::datetime!(2024-12-31 23:59:59 UTC)),
            customer: Some(CustomerId::from_stored("cus_acme_42")),
            send_email: Some(true),
            email: Some("customer@example.com".into()),
            capture: Some(CaptureMode::Automatic),
            authentication_type: Some(AuthenticationType::ThreeDs),
            require_customer_info: Some(true),
            config: Some(PaymentLinkConfig {
                seller_name: Some("Acme Inc.".into()),
                sdk_layout: Some("tabs".into()),
                allowed_payment_method_types: Some(vec!["card".into(), "google_pay".into()]),
            }),
            idempotency_key: Some(IdempotencyKey::new("link_inv_1234").unwrap()),
            ..CreatePaymentLink::new(usd(5000))
        })
        .await
        .unwrap();
    assert_eq!(link.payment_link_id, "plink_1");
    assert_eq!(link.link.as_deref(), Some("https://sandbox.paychtec.link/plink_1"));
}

#[tokio::test]
async fn get_payment_link() {
    let (server, paychtec) = setup().await;
    read("GET", "/payment_link/plink_1")
        .respond_with(ResponseTemplate::new(200).set_body_json(answers()["payment_link"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let link = paychtec.get_payment_link("plink_1").await.unwrap();
    assert_eq!(link.payment_link_id, "plink_1");
    assert_eq!(link.link.as_deref(), Some("https://sandbox.paychtec.link/plink_1"));
    assert_eq!(link.amount, Some(6540));
    assert_eq!(link.currency.as_deref(), Some("USD"));
    assert_eq!(link.status.as_deref(), Some("active"));
    assert_eq!(link.expiry.as_deref(), Some("2024-12-31T23:59:59.000Z"));
}

#[tokio::test]
async fn list_payment_links_sends_hyperswitchs_filter_body_without_a_key() {
    let (server, paychtec) = setup().await;
    read("POST", "/payment_link/list")
        .and(wiremock::matchers::body_json(json!({
            "limit": 5,
            "created.gte": "2024-01-01T00:00:00Z",
            "created.lte": "2024-01-31T23:59:59Z"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([answers()["payment_link"].clone()])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let links = paychtec
        .list_payment_links(ListPaymentLinks {
            limit: Some(5),
            created_from: Some(time::macros::datetime!(2024-01-01 00:00:00 UTC)),
            created_to: Some(time::macros::datetime!(2024-01-31 23:59:59 UTC)),
        })
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].link.as_deref(), Some("https://sandbox.paychtec.link/plink_1"));
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("x-idempotency-key").is_none(), "a read: no key");
}

#[tokio::test]
async fn list_payment_links_reads_a_wrapped_list_and_sends_nothing_unset() {
    let (server, paychtec) = setup().await;
    read("POST", "/payment_link/list")
        .and(wiremock::matchers::body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"size": 1, "data": [{"payment_link_id": "plink_2", "link": "https://l/2"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let links = paychtec.list_payment_links(ListPaymentLinks::default()).await.unwrap();
    assert_eq!(links[0].payment_link_id, "plink_2");
    assert_eq!(links[0].amount, None);
}

#[tokio::test]
async fn update_refund_sends_reason_and_metadata() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/refunds/refund_order_123_001",
        "refund_update_1",
        json!({"reason": "Duplicate charge", "metadata": {"support_ticket": "ticket_790"}}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json({
        let mut r = refund_json("refund_order_123_001", "pending", 500);
        r["reason"] = json!("Duplicate charge");
        r["metadata"] = json!({"support_ticket": "ticket_790"});
        r
    }))
    .expect(1)
    .mount(&server)
    .await;
    let mut metadata = Metadata::new();
    metadata.insert("support_ticket".into(), "ticket_790".into());
    let refund = paychtec
        .update_refund(
            &RefundId::new("refund_order_123_001"),
            UpdateRefund {
                reason: Some("Duplicate charge".into()),
                metadata: Some(metadata),
                idempotency_key: Some(IdempotencyKey::new("refund_update_1").unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(refund.id.as_str(), "refund_order_123_001");
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(refund.reason.as_deref(), Some("Duplicate charge"));
    assert_eq!(refund.metadata["support_ticket"], "ticket_790");
    assert_eq!(refund.amount, usd(500));
}

#[tokio::test]
async fn refund_updates_that_change_nothing_or_say_too_much_are_refused() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let id = RefundId::new("ref_1");
    let err = paychtec.update_refund(&id, UpdateRefund::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let long = UpdateRefund { reason: Some("x".repeat(256)), ..Default::default() };
    let err = paychtec.update_refund(&id, long).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = paychtec.update_refund(&RefundId::new("../x"), long_ok()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

fn long_ok() -> UpdateRefund {
    UpdateRefund { reason: Some("x".repeat(255)), ..Default::default() }
}

#[tokio::test]
async fn zero_amount_links_and_payouts_are_refused() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = paychtec.create_payment_link(CreatePaymentLink::new(usd(0))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = paychtec.create_payout(CreatePayout::new(usd(0))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
}

#[tokio::test]
async fn ids_that_are_not_one_path_segment_are_refused_before_sending() {
    let (server, paychtec) = setup().await;
    for bad in ["po/../x", "..", ".", "po?x=1", "po#x", "po x", "po%2Fx", ""] {
        let err = paychtec.get_payout(&PayoutId::new(bad)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        let err = paychtec.fulfill_payout(&PayoutId::new(bad), None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        let err = paychtec.get_payment_link(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
    }
    let err = paychtec.get_payment(&PaymentId::new("..")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}
