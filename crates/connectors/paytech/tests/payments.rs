//! Deposits, lists, host-to-host, capture, void: exact wire requests and documented answers.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::IpAddr;

use common::{BEARER, bodies, envelope, setup};
use paymux_core::{
    Address, BillingDetails, CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment,
    CreatePayment, Currency, CustomerDetails, DeclineCode, ErrorKind, GatewayAmount,
    IdempotencyKey, ListPayments, Money, NextAction, Operation, PageCursor, Payment, PaymentId,
    PaymentProvider, PaymentStatus, Phone,
};
use paymux_paytech::{ListDeposits, PaytechConfirmOptions, PaytechPaymentOptions, external_refs};
use rust_decimal::Decimal;
use serde_json::json;
use time::macros::datetime;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const ID: &str = "96365a23dca04a5a9bcbb0031e7b06ac";

fn ok(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

/// The spec's `CreateDepositResponse` example.
const CREATE_DEPOSIT_RESULT: &str = r#"{
    "id": "96365a23dca04a5a9bcbb0031e7b06ac",
    "paymentType": "DEPOSIT",
    "state": "CHECKOUT",
    "currency": "GBP",
    "redirectUrl": "https://gateway-domain.com/payment/96365a23dca04a5a9bcbb0031e7b06ac"
}"#;

/// The seed guide's `GET /api/v1/payments/{id}` example (DEPOSIT - DECLINED).
const DECLINED_EXAMPLE: &str = r#"{
  "timestamp": "2020-10-07T13:36:32.595+00:00",
  "status": 200,
  "result": {
    "id": "91d27876e87f4b22b3ecd53924bf973d",
    "referenceId": "payment-123",
    "created": "2030-12-25T10:11:12",
    "paymentType": "DEPOSIT",
    "state": "DECLINED",
    "description": "Deposit via TEST shop",
    "paymentMethod": "BASIC_CARD",
    "paymentMethodDetails": {
      "customerAccountNumber": "400000***0002",
      "cardToken": "3529d42227424875af8722cbf54d7073",
      "cardholderName": "John Doe",
      "cardExpiryMonth": "01",
      "cardExpiryYear": "2030",
      "cardBrand": "VISA",
      "cardIssuingCountryCode": "CY"
    },
    "amount": 11.12,
    "currency": "EUR",
    "customerAmount": 15,
    "customerCurrency": "USD",
    "errorCode": "4.01",
    "errorMessage": "Insufficient Funds",
    "externalResultCode": "03",
    "customer": {
      "referenceId": "customer_123",
      "citizenshipCountryCode": "AU",
      "firstName": "John",
      "lastName": "Smith",
      "dateOfBirth": "2001-12-03",
      "email": "[email protected]",
      "phone": "357 123123123",
      "locale": "ru"
    },
    "billingAddress": {
      "addressLine1": "7, Sunny street",
      "addressLine2": "Office 3",
      "city": "Limassol",
      "countryCode": "CY",
      "postalCode": "4141",
      "state": "CA"
    }
  }
}"#;

fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency).unwrap()
}

