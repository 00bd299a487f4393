#![allow(clippy::unwrap_used)]
//! The pay.tech emulator over raw HTTP: auth, the deposit/withdrawal/refund state machines,
//! test cards, the host-to-host step, lists, webhooks, faults, and every answer checked against
//! the spec's response schemas.

use std::time::Duration;

use http::Method;
use paymux_core::webhook::{Algorithm, Encoding, verify};
use paymux_sandbox::{EmulatorHandle, Fault, paytech};
use serde_json::{Value, json};

const PAYMENTS: &str = "/api/v1/payments";

struct Emu {
    h: EmulatorHandle,
    c: reqwest::Client,
    /// Every API answer seen: (schema name, body).
    seen: std::sync::Mutex<Vec<(&'static str, Value)>>,
}

struct Answer {
    status: u16,
    text: String,
    json: Value,
}

impl Answer {
    fn result(&self) -> &Value {
        &self.json["result"]
    }
    fn id(&self) -> String {
        self.result()["id"].as_str().unwrap().to_owned()
    }
    fn state(&self) -> &str {
        self.result()["state"].as_str().unwrap_or_default()
    }
}

async fn emu() -> Emu {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Emu { h: paytech::start().await.unwrap(), c, seen: Default::default() }
}

fn schema_for(method: &Method, path: &str, status: u16) -> &'static str {
    match status {
        200 if path.ends_with("/operations") => "OperationListResponse",
        200 if *method == Method::GET && path == PAYMENTS => "PaymentListResponse",
        200 => "PaymentResponse",
        400 => "BadRequestError",
        401 => "UnauthorizedError",
        404 => "NotFoundError",
        _ => "none",
    }
}

impl Emu {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.base_url())
    }

    async fn raw(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<String>,
    ) -> Answer {
        let mut req = self.c.request(method.clone(), self.url(path));
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let bare = path.split('?').next().unwrap();
        let schema = schema_for(&method, bare, status);
        if schema != "none" {
            self.seen.lock().unwrap().push((schema, json.clone()));
        }
        Answer { status, text, json }
    }

    async fn call(&self, method: Method, path: &str, body: Option<String>) -> Answer {
        self.raw(method, path, Some(paytech::API_KEY), body).await
    }

    async fn create(&self, body: Value) -> Answer {
        self.call(Method::POST, PAYMENTS, Some(body.to_string())).await
    }

    /// Creates with a body written as text (to control the amount token).
    async fn create_text(&self, body: impl Into<String>) -> Answer {
        self.call(Method::POST, PAYMENTS, Some(body.into())).await
    }

    async fn get(&self, id: &str) -> Answer {
        self.call(Method::GET, &format!("{PAYMENTS}/{id}"), None).await
    }

    async fn post(&self, id: &str, action: &str, body: Option<String>) -> Answer {
        self.call(Method::POST, &format!("{PAYMENTS}/{id}/{action}"), body).await
    }

    /// Plays the customer on a sandbox page.
    async fn visit(&self, url: &str) -> (u16, String) {
        let resp = self.c.get(url).send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    async fn wait_state(&self, id: &str, state: &str) -> Answer {
        for _ in 0..100 {
            let a = self.get(id).await;
            if a.state() == state {
                return a;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("payment {id} never reached {state}: {}", self.get(id).await.text);
    }

    /// A deposit paid through the checkout page; returns the final answer.
    async fn deposit_paid(&self, card: &str, amount: &str, pre_auth: bool) -> Answer {
        let body = format!(
            r#"{{"paymentType":"DEPOSIT","amount":{amount},"currency":"EUR","preAuth":{pre_auth},
               "referenceId":"order-{card}","card":{{"cardNumber":"{card}","cardholderName":"John Doe",
               "expiryMonth":"01","expiryYear":"2030","cardSecurityCode":"123"}}}}"#
        );
        let created = self.create_text(body).await;
        assert_eq!(created.status, 200, "{}", created.text);
        assert_eq!(created.state(), "CHECKOUT");
        let url = created.result()["redirectUrl"].as_str().unwrap().to_owned();
        let (status, _) = self.visit(&url).await;
        assert_eq!(status, 200);
        self.get(&created.id()).await
    }

    fn hooks_for(&self, id: &str) -> Vec<Value> {
        self.h
            .webhooks()
            .sent()
            .iter()
            .map(|w| serde_json::from_slice::<Value>(&w.body).unwrap())
            .filter(|v| v["id"] == id)
            .collect()
    }
}

