#![allow(clippy::unwrap_used)]
//! The Paychtec emulator over raw HTTP (no connector).

use http::Method;
use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_sandbox::{EmulatorHandle, Fault, paychtec};
use serde_json::{Value, json};

struct Api {
    h: EmulatorHandle,
    c: reqwest::Client,
}

impl Api {
    async fn start() -> Api {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let c =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Api { h: paychtec::start().await.unwrap(), c }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.base_url())
    }

    async fn read(resp: reqwest::Response) -> (u16, Value) {
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post_key(&self, path: &str, body: Value, key: Option<&str>) -> (u16, Value) {
        let mut req = self
            .c
            .post(self.url(path))
            .header("api-key", paychtec::API_KEY)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(k) = key {
            req = req.header("X-Idempotency-Key", k);
        }
        Self::read(req.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.post_key(path, body, None).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let req = self.c.get(self.url(path)).header("api-key", paychtec::API_KEY);
        Self::read(req.send().await.unwrap()).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        let req = self.c.delete(self.url(path)).header("api-key", paychtec::API_KEY);
        Self::read(req.send().await.unwrap()).await
    }

    /// The event types of the webhooks sent so far, each signature checked.
    fn events(&self) -> Vec<String> {
        self.h
            .webhooks()
            .sent()
            .iter()
            .map(|w| {
                let sig = w
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("x-webhook-signature-512"))
                    .map(|(_, v)| v.clone())
                    .unwrap();
                assert_eq!(sig, sig.to_lowercase());
                webhook::verify(
                    Algorithm::Sha512,
                    paychtec::WEBHOOK_SECRET.as_bytes(),
                    &w.body,
                    &sig,
                    Encoding::Hex,
                )
                .unwrap();
                let v: Value = serde_json::from_slice(&w.body).unwrap();
                v["event_type"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

fn card(number: &str) -> Value {
    json!({"card": {
        "card_number": number, "card_exp_month": "12", "card_exp_year": "2028",
        "card_cvc": "123", "card_holder_name": "Jane Customer"
    }})
}

fn billing() -> Value {
    json!({
        "address": {"line1": "1600 Amphitheatre Parkway", "city": "Mountain View", "state": "CA",
                    "zip": "94043", "country": "US", "first_name": "Jane", "last_name": "Customer"},
        "phone": {"number": "6502530000", "country_code": "+1"}
    })
}

/// A one-step card payment body as the guide writes it.
fn pay(amount: i64, number: &str, capture: &str) -> Value {
    json!({
        "amount": amount, "currency": "USD", "profile_id": paychtec::PROFILE_ID,
        "confirm": true, "capture_method": capture, "authentication_type": "three_ds",
        "return_url": "https://example.com/payment-return",
        "email": "customer@example.com", "name": "Jane Customer", "phone": "6502530000",
        "phone_country_code": "+1", "payment_method": "card", "payment_method_type": "credit",
        "payment_method_data": card(number), "billing": billing(),
        "order_details": [{"name": "Premium plan", "quantity": 1, "amount": amount, "currency": "USD"}],
        "metadata": {"order_id": "order_123"}
    })
}

#[tokio::test]
async fn auth_is_refused_without_the_right_key() {
    let api = Api::start().await;
    assert!(paychtec::credentials().api_key.starts_with("snd_"));
    let body = pay(6540, "4242424242424242", "automatic").to_string();
    for key in [None, Some("snd_wrong"), Some("prd_paychtec_sandbox_key_0001")] {
        let mut req = api.c.post(api.url("/payments")).body(body.clone());
        if let Some(k) = key {
            req = req.header("api-key", k);
        }
        let (status, v) = Api::read(req.send().await.unwrap()).await;
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(v["error"]["type"], "authentication_error");
        assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string());
    }
    let (status, e) = api.get("/payments/list").await;
    assert_eq!(status, 200, "Hyperswitch's published GET form of the list: {e}");
    assert_eq!(e["total_count"], 0);
    assert_eq!(api.h.stats().count(&Method::POST, "/payments"), 3);
}

#[tokio::test]
async fn one_step_automatic_payment_succeeds_and_is_signed() {
    let api = Api::start().await;
    let mut body = pay(6540, "4242424242424242", "automatic");
    body["payment_id"] = json!("pay_order_123");
    let (status, p) = api.post("/payments", body).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["payment_id"], "pay_order_123");
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["amount_received"], 6540);
    assert_eq!(p["amount_capturable"], 0);
    assert_eq!(p["profile_id"], paychtec::PROFILE_ID);
    assert_eq!(p["payment_method_data"]["card"]["last4"], "4242");
    assert!(!p.to_string().contains("4242424242424242"), "full card number echoed");
    assert!(!p.to_string().contains("\"123\""), "cvc echoed");
    let (_, again) = api.get("/payments/pay_order_123").await;
    assert_eq!(again["status"], "succeeded");
    assert_eq!(api.events(), ["payment_succeeded"]);
    let hook: Value = serde_json::from_slice(&api.h.webhooks().last().unwrap().body).unwrap();
    assert_eq!(hook["content"]["type"], "payment_details");
    assert_eq!(hook["content"]["object"]["payment_id"], "pay_order_123");
    assert_eq!(hook["content"]["object"]["metadata"]["order_id"], "order_123");
    assert!(hook["event_id"].as_str().unwrap().starts_with("evt_"));
    assert!(hook["merchant_id"].is_string() && hook["timestamp"].is_string());
    // A tampered body does not verify.
    let w = api.h.webhooks().last().unwrap();
    let sig = w.header_map()["x-webhook-signature-512"].to_str().unwrap().to_owned();
    let mut tampered = w.body.clone();
    tampered.push(b' ');
    assert!(
        webhook::verify(
            Algorithm::Sha512,
            paychtec::WEBHOOK_SECRET.as_bytes(),
            &tampered,
            &sig,
            Encoding::Hex
        )
        .is_err()
    );
}

#[tokio::test]
async fn an_open_payment_expires_when_its_session_does_and_no_other() {
    let api = Api::start().await;
    let open = |expiry: u32| json!({"amount": 1000, "currency": "USD", "profile_id": paychtec::PROFILE_ID, "session_expiry": expiry});
    let (_, due) = api.post("/payments", open(1)).await;
    let (_, later) = api.post("/payments", open(3600)).await;
    let mut paid = pay(6540, "4242424242424242", "automatic");
    paid["session_expiry"] = json!(1);
    let (_, paid) = api.post("/payments", paid).await;
    assert_eq!(due["status"], "requires_payment_method", "{due}");
    assert_eq!(paid["status"], "succeeded", "{paid}");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    for (p, expected) in [(due, "expired"), (later, "requires_payment_method"), (paid, "succeeded")]
    {
        let (_, now) = api.get(&format!("/payments/{}", p["payment_id"].as_str().unwrap())).await;
        assert_eq!(now["status"], expected, "{now}");
    }
}

#[tokio::test]
async fn manual_capture_partial_then_conflict() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(6540, "4242424242424242", "manual")).await;
    assert_eq!(p["status"], "requires_capture");
    assert_eq!(p["amount_capturable"], 6540);
    let id = p["payment_id"].as_str().unwrap();
    let (status, e) =
        api.post(&format!("/payments/{id}/capture"), json!({"amount_to_capture": 7000})).await;
    assert_eq!(status, 400, "{e}");
    let (status, c) = api
        .post(
            &format!("/payments/{id}/capture"),
            json!({"amount_to_capture": 1000, "statement_descriptor_suffix": "Order123"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "partially_captured");
    assert_eq!(c["amount_received"], 1000);
    let (status, e) = api.post(&format!("/payments/{id}/capture"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["type"], "invalid_request");
    assert_eq!(api.events(), ["payment_authorized", "payment_captured"]);
    // Refunds are limited to what was captured.
    let (status, e) = api.post("/refunds", json!({"payment_id": id, "amount": 1001})).await;
    assert_eq!(status, 400, "{e}");
    let (status, r) = api.post("/refunds", json!({"payment_id": id})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["amount"], 1000);
}

#[tokio::test]
async fn manual_capture_in_full_succeeds() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(2500, "4242424242424242", "manual")).await;
    let id = p["payment_id"].as_str().unwrap();
    let (status, c) = api.post(&format!("/payments/{id}/capture"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(c["status"], "succeeded");
    assert_eq!(c["amount_received"], 2500);
    assert_eq!(api.events(), ["payment_authorized", "payment_succeeded"]);
}

#[tokio::test]
async fn cancel_then_capture_conflicts() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(6540, "4242424242424242", "manual")).await;
    let id = p["payment_id"].as_str().unwrap();
    let (status, c) = api
        .post(
            &format!("/payments/{id}/cancel"),
            json!({"cancellation_reason": "Customer requested cancellation"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "cancelled");
    assert_eq!(c["cancellation_reason"], "Customer requested cancellation");
    let (status, e) = api.post(&format!("/payments/{id}/capture"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_14");
    let (status, _) = api.post(&format!("/payments/{id}/cancel"), json!({})).await;
    assert_eq!(status, 400);
    let (status, _) = api.post("/refunds", json!({"payment_id": id})).await;
    assert_eq!(status, 400);
    // A succeeded payment cannot be cancelled either.
    let (_, p) = api.post("/payments", pay(100, "4242424242424242", "automatic")).await;
    let id = p["payment_id"].as_str().unwrap();
    let (status, _) = api.post(&format!("/payments/{id}/cancel"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(api.events(), ["payment_authorized", "payment_cancelled", "payment_succeeded"]);
}

#[tokio::test]
async fn partial_refunds_over_refund_and_refund_id_idempotency() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(6540, "4242424242424242", "automatic")).await;
    let id = p["payment_id"].as_str().unwrap();
    let refund = json!({
        "payment_id": id, "refund_id": "refund_order_123_001", "amount": 500,
        "reason": "Customer requested refund", "refund_type": "Instant",
        "metadata": {"order_id": "order_123"}
    });
    let (status, r) = api.post("/refunds", refund.clone()).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["refund_id"], "refund_order_123_001");
    assert_eq!(r["status"], "succeeded");
    assert_eq!(r["amount"], 500);
    // The same refund_id answers the same refund: no second refund.
    let (status, again) = api.post("/refunds", refund).await;
    assert_eq!(status, 200);
    assert_eq!(again["refund_id"], "refund_order_123_001");
    let (_, list) = api.post("/refunds/list", json!({"payment_id": id})).await;
    assert_eq!(list["total_count"], 1);
    // Over-refund: 6040 left.
    let (status, e) = api.post("/refunds", json!({"payment_id": id, "amount": 6041})).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_13");
    assert_eq!(e["error"]["type"], "invalid_request");
    let (status, r2) = api.post("/refunds", json!({"payment_id": id, "amount": 6040})).await;
    assert_eq!(status, 200, "{r2}");
    let (status, _) = api.post("/refunds", json!({"payment_id": id, "amount": 1})).await;
    assert_eq!(status, 400);
    let (status, got) = api.get("/refunds/refund_order_123_001").await;
    assert_eq!(status, 200);
    assert_eq!(got["payment_id"], id);
    let (_, list) = api.post("/refunds/list", json!({"payment_id": id, "limit": 1})).await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["data"][0]["refund_id"], r2["refund_id"], "newest first");
    let (_, p) = api.get(&format!("/payments/{id}")).await;
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["refunds"].as_array().unwrap().len(), 2);
    // refund_id too long, unknown refund.
    let long = "r".repeat(31);
    let (status, _) = api.post("/refunds", json!({"payment_id": id, "refund_id": long})).await;
    assert_eq!(status, 400);
    let (status, e) = api.get("/refunds/ref_nope").await;
    assert_eq!(status, 404);
    assert_eq!(e["error"]["code"], "HE_02");
    assert_eq!(api.events(), ["payment_succeeded", "refund_succeeded", "refund_succeeded"]);
}

#[tokio::test]
async fn refund_failure_trigger() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(20000, "4242424242424242", "automatic")).await;
    let id = p["payment_id"].as_str().unwrap();
    let (status, r) = api.post("/refunds", json!({"payment_id": id, "amount": 9995})).await;
    assert_eq!(status, 200);
    assert_eq!(r["status"], "failed");
    assert!(r["error_code"].is_string());
    // A failed refund does not use up the refundable amount.
    let (status, _) = api.post("/refunds", json!({"payment_id": id, "amount": 20000})).await;
    assert_eq!(status, 200);
    assert_eq!(api.events(), ["payment_succeeded", "refund_failed", "refund_succeeded"]);
}