#[tokio::test]
async fn create_deposit_sends_the_exact_request_and_surfaces_the_redirect() {
    let (server, paytech) = setup().await;
    let expected = json!({
        "referenceId": "order-123",
        "paymentType": "DEPOSIT",
        "amount": 11.12,
        "currency": "GBP",
        "description": "Order 123",
        "customer": {
            "email": "jw@mail.com",
            "phone": "44 2072243688",
            "firstName": "John",
            "lastName": "Watson"
        },
        "billingAddress": {
            "addressLine1": "221b Baker St, Marylebone",
            "city": "London",
            "countryCode": "GB",
            "postalCode": "NW1 6XE"
        },
        "returnUrl": "https://shop.example/return",
        "webhookUrl": "https://shop.example/webhooks",
        "additionalParameters": {"countryOfBirth": "CY"}
    });
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected))
        .respond_with(ok(envelope(CREATE_DEPOSIT_RESULT)))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreatePayment::new(money(1112, Currency::GBP))
        .with_reference("order-123")
        .with_description("Order 123")
        .with_return_url("https://shop.example/return")
        .with_customer_details(CustomerDetails {
            email: Some("jw@mail.com".into()),
            name: Some("John Watson".into()),
            phone: Some(Phone::from_e164("+442072243688", 2).unwrap()),
        })
        .with_billing(BillingDetails {
            address: Some(Address {
                line1: Some("221b Baker St, Marylebone".into()),
                city: Some("London".into()),
                postal_code: Some("NW1 6XE".into()),
                country: Some("gb".into()),
                ..Address::default()
            }),
            ..BillingDetails::default()
        })
        .with_options(PaytechPaymentOptions {
            webhook_url: Some("https://shop.example/webhooks".into()),
            additional_parameters: [("countryOfBirth".to_owned(), "CY".to_owned())].into(),
            ..PaytechPaymentOptions::default()
        });
    let payment = paytech.create_payment(req).await.unwrap();
    assert_eq!(payment.id, PaymentId::new(ID));
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
    assert_eq!(payment.raw_status, "CHECKOUT");
    assert_eq!(payment.amount, Some(money(1112, Currency::GBP)));
    assert_eq!(payment.amount_received, None);
    assert_eq!(
        payment.next_action,
        Some(NextAction::Redirect {
            url: "https://gateway-domain.com/payment/96365a23dca04a5a9bcbb0031e7b06ac".into()
        })
    );
    // The amount token is written exactly as the decimal, never via a float.
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":11.12,"#), "{}", sent[0]);
}

#[tokio::test]
async fn card_deposit_with_manual_capture_sends_card_and_pre_auth() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "order-9",
            "paymentType": "DEPOSIT",
            "paymentMethod": "BASIC_CARD",
            "amount": 10.01,
            "currency": "GBP",
            "card": {
                "cardNumber": "4000000000000002",
                "cardholderName": "John Watson",
                "cardSecurityCode": "123",
                "expiryMonth": "01",
                "expiryYear": "2030"
            },
            "preAuth": true
        })))
        .respond_with(ok(envelope(CREATE_DEPOSIT_RESULT)))
        .expect(1)
        .mount(&server)
        .await;
    let card =
        Card::new("4000 0000 0000 0002", 1, 2030, "123").unwrap().with_holder_name("John Watson");
    let req = CreatePayment::new(money(1001, Currency::GBP))
        .with_reference("order-9")
        .with_card(card)
        .with_capture(CaptureMode::Manual);
    assert!(!format!("{req:?}").contains("4000000000000002"));
    let payment = paytech.create_payment(req).await.unwrap();
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
}

#[tokio::test]
async fn without_a_reference_the_idempotency_key_travels_as_reference_id() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(body_json(json!({
            "referenceId": "idem-key-42",
            "paymentType": "DEPOSIT",
            "amount": 0.30,
            "currency": "EUR"
        })))
        .respond_with(ok(envelope(CREATE_DEPOSIT_RESULT)))
        .expect(1)
        .mount(&server)
        .await;
    // A key alone is not a retry (`CreatePayment::retrying` says so): nothing is looked up.
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.into()))
        .expect(0)
        .mount(&server)
        .await;
    let req = CreatePayment::new(money(30, Currency::EUR))
        .with_idempotency_key(IdempotencyKey::new("idem-key-42").unwrap());
    paytech.create_payment(req).await.unwrap();
    let order: Vec<_> =
        server.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect();
    assert_eq!(order, ["POST"], "one request: the create");
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":0.30,"#), "{}", sent[0]);
    // No idempotency header: pay.tech has none.
    let received = server.received_requests().await.unwrap();
    assert!(received.iter().all(|r| r.headers.get("idempotency-key").is_none()));
}

