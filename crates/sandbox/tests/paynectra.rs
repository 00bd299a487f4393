#![allow(clippy::unwrap_used)]
//! The Paynectra emulator over raw HTTP.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Method;
use paymux_core::webhook::{Algorithm, Encoding, Scheme, Window, verify_timestamped};
use paymux_sandbox::{EmulatorHandle, Fault, SentWebhook, paynectra};
use serde_json::{Value, json};

struct T {
    h: EmulatorHandle,
    c: reqwest::Client,
    key: String,
}

/// Deliveries a test receiver got: signature header and body.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

type Answer = (u16, Value, reqwest::header::HeaderMap);

impl T {
    async fn start() -> T {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let h = paynectra::start().await.unwrap();
        let c = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let key = h.credentials().api_key.clone();
        T { h, c, key }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.base_url())
    }

    async fn read(resp: reqwest::Response) -> Answer {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body, headers)
    }

    async fn post(&self, path: &str, body: Value, key: Option<&str>) -> Answer {
        let mut req = self.c.post(self.url(path)).bearer_auth(&self.key).json(&body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        Self::read(req.send().await.unwrap()).await
    }

    async fn get(&self, path: &str) -> Answer {
        Self::read(self.c.get(self.url(path)).bearer_auth(&self.key).send().await.unwrap()).await
    }

    /// A customer-facing page (no auth).
    async fn visit(&self, url: &str) -> (u16, Option<String>, String) {
        let r = self.c.get(url).send().await.unwrap();
        let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        (r.status().as_u16(), loc, r.text().await.unwrap())
    }

    async fn pay(&self, body: Value) -> Value {
        let (s, p, _) = self.post("/v1/payments", body, None).await;
        assert_eq!(s, 200, "{p}");
        p
    }

    /// Creates a payment and pays it on the hosted page with `card`: the payment after that.
    async fn paid(&self, amount: i64, card: &str, manual: bool) -> Value {
        let p = self.pay(with_card(amount, manual)).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap().to_owned();
        self.visit(&format!("{url}?card={card}")).await;
        self.get(&format!("/v1/payments/{id}")).await.1
    }

    fn events(&self) -> Vec<(String, Value)> {
        self.h
            .webhooks()
            .sent()
            .iter()
            .map(|w| {
                let v: Value = serde_json::from_slice(&w.body).unwrap();
                (v["type"].as_str().unwrap().to_owned(), v)
            })
            .collect()
    }

    fn events_of(&self, id: &str) -> Vec<String> {
        self.events()
            .into_iter()
            .filter(|(_, v)| v["data"]["object"]["id"] == id)
            .map(|(t, _)| t)
            .collect()
    }
}

fn with_card(amount: i64, manual: bool) -> Value {
    json!({
        "amount": amount,
        "currency": "usd",
        "capture_method": if manual { "manual" } else { "automatic" },
    })
}