#[tokio::test]
async fn idempotent_replay_makes_no_second_payment() {
    let api = Api::start().await;
    let body = pay(6540, "4242424242424242", "automatic");
    let (s1, first) = api.post_key("/payments", body.clone(), Some("order_123_attempt_1")).await;
    let (s2, second) = api.post_key("/payments", body.clone(), Some("order_123_attempt_1")).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first, second);
    let (_, list) = api.post("/payments/list", json!({})).await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(api.events().len(), 1, "a replay sends no webhook");
    // The same key with another body is refused.
    let mut other = body.clone();
    other["amount"] = json!(1);
    let (status, e) = api.post_key("/payments", other, Some("order_123_attempt_1")).await;
    assert_eq!(status, 422);
    assert_eq!(e["error"]["type"], "invalid_request");
    // Without a key, a reused payment_id is a conflict.
    let mut named = body;
    named["payment_id"] = json!("pay_dup");
    let (status, _) = api.post("/payments", named.clone()).await;
    assert_eq!(status, 200);
    let (status, e) = api.post("/payments", named).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "HE_01");
    // Idempotent capture.
    let (_, p) = api.post("/payments", pay(500, "4242424242424242", "manual")).await;
    let id = p["payment_id"].as_str().unwrap();
    let path = format!("/payments/{id}/capture");
    let (s1, c1) = api.post_key(&path, json!({"amount_to_capture": 200}), Some("cap-1")).await;
    let (s2, c2) = api.post_key(&path, json!({"amount_to_capture": 200}), Some("cap-1")).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(c1, c2);
    assert_eq!(c2["status"], "partially_captured");
}