#[tokio::test]
async fn three_decimal_amounts_are_sent_exactly() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(envelope(
            r#"{"id":"96365a23dca04a5a9bcbb0031e7b06ac","paymentType":"DEPOSIT","state":"CHECKOUT","currency":"KWD"}"#,
        )))
        .mount(&server)
        .await;
    let amount = Money::from_minor(1_234_567_891, Currency::KWD).unwrap();
    let payment =
        paytech.create_payment(CreatePayment::new(amount).with_reference("k-1")).await.unwrap();
    assert_eq!(payment.amount.unwrap().amount_minor(), 1_234_567_891);
    let sent = bodies(&server, "POST", "/api/v1/payments").await;
    assert!(sent[0].contains(r#""amount":1234567.891,"currency":"KWD""#), "{}", sent[0]);
}

#[tokio::test]
async fn get_payment_parses_the_documented_decline() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments/91d27876e87f4b22b3ecd53924bf973d"))
        .and(header("authorization", BEARER))
        .respond_with(ok(DECLINED_EXAMPLE.to_owned()))
        .expect(1)
        .mount(&server)
        .await;
    let p = paytech.get_payment(&PaymentId::new("91d27876e87f4b22b3ecd53924bf973d")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.raw_status, "DECLINED");
    let failure = p.failure.as_ref().unwrap();
    assert_eq!(failure.code, Some(DeclineCode::InsufficientFunds));
    assert_eq!(failure.gateway_code.as_deref(), Some("4.01"));
    assert_eq!(failure.message.as_deref(), Some("Insufficient Funds"));
    // Requested 15 USD (customerAmount), converted to 11.12 EUR; declined, so nothing received.
    assert_eq!(p.amount, Some(money(1500, Currency::USD)));
    assert_eq!(p.amount_received, None);
    assert_eq!(p.merchant_reference.as_deref(), Some("payment-123"));
    assert_eq!(p.customer_id.as_ref().map(|c| c.as_str()), Some("customer_123"));
    assert_eq!(p.created_at, Some(datetime!(2030-12-25 10:11:12 UTC)));
    assert_eq!(p.next_action, None);
}

#[tokio::test]
async fn a_completed_converted_deposit_keeps_requested_and_received_amounts() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"COMPLETED","amount":11.12,
                "currency":"EUR","customerAmount":15,"customerCurrency":"USD","preAuth":false}}"#
        ))))
        .mount(&server)
        .await;
    let p = paytech.get_payment(&PaymentId::new(ID)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, Some(money(1500, Currency::USD)));
    assert_eq!(p.amount_received, Some(money(1112, Currency::EUR)));
    assert_eq!(p.capture_mode, Some(CaptureMode::Automatic));
    assert_eq!(p.failure, None);
}

async fn read_with(answer_amount: &str, currency: &str) -> Payment {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"COMPLETED","amount":{answer_amount},"currency":"{currency}"}}"#
        ))))
        .mount(&server)
        .await;
    paytech.get_payment(&PaymentId::new(ID)).await.unwrap()
}

async fn amount_of(answer_amount: &str, currency: &str) -> Money {
    let p = read_with(answer_amount, currency).await;
    assert_eq!(p.gateway_amount, None, "Money holds {answer_amount} {currency}");
    p.amount.unwrap()
}

#[tokio::test]
async fn amounts_are_read_exactly() {
    assert_eq!(amount_of("11.12", "EUR").await.amount_minor(), 1112);
    assert_eq!(amount_of("0.30", "EUR").await.amount_minor(), 30);
    assert_eq!(amount_of("1234567.891", "KWD").await.amount_minor(), 1_234_567_891);
    assert_eq!(amount_of("1234567.891", "BHD").await.amount_minor(), 1_234_567_891);
    assert_eq!(amount_of("2000", "CLP").await.amount_minor(), 2000);
    assert_eq!(amount_of("10.10000", "EUR").await.amount_minor(), 1010);
    assert_eq!(amount_of("1.5E+1", "EUR").await.amount_minor(), 1500);
    // Beyond f64's 53 bits: a float would turn this into ...992.
    assert_eq!(
        amount_of("9007199254740993.01", "EUR").await.amount_minor(),
        900_719_925_474_099_301
    );
}

#[tokio::test]
async fn amounts_money_cannot_hold_are_kept_exactly_not_rounded() {
    for (amount, currency, value) in [
        ("10.125", "EUR", Decimal::new(10125, 3)),
        ("10.123", "EUR", Decimal::new(10123, 3)),
        ("0.1", "CLP", Decimal::new(1, 1)),
        ("1.2345", "KWD", Decimal::new(12345, 4)),
        // A cryptocurrency symbol is not an ISO 4217 currency.
        ("0.00012345", "BTC", Decimal::new(12345, 8)),
        ("0.001", "USDT", Decimal::new(1, 3)),
    ] {
        let p = read_with(amount, currency).await;
        assert_eq!(p.amount, None, "{amount} {currency}");
        assert_eq!(p.gateway_amount, Some(GatewayAmount::new(value, currency)));
        assert_eq!(p.gateway_amount.unwrap().value.to_string(), amount);
        assert_eq!(p.amount_received, None);
        assert_eq!(p.status, PaymentStatus::Succeeded);
    }
}

