//! `create_payment` through each connector (and through the router) against a local HTTP
//! server that returns a canned answer, versus the same payment written by hand with reqwest
//! (`handwritten.rs`: typed request and answer structs, a fresh idempotency key, checked once
//! to send the connector's very request) to the same server. A second baseline, the floor,
//! re-sends the connector's recorded bytes (its idempotency key included) and parses the
//! answer as a `Value`: the bare HTTP exchange with nothing built per call.
//!
//! The canned answers are recorded once from the gateway's sandbox emulator (so they are the
//! gateway's real shapes) and then replayed without any server-side work.
//!
//! Run: `cargo bench -p paymux-benches --bench overhead`

mod handwritten;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::transport::{Auth, HttpTransport, Request, TransportConfig};
use paymux::{Card, CreatePayment, Currency, Money, PaymentProvider, ProviderId};
use paymux_benches::{compare_async, install_crypto, print_table, time_calls};

use handwritten::{Gateway, KeyPlace, Order, OrderCard};

#[derive(Clone, Default)]
struct Recorder {
    upstream: Arc<Mutex<String>>,
    canned: Arc<Mutex<Option<(u16, Bytes)>>>,
    /// The first request, or the next one after `capture` is set: path, headers, body.
    last_request: Arc<Mutex<Option<(String, HeaderMap, Bytes)>>>,
    capture: Arc<AtomicBool>,
    client: reqwest::Client,
}

async fn replay(
    State(r): State<Recorder>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    if r.capture.swap(false, Ordering::Relaxed) {
        *r.last_request.lock().expect("lock") =
            Some((uri.path().to_owned(), headers.clone(), body.clone()));
    }
    let canned = r.canned.lock().expect("lock").clone();
    let (status, answer) = match canned {
        Some(c) => c,
        None => {
            // First call: forward to the emulator and keep its answer.
            let url = format!("{}{}", r.upstream.lock().expect("lock"), uri);
            let mut req = r.client.post(url).body(body.clone());
            for (n, v) in &headers {
                if n != "host" && n != "content-length" {
                    req = req.header(n, v);
                }
            }
            let resp = req.send().await.expect("emulator answers");
            let status = resp.status().as_u16();
            let bytes = resp.bytes().await.expect("emulator body");
            *r.canned.lock().expect("lock") = Some((status, bytes.clone()));
            *r.last_request.lock().expect("lock") = Some((uri.path().to_owned(), headers, body));
            (status, bytes)
        }
    };
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [("content-type", "application/json")],
        answer,
    )
}

async fn start_replayer(upstream: &EmulatorHandle) -> (String, Recorder) {
    let recorder = Recorder { client: reqwest::Client::new(), ..Default::default() };
    *recorder.upstream.lock().expect("lock") = upstream.base_url();
    let app = axum::Router::new().fallback(replay).with_state(recorder.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    listener.set_nonblocking(true).expect("nonblocking");
    // `PAYMUX_BENCH_SERVER_THREAD=1`: the server runs on its own thread (its own core on a
    // 2-core machine) instead of sharing the client's, as a separate local server would.
    if std::env::var_os("PAYMUX_BENCH_SERVER_THREAD").is_some() {
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, app).await.expect("serve")
            });
        });
    } else {
        let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    }
    (format!("http://{addr}"), recorder)
}

struct Case {
    name: String,
    provider: Arc<dyn PaymentProvider>,
    request: CreatePayment,
    /// The same payment as the merchant's own data, for the hand-written call.
    order: Order,
    kind: &'static str,
    recorder: Recorder,
    /// The replaying server (`http://127.0.0.1:port`).
    server: String,
    /// Where the provider is pointed.
    base_url: String,
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).expect("money")
}

fn billing() -> paymux::BillingDetails {
    paymux::BillingDetails {
        address: Some(paymux::Address {
            line1: Some("1 Main St".into()),
            city: Some("Springfield".into()),
            postal_code: Some("12345".into()),
            country: Some("US".into()),
            ..Default::default()
        }),
        phone: Some(paymux::Phone { country_code: "+1".into(), number: "5550000000".into() }),
        email: None,
    }
}