#[tokio::test]
async fn decline_triggers() {
    let api = Api::start().await;
    for (number, code) in [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000000119", "processing_error"),
    ] {
        let (status, p) = api.post("/payments", pay(6540, number, "automatic")).await;
        assert_eq!(status, 200, "a decline is a failed payment, not an HTTP error");
        assert_eq!(p["status"], "failed", "{number}");
        assert_eq!(p["error_code"], code);
        assert!(p["error_message"].is_string());
    }
    let (_, p) = api.post("/payments", pay(100_002, "4242424242424242", "automatic")).await;
    assert_eq!(p["error_code"], "card_declined");
    assert!(api.events().iter().all(|e| e == "payment_failed"));
}

#[tokio::test]
async fn processing_trigger_then_settle() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(7777, "4242424242424242", "automatic")).await;
    assert_eq!(p["status"], "processing");
    let id = p["payment_id"].as_str().unwrap();
    let (_, again) = api.get(&format!("/payments/{id}")).await;
    assert_eq!(again["status"], "processing");
    let (status, _) = api.post(&format!("/payments/{id}/capture"), json!({})).await;
    assert_eq!(status, 400);
    let settle = api.url(&format!("/sandbox/paychtec/settle/{id}"));
    let resp = api.c.post(settle).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (_, done) = api.get(&format!("/payments/{id}")).await;
    assert_eq!(done["status"], "succeeded");
    assert_eq!(api.events(), ["payment_processing", "payment_succeeded"]);
}