#[tokio::test]
async fn get_payment_of_a_refund_is_refused() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments/4e2ca455643c41fab7c611f003907ad5"))
        .respond_with(ok(envelope(
            r#"{"id":"4e2ca455643c41fab7c611f003907ad5","paymentType":"REFUND","state":"PENDING","currency":"GBP","amount":1,"parentPaymentId":"96365a23dca04a5a9bcbb0031e7b06ac"}"#,
        )))
        .mount(&server)
        .await;
    let err =
        paytech.get_payment(&PaymentId::new("4e2ca455643c41fab7c611f003907ad5")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("REFUND"), "{err}");
}

#[tokio::test]
async fn list_payments_sends_filters_and_pages_by_offset() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(query_param("offset", "50"))
        .and(query_param("limit", "1000"))
        .and(query_param("created.gte", "2021-10-13T10:26:18"))
        .and(query_param("created.lt", "2021-10-13T10:39:35"))
        .and(query_param("referenceId.eq", "order-12345"))
        .respond_with(ok(r#"{"timestamp":"2021-10-13T10:40:00.000+00:00","status":200,"hasMore":true,"result":[
            {"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1","referenceId":"order-12345","paymentType":"DEPOSIT","state":"COMPLETED","amount":11.12,"currency":"EUR","created":"2021-10-13T10:30:00"},
            {"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2","referenceId":"order-12345","paymentType":"REFUND","state":"COMPLETED","amount":1,"currency":"EUR","parentPaymentId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"},
            {"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3","referenceId":"order-12345","paymentType":"DEPOSIT","state":"PENDING","amount":0.30,"currency":"EUR"}
        ]}"#.to_owned()))
        .expect(1)
        .mount(&server)
        .await;
    let page = paytech
        .list_payments(
            ListPayments::new()
                .with_limit(5000)
                .with_cursor(PageCursor::Offset(50))
                .with_created_from(datetime!(2021-10-13 12:26:18 +2))
                .with_created_to(datetime!(2021-10-13 10:39:34.5 UTC))
                .with_merchant_reference("order-12345"),
        )
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(page.items.len(), 2, "the refund is not a payment");
    assert_eq!(page.items[0].amount, Some(money(1112, Currency::EUR)));
    assert_eq!(page.items[1].status, PaymentStatus::Processing);
    assert_eq!(page.next, Some(PageCursor::Offset(53)));
}

#[tokio::test]
async fn list_deposits_sends_updated_filters_and_the_last_page_has_no_next() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .and(query_param("updated.gte", "2021-10-13T10:26:18"))
        .and(query_param("updated.lt", "2021-10-13T10:39:34"))
        .and(query_param("limit", "1"))
        .respond_with(
            ok(r#"{"timestamp":"x","status":200,"hasMore":false,"result":[]}"#.to_owned()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = paytech
        .list_deposits(
            ListDeposits::new()
                .with_limit(0)
                .with_updated_from(datetime!(2021-10-13 10:26:18 UTC))
                .with_updated_before(datetime!(2021-10-13 10:39:34 UTC)),
        )
        .await
        .unwrap();
    assert!(!page.has_more);
    assert!(page.items.is_empty());
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn a_page_with_payments_money_cannot_hold_is_read_whole() {
    let (server, paytech) = setup().await;
    // A cryptocurrency deposit, one with more decimals than EUR has, one converted to a
    // cryptocurrency, an authorized one converted, and an ordinary one: the page as sent.
    let page = r#"{"timestamp":"x","status":200,"hasMore":false,"result":[
        {"id":"a1","paymentType":"DEPOSIT","state":"COMPLETED","amount":11.12,"currency":"EUR"},
        {"id":"a2","paymentType":"DEPOSIT","state":"COMPLETED","amount":0.00012345,"currency":"BTC"},
        {"id":"a3","paymentType":"DEPOSIT","state":"DECLINED","amount":10.125,"currency":"EUR","errorCode":"4.01"},
        {"id":"a4","paymentType":"DEPOSIT","state":"COMPLETED","amount":0.00025,"currency":"BTC","customerAmount":15,"customerCurrency":"USD"},
        {"id":"a5","paymentType":"DEPOSIT","state":"AUTHORIZED","amount":11.12,"currency":"EUR","customerAmount":15,"customerCurrency":"USD"},
        {"id":"a6","paymentType":"REFUND","state":"COMPLETED","amount":0.0001,"currency":"BTC"}
    ]}"#;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ok(page.to_owned()))
        .expect(1)
        .mount(&server)
        .await;
    let page = paytech.list_payments(ListPayments::new()).await.unwrap();
    let ids: Vec<_> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"], "deposits only, none lost");
    let [ordinary, crypto, decimals, converted, authorized] = &page.items[..] else { panic!() };
    assert_eq!(ordinary.amount, Some(money(1112, Currency::EUR)));
    assert_eq!(ordinary.gateway_amount, None);
    assert_eq!(crypto.amount, None);
    assert_eq!(crypto.gateway_amount, Some(GatewayAmount::new(Decimal::new(12345, 8), "BTC")));
    assert_eq!(decimals.amount, None);
    assert_eq!(decimals.gateway_amount, Some(GatewayAmount::new(Decimal::new(10125, 3), "EUR")));
    assert_eq!(decimals.decline_code(), Some(&DeclineCode::InsufficientFunds));
    assert_eq!(converted.amount, Some(money(1500, Currency::USD)));
    assert_eq!(converted.gateway_amount, Some(GatewayAmount::new(Decimal::new(25, 5), "BTC")));
    assert_eq!(converted.amount_received, None);
    // Authorized in another currency: the whole request is capturable.
    assert_eq!(authorized.status, PaymentStatus::RequiresCapture);
    assert_eq!(authorized.amount_capturable, Some(money(1500, Currency::USD)));
}