#[tokio::test]
async fn auth_is_checked_with_the_documented_error() {
    let t = T::start().await;
    assert!(t.key.starts_with("sk_test_"));
    assert!(t.h.credentials().webhook_secret.starts_with("whsec_"));

    let r = T::read(t.c.get(t.url("/v1/payments")).send().await.unwrap()).await;
    assert_eq!(r.0, 401);
    assert_eq!(r.1["error"]["type"], "authentication_error");
    assert_eq!(r.1["error"]["code"], "api_key_missing");
    assert!(r.1["error"]["message"].is_string());

    for bad in ["sk_test_wrong", "sk_live_whatever", ""] {
        let req = t.c.post(t.url("/v1/payments")).bearer_auth(bad).json(&json!({}));
        let r = T::read(req.send().await.unwrap()).await;
        assert_eq!(r.0, 401, "{bad}");
        assert_eq!(r.1["error"]["type"], "authentication_error");
    }
    // Basic auth is not Paynectra's scheme.
    let req = t.c.get(t.url("/v1/payments")).basic_auth(&t.key, Some(""));
    assert_eq!(req.send().await.unwrap().status(), 401);
    // Nothing was created by refused calls.
    let (s, list, h) = t.get("/v1/payments").await;
    assert_eq!(s, 200);
    assert!(h.get("request-id").unwrap().to_str().unwrap().starts_with("req_"));
    assert_eq!(list["object"], "list");
    assert_eq!(list["data"], json!([]));
    assert_eq!(list["has_more"], false);

    // Unknown routes answer in the error shape.
    let (s, e, _) = t.get("/v1/charges").await;
    assert_eq!(s, 404);
    assert_eq!(e["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn create_validates_the_documented_parameters() {
    let t = T::start().await;
    let (s, e, _) = t.post("/v1/payments", json!({"amount": 100, "currency": "USD"}), None).await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["param"], "currency");
    assert_eq!(e["error"]["type"], "invalid_request_error");

    let (s, e, _) = t.post("/v1/payments", json!({"amount": 10.5, "currency": "usd"}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("amount")));
    let (s, e, _) = t.post("/v1/payments", json!({"amount": "100", "currency": "usd"}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("amount")));
    let (s, e, _) = t.post("/v1/payments", json!({"currency": "usd"}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("parameter_missing")));
    let (s, e, _) = t.post("/v1/payments", json!({"amount": 0, "currency": "usd"}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("amount_too_small")));
    let (s, e, _) = t.post("/v1/payments", json!({"amount": 1, "currency": "xyz"}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("currency")));
    let body = json!({"amount": 100, "currency": "usd", "order_id": "x"});
    let (s, e, _) = t.post("/v1/payments", body, None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("parameter_unknown")));
    assert_eq!(e["error"]["param"], "order_id");
    let body = json!({"amount": 100, "currency": "usd", "capture_method": "later"});
    let (s, e, _) = t.post("/v1/payments", body, None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("capture_method")));
    let body = json!({"amount": 100, "currency": "usd", "metadata": {"n": 1}});
    let (s, e, _) = t.post("/v1/payments", body, None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("metadata[n]")));
    let body = json!({"amount": 100, "currency": "usd", "customer_id": "cus_nope"});
    let (s, e, _) = t.post("/v1/payments", body, None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("resource_missing")));
    // A form-encoded body is not what Paynectra reads.
    let req =
        t.c.post(t.url("/v1/payments"))
            .bearer_auth(&t.key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("amount=100&currency=usd");
    assert_eq!(req.send().await.unwrap().status(), 400);
    // Card data is not a parameter of Paynectra's API (the customer pays on the hosted page).
    let mut body = with_card(100, false);
    body["payment_method"] = json!({"card": {"number": "4242424242424242"}});
    let (s, e, _) = t.post("/v1/payments", body, None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("parameter_unknown")));
    assert_eq!(e["error"]["param"], "payment_method");
    assert_eq!(t.get("/v1/payments").await.1["data"], json!([]));
    let (s, _, _) = t.get("/v1/payments/pay_nope").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn hosted_checkout_flow_and_webhooks() {
    let t = T::start().await;
    let body = json!({
        "amount": 4999,
        "currency": "eur",
        "description": "Order 42",
        "metadata": {"order_id": "42"},
    });
    let p = t.pay(body).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pay_"));
    assert_eq!(p["object"], "payment");
    assert_eq!(p["status"], "pending");
    assert_eq!(p["amount"], 4999);
    assert_eq!(p["currency"], "eur");
    assert_eq!(p["capture_method"], "automatic");
    assert_eq!(p["metadata"]["order_id"], "42");
    let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap().to_owned();
    assert_eq!(url, t.url(&format!("/sandbox/paynectra/checkout/{id}")));

    let (s, _, html) = t.visit(&url).await;
    assert_eq!(s, 200);
    assert!(html.contains("succeeded"), "{html}");
    let (_, p, _) = t.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["amount_received"], 4999);
    assert_eq!(p["next_action"], Value::Null);
    assert_eq!(p["payment_method_details"]["card"]["last4"], "4242");
    // A second visit changes nothing.
    assert_eq!(t.visit(&url).await.0, 200);
    assert_eq!(t.events_of(&id), ["payment.created", "payment.succeeded"]);

    // With a return URL the page sends the customer back; a declining card fails the payment.
    let body = json!({"amount": 500, "currency": "usd", "return_url": "https://shop.example/done"});
    let p = t.pay(body).await;
    let id = p["id"].as_str().unwrap();
    let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
    assert_eq!(p["next_action"]["redirect_to_url"]["return_url"], "https://shop.example/done");
    let (s, loc, _) = t.visit(&format!("{url}?card=4000000000009995")).await;
    assert_eq!(s, 303);
    assert_eq!(
        loc.unwrap(),
        format!("https://shop.example/done?payment_id={id}&redirect_status=failed")
    );
    let (_, p, _) = t.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["status"], "failed");
    assert_eq!(p["last_payment_error"]["type"], "card_error");
    assert_eq!(p["last_payment_error"]["decline_code"], "insufficient_funds");
    assert_eq!(t.events_of(id), ["payment.created", "payment.failed"]);
}

