//! Refunds, payouts (withdrawals: create, get, list, cancel, approve/reject), error shapes, and the create recovery after an
//! ambiguous failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{BEARER, bodies, envelope, setup};
use paymux_core::transport::RetryPolicy;
use paymux_core::{
    Address, Card, CreatePayment, CreatePayout, CreateRefund, Currency, CustomerId, DeclineCode,
    ErrorKind, IdempotencyKey, ListPayouts, Money, Operation, PageCursor, PaymentId,
    PaymentProvider, PaymentStatus, PayoutId, PayoutStatus, RefundId, RefundReason, RefundStatus,
};
use paymux_paytech::{Paytech, PaytechCustomer, PaytechPayoutOptions};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PARENT: &str = "96365a23dca04a5a9bcbb0031e7b06ac";
const REFUND: &str = "4e2ca455643c41fab7c611f003907ad5";
const WD: &str = "7a1ca455643c41fab7c611f003907ad8";

fn ok(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency).unwrap()
}

/// The spec's `CreateRefundResponse` example.
const CREATE_REFUND_RESULT: &str = r#"{
    "id": "4e2ca455643c41fab7c611f003907ad5",
    "paymentType": "REFUND",
    "state": "PENDING",
    "currency": "GBP",
    "parentPaymentId": "96365a23dca04a5a9bcbb0031e7b06ac"
}"#;

/// The spec's `CreateWithdrawalResponse` example.
const CREATE_WITHDRAWAL_RESULT: &str = r#"{
    "id": "96365a23dca04a5a9bcbb0031e7b06ac",
    "paymentType": "WITHDRAWAL",
    "state": "PENDING",
    "currency": "GBP"
}"#;

#[tokio::test]
async fn partial_refund_is_a_refund_payment_with_parent() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(body_json(json!({
            "referenceId": "refund-1",
            "paymentType": "REFUND",
            "amount": 10.01,
            "currency": "GBP",
            "parentPaymentId": PARENT
        })))
        .respond_with(ok(envelope(CREATE_REFUND_RESULT)))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateRefund::new(PaymentId::new(PARENT))
        .with_amount(money(1001, Currency::GBP))
        .with_merchant_refund_id("refund-1")
        .with_reason(RefundReason::RequestedByCustomer);
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.id, RefundId::new(REFUND));
    assert_eq!(refund.payment_id, PaymentId::new(PARENT));
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(refund.raw_status, "PENDING");
    assert_eq!(refund.amount, money(1001, Currency::GBP));
    assert_eq!(refund.reason.as_deref(), Some("requested_by_customer"));
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":10.01,"#), "{}", sent[0]);
}

#[tokio::test]
async fn full_refund_reads_the_parent_amount_first() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"COMPLETED","amount":1234567.891,"currency":"KWD"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "rk-1",
            "paymentType": "REFUND",
            "amount": 1234567.891,
            "currency": "KWD",
            "parentPaymentId": PARENT
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","paymentType":"REFUND","state":"COMPLETED","amount":1234567.891,"currency":"KWD","parentPaymentId":"{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    // A key alone is not a retry (`CreateRefund::retrying` says so): no lookup by reference.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("referenceId.eq", "rk-1"))
        .respond_with(ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.into()))
        .expect(0)
        .mount(&server)
        .await;
    // What is left is counted from the refunds listed since the deposit: none here (the
    // deposit names no creation time, so the scan starts at the epoch).
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("created.gte", "1970-01-01T00:00:00"))
        .and(query_param("limit", "1000"))
        .respond_with(ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.into()))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = CreateRefund::new(PaymentId::new(PARENT));
    req.idempotency_key = Some(IdempotencyKey::new("rk-1").unwrap());
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Succeeded);
    assert_eq!(refund.amount, money(1_234_567_891, Currency::KWD));
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":1234567.891,"#), "{}", sent[0]);
}

/// A list page of the scan for the refunds of `PARENT`, as raw text (amounts stay exact).
fn scan_page(has_more: bool, results: &[String]) -> String {
    format!(
        r#"{{"timestamp":"x","status":200,"hasMore":{has_more},"result":[{}]}}"#,
        results.join(",")
    )
}