#[tokio::test]
async fn a_checkout_deposit_with_nowhere_to_send_the_customer_is_processing() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"CHECKOUT","amount":10,"currency":"EUR"}}"#
        ))))
        .mount(&server)
        .await;
    let p = paytech.get_payment(&PaymentId::new(ID)).await.unwrap();
    assert_eq!((p.status, p.raw_status.as_str()), (PaymentStatus::Processing, "CHECKOUT"));
    assert_eq!(p.next_action, None);
}

#[tokio::test]
async fn list_filters_the_gateway_lacks_are_refused_without_a_request() {
    let (server, paytech) = setup().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let by_status = ListPayments::new().with_status(PaymentStatus::Succeeded);
    assert_eq!(
        paytech.list_payments(by_status).await.unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    let by_cursor = ListPayments::new().with_cursor(PageCursor::After("x".into()));
    assert_eq!(
        paytech.list_payments(by_cursor).await.unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
}

#[tokio::test]
async fn confirm_payment_is_the_host_to_host_patch_and_keeps_external_refs() {
    let (server, paytech) = setup().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .and(header("authorization", BEARER))
        .and(body_json(json!({
            "customerIp": "81.4.178.167",
            "customerUserAgent": "Mozilla/5.0",
            "browserTimezoneOffset": -120
        })))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"PENDING","amount":100,"currency":"BRL",
                "redirectUrl":"https://gateway-domain.com/payment/{ID}",
                "externalRefs":{{"txId":"11483992398383","providerSpecificInfo":"usefulInformation"}}}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = ConfirmPayment::new().with_customer_ip("81.4.178.167".parse::<IpAddr>().unwrap());
    req.extensions.insert(PaytechConfirmOptions {
        user_agent: Some("Mozilla/5.0".into()),
        timezone_offset: Some(-120),
        ..PaytechConfirmOptions::default()
    });
    let p = paytech.confirm_payment(&PaymentId::new(ID), req).await.unwrap();
    // The customer must follow the instructions: `next_action` goes with `RequiresAction` only.
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(p.amount, Some(money(10000, Currency::BRL)));
    let refs = external_refs(&p);
    assert_eq!(refs.get("txId").map(String::as_str), Some("11483992398383"));
    assert_eq!(refs.get("providerSpecificInfo").map(String::as_str), Some("usefulInformation"));
    assert!(matches!(p.next_action, Some(NextAction::Instructions { .. })));
}

/// Every deposit state with the links an answer can carry: `next_action` goes with
/// `RequiresAction` and with no other status, whichever route answered.
#[tokio::test]
async fn next_action_is_set_exactly_on_requires_action() {
    use PaymentStatus as S;
    let redirect = r#""redirectUrl":"https://gateway-domain.com/payment/x""#;
    let refs = r#""externalRefs":{"pixCode":"00020126"}"#;
    let both = format!("{redirect},{refs}");
    // (state, links, status on a read, status in the host-to-host step's answer)
    let cases: &[(&str, &str, S, S)] = &[
        ("CHECKOUT", redirect, S::RequiresAction, S::RequiresAction),
        ("CHECKOUT", &both, S::RequiresAction, S::RequiresAction),
        ("PENDING", redirect, S::Processing, S::RequiresAction),
        ("PENDING", refs, S::RequiresAction, S::RequiresAction),
        ("PENDING", &both, S::RequiresAction, S::RequiresAction),
        ("AWAITING_APPROVAL", &both, S::Processing, S::Processing),
        ("AUTHORIZED", &both, S::RequiresCapture, S::RequiresCapture),
        ("COMPLETED", &both, S::Succeeded, S::Succeeded),
        ("DECLINED", &both, S::Failed, S::Failed),
        ("CANCELLED", &both, S::Cancelled, S::Cancelled),
        ("SOMETHING_NEW", &both, S::Processing, S::Processing),
    ];
    for (state, links, on_read, after_step) in cases {
        let (server, paytech) = setup().await;
        let answer = ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"{state}","amount":10,"currency":"EUR",{links}}}"#
        )));
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/payments/{ID}")))
            .respond_with(answer.clone())
            .mount(&server)
            .await;
        Mock::given(method("PATCH"))
            .and(path(format!("/api/v1/payments/{ID}")))
            .respond_with(answer)
            .mount(&server)
            .await;
        let read = paytech.get_payment(&PaymentId::new(ID)).await.unwrap();
        let step =
            ConfirmPayment::new().with_customer_ip("81.4.178.167".parse::<IpAddr>().unwrap());
        let stepped = paytech.confirm_payment(&PaymentId::new(ID), step).await.unwrap();
        for (p, want, route) in [(&read, on_read, "get"), (&stepped, after_step, "confirm")] {
            assert_eq!(p.status, *want, "{route} {state} {links}");
            assert_eq!(
                p.next_action.is_some(),
                p.status == S::RequiresAction,
                "{route} {state} {links}: {:?}",
                p.next_action
            );
        }
    }
}

