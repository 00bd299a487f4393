//! The recovery lookup before sending happens only for a call that says it repeats an earlier
//! one (`retrying(key)`): a first call with an idempotency key (the router always sets one) is
//! one request, and a retry whose lookup fails sends nothing and stays outcome-unknown.
#![allow(clippy::unwrap_used)]

mod common;

use common::{bodies, envelope, setup};
use paymux_core::{
    CreatePayment, CreatePayout, CreateRefund, Currency, IdempotencyKey, Money, PaymentId,
    PaymentProvider, PaymentStatus, PayoutId, PayoutStatus, RefundId, RefundStatus,
};
use paymux_paytech::PaytechPayoutOptions;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PARENT: &str = "96365a23dca04a5a9bcbb0031e7b06ac";
const REFUND: &str = "4e2ca455643c41fab7c611f003907ad5";
const WD: &str = "7a1ca455643c41fab7c611f003907ad8";
const LIST: &str = "/api/v1/payments";

fn ok(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency).unwrap()
}

fn pix() -> PaytechPayoutOptions {
    PaytechPayoutOptions { payment_method: Some("PIX".into()), ..Default::default() }
}

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::new(k).unwrap()
}

/// `(method, path)` of every request the server received, in order.
async fn received(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect()
}

/// A lookup that would find nothing; mounted with `expect(0)` where no lookup may happen.
async fn mount_empty_list(server: &MockServer, expect: u64) {
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.into()))
        .expect(expect)
        .mount(server)
        .await;
}

/// A list route that fails (HTTP 500) on every attempt.
async fn mount_failing_list(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(500).set_body_string("list is down"))
        .mount(server)
        .await;
}

/// A create route that must not be reached.
async fn mount_no_create(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(server)
        .await;
}