#[tokio::test]
async fn manual_capture_partial_and_refunds() {
    let t = T::start().await;
    let p = t.paid(10_000, "4242424242424242", true).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["status"], "requires_capture");
    assert_eq!(p["amount_capturable"], 10_000);
    assert_eq!(p["amount_received"], 0);

    // Refund before capture: illegal.
    let (s, e, _) = t.post("/v1/refunds", json!({"payment_id": id}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("payment_unexpected_state")));
    // Capture more than authorised: refused.
    let path = format!("/v1/payments/{id}/capture");
    let (s, e, _) = t.post(&path, json!({"amount_to_capture": 10_001}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("amount_to_capture")));

    let (s, p, _) = t.post(&path, json!({"amount_to_capture": 6_000}), Some("cap-1")).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["amount_received"], 6_000);
    assert_eq!(p["amount_captured"], 6_000);
    assert_eq!(p["amount_capturable"], 0);
    // Capturing twice: illegal.
    let (s, e, _) = t.post(&path, json!({}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("payment_unexpected_state")));

    let body = json!({"payment_id": id, "amount": 2_500, "reason": "customer_request",
                      "metadata": {"ticket": "T-1"}});
    let (s, r, _) = t.post("/v1/refunds", body, None).await;
    assert_eq!(s, 200, "{r}");
    let rid = r["id"].as_str().unwrap().to_owned();
    assert!(rid.starts_with("re_"));
    assert_eq!(r["object"], "refund");
    assert_eq!(r["status"], "succeeded");
    assert_eq!(r["amount"], 2_500);
    assert_eq!(r["currency"], "usd");
    assert_eq!(r["payment_id"], id);
    assert_eq!(r["reason"], "customer_request");

    // Over-refund: 3,500 left.
    let body = json!({"payment_id": id, "amount": 3_501});
    let (s, e, _) = t.post("/v1/refunds", body, None).await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert_eq!(e["error"]["code"], "amount_too_large");
    assert_eq!(e["error"]["param"], "amount");
    let body = json!({"payment_id": id, "reason": "changed_mind"});
    let (s, e, _) = t.post("/v1/refunds", body, None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("reason")));

    // The rest, by default.
    let (s, r2, _) = t.post("/v1/refunds", json!({"payment_id": id}), None).await;
    assert_eq!((s, r2["amount"].as_i64()), (200, Some(3_500)));
    let (s, e, _) = t.post("/v1/refunds", json!({"payment_id": id, "amount": 1}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("payment_already_refunded")));
    let (_, p, _) = t.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["amount_refunded"], 6_000);
    assert_eq!(p["status"], "succeeded");

    let (s, r, _) = t.get(&format!("/v1/refunds/{rid}")).await;
    assert_eq!((s, r["amount"].as_i64()), (200, Some(2_500)));
    assert_eq!(r2["status"], "succeeded");
    // Paynectra documents no refund list.
    assert_eq!(t.get(&format!("/v1/refunds?payment={id}&limit=1")).await.0, 404);
    assert_eq!(t.get("/v1/refunds/re_nope").await.0, 404);
    assert_eq!(
        t.events_of(&id),
        ["payment.created", "payment.requires_capture", "payment.succeeded"]
    );
    let refund_events = t.events().iter().filter(|(k, _)| k == "refund.succeeded").count();
    assert_eq!(refund_events, 2);
}

