#![allow(clippy::unwrap_used)]
//! The Paygentic emulator over raw HTTP: auth, create/get/list, validation, idempotent replays,
//! the hosted page and its amount triggers, expiry, Svix webhooks, faults, and every answer
//! checked against the JSON schemas of Paygentic's OpenAPI document.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymux_core::webhook::{self, Algorithm, Encoding, Scheme, Window};
use paymux_sandbox::{EmulatorHandle, Fault, SentWebhook, paygentic};
use reqwest::StatusCode;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// helpers

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

struct Gw {
    h: EmulatorHandle,
    c: reqwest::Client,
}

impl Gw {
    async fn start() -> Gw {
        Gw { h: paygentic::start().await.unwrap(), c: client() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.base_url())
    }

    fn key(&self) -> String {
        format!("Bearer {}", self.h.credentials().api_key)
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    async fn create(&self, body: Value) -> (StatusCode, Value) {
        self.send(
            self.c.post(self.url("/v0/payments")).header("authorization", self.key()).json(&body),
        )
        .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.c.get(self.url(path)).header("authorization", self.key())).await
    }

    async fn payment(&self, id: &str) -> Value {
        let (s, p) = self.get(&format!("/v0/payments/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        p
    }

    /// Visits the hosted payment page as the customer's browser would (no API key).
    async fn visit(&self, payment: &Value) -> StatusCode {
        let url = payment["paymentUrl"].as_str().unwrap();
        let r = self.c.get(url).send().await.unwrap();
        let status = r.status();
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        status
    }

    fn webhooks(&self) -> Vec<SentWebhook> {
        self.h.webhooks().sent()
    }

    /// `(eventType, data.paymentId)` of every webhook so far.
    fn events(&self) -> Vec<(String, String)> {
        self.webhooks()
            .iter()
            .map(|w| {
                let b: Value = serde_json::from_slice(&w.body).unwrap();
                (
                    b["eventType"].as_str().unwrap().to_owned(),
                    b["data"]["paymentId"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn events_of(&self, id: &str) -> Vec<String> {
        self.events().into_iter().filter(|(_, p)| p == id).map(|(e, _)| e).collect()
    }
}

fn usd(amount: &str) -> Value {
    json!({"amount": amount, "currency": "USD"})
}

fn header<'a>(w: &'a SentWebhook, name: &str) -> &'a str {
    w.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap()
}

/// Verifies a webhook as a Svix receiver would: key = base64-decoded part after `whsec_`,
/// HMAC-SHA256 over `"{svix-id}.{svix-timestamp}.{body}"`, any `v1,` entry matching.
fn verify_svix(secret: &str, w: &SentWebhook) -> paymux_core::Result<()> {
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let sigs: Vec<&str> = header(w, "svix-signature")
        .split_ascii_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .collect();
    webhook::verify_id_timestamped(
        Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Base64 },
        &key,
        header(w, "svix-id"),
        header(w, "svix-timestamp"),
        &w.body,
        &sigs,
        Window::around_now(Duration::from_secs(300)),
    )
}

fn assert_error(body: &Value, error: &str) {
    assert_eq!(body["error"], error, "{body}");
    assert!(body["message"].is_string(), "{body}");
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    assert_eq!(body["error"], "validation_error", "{body}");
    assert!(body["message"].is_string());
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].is_string(), "{e}");
            (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// auth

#[tokio::test]
async fn missing_or_wrong_key_is_refused_with_401() {
    let gw = Gw::start().await;
    assert!(gw.h.credentials().api_key.starts_with("sk_test_"));
    let cases: [Option<&str>; 5] = [
        None,
        Some("Bearer sk_test_wrong"),
        Some("Bearer sk_live_0000"),
        Some("Basic c2tfdGVzdDo="),
        Some(gw.h.credentials().api_key.as_str()),
    ];
    for auth in cases {
        for req in [
            gw.c.post(gw.url("/v0/payments")).json(&usd("10.00")),
            gw.c.get(gw.url("/v0/payments")),
            gw.c.get(gw.url("/v0/payments/pay_sbx_000001")),
        ] {
            let req = match auth {
                Some(a) => req.header("authorization", a),
                None => req,
            };
            let (s, b) = gw.send(req).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{auth:?}: {b}");
            assert_error(&b, "unauthorized");
        }
    }
    // Nothing was created.
    let (_, list) = gw.get("/v0/payments").await;
    assert_eq!(list["pagination"]["total"], 0);
    assert!(gw.webhooks().is_empty());
    // The scheme word is case-insensitive.
    let lower = format!("bearer {}", gw.h.credentials().api_key);
    let (s, _) = gw.send(gw.c.get(gw.url("/v0/payments")).header("authorization", lower)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn another_merchant_is_forbidden() {
    let gw = Gw::start().await;
    let merchant = gw.h.credentials().extra["merchant_id"].clone();
    let (s, b) =
        gw.create(json!({"amount": "5.00", "currency": "EUR", "merchantId": "org_other"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_error(&b, "forbidden");
    let (s, _) = gw.get("/v0/payments?merchantId=org_other").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) =
        gw.create(json!({"amount": "5.00", "currency": "EUR", "merchantId": merchant})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, l) = gw.get(&format!("/v0/payments?merchantId={merchant}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["pagination"]["total"], 1);
}

// ---------------------------------------------------------------------------------------------
// create, get, hosted page, webhooks

#[tokio::test]
async fn create_get_and_complete_through_the_hosted_page() {
    let gw = Gw::start().await;
    let (s, p) = gw
        .create(json!({
            "amount": "10.5",
            "currency": "GBP",
            "customerId": "cus_42",
            "idempotencyKey": "order_12345",
            "reference": "Order #12345",
            "successRedirectUrl": "https://example.com/success",
            "savePaymentMethod": false,
            "expiresIn": "P7D",
            "metadata": {"orderId": "order_12345"},
            "lineItems": [{"description": "Widget", "amount": "5.25", "quantity": 2}],
        }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pay_"));
    assert_eq!(p["object"], "payment");
    assert_eq!(p["amount"], "10.50");
    assert_eq!(p["currency"], "GBP");
    assert_eq!(p["status"], "pending");
    assert_eq!(p["customerId"], "cus_42");
    assert_eq!(p["idempotencyKey"], "order_12345");
    assert_eq!(p["reference"], "Order #12345");
    assert_eq!(p["metadata"], json!({"orderId": "order_12345"}));
    assert_eq!(p["lineItems"], json!([{"description": "Widget", "amount": "5.25", "quantity": 2}]));
    assert_eq!(
        p["paymentUrl"].as_str().unwrap(),
        format!("{}/sandbox/paygentic/pay/{id}", gw.h.base_url())
    );
    let created = time::OffsetDateTime::parse(
        p["createdAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        p["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires - created, time::Duration::days(7));

    assert_eq!(gw.payment(&id).await, p);
    assert_eq!(gw.visit(&p).await, StatusCode::OK);
    let done = gw.payment(&id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["amount"], "10.50");

    // A second visit changes nothing.
    assert_eq!(gw.visit(&p).await, StatusCode::OK);
    assert_eq!(
        gw.events_of(&id),
        ["payment.pending.v0", "payment.processing.v0", "payment.completed.v0"]
    );

    // Every webhook is Svix-signed with the whsec_ secret and carries the payment.
    let secret = gw.h.credentials().webhook_secret.clone();
    assert!(secret.starts_with("whsec_"));
    let hooks = gw.webhooks();
    let mut event_ids = Vec::new();
    for w in &hooks {
        verify_svix(&secret, w).unwrap();
        assert!(header(w, "svix-signature").starts_with("v1,"));
        assert!(header(w, "svix-id").starts_with("msg_"));
        let b: Value = serde_json::from_slice(&w.body).unwrap();
        assert!(b["eventId"].is_string());
        assert!(b["timestamp"].is_string());
        event_ids.push(b["eventId"].clone());
        let status = b["eventType"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
        assert_eq!(b["data"]["status"], status.as_str());
        assert_eq!(b["data"]["amount"], "10.50");
        assert_eq!(b["data"]["currency"], "GBP");
        assert_eq!(b["data"]["customerId"], "cus_42");
        assert_eq!(b["data"]["reference"], "Order #12345");
        assert_eq!(b["data"]["metadata"]["orderId"], "order_12345");
    }
    event_ids.dedup();
    assert_eq!(event_ids.len(), 3);

    // A tampered body, a wrong secret, or a shifted timestamp fails verification.
    let mut forged = hooks[2].clone();
    forged.body = forged.body.iter().map(|&b| if b == b'7' { b'8' } else { b }).collect();
    forged.body.extend_from_slice(b" ");
    assert!(verify_svix(&secret, &forged).is_err());
    assert!(verify_svix("whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlcg==", &hooks[2]).is_err());
    let mut shifted = hooks[2].clone();
    for (n, v) in &mut shifted.headers {
        if n == "svix-timestamp" {
            *v = (v.parse::<i64>().unwrap() + 1).to_string();
        }
    }
    assert!(verify_svix(&secret, &shifted).is_err());
}

/// Headers and body of one webhook the test receiver got.
type Received = (http::HeaderMap, Vec<u8>);

#[tokio::test]
async fn webhooks_are_posted_to_the_target() {
    let gw = Gw::start().await;
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body.to_vec()));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    gw.h.webhooks().set_target(Some(format!("http://{addr}/hook")));

    let (_, p) = gw.create(usd("20.00")).await;
    gw.visit(&p).await;
    for _ in 0..100 {
        if received.lock().unwrap().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    let secret = gw.h.credentials().webhook_secret.clone();
    for (headers, body) in got {
        let w = SentWebhook {
            headers: ["svix-id", "svix-timestamp", "svix-signature"]
                .iter()
                .map(|n| ((*n).to_owned(), headers[*n].to_str().unwrap().to_owned()))
                .collect(),
            body,
        };
        verify_svix(&secret, &w).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// idempotency

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_existing_payment_with_200() {
    let gw = Gw::start().await;
    let body = json!({"amount": "42.00", "currency": "AUD", "idempotencyKey": "retry-me"});
    let (s1, p1) = gw.create(body.clone()).await;
    assert_eq!(s1, StatusCode::CREATED);
    let (s2, p2) = gw.create(body.clone()).await;
    assert_eq!(s2, StatusCode::OK);
    assert_eq!(p1, p2);
    // The existing payment is returned as it is now.
    gw.visit(&p1).await;
    let (s3, p3) = gw.create(body).await;
    assert_eq!(s3, StatusCode::OK);
    assert_eq!(p3["id"], p1["id"]);
    assert_eq!(p3["status"], "completed");
    // No second payment, no second creation webhook.
    let (_, list) = gw.get("/v0/payments").await;
    assert_eq!(list["pagination"]["total"], 1);
    assert_eq!(gw.events().iter().filter(|(e, _)| e == "payment.pending.v0").count(), 1);
    // Another key makes another payment; no key makes a new one each time.
    let (s, p4) =
        gw.create(json!({"amount": "42.00", "currency": "AUD", "idempotencyKey": "other"})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_ne!(p4["id"], p1["id"]);
    let (a, _) = gw.create(usd("1.00")).await;
    let (b, _) = gw.create(usd("1.00")).await;
    assert_eq!((a, b), (StatusCode::CREATED, StatusCode::CREATED));
    let (_, list) = gw.get("/v0/payments").await;
    assert_eq!(list["pagination"]["total"], 4);
}

#[tokio::test]
async fn concurrent_creates_with_one_key_make_one_payment() {
    let gw = Arc::new(Gw::start().await);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let gw = gw.clone();
        tasks.push(tokio::spawn(async move {
            gw.create(json!({"amount": "9.99", "currency": "USD", "idempotencyKey": "race"})).await
        }));
    }
    let mut created = 0;
    let mut ids = Vec::new();
    for t in tasks {
        let (s, p) = t.await.unwrap();
        if s == StatusCode::CREATED {
            created += 1;
        } else {
            assert_eq!(s, StatusCode::OK);
        }
        ids.push(p["id"].clone());
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// validation

#[tokio::test]
async fn invalid_bodies_answer_400_validation_error() {
    let gw = Gw::start().await;
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (json!({}), vec![("amount", "required"), ("currency", "required")]),
        (usd("0.99"), vec![("amount", "too_small")]),
        (usd("5000.01"), vec![("amount", "too_big")]),
        (usd("99999999999999999999999999"), vec![("amount", "too_big")]),
        (usd("10.505"), vec![("amount", "invalid_format")]),
        (usd("1e3"), vec![("amount", "invalid_format")]),
        (usd("-5.00"), vec![("amount", "invalid_format")]),
        (usd(" 5.00"), vec![("amount", "invalid_format")]),
        (json!({"amount": 10.5, "currency": "USD"}), vec![("amount", "invalid_type")]),
        (json!({"amount": "10.00", "currency": "JPY"}), vec![("currency", "invalid_enum_value")]),
        (json!({"amount": "10.00", "currency": "usd"}), vec![("currency", "invalid_enum_value")]),
        (
            json!({"amount": "10.00", "currency": "USD", "expiresIn": "P32D"}),
            vec![("expiresIn", "too_big")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "expiresIn": "PT745H"}),
            vec![("expiresIn", "too_big")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "expiresIn": "7 days"}),
            vec![("expiresIn", "invalid_format")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "expiresIn": "PT0S"}),
            vec![("expiresIn", "too_small")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "idempotencyKey": "k".repeat(256)}),
            vec![("idempotencyKey", "too_big")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "reference": "r".repeat(256)}),
            vec![("reference", "too_big")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "metadata": {"n": 1}}),
            vec![("metadata.n", "invalid_type")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "successRedirectUrl": "not a url"}),
            vec![("successRedirectUrl", "invalid_string")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD", "savePaymentMethod": "yes"}),
            vec![("savePaymentMethod", "invalid_type")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD",
                   "lineItems": vec![json!({"description": "x", "amount": "0.10"}); 101]}),
            vec![("lineItems", "too_big")],
        ),
        (
            json!({"amount": "10.00", "currency": "USD",
                   "lineItems": [{"amount": "1.0x", "quantity": 0}]}),
            vec![
                ("lineItems[0].description", "required"),
                ("lineItems[0].amount", "invalid_format"),
                ("lineItems[0].quantity", "too_small"),
            ],
        ),
    ];
    for (body, expected) in cases {
        let (s, b) = gw.create(body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {b}");
        let got = field_codes(&b);
        let expected: Vec<(String, String)> =
            expected.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!(got, expected, "{body}");
    }
    // Not JSON at all: 400 in the plain error shape.
    let (s, b) = gw
        .send(
            gw.c.post(gw.url("/v0/payments"))
                .header("authorization", gw.key())
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&b, "bad_request");
    // Nothing was created by any of these.
    let (_, list) = gw.get("/v0/payments").await;
    assert_eq!(list["pagination"]["total"], 0);

    // The bounds themselves pass.
    for (amount, currency, expires) in [
        ("1.00", "USD", "P31D"),
        ("5000.00", "EUR", "PT744H"),
        ("1", "GBP", "PT1H"),
        ("4999.9", "AUD", "P1W"),
    ] {
        let (s, b) =
            gw.create(json!({"amount": amount, "currency": currency, "expiresIn": expires})).await;
        assert_eq!(s, StatusCode::CREATED, "{amount} {currency} {expires}: {b}");
    }
    let hundred = vec![json!({"description": "x", "amount": "0.10"}); 100];
    let (s, b) =
        gw.create(json!({"amount": "10.00", "currency": "USD", "lineItems": hundred})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["lineItems"].as_array().unwrap().len(), 100);
    assert_eq!(b["lineItems"][0]["quantity"], 1);
}

// ---------------------------------------------------------------------------------------------
// triggers and expiry

#[tokio::test]
async fn amount_triggers_on_the_hosted_page() {
    let gw = Gw::start().await;
    for (amount, after_first, after_second, events) in [
        ("13.13", "expired", "expired", vec!["payment.pending.v0", "payment.expired.v0"]),
        ("66.66", "cancelled", "cancelled", vec!["payment.pending.v0", "payment.cancelled.v0"]),
        ("77.77", "processing", "processing", vec!["payment.pending.v0", "payment.processing.v0"]),
        (
            "25.00",
            "completed",
            "completed",
            vec!["payment.pending.v0", "payment.processing.v0", "payment.completed.v0"],
        ),
    ] {
        let (s, p) = gw.create(json!({"amount": amount, "currency": "EUR"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let id = p["id"].as_str().unwrap();
        assert_eq!(p["status"], "pending");
        gw.visit(&p).await;
        assert_eq!(gw.payment(id).await["status"], after_first, "{amount}");
        gw.visit(&p).await;
        assert_eq!(gw.payment(id).await["status"], after_second, "{amount}");
        assert_eq!(gw.events_of(id), events, "{amount}");
    }
    // An unknown payment's page is a 404 page.
    let r = gw.c.get(gw.url("/sandbox/paygentic/pay/pay_nope")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pending_payment_expires_at_expires_at() {
    let gw = Gw::start().await;
    let (_, p) = gw.create(json!({"amount": "8.00", "currency": "USD", "expiresIn": "PT1S"})).await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["status"], "pending");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(gw.payment(id).await["status"], "expired");
    // Too late to pay.
    gw.visit(&p).await;
    assert_eq!(gw.payment(id).await["status"], "expired");
    assert_eq!(gw.events_of(id), ["payment.pending.v0", "payment.expired.v0"]);
}

// ---------------------------------------------------------------------------------------------
// routes Paygentic does not have

#[tokio::test]
async fn capture_cancel_refund_and_unknown_routes_are_404() {
    let gw = Gw::start().await;
    let (_, p) = gw.create(usd("30.00")).await;
    let id = p["id"].as_str().unwrap();
    for (method, path) in [
        (http::Method::POST, format!("/v0/payments/{id}/capture")),
        (http::Method::POST, format!("/v0/payments/{id}/cancel")),
        (http::Method::POST, format!("/v0/payments/{id}/refund")),
        (http::Method::POST, "/v0/refunds".to_owned()),
        (http::Method::GET, "/v0/refunds".to_owned()),
        (http::Method::DELETE, format!("/v0/payments/{id}")),
        (http::Method::PATCH, format!("/v0/payments/{id}")),
        (http::Method::POST, format!("/v0/payments/{id}")),
        (http::Method::GET, "/v1/payments".to_owned()),
    ] {
        let (s, b) = gw
            .send(
                gw.c.request(method.clone(), gw.url(&path))
                    .header("authorization", gw.key())
                    .json(&json!({})),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {b}");
        assert_error(&b, "not_found");
    }
    let (s, b) = gw.get("/v0/payments/pay_missing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&b, "not_found");
    assert_eq!(gw.payment(id).await["status"], "pending");
}

// ---------------------------------------------------------------------------------------------
// list

#[tokio::test]
async fn list_pages_by_offset_and_filters() {
    let gw = Gw::start().await;
    let mut ids = Vec::new();
    for i in 0..25 {
        let customer = if i % 2 == 0 { "cus_even" } else { "cus_odd" };
        let (s, p) =
            gw.create(json!({"amount": format!("{}.00", i + 1), "currency": "USD", "customerId": customer})).await;
        assert_eq!(s, StatusCode::CREATED);
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    // Default page: 10 newest.
    let (s, l) = gw.get("/v0/payments").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["object"], "list");
    assert_eq!(l["pagination"], json!({"limit": 10, "offset": 0, "total": 25}));
    let first: Vec<&str> =
        l["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let newest: Vec<&str> = ids.iter().rev().take(10).map(String::as_str).collect();
    assert_eq!(first, newest);

    // Walking the pages yields each payment once.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (_, l) = gw.get(&format!("/v0/payments?limit=7&offset={offset}")).await;
        assert_eq!(l["pagination"]["limit"], 7);
        assert_eq!(l["pagination"]["offset"], offset);
        let data = l["data"].as_array().unwrap();
        seen.extend(data.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        offset += 7;
        if offset >= l["pagination"]["total"].as_u64().unwrap() {
            break;
        }
    }
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected);
    let (_, l) = gw.get("/v0/payments?offset=100").await;
    assert_eq!(l["data"], json!([]));
    assert_eq!(l["pagination"]["total"], 25);
    let (_, l) = gw.get("/v0/payments?limit=100").await;
    assert_eq!(l["data"].as_array().unwrap().len(), 25);

    // Filters.
    let (_, l) = gw.get("/v0/payments?customerId=cus_odd&limit=100").await;
    assert_eq!(l["pagination"]["total"], 12);
    assert!(l["data"].as_array().unwrap().iter().all(|p| p["customerId"] == "cus_odd"));
    let (_, p) = gw.get(&format!("/v0/payments/{}", ids[3])).await;
    gw.visit(&p).await;
    let (_, l) = gw.get("/v0/payments?status=completed").await;
    assert_eq!(l["pagination"]["total"], 1);
    assert_eq!(l["data"][0]["id"], ids[3].as_str());
    let (_, l) = gw.get("/v0/payments?status=pending&customerId=cus_odd").await;
    assert_eq!(l["pagination"]["total"], 11);

    // Bad parameters.
    for (q, field, code) in [
        ("limit=0", "limit", "too_small"),
        ("limit=101", "limit", "too_big"),
        ("limit=ten", "limit", "invalid_type"),
        ("offset=-1", "offset", "too_small"),
        ("status=succeeded", "status", "invalid_enum_value"),
    ] {
        let (s, b) = gw.get(&format!("/v0/payments?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {b}");
        assert_eq!(field_codes(&b), [(field.to_owned(), code.to_owned())], "{q}");
    }
}

// ---------------------------------------------------------------------------------------------
// faults

#[tokio::test]
async fn fault_switches_apply_to_paygentic_routes() {
    let gw = Gw::start().await;
    gw.h.faults().inject(Some(http::Method::POST), "/v0/payments", Fault::Status(503), Some(1));
    let body = json!({"amount": "11.00", "currency": "USD", "idempotencyKey": "after-503"});
    let (s, _) = gw.create(body.clone()).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    let (s, p) = gw.create(body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "the 503 created nothing: {p}");

    gw.h.faults().inject(
        Some(http::Method::GET),
        "/v0/payments",
        Fault::RateLimited { retry_after_secs: 2 },
        Some(1),
    );
    let r =
        gw.c.get(gw.url("/v0/payments")).header("authorization", gw.key()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "2");
    let (s, _) = gw.get("/v0/payments").await;
    assert_eq!(s, StatusCode::OK);

    // A dropped connection after the create happened: the retry with the same key gets 200.
    gw.h.faults().inject(Some(http::Method::POST), "/v0/payments", Fault::DropConnection, Some(1));
    let body = json!({"amount": "12.00", "currency": "USD", "idempotencyKey": "dropped"});
    let r =
        gw.c.post(gw.url("/v0/payments"))
            .header("authorization", gw.key())
            .json(&body)
            .send()
            .await;
    assert!(r.is_err() || r.unwrap().bytes().await.is_err());
    let (s, p) = gw.create(body).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(gw.h.stats().count(&http::Method::POST, "/v0/payments"), 4);
}

// ---------------------------------------------------------------------------------------------
// every answer against the OpenAPI document's schemas

/// Paygentic's OpenAPI document, as kept in the fixtures (a copy of
/// `shared/providers/paygentic.openapi.json`).
fn openapi() -> Value {
    let text = include_str!("fixtures/paygentic.openapi.json");
    serde_json::from_str(text).unwrap()
}

/// A JSON pointer to the response schema of `method path -> status`, following a `$ref` to
/// `#/components/responses/...`.
fn response_schema_pointer(doc: &Value, path: &str, method: &str, status: &str) -> String {
    let esc = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let mut pointer = format!("/paths/{}/{method}/responses/{status}", esc(path));
    let response = doc.pointer(&pointer).unwrap_or_else(|| panic!("no {pointer}"));
    if let Some(r) = response.get("$ref") {
        pointer = r.as_str().unwrap().trim_start_matches('#').to_owned();
    }
    pointer.push_str("/content/application~1json/schema");
    assert!(doc.pointer(&pointer).is_some(), "no schema at {pointer}");
    // In a URI fragment, `{` and `}` (path templates) must be percent-encoded.
    format!("#{}", pointer.replace('{', "%7B").replace('}', "%7D"))
}

/// A validator for the schema at `pointer` (`#/...`) inside the whole document, so that its
/// `$ref`s to `#/components/schemas/...` resolve.
fn validator(doc: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    let obj = root.as_object_mut().unwrap();
    obj.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    obj.insert("$ref".into(), json!(pointer));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap()
}

fn check(doc: &Value, pointer: &str, what: &str, body: &Value) {
    let v = validator(doc, pointer);
    let errors: Vec<String> =
        v.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match {pointer}: {errors:?}\n{body}");
}

#[test]
fn the_fixture_is_the_shared_document() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/providers/paygentic.openapi.json");
    let Ok(text) = std::fs::read_to_string(&shared) else {
        eprintln!("{} not found: skipping the drift check", shared.display());
        return;
    };
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), openapi());
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let doc = openapi();
    let payment = validator(&doc, "#/components/schemas/Payment");
    let good = json!({"id": "pay_1", "object": "payment", "amount": "1.00", "currency": "USD",
                      "status": "pending", "createdAt": "2023-11-07T05:31:56Z"});
    assert!(payment.is_valid(&good));
    for (field, bad) in [
        ("status", json!("succeeded")),
        ("object", json!("list")),
        ("amount", json!(1.0)),
        ("createdAt", json!("yesterday")),
        ("metadata", json!({"n": 1})),
    ] {
        let mut b = good.clone();
        b[field] = bad;
        assert!(!payment.is_valid(&b), "{field}");
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("createdAt");
    assert!(!payment.is_valid(&missing));
}

#[tokio::test]
async fn every_answer_matches_the_openapi_schemas() {
    let doc = openapi();
    let gw = Gw::start().await;
    let create = |s: &str| response_schema_pointer(&doc, "/v0/payments", "post", s);
    let list = |s: &str| response_schema_pointer(&doc, "/v0/payments", "get", s);
    let get = |s: &str| response_schema_pointer(&doc, "/v0/payments/{id}", "get", s);

    // create: 201, then the replay's 200, with every optional field present.
    let full = json!({
        "amount": "10.50", "currency": "USD", "customerId": "cus_1", "idempotencyKey": "order_1",
        "reference": "Order #1", "metadata": {"orderId": "order_1"},
        "lineItems": [{"description": "Widget", "amount": "10.50"}],
        "successRedirectUrl": "https://example.com/ok", "failureRedirectUrl": "https://example.com/ko",
        "savePaymentMethod": true, "expiresIn": "P7D",
    });
    let (s, p) = gw.create(full.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    check(&doc, &create("201"), "create 201", &p);
    let (s, p2) = gw.create(full).await;
    assert_eq!(s, StatusCode::OK);
    check(&doc, &create("200"), "create 200 (replay)", &p2);
    let (s, minimal) = gw.create(usd("2.00")).await;
    assert_eq!(s, StatusCode::CREATED);
    check(&doc, &create("201"), "create 201 (minimal)", &minimal);

    // get, in each status.
    let id = p["id"].as_str().unwrap();
    check(&doc, &get("200"), "get pending", &gw.payment(id).await);
    gw.visit(&p).await;
    check(&doc, &get("200"), "get completed", &gw.payment(id).await);
    for amount in ["13.13", "66.66", "77.77"] {
        let (_, t) = gw.create(usd(amount)).await;
        gw.visit(&t).await;
        check(&doc, &get("200"), amount, &gw.payment(t["id"].as_str().unwrap()).await);
    }

    // list: full page, filtered page, empty page.
    for q in ["", "?limit=2&offset=1", "?status=completed&customerId=cus_1", "?offset=50"] {
        let (s, l) = gw.get(&format!("/v0/payments{q}")).await;
        assert_eq!(s, StatusCode::OK);
        check(&doc, &list("200"), &format!("list{q}"), &l);
    }

    // errors: 401 on every route, 403, 404, 400 both shapes.
    let unauth = gw.send(gw.c.get(gw.url("/v0/payments"))).await.1;
    check(&doc, &list("401"), "list 401", &unauth);
    let unauth = gw.send(gw.c.post(gw.url("/v0/payments")).json(&usd("1.00"))).await.1;
    check(&doc, &create("401"), "create 401", &unauth);
    let unauth = gw
        .send(gw.c.get(gw.url(&format!("/v0/payments/{id}"))).header("authorization", "Bearer x"))
        .await
        .1;
    check(&doc, &get("401"), "get 401", &unauth);
    let (s, forbidden) =
        gw.create(json!({"amount": "1.00", "currency": "USD", "merchantId": "org_x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    check(&doc, &create("403"), "create 403", &forbidden);
    let (_, forbidden) = gw.get("/v0/payments?merchantId=org_x").await;
    check(&doc, &list("403"), "list 403", &forbidden);
    let (s, not_found) = gw.get("/v0/payments/pay_missing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    check(&doc, &get("404"), "get 404", &not_found);

    let (s, bad_json) = gw
        .send(gw.c.post(gw.url("/v0/payments")).header("authorization", gw.key()).body("nope"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    check(&doc, &create("400"), "create 400 (not JSON)", &bad_json);

    // A validation error matches the ValidationError branch of the 400's `oneOf`. It cannot
    // match the `oneOf` itself: the document's `Error` schema requires only `message` and
    // allows any other property, so every ValidationError body also matches `Error` and the
    // `oneOf` (exactly one) fails. That is a flaw of the document, not of the answer: check the
    // branch and show the overlap.
    let (s, invalid) = gw.create(json!({"amount": "0.10", "currency": "JPY"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    check(&doc, "#/components/schemas/ValidationError", "create 400 (validation)", &invalid);
    check(&doc, "#/components/schemas/Error", "create 400 (validation) as Error", &invalid);
    assert!(
        !validator(&doc, &create("400")).is_valid(&invalid),
        "the oneOf overlap is gone: tighten this check"
    );

    // The list's own 400 (not in the document, which lists no 400 for GET /v0/payments) uses
    // the same ValidationError shape.
    let (s, invalid) = gw.get("/v0/payments?limit=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    check(&doc, "#/components/schemas/ValidationError", "list 400", &invalid);

    // Unknown routes answer the Error shape.
    let (_, nf) = gw
        .send(
            gw.c.post(gw.url(&format!("/v0/payments/{id}/capture")))
                .header("authorization", gw.key()),
        )
        .await;
    check(&doc, "#/components/schemas/Error", "capture 404", &nf);
}
