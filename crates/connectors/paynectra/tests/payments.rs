//! Payments on the wire: create, retrieve, capture, cancel, list, errors, configuration.
#![allow(clippy::unwrap_used)]

mod common;

use common::{BEARER, KEY, connector, idempotency_keys, payment};
use paymux_core::{
    CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment, CreatePayment, Currency,
    CustomerDetails, CustomerId, Decimal, DeclineCode, ErrorKind, GatewayAmount, IdempotencyKey,
    ListPayments, Money, NextAction, Operation, PageCursor, PaymentId, PaymentProvider,
    PaymentStatus, SecretString,
};
use paymux_paynectra::{Environment, Mode, Paynectra, PaynectraConfig};
use serde_json::json;
use time::OffsetDateTime;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

#[tokio::test]
async fn create_payment_sends_the_documented_body_with_auth_and_the_callers_key() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_1", "requires_capture", 4999, "usd");
    answer["capture_method"] = json!("manual");
    answer["customer_id"] = json!("cus_9");
    answer["description"] = json!("Order 123");
    answer["metadata"] = json!({"merchant_reference": "order_123", "channel": "web"});
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(header("authorization", BEARER))
        .and(header("idempotency-key", "order_123_try_1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "amount": 4999,
            "currency": "usd",
            "customer_id": "cus_9",
            "description": "Order 123",
            "capture_method": "manual",
            "metadata": {"channel": "web", "merchant_reference": "order_123"},
            "return_url": "https://shop.example/return"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .create_payment(
            CreatePayment::new(usd(4999))
                .with_reference("order_123")
                .with_description("Order 123")
                .with_customer(CustomerId::from_stored("cus_9"))
                .with_capture(CaptureMode::Manual)
                .with_return_url("https://shop.example/return")
                .with_metadata("channel", "web")
                .with_idempotency_key(IdempotencyKey::new("order_123_try_1").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(p.id, PaymentId::new("pay_1"));
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.raw_status, "requires_capture");
    assert_eq!(p.amount, Some(usd(4999)));
    assert_eq!(p.capture_mode, Some(CaptureMode::Manual));
    assert_eq!(p.merchant_reference.as_deref(), Some("order_123"));
    assert_eq!(p.customer_id, Some(CustomerId::from_stored("cus_9")));
    assert_eq!(p.metadata["channel"], "web");
    assert_eq!(p.created_at, Some(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()));
}

#[tokio::test]
async fn a_minimal_payment_sends_only_amount_currency_and_capture_method() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(body_json(json!({"amount": 1000, "currency": "jpy", "capture_method": "automatic"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(payment("pay_2", "pending", 1000, "jpy")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .create_payment(CreatePayment::new(Money::from_minor(1000, Currency::JPY).unwrap()))
        .await
        .unwrap();
    assert_eq!(p.amount.unwrap().currency(), Currency::JPY);
    assert_eq!(p.amount.unwrap().to_string(), "1000 JPY");
    assert_eq!(p.status, PaymentStatus::Processing);
    assert_eq!(p.raw_status, "pending");
}

#[tokio::test]
async fn a_503_then_200_retries_with_the_same_generated_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(payment("pay_3", "pending", 500, "usd")),
        )
        .mount(&server)
        .await;
    let p = connector(&server).create_payment(CreatePayment::new(usd(500))).await.unwrap();
    assert_eq!(p.id.as_str(), "pay_3");
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys.len(), 2, "one retry");
    let first = keys[0].clone().expect("Idempotency-Key on the first attempt");
    assert_eq!(first.len(), 36, "a generated UUID: {first}");
    assert_eq!(keys[1].as_deref(), Some(first.as_str()), "same key on the retry");

    // A second logical call gets a new key.
    connector(&server).create_payment(CreatePayment::new(usd(500))).await.unwrap();
    let keys = idempotency_keys(&server).await;
    assert_ne!(keys[2], keys[0]);
}

#[tokio::test]
async fn a_usd_payment_goes_out_as_usd_and_an_eur_answer_is_read_as_eur() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_eur"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_eur",
            "succeeded",
            2500,
            "eur",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_eur")).await.unwrap();
    assert_eq!(p.amount.unwrap().currency(), Currency::EUR);
    assert_eq!(p.amount.unwrap().amount_minor(), 2500);
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let gets = server.received_requests().await.unwrap();
    assert!(gets[0].headers.get("idempotency-key").is_none(), "no key on a GET");
}

#[tokio::test]
async fn get_payment_reads_amounts_and_a_redirect() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_3ds", "requires_action", 4999, "usd");
    answer["amount_received"] = json!(0);
    answer["amount_captured"] = json!(0);
    answer["amount_refunded"] = json!(0);
    answer["next_action"] = json!({
        "type": "redirect_to_url",
        "redirect_to_url": {"url": "https://hooks.paynectra.io/3ds/abc", "return_url": "https://shop.example/r"}
    });
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_3ds"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_3ds")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://hooks.paynectra.io/3ds/abc".into() })
    );
    assert_eq!(p.amount_received, Some(usd(0)));
    assert_eq!(p.amount_captured, Some(usd(0)));
    assert_eq!(p.amount_refunded, Some(usd(0)));
}