fn listed_refund(id: &str, parent: &str, state: &str, amount: &str, currency: &str) -> String {
    format!(
        r#"{{"id":"{id}","paymentType":"REFUND","state":"{state}","amount":{amount},"currency":"{currency}","parentPaymentId":"{parent}","created":"2030-12-25T11:00:00"}}"#
    )
}

/// The deposit `PARENT`, completed, created 2030-12-25T10:11:12.
async fn mount_parent(server: &MockServer, money_fields: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"COMPLETED","created":"2030-12-25T10:11:12",{money_fields}}}"#
        ))))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_refund_without_an_amount_after_a_partial_one_asks_for_the_remainder() {
    let (server, paytech) = setup().await;
    mount_parent(&server, r#""amount":100.00,"currency":"EUR""#).await;
    // Two pages of everything created since the deposit: refunds of it that count (completed,
    // pending), one that does not (declined), another deposit's refund, and other payments.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("created.gte", "2030-12-25T10:11:12"))
        .and(query_param("limit", "1000"))
        .and(query_param("offset", "3"))
        .respond_with(ok(scan_page(
            false,
            &[
                listed_refund("r4", PARENT, "PENDING", "5", "EUR"),
                r#"{"id":"d2","paymentType":"DEPOSIT","state":"COMPLETED","amount":7,"currency":"EUR"}"#
                    .to_owned(),
            ],
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("created.gte", "2030-12-25T10:11:12"))
        .and(query_param("limit", "1000"))
        .respond_with(ok(scan_page(
            true,
            &[
                listed_refund("r1", PARENT, "COMPLETED", "30.00", "EUR"),
                listed_refund("r2", PARENT, "DECLINED", "13.13", "EUR"),
                listed_refund("r3", "ffffffffffffffffffffffffffffffff", "COMPLETED", "50", "EUR"),
            ],
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "rest-1",
            "paymentType": "REFUND",
            "amount": 65.00,
            "currency": "EUR",
            "parentPaymentId": PARENT
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","paymentType":"REFUND","state":"PENDING","amount":65.00,"currency":"EUR","parentPaymentId":"{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateRefund::new(PaymentId::new(PARENT)).with_merchant_refund_id("rest-1");
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.amount, money(6500, Currency::EUR));
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":65.00,"#), "{}", sent[0]);
}

#[tokio::test]
async fn a_refund_without_an_amount_of_a_converted_deposit_is_in_the_customers_currency() {
    let (server, paytech) = setup().await;
    // Requested 15 USD, sent to the provider as 11.12 EUR; 5 USD already refunded (the
    // gateway converted that refund too).
    mount_parent(
        &server,
        r#""amount":11.12,"currency":"EUR","customerAmount":15,"customerCurrency":"USD""#,
    )
    .await;
    let converted_refund = format!(
        r#"{{"id":"r1","paymentType":"REFUND","state":"COMPLETED","amount":3.71,"currency":"EUR","customerAmount":5,"customerCurrency":"USD","parentPaymentId":"{PARENT}"}}"#
    );
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("created.gte", "2030-12-25T10:11:12"))
        .respond_with(ok(scan_page(false, &[converted_refund])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "rest-2",
            "paymentType": "REFUND",
            "amount": 10.00,
            "currency": "USD",
            "parentPaymentId": PARENT
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","paymentType":"REFUND","state":"PENDING","amount":7.41,"currency":"EUR","customerAmount":10,"customerCurrency":"USD","parentPaymentId":"{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateRefund::new(PaymentId::new(PARENT)).with_merchant_refund_id("rest-2");
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.amount, money(1000, Currency::USD));
    // Read back later, a converted refund is its customer amount too.
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{REFUND}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","paymentType":"REFUND","state":"COMPLETED","amount":7.41,"currency":"EUR","customerAmount":10,"customerCurrency":"USD","parentPaymentId":"{PARENT}"}}"#
        ))))
        .mount(&server)
        .await;
    let got = paytech.get_refund(&RefundId::new(REFUND)).await.unwrap();
    assert_eq!(got.amount, money(1000, Currency::USD));
}

#[tokio::test]
async fn a_refund_without_an_amount_when_nothing_is_left_sends_nothing() {
    let (server, paytech) = setup().await;
    mount_parent(&server, r#""amount":20,"currency":"EUR""#).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(scan_page(
            false,
            &[
                listed_refund("r1", PARENT, "COMPLETED", "15", "EUR"),
                listed_refund("r2", PARENT, "PENDING", "5.00", "EUR"),
            ],
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = paytech.create_refund(CreateRefund::new(PaymentId::new(PARENT))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.message().contains("nothing is left"), "{err}");
    assert!(bodies(&server, "POST", "/api/v1/payments").await.is_empty());
}

#[tokio::test]
async fn a_refund_without_an_amount_whose_refunds_cannot_be_counted_sends_nothing() {
    let (server, paytech) = setup().await;
    mount_parent(&server, r#""amount":20,"currency":"EUR""#).await;
    // A refund of the deposit in another currency: what is left in EUR is unknown.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(scan_page(false, &[listed_refund("r1", PARENT, "COMPLETED", "5", "USD")])))
        .expect(1)
        .mount(&server)
        .await;
    let err = paytech.create_refund(CreateRefund::new(PaymentId::new(PARENT))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(bodies(&server, "POST", "/api/v1/payments").await.is_empty());
}

#[tokio::test]
async fn a_retried_refund_without_an_amount_finds_the_earlier_attempt_before_counting() {
    let (server, paytech) = setup().await;
    // The earlier attempt refunded everything; counting first would find nothing left.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("referenceId.eq", "rest-3"))
        .respond_with(ok(scan_page(
            false,
            &[format!(
                r#"{{"id":"{REFUND}","referenceId":"rest-3","paymentType":"REFUND","state":"PENDING","amount":20,"currency":"EUR","parentPaymentId":"{PARENT}"}}"#
            )],
        )))
        .expect(1)
        .mount(&server)
        .await;
    let req =
        CreateRefund::new(PaymentId::new(PARENT)).retrying(IdempotencyKey::new("rest-3").unwrap());
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.id, RefundId::new(REFUND));
    assert_eq!(refund.amount, money(2000, Currency::EUR));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "one lookup: no parent read, no count, no create");
}

#[tokio::test]
async fn get_refund_maps_states_and_failures() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{REFUND}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","referenceId":"refund-1","paymentType":"REFUND","state":"DECLINED","amount":10.01,"currency":"GBP",
                "parentPaymentId":"{PARENT}","errorCode":"3.00","errorMessage":"Declined by Acquirer","created":"2024-09-24T20:29:11"}}"#
        ))))
        .mount(&server)
        .await;
    let refund = paytech.get_refund(&RefundId::new(REFUND)).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Failed);
    assert_eq!(refund.merchant_refund_id.as_deref(), Some("refund-1"));
    let failure = refund.failure.unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("3.00"));
    assert_eq!(failure.code, Some(DeclineCode::CardDeclined));
    assert!(refund.created_at.is_some());
}

