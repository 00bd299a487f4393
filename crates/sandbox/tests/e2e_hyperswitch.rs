#![allow(clippy::unwrap_used)]
//! Every status word and event type of the Hyperswitch family (Paychtec and paymnt.cloud),
//! reached end to end: a documented trigger on the emulator, the connector
//! (`paymux::sandbox::provider`), the normalized model.

use std::sync::Arc;

use paymux::sandbox::{EmulatorHandle, paychtec, paymnt};
use paymux::{
    Address, BillingDetails, CancelPayment, CaptureMode, CapturePayment, Card, CreatePayment,
    CreateRefund, Currency, EventKind, Money, Payment, PaymentProvider, PaymentStatus, Phone,
    RefundStatus,
};
use serde_json::{Value, json};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn billing() -> BillingDetails {
    BillingDetails {
        address: Some(Address {
            line1: Some("1 Main St".into()),
            country: Some("US".into()),
            ..Address::default()
        }),
        phone: Some(Phone { country_code: "+1".into(), number: "6502530000".into() }),
        email: Some("customer@example.com".into()),
    }
}

struct Gw {
    emu: EmulatorHandle,
    p: Arc<dyn PaymentProvider>,
    c: reqwest::Client,
}

impl Gw {
    async fn start(paychtec_kind: bool) -> Gw {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let emu = if paychtec_kind {
            paychtec::start().await.unwrap()
        } else {
            paymnt::start().await.unwrap()
        };
        let p = paymux::sandbox::provider(&emu).unwrap();
        Gw { emu, p, c: reqwest::Client::new() }
    }

    async fn pay(&self, amount: i64, card: &str, manual: bool) -> Payment {
        let mode = if manual { CaptureMode::Manual } else { CaptureMode::Automatic };
        let req = CreatePayment::new(usd(amount))
            .with_card(Card::new(card, 12, 2030, "123").unwrap())
            .with_billing(billing())
            .with_return_url("https://shop.example/back")
            .with_capture(mode);
        self.p.create_payment(req).await.unwrap()
    }

    async fn control(&self, path: &str) -> Value {
        let url = format!("{}/sandbox/{}/{path}", self.emu.base_url(), self.emu.name());
        let r = self.c.post(url).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    async fn get(&self, p: &Payment) -> Payment {
        self.p.get_payment(&p.id).await.unwrap()
    }
}

fn check(p: &Payment, word: &str, status: PaymentStatus) {
    assert_eq!(p.raw_status, word, "{p:?}");
    assert_eq!(p.status, status, "{word}");
}

async fn every_status_word(paychtec_kind: bool) {
    let g = Gw::start(paychtec_kind).await;
    check(&g.pay(1000, "4242424242424242", false).await, "succeeded", PaymentStatus::Succeeded);
    check(&g.pay(1000, "4000000000000002", false).await, "failed", PaymentStatus::Failed);
    check(
        &g.pay(1000, "4000000000003220", false).await,
        "requires_customer_action",
        PaymentStatus::RequiresAction,
    );
    check(
        &g.pay(103_063, "4242424242424242", false).await,
        "requires_redirection",
        PaymentStatus::RequiresAction,
    );
    let processing = g.pay(7777, "4242424242424242", false).await;
    check(&processing, "processing", PaymentStatus::Processing);
    g.control(&format!("settle/{}", processing.id)).await;
    check(&g.get(&processing).await, "succeeded", PaymentStatus::Succeeded);
    check(&g.pay(107_777, "4242424242424242", false).await, "pending", PaymentStatus::Processing);
    check(
        &g.pay(105_555, "4242424242424242", false).await,
        "requires_merchant_action",
        PaymentStatus::Processing,
    );
    check(
        &g.pay(106_666, "4242424242424242", false).await,
        "conflicted",
        PaymentStatus::Processing,
    );
    let partial = g.pay(104_000, "4242424242424242", true).await;
    check(&partial, "partially_authorized_and_requires_capture", PaymentStatus::RequiresCapture);
    let auth = g.pay(2000, "4242424242424242", true).await;
    check(&auth, "requires_capture", PaymentStatus::RequiresCapture);
    let captured =
        g.p.capture_payment(&auth.id, CapturePayment::new().with_amount(usd(500))).await.unwrap();
    // Part captured, the rest released: final, the money taken (the connector's reading).
    check(&captured, "partially_captured", PaymentStatus::Succeeded);
    let multi = g.pay(108_888, "4242424242424242", true).await;
    let once =
        g.p.capture_payment(&multi.id, CapturePayment::new().with_amount(usd(8_888)))
            .await
            .unwrap();
    assert_eq!(once.raw_status, "partially_captured_and_capturable");
    let cancel = g.pay(3000, "4242424242424242", true).await;
    let cancelled = g.p.cancel_payment(&cancel.id, CancelPayment::default()).await.unwrap();
    check(&cancelled, "cancelled", PaymentStatus::Cancelled);
    let post = g.pay(3000, "4242424242424242", false).await;
    g.control(&format!("payments/{}/cancel-post-capture", post.id)).await;
    check(&g.get(&post).await, "cancelled_post_capture", PaymentStatus::Cancelled);
    let waiting = g.pay(3000, "4000000000003220", false).await;
    g.control(&format!("payments/{}/expire", waiting.id)).await;
    check(&g.get(&waiting).await, "expired", PaymentStatus::Expired);
}

#[tokio::test]
async fn paychtec_every_status_word_reaches_the_model() {
    every_status_word(true).await;
}

#[tokio::test]
async fn paymnt_every_status_word_reaches_the_model() {
    every_status_word(false).await;
}

#[tokio::test]
async fn partially_captured_and_capturable_reaches_the_model() {
    let g = Gw::start(true).await;
    let multi = g.pay(108_888, "4242424242424242", true).await;
    let once =
        g.p.capture_payment(&multi.id, CapturePayment::new().with_amount(usd(8_888)))
            .await
            .unwrap();
    check(&once, "partially_captured_and_capturable", PaymentStatus::PartiallyCaptured);
}

#[tokio::test]
async fn the_unconfirmed_status_words_reach_the_model() {
    let g = Gw::start(true).await;
    let body = json!({"amount": 500, "currency": "USD", "profile_id": paychtec::PROFILE_ID});
    let url = format!("{}/payments", g.emu.base_url());
    let created: Value =
        g.c.post(&url)
            .header("api-key", paychtec::API_KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let p =
        g.p.get_payment(&paymux::PaymentId::new(created["payment_id"].as_str().unwrap()))
            .await
            .unwrap();
    check(&p, "requires_payment_method", PaymentStatus::RequiresPaymentMethod);
}

#[tokio::test]
async fn refund_status_words_reach_the_model() {
    let g = Gw::start(true).await;
    let p = g.pay(50_000, "4242424242424242", false).await;
    for (amount, word, status) in [
        (1000, "succeeded", RefundStatus::Succeeded),
        (9995, "failed", RefundStatus::Failed),
        (7777, "pending", RefundStatus::Pending),
        (5555, "review", RefundStatus::Pending),
    ] {
        let r =
            g.p.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(amount)))
                .await
                .unwrap();
        assert_eq!((r.raw_status.as_str(), r.status), (word, status), "{amount}");
    }
}