#[tokio::test]
async fn cancel_and_illegal_moves() {
    let t = T::start().await;
    let p = t.paid(3_000, "4242424242424242", true).await;
    let id = p["id"].as_str().unwrap().to_owned();
    // Paynectra documents no cancel parameters.
    let body = json!({"cancellation_reason": "requested_by_customer"});
    let (s, e, _) = t.post(&format!("/v1/payments/{id}/cancel"), body, None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("cancellation_reason")));
    let (s, p, _) = t.post(&format!("/v1/payments/{id}/cancel"), json!({}), None).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["status"], "cancelled");
    assert_eq!(p["amount_capturable"], 0);

    let (s, e, _) = t.post(&format!("/v1/payments/{id}/capture"), json!({}), None).await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert_eq!(e["error"]["code"], "payment_unexpected_state");
    let (s, _, _) = t.post(&format!("/v1/payments/{id}/cancel"), json!({}), None).await;
    assert_eq!(s, 400);
    assert_eq!(
        t.events_of(&id),
        ["payment.created", "payment.requires_capture", "payment.canceled"]
    );

    // A succeeded payment cannot be cancelled; a pending one can; unknown ids are 404.
    let ok = t.paid(3_000, "4242424242424242", false).await;
    let path = format!("/v1/payments/{}/cancel", ok["id"].as_str().unwrap());
    let (s, e, _) = t.post(&path, json!({}), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("payment_unexpected_state")));
    let pending = t.pay(json!({"amount": 100, "currency": "gbp"})).await;
    let path = format!("/v1/payments/{}/cancel", pending["id"].as_str().unwrap());
    let (s, p, _) = t.post(&path, json!({}), None).await;
    assert_eq!((s, p["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(p["next_action"], Value::Null);
    assert_eq!(t.post("/v1/payments/pay_nope/cancel", json!({}), None).await.0, 404);
    // An empty body (no JSON at all) is fine for capture/cancel.
    let p = t.paid(3_000, "4242424242424242", true).await;
    let url = t.url(&format!("/v1/payments/{}/capture", p["id"].as_str().unwrap()));
    let r = T::read(t.c.post(url).bearer_auth(&t.key).send().await.unwrap()).await;
    assert_eq!((r.0, r.1["amount_received"].as_i64()), (200, Some(3_000)));
}

#[tokio::test]
async fn idempotent_replays_create_nothing_new() {
    let t = T::start().await;
    let body = json!({"amount": 1234, "currency": "usd"});
    let (s1, a, h1) = t.post("/v1/payments", body.clone(), Some("order-1")).await;
    let (s2, b, h2) = t.post("/v1/payments", body.clone(), Some("order-1")).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a, b);
    assert!(h1.get("idempotent-replayed").is_none());
    assert_eq!(h2.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(t.get("/v1/payments").await.1["data"].as_array().unwrap().len(), 1);
    assert_eq!(t.h.webhooks().sent().len(), 1, "no webhooks for a replay");

    // Same key, other parameters: refused.
    let other = json!({"amount": 999, "currency": "usd"});
    let (s, e, _) = t.post("/v1/payments", other, Some("order-1")).await;
    assert_eq!((s, e["error"]["type"].as_str()), (400, Some("idempotency_error")));

    // A refused state move is replayed too (it ran).
    let p = t.paid(500, "4242424242424242", false).await;
    let path = format!("/v1/payments/{}/capture", p["id"].as_str().unwrap());
    let (s, e1, _) = t.post(&path, json!({}), Some("order-2")).await;
    let (s2, e2, h) = t.post(&path, json!({}), Some("order-2")).await;
    assert_eq!((s, s2), (400, 400));
    assert_eq!(e1, e2);
    assert_eq!(h.get("idempotent-replayed").unwrap(), "true");

    // A validation refusal is not stored: the corrected request with the same key goes through.
    let (s, _, _) =
        t.post("/v1/payments", json!({"amount": 5, "currency": "USD"}), Some("k3")).await;
    assert_eq!(s, 400);
    let (s, _, _) =
        t.post("/v1/payments", json!({"amount": 5, "currency": "usd"}), Some("k3")).await;
    assert_eq!(s, 200);

    // Refunds and captures replay the same way.
    let p = t.paid(800, "4242424242424242", false).await;
    let body = json!({"payment_id": p["id"], "amount": 300});
    let (_, r1, _) = t.post("/v1/refunds", body.clone(), Some("refund-1")).await;
    let (_, r2, _) = t.post("/v1/refunds", body, Some("refund-1")).await;
    assert_eq!(r1["id"], r2["id"]);
    let (_, p, _) = t.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(p["amount_refunded"], 300);
}

#[tokio::test]
async fn decline_triggers_leave_a_failed_payment() {
    let t = T::start().await;
    let cases = [
        (100, "4000000000000002", "card_declined", "generic_decline"),
        (100, "4000000000009995", "card_declined", "insufficient_funds"),
        (100, "4000000000000069", "expired_card", "expired_card"),
        (100, "4000000000000127", "incorrect_cvc", "incorrect_cvc"),
        (100, "4000000000000119", "processing_error", "processing_error"),
        (100, "4100000000000019", "card_declined", "fraudulent"),
        (100_002, "4242424242424242", "card_declined", "generic_decline"),
        (109_995, "4242424242424242", "card_declined", "insufficient_funds"),
    ];
    for (amount, number, code, decline) in cases {
        let p = t.paid(amount, number, false).await;
        assert_eq!(p["status"], "failed", "{number} {amount}: {p}");
        let err = &p["last_payment_error"];
        assert_eq!(err["type"], "card_error");
        assert_eq!(err["code"], code);
        assert_eq!(err["decline_code"], decline);
        assert!(err["message"].is_string());
        let id = p["id"].as_str().unwrap();
        assert_eq!(t.events_of(id), ["payment.created", "payment.failed"]);
    }
    // A card trigger wins over an amount trigger.
    let p = t.paid(100_002, "4000000000009995", false).await;
    assert_eq!(p["last_payment_error"]["decline_code"], "insufficient_funds");

    // 7777 stays pending (processing); it can be cancelled.
    let p = t.paid(7_777, "4242424242424242", false).await;
    assert_eq!(p["status"], "pending");
    assert_eq!(p["next_action"], Value::Null);
    let id = p["id"].as_str().unwrap();
    assert_eq!(t.events_of(id), ["payment.created", "payment.processing"]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(t.get(&format!("/v1/payments/{id}")).await.1["status"], "pending");
}

#[tokio::test]
async fn three_ds_redirect_completes_the_payment() {
    let t = T::start().await;
    let p = t.paid(2_000, "4000000000003220", false).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["status"], "requires_action");
    let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{}/sandbox/paynectra/redirect/{id}", t.h.base_url()));
    // Capture is not possible yet.
    let (s, _, _) = t.post(&format!("/v1/payments/{id}/capture"), json!({}), None).await;
    assert_eq!(s, 400);

    let (s, _, html) = t.visit(&url).await;
    assert_eq!(s, 200);
    assert!(html.contains("succeeded"));
    let (_, p, _) = t.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["next_action"], Value::Null);
    assert_eq!(
        t.events_of(&id),
        ["payment.created", "payment.requires_action", "payment.succeeded"]
    );

    // The amount trigger, manual capture, and a return URL.
    let mut body = with_card(103_220, true);
    body["return_url"] = json!("https://shop.example/back?x=1");
    let p = t.pay(body).await;
    let id = p["id"].as_str().unwrap();
    let checkout = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
    let (s, loc, _) = t.visit(checkout).await;
    assert_eq!(s, 303);
    let (_, p, _) = t.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["status"], "requires_action");
    let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
    assert_eq!(loc.unwrap(), url);
    let (s, loc, _) = t.visit(url).await;
    assert_eq!(s, 303);
    let back =
        format!("https://shop.example/back?x=1&payment_id={id}&redirect_status=requires_capture");
    assert_eq!(loc.unwrap(), back);

    // Failed authentication, and the card that is declined after 3-D Secure.
    let p = t.paid(2_000, "4000000000003220", false).await;
    let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
    t.visit(&format!("{url}?result=fail")).await;
    let (_, p, _) = t.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(p["status"], "failed");
    assert_eq!(p["last_payment_error"]["code"], "payment_authentication_failure");
    let p = t.paid(2_000, "4000008400001629", false).await;
    t.visit(p["next_action"]["redirect_to_url"]["url"].as_str().unwrap()).await;
    let (_, p, _) = t.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(p["last_payment_error"]["code"], "card_declined");

    // Via the hosted page: 303 to the 3-D Secure page, which completes it.
    let p = t.pay(json!({"amount": 100, "currency": "usd"})).await;
    let checkout = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
    let (s, loc, _) = t.visit(&format!("{checkout}?card=4000000000003220")).await;
    assert_eq!(s, 303);
    let three_ds = loc.unwrap();
    assert!(
        three_ds.ends_with(&format!("/sandbox/paynectra/redirect/{}", p["id"].as_str().unwrap()))
    );
    let (_, mid, _) = t.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(mid["status"], "requires_action");
    t.visit(&three_ds).await;
    let (_, p, _) = t.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(p["status"], "succeeded");
}