#[tokio::test]
async fn get_refund_of_a_deposit_is_refused() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"COMPLETED","amount":1,"currency":"EUR"}}"#
        ))))
        .mount(&server)
        .await;
    let err = paytech.get_refund(&RefundId::new(PARENT)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn card_payout_sends_card_without_cvc_and_beneficiary() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(body_json(json!({
            "referenceId": "payout-1",
            "paymentType": "WITHDRAWAL",
            "paymentMethod": "BASIC_CARD",
            "amount": 10.01,
            "currency": "GBP",
            "description": "Seller payout 41",
            "card": {
                "cardNumber": "4000000000000002",
                "cardholderName": "John Watson",
                "expiryMonth": "01",
                "expiryYear": "2030"
            },
            "customer": {"referenceId": "seller_41", "email": "jw@mail.com", "phone": "44 02072243688"},
            "billingAddress": {"addressLine1": "221B Baker Street", "city": "London", "countryCode": "GB"},
            "webhookUrl": "https://shop.example/hooks",
            "additionalParameters": {"bankCode": "ABHY0065032"}
        })))
        .respond_with(ok(envelope(CREATE_WITHDRAWAL_RESULT)))
        .expect(1)
        .mount(&server)
        .await;
    let card =
        Card::new("4000000000000002", 1, 2030, "999").unwrap().with_holder_name("John Watson");
    let mut options = PaytechPayoutOptions {
        customer: Some(PaytechCustomer {
            email: Some("jw@mail.com".into()),
            phone: Some("44 02072243688".into()),
            ..PaytechCustomer::default()
        }),
        billing: Some(Address {
            line1: Some("221B Baker Street".into()),
            city: Some("London".into()),
            country: Some("gb".into()),
            ..Address::default()
        }),
        webhook_url: Some("https://shop.example/hooks".into()),
        ..Default::default()
    };
    options.additional_parameters.insert("bankCode".into(), "ABHY0065032".into());
    let req = CreatePayout::new(money(1001, Currency::GBP))
        .with_reference("payout-1")
        .with_description("Seller payout 41")
        .with_card(card)
        .with_customer(CustomerId::from_stored("seller_41"))
        // pay.tech keeps no metadata: routing only, not sent.
        .with_metadata("channel", "web")
        .with_options(options);
    let p = paytech.create_payout(req).await.unwrap();
    assert_eq!(p.id, PayoutId::new("96365a23dca04a5a9bcbb0031e7b06ac"));
    assert_eq!(p.status, PayoutStatus::Processing);
    assert_eq!(p.raw_status, "PENDING");
    assert_eq!(p.amount, Some(money(1001, Currency::GBP)));
    assert_eq!(p.failure, None);
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(!sent[0].contains("999"), "CVC must not be sent: {}", sent[0]);
}