#[tokio::test]
async fn conflicts_are_http_400_with_hyperswitch_codes() {
    let g = Gw::start(true).await;
    let p = g.pay(1000, "4242424242424242", false).await;
    let again = g.p.capture_payment(&p.id, CapturePayment::default()).await.unwrap_err();
    assert_eq!(again.kind(), paymux::ErrorKind::Conflict, "{again}");
    assert!(again.to_string().contains("IR_14"), "{again}");
}

/// Every event type: triggered on the emulator, then parsed by the connector.
async fn every_event_type(paychtec_kind: bool) {
    let g = Gw::start(paychtec_kind).await;
    for event in paymux::sandbox::hyperswitch::EVENTS {
        let before = g.emu.webhooks().sent().len();
        g.control(&format!("trigger/{event}")).await;
        let sent = g.emu.webhooks().sent();
        let hook = sent[before..]
            .iter()
            .find(|w| serde_json::from_slice::<Value>(&w.body).unwrap()["event_type"] == *event)
            .unwrap_or_else(|| panic!("{event} was not sent"));
        let parsed = g.p.parse_webhook(&hook.header_map(), &hook.body).unwrap();
        // The model has no subscription events: `invoice_paid` is verified and kept as Other.
        let other_ok = *event == "invoice_paid";
        assert!(
            other_ok || !matches!(parsed.kind, EventKind::Other(_)),
            "{event}: {:?}",
            parsed.kind
        );
    }
}

#[tokio::test]
async fn paychtec_every_event_type_reaches_the_model() {
    every_event_type(true).await;
}

#[tokio::test]
async fn paymnt_every_event_type_reaches_the_model() {
    every_event_type(false).await;
}

#[tokio::test]
async fn list_filters_by_status_through_the_connector() {
    let g = Gw::start(true).await;
    g.pay(1000, "4242424242424242", false).await;
    g.pay(1000, "4000000000000002", false).await;
    let page =
        g.p.list_payments(paymux::ListPayments::new().with_status(PaymentStatus::Failed))
            .await
            .unwrap();
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn list_filters_by_time_through_the_connector() {
    let g = Gw::start(true).await;
    g.pay(1000, "4242424242424242", false).await;
    let future = time::OffsetDateTime::now_utc() + time::Duration::days(365);
    let page =
        g.p.list_payments(paymux::ListPayments::new().with_created_from(future)).await.unwrap();
    assert!(page.items.is_empty(), "a filter in the future matched {} payments", page.items.len());
}