#[tokio::test]
async fn auth_is_refused_without_the_shop_key() {
    let e = emu().await;
    let none = e.raw(Method::GET, PAYMENTS, None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.json["status"], 401);
    assert_eq!(none.json["error"], "Unauthorized");
    assert_eq!(none.json["path"], PAYMENTS);
    assert!(none.json["timestamp"].is_string() && none.json["message"].is_string());
    let wrong = e.raw(Method::POST, PAYMENTS, Some("sbx_wrong"), Some("{}".into())).await;
    assert_eq!(wrong.status, 401);
    // Basic or a bare key is not a Bearer token.
    let resp = e.c.get(e.url(PAYMENTS)).header("Authorization", paytech::API_KEY).send().await;
    assert_eq!(resp.unwrap().status().as_u16(), 401);
    assert_eq!(e.h.credentials().api_key, paytech::API_KEY);
}

#[tokio::test]
async fn deposit_through_checkout_completes_and_signs_its_webhook() {
    let e = emu().await;
    let created = e
        .create_text(r#"{"paymentType":"DEPOSIT","amount":11.12,"currency":"EUR","referenceId":"order-1",
            "description":"Deposit via TEST shop","returnUrl":"https://shop.example/back",
            "customer":{"referenceId":"customer_123","email":"jw@mail.com","accountNumber":"secret"},
            "card":{"cardNumber":"4000 0000 0000 0408","expiryMonth":"01","expiryYear":"2030"}}"#)
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json["status"], 200);
    assert_eq!(created.state(), "CHECKOUT");
    assert!(created.text.contains(r#""amount":11.12,"#), "{}", created.text);
    let id = created.id();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    let url = created.result()["redirectUrl"].as_str().unwrap();
    assert_eq!(url, format!("{}{}{id}", e.h.base_url(), paytech::CHECKOUT_PATH));
    assert!(e.h.webhooks().sent().is_empty(), "no webhook before a final state");

    let (status, html) = e.visit(url).await;
    assert_eq!(status, 200);
    assert!(html.contains("COMPLETED") && html.contains("https://shop.example/back"));

    let done = e.get(&id).await;
    assert_eq!(done.state(), "COMPLETED");
    let r = done.result();
    assert_eq!(r["paymentMethod"], "BASIC_CARD");
    assert_eq!(r["paymentMethodDetails"]["customerAccountNumber"], "400000***0408");
    assert_eq!(r["paymentMethodDetails"]["cardBrand"], "VISA");
    assert_eq!(r["referenceId"], "order-1");
    assert_eq!(r["customer"]["referenceId"], "customer_123");
    assert!(r["customer"].get("accountNumber").is_none());
    assert!(r.get("redirectUrl").is_none());
    assert!(done.text.contains(r#""amount":11.12,"#));

    // A second visit changes nothing.
    e.visit(url).await;
    let sent = e.h.webhooks().sent();
    assert_eq!(sent.len(), 1);
    let hook = &sent[0];
    let sig = hook.header_map().get("Signature").unwrap().to_str().unwrap().to_owned();
    assert_eq!(sig, sig.to_lowercase());
    assert_eq!(sig.len(), 64);
    verify(Algorithm::Sha256, paytech::SIGNING_KEY.as_bytes(), &hook.body, &sig, Encoding::Hex)
        .unwrap();
    assert!(
        verify(Algorithm::Sha256, b"other key", &hook.body, &sig, Encoding::Hex).is_err(),
        "signed with the shop signing key"
    );
    let body: Value = serde_json::from_slice(&hook.body).unwrap();
    assert_eq!(body["id"], id.as_str(), "the body is the payment result itself, unwrapped");
    assert_eq!(body["state"], "COMPLETED");
    assert!(body.get("result").is_none());
    assert!(String::from_utf8(hook.body.clone()).unwrap().contains(r#""amount":11.12,"#));
}

#[tokio::test]
async fn the_spec_test_cards_succeed_or_decline_as_listed() {
    let e = emu().await;
    for card in ["4000000000000002", "4000000000000408", "5555000000000008", "5555000000000107"] {
        let a = e.deposit_paid(card, "10.01", false).await;
        assert_eq!(a.state(), "COMPLETED", "{card}: {}", a.text);
        assert!(a.result().get("errorCode").is_none());
    }
    for card in ["4242424242424242", "4000000000000416", "5555000000000438", "5555000000000115"] {
        let a = e.deposit_paid(card, "10.01", false).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.state(), "DECLINED", "{card}: {}", a.text);
        assert_eq!(a.result()["errorCode"], "4.00");
        assert_eq!(a.result()["errorMessage"], "Declined by Issuer");
    }
    let a = e.deposit_paid("4000000000009995", "10.01", false).await;
    assert_eq!((a.state(), a.result()["errorCode"].as_str()), ("DECLINED", Some("4.01")));
    let a = e.deposit_paid("4111111111111111", "10.01", false).await;
    assert_eq!(a.result()["errorCode"], "4.13");
    assert_eq!(e.hooks_for(&a.id()).len(), 1, "declines are final: one webhook");
    let mc = e.deposit_paid("5555000000000107", "1", false).await;
    assert_eq!(mc.result()["paymentMethodDetails"]["cardBrand"], "MASTERCARD");
}

#[tokio::test]
async fn hosted_checkout_without_card_takes_a_card_or_a_cancel() {
    let e = emu().await;
    let mk = || e.create(json!({"paymentType": "DEPOSIT", "amount": 5, "currency": "GBP"}));
    let a = mk().await;
    assert!(a.result().get("paymentMethod").is_none());
    let url = a.result()["redirectUrl"].as_str().unwrap().to_owned();
    e.visit(&format!("{url}?cardNumber=4242424242424242")).await;
    assert_eq!(e.get(&a.id()).await.state(), "DECLINED");

    let b = mk().await;
    e.visit(b.result()["redirectUrl"].as_str().unwrap()).await;
    let b = e.get(&b.id()).await;
    assert_eq!(b.state(), "COMPLETED");
    assert_eq!(b.result()["paymentMethod"], "BASIC_CARD");

    let c = mk().await;
    e.visit(&format!("{}?action=cancel", c.result()["redirectUrl"].as_str().unwrap())).await;
    let c = e.get(&c.id()).await;
    assert_eq!((c.state(), c.result()["errorCode"].as_str()), ("CANCELLED", Some("2.00")));
    assert_eq!(e.hooks_for(&c.id())[0]["state"], "CANCELLED");

    let (status, _) = e.visit(&e.url("/sandbox/paytech/checkout/nosuchpayment")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn pre_authorization_partial_capture_and_partial_refunds() {
    let e = emu().await;
    let auth = e.deposit_paid("4000000000000408", "100.00", true).await;
    assert_eq!(auth.state(), "AUTHORIZED");
    assert_eq!(auth.result()["preAuth"], true);
    let id = auth.id();
    assert_eq!(e.hooks_for(&id)[0]["state"], "AUTHORIZED");

    // Refund before capture: illegal.
    let early = e
        .create(
            json!({"paymentType": "REFUND", "amount": 1, "currency": "EUR", "parentPaymentId": id}),
        )
        .await;
    assert_eq!(early.status, 400, "{}", early.text);

    let over = e.post(&id, "capture", Some(r#"{"amount":100.01}"#.into())).await;
    assert_eq!(over.status, 400);
    assert_eq!(over.json["errors"][0]["field"], "amount");
    let cap = e.post(&id, "capture", Some(r#"{"amount":60.50}"#.into())).await;
    assert_eq!(cap.status, 200, "{}", cap.text);
    assert_eq!(cap.state(), "COMPLETED");
    assert!(cap.text.contains(r#""amount":60.50,"#), "{}", cap.text);
    let again = e.post(&id, "capture", Some("{}".into())).await;
    assert_eq!(again.status, 400);
    assert!(again.json["message"].as_str().unwrap().contains("Illegal Workflow State"));
    assert_eq!(e.post(&id, "void", None).await.status, 400);

    let refund = |amount: &str| {
        e.create_text(format!(
            r#"{{"paymentType":"REFUND","amount":{amount},"currency":"EUR","parentPaymentId":"{id}"}}"#
        ))
    };
    let too_much = refund("60.51").await;
    assert_eq!(too_much.status, 400, "{}", too_much.text);
    assert_eq!(too_much.json["errors"][0]["field"], "amount");
    assert!(too_much.json["message"].is_string() && too_much.json["path"] == PAYMENTS);

    let r1 = refund("20.25").await;
    assert_eq!(r1.status, 200, "{}", r1.text);
    assert_eq!(r1.state(), "PENDING");
    assert_eq!(r1.result()["paymentType"], "REFUND");
    assert_eq!(r1.result()["parentPaymentId"], id.as_str());
    // The pending refund is reserved: 40.26 more would exceed 60.50.
    assert_eq!(refund("40.26").await.status, 400);
    let r2 = refund("40.25").await;
    assert_eq!(r2.status, 200);
    let done = e.wait_state(&r1.id(), "COMPLETED").await;
    assert!(done.text.contains(r#""amount":20.25,"#));
    e.wait_state(&r2.id(), "COMPLETED").await;
    assert_eq!(refund("0.01").await.status, 400, "fully refunded");
    assert_eq!(e.hooks_for(&r1.id())[0]["state"], "COMPLETED");

    // Wrong currency, unknown parent, missing parent.
    let d = e.deposit_paid("4000000000000408", "10", false).await;
    let other = e
        .create(json!({"paymentType": "REFUND", "amount": 1, "currency": "USD", "parentPaymentId": d.id()}))
        .await;
    assert_eq!(other.status, 400);
    let unknown = e
        .create(json!({"paymentType": "REFUND", "amount": 1, "currency": "EUR", "parentPaymentId": "0".repeat(32)}))
        .await;
    assert_eq!(unknown.status, 400);
    let orphan = e.create(json!({"paymentType": "REFUND", "amount": 1, "currency": "EUR"})).await;
    assert_eq!(orphan.json["errors"][0]["field"], "parentPaymentId");
    // No amount: refunds the rest.
    let full = e
        .create(json!({"paymentType": "REFUND", "currency": "EUR", "parentPaymentId": d.id()}))
        .await;
    assert!(full.text.contains(r#""amount":10,"#), "{}", full.text);
    // A refund above the sandbox limit (10,000) is declined.
    let big = e.deposit_paid("4000000000000408", "20000", false).await;
    let r = e
        .create(json!({"paymentType": "REFUND", "amount": 15000, "currency": "EUR", "parentPaymentId": big.id()}))
        .await;
    let r = e.wait_state(&r.id(), "DECLINED").await;
    assert_eq!(r.result()["errorCode"], "3.28");
}

#[tokio::test]
async fn void_cancels_an_authorization_and_illegal_moves_are_refused() {
    let e = emu().await;
    let auth = e.deposit_paid("5555000000000008", "42", true).await;
    let id = auth.id();
    let voided = e.post(&id, "void", None).await;
    assert_eq!(voided.status, 200);
    assert_eq!(voided.state(), "CANCELLED");
    let cap = e.post(&id, "capture", None).await;
    assert_eq!(cap.status, 400);
    assert!(cap.json["message"].as_str().unwrap().contains("CANCELLED"));
    assert_eq!(
        e.hooks_for(&id).iter().map(|h| h["state"].clone()).collect::<Vec<_>>(),
        ["AUTHORIZED", "CANCELLED"]
    );
    // Full capture without a body.
    let auth = e.deposit_paid("5555000000000008", "42.10", true).await;
    let cap = e.post(&auth.id(), "capture", None).await;
    assert!(cap.text.contains(r#""amount":42.10,"#), "{}", cap.text);
    // Capture of a CHECKOUT deposit and of unknown ids.
    let open = e.create(json!({"paymentType": "DEPOSIT", "amount": 1, "currency": "EUR"})).await;
    assert_eq!(e.post(&open.id(), "capture", None).await.status, 400);
    assert_eq!(e.post(&"a".repeat(32), "void", None).await.status, 400);
    let missing = e.get(&"a".repeat(32)).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["error"], "Not Found");
}

#[tokio::test]
async fn host_to_host_step_runs_cards_and_gives_instructions() {
    let e = &emu().await;
    let patch = |id: String, body: &'static str| async move {
        e.call(Method::PATCH, &format!("{PAYMENTS}/{id}"), Some(body.to_owned())).await
    };
    let card_deposit = |card: &'static str| {
        e.create(json!({"paymentType": "DEPOSIT", "amount": 12.5, "currency": "EUR",
            "card": {"cardNumber": card, "expiryMonth": "01", "expiryYear": "2030"}}))
    };
    // Non-3DS: final in the answer.
    let a = card_deposit("4000000000000408").await;
    let missing_ip = patch(a.id(), "{}").await;
    assert_eq!(missing_ip.status, 400);
    assert_eq!(missing_ip.json["errors"][0]["field"], "customerIp");
    let done = patch(a.id(), r#"{"customerIp":"81.4.178.167"}"#).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.state(), "COMPLETED");
    assert_eq!(patch(a.id(), r#"{"customerIp":"81.4.178.167"}"#).await.status, 400);
    let d = card_deposit("4000000000000416").await;
    assert_eq!(patch(d.id(), r#"{"customerIp":"81.4.178.167"}"#).await.state(), "DECLINED");
    // 3DS: PENDING with a redirect to the sandbox's 3-D Secure page.
    let b = card_deposit("4000000000000002").await;
    let pending = patch(b.id(), r#"{"customerIp":"81.4.178.167"}"#).await;
    assert_eq!(pending.state(), "PENDING");
    let url = pending.result()["redirectUrl"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{}{}{}", e.h.base_url(), paytech::THREE_DS_PATH, b.id()));
    e.visit(&url).await;
    assert_eq!(e.get(&b.id()).await.state(), "COMPLETED");
    let f = card_deposit("5555000000000008").await;
    let pending = patch(f.id(), r#"{"customerIp":"81.4.178.167"}"#).await;
    e.visit(&format!("{}?action=fail", pending.result()["redirectUrl"].as_str().unwrap())).await;
    assert_eq!(e.get(&f.id()).await.result()["errorCode"], "5.00");
    // An alternative method: externalRefs with instructions; the customer pays later.
    let pix = e
        .create(json!({"paymentType": "DEPOSIT", "paymentMethod": "PIX", "amount": 100, "currency": "BRL"}))
        .await;
    let refs = patch(pix.id(), r#"{"customerIp":"81.4.178.167"}"#).await;
    assert_eq!(refs.state(), "PENDING");
    let ext = &refs.result()["externalRefs"];
    assert!(ext["paymentReference"].is_string() && ext["instructions"].is_string());
    e.visit(ext["paymentUrl"].as_str().unwrap()).await;
    assert_eq!(e.get(&pix.id()).await.state(), "COMPLETED");
    // A card deposit without card data cannot go host-to-host.
    let hpp = e.create(json!({"paymentType": "DEPOSIT", "amount": 1, "currency": "EUR"})).await;
    assert_eq!(patch(hpp.id(), r#"{"customerIp":"81.4.178.167"}"#).await.status, 400);
    assert_eq!(patch("f".repeat(32), r#"{"customerIp":"1.1.1.1"}"#).await.status, 404);
}

#[tokio::test]
async fn withdrawals_wait_for_approval() {
    let e = emu().await;
    let mk = |amount: &str, card: &str| {
        e.create_text(format!(
            r#"{{"paymentType":"WITHDRAWAL","amount":{amount},"currency":"GBP",
               "card":{{"cardNumber":"{card}","expiryMonth":"01","expiryYear":"2030"}}}}"#
        ))
    };
    let w = mk("10.01", "4000000000000002").await;
    assert_eq!(w.status, 200, "{}", w.text);
    assert_eq!(w.state(), "PENDING");
    assert_eq!(e.post(&w.id(), "approve", None).await.status, 400, "not yet awaiting approval");
    e.wait_state(&w.id(), "AWAITING_APPROVAL").await;
    let approved = e.post(&w.id(), "approve", None).await;
    assert_eq!(approved.state(), "PENDING");
    e.wait_state(&w.id(), "COMPLETED").await;
    assert_eq!(e.hooks_for(&w.id()).len(), 1, "only the final state is notified");

    let r = mk("5", "4000000000000002").await;
    e.wait_state(&r.id(), "AWAITING_APPROVAL").await;
    let rejected =
        e.post(&r.id(), "reject", Some(r#"{"rejectReason":"KYC missing"}"#.into())).await;
    assert_eq!(rejected.state(), "CANCELLED");
    assert_eq!(rejected.result()["errorCode"], "8.00");
    assert_eq!(rejected.result()["externalResultCode"], "KYC missing");
    assert_eq!(e.post(&r.id(), "reject", None).await.status, 400);
    assert_eq!(e.post(&"b".repeat(32), "approve", None).await.status, 404);

    let declined = mk("5", "4000000000000416").await;
    e.wait_state(&declined.id(), "AWAITING_APPROVAL").await;
    e.post(&declined.id(), "approve", None).await;
    assert_eq!(e.wait_state(&declined.id(), "DECLINED").await.result()["errorCode"], "4.00");

    let big = mk("10000.01", "4000000000000002").await;
    assert_eq!(e.wait_state(&big.id(), "DECLINED").await.result()["errorCode"], "3.28");
}

#[tokio::test]
async fn amount_triggers_processing_and_sandbox_limit() {
    let e = emu().await;
    let p = e.deposit_paid("4000000000000408", paytech::PROCESSING_AMOUNT, false).await;
    assert_eq!(p.state(), "PENDING");
    tokio::time::sleep(paytech::SETTLE_DELAY * 3).await;
    assert_eq!(e.get(&p.id()).await.state(), "PENDING");
    assert!(e.hooks_for(&p.id()).is_empty());
    let w =
        e.create(json!({"paymentType": "WITHDRAWAL", "amount": 77.77, "currency": "EUR"})).await;
    tokio::time::sleep(paytech::SETTLE_DELAY * 3).await;
    assert_eq!(e.get(&w.id()).await.state(), "PENDING");

    let big = e.deposit_paid("4000000000000408", "10000000", false).await;
    assert_eq!((big.state(), big.result()["errorCode"].as_str()), ("DECLINED", Some("3.28")));
    let under = e.deposit_paid("4000000000000408", "9999999.99", false).await;
    assert_eq!(under.state(), "COMPLETED");
}

#[tokio::test]
async fn amounts_are_exact_and_validated() {
    let e = emu().await;
    let mk = |amount: &str| {
        e.create_text(format!(r#"{{"paymentType":"DEPOSIT","amount":{amount},"currency":"USDT"}}"#))
    };
    let a = mk("1234567.123456789012345678").await;
    assert!(a.text.contains(r#""amount":1234567.123456789012345678,"#), "{}", a.text);
    assert!(mk("1.5e2").await.text.contains(r#""amount":150,"#));
    assert!(mk("0.00001").await.text.contains(r#""amount":0.00001,"#));
    for bad in ["\"11.12\"", "-1", "0", "1.0000000000000000001", "1000000000.01", "true"] {
        let r = mk(bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(r.json["errors"][0]["field"], "amount", "{bad}");
    }
    // Zero only for a Pre-Authorization.
    let zero = e
        .create_text(r#"{"paymentType":"DEPOSIT","amount":0,"currency":"EUR","preAuth":true}"#)
        .await;
    assert_eq!(zero.status, 200);
    // Other validation: required fields, enums, lengths, bad JSON.
    let r = e.create(json!({"amount": 1})).await;
    assert_eq!(r.status, 400);
    let fields: Vec<&str> =
        r.json["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"paymentType") && fields.contains(&"currency"), "{fields:?}");
    assert!(r.json["message"].as_str().unwrap().starts_with("Validation failed"));
    let r = e.create(json!({"paymentType": "PAYOUT", "amount": 1, "currency": "EUR"})).await;
    assert_eq!(r.json["errors"][0]["field"], "paymentType");
    let r = e.create(json!({"paymentType": "DEPOSIT", "amount": 1, "currency": "EUR", "paymentMethod": "CARD"})).await;
    assert_eq!(r.json["errors"][0]["field"], "paymentMethod");
    let r = e.create(json!({"paymentType": "DEPOSIT", "amount": 1, "currency": "EUR", "referenceId": "x".repeat(257)})).await;
    assert_eq!(r.json["errors"][0]["field"], "referenceId");
    let r = e.create(json!({"paymentType": "DEPOSIT", "currency": "EUR"})).await;
    assert_eq!(r.json["errors"][0]["field"], "amount");
    let r = e.call(Method::POST, PAYMENTS, Some("{not json".into())).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "Bad Request");
}

#[tokio::test]
async fn no_idempotency_a_repeat_makes_a_second_payment_found_by_reference() {
    let e = emu().await;
    let body = json!({"paymentType": "DEPOSIT", "amount": 3, "currency": "EUR", "referenceId": "order-77"});
    let a = e.create(body.clone()).await;
    let b = e.create(body).await;
    assert_ne!(a.id(), b.id());
    let found = e.call(Method::GET, &format!("{PAYMENTS}?referenceId.eq=order-77"), None).await;
    assert_eq!(found.json["result"].as_array().unwrap().len(), 2);
    let none = e.call(Method::GET, &format!("{PAYMENTS}?referenceId.eq=order-78"), None).await;
    assert_eq!(none.json["result"].as_array().unwrap().len(), 0);
    assert_eq!(none.json["hasMore"], false);
}

#[tokio::test]
async fn list_paginates_newest_first_with_filters() {
    let e = emu().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            e.create(json!({"paymentType": "DEPOSIT", "amount": n + 1, "currency": "EUR"}))
                .await
                .id(),
        );
    }
    let e = &e;
    let page = |q: &str| {
        let path = format!("{PAYMENTS}{q}");
        async move { e.call(Method::GET, &path, None).await }
    };
    let all = page("").await;
    assert_eq!(all.status, 200);
    let got: Vec<&str> =
        all.json["result"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let mut newest_first: Vec<&str> = ids.iter().map(String::as_str).collect();
    newest_first.reverse();
    assert_eq!(got, newest_first);
    assert_eq!(all.json["hasMore"], false);
    assert!(all.json["result"][0].get("externalRefs").is_none());

    let p1 = page("?limit=2").await;
    assert_eq!(p1.json["result"].as_array().unwrap().len(), 2);
    assert_eq!(p1.json["hasMore"], true);
    assert_eq!(p1.json["result"][0]["id"], ids[4].as_str());
    let p3 = page("?offset=4&limit=2").await;
    assert_eq!(p3.json["result"].as_array().unwrap().len(), 1);
    assert_eq!(p3.json["hasMore"], false);
    assert_eq!(p3.json["result"][0]["id"], ids[0].as_str());

    let future = page("?created.gte=2999-01-01T00:00:00").await;
    assert_eq!(future.json["result"].as_array().unwrap().len(), 0);
    let past = page("?created.gte=2000-01-01T00:00:00&created.lt=2000-01-02T00:00:00").await;
    assert_eq!(past.json["result"].as_array().unwrap().len(), 0);
    let updated = page("?updated.gte=2000-01-01T00:00:00&updated.lt=2999-01-01T00:00:00").await;
    assert_eq!(updated.json["result"].as_array().unwrap().len(), 5);
    for bad in ["?limit=0", "?limit=1001", "?offset=-1", "?created.gte=yesterday"] {
        assert_eq!(page(bad).await.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn operations_are_listed_most_recent_first() {
    let e = emu().await;
    let p = e.deposit_paid("4000000000000408", "9.99", false).await;
    let ops = e.call(Method::GET, &format!("{PAYMENTS}/{}/operations", p.id()), None).await;
    assert_eq!(ops.status, 200);
    let names: Vec<&str> = ops.json["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["operation"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["DEPOSIT", "CHECKOUT", "CREATE_PAYMENT"]);
    assert_eq!(ops.json["result"][0]["paymentState"], "COMPLETED");
}

#[tokio::test]
async fn a_fault_on_create_then_success() {
    let e = emu().await;
    e.h.faults().inject(Some(Method::POST), PAYMENTS, Fault::Status(503), Some(1));
    let body =
        json!({"paymentType": "DEPOSIT", "amount": 1, "currency": "EUR", "referenceId": "f-1"});
    let failed = e.create(body.clone()).await;
    assert_eq!(failed.status, 503);
    let ok = e.create(body).await;
    assert_eq!(ok.status, 200);
    let list = e.call(Method::GET, &format!("{PAYMENTS}?referenceId.eq=f-1"), None).await;
    assert_eq!(list.json["result"].as_array().unwrap().len(), 1, "the failed call created nothing");
    assert_eq!(e.h.stats().count(&Method::POST, PAYMENTS), 2);
    // Rate limiting on a read route.
    e.h.faults().inject(
        Some(Method::GET),
        PAYMENTS,
        Fault::RateLimited { retry_after_secs: 2 },
        Some(1),
    );
    let resp =
        e.c.get(e.url(&format!("{PAYMENTS}/{}", ok.id())))
            .bearer_auth(paytech::API_KEY)
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert_eq!(e.get(&ok.id()).await.status, 200);
}

#[tokio::test]
async fn webhooks_are_delivered_to_the_target() {
    let e = emu().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, Vec<u8>)>::new()));
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                let sig = headers["signature"].to_str().unwrap().to_owned();
                sink.lock().unwrap().push((sig, body.to_vec()));
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    e.h.webhooks().set_target(Some(format!("http://{addr}/hook")));
    let p = e.deposit_paid("4000000000000408", "1.23", false).await;
    for _ in 0..100 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (sig, body) = got.lock().unwrap()[0].clone();
    verify(Algorithm::Sha256, paytech::SIGNING_KEY.as_bytes(), &body, &sig, Encoding::Hex).unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["id"], p.id().as_str());
}

/// Runs the flows above once more and checks every answer (and every webhook body) against the
/// response schemas of `paytech.openapi.json`.
#[tokio::test]
async fn every_answer_matches_the_spec_schemas() {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/paytech.schemas.json")).unwrap();
    // When shared/ is next to the repository, the fixture must still match the spec.
    let spec_path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/providers/paytech.openapi.json");
    if let Ok(text) = std::fs::read_to_string(spec_path) {
        let spec: Value = serde_json::from_str(&text).unwrap();
        for (name, schema) in fixture["components"]["schemas"].as_object().unwrap() {
            assert_eq!(
                &spec["components"]["schemas"][name], schema,
                "fixture schema {name} is stale"
            );
        }
    }
    let validator_for = |name: &str| {
        let mut root = fixture.clone();
        root.as_object_mut()
            .unwrap()
            .insert("$ref".into(), json!(format!("#/components/schemas/{name}")));
        jsonschema::draft202012::new(&root).unwrap()
    };

    // The validator does validate: a made-up state is refused.
    let bogus = json!({"timestamp": "t", "status": 200, "result": {"id": "x", "state": "BOGUS"}});
    assert!(!validator_for("PaymentResponse").is_valid(&bogus));

    let e = emu().await;
    // Errors.
    e.raw(Method::GET, PAYMENTS, None, None).await;
    e.raw(Method::GET, &format!("{PAYMENTS}/{}", "a".repeat(32)), Some("bad"), None).await;
    e.get(&"a".repeat(32)).await;
    e.create(json!({"amount": "x"})).await;
    e.call(Method::GET, &format!("{PAYMENTS}?limit=0"), None).await;
    // Deposits, capture, void, refunds.
    let d = e.deposit_paid("4000000000000002", "11.12", false).await;
    e.deposit_paid("4242424242424242", "11.12", false).await;
    let a = e.deposit_paid("4000000000000408", "50", true).await;
    e.post(&a.id(), "capture", Some(r#"{"amount":20.5}"#.into())).await;
    e.post(&a.id(), "capture", None).await;
    let v = e.deposit_paid("4000000000000408", "50", true).await;
    e.post(&v.id(), "void", None).await;
    let r = e
        .create(json!({"paymentType": "REFUND", "amount": 1.12, "currency": "EUR", "parentPaymentId": d.id()}))
        .await;
    e.create(json!({"paymentType": "REFUND", "amount": 100, "currency": "EUR", "parentPaymentId": d.id()})).await;
    e.wait_state(&r.id(), "COMPLETED").await;
    // Host-to-host.
    let pix = e
        .create(json!({"paymentType": "DEPOSIT", "paymentMethod": "PIX", "amount": 10, "currency": "BRL",
            "customer": {"referenceId": "c1", "email": "a@b.co", "kycStatus": true, "depositsCnt": 3},
            "billingAddress": {"countryCode": "BR", "city": "Rio"}}))
        .await;
    e.call(
        Method::PATCH,
        &format!("{PAYMENTS}/{}", pix.id()),
        Some(r#"{"customerIp":"152.13.130.125"}"#.into()),
    )
    .await;
    // Withdrawals.
    let w = e
        .create(json!({"paymentType": "WITHDRAWAL", "amount": 10.01, "currency": "GBP",
        "card": {"cardNumber": "4000000000000002", "expiryMonth": "01", "expiryYear": "2030"}}))
        .await;
    e.wait_state(&w.id(), "AWAITING_APPROVAL").await;
    e.post(&w.id(), "reject", Some(r#"{"rejectReason":"no"}"#.into())).await;
    e.post(&w.id(), "approve", None).await;
    // Lists and operations.
    e.call(Method::GET, PAYMENTS, None).await;
    e.call(Method::GET, &format!("{PAYMENTS}?limit=1"), None).await;
    e.call(Method::GET, &format!("{PAYMENTS}/{}/operations", d.id()), None).await;

    let seen = e.seen.lock().unwrap().clone();
    let names: std::collections::BTreeSet<&str> = seen.iter().map(|(n, _)| *n).collect();
    for name in [
        "PaymentResponse",
        "PaymentListResponse",
        "OperationListResponse",
        "BadRequestError",
        "UnauthorizedError",
        "NotFoundError",
    ] {
        assert!(names.contains(name), "no {name} answer was checked");
    }
    let mut checked = 0;
    for (name, body) in &seen {
        let validator = validator_for(name);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name} {body}: {errors:?}");
        checked += 1;
    }
    let hooks = e.h.webhooks().sent();
    assert!(hooks.len() >= 5);
    let result = validator_for("PaymentResult");
    for hook in hooks {
        let body: Value = serde_json::from_slice(&hook.body).unwrap();
        let errors: Vec<String> = result.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "webhook {body}: {errors:?}");
        checked += 1;
    }
    assert!(checked > 30, "{checked}");
}
