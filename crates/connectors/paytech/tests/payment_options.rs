//! A deposit's means of payment beyond a card (a saved card's token, Google Pay, Apple Pay) and
//! its subscription: the exact `PaymentRequest` each writes, what is refused before sending,
//! and that no `Debug` shows a token, a cryptogram or personal data.
#![allow(clippy::unwrap_used)]

mod common;

use common::{BEARER, envelope, setup};
use paymux_core::{
    Card, CreatePayment, Currency, ErrorKind, Money, PaymentProvider, PaymentStatus, SecretString,
};
use paymux_paytech::{
    PaytechApplePay, PaytechCardToken, PaytechFrequencyUnit, PaytechGooglePay,
    PaytechPaymentOptions, PaytechRetryStrategy, PaytechSubscription,
};
use serde_json::{Value, json};
use time::macros::datetime;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "96365a23dca04a5a9bcbb0031e7b06ac";

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR).unwrap()
}

fn deposit(options: PaytechPaymentOptions) -> CreatePayment {
    CreatePayment::new(eur(1112)).with_reference("order-1").with_options(options)
}

/// A deposit answer after a wallet or token payment went through.
fn completed() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        envelope(&format!(
            r#"{{"id":"{ID}","referenceId":"order-1","paymentType":"DEPOSIT","state":"COMPLETED","amount":11.12,"currency":"EUR"}}"#
        )),
        "application/json",
    )
}

/// Expects one create whose body is exactly `body`.
async fn expect_create(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .and(header("authorization", BEARER))
        .and(body_json(body))
        .respond_with(completed())
        .expect(1)
        .mount(server)
        .await;
}

/// A Google Pay `PaymentData` as the Google Pay API hands it over (`email` is not in the spec
/// and is left out).
const GOOGLE_PAY_DATA: &str = r#"{
  "apiVersion": 2,
  "apiVersionMinor": 0,
  "email": "jane@example.com",
  "paymentMethodData": {
    "description": "Visa 1111",
    "type": "CARD",
    "info": {
      "cardNetwork": "VISA",
      "cardDetails": "1111",
      "billingAddress": {"name": "Jane Doe", "address1": "1 Main St", "countryCode": "CY",
                         "postalCode": "4141", "locality": "Limassol"}
    },
    "tokenizationData": {
      "type": "PAYMENT_GATEWAY",
      "token": "{\"signature\":\"MEQCIH6Q\",\"protocolVersion\":\"ECv2\",\"signedMessage\":\"{\\\"encryptedMessage\\\":\\\"ZW5jcnlwdGVk\\\"}\"}"
    }
  }
}"#;

