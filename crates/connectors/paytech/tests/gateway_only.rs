//! The routes beyond the trait: chargebacks, operations, card and terminal tokens,
//! subscriptions, balances. Each: the exact request, and the spec's documented answer
//! (`tests/fixtures/answers`, made from the spec by `make_documented_answers.py`).
#![allow(clippy::unwrap_used)]

mod common;

use common::{BEARER, setup};
use paymux_core::{CustomerId, Decimal, ErrorKind, GatewayAmount, PaymentId};
use paymux_paytech::{
    CardTokenFilter, ChargebackState, RegisterChargeback, SubscriptionState, subscription_state,
};
use serde_json::json;
use time::macros::datetime;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "91d27876e87f4b22b3ecd53924bf973d";

fn ok(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// Every request the server received.
async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Chargebacks
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn register_chargeback_sends_the_documented_request() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/chargebacks")))
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "description": "Chargeback for order 123",
            "created": "2030-12-25T10:11:12",
            "state": "COMPLETED",
            "webhookUrl": "https://mywebsite.com/webhooks"
        })))
        .respond_with(ok(include_str!("fixtures/answers/chargeback.json")))
        .expect(1)
        .mount(&server)
        .await;
    let req = RegisterChargeback::new()
        .with_description("Chargeback for order 123")
        // Sent in UTC.
        .with_created(datetime!(2030-12-25 12:11:12.9 +2))
        .with_state(ChargebackState::Completed)
        .with_webhook_url("https://mywebsite.com/webhooks");
    paytech.register_chargeback(&PaymentId::new(ID), req).await.unwrap();
}

#[tokio::test]
async fn register_chargeback_with_nothing_set_sends_an_empty_object() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/chargebacks")))
        .and(body_json(json!({})))
        .respond_with(ok(include_str!("fixtures/answers/chargeback.json")))
        .expect(1)
        .mount(&server)
        .await;
    paytech.register_chargeback(&PaymentId::new(ID), RegisterChargeback::new()).await.unwrap();
}

#[tokio::test]
async fn register_chargeback_reads_the_documented_answer() {
    let (server, paytech) = setup().await;
    let deposit = PaymentId::new("0123456789abcdef0123456789abcdef");
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{deposit}/chargebacks")))
        .respond_with(ok(include_str!("fixtures/answers/chargeback.json")))
        .mount(&server)
        .await;
    let cb = paytech.register_chargeback(&deposit, RegisterChargeback::new()).await.unwrap();
    assert_eq!(cb.id, PaymentId::new(ID));
    assert_eq!(cb.payment_id, deposit, "the deposit it was registered against");
    assert_eq!(cb.payment_type.as_deref(), Some("DEPOSIT"));
    assert_eq!(cb.raw_state, "PENDING");
    assert_eq!(cb.amount, Some(GatewayAmount::new(decimal("11.12"), "EUR")));
    assert_eq!(cb.merchant_reference.as_deref(), Some("payment-123"));
    let failure = cb.failure.unwrap();
    assert_eq!(failure.gateway_code.as_deref(), Some("4.01"));
    assert_eq!(failure.message.as_deref(), Some("Insufficient Funds"));
    assert_eq!(cb.created_at, Some(datetime!(2030-12-25 10:11:12 UTC)));
}

#[tokio::test]
async fn register_chargeback_checks_what_the_spec_limits_before_sending() {
    let (server, paytech) = setup().await;
    let long = RegisterChargeback::new().with_description("x".repeat(513));
    let err = paytech.register_chargeback(&PaymentId::new(ID), long).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.provider().is_some(), "the instance is named: {err}");
    let url = RegisterChargeback::new().with_webhook_url(format!("https://x/{}", "a".repeat(510)));
    let err = paytech.register_chargeback(&PaymentId::new(ID), url).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    let bad_id = PaymentId::new("../refunds");
    let err = paytech.register_chargeback(&bad_id, RegisterChargeback::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn a_second_chargeback_is_the_gateways_bad_request() {
    let (server, paytech) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/payments/{ID}/chargebacks")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "timestamp": "2020-10-07T13:32:19.444+00:00",
            "status": 400,
            "error": "Bad Request",
            "message": "Transaction has chargeback already",
            "path": format!("/api/v1/payments/{ID}/chargebacks")
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = paytech
        .register_chargeback(&PaymentId::new(ID), RegisterChargeback::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.gateway_message(), Some("Transaction has chargeback already"));
    assert!(!err.is_outcome_unknown(), "a refusal is an answer");
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn payment_operations_sends_the_documented_request() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}/operations")))
        .and(header("authorization", BEARER))
        .respond_with(ok(include_str!("fixtures/answers/operations.json")))
        .expect(1)
        .mount(&server)
        .await;
    paytech.payment_operations(&PaymentId::new(ID)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), None);
    assert!(received[0].body.is_empty());
}