fn found(result: &str) -> String {
    format!(r#"{{"timestamp":"x","status":200,"hasMore":false,"result":[{result}]}}"#)
}

// ---------------------------------------------------------------------------------------------
// (a) An idempotency key alone is not a retry: one request, no lookup
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_keyed_deposit_that_is_not_a_retry_is_one_post_and_no_lookup() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .and(body_json(json!({
            "referenceId": "first-call-1",
            "paymentType": "DEPOSIT",
            "amount": 11.12,
            "currency": "EUR"
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"CHECKOUT","currency":"EUR",
                "redirectUrl":"https://gateway-domain.com/payment/{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    mount_empty_list(&server, 0).await;
    let req =
        CreatePayment::new(money(1112, Currency::EUR)).with_idempotency_key(key("first-call-1"));
    assert!(!req.is_retry);
    let payment = paytech.create_payment(req).await.unwrap();
    assert_eq!(payment.id, PaymentId::new(PARENT));
    assert_eq!(received(&server).await, [("POST".to_owned(), LIST.to_owned())]);
}

#[tokio::test]
async fn a_keyed_refund_that_is_not_a_retry_is_one_post_and_no_lookup() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .and(body_json(json!({
            "referenceId": "refund-first-1",
            "paymentType": "REFUND",
            "amount": 10.01,
            "currency": "GBP",
            "parentPaymentId": PARENT
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{REFUND}","paymentType":"REFUND","state":"PENDING","currency":"GBP","parentPaymentId":"{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    mount_empty_list(&server, 0).await;
    let req = CreateRefund::new(PaymentId::new(PARENT))
        .with_amount(money(1001, Currency::GBP))
        .with_idempotency_key(key("refund-first-1"));
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.id, RefundId::new(REFUND));
    assert_eq!(received(&server).await, [("POST".to_owned(), LIST.to_owned())]);
}

#[tokio::test]
async fn a_keyed_withdrawal_that_is_not_a_retry_is_one_post_and_no_lookup() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .and(body_json(json!({
            "referenceId": "payout-first-1",
            "paymentType": "WITHDRAWAL",
            "paymentMethod": "PIX",
            "amount": 100.0,
            "currency": "BRL"
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{WD}","paymentType":"WITHDRAWAL","state":"PENDING","currency":"BRL"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    mount_empty_list(&server, 0).await;
    let req = CreatePayout::new(money(10000, Currency::BRL))
        .with_options(pix())
        .with_idempotency_key(key("payout-first-1"));
    let w = paytech.create_payout(req).await.unwrap();
    assert_eq!(w.id, PayoutId::new(WD));
    assert_eq!(received(&server).await, [("POST".to_owned(), LIST.to_owned())]);
}

// ---------------------------------------------------------------------------------------------
// (b) A retry looks first and returns what the earlier call made, without a second create
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_retried_deposit_is_found_by_its_key_and_not_sent_again() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("referenceId.eq", "retry-dep-1"))
        .and(query_param("limit", "100"))
        .respond_with(ok(found(&format!(
            r#"{{"id":"{PARENT}","referenceId":"retry-dep-1","paymentType":"DEPOSIT","state":"CHECKOUT",
                "amount":11.12,"currency":"EUR","redirectUrl":"https://gateway-domain.com/payment/{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(money(1112, Currency::EUR)).retrying(key("retry-dep-1"));
    let payment = paytech.create_payment(req).await.unwrap();
    assert_eq!(payment.id, PaymentId::new(PARENT));
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
    assert_eq!(payment.merchant_reference.as_deref(), Some("retry-dep-1"));
    assert_eq!(received(&server).await, [("GET".to_owned(), LIST.to_owned())]);
}

#[tokio::test]
async fn a_retried_refund_is_found_by_its_key_and_parent_and_not_sent_again() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("referenceId.eq", "retry-ref-1"))
        .respond_with(ok(found(&format!(
            r#"{{"id":"{REFUND}","referenceId":"retry-ref-1","paymentType":"REFUND","state":"PENDING",
                "amount":10.01,"currency":"GBP","parentPaymentId":"{PARENT}"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateRefund::new(PaymentId::new(PARENT))
        .with_amount(money(1001, Currency::GBP))
        .retrying(key("retry-ref-1"));
    let refund = paytech.create_refund(req).await.unwrap();
    assert_eq!(refund.id, RefundId::new(REFUND));
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(received(&server).await, [("GET".to_owned(), LIST.to_owned())]);
}

#[tokio::test]
async fn a_retried_withdrawal_is_found_by_its_key_and_not_sent_again() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("referenceId.eq", "retry-wd-1"))
        .respond_with(ok(found(&format!(
            r#"{{"id":"{WD}","referenceId":"retry-wd-1","paymentType":"WITHDRAWAL","state":"AWAITING_APPROVAL",
                "amount":100,"currency":"BRL"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayout::new(money(10000, Currency::BRL))
        .with_options(pix())
        .retrying(key("retry-wd-1"));
    assert!(req.is_retry);
    let w = paytech.create_payout(req).await.unwrap();
    assert_eq!(w.id, PayoutId::new(WD));
    assert_eq!(w.status, PayoutStatus::RequiresAction);
    assert_eq!(w.raw_status, "AWAITING_APPROVAL");
    assert_eq!(received(&server).await, [("GET".to_owned(), LIST.to_owned())]);
}

#[tokio::test]
async fn a_retry_whose_lookup_finds_nothing_of_ours_sends_once() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{PARENT}","paymentType":"DEPOSIT","state":"CHECKOUT","currency":"EUR"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    mount_empty_list(&server, 1).await;
    let req = CreatePayment::new(money(1112, Currency::EUR)).retrying(key("retry-dep-2"));
    paytech.create_payment(req).await.unwrap();
    let order: Vec<_> = received(&server).await.into_iter().map(|(m, _)| m).collect();
    assert_eq!(order, ["GET", "POST"], "a retry looks first, then creates");
}

// ---------------------------------------------------------------------------------------------
// (c) A retry whose lookup fails: nothing sent, outcome unknown
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_retried_deposit_whose_lookup_fails_is_outcome_unknown_and_not_sent() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    mount_failing_list(&server).await;
    let req = CreatePayment::new(money(1112, Currency::EUR)).retrying(key("retry-dep-3"));
    let err = paytech.create_payment(req).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paytech"));
    assert!(bodies(&server, "POST", LIST).await.is_empty(), "no create was sent");
}

#[tokio::test]
async fn a_retried_refund_whose_lookup_fails_is_outcome_unknown_and_not_sent() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    mount_failing_list(&server).await;
    let req = CreateRefund::new(PaymentId::new(PARENT))
        .with_amount(money(1001, Currency::GBP))
        .retrying(key("retry-ref-3"));
    let err = paytech.create_refund(req).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(bodies(&server, "POST", LIST).await.is_empty(), "no create was sent");
}

#[tokio::test]
async fn a_retry_whose_lookup_is_refused_is_still_outcome_unknown() {
    // A 401 on the lookup is certain about the lookup, not about the earlier create.
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"status": 401, "error": "Unauthorized"})),
        )
        .mount(&server)
        .await;
    let req = CreatePayment::new(money(1112, Currency::EUR)).retrying(key("retry-dep-4"));
    let err = paytech.create_payment(req).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(bodies(&server, "POST", LIST).await.is_empty(), "no create was sent");
}

#[tokio::test]
async fn a_retried_withdrawal_whose_lookup_fails_is_outcome_unknown_and_not_sent() {
    let (server, paytech) = setup().await;
    mount_no_create(&server).await;
    mount_failing_list(&server).await;
    let req = CreatePayout::new(money(10000, Currency::BRL))
        .with_options(pix())
        .retrying(key("retry-wd-3"));
    let err = paytech.create_payout(req).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(bodies(&server, "POST", LIST).await.is_empty(), "no create was sent");
}
