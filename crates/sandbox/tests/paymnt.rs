#![allow(clippy::unwrap_used)]
//! The paymnt.cloud emulator over raw HTTP (no connector): the Hyperswitch API with
//! `Idempotency-Key`, an optional `x-profile-id` and `order_details[].product_name`.

use http::Method;
use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_sandbox::{EmulatorHandle, Fault, paymnt};
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
        Api { h: paymnt::start().await.unwrap(), c }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.base_url())
    }

    async fn read(resp: reqwest::Response) -> (u16, Value) {
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn send(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self
            .c
            .post(self.url(path))
            .header("api-key", paymnt::API_KEY)
            .header("content-type", "application/json")
            .body(body.to_string());
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::read(req.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(path, body, &[]).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let req = self.c.get(self.url(path)).header("api-key", paymnt::API_KEY);
        Self::read(req.send().await.unwrap()).await
    }

    fn events(&self) -> Vec<String> {
        self.h
            .webhooks()
            .sent()
            .iter()
            .map(|w| {
                let headers = w.header_map();
                let sig = headers["x-webhook-signature-512"].to_str().unwrap();
                webhook::verify(
                    Algorithm::Sha512,
                    paymnt::WEBHOOK_SECRET.as_bytes(),
                    &w.body,
                    sig,
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
    json!({"card": {"card_number": number, "card_exp_month": "05", "card_exp_year": "2030",
                    "card_cvc": "123"}})
}

/// A one-step payment in Hyperswitch's shape (no profile, no billing).
fn pay(amount: i64, number: &str, capture: &str) -> Value {
    json!({
        "amount": amount, "currency": "USD", "confirm": true, "capture_method": capture,
        "description": "Order #1001", "payment_method": "card", "payment_method_type": "credit",
        "payment_method_data": card(number),
        "return_url": "https://shop.example/return",
        "order_details": [{"product_name": "Plan", "quantity": 1, "amount": amount}]
    })
}

#[tokio::test]
async fn auth_is_refused() {
    let api = Api::start().await;
    let resp = api
        .c
        .post(api.url("/payments"))
        .body(pay(1000, "4242424242424242", "automatic").to_string())
        .send()
        .await
        .unwrap();
    let (status, e) = Api::read(resp).await;
    assert_eq!(status, 401);
    assert_eq!(e["error"]["type"], "authentication_error");
    let resp =
        api.c.get(api.url("/payments/pay_x")).header("api-key", "snd_wrong").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[tokio::test]
async fn minimal_payment_then_confirm_without_body() {
    let api = Api::start().await;
    let (status, p) = api
        .send(
            "/payments",
            json!({"amount": 1000, "currency": "USD", "description": "Order #1001"}),
            &[("Idempotency-Key", "3b8f2c34-0a7a-4a2f-9a62-5d0f2a33e6f1")],
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["status"], "requires_payment_method");
    let id = p["payment_id"].as_str().unwrap();
    // Nothing to confirm with yet.
    let confirm = format!("/payments/{id}/confirm");
    let (status, e) = api.post(&confirm, json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_04");
    // Card through an update, then a confirm with an empty body (as the guide's curl does).
    let (status, u) = api
        .post(&format!("/payments/{id}"), json!({"payment_method_data": card("4242424242424242")}))
        .await;
    assert_eq!(status, 200, "{u}");
    assert_eq!(u["status"], "requires_confirmation");
    let resp =
        api.c.post(api.url(&confirm)).header("api-key", paymnt::API_KEY).send().await.unwrap();
    let (status, c) = Api::read(resp).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "succeeded");
    assert_eq!(api.events(), ["payment_succeeded"]);
}

#[tokio::test]
async fn profile_header_is_optional_but_checked() {
    let api = Api::start().await;
    let body = pay(1000, "4242424242424242", "automatic");
    let (status, _) =
        api.send("/payments", body.clone(), &[("x-profile-id", paymnt::PROFILE_ID)]).await;
    assert_eq!(status, 200);
    let (status, e) = api.send("/payments", body.clone(), &[("x-profile-id", "pro_other")]).await;
    assert_eq!(status, 400, "{e}");
    let (status, p) = api.post("/payments", body).await;
    assert_eq!(status, 200);
    assert_eq!(p["profile_id"], paymnt::PROFILE_ID);
}

#[tokio::test]
async fn order_lines_use_product_name() {
    let api = Api::start().await;
    let mut body = pay(1000, "4242424242424242", "automatic");
    body["order_details"] = json!([{"name": "Plan", "quantity": 1, "amount": 1000}]);
    let (status, e) = api.post("/payments", body).await;
    assert_eq!(status, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("product_name"));
    let mut body = pay(1000, "4242424242424242", "automatic");
    body["line_items"] = json!([]);
    assert_eq!(api.post("/payments", body).await.0, 400);
}

#[tokio::test]
async fn idempotency_key_header_replays_and_x_idempotency_key_does_not() {
    let api = Api::start().await;
    let body = pay(1000, "4242424242424242", "automatic");
    let key = [("Idempotency-Key", "6f1b1c9e-5d1a-4c57-9a3e-0d9c1a3b2e10")];
    let (_, a) = api.send("/payments", body.clone(), &key).await;
    let (_, b) = api.send("/payments", body.clone(), &key).await;
    assert_eq!(a, b);
    let (_, list) = api.post("/payments/list", json!({})).await;
    assert_eq!(list["total_count"], 1);
    // Paychtec's header name means nothing here: two payments.
    let other = [("X-Idempotency-Key", "same")];
    api.send("/payments", body.clone(), &other).await;
    api.send("/payments", body, &other).await;
    let (_, list) = api.post("/payments/list", json!({})).await;
    assert_eq!(list["total_count"], 3);
}

#[tokio::test]
async fn capture_cancel_refund_flows() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(1000, "4242424242424242", "manual")).await;
    assert_eq!(p["status"], "requires_capture");
    let id = p["payment_id"].as_str().unwrap().to_owned();
    let (_, c) =
        api.post(&format!("/payments/{id}/capture"), json!({"amount_to_capture": 600})).await;
    assert_eq!(c["status"], "partially_captured");
    assert_eq!(c["amount_received"], 600);
    let (status, _) = api.post(&format!("/payments/{id}/cancel"), json!({})).await;
    assert_eq!(status, 400);
    let refund = json!({"payment_id": id, "amount": 400, "reason": "requested_by_customer"});
    let rkey = [("Idempotency-Key", "0e5a3f7c-7d58-4b1e-8f7e-3a0f0b9d1c22")];
    let (status, r) = api.send("/refunds", refund.clone(), &rkey).await;
    assert_eq!(status, 200, "{r}");
    let (_, r2) = api.send("/refunds", refund, &rkey).await;
    assert_eq!(r["refund_id"], r2["refund_id"], "replayed");
    let (status, e) = api.post("/refunds", json!({"payment_id": id, "amount": 201})).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "IR_13");
    let (status, _) = api.post("/refunds", json!({"payment_id": id, "amount": 200})).await;
    assert_eq!(status, 200);
    let (_, list) = api.post("/refunds/list", json!({"payment_id": id, "limit": 10})).await;
    assert_eq!(list["total_count"], 2);

    let (_, p) = api.post("/payments", pay(1000, "4242424242424242", "manual")).await;
    let id = p["payment_id"].as_str().unwrap();
    let (_, c) =
        api.post(&format!("/payments/{id}/cancel"), json!({"cancellation_reason": "void"})).await;
    assert_eq!(c["status"], "cancelled");
    let (status, _) = api.post(&format!("/payments/{id}/capture"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        api.events(),
        [
            "payment_authorized",
            "payment_captured",
            "refund_succeeded",
            "refund_succeeded",
            "payment_authorized",
            "payment_cancelled"
        ]
    );
}

#[tokio::test]
async fn triggers_and_redirect() {
    let api = Api::start().await;
    let (_, p) = api.post("/payments", pay(1000, "4000000000000002", "automatic")).await;
    assert_eq!(
        (p["status"].as_str(), p["error_code"].as_str()),
        (Some("failed"), Some("card_declined"))
    );
    let (_, p) = api.post("/payments", pay(1000, "4000000000009995", "automatic")).await;
    assert_eq!(p["error_code"], "insufficient_funds");
    let (_, p) = api.post("/payments", pay(7777, "4242424242424242", "automatic")).await;
    assert_eq!(p["status"], "processing");
    let (_, p) = api.post("/payments", pay(1000, "4000000000003220", "automatic")).await;
    assert_eq!(p["status"], "requires_customer_action");
    let url = p["next_action"]["redirect_to_url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/sandbox/paymnt/redirect/", api.h.base_url())));
    assert_eq!(api.c.get(url).send().await.unwrap().status().as_u16(), 200);
    let (_, done) = api.get(&format!("/payments/{}", p["payment_id"].as_str().unwrap())).await;
    assert_eq!(done["status"], "succeeded");
    assert_eq!(
        api.events(),
        [
            "payment_failed",
            "payment_failed",
            "payment_processing",
            "action_required",
            "payment_succeeded"
        ]
    );
    let hook: Value = serde_json::from_slice(&api.h.webhooks().last().unwrap().body).unwrap();
    assert_eq!(hook["content"]["type"], "payment_details");
    assert_eq!(hook["content"]["object"]["status"], "succeeded");
}

#[tokio::test]
async fn list_pagination() {
    let api = Api::start().await;
    for amount in 1..=5 {
        api.post("/payments", pay(amount * 100, "4242424242424242", "automatic")).await;
    }
    let (_, page) = api.post("/payments/list", json!({"limit": 2, "offset": 1})).await;
    assert_eq!(page["count"], 2);
    assert_eq!(page["total_count"], 5);
    assert_eq!(page["data"][0]["amount"], 400);
    assert_eq!(page["data"][1]["amount"], 300);
}

#[tokio::test]
async fn fault_503_then_success() {
    let api = Api::start().await;
    api.h.faults().inject(Some(Method::POST), "/refunds", Fault::Status(503), Some(1));
    let (_, p) = api.post("/payments", pay(1000, "4242424242424242", "automatic")).await;
    let refund = json!({"payment_id": p["payment_id"], "amount": 100});
    let key = [("Idempotency-Key", "9d2b9e59-1111-4c1d-8a55-6a1f5ad6f001")];
    assert_eq!(api.send("/refunds", refund.clone(), &key).await.0, 503);
    assert_eq!(api.send("/refunds", refund, &key).await.0, 200);
    let (_, list) = api.post("/refunds/list", json!({})).await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(api.h.stats().count(&Method::POST, "/refunds"), 3);
}