fn verify(w: &SentWebhook, secret: &str) -> paymux_core::Result<()> {
    let header = w
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("paynectra-signature"))
        .map(|(_, v)| v.clone())
        .unwrap();
    let mut t = "";
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v,
            Some(("v1", v)) => sigs.push(v),
            _ => {}
        }
    }
    let scheme = Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Hex };
    let window = Window::around_now(Duration::from_secs(300));
    verify_timestamped(scheme, secret.as_bytes(), t, &w.body, &sigs, window)
}

#[tokio::test]
async fn webhooks_are_signed_and_delivered() {
    let t = T::start().await;
    // A receiver for deliveries.
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                let sig = headers["paynectra-signature"].to_str().unwrap().to_owned();
                sink.lock().unwrap().push((sig, body.to_vec()));
                http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    t.h.webhooks().set_target(Some(format!("http://{addr}/hook")));

    let p = t.paid(4_200, "4242424242424242", false).await;
    let secret = t.h.credentials().webhook_secret.clone();
    let sent = t.h.webhooks().sent();
    assert_eq!(sent.len(), 2);
    for w in &sent {
        verify(w, &secret).unwrap();
        assert!(verify(w, "whsec_other").is_err());
        let ct = w.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).unwrap();
        assert_eq!(ct.1, "application/json");
        assert!(w.header_map().contains_key("paynectra-signature"));
    }
    let last: Value = serde_json::from_slice(&sent[1].body).unwrap();
    assert!(last["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(last["type"], "payment.succeeded");
    assert!(last["created"].is_i64());
    assert_eq!(last["data"]["object"]["id"], p["id"]);
    assert_eq!(last["data"]["object"]["status"], "succeeded");

    // A tampered body fails.
    let mut forged = sent[1].clone();
    forged.body = String::from_utf8(forged.body).unwrap().replace("4200", "4201").into_bytes();
    assert!(verify(&forged, &secret).is_err());

    // Deliveries arrive with the same bytes and signature.
    for _ in 0..100 {
        if got.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    for (sig, body) in got {
        let w = SentWebhook { headers: vec![("Paynectra-Signature".into(), sig)], body };
        verify(&w, &secret).unwrap();
    }
    assert!(t.h.webhooks().deliveries().iter().all(|d| d.delivered));
}

#[tokio::test]
async fn lists_page_newest_first_with_cursors_and_filters() {
    let t = T::start().await;
    let (s, c, _) = t
        .post(
            "/v1/customers",
            json!({
                "email": "ada@example.com",
                "name": "Ada Lovelace",
                "phone": "+447700900123",
                "address": {"line1": "1 Main St", "city": "London", "postal_code": "N1 1AA",
                            "country": "GB"},
                "metadata": {"user": "7"},
            }),
            Some("cus-1"),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    let cid = c["id"].as_str().unwrap().to_owned();
    assert!(cid.starts_with("cus_"));
    assert_eq!(c["object"], "customer");
    assert_eq!(c["address"]["city"], "London");
    // Paynectra documents no customer retrieval.
    assert_eq!(t.get(&format!("/v1/customers/{cid}")).await.0, 404);
    // Only the seed's four address fields.
    let body = json!({"address": {"line1": "1 Main St", "line2": "Flat 2"}});
    let (s, e, _) = t.post("/v1/customers", body, None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("address[line2]")));
    let (s, e, _) = t.post("/v1/customers", json!({"phone": "07700 900123"}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("phone")));
    let (s, e, _) = t.post("/v1/customers", json!({"email": "not-an-email"}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("email")));
    let (s, e, _) = t.post("/v1/customers", json!({"address": {"street": "x"}}), None).await;
    assert_eq!((s, e["error"]["param"].as_str()), (400, Some("address[street]")));

    // Five payments of the customer (p0 oldest), one without.
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = with_card(100 + i, false);
        body["customer_id"] = json!(cid);
        let p = t.pay(body).await;
        let url = p["next_action"]["redirect_to_url"]["url"].as_str().unwrap();
        t.visit(url).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    t.pay(json!({"amount": 1, "currency": "usd"})).await;
    let newest: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    let page_ids = |v: &Value| -> Vec<String> {
        v["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
    };

    let (_, all, _) = t.get("/v1/payments").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 6);
    assert_eq!(all["has_more"], false);

    let (_, p1, _) = t.get(&format!("/v1/payments?customer={cid}&limit=2")).await;
    assert_eq!(page_ids(&p1), newest[..2]);
    assert_eq!(p1["has_more"], true);
    let (_, p2, _) =
        t.get(&format!("/v1/payments?customer={cid}&limit=2&starting_after={}", newest[1])).await;
    assert_eq!(page_ids(&p2), newest[2..4]);
    assert_eq!(p2["has_more"], true);
    let (_, p3, _) =
        t.get(&format!("/v1/payments?customer={cid}&limit=2&starting_after={}", newest[3])).await;
    assert_eq!(page_ids(&p3), newest[4..]);
    assert_eq!(p3["has_more"], false);
    // Backwards from the last page.
    let (_, b, _) =
        t.get(&format!("/v1/payments?customer={cid}&limit=2&ending_before={}", newest[4])).await;
    assert_eq!(page_ids(&b), newest[2..4]);
    assert_eq!(b["has_more"], true);
    let (_, b, _) =
        t.get(&format!("/v1/payments?customer={cid}&limit=2&ending_before={}", newest[2])).await;
    assert_eq!(page_ids(&b), newest[..2]);
    assert_eq!(b["has_more"], false);

    // Filters: status, created (brackets percent-encoded, as clients send them).
    let (_, pending, _) = t.get("/v1/payments?status=pending").await;
    assert_eq!(pending["data"].as_array().unwrap().len(), 1);
    let (_, ok, _) = t.get("/v1/payments?status=succeeded&limit=100").await;
    assert_eq!(ok["data"].as_array().unwrap().len(), 5);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (s, r, _) = t.get(&format!("/v1/payments?created%5Bgte%5D={}", now - 60)).await;
    assert_eq!((s, r["data"].as_array().unwrap().len()), (200, 6));
    let (_, r, _) = t.get(&format!("/v1/payments?created[lte]={}", now - 60)).await;
    assert_eq!(r["data"], json!([]));

    // Refusals.
    for bad in [
        "/v1/payments?limit=101",
        "/v1/payments?limit=0",
        "/v1/payments?status=paid",
        "/v1/payments?status=requires_capture",
        "/v1/payments?customer_id=x",
        "/v1/payments?starting_after=pay_nope",
        "/v1/payments?created[gte]=yesterday",
    ] {
        let (s, e, _) = t.get(bad).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(e["error"]["type"], "invalid_request_error");
    }
    let both = format!("/v1/payments?starting_after={}&ending_before={}", newest[0], newest[1]);
    assert_eq!(t.get(&both).await.0, 400);
}

#[tokio::test]
async fn faults_apply_to_paynectra_routes() {
    let t = T::start().await;
    t.h.faults().inject(Some(Method::POST), "/v1/payments", Fault::Status(503), Some(1));
    let body = json!({"amount": 100, "currency": "usd"});
    let (s, _, _) = t.post("/v1/payments", body.clone(), Some("f-1")).await;
    assert_eq!(s, 503);
    assert_eq!(t.get("/v1/payments").await.1["data"], json!([]), "nothing happened");
    let (s, p, _) = t.post("/v1/payments", body, Some("f-1")).await;
    assert_eq!((s, p["status"].as_str()), (200, Some("pending")));

    t.h.faults().inject(None, "/v1/payments", Fault::RateLimited { retry_after_secs: 2 }, Some(1));
    let r = t.c.get(t.url("/v1/payments")).bearer_auth(&t.key).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(t.get("/v1/payments").await.0, 200);
    assert_eq!(t.h.stats().count(&Method::POST, "/v1/payments"), 2);
}
