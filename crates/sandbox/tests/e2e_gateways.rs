#![allow(clippy::unwrap_used)]
//! pay.tech, Paygentic and Paynectra: every documented status word and event type reached end
//! to end (a documented trigger, the connector, the normalized model), and every undocumented
//! parameter a connector could send refused by the emulator.

use std::sync::Arc;

use paymux::sandbox::{EmulatorHandle, paygentic, paynectra, paytech};
use paymux::{
    CaptureMode, CapturePayment, Card, CreatePayment, CreateRefund, Currency, EventKind, Money,
    Payment, PaymentId, PaymentProvider, PaymentStatus, RefundStatus,
};
use serde_json::{Value, json};

fn money(minor: i64, c: Currency) -> Money {
    Money::from_minor(minor, c).unwrap()
}

struct Gw {
    emu: EmulatorHandle,
    p: Arc<dyn PaymentProvider>,
    c: reqwest::Client,
}

impl Gw {
    async fn new(emu: EmulatorHandle) -> Gw {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let p = paymux::sandbox::provider(&emu).unwrap();
        Gw { emu, p, c: reqwest::Client::new() }
    }

    async fn trigger(&self, event: &str) {
        let url = format!("{}/sandbox/{}/trigger/{event}", self.emu.base_url(), self.emu.name());
        let r = self.c.post(url).send().await.unwrap();
        assert!(r.status().is_success(), "{event}: {}", r.text().await.unwrap());
    }

    /// Triggers each event and parses what was sent with the connector.
    async fn every_event(&self, events: &[&str], name_of: impl Fn(&Value) -> String) {
        for event in events {
            let before = self.emu.webhooks().sent().len();
            self.trigger(event).await;
            let sent = self.emu.webhooks().sent();
            let hook = sent[before..]
                .iter()
                .find(|w| name_of(&serde_json::from_slice(&w.body).unwrap()) == *event)
                .unwrap_or_else(|| panic!("{event} was not sent"));
            let parsed = self.p.parse_webhook(&hook.header_map(), &hook.body).unwrap();
            // The model has no "created" events: those are verified and kept as Other.
            let other_ok = event.ends_with(".created");
            assert!(
                other_ok || !matches!(parsed.kind, EventKind::Other(_)),
                "{event}: {:?}",
                parsed.kind
            );
        }
    }

    async fn visit(&self, p: &Payment, card: Option<&str>) {
        paymux::sandbox::complete_redirect(&self.emu, p, card).await.unwrap();
    }