#[tokio::test]
async fn bank_payout_with_method_and_account() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "payout-2",
            "paymentType": "WITHDRAWAL",
            "paymentMethod": "PIX",
            "amount": 100.0,
            "currency": "BRL",
            "customer": {"documentType": "BR_CPF", "documentNumber": "65745728000", "accountNumber": "123-4"}
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","referenceId":"payout-2","paymentType":"WITHDRAWAL","state":"AWAITING_APPROVAL","currency":"BRL","amount":100,
                "created":"2030-12-25T10:11:12","customer":{{"referenceId":"seller_41"}}}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let customer = PaytechCustomer {
        document_type: Some("BR_CPF".into()),
        document_number: Some("65745728000".into()),
        account_number: Some("123-4".into()),
        ..PaytechCustomer::default()
    };
    let options = PaytechPayoutOptions {
        payment_method: Some("PIX".into()),
        customer: Some(customer),
        ..Default::default()
    };
    let dbg = format!("{options:?}");
    assert!(!dbg.contains("65745728000") && !dbg.contains("123-4"), "{dbg}");
    let req = CreatePayout::new(money(10000, Currency::BRL))
        .with_reference("payout-2")
        .with_options(options);
    let p = paytech.create_payout(req).await.unwrap();
    assert_eq!(p.status, PayoutStatus::RequiresAction, "the merchant approves or rejects it");
    assert_eq!(p.merchant_reference.as_deref(), Some("payout-2"));
    assert_eq!(p.customer_id, Some(CustomerId::from_gateway("seller_41")));
    assert_eq!(p.created_at, Some(time::macros::datetime!(2030-12-25 10:11:12 UTC)));
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":100.00,"#), "{}", sent[0]);
}