fn card(number: &str) -> Card {
    Card::new(number, 12, 2030, "123").expect("card")
}

fn order(card: Option<&'static str>, billing: bool, return_url: Option<&'static str>) -> Order {
    Order {
        amount_minor: 1050,
        currency: "USD",
        reference: "bench_order",
        card: card.map(|number| OrderCard {
            number,
            exp_month: "12",
            exp_year: "2030",
            cvc: "123",
        }),
        billing,
        return_url,
    }
}

async fn cases(sandbox: &Sandbox) -> Vec<Case> {
    let mut out = Vec::new();
    let registry = paymux::registry();
    let base = || CreatePayment::new(usd(1050)).with_reference("bench_order");
    let visa = "4242424242424242";
    let kinds = [
        (
            "paychtec",
            &sandbox.paychtec,
            base().with_card(card(visa)).with_billing(billing()),
            order(Some(visa), true, None),
        ),
        (
            "paytech",
            &sandbox.paytech,
            base().with_card(card("4000000000000408")),
            order(Some("4000000000000408"), false, None),
        ),
        ("paygentic", &sandbox.paygentic, base(), order(None, false, None)),
        (
            "paymnt",
            &sandbox.paymnt,
            base().with_card(card(visa)).with_billing(billing()),
            order(Some(visa), true, None),
        ),
        (
            "paynectra",
            &sandbox.paynectra,
            base().with_return_url("https://shop.example/r"),
            order(None, false, Some("https://shop.example/r")),
        ),
    ];
    for (kind, emulator, request, order_data) in kinds {
        let (url, recorder) = start_replayer(emulator).await;
        let mut spec = paymux::sandbox::instance_spec(emulator, kind);
        let base_path = emulator.credentials().extra.get("base_path").cloned().unwrap_or_default();
        spec.base_url = Some(format!("{url}{base_path}"));
        let provider = registry.factory(kind).expect("kind")(&spec).expect("provider");
        out.push(Case {
            name: kind.into(),
            provider: provider.clone(),
            request: request.clone(),
            order: order(
                order_data.card.as_ref().map(|c| c.number),
                order_data.billing,
                order_data.return_url,
            ),
            kind,
            recorder: recorder.clone(),
            server: url.clone(),
            base_url: format!("{url}{base_path}"),
        });
        if kind == "paygentic" {
            // The same gateway through the router (rule evaluation, routed ids).
            let router = paymux::Router::builder()
                .instance("pg", provider)
                .default_instance("pg")
                .build()
                .expect("router");
            out.push(Case {
                name: "router -> paygentic".into(),
                provider: Arc::new(router),
                request,
                order: order_data,
                kind,
                recorder,
                server: url.clone(),
                base_url: format!("{url}{base_path}"),
            });
        }
    }
    out
}

/// A bare `HttpTransport` sending with the connector's recorded headers (as configuration,
/// not per call), so the shared transport's own cost shows on its own.
fn transport_only(base_url: &str, recorded: &HeaderMap) -> HttpTransport {
    let mut config = TransportConfig::new(ProviderId::new("transport"), base_url, Auth::None);
    for (n, v) in recorded {
        if !matches!(n.as_str(), "host" | "content-length" | "content-type" | "user-agent") {
            config.default_headers.insert(n.clone(), v.clone());
        }
    }
    HttpTransport::new(config).expect("transport")
}