#[tokio::test]
async fn a_failed_payment_is_ok_with_a_normalized_failure() {
    let server = MockServer::start().await;
    let mut declined = payment("pay_dec", "failed", 4999, "usd");
    declined["last_payment_error"] = json!({
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds."
    });
    let mut flat = payment("pay_flat", "failed", 4999, "usd");
    flat["failure_code"] = json!("expired_card");
    flat["failure_message"] = json!("Your card has expired.");
    let mut generic = payment("pay_gen", "failed", 4999, "usd");
    generic["last_payment_error"] = json!({"type": "card_error", "code": "do_not_honor"});
    for (id, body) in [("pay_dec", declined), ("pay_flat", flat), ("pay_gen", generic)] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/payments/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let c = connector(&server);
    let p = c.get_payment(&PaymentId::new("pay_dec")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    let f = p.failure.unwrap();
    assert_eq!(f.code, Some(DeclineCode::InsufficientFunds));
    assert_eq!(f.gateway_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(f.message.as_deref(), Some("Your card has insufficient funds."));

    let p = c.get_payment(&PaymentId::new("pay_flat")).await.unwrap();
    assert_eq!(p.decline_code(), Some(&DeclineCode::ExpiredCard));
    assert_eq!(p.failure.unwrap().message.as_deref(), Some("Your card has expired."));

    let p = c.get_payment(&PaymentId::new("pay_gen")).await.unwrap();
    assert_eq!(p.decline_code(), Some(&DeclineCode::CardDeclined));
    assert_eq!(p.failure.unwrap().gateway_code.as_deref(), Some("do_not_honor"));
}

#[tokio::test]
async fn capture_with_an_amount_checks_the_currency_then_sends_amount_to_capture() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_auth",
            "requires_capture",
            4999,
            "usd",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let mut captured = payment("pay_auth", "succeeded", 4999, "usd");
    captured["amount_captured"] = json!(1500);
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_auth/capture"))
        .and(header("authorization", BEARER))
        .and(header("idempotency-key", "cap_1"))
        .and(body_json(json!({"amount_to_capture": 1500})))
        .respond_with(ResponseTemplate::new(200).set_body_json(captured))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .capture_payment(
            &PaymentId::new("pay_auth"),
            CapturePayment::new()
                .with_amount(usd(1500))
                .with_idempotency_key(IdempotencyKey::new("cap_1").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount_captured, Some(usd(1500)));
}

#[tokio::test]
async fn full_capture_sends_an_empty_body_and_no_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_auth/capture"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_auth",
            "succeeded",
            4999,
            "usd",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .capture_payment(&PaymentId::new("pay_auth"), CapturePayment::default())
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert!(idempotency_keys(&server).await[0].is_some());
}

#[tokio::test]
async fn a_pending_payment_with_a_redirect_waits_for_the_customer() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_hp", "pending", 4999, "usd");
    answer["return_url"] = json!("https://shop.example/r");
    answer["next_action"] = json!({
        "type": "redirect_to_url",
        "redirect_to_url": {"url": "https://pay.paynectra.io/checkout/pay_hp", "return_url": "https://shop.example/r"}
    });
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .create_payment(CreatePayment::new(usd(4999)).with_return_url("https://shop.example/r"))
        .await
        .unwrap();
    assert_eq!(p.raw_status, "pending");
    assert_eq!(p.status, PaymentStatus::RequiresAction, "a hosted page waits for the customer");
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://pay.paynectra.io/checkout/pay_hp".into() })
    );
}