#[tokio::test]
async fn the_checkout_link_is_the_redirect_and_the_step_shows_its_own_page() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"PENDING","amount":10,"currency":"EUR","externalRefs":{{"pixCode":"00020126"}}}}"#
        ))))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"PENDING","amount":10,"currency":"EUR","redirectUrl":"https://bank.example/3ds/{ID}"}}"#
        ))))
        .mount(&server)
        .await;
    let step = ConfirmPayment::new().with_customer_ip("81.4.178.167".parse::<IpAddr>().unwrap());
    let p = paytech.confirm_payment(&PaymentId::new(ID), step).await.unwrap();
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: format!("https://bank.example/3ds/{ID}") })
    );
    let p = paytech.get_payment(&PaymentId::new(ID)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(external_refs(&p).get("pixCode").map(String::as_str), Some("00020126"));
}

#[tokio::test]
async fn an_authorized_deposit_can_capture_its_authorized_amount() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}")))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"AUTHORIZED","amount":10.50,"currency":"EUR","preAuth":true,
                "redirectUrl":"https://gateway-domain.com/payment/{ID}"}}"#
        ))))
        .mount(&server)
        .await;
    let p = paytech.get_payment(&PaymentId::new(ID)).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.next_action, None, "nothing for the customer to do");
    assert_eq!(p.amount_capturable, Some(money(1050, Currency::EUR)));
}

#[tokio::test]
async fn confirm_without_customer_ip_sends_nothing() {
    let (server, paytech) = setup().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let err =
        paytech.confirm_payment(&PaymentId::new(ID), ConfirmPayment::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn partial_capture_sends_the_exact_amount() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/capture")))
        .and(header("authorization", BEARER))
        .and(body_json(json!({"amount": 5.5})))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"COMPLETED","amount":5.50,"currency":"EUR","preAuth":true}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CapturePayment::new().with_amount(money(550, Currency::EUR));
    let p = paytech.capture_payment(&PaymentId::new(ID), req).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.capture_mode, Some(CaptureMode::Manual));
    assert_eq!(p.amount_received, Some(money(550, Currency::EUR)));
    let sent = bodies(&server, "POST", &format!("/api/v1/payments/{ID}/capture")).await;
    assert_eq!(sent[0], r#"{"amount":5.50}"#);
}