#[tokio::test]
async fn payouts_check_what_the_spec_limits_before_sending() {
    let (server, paytech) = setup().await;
    let cases = [
        CreatePayout::new(money(1001, Currency::GBP)).with_reference("r".repeat(257)),
        CreatePayout::new(money(1001, Currency::GBP)).with_description("d".repeat(513)),
        CreatePayout::new(Money::from_minor(100_000_000_001, Currency::EUR).unwrap()),
        CreatePayout::new(money(0, Currency::GBP)),
    ];
    for req in cases {
        let err = paytech.create_payout(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn approve_reject_cancel_and_get_payout() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{WD}/approve")))
        .and(header("authorization", BEARER))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"PENDING","currency":"GBP","amount":10.01}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let rejected_answer = envelope(&format!(
        r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"CANCELLED","currency":"GBP","amount":10.01,
            "errorCode":"8.00","errorMessage":"Rejected by Merchant","externalResultCode":"Suspicious activity"}}"#
    ));
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{WD}/reject")))
        .and(header("authorization", BEARER))
        .and(body_json(json!({"rejectReason": "Suspicious activity"})))
        .respond_with(ok(rejected_answer.clone()))
        .expect(1)
        .mount(&server)
        .await;
    // `cancel_payout` is the same route without a reason.
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{WD}/reject")))
        .and(header("authorization", BEARER))
        .and(body_json(json!({})))
        .respond_with(ok(rejected_answer))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{WD}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"COMPLETED","currency":"GBP","amount":10.01}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let id = PayoutId::new(WD);
    let approved = paytech.approve_withdrawal(&id).await.unwrap();
    assert_eq!(approved.status, PayoutStatus::Processing);
    let sent = bodies(&server, "POST", &format!("/api/v1/payments/{WD}/approve")).await;
    assert_eq!(sent, vec![String::new()]);
    let rejected =
        paytech.reject_withdrawal(&id, Some("Suspicious activity".into())).await.unwrap();
    assert_eq!(rejected.status, PayoutStatus::Cancelled);
    assert!(rejected.status.is_final());
    assert_eq!(rejected.failure, None, "a merchant's rejection is not a failure");
    let cancelled = paytech.cancel_payout(&id).await.unwrap();
    assert_eq!(
        (cancelled.status, cancelled.raw_status.as_str()),
        (PayoutStatus::Cancelled, "CANCELLED")
    );
    let done = paytech.get_payout(&id).await.unwrap();
    assert_eq!(done.status, PayoutStatus::Succeeded);
    assert_eq!(done.amount, Some(money(1001, Currency::GBP)));
}

#[tokio::test]
async fn a_declined_payout_says_why() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{WD}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"DECLINED","currency":"EUR","amount":10000.01,
                "errorCode":"3.28","errorMessage":"Amount higher than maximum"}}"#
        ))))
        .mount(&server)
        .await;
    let p = paytech.get_payout(&PayoutId::new(WD)).await.unwrap();
    assert_eq!(p.status, PayoutStatus::Failed);
    let failure = p.failure.unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("3.28"));
    assert_eq!(failure.code, Some(DeclineCode::InvalidAmount));
    assert_eq!(failure.message.as_deref(), Some("Amount higher than maximum"));
}

#[tokio::test]
async fn a_payout_the_model_cannot_hold_as_money_keeps_the_gateways_figure() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{WD}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"COMPLETED","currency":"USDT","amount":12.345678}}"#
        ))))
        .mount(&server)
        .await;
    let p = paytech.get_payout(&PayoutId::new(WD)).await.unwrap();
    assert_eq!(p.amount, None);
    assert_eq!(
        p.gateway_amount,
        Some(paymux_core::GatewayAmount::new("12.345678".parse().unwrap(), "USDT"))
    );
}

#[tokio::test]
async fn get_payout_refuses_another_payment_type_and_get_payment_a_withdrawal() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"COMPLETED","currency":"GBP","amount":10.01}}"#
        ))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{WD}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"COMPLETED","currency":"GBP","amount":10.01}}"#
        ))))
        .mount(&server)
        .await;
    let err = paytech.get_payout(&PayoutId::new(PARENT)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    let err = paytech.get_payment(&PaymentId::new(WD)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    let err = paytech.get_payout(&PayoutId::new("../x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    let err = paytech.cancel_payout(&PayoutId::new("../x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
}

#[tokio::test]
async fn list_payouts_sends_the_documented_query_and_keeps_the_withdrawals() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(query_param("offset", "100"))
        .and(query_param("limit", "3"))
        .and(query_param("created.gte", "2030-12-25T10:00:00"))
        // `created_to` is inclusive; `created.lt` is not.
        .and(query_param("created.lt", "2030-12-25T11:00:01"))
        .respond_with(ok(format!(
            r#"{{"timestamp":"x","status":200,"hasMore":true,"result":[
                {{"id":"{WD}","paymentType":"WITHDRAWAL","state":"PENDING","currency":"GBP","amount":10.01}},
                {{"id":"{PARENT}","paymentType":"DEPOSIT","state":"COMPLETED","currency":"GBP","amount":10.01}},
                {{"id":"{REFUND}","paymentType":"REFUND","state":"COMPLETED","currency":"GBP","amount":1,"parentPaymentId":"{PARENT}"}}]}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    let query =
        ListPayouts::new().with_limit(3).with_cursor(PageCursor::Offset(100)).created_between(
            time::macros::datetime!(2030-12-25 10:00:00 UTC),
            time::macros::datetime!(2030-12-25 11:00:00.5 UTC),
        );
    let page = paytech.list_payouts(query).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, PayoutId::new(WD));
    assert_eq!(page.items[0].status, PayoutStatus::Processing);
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(103)), "every payment of the page counts");
    let received = server.received_requests().await.unwrap();
    let names: Vec<String> = received[0].url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["offset", "limit", "created.gte", "created.lt"]);
}