/// The hand-written integration for `case`, configured from the connector's recorded request:
/// the account values its body names, and the headers every call carries (auth, profile,
/// user agent) as the client's defaults, as a hand-written integration would set them once.
fn hand_written(
    case: &Case,
    headers: &HeaderMap,
    body: &serde_json::Value,
) -> (Gateway, reqwest::Client) {
    let text = |field: &str| body[field].as_str().expect("recorded field").to_owned();
    let gateway = match case.kind {
        "paychtec" => Gateway::Paychtec { profile_id: text("profile_id") },
        "paytech" => Gateway::Paytech,
        "paygentic" => Gateway::Paygentic { merchant_id: text("merchantId") },
        "paymnt" => Gateway::Paymnt,
        "paynectra" => Gateway::Paynectra,
        other => panic!("no hand-written integration for {other}"),
    };
    let key_header = match gateway.key_place() {
        KeyPlace::Header(name) => Some(name),
        _ => None,
    };
    let mut defaults = HeaderMap::new();
    for (n, v) in headers {
        let per_call = matches!(n.as_str(), "host" | "content-length" | "content-type" | "accept");
        if !per_call && Some(n.as_str()) != key_header {
            defaults.insert(n.clone(), v.clone());
        }
    }
    (gateway, raw_client(defaults))
}