#[tokio::test]
async fn payment_operations_reads_the_documented_answer() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}/operations")))
        .respond_with(ok(include_str!("fixtures/answers/operations.json")))
        .mount(&server)
        .await;
    let ops = paytech.payment_operations(&PaymentId::new(ID)).await.unwrap();
    assert_eq!(ops.len(), 1);
    let op = &ops[0];
    assert_eq!(op.id, Some(7));
    assert_eq!(op.operation, "CREATE_PAYMENT");
    assert_eq!(op.started_at, Some(datetime!(2020-10-07 13:36:32.595 UTC)));
    assert_eq!(op.completed_at, Some(datetime!(2020-10-07 13:36:32.595 UTC)));
    assert_eq!(op.payment_state.as_deref(), Some("PENDING"));
    assert_eq!(op.outgoing_messages, None);
}

#[tokio::test]
async fn operation_messages_are_read_as_text_and_never_shown() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}/operations")))
        .respond_with(ok(r#"{"status":200,"result":[
            {"id":2,"operation":"DEPOSIT","paymentState":"COMPLETED",
             "outgoingMessages":"POST /acquirer {\"email\":\"jane@example.com\"}",
             "incomingMessages":[{"amount":11.10}]},
            {"id":1,"operation":"CREATE_PAYMENT"}]}"#))
        .mount(&server)
        .await;
    let ops = paytech.payment_operations(&PaymentId::new(ID)).await.unwrap();
    assert_eq!(ops.iter().map(|o| o.id).collect::<Vec<_>>(), [Some(2), Some(1)], "as sent");
    assert_eq!(
        ops[0].outgoing_messages.as_deref(),
        Some(r#"POST /acquirer {"email":"jane@example.com"}"#)
    );
    // Not a string on the wire: its JSON text, amounts exactly as written.
    assert_eq!(ops[0].incoming_messages.as_deref(), Some(r#"[{"amount":11.10}]"#));
    let shown = format!("{ops:?}");
    assert!(!shown.contains("jane@") && !shown.contains("11.10"), "{shown}");
}

#[tokio::test]
async fn payment_operations_of_an_unknown_payment_is_not_found() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/payments/{ID}/operations")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "timestamp": "2020-10-07T13:32:19.444+00:00", "status": 404,
            "error": "Not Found", "message": "Payment not found", "path": "/x"
        })))
        .mount(&server)
        .await;
    let err = paytech.payment_operations(&PaymentId::new(ID)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn card_tokens_send_the_documented_request_for_each_filter() {
    let (server, paytech) = setup().await;
    let route = "/api/v1/customers/customer_123/card-tokens";
    for (filter, value) in
        [(CardTokenFilter::SavedByCustomer, "true"), (CardTokenFilter::SavedAutomatically, "false")]
    {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("authorization", BEARER))
            .and(query_param("savedByCustomer.eq", value))
            .respond_with(ok(include_str!("fixtures/answers/card_tokens.json")))
            .expect(1)
            .mount(&server)
            .await;
        let customer = CustomerId::from_gateway("customer_123");
        paytech.customer_card_tokens(&customer, filter).await.unwrap();
    }
    Mock::given(method("GET"))
        .and(path(route))
        .and(query_param_is_missing("savedByCustomer.eq"))
        .respond_with(ok(include_str!("fixtures/answers/card_tokens.json")))
        .expect(1)
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("customer_123");
    paytech.customer_card_tokens(&customer, CardTokenFilter::All).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[2].url.query(), None, "All sends no filter");
}

#[tokio::test]
async fn card_tokens_read_the_documented_answer() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/customers/customer_123/card-tokens"))
        .respond_with(ok(include_str!("fixtures/answers/card_tokens.json")))
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("customer_123");
    let tokens = paytech.customer_card_tokens(&customer, CardTokenFilter::All).await.unwrap();
    assert_eq!(tokens.len(), 1);
    let t = &tokens[0];
    assert_eq!(t.token, "09386bdeae4b4b0d9bff34eab812b41d");
    assert_eq!(t.cardholder_name.as_deref(), Some("John Doe"));
    assert_eq!(t.pan_masked.as_deref(), Some("411111***1112"));
    // The example writes numbers where the schema says strings: both read.
    assert_eq!((t.expiry_month, t.expiry_year), (Some(1), Some(2030)));
    assert_eq!(t.brand.as_deref(), Some("VISA"));
    assert_eq!(t.updated_at, Some(datetime!(2020-10-07 13:36:32.595 UTC)));
    assert_eq!(t.saved_by_customer, Some(true));
    let shown = format!("{t:?}");
    assert!(!shown.contains("09386bde") && !shown.contains("John Doe"), "{shown}");
}