#[tokio::test]
async fn list_payouts_refuses_what_the_route_cannot_filter() {
    let (server, paytech) = setup().await;
    let err = paytech
        .list_payouts(ListPayouts::new().with_status(PayoutStatus::Succeeded))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    let cursor = ListPayouts::new().with_cursor(PageCursor::After("x".into()));
    let err = paytech.list_payouts(cursor).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn payouts_are_declared_and_disputes_are_not() {
    let (_server, paytech) = setup().await;
    let caps = paymux_core::connector::Connector::capabilities(&paytech.0);
    for op in [
        Operation::CreatePayout,
        Operation::GetPayout,
        Operation::ListPayouts,
        Operation::CancelPayout,
    ] {
        assert!(caps.supports(op), "{op:?}");
    }
    for op in [
        Operation::ListDisputes,
        Operation::GetDispute,
        Operation::AcceptDispute,
        Operation::SubmitDisputeEvidence,
    ] {
        assert!(!caps.supports(op), "{op:?}");
    }
    let err = paytech.list_disputes(paymux_core::ListDisputes::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Error shapes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bad_request_shape_becomes_invalid_request_with_field_details() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "timestamp": "2020-10-07T13:32:19.444+00:00",
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [{
                "codes": ["Size.paymentRequest.referenceId"],
                "arguments": [{"codes": ["referenceId"], "defaultMessage": "referenceId"}],
                "defaultMessage": "size must be between 0 and 256",
                "objectName": "paymentRequest",
                "field": "referenceId",
                "bindingFailure": false
            }],
            "path": "/api/v1/payments"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = paytech
        .create_payment(CreatePayment::new(money(100, Currency::EUR)).with_reference("r"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.http_status(), Some(400));
    assert_eq!(err.gateway_code(), Some("Bad Request"));
    let msg = err.gateway_message().unwrap();
    assert!(
        msg.contains("Validation failed") && msg.contains("referenceId: size must be"),
        "{msg}"
    );
    assert!(!err.is_outcome_unknown());
}

#[tokio::test]
async fn a_step_the_state_forbids_is_a_conflict() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments/abc/reject"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "timestamp": "2020-10-07T13:32:19.444+00:00",
            "status": 400,
            "error": "Bad Request",
            "message": "Illegal Workflow State",
            "path": "/api/v1/payments/abc/reject"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = paytech.cancel_payout(&PayoutId::new("abc")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(err.http_status(), Some(400));
    assert!(!err.is_outcome_unknown());
}

#[tokio::test]
async fn unauthorized_and_not_found_shapes() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": 401, "error": "Unauthorized", "message": "Invalid token",
            "timestamp": "2020-10-07T13:32:19.444+00:00", "path": "/api/v1/payments"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{REFUND}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "status": 404, "error": "Not Found", "message": "Payment not found",
            "timestamp": "2024-10-07T13:32:19.444+00:00", "path": "/api/v1/payments"
        })))
        .mount(&server)
        .await;
    let err = paytech.get_payment(&PaymentId::new(PARENT)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.gateway_message(), Some("Invalid token"));
    assert!(!err.to_string().contains(common::API_KEY));
    let err = paytech.get_refund(&RefundId::new(REFUND)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.gateway_code(), Some("Not Found"));
    assert_eq!(err.gateway_message(), Some("Payment not found"));
}