#[tokio::test]
async fn three_ds_redirect_completes_the_payment() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(6540, "4000000000003220", "automatic")).await;
    assert_eq!(p["status"], "requires_customer_action");
    assert_eq!(p["next_action"]["type"], "redirect_to_url");
    let url = p["next_action"]["redirect_to_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&api.h.base_url()), "{url}");
    let id = p["payment_id"].as_str().unwrap();
    let resp = api.c.get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("https://example.com/payment-return?payment_id="), "{html}");
    let (_, done) = api.get(&format!("/payments/{id}")).await;
    assert_eq!(done["status"], "succeeded");
    assert!(done["next_action"].is_null());
    // A second visit changes nothing.
    api.c.get(&url).send().await.unwrap();
    assert_eq!(api.events(), ["action_required", "payment_succeeded"]);

    // 3DS then declined, and manual capture after 3DS.
    let (_, p) = api.post("/payments", pay(6540, "4000008400001629", "automatic")).await;
    let url = p["next_action"]["redirect_to_url"].as_str().unwrap().to_owned();
    api.c.get(&url).send().await.unwrap();
    let (_, done) = api.get(&format!("/payments/{}", p["payment_id"].as_str().unwrap())).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["error_code"], "card_declined");
    let (_, p) = api.post("/payments", pay(103_220, "4242424242424242", "manual")).await;
    assert_eq!(p["status"], "requires_customer_action");
    let url = p["next_action"]["redirect_to_url"].as_str().unwrap().to_owned();
    api.c.get(&url).send().await.unwrap();
    let (_, done) = api.get(&format!("/payments/{}", p["payment_id"].as_str().unwrap())).await;
    assert_eq!(done["status"], "requires_capture");
}