#[tokio::test]
async fn card_token_expiry_written_as_strings_reads_too() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/customers/c-1/card-tokens"))
        .respond_with(ok(
            r#"{"status":200,"result":[{"id":"abc","expiryMonth":"01","expiryYear":"2030"}]}"#,
        ))
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("c-1");
    let tokens = paytech.customer_card_tokens(&customer, CardTokenFilter::All).await.unwrap();
    assert_eq!((tokens[0].expiry_month, tokens[0].expiry_year), (Some(1), Some(2030)));
}

#[tokio::test]
async fn customer_ids_outside_the_routes_pattern_are_refused_before_sending() {
    let (server, paytech) = setup().await;
    for bad in ["a.b", "a~b", "a/b", "", "..", &"x".repeat(129)] {
        let customer = CustomerId::from_gateway(bad);
        let err = paytech.customer_card_tokens(&customer, CardTokenFilter::All).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}: {err}");
        let err = paytech.customer_terminal_tokens(&customer, 7).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}: {err}");
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn terminal_tokens_send_the_documented_request() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/customers/customer_123/terminals/42/tokens"))
        .and(header("authorization", BEARER))
        .respond_with(ok(include_str!("fixtures/answers/terminal_tokens.json")))
        .expect(1)
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("customer_123");
    paytech.customer_terminal_tokens(&customer, 42).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap()[0].url.query(), None);
}

#[tokio::test]
async fn terminal_tokens_read_the_documented_answer() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/customers/customer_123/terminals/42/tokens"))
        .respond_with(ok(include_str!("fixtures/answers/terminal_tokens.json")))
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("customer_123");
    let tokens = paytech.customer_terminal_tokens(&customer, 42).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].key, "tokenType:APPLEPAY,lastDigits:1234");
    assert_eq!(tokens[0].value, "BWugF1MZAQ8oGC9");
    assert!(!format!("{tokens:?}").contains("BWugF1MZAQ8oGC9"));
}

#[tokio::test]
async fn a_token_list_without_result_is_empty() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/customers/c/terminals/1/tokens"))
        .respond_with(ok(r#"{"timestamp":"2020-10-07T13:36:32.595+00:00","status":200}"#))
        .mount(&server)
        .await;
    let customer = CustomerId::from_gateway("c");
    assert!(paytech.customer_terminal_tokens(&customer, 1).await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_subscription_sends_the_documented_request() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/subscriptions/{ID}")))
        .and(header("authorization", BEARER))
        .respond_with(ok(include_str!("fixtures/answers/subscription.json")))
        .expect(1)
        .mount(&server)
        .await;
    paytech.get_subscription(ID).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), None);
}

#[tokio::test]
async fn get_subscription_reads_the_documented_answer() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/subscriptions/{ID}")))
        .respond_with(ok(include_str!("fixtures/answers/subscription.json")))
        .mount(&server)
        .await;
    let s = paytech.get_subscription(ID).await.unwrap();
    assert_eq!(s.id, ID);
    assert_eq!(s.customer_reference_id.as_deref(), Some("customer_123"));
    assert_eq!(s.description.as_deref(), Some("Subscription to service"));
    assert_eq!(s.amount, Some(GatewayAmount::new(decimal("99.99"), "EUR")));
    assert_eq!(s.created_at, Some(datetime!(2030-12-25 10:11:12 UTC)));
    assert_eq!(s.starts_at, Some(datetime!(2030-12-25 10:11:12 UTC)));
    assert_eq!((s.frequency, s.frequency_unit.as_deref()), (Some(2), Some("DAY")));
    assert_eq!(s.requested_number_of_cycles, Some(12));
    assert_eq!((s.state, s.raw_state.as_str()), (SubscriptionState::Active, "ACTIVE"));
    assert!(!s.state.is_final());
    assert_eq!(s.recurring_token.as_deref(), Some("3529d42227424875af8722cbf54d7073"));
    let retry = s.retry_strategy.as_ref().unwrap();
    assert_eq!((retry.frequency, retry.number_of_cycles), (Some(2), Some(12)));
    assert_eq!(retry.amount_adjustments, [100, 50]);
    assert_eq!(s.cycles.len(), 1);
    let cycle = &s.cycles[0];
    assert_eq!(cycle.sequence, Some(1));
    assert_eq!(cycle.cycle_type.as_deref(), Some("REGULAR"));
    assert_eq!(cycle.scheduled_at, Some(datetime!(2030-12-25 10:11:12 UTC)));
    assert_eq!(cycle.payment_id, Some(PaymentId::new(ID)));
    assert_eq!(cycle.payment_state.as_deref(), Some("PENDING"));
    assert_eq!(cycle.amount, Some(GatewayAmount::new(decimal("99.99"), "EUR")));
    assert!(!format!("{s:?}").contains("3529d422"), "the recurring token is not shown");
}