#[tokio::test]
async fn an_authorized_payment_has_no_next_action_and_says_what_it_can_capture() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_auth", "requires_capture", 4999, "usd");
    answer["capture_method"] = json!("manual");
    answer["amount_capturable"] = json!(4000);
    answer["amount_received"] = json!(0);
    // A stale redirect beside another status is not an action.
    answer["next_action"] = json!({
        "type": "redirect_to_url",
        "redirect_to_url": {"url": "https://pay.paynectra.io/checkout/pay_auth"}
    });
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_auth")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.next_action, None);
    assert_eq!(p.amount_capturable, Some(usd(4000)));
}

#[tokio::test]
async fn a_statement_descriptor_is_not_sent_on_capture() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_auth/capture"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_auth",
            "succeeded",
            4999,
            "usd",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .capture_payment(
            &PaymentId::new("pay_auth"),
            CapturePayment::new().with_statement_descriptor("SHOP"),
        )
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, b"{}", "only documented parameters");
}

#[tokio::test]
async fn capture_in_another_currency_is_refused_before_any_capture() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_auth",
            "requires_capture",
            4999,
            "usd",
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = connector(&server)
        .capture_payment(
            &PaymentId::new("pay_auth"),
            CapturePayment::new().with_amount(Money::from_minor(1500, Currency::JPY).unwrap()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("USD") && err.message().contains("JPY"), "{err}");
}

#[tokio::test]
async fn cancel_posts_an_empty_body_and_reads_canceled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_auth/cancel"))
        .and(header("authorization", BEARER))
        .and(header("idempotency-key", "void_1"))
        .and(body_json(json!({})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(payment("pay_auth", "canceled", 4999, "usd")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let p = connector(&server)
        .cancel_payment(
            &PaymentId::new("pay_auth"),
            CancelPayment::new()
                .with_reason("customer changed their mind")
                .with_idempotency_key(IdempotencyKey::new("void_1").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Cancelled);
    assert_eq!(p.raw_status, "canceled");
}

#[tokio::test]
async fn list_filters_go_in_the_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(header("authorization", BEARER))
        .and(query_param("limit", "100"))
        .and(query_param("starting_after", "pay_9"))
        .and(query_param("customer", "cus_1"))
        .and(query_param("status", "succeeded"))
        .and(query_param("created[gte]", "1700000000"))
        .and(query_param("created[lte]", "1700086400"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [payment("pay_8", "succeeded", 100, "usd")],
            "has_more": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = connector(&server)
        .list_payments({
            let mut q = ListPayments::new()
                .with_limit(500)
                .with_cursor(PageCursor::After("pay_9".into()))
                .with_status(PaymentStatus::Succeeded)
                .with_customer(CustomerId::from_stored("cus_1"))
                .with_created_from(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap())
                .with_created_to(OffsetDateTime::from_unix_timestamp(1_700_086_400).unwrap());
            q.merchant_reference = None;
            q
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(!page.has_more);
    assert_eq!(page.next, None);
    let raw = server.received_requests().await.unwrap()[0].url.query().unwrap().to_owned();
    assert_eq!(
        raw,
        "limit=100&starting_after=pay_9&customer=cus_1&status=succeeded\
         &created%5Bgte%5D=1700000000&created%5Blte%5D=1700086400"
    );
}

#[tokio::test]
async fn limit_is_clamped_up_to_one_and_omitted_when_unset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "list", "data": [], "has_more": false})),
        )
        .mount(&server)
        .await;
    let c = connector(&server);
    c.list_payments(ListPayments::new().with_limit(0)).await.unwrap();
    c.list_payments(ListPayments::default()).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.query(), Some("limit=1"));
    assert_eq!(reqs[1].url.query(), None);
}