#[tokio::test]
async fn an_answer_without_result_or_unreadable_is_invalid_response() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{PARENT}")))
        .respond_with(ok(r#"{"timestamp":"x","status":200}"#.to_owned()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{REFUND}")))
        .respond_with(ok("<html>oops</html>".to_owned()))
        .mount(&server)
        .await;
    let err = paytech.get_payment(&PaymentId::new(PARENT)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    let err = paytech.get_payment(&PaymentId::new(REFUND)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
}

#[tokio::test]
async fn a_decline_is_http_200_and_comes_back_as_a_failed_payment() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","referenceId":"o-1","paymentType":"DEPOSIT","state":"DECLINED","amount":10.01,"currency":"GBP",
                "errorCode":"4.07","errorMessage":"Invalid Security Code"}}"#
        ))))
        .mount(&server)
        .await;
    let card = Card::new("4000000000000416", 1, 2030, "123").unwrap();
    let p = paytech
        .create_payment(
            CreatePayment::new(money(1001, Currency::GBP)).with_reference("o-1").with_card(card),
        )
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.decline_code(), Some(&DeclineCode::IncorrectCvc));
    assert_eq!(p.failure.unwrap().gateway_code.as_deref(), Some("4.07"));
}

// ---------------------------------------------------------------------------------------------
// Recovery after an ambiguous create
// ---------------------------------------------------------------------------------------------

fn slow_connector(server: &MockServer) -> Paytech {
    let config = common::config(&server.uri()).with_timeout(Duration::from_millis(400)).with_retry(
        RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
    );
    Paytech::new(config).unwrap()
}

fn found_list(reference: &str, amount: &str, currency: &str) -> String {
    format!(
        r#"{{"timestamp":"x","status":200,"hasMore":false,"result":[
            {{"id":"{PARENT}","referenceId":"{reference}","paymentType":"DEPOSIT","state":"CHECKOUT",
              "amount":{amount},"currency":"{currency}","redirectUrl":"https://gateway-domain.com/payment/{PARENT}"}}]}}"#
    )
}

#[tokio::test]
async fn a_create_that_timed_out_after_reaching_the_gateway_is_found_not_repeated() {
    let server = MockServer::start().await;
    // The gateway receives the create but answers too late.
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(CREATE_REFUND_RESULT)).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    // Only after the ambiguous failure is the payment looked up (a first call is not).
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(query_param("referenceId.eq", "idem-timeout-1"))
        .and(query_param("limit", "100"))
        .respond_with(ok(found_list("idem-timeout-1", "11.12", "EUR")))
        .expect(1)
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let req = CreatePayment::new(money(1112, Currency::EUR))
        .with_idempotency_key(IdempotencyKey::new("idem-timeout-1").unwrap());
    let payment = paytech.create_payment(req).await.unwrap();
    assert_eq!(payment.id, PaymentId::new(PARENT));
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
    assert_eq!(payment.amount, Some(money(1112, Currency::EUR)));
    assert_eq!(payment.merchant_reference.as_deref(), Some("idem-timeout-1"));
    let received = server.received_requests().await.unwrap();
    let posts = received.iter().filter(|r| r.method.as_str() == "POST").count();
    assert_eq!(posts, 1, "exactly one create reached the gateway");
    let order: Vec<_> = received.iter().map(|r| r.method.to_string()).collect();
    assert_eq!(order, ["POST", "GET"], "sent first, looked up after the timeout");
    // The lookup window starts before the call.
    let get = received.iter().rfind(|r| r.method.as_str() == "GET").unwrap();
    let gte = get.url.query_pairs().find(|(k, _)| k == "created.gte").unwrap().1.into_owned();
    let gte = time::PrimitiveDateTime::parse(
        &gte,
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .unwrap()
    .assume_utc();
    let now = time::OffsetDateTime::now_utc();
    assert!(now - gte >= time::Duration::minutes(9), "created.gte {gte} too close to {now}");
}