#[tokio::test]
async fn google_pay_is_sent_as_the_spec_writes_it() {
    let (server, paytech) = setup().await;
    let token = r#"{"signature":"MEQCIH6Q","protocolVersion":"ECv2","signedMessage":"{\"encryptedMessage\":\"ZW5jcnlwdGVk\"}"}"#;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "paymentMethod": "GOOGLEPAY",
            "amount": 11.12,
            "currency": "EUR",
            "googlePay": {
                "apiVersion": 2,
                "apiVersionMinor": 0,
                "paymentMethodData": {
                    "description": "Visa 1111",
                    "type": "CARD",
                    "info": {
                        "cardDetails": "1111",
                        "cardNetwork": "VISA",
                        "billingAddress": {"address1": "1 Main St", "countryCode": "CY",
                                           "locality": "Limassol", "name": "Jane Doe",
                                           "postalCode": "4141"}
                    },
                    "tokenizationData": {"type": "PAYMENT_GATEWAY", "token": token}
                }
            }
        }),
    )
    .await;
    let google_pay = PaytechGooglePay::from_json(GOOGLE_PAY_DATA).unwrap();
    let shown = format!("{google_pay:?}");
    for secret in ["MEQCIH6Q", "ZW5jcnlwdGVk", "Jane", "Main St", "4141", "1111"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("VISA") && shown.contains("CY"), "{shown}");
    let options = PaytechPaymentOptions { google_pay: Some(google_pay), ..Default::default() };
    assert!(!format!("{options:?}").contains("MEQCIH6Q"));
    let paid = paytech.create_payment(deposit(options)).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn a_decrypted_google_pay_token_is_sent_with_its_cryptogram() {
    let (server, paytech) = setup().await;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "paymentMethod": "GOOGLEPAY",
            "amount": 11.12,
            "currency": "EUR",
            "googlePay": {"paymentMethodData": {"tokenizationData": {"decryptedToken": {
                "gatewayMerchantId": "shop-1",
                "paymentMethod": "CARD",
                "paymentMethodDetails": {
                    "pan": "4000000000000002",
                    "expirationMonth": 1,
                    "expirationYear": 2030,
                    "authMethod": "CRYPTOGRAM_3DS",
                    "cryptogram": "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
                    "eciIndicator": "05",
                    "assuranceDetails": {"accountVerified": true, "cardHolderAuthenticated": false}
                }
            }}}}
        }),
    )
    .await;
    let google_pay = PaytechGooglePay::from_json(
        r#"{"paymentMethodData":{"tokenizationData":{"decryptedToken":{
            "gatewayMerchantId":"shop-1","paymentMethod":"CARD",
            "paymentMethodDetails":{"pan":"4000000000000002","expirationMonth":1,
              "expirationYear":2030,"authMethod":"CRYPTOGRAM_3DS",
              "cryptogram":"AgAAAAAABk4DWZ4C28yUQAAAAAA=","eciIndicator":"05",
              "assuranceDetails":{"accountVerified":true,"cardHolderAuthenticated":false}}}}}}"#,
    )
    .unwrap();
    let shown = format!("{google_pay:?}");
    assert!(!shown.contains("4000000000000002") && !shown.contains("AgAAAA"), "{shown}");
    assert!(!shown.contains("2030"), "{shown}");
    let options = PaytechPaymentOptions { google_pay: Some(google_pay), ..Default::default() };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn apple_pay_is_sent_as_the_spec_writes_it() {
    let (server, paytech) = setup().await;
    let apple_pay_json = json!({
        "transactionIdentifier": "5394AC2C",
        "paymentData": {
            "version": "EC_v1",
            "data": "bqXfENCRYPTED",
            "signature": "MIAGCSqG",
            "header": {"ephemeralPublicKey": "MFkwEwYH", "publicKeyHash": "LbsUwAT6",
                       "transactionId": "5394ac2c"}
        },
        "paymentMethod": {"displayName": "Visa 0224", "network": "Visa", "type": "debit"},
        "billingContact": {"countryCode": "CY", "addressLines": ["1 Main St", "Flat 2"],
                           "postalCode": "4141", "givenName": "Jane", "familyName": "Doe",
                           "locality": "Limassol"},
        "shippingContact": {"emailAddress": "jane@example.com", "phoneNumber": "35799123456"}
    });
    let mut body = json!({
        "referenceId": "order-1",
        "paymentType": "DEPOSIT",
        "paymentMethod": "APPLEPAY",
        "amount": 11.12,
        "currency": "EUR"
    });
    body["applePay"] = apple_pay_json.clone();
    expect_create(&server, body).await;
    let apple_pay = PaytechApplePay::from_json(&apple_pay_json.to_string()).unwrap();
    let shown = format!("{apple_pay:?}");
    for secret in
        ["bqXf", "MIAGCSqG", "MFkwEwYH", "5394", "0224", "Main St", "4141", "Jane", "jane@", "3579"]
    {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let options = PaytechPaymentOptions { apple_pay: Some(apple_pay), ..Default::default() };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn decrypted_apple_pay_data_is_sent_with_its_cryptogram() {
    let (server, paytech) = setup().await;
    let apple_pay_json = json!({
        "paymentData": {"decryptedData": {
            "applicationPrimaryAccountNumber": "4000000000000002",
            "applicationExpirationDate": "301231",
            "currencyCode": "978",
            "cardholderName": "Jane Doe",
            "transactionAmount": 1112,
            "deviceManufacturerIdentifier": "040010030273",
            "paymentDataType": "3DSecure",
            "paymentData": {"onlinePaymentCryptogram": "Af9x/QwAA/DjmU65oyc1MAABAAA=",
                            "eciIndicator": "7", "emvData": "9F26...", "encryptedPINData": "00FF"}
        }}
    });
    let mut body = json!({
        "referenceId": "order-1",
        "paymentType": "DEPOSIT",
        "paymentMethod": "APPLEPAY",
        "amount": 11.12,
        "currency": "EUR"
    });
    body["applePay"] = apple_pay_json.clone();
    expect_create(&server, body).await;
    let apple_pay = PaytechApplePay::from_json(&apple_pay_json.to_string()).unwrap();
    let shown = format!("{apple_pay:?}");
    for secret in ["4000000000000002", "301231", "Jane", "Af9x", "9F26", "00FF"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let options = PaytechPaymentOptions { apple_pay: Some(apple_pay), ..Default::default() };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[test]
fn a_wallet_payload_that_is_not_the_documented_json_is_refused_without_quoting_it() {
    let err = PaytechGooglePay::from_json(r#"{"apiVersion":"SECRET-TOKEN-123"}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(!err.to_string().contains("SECRET-TOKEN-123"), "{err}");
    let err = PaytechApplePay::from_json(r#"{"paymentData":{"data":42,"x":"SECRET-9"}"#);
    let err = err.unwrap_err();
    assert!(!err.to_string().contains("SECRET-9"), "{err}");
}

#[tokio::test]
async fn a_card_token_is_sent_instead_of_the_card_number() {
    let (server, paytech) = setup().await;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "paymentMethod": "BASIC_CARD",
            "amount": 11.12,
            "currency": "EUR",
            "card": {"cardToken": "3529d42227424875af8722cbf54d7073", "cardSecurityCode": "010"}
        }),
    )
    .await;
    let token = PaytechCardToken::new("3529d42227424875af8722cbf54d7073")
        .with_security_code(SecretString::from("010"));
    let options = PaytechPaymentOptions { card_token: Some(token), ..Default::default() };
    let shown = format!("{options:?}");
    assert!(!shown.contains("3529d422") && !shown.contains("010"), "{shown}");
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn a_named_payment_method_wins_over_the_implied_one() {
    let (server, paytech) = setup().await;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "paymentMethod": "BASIC_CARD_HPP",
            "amount": 11.12,
            "currency": "EUR",
            "card": {"cardToken": "3529d42227424875af8722cbf54d7073"}
        }),
    )
    .await;
    let options = PaytechPaymentOptions {
        payment_method: Some("BASIC_CARD_HPP".into()),
        card_token: Some(PaytechCardToken::new("3529d42227424875af8722cbf54d7073")),
        ..Default::default()
    };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn two_ways_to_pay_are_refused_before_sending() {
    let (server, paytech) = setup().await;
    let token = || Some(PaytechCardToken::new("3529d42227424875af8722cbf54d7073"));
    let card = Card::new("4000000000000002", 1, 2030, "123").unwrap();
    let cases = [
        deposit(PaytechPaymentOptions { card_token: token(), ..Default::default() })
            .with_card(card.clone()),
        deposit(PaytechPaymentOptions {
            google_pay: Some(PaytechGooglePay::default()),
            apple_pay: Some(PaytechApplePay::default()),
            ..Default::default()
        }),
        deposit(PaytechPaymentOptions {
            card_token: token(),
            google_pay: Some(PaytechGooglePay::default()),
            ..Default::default()
        }),
        deposit(PaytechPaymentOptions {
            apple_pay: Some(PaytechApplePay::default()),
            ..Default::default()
        })
        .with_card(card),
    ];
    for req in cases {
        let err = paytech.create_payment(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert!(err.to_string().contains("both"), "{err}");
    }
    let bad_token = PaytechPaymentOptions {
        card_token: Some(PaytechCardToken::new("not/a token")),
        ..Default::default()
    };
    let err = paytech.create_payment(deposit(bad_token)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_subscription_is_sent_with_start_recurring() {
    let (server, paytech) = setup().await;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "amount": 11.12,
            "currency": "EUR",
            "startRecurring": true,
            "subscription": {
                "description": "Subscription to service",
                "amount": 99.99,
                "startTime": "2030-12-25T10:11:12",
                "frequency": 2,
                "frequencyUnit": "DAY",
                "numberOfCycles": 12,
                "retryStrategy": {
                    "frequency": 1,
                    "frequencyUnit": "WEEK",
                    "numberOfCycles": 3,
                    "amountAdjustments": [100, 50, 25]
                }
            }
        }),
    )
    .await;
    let subscription = PaytechSubscription::new(2, PaytechFrequencyUnit::Day)
        .with_description("Subscription to service")
        .with_amount(eur(9999))
        .with_start_time(datetime!(2030-12-25 11:11:12.5 +1))
        .with_number_of_cycles(12)
        .with_retry_strategy(
            PaytechRetryStrategy::new(1, PaytechFrequencyUnit::Week, 3)
                .with_amount_adjustments([100, 50, 25]),
        );
    let options = PaytechPaymentOptions { subscription: Some(subscription), ..Default::default() };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn the_smallest_subscription_sends_its_frequency_only() {
    let (server, paytech) = setup().await;
    expect_create(
        &server,
        json!({
            "referenceId": "order-1",
            "paymentType": "DEPOSIT",
            "amount": 11.12,
            "currency": "EUR",
            "startRecurring": true,
            "subscription": {"frequency": 1, "frequencyUnit": "MONTH"}
        }),
    )
    .await;
    let options = PaytechPaymentOptions {
        start_recurring: Some(true),
        subscription: Some(PaytechSubscription::new(1, PaytechFrequencyUnit::Month)),
        ..Default::default()
    };
    paytech.create_payment(deposit(options)).await.unwrap();
}

#[tokio::test]
async fn a_subscription_outside_the_documented_limits_is_refused_before_sending() {
    let (server, paytech) = setup().await;
    let monthly = || PaytechSubscription::new(1, PaytechFrequencyUnit::Month);
    let usd = Money::from_minor(100, Currency::USD).unwrap();
    let cases = [
        (PaytechPaymentOptions {
            start_recurring: Some(false),
            subscription: Some(monthly()),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(PaytechSubscription::new(0, PaytechFrequencyUnit::Day)),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(monthly().with_number_of_cycles(0)),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(monthly().with_amount(usd)),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(monthly().with_description("x".repeat(513))),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(monthly().with_retry_strategy(PaytechRetryStrategy::new(
                1,
                PaytechFrequencyUnit::Day,
                0,
            ))),
            ..Default::default()
        }),
        (PaytechPaymentOptions {
            subscription: Some(
                monthly().with_retry_strategy(
                    PaytechRetryStrategy::new(1, PaytechFrequencyUnit::Day, 2)
                        .with_amount_adjustments([50, 0]),
                ),
            ),
            ..Default::default()
        }),
    ];
    for options in cases {
        let shown = format!("{options:?}");
        let err = paytech.create_payment(deposit(options)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{shown}: {err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