#[tokio::test]
async fn a_three_page_walk_follows_starting_after() {
    let server = MockServer::start().await;
    let list = |ids: &[&str], more: bool| {
        json!({
            "object": "list",
            "data": ids.iter().map(|id| payment(id, "succeeded", 100, "usd")).collect::<Vec<_>>(),
            "has_more": more
        })
    };
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(&["pay_6", "pay_5"], true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("limit", "2"))
        .and(query_param("starting_after", "pay_5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(&["pay_4", "pay_3"], true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("limit", "2"))
        .and(query_param("starting_after", "pay_3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(&["pay_2"], false)))
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = c
            .list_payments({
                let mut q = ListPayments::new().with_limit(2);
                q.cursor = cursor;
                q
            })
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|p| p.id.as_str().to_owned()));
        match page.next {
            Some(next) => {
                assert!(page.has_more);
                cursor = Some(next);
            }
            None => break,
        }
        assert!(pages < 10, "runaway pagination");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["pay_6", "pay_5", "pay_4", "pay_3", "pay_2"]);
}

#[tokio::test]
async fn paging_backwards_uses_ending_before_and_the_first_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("ending_before", "pay_5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [payment("pay_7", "succeeded", 1, "usd"), payment("pay_6", "succeeded", 1, "usd")],
            "has_more": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = connector(&server)
        .list_payments(ListPayments::new().with_cursor(PageCursor::Before("pay_5".into())))
        .await
        .unwrap();
    assert_eq!(page.next, Some(PageCursor::Before("pay_7".into())));
}

#[tokio::test]
async fn the_pending_filter_keeps_only_the_status_asked_for() {
    let server = MockServer::start().await;
    let mut waiting = payment("pay_w", "pending", 100, "usd");
    waiting["next_action"] = json!({"type": "redirect_to_url", "redirect_to_url": {"url": "https://pay.paynectra.io/c/pay_w"}});
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("status", "pending"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [waiting, payment("pay_p", "pending", 100, "usd")],
            "has_more": true
        })))
        .expect(2)
        .mount(&server)
        .await;
    let c = connector(&server);
    let processing =
        c.list_payments(ListPayments::new().with_status(PaymentStatus::Processing)).await.unwrap();
    let ids: Vec<_> = processing.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_p"]);
    // The next page follows the whole answer, not the items kept.
    assert_eq!(processing.next, Some(PageCursor::After("pay_p".into())));
    let waiting = c
        .list_payments(ListPayments::new().with_status(PaymentStatus::RequiresAction))
        .await
        .unwrap();
    let ids: Vec<_> = waiting.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_w"]);
    assert_eq!(waiting.next, Some(PageCursor::After("pay_p".into())));
}

#[tokio::test]
async fn list_queries_paynectra_cannot_answer_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let c = connector(&server);
    for query in [
        ListPayments::new().with_merchant_reference("order_1"),
        ListPayments::new().with_cursor(PageCursor::Offset(20)),
        ListPayments::new().with_status(PaymentStatus::Expired),
        // `requires_capture` is not a filter the guide documents.
        ListPayments::new().with_status(PaymentStatus::RequiresCapture),
        ListPayments::new().with_cursor(PageCursor::After("pay_1&limit=1".into())),
    ] {
        let err = c.list_payments(query).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    }
}