#[tokio::test]
async fn when_the_lookup_finds_nothing_nothing_is_resent_until_the_caller_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(
            CREATE_WITHDRAWAL_RESULT.replace("WITHDRAWAL", "DEPOSIT").as_str(),
        )))
        .mount(&server)
        .await;
    // The only payment with this reference is an older attempt with another amount.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("referenceId.eq", "order-77"))
        .respond_with(ok(found_list("order-77", "99.00", "GBP")))
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let key = paymux_core::IdempotencyKey::new("attempt-77").unwrap();
    let req = CreatePayment::new(money(1001, Currency::GBP))
        .with_reference("order-77")
        .with_idempotency_key(key.clone());
    // The gateway may still be processing the first request: no blind second send.
    let err = paytech.create_payment(req.clone()).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(bodies(&server, "POST", "/api/v1/payments").await.len(), 1);
    // The caller's retry with the same key (marked as one) looks first, finds nothing of
    // ours, then sends.
    let payment = paytech.create_payment(req.retrying(key)).await.unwrap();
    assert_eq!(payment.status, PaymentStatus::Processing);
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert_eq!(sent.len(), 2, "the caller's retry sends once");
    assert_eq!(sent[0], sent[1], "the retry is the same request");
    let lookups = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert_eq!(lookups, 2, "after the first send's failure, and before the retry");
}

#[tokio::test]
async fn when_the_lookup_fails_nothing_is_resent_and_the_outcome_stays_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(CREATE_REFUND_RESULT)).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"status": 401, "error": "Unauthorized"})),
        )
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let err = paytech
        .create_payment(CreatePayment::new(money(1001, Currency::GBP)).with_reference("order-78"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert_eq!(bodies(&server, "POST", "/api/v1/payments").await.len(), 1);
}

#[tokio::test]
async fn a_refund_that_timed_out_is_found_by_reference_and_parent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(CREATE_REFUND_RESULT)).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("referenceId.eq", "refund-9"))
        .respond_with(ok(format!(
            r#"{{"timestamp":"x","status":200,"hasMore":false,"result":[
                {{"id":"{REFUND}","referenceId":"refund-9","paymentType":"REFUND","state":"PENDING","amount":10.01,"currency":"GBP","parentPaymentId":"{PARENT}"}}]}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let refund = paytech
        .create_refund(
            CreateRefund::new(PaymentId::new(PARENT))
                .with_amount(money(1001, Currency::GBP))
                .with_merchant_refund_id("refund-9"),
        )
        .await
        .unwrap();
    assert_eq!(refund.id, RefundId::new(REFUND));
    assert_eq!(bodies(&server, "POST", "/api/v1/payments").await.len(), 1);
}

#[tokio::test]
async fn a_payout_whose_create_failed_ambiguously_is_found_not_sent_twice() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    // The older withdrawal with this reference and another amount is not ours; the one with
    // ours is, whatever its place in the page.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(query_param("referenceId.eq", "payout-idem-1"))
        .and(query_param("limit", "100"))
        .respond_with(ok(format!(
            r#"{{"timestamp":"x","status":200,"hasMore":false,"result":[
                {{"id":"{PARENT}","referenceId":"payout-idem-1","paymentType":"WITHDRAWAL","state":"PENDING","amount":99.00,"currency":"BRL"}},
                {{"id":"{REFUND}","referenceId":"payout-idem-1","paymentType":"DEPOSIT","state":"CHECKOUT","amount":100.00,"currency":"BRL"}},
                {{"id":"{WD}","referenceId":"payout-idem-1","paymentType":"WITHDRAWAL","state":"PENDING","amount":100.00,"currency":"BRL"}}]}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let req = CreatePayout::new(money(10000, Currency::BRL))
        .with_idempotency_key(IdempotencyKey::new("payout-idem-1").unwrap());
    let payout = paytech.create_payout(req).await.unwrap();
    assert_eq!(payout.id, PayoutId::new(WD));
    assert_eq!(payout.status, PayoutStatus::Processing);
    let order: Vec<_> =
        server.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect();
    assert_eq!(order, ["POST", "GET"], "one create, looked up after the ambiguous failure");
}

#[tokio::test]
async fn a_payout_not_found_after_an_ambiguous_failure_stays_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.into()))
        .expect(1)
        .mount(&server)
        .await;
    let paytech = slow_connector(&server);
    let req = CreatePayout::new(money(10000, Currency::BRL)).with_reference("payout-idem-2");
    let err = paytech.create_payout(req).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(err.provider().is_some(), "{err}");
}