    async fn raw(&self, path: &str, key: &str, body: Value) -> (u16, Value) {
        let r = self
            .c
            .post(format!("{}{path}", self.emu.base_url()))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

fn check(p: &Payment, word: &str, status: PaymentStatus) {
    assert_eq!((p.raw_status.as_str(), p.status), (word, status), "{p:?}");
}

// ---- Paygentic

#[tokio::test]
async fn paygentic_every_status_word_reaches_the_model() {
    let g = Gw::new(paygentic::start().await.unwrap()).await;
    for (amount, word, status) in [
        (1000, "completed", PaymentStatus::Succeeded),
        (1313, "expired", PaymentStatus::Expired),
        (6666, "cancelled", PaymentStatus::Cancelled),
        (7777, "processing", PaymentStatus::Processing),
    ] {
        let req = CreatePayment::new(money(amount, Currency::USD))
            .with_return_url("https://shop.example/r");
        let p = g.p.create_payment(req).await.unwrap();
        assert_eq!(p.raw_status, "pending");
        g.visit(&p, None).await;
        check(&g.p.get_payment(&p.id).await.unwrap(), word, status);
    }
}

#[tokio::test]
async fn paygentic_every_event_type_reaches_the_model() {
    let g = Gw::new(paygentic::start().await.unwrap()).await;
    g.every_event(paygentic::EVENTS, |v| v["eventType"].as_str().unwrap_or_default().to_owned())
        .await;
}

#[tokio::test]
async fn paygentic_webhooks_with_the_spec_payment_object_reach_the_model() {
    let g = Gw::new(paygentic::start().await.unwrap()).await;
    let url = format!("{}/sandbox/paygentic/webhook-data/payment", g.emu.base_url());
    assert!(g.c.post(url).send().await.unwrap().status().is_success());
    g.every_event(paygentic::EVENTS, |v| v["eventType"].as_str().unwrap_or_default().to_owned())
        .await;
}

#[tokio::test]
async fn paygentic_webhooks_can_carry_the_spec_payment_object() {
    let g = Gw::new(paygentic::start().await.unwrap()).await;
    let url = format!("{}/sandbox/paygentic/webhook-data/payment", g.emu.base_url());
    g.c.post(url).send().await.unwrap();
    g.trigger("payment.completed.v0").await;
    let last: Value = serde_json::from_slice(&g.emu.webhooks().last().unwrap().body).unwrap();
    assert_eq!(last["data"]["object"], "payment");
    assert!(last["data"]["id"].is_string() && last["data"]["paymentId"].is_null());
}

// ---- Paynectra

async fn paynectra_paid(g: &Gw, amount: i64, card: &str, manual: bool) -> Payment {
    let mode = if manual { CaptureMode::Manual } else { CaptureMode::Automatic };
    let req = CreatePayment::new(money(amount, Currency::USD))
        .with_return_url("https://shop.example/r")
        .with_capture(mode);
    let p = g.p.create_payment(req).await.unwrap();
    // The hosted page waits for the customer: `RequiresAction` with its redirect.
    check(&p, "pending", PaymentStatus::RequiresAction);
    g.visit(&p, Some(card)).await;
    g.p.get_payment(&p.id).await.unwrap()
}

#[tokio::test]
async fn paynectra_every_status_word_reaches_the_model() {
    let g = Gw::new(paynectra::start().await.unwrap()).await;
    check(
        &paynectra_paid(&g, 1000, "4242424242424242", false).await,
        "succeeded",
        PaymentStatus::Succeeded,
    );
    check(
        &paynectra_paid(&g, 1000, "4000000000000002", false).await,
        "failed",
        PaymentStatus::Failed,
    );
    let auth = paynectra_paid(&g, 1000, "4242424242424242", true).await;
    check(&auth, "requires_capture", PaymentStatus::RequiresCapture);
    check(
        &paynectra_paid(&g, 7777, "4242424242424242", false).await,
        "pending",
        PaymentStatus::Processing,
    );
    let req =
        CreatePayment::new(money(1000, Currency::USD)).with_return_url("https://shop.example/r");
    let p = g.p.create_payment(req).await.unwrap();
    let url =
        format!("{}/sandbox/paynectra/checkout/{}?card=4000000000003220", g.emu.base_url(), p.id);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    check(&g.p.get_payment(&p.id).await.unwrap(), "requires_action", PaymentStatus::RequiresAction);
    let cancelled = g.p.cancel_payment(&auth.id, paymux::CancelPayment::default()).await.unwrap();
    check(&cancelled, "cancelled", PaymentStatus::Cancelled);
}

#[tokio::test]
async fn paynectra_refunds_that_fail_reach_the_model() {
    let g = Gw::new(paynectra::start().await.unwrap()).await;
    let p = paynectra_paid(&g, 20_000, "4242424242424242", false).await;
    let failed =
        g.p.create_refund(CreateRefund::new(p.id.clone()).with_amount(money(9995, Currency::USD)))
            .await
            .unwrap();
    assert_eq!((failed.raw_status.as_str(), failed.status), ("failed", RefundStatus::Failed));
    let ok =
        g.p.create_refund(CreateRefund::new(p.id.clone()).with_amount(money(1000, Currency::USD)))
            .await
            .unwrap();
    assert_eq!(ok.status, RefundStatus::Succeeded);
}

#[tokio::test]
async fn paynectra_every_event_type_reaches_the_model() {
    let g = Gw::new(paynectra::start().await.unwrap()).await;
    g.every_event(paynectra::EVENTS, |v| v["type"].as_str().unwrap_or_default().to_owned()).await;
}

#[tokio::test]
async fn paynectra_refuses_every_undocumented_parameter() {
    let g = Gw::new(paynectra::start().await.unwrap()).await;
    let key = paynectra::API_KEY;
    let p = paynectra_paid(&g, 1000, "4242424242424242", true).await;
    let cases = [
        (
            format!("/v1/payments/{}/capture", p.id),
            json!({"statement_descriptor": "SHOP"}),
            "statement_descriptor",
        ),
        (
            format!("/v1/payments/{}/capture", p.id),
            json!({"statement_descriptor_suffix": "1"}),
            "statement_descriptor_suffix",
        ),
        (
            format!("/v1/payments/{}/cancel", p.id),
            json!({"cancellation_reason": "abandoned"}),
            "cancellation_reason",
        ),
        (
            "/v1/customers".to_owned(),
            json!({"address": {"line1": "1 Main St", "line2": "Flat 2"}}),
            "address[line2]",
        ),
        (
            "/v1/customers".to_owned(),
            json!({"address": {"line1": "1 Main St", "state": "CA"}}),
            "address[state]",
        ),
        (
            "/v1/payments".to_owned(),
            json!({"amount": 100, "currency": "usd", "payment_method": {}}),
            "payment_method",
        ),
        (
            "/v1/refunds".to_owned(),
            json!({"payment_id": p.id.as_str(), "refund_id": "r1"}),
            "refund_id",
        ),
    ];
    for (path, body, param) in cases {
        let (status, e) = g.raw(&path, key, body).await;
        assert_eq!(
            (status, e["error"]["code"].as_str(), e["error"]["param"].as_str()),
            (400, Some("parameter_unknown"), Some(param)),
            "{path}"
        );
    }
    for query in ["status=requires_capture", "status=requires_action", "customer_id=x"] {
        let url = format!("{}/v1/payments?{query}", g.emu.base_url());
        let r = g.c.get(url).bearer_auth(key).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{query}");
    }
    for path in ["/v1/customers/cus_000001", "/v1/refunds"] {
        let r =
            g.c.get(format!("{}{path}", g.emu.base_url())).bearer_auth(key).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path} is not a documented route");
    }
}

#[tokio::test]
async fn paynectra_capture_with_a_statement_descriptor_through_the_connector() {
    let g = Gw::new(paynectra::start().await.unwrap()).await;
    let p = paynectra_paid(&g, 1000, "4242424242424242", true).await;
    g.p.capture_payment(&p.id, CapturePayment::new().with_statement_descriptor("SHOP"))
        .await
        .unwrap();
}

// ---- pay.tech

async fn paytech_deposit(g: &Gw, amount: i64, card: &str, mode: CaptureMode) -> Payment {
    let req = CreatePayment::new(money(amount, Currency::EUR))
        .with_card(Card::new(card, 12, 2030, "123").unwrap())
        .with_return_url("https://shop.example/r")
        .with_capture(mode);
    let p = g.p.create_payment(req).await.unwrap();
    if p.next_action.is_some() {
        g.visit(&p, None).await;
    }
    g.p.get_payment(&p.id).await.unwrap()
}

#[tokio::test]
async fn paytech_every_state_reaches_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    check(
        &paytech_deposit(&g, 1000, "4000000000000408", CaptureMode::Automatic).await,
        "COMPLETED",
        PaymentStatus::Succeeded,
    );
    check(
        &paytech_deposit(&g, 1000, "4000000000000416", CaptureMode::Automatic).await,
        "DECLINED",
        PaymentStatus::Failed,
    );
    let auth = paytech_deposit(&g, 1000, "4000000000000408", CaptureMode::Manual).await;
    check(&auth, "AUTHORIZED", PaymentStatus::RequiresCapture);
    check(
        &paytech_deposit(&g, 7777, "4000000000000408", CaptureMode::Automatic).await,
        "PENDING",
        PaymentStatus::Processing,
    );
    let voided = g.p.cancel_payment(&auth.id, paymux::CancelPayment::default()).await.unwrap();
    assert_eq!(voided.raw_status, "CANCELLED");
    let req =
        CreatePayment::new(money(1000, Currency::EUR)).with_return_url("https://shop.example/r");
    let checkout = g.p.create_payment(req).await.unwrap();
    assert_eq!(checkout.raw_status, "CHECKOUT");
}