#[tokio::test]
async fn two_step_flow_with_update_and_confirm() {
    let api = Api::start().await;
    let (status, p) = api
        .post(
            "/payments",
            json!({"amount": 6540, "currency": "USD", "profile_id": paychtec::PROFILE_ID,
                   "confirm": false, "capture_method": "automatic", "description": "Order #123",
                   "metadata": {"order_id": "order_123"}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["status"], "requires_payment_method");
    let id = p["payment_id"].as_str().unwrap();
    let (status, u) = api.post(&format!("/payments/{id}"), json!({"amount": 7000})).await;
    assert_eq!(status, 200, "{u}");
    assert_eq!(u["amount"], 7000);
    let confirm = format!("/payments/{id}/confirm");
    // Card without billing: refused.
    let (status, e) = api
        .post(
            &confirm,
            json!({"payment_method": "card", "payment_method_data": card("4242424242424242")}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_04");
    assert!(e["error"]["message"].as_str().unwrap().contains("billing"));
    // Billing without phone: refused.
    let (status, _) = api
        .post(
            &confirm,
            json!({"payment_method": "card", "payment_method_data": card("4242424242424242"),
                   "billing": {"address": billing()["address"]}}),
        )
        .await;
    assert_eq!(status, 400);
    // Without payment_method: refused.
    let (status, _) = api
        .post(
            &confirm,
            json!({"payment_method_data": card("4242424242424242"), "billing": billing()}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, c) = api
        .post(
            &confirm,
            json!({"payment_method": "card", "payment_method_type": "credit",
                   "payment_method_data": card("4242424242424242"), "billing": billing(),
                   "return_url": "https://example.com/payment-return",
                   "browser_info": {"ip_address": "203.0.113.42", "user_agent": "Mozilla/5.0",
                                    "accept_header": "text/html", "language": "en-US",
                                    "java_script_enabled": true}}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "succeeded");
    assert_eq!(c["amount_received"], 7000);
    let (status, _) = api.post(&confirm, json!({})).await;
    assert_eq!(status, 400);
    let (status, _) = api.post(&format!("/payments/{id}"), json!({"amount": 1})).await;
    assert_eq!(status, 400, "no update after confirmation");
}

#[tokio::test]
async fn requests_are_checked_like_the_guide_says() {
    let api = Api::start().await;
    let mut no_profile = pay(100, "4242424242424242", "automatic");
    no_profile.as_object_mut().unwrap().remove("profile_id");
    let (status, e) = api.post("/payments", no_profile).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["message"], "Missing required param: profile_id");
    let mut wrong_profile = pay(100, "4242424242424242", "automatic");
    wrong_profile["profile_id"] = json!("pro_other");
    assert_eq!(api.post("/payments", wrong_profile).await.0, 400);
    let mut items = pay(100, "4242424242424242", "automatic");
    items["items"] = json!([{"name": "x", "quantity": 1, "amount": 100}]);
    let (status, e) = api.post("/payments", items).await;
    assert_eq!(status, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("order_details"));
    let mut product_name = pay(100, "4242424242424242", "automatic");
    product_name["order_details"] = json!([{"product_name": "x", "quantity": 1, "amount": 100}]);
    let (status, e) = api.post("/payments", product_name).await;
    assert_eq!(status, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("order_details[0].name"));
    let mut invented = pay(100, "4242424242424242", "automatic");
    invented["customer_id"] = json!("cus_local_42");
    let (status, e) = api.post("/payments", invented).await;
    assert_eq!(status, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("POST /customers"));
    let mut float = pay(100, "4242424242424242", "automatic");
    float["amount"] = json!(65.40);
    assert_eq!(api.post("/payments", float).await.1["error"]["code"], "IR_06");
    let mut lower = pay(100, "4242424242424242", "automatic");
    lower["currency"] = json!("usd");
    assert_eq!(api.post("/payments", lower).await.0, 400);
    let mut bad_card = pay(100, "4242424242424241", "automatic");
    bad_card["amount"] = json!(100);
    assert_eq!(api.post("/payments", bad_card).await.0, 400);
    let raw = api
        .c
        .post(api.url("/payments"))
        .header("api-key", paychtec::API_KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, e) = Api::read(raw).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_06");
    let (status, e) = api.get("/payments/pay_unknown").await;
    assert_eq!(status, 404);
    assert_eq!(e["error"]["code"], "HE_02");
    let (status, e) = api.get("/nowhere").await;
    assert_eq!(status, 404);
    assert!(e["error"]["type"].is_string());
    let (_, list) = api.post("/payments/list", json!({})).await;
    assert_eq!(list["total_count"], 0, "nothing was created");
    assert!(api.events().is_empty());
}

#[tokio::test]
async fn customers_crud_and_payments_with_a_customer() {
    let api = Api::start().await;
    let (status, c) = api
        .post(
            "/customers",
            json!({"customer_id": "cus_acme_42", "email": "customer@example.com",
                   "name": "Jane Customer", "phone": "6502530000", "phone_country_code": "+1",
                   "description": "Customer from checkout",
                   "address": billing()["address"], "metadata": {"internal_customer_id": "42"}}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["customer_id"], "cus_acme_42");
    let (status, _) = api.post("/customers", json!({"customer_id": "cus_acme_42"})).await;
    assert_eq!(status, 400);
    let (status, generated) = api.post("/customers", json!({"name": "Other"})).await;
    assert_eq!(status, 200);
    assert!(generated["customer_id"].as_str().unwrap().starts_with("cus_"));
    let (status, u) = api.post("/customers/cus_acme_42", json!({"name": "Jane Q. Customer"})).await;
    assert_eq!(status, 200);
    assert_eq!(u["name"], "Jane Q. Customer");
    assert_eq!(u["email"], "customer@example.com");
    let (_, got) = api.get("/customers/cus_acme_42").await;
    assert_eq!(got["name"], "Jane Q. Customer");
    let (status, list) = api.get("/customers/list?limit=1").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["customer_id"], generated["customer_id"], "newest first");
    let (_, list) = api.get("/customers/list").await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    let mut body = pay(6540, "4242424242424242", "automatic");
    body["customer_id"] = json!("cus_acme_42");
    let (status, p) = api.post("/payments", body).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["customer_id"], "cus_acme_42");
    assert_eq!(p["customer"]["name"], "Jane Q. Customer");
    let (_, list) = api.post("/payments/list", json!({"customer_id": "cus_acme_42"})).await;
    assert_eq!(list["total_count"], 1);

    let (status, d) = api.delete("/customers/cus_acme_42").await;
    assert_eq!(status, 200);
    assert_eq!(d["customer_deleted"], true);
    assert_eq!(api.get("/customers/cus_acme_42").await.0, 404);
    let mut body = pay(100, "4242424242424242", "automatic");
    body["customer_id"] = json!("cus_acme_42");
    assert_eq!(api.post("/payments", body).await.0, 400);
}

#[tokio::test]
async fn payment_list_paginates_newest_first() {
    let api = Api::start().await;
    let mut ids = vec![];
    for amount in [100, 200, 300] {
        let (_, p) = api.post("/payments", pay(amount, "4242424242424242", "automatic")).await;
        ids.push(p["payment_id"].as_str().unwrap().to_owned());
    }
    let (_, p) = api.post("/payments", pay(400, "4000000000000002", "automatic")).await;
    let failed = p["payment_id"].as_str().unwrap().to_owned();
    let (status, page1) = api.post("/payments/list", json!({"limit": 2})).await;
    assert_eq!(status, 200);
    assert_eq!(page1["count"], 2);
    assert_eq!(page1["total_count"], 4);
    assert_eq!(page1["data"][0]["payment_id"], failed.as_str());
    assert_eq!(page1["data"][1]["payment_id"], ids[2].as_str());
    let (_, page2) = api.post("/payments/list", json!({"limit": 2, "offset": 2})).await;
    assert_eq!(page2["count"], 2);
    assert_eq!(page2["data"][1]["payment_id"], ids[0].as_str());
    let (_, page3) = api.post("/payments/list", json!({"limit": 2, "offset": 4})).await;
    assert_eq!(page3["count"], 0);
    let (_, ok) = api.post("/payments/list", json!({"status": ["succeeded"]})).await;
    assert_eq!(ok["total_count"], 3);
    // A scalar where Hyperswitch expects an array is refused (NOTES "Lists").
    let (status, e) = api.post("/payments/list", json!({"status": "succeeded"})).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("IR_06")));
    let (_, eur) = api.post("/payments/list", json!({"currency": ["EUR"]})).await;
    assert_eq!(eur["total_count"], 0);
    let (_, recent) = api
        .post(
            "/payments/list",
            json!({"start_time": "2000-01-01T00:00:00Z", "end_time": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(recent["total_count"], 4);
    let (_, none) = api.post("/payments/list", json!({"start_time": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(none["total_count"], 0);
    // Unknown keys are ignored, as Hyperswitch does: `created_gte` filters nothing.
    let (_, all) = api.post("/payments/list", json!({"created_gte": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(all["total_count"], 4);
    let (_, default_limit) = api.post("/payments/list", json!({})).await;
    assert_eq!(default_limit["count"], 4);
    assert_eq!(api.post("/payments/list", json!({"limit": 0})).await.0, 400);
    assert_eq!(api.post("/payments/list", json!({"limit": 101})).await.0, 400);
}

#[tokio::test]
async fn fault_then_retry_with_the_same_key() {
    let api = Api::start().await;
    api.h.faults().inject(Some(Method::POST), "/payments", Fault::Status(503), Some(1));
    let body = pay(6540, "4242424242424242", "automatic");
    let (status, _) = api.post_key("/payments", body.clone(), Some("retry-1")).await;
    assert_eq!(status, 503);
    let (status, p) = api.post_key("/payments", body, Some("retry-1")).await;
    assert_eq!(status, 200, "{p}");
    let (_, list) = api.post("/payments/list", json!({})).await;
    assert_eq!(list["total_count"], 1);
    api.h.faults().inject(
        Some(Method::GET),
        "/payments/",
        Fault::RateLimited { retry_after_secs: 2 },
        Some(1),
    );
    let id = p["payment_id"].as_str().unwrap();
    let resp = api
        .c
        .get(api.url(&format!("/payments/{id}")))
        .header("api-key", paychtec::API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert_eq!(api.get(&format!("/payments/{id}")).await.0, 200);
}

#[tokio::test]
async fn webhooks_reach_a_target_with_a_valid_signature() {
    use std::sync::{Arc, Mutex};
    let api = Api::start().await;
    type Received = Vec<(String, Vec<u8>)>;
    let got: Arc<Mutex<Received>> = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                let sig = headers["x-webhook-signature-512"].to_str().unwrap().to_owned();
                sink.lock().unwrap().push((sig, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    api.h.webhooks().set_target(Some(format!("http://{addr}/hook")));
    api.post("/payments", pay(6540, "4242424242424242", "automatic")).await;
    for _ in 0..100 {
        if !api.h.webhooks().deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(api.h.webhooks().deliveries()[0].delivered);
    let got = got.lock().unwrap();
    let (sig, body) = &got[0];
    webhook::verify(
        Algorithm::Sha512,
        paychtec::WEBHOOK_SECRET.as_bytes(),
        body,
        sig,
        Encoding::Hex,
    )
    .unwrap();
}