#[tokio::test]
async fn requests_paynectra_cannot_carry_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let c = connector(&server);
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let bad = [
        CreatePayment::new(usd(100)).with_card(card),
        CreatePayment::new(usd(100)).with_customer_details(CustomerDetails::default()),
        CreatePayment::new(usd(0)),
        CreatePayment::new(usd(100))
            .with_reference("order_1")
            .with_metadata("merchant_reference", "order_2"),
        CreatePayment::new(usd(100)).with_customer(CustomerId::from_stored("cus/../x")),
    ];
    for req in bad {
        let err = c.create_payment(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    }
    let err = c.get_payment(&PaymentId::new("pay_1/refunds")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err =
        c.confirm_payment(&PaymentId::new("pay_1"), ConfirmPayment::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(!c.capabilities().supports(Operation::ConfirmPayment));
    // Every payment, refund and customer operation but confirm; no payouts or disputes (the
    // guide documents none).
    for op in Operation::ALL {
        let payment_side = !op.as_str().contains("payout") && !op.as_str().contains("dispute");
        let declared = payment_side && op != Operation::ConfirmPayment;
        assert_eq!(c.capabilities().supports(op), declared, "{}", op.as_str());
    }
}

#[tokio::test]
async fn error_shapes_map_to_kinds() {
    let server = MockServer::start().await;
    let cases = [
        (
            "pay_e402",
            402,
            json!({"error": {"type": "card_error", "code": "card_declined",
                "decline_code": "insufficient_funds", "message": "Your card has insufficient funds."}}),
        ),
        (
            "pay_e400",
            400,
            json!({"error": {"type": "invalid_request_error", "code": "parameter_invalid_integer",
                "message": "Invalid integer: abc", "param": "amount"}}),
        ),
        (
            "pay_e401",
            401,
            json!({"error": {"type": "authentication_error", "message": "Invalid API Key provided"}}),
        ),
        (
            "pay_e404",
            404,
            json!({"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such payment", "param": "id"}}),
        ),
        (
            "pay_e409",
            409,
            json!({"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters"}}),
        ),
        (
            "pay_e429",
            429,
            json!({"error": {"type": "rate_limit_error", "message": "Too many requests"}}),
        ),
        (
            "pay_e402b",
            402,
            json!({"error": {"type": "card_error", "code": "expired_card", "message": "Your card has expired."}}),
        ),
        ("pay_ehtml", 400, json!("<html>bad gateway</html>")),
    ];
    for (id, status, body) in &cases {
        Mock::given(method("GET"))
            .and(path(format!("/v1/payments/{id}")))
            .respond_with(ResponseTemplate::new(*status).set_body_json(body))
            .mount(&server)
            .await;
    }
    let mut config = common::config(&server);
    config.connection.retry = paymux_core::transport::RetryPolicy::none();
    let c = Paynectra::new(config).unwrap();
    let get = |id: &'static str| {
        let c = c.clone();
        async move { c.get_payment(&PaymentId::new(id)).await.unwrap_err() }
    };

    let e = get("pay_e402").await;
    assert_eq!(e.kind(), ErrorKind::Declined);
    assert_eq!(e.decline_code(), Some(&DeclineCode::InsufficientFunds));
    assert_eq!(e.gateway_code(), Some("insufficient_funds"));
    assert_eq!(e.gateway_message(), Some("Your card has insufficient funds."));
    assert_eq!(e.http_status(), Some(402));

    let e = get("pay_e402b").await;
    assert_eq!(e.kind(), ErrorKind::Declined);
    assert_eq!(e.decline_code(), Some(&DeclineCode::ExpiredCard));

    let e = get("pay_e400").await;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.gateway_code(), Some("parameter_invalid_integer"));
    assert_eq!(e.gateway_message(), Some("Invalid integer: abc (param: amount)"));
    assert_eq!(e.decline_code(), None);

    assert_eq!(get("pay_e401").await.kind(), ErrorKind::Authentication);
    let e = get("pay_e404").await;
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.gateway_code(), Some("resource_missing"));
    assert_eq!(get("pay_e409").await.kind(), ErrorKind::Conflict);
    assert_eq!(get("pay_e429").await.kind(), ErrorKind::RateLimited);
    let e = get("pay_ehtml").await;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.gateway_message().unwrap().contains("bad gateway"));
}