#[tokio::test]
async fn paytech_refunds_declined_or_pending_reach_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    let p = paytech_deposit(&g, 20_000, "4000000000000408", CaptureMode::Automatic).await;
    for (amount, state, status) in [
        (1313, "DECLINED", RefundStatus::Failed),
        (7777, "PENDING", RefundStatus::Pending),
        (100, "COMPLETED", RefundStatus::Succeeded),
    ] {
        let r =
            g.p.create_refund(
                CreateRefund::new(p.id.clone()).with_amount(money(amount, Currency::EUR)),
            )
            .await
            .unwrap();
        let mut got = r.clone();
        for _ in 0..30 {
            got = g.p.get_refund(&r.id).await.unwrap();
            if got.raw_status != "PENDING" || state == "PENDING" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if state == "PENDING" {
            tokio::time::sleep(paytech::SETTLE_DELAY * 2).await;
            got = g.p.get_refund(&r.id).await.unwrap();
        }
        assert_eq!((got.raw_status.as_str(), got.status), (state, status), "{amount}");
    }
}

#[tokio::test]
async fn paytech_every_event_type_reaches_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    g.every_event(paytech::EVENTS, |v| {
        format!(
            "{}.{}",
            v["paymentType"].as_str().unwrap_or_default(),
            v["state"].as_str().unwrap_or_default()
        )
    })
    .await;
}

