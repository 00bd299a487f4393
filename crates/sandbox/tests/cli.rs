#![allow(clippy::unwrap_used)]
//! The standalone `paymux-sandbox` process: `serve --forward-to` posts signed webhooks to a
//! local endpoint, `trigger` makes a running emulator emit a chosen event, and the base URLs
//! it prints work as printed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_sandbox::paychtec;

const BIN: &str = env!("CARGO_BIN_EXE_paymux-sandbox");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

type Received = Arc<Mutex<Vec<(http::HeaderMap, Vec<u8>)>>>;

async fn endpoint() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// A port base whose five ports are free now.
fn free_base() -> u16 {
    for _ in 0..50 {
        let base = 20_000 + (fastrand_u16() % 20_000);
        let all_free = (0..5).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if all_free {
            return base;
        }
    }
    panic!("no free ports");
}

fn fastrand_u16() -> u16 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    u16::try_from((nanos ^ std::process::id()) % 40_000).unwrap()
}

/// Starts `paymux-sandbox serve` and waits for its table: `(server, printed lines)`.
fn serve(base: u16, forward_to: &str) -> (Server, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(["serve", "--port-base", &base.to_string(), "--forward-to", forward_to])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in out.lines() {
        let line = line.unwrap();
        let done = line.starts_with("emulators running");
        lines.push(line);
        if done {
            break;
        }
    }
    (Server(child), lines)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standalone_sandbox_forwards_signed_webhooks_and_triggers_events() {
    let (hook, got) = endpoint().await;
    let base = free_base();
    let (_server, lines) = tokio::task::spawn_blocking(move || serve(base, &hook)).await.unwrap();
    let table = lines.join("\n");
    // Base URLs as a client uses them: Paynectra's with its /v1.
    let paynectra = format!("http://127.0.0.1:{}/v1", base + 4);
    assert!(table.contains(&paynectra), "{table}");
    assert!(table.contains(&format!("http://127.0.0.1:{base} ")), "{table}");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let key = paymux_sandbox::paynectra::API_KEY;
    let list = client.get(format!("{paynectra}/payments")).bearer_auth(key).send().await.unwrap();
    assert_eq!(list.status(), 200, "the printed URL works as printed");

    // `trigger` makes the running Paychtec emulator emit the chosen event.
    let status = Command::new(BIN)
        .args(["trigger", "paychtec", "payment_succeeded", "--port-base", &base.to_string()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let unknown = Command::new(BIN)
        .args(["trigger", "paychtec", "nope", "--port-base", &base.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!unknown.success(), "an undocumented event is refused");

    let mut events = Vec::new();
    for _ in 0..100 {
        events = got.lock().unwrap().clone();
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (headers, body) = events.first().expect("a webhook reached the endpoint");
    let sig = headers["x-webhook-signature-512"].to_str().unwrap();
    webhook::verify(
        Algorithm::Sha512,
        paychtec::WEBHOOK_SECRET.as_bytes(),
        body,
        sig,
        Encoding::Hex,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["event_type"], "payment_succeeded");

    // `events` lists what can be triggered.
    let out = Command::new(BIN)
        .args(["events", "paygentic", "--port-base", &base.to_string()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("payment.completed.v0"));
}