#[tokio::test]
async fn full_capture_sends_an_empty_object() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/capture")))
        .and(body_string("{}"))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"COMPLETED","amount":10,"currency":"EUR"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let p = paytech.capture_payment(&PaymentId::new(ID), CapturePayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn cancel_is_a_void() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/void")))
        .and(header("authorization", BEARER))
        .respond_with(ok(envelope(&format!(
            r#"{{"id":"{ID}","paymentType":"DEPOSIT","state":"CANCELLED","amount":10,"currency":"EUR"}}"#
        ))))
        .expect(1)
        .mount(&server)
        .await;
    let p = paytech.cancel_payment(&PaymentId::new(ID), CancelPayment::default()).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Cancelled);
    let sent = bodies(&server, "POST", &format!("/api/v1/payments/{ID}/void")).await;
    assert_eq!(sent, vec![String::new()]);
}

#[tokio::test]
async fn ids_that_are_not_gateway_ids_are_refused_without_a_request() {
    let (server, paytech) = setup().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    for bad in ["../balances", "", "a b", &"a".repeat(33)] {
        let err = paytech.get_payment(&PaymentId::new(bad)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        let err = paytech
            .cancel_payment(&PaymentId::new(bad), CancelPayment::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
    }
}

#[tokio::test]
async fn documented_limits_are_checked_before_sending() {
    let (server, paytech) = setup().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let long = CreatePayment::new(money(100, Currency::EUR)).with_description("x".repeat(513));
    assert_eq!(paytech.create_payment(long).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let zero = CreatePayment::new(money(0, Currency::EUR));
    assert_eq!(paytech.create_payment(zero).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
    let huge = CreatePayment::new(money(100_000_000_001, Currency::EUR));
    assert_eq!(paytech.create_payment(huge).await.unwrap_err().kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn capabilities_are_honest() {
    let (server, paytech) = setup().await;
    let caps = paytech.capabilities();
    for op in [
        Operation::CreatePayment,
        Operation::GetPayment,
        Operation::ConfirmPayment,
        Operation::CapturePayment,
        Operation::PartialCapture,
        Operation::CancelPayment,
        Operation::ListPayments,
        Operation::CreateRefund,
        Operation::PartialRefund,
        Operation::GetRefund,
        Operation::Webhooks,
    ] {
        assert!(caps.supports(op), "{}", op.as_str());
    }
    assert!(!caps.supports(Operation::CreateCustomer));
    assert!(!caps.supports(Operation::GetCustomer));
    let err = paytech.create_customer(paymux_core::CreateCustomer::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    // Without a signing key, webhooks are not offered.
    let mut config = common::config(&server.uri());
    config.signing_key = None;
    let no_hooks = paymux_paytech::Paytech::new(config).unwrap();
    assert!(!no_hooks.capabilities().supports(Operation::Webhooks));
    assert_eq!(paytech.id().as_str(), "paytech");
    let dbg = format!("{paytech:?}");
    assert!(!dbg.contains(common::API_KEY) && !dbg.contains(common::SIGNING_KEY), "{dbg}");
}

#[test]
fn environments_have_the_documented_hosts() {
    // The hosts are private; the connector's `Debug` shows the base URL it uses.
    let host = |environment| {
        let config = paymux_paytech::PaytechConfig::new(
            paymux_core::SecretString::from(common::API_KEY),
            environment,
        );
        format!("{:?}", paymux_paytech::Paytech::new(config).unwrap())
    };
    assert!(
        host(paymux_paytech::Environment::Sandbox).contains("\"https://engine-sandbox.pay.tech/\"")
    );
    assert!(host(paymux_paytech::Environment::Production).contains("\"https://engine.pay.tech/\""));
    let empty = paymux_paytech::PaytechConfig::new(
        paymux_core::SecretString::from(""),
        paymux_paytech::Environment::Production,
    );
    assert_eq!(paymux_paytech::Paytech::new(empty).unwrap_err().kind(), ErrorKind::Configuration);
}