/// A deposit made outside the connector (its request fields are not ones paymux sends), then
/// read back through the connector.
async fn paytech_raw_deposit(g: &Gw, body: &str) -> Payment {
    let url = format!("{}/api/v1/payments", g.emu.base_url());
    let r: Value =
        g.c.post(url)
            .bearer_auth(paytech::API_KEY)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let id = r["result"]["id"].as_str().unwrap().to_owned();
    let page =
        format!("{}/sandbox/paytech/checkout/{id}?cardNumber=4000000000000408", g.emu.base_url());
    g.c.get(page).send().await.unwrap();
    g.p.get_payment(&PaymentId::new(id)).await.unwrap()
}

#[tokio::test]
async fn paytech_currency_conversion_reaches_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    let p =
        paytech_raw_deposit(&g, r#"{"paymentType":"DEPOSIT","amount":15,"currency":"USD"}"#).await;
    assert_eq!(p.amount, Some(money(1500, Currency::USD)), "the customer's amount, as requested");
}

#[tokio::test]
async fn paytech_cryptocurrency_reaches_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    let p = paytech_raw_deposit(
        &g,
        r#"{"paymentType":"DEPOSIT","amount":0.00012345,"currency":"BTC"}"#,
    )
    .await;
    assert_eq!(p.raw_status, "COMPLETED");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, None, "Money cannot hold BTC");
    let exact = paymux_core::GatewayAmount::new(rust_decimal::Decimal::new(12345, 8), "BTC");
    assert_eq!(p.gateway_amount, Some(exact));
    assert_eq!(p.contract_breach(), None);
}

#[tokio::test]
async fn paytech_extra_decimals_reach_the_model() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    let p =
        paytech_raw_deposit(&g, r#"{"paymentType":"DEPOSIT","amount":10.125,"currency":"EUR"}"#)
            .await;
    assert_eq!(p.raw_status, "COMPLETED");
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, None, "Money cannot hold 10.125 EUR");
    let exact = paymux_core::GatewayAmount::new(rust_decimal::Decimal::new(10125, 3), "EUR");
    assert_eq!(p.gateway_amount, Some(exact));
    assert_eq!(p.gateway_amount.as_ref().unwrap().value.to_string(), "10.125");
    assert_eq!(p.contract_breach(), None);
}

#[tokio::test]
async fn paytech_answers_conversion_crypto_and_extra_decimals() {
    let g = Gw::new(paytech::start().await.unwrap()).await;
    let url = format!("{}/api/v1/payments", g.emu.base_url());
    for (body, check) in [
        (
            r#"{"paymentType":"DEPOSIT","amount":15,"currency":"USD"}"#,
            r#""customerAmount":15,"customerCurrency":"USD""#,
        ),
        (
            r#"{"paymentType":"DEPOSIT","amount":0.00012345,"currency":"BTC"}"#,
            r#""amount":0.00012345,"currency":"BTC""#,
        ),
        (r#"{"paymentType":"DEPOSIT","amount":10.125,"currency":"EUR"}"#, r#""amount":10.125"#),
    ] {
        let r: Value =
            g.c.post(&url)
                .bearer_auth(paytech::API_KEY)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        let id = r["result"]["id"].as_str().unwrap();
        g.c.get(format!(
            "{}/sandbox/paytech/checkout/{id}?cardNumber=4000000000000408",
            g.emu.base_url()
        ))
        .send()
        .await
        .unwrap();
        let text =
            g.c.get(format!("{url}/{id}"))
                .bearer_auth(paytech::API_KEY)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        assert!(text.contains(check), "{check} in {text}");
    }
}