/// A plain reqwest client with the transport's timeouts and `defaults` on every request.
fn raw_client(defaults: HeaderMap) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(defaults)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// Panics unless the hand-written request equals the connector's: same path, same headers,
/// same JSON body, but for the value of the idempotency key.
fn assert_same_request(
    case: &str,
    place: &KeyPlace,
    connector: &(String, HeaderMap, Bytes),
    by_hand: &(String, HeaderMap, Bytes),
) {
    assert_eq!(connector.0, by_hand.0, "{case}: path");
    let comparable = |h: &HeaderMap| {
        let mut out: Vec<(String, String)> = h
            .iter()
            .filter(|(n, _)| n.as_str() != "host" && n.as_str() != "content-length")
            .map(|(n, v)| {
                let keyed = matches!(place, KeyPlace::Header(k) if *k == n.as_str());
                let v =
                    if keyed { "<key>".to_owned() } else { v.to_str().expect("ascii").to_owned() };
                (n.as_str().to_owned(), v)
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(comparable(&connector.1), comparable(&by_hand.1), "{case}: headers");
    let json = |b: &Bytes| {
        let mut v: serde_json::Value = serde_json::from_slice(b).expect("JSON body");
        if let KeyPlace::Body(field) = place {
            v[*field] = "<key>".into();
        }
        // A Hyperswitch create's merchant `payment_id` is derived from the key.
        if let Some(id) = v.get_mut("payment_id") {
            *id = "<derived from the key>".into();
        }
        v
    };
    assert_eq!(json(&connector.2), json(&by_hand.2), "{case}: body");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    install_crypto();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let rounds = 101;
    let batch = 100;
    let mut rows = Vec::new();
    let mut floor_rows = Vec::new();
    // Profiling knobs: `PAYMUX_BENCH_CASE=paygentic` keeps one case; `PAYMUX_BENCH_ONLY=subject`
    // (or `baseline`, `floor`) runs only that side, `PAYMUX_BENCH_CALLS` calls (default
    // 20,000), with no table: for perf or callgrind.
    let only_case = std::env::var("PAYMUX_BENCH_CASE").ok();
    let only_side = std::env::var("PAYMUX_BENCH_ONLY").ok();
    let profile_calls: u32 =
        std::env::var("PAYMUX_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    for case in cases(&sandbox).await {
        if only_case.as_deref().is_some_and(|c| c != case.name) {
            continue;
        }
        // Warm-up records the canned answer and the exact request the connector sends.
        case.provider.create_payment(case.request.clone()).await.expect("connector create");
        let recorded = case.recorder.last_request.lock().expect("lock").clone().expect("recorded");
        let (path, headers, body) = recorded.clone();
        let body_json: serde_json::Value = serde_json::from_slice(&body).expect("recorded JSON");
        let url = format!("{}{path}", case.server);
        let (gateway, hand_client) = hand_written(&case, &headers, &body_json);
        case.recorder.capture.store(true, Ordering::Relaxed);
        let created = gateway.create(&hand_client, &url, &case.order).await;
        let by_hand = case.recorder.last_request.lock().expect("lock").clone().expect("captured");
        assert_same_request(&case.name, &gateway.key_place(), &recorded, &by_hand);
        assert!(!created.id.is_empty() && !created.status.is_empty(), "{created:?}");
        for _ in 0..50 {
            case.provider.create_payment(case.request.clone()).await.expect("warm-up");
            gateway.create(&hand_client, &url, &case.order).await;
        }
        let raw = raw_client(HeaderMap::new());
        let subject_call = || async {
            let p = case.provider.create_payment(case.request.clone()).await;
            assert!(p.is_ok());
        };
        let hand_written_call = || async {
            std::hint::black_box(gateway.create(&hand_client, &url, &case.order).await);
        };
        // The floor: the recorded bytes again (nothing built per call but their serialization
        // from a `Value` built once here), answer parsed as a `Value`.
        let floor_call = || async {
            let bytes = serde_json::to_vec(&body_json).expect("serialize");
            let mut req = raw.post(&url).body(bytes);
            for (n, v) in &headers {
                if n != "host" && n != "content-length" {
                    req = req.header(n, v);
                }
            }
            let bytes = req.send().await.expect("send").bytes().await.expect("body");
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            std::hint::black_box(v);
        };
        match only_side.as_deref() {
            Some("subject") => {
                time_calls(profile_calls, subject_call).await;
                continue;
            }
            Some("baseline") => {
                time_calls(profile_calls, hand_written_call).await;
                continue;
            }
            Some("floor") => {
                time_calls(profile_calls, floor_call).await;
                continue;
            }
            _ => {}
        }
        // The guard: a connector adds at most 10 % to a hand-written call, the router 15 %.
        let goal = if case.name.starts_with("router") { 1.15 } else { 1.10 };
        let samples = compare_async(rounds, batch, subject_call, hand_written_call).await;
        rows.push(samples.row(case.name.clone(), goal));
        let samples = compare_async(rounds, batch, subject_call, floor_call).await;
        floor_rows.push(samples.row(case.name.clone(), goal));
        if case.name == "paygentic" {
            // The shared transport alone, on the same request: where the connectors start from.
            let transport = transport_only(&case.base_url, &headers);
            let path = url.strip_prefix(&case.base_url).unwrap_or_default().to_owned();
            let transport_call = || async {
                let req =
                    Request::post("create_payment", path.clone()).json(&body_json).expect("body");
                let v: serde_json::Value = transport.send_json(req).await.expect("answer");
                std::hint::black_box(v);
            };
            let samples = compare_async(rounds, batch, transport_call, floor_call).await;
            floor_rows
                .push(samples.row("transport only (paygentic's request, answer as Value)", 1.10));
            // The same, parsing the answer into a typed struct instead: a copy of the
            // connector's private one for the `Payment` schema.
            #[derive(serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            #[allow(dead_code)] // only parsed
            struct PaygenticPayment {
                id: String,
                amount: String,
                currency: String,
                status: String,
                created_at: Option<String>,
                payment_url: Option<String>,
                customer_id: Option<String>,
                reference: Option<String>,
                metadata: Option<std::collections::BTreeMap<String, String>>,
                line_items: Option<Vec<serde_json::Value>>,
                expires_at: Option<String>,
            }
            let typed_call = || async {
                let req =
                    Request::post("create_payment", path.clone()).json(&body_json).expect("body");
                let v: PaygenticPayment = transport.send_json(req).await.expect("answer");
                std::hint::black_box(v);
            };
            let samples = compare_async(rounds, batch, typed_call, floor_call).await;
            floor_rows.push(samples.row("transport + typed Payment parse", 1.10));
        }
    }
    print_table(
        "create_payment overhead against the hand-written integration",
        "connector",
        "hand-written reqwest",
        &rows,
    );
    print_table(
        "create_payment against the floor (recorded bytes re-sent, answer as Value)",
        "connector",
        "floor",
        &floor_rows,
    );
}
