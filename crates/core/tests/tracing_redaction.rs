//! Traced requests hold neither card numbers nor keys. Its own test binary: the subscriber is
//! process-global here, so no parallel test can race tracing's callsite cache.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymux_core::transport::{Auth, HttpTransport, Request, RetryPolicy, TransportConfig};
use paymux_core::{ProviderId, SecretString};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "snd_supersecretkey123";

fn transport(server_url: &str, retry: RetryPolicy, timeout: Duration) -> HttpTransport {
    let mut config = TransportConfig::new(
        ProviderId::new("testpay"),
        server_url,
        Auth::header("api-key", SecretString::from(KEY)).unwrap(),
    );
    config.retry = retry;
    config.timeout = timeout;
    HttpTransport::new(config).unwrap()
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn traces_hold_neither_card_numbers_nor_keys() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "pay_1", "card_number": "4242424242424242", "echo_key": KEY
        })))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));
    let body = json!({"payment_method_data": {"card": {
        "card_number": "4242424242424242", "card_cvc": "737", "card_exp_month": "12"}},
        "note": "pan 4000000000000002 inline", "api_key": KEY});
    let req = Request::post("create_payment", "/payments").json(&body).unwrap();
    let _: Value = t.send_json(req).await.unwrap();
    let debug = format!("{t:?}");

    // A text answer (not JSON): grouped and mistyped card numbers, a CVC, the key near a cut.
    let text_server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(format!(
            "card 4111 1111 1111 1111 / 5555-5555-5555-4444 / card_number=4111111111111112 / \
             cvc 9176 / echo {KEY}"
        )))
        .mount(&text_server)
        .await;
    let t = transport(&text_server.uri(), RetryPolicy::none(), Duration::from_secs(5));
    let err = t.send_json::<Value>(Request::post("create_payment", "/payments")).await.unwrap_err();
    tracing::warn!(error = %err, "as a caller logs it");

    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("request body") && out.contains("response body"), "trace ran: {out}");
    assert!(out.contains("create_payment") && out.contains("testpay"), "span fields: {out}");
    // The CVC as the JSON string it is: a bare "737" also turns up in ports and latencies.
    for secret in [
        "4242424242424242",
        "4000000000000002",
        KEY,
        "\"737\"",
        "4111 1111",
        "5555-5555",
        "4111111111111112",
        "cvc 9176",
    ] {
        assert!(!out.contains(secret), "{secret} leaked: {out}");
        assert!(!debug.contains(secret), "{secret} leaked in Debug: {debug}");
    }
}
