//! Paychtec-only routes: payment links, payouts, disputes.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{CaptureMode, CustomerId, ErrorKind, IdempotencyKey, PaymentId, PaymentProvider};
use paymux_paychtec::{
    AuthenticationType, CreatePaymentLink, CreatePayout, DisputeListQuery, PaymentLinkConfig,
};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::query_param;

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
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_link_id": "plink_1",
            "merchant_id": "merchant_1",
            "link_to_pay": "https://sandbox.paychtec.link/plink_1",
            "amount": 5000,
            "currency": "USD",
            "created_at": "2024-01-22T10:00:00Z",
            "expiry": "2024-12-31T23:59:59Z",
            "description": "Invoice #1234",
            "status": "active"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let link = paychtec.get_payment_link("plink_1").await.unwrap();
    assert_eq!(link.link.as_deref(), Some("https://sandbox.paychtec.link/plink_1"));
    assert_eq!(link.amount, Some(5000));
    assert_eq!(link.status.as_deref(), Some("active"));
}

#[tokio::test]
async fn create_and_get_payout() {
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
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "payout_id": "po_1", "merchant_id": "merchant_1", "amount": 5000, "currency": "USD",
        "status": "requires_fulfillment", "customer_id": "cus_acme_42", "payout_type": "bank",
        "description": "Vendor payout", "metadata": {"vendor_id": "vendor_123"},
        "created": "2024-01-22T10:00:00Z"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CreatePayout::new(usd(5000));
    req.customer = Some(CustomerId::from_stored("cus_acme_42"));
    req.payout_type = Some("bank".into());
    req.description = Some("Vendor payout".into());
    req.metadata.insert("vendor_id".into(), "vendor_123".into());
    req.idempotency_key = Some(IdempotencyKey::new("payout_vendor_123").unwrap());
    let payout = paychtec.create_payout(req).await.unwrap();
    assert_eq!(payout.payout_id, "po_1");
    assert_eq!(payout.money().unwrap(), usd(5000));
    assert_eq!(payout.created_at.as_deref(), Some("2024-01-22T10:00:00Z"));

    read("GET", "/payouts/po_1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payout_id": "po_1", "amount": 5000, "currency": "USD", "status": "failed",
            "error_code": "insufficient_balance", "error_message": "Not enough balance"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let payout = paychtec.get_payout("po_1").await.unwrap();
    assert_eq!(payout.status, "failed");
    assert_eq!(payout.error_code.as_deref(), Some("insufficient_balance"));
}

#[tokio::test]
async fn list_and_get_disputes() {
    let (server, paychtec) = setup().await;
    let dispute = json!({
        "dispute_id": "dp_1", "payment_id": "pay_order_123", "attempt_id": "att_1",
        "amount": "6540", "currency": "USD", "dispute_stage": "dispute",
        "dispute_status": "dispute_opened", "connector": "stripe",
        "connector_status": "needs_response", "connector_dispute_id": "du_1",
        "connector_reason": "fraudulent", "connector_reason_code": "10.4",
        "challenge_required_by": "2024-02-10T00:00:00Z",
        "created_at": "2024-01-25T00:00:00Z"
    });
    read("GET", "/disputes/list")
        .and(query_param("limit", "5"))
        .and(query_param("dispute_status", "dispute_opened"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([dispute])))
        .expect(1)
        .mount(&server)
        .await;
    let list = paychtec
        .list_disputes(&DisputeListQuery {
            limit: Some(5),
            dispute_status: Some("dispute_opened".into()),
            dispute_stage: None,
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].amount, 6540);
    assert_eq!(list[0].money().unwrap(), usd(6540));

    let mut numeric = dispute.clone();
    numeric["amount"] = json!(6540);
    read("GET", "/disputes/dp_1")
        .respond_with(ResponseTemplate::new(200).set_body_json(numeric))
        .expect(1)
        .mount(&server)
        .await;
    let d = paychtec.get_dispute("dp_1").await.unwrap();
    assert_eq!(d.amount, 6540);
    assert_eq!(d.connector_reason_code.as_deref(), Some("10.4"));
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
}

#[tokio::test]
async fn ids_that_are_not_one_path_segment_are_refused_before_sending() {
    let (server, paychtec) = setup().await;
    for bad in ["po/../x", "..", ".", "po?x=1", "po#x", "po x", "po%2Fx", ""] {
        let err = paychtec.get_payout(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
    }
    let err = paychtec.get_payment(&PaymentId::new("..")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}