#[tokio::test]
async fn an_unreadable_answer_to_a_create_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": \"pay_1\""))
        .mount(&server)
        .await;
    let err = connector(&server).create_payment(CreatePayment::new(usd(100))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_outcome_unknown());
}

#[test]
fn the_key_decides_the_mode_and_must_match_the_environment() {
    let make = |key: &str, env| Paynectra::new(PaynectraConfig::new(SecretString::from(key), env));
    assert_eq!(make(KEY, Environment::Sandbox).unwrap().mode(), Mode::Test);
    assert_eq!(make("sk_live_abc", Environment::Production).unwrap().mode(), Mode::Live);
    for (key, env) in [
        ("sk_live_abc", Environment::Sandbox),
        ("sk_test_abc", Environment::Production),
        ("pk_test_abc", Environment::Sandbox),
        ("abc", Environment::Production),
    ] {
        let err = make(key, env).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{key}");
        assert!(!err.to_string().contains(key), "the key leaks into {err}");
    }
    let c = make(KEY, Environment::Sandbox).unwrap();
    let dbg = format!("{c:?} {:?}", common_config_debug());
    assert!(!dbg.contains(KEY) && !dbg.contains(common::WEBHOOK_SECRET), "{dbg}");
    assert!(dbg.contains("api.paynectra.io/v1"), "{dbg}");
}

fn common_config_debug() -> PaynectraConfig {
    PaynectraConfig::new(SecretString::from(KEY), Environment::Sandbox)
        .with_webhook_secret(SecretString::from(common::WEBHOOK_SECRET))
}

#[test]
fn a_bad_base_url_is_a_configuration_error() {
    let err = Paynectra::new(
        PaynectraConfig::new(SecretString::from(KEY), Environment::Sandbox)
            .with_base_url("ftp://example.invalid"),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[tokio::test]
async fn an_authorization_without_amount_capturable_can_capture_the_whole_amount() {
    let server = MockServer::start().await;
    let mut answer = payment("pay_auth2", "requires_capture", 4999, "usd");
    answer["capture_method"] = json!("manual");
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_auth2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let p = connector(&server).get_payment(&PaymentId::new("pay_auth2")).await.unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresCapture);
    assert_eq!(p.amount_capturable, Some(usd(4999)));
}

/// A payment in a currency Money cannot hold is read, not an error: its figure is kept in
/// `gateway_amount`, and it never hides the rest of a list page.
#[tokio::test]
async fn a_payment_money_cannot_hold_is_read_and_listed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_gold"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment(
            "pay_gold",
            "succeeded",
            5,
            "xau",
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [
                payment("pay_a", "succeeded", 100, "usd"),
                payment("pay_btc", "succeeded", 12345, "btc"),
                payment("pay_b", "succeeded", 200, "usd"),
            ],
            "has_more": false
        })))
        .mount(&server)
        .await;
    let c = connector(&server);
    let p = c.get_payment(&PaymentId::new("pay_gold")).await.unwrap();
    assert_eq!(p.amount, None);
    assert_eq!(p.gateway_amount, Some(GatewayAmount::new(Decimal::from(5), "xau")));
    let page = c.list_payments(ListPayments::default()).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pay_a", "pay_btc", "pay_b"]);
    assert_eq!(page.items[1].gateway_amount, Some(GatewayAmount::new(Decimal::from(12345), "btc")));

    // Minor units against a currency the payment is not in would move the wrong money.
    let e = c
        .capture_payment(&PaymentId::new("pay_gold"), CapturePayment::new().with_amount(usd(5)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.message().contains("xau"), "{e}");
}