#[tokio::test]
async fn cancel_subscription_sends_the_documented_patch() {
    let (server, paytech) = setup().await;
    let cancelled = include_str!("fixtures/answers/subscription.json")
        .replace(r#""state": "ACTIVE""#, r#""state": "CANCELLED""#);
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/subscriptions/{ID}")))
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"state": "CANCELLED"})))
        .respond_with(ok(&cancelled))
        .expect(1)
        .mount(&server)
        .await;
    let s = paytech.cancel_subscription(ID).await.unwrap();
    assert_eq!(s.state, SubscriptionState::Cancelled);
    assert!(s.state.is_final());
}

#[tokio::test]
async fn subscription_ids_are_checked_before_sending() {
    let (server, paytech) = setup().await;
    for bad in ["", "../payments", &"a".repeat(33)] {
        assert_eq!(
            paytech.get_subscription(bad).await.unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
        assert_eq!(
            paytech.cancel_subscription(bad).await.unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
    }
    assert_eq!(requests(&server).await, 0);
}

#[test]
fn the_subscription_state_table_is_the_mapping() {
    const SOURCE: &str = include_str!("../src/mapping/gateway_only.rs");
    let rows = paymux_core::connector::doc_table(
        SOURCE,
        "pub fn subscription_state(",
        "| state | subscription state |",
    )
    .unwrap();
    let spec: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/documented_words.json")).unwrap();
    let documented: Vec<&str> = spec["subscription_states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let mut words = Vec::new();
    for row in &rows {
        let word = paymux_core::connector::ticked(&row[0])[0];
        let state = paymux_core::connector::ticked(&row[1])[0];
        assert_eq!(format!("{:?}", subscription_state(word)), state, "{row:?}");
        words.push(word);
    }
    for word in documented {
        assert!(words.contains(&word), "{word} has no row");
    }
    assert_eq!(subscription_state("PAUSED"), SubscriptionState::Unknown);
}

// ---------------------------------------------------------------------------------------------
// Balances
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn balances_send_the_documented_requests() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/balances"))
        .and(header("authorization", BEARER))
        .respond_with(ok(include_str!("fixtures/answers/balances.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/available-withdrawal-balances"))
        .and(header("authorization", BEARER))
        .respond_with(ok(include_str!("fixtures/answers/available_withdrawal_balances.json")))
        .expect(1)
        .mount(&server)
        .await;
    paytech.balances().await.unwrap();
    paytech.available_withdrawal_balances().await.unwrap();
    for r in server.received_requests().await.unwrap() {
        assert_eq!(r.url.query(), None);
        assert!(r.body.is_empty());
    }
}

#[tokio::test]
async fn balances_read_the_documented_answers() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/balances"))
        .respond_with(ok(include_str!("fixtures/answers/balances.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/available-withdrawal-balances"))
        .respond_with(ok(include_str!("fixtures/answers/available_withdrawal_balances.json")))
        .mount(&server)
        .await;
    let balances = paytech.balances().await.unwrap();
    assert_eq!(balances.len(), 1);
    let b = &balances[0];
    assert_eq!(b.id, Some(123));
    assert_eq!(b.account_type.as_deref(), Some("PROCESSING"));
    assert_eq!(
        b.name.as_deref(),
        Some(r#"Processing Balance(EUR) of shop "my-shop" terminal "payvision [payin]""#)
    );
    assert_eq!(b.amount, GatewayAmount::new(decimal("1020.12"), "EUR"));
    let available = paytech.available_withdrawal_balances().await.unwrap();
    assert_eq!(available, [GatewayAmount::new(decimal("11.12"), "EUR")]);
}

#[tokio::test]
async fn balances_keep_every_decimal_and_sign() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/balances"))
        .respond_with(ok(r#"{"status":200,"result":[
            {"accountType":"AVAILABLE","currency":"BTC","amount":0.000123456789012345},
            {"accountType":"PROCESSING","currency":"EUR","amount":-12.50},
            {"accountType":"WITHDRAWAL","currency":"EUR","amount":1.5E+3}]}"#))
        .mount(&server)
        .await;
    let amounts: Vec<_> = paytech.balances().await.unwrap().into_iter().map(|b| b.amount).collect();
    assert_eq!(
        amounts,
        [
            GatewayAmount::new(decimal("0.000123456789012345"), "BTC"),
            GatewayAmount::new(decimal("-12.50"), "EUR"),
            GatewayAmount::new(decimal("1500"), "EUR"),
        ]
    );
}

#[tokio::test]
async fn a_balance_without_its_amount_is_an_invalid_answer() {
    let (server, paytech) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/balances"))
        .respond_with(ok(r#"{"status":200,"result":[{"currency":"EUR"}]}"#))
        .mount(&server)
        .await;
    let err = paytech.balances().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(err.provider().is_some(), "{err}");
}
