//! `create_payment` through each connector (and through the router) against a local HTTP
//! server that returns a canned answer, versus a hand-written reqwest call sending the same
//! JSON (serialized from a `serde_json::Value` on each call, as hand-written code would) with
//! the same headers to the same server and parsing the answer as JSON.
//!
//! The canned answers are recorded once from the gateway's sandbox emulator (so they are the
//! gateway's real shapes) and then replayed without any server-side work.
//!
//! Run: `cargo bench -p paymux-benches --bench overhead`

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

#[derive(Clone, Default)]
struct Recorder {
    upstream: Arc<Mutex<String>>,
    canned: Arc<Mutex<Option<(u16, Bytes)>>>,
    last_request: Arc<Mutex<Option<(HeaderMap, Bytes)>>>,
    client: reqwest::Client,
}

async fn replay(
    State(r): State<Recorder>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
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
            *r.last_request.lock().expect("lock") = Some((headers, body));
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
    recorder: Recorder,
    /// Where the provider is pointed.
    base_url: String,
    /// `base_url` + the create path.
    url: String,
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

async fn cases(sandbox: &Sandbox) -> Vec<Case> {
    let mut out = Vec::new();
    let registry = paymux::registry();
    let base = || CreatePayment::new(usd(1050)).with_reference("bench_order");
    let kinds = [
        (
            "paychtec",
            &sandbox.paychtec,
            "/payments",
            base().with_card(card("4242424242424242")).with_billing(billing()),
        ),
        (
            "paytech",
            &sandbox.paytech,
            "/api/v1/payments",
            base().with_card(card("4000000000000408")),
        ),
        ("paygentic", &sandbox.paygentic, "/v0/payments", base()),
        (
            "paymnt",
            &sandbox.paymnt,
            "/payments",
            base().with_card(card("4242424242424242")).with_billing(billing()),
        ),
        (
            "paynectra",
            &sandbox.paynectra,
            "/v1/payments",
            base().with_return_url("https://shop.example/r"),
        ),
    ];
    for (kind, emulator, path, request) in kinds {
        let (url, recorder) = start_replayer(emulator).await;
        let mut spec = paymux::sandbox::instance_spec(emulator, kind);
        let base_path = emulator.credentials().extra.get("base_path").cloned().unwrap_or_default();
        spec.base_url = Some(format!("{url}{base_path}"));
        let provider = registry.factory(kind).expect("kind")(&spec).expect("provider");
        out.push(Case {
            name: kind.into(),
            provider: provider.clone(),
            request: request.clone(),
            recorder: recorder.clone(),
            base_url: format!("{url}{base_path}"),
            url: format!("{url}{base_path}{path}"),
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
                recorder,
                base_url: format!("{url}{base_path}"),
                url: format!("{url}{base_path}{path}"),
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    install_crypto();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let rounds = 101;
    let batch = 100;
    let mut rows = Vec::new();
    // Profiling knobs: `PAYMUX_BENCH_CASE=paygentic` keeps one case; `PAYMUX_BENCH_ONLY=subject`
    // (or `baseline`) runs only that side, `PAYMUX_BENCH_CALLS` calls (default 20,000), with no
    // table: for perf or callgrind.
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
        let (headers, body) =
            case.recorder.last_request.lock().expect("lock").clone().expect("recorded");
        // The baseline serializes its JSON body on every call, from a `Value` built once here
        // (the cheapest hand-written form: nothing is built per call).
        let body_json: serde_json::Value = serde_json::from_slice(&body).expect("recorded JSON");
        for _ in 0..50 {
            case.provider.create_payment(case.request.clone()).await.expect("warm-up");
        }
        let raw = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let subject_call = || async {
            let p = case.provider.create_payment(case.request.clone()).await;
            assert!(p.is_ok());
        };
        let baseline_call = || async {
            let bytes = serde_json::to_vec(&body_json).expect("serialize");
            let mut req = raw.post(&case.url).body(bytes);
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
                time_calls(profile_calls, baseline_call).await;
                continue;
            }
            _ => {}
        }
        let samples = compare_async(rounds, batch, subject_call, baseline_call).await;
        let goal = if case.name.starts_with("router") { 1.10 } else { 1.05 };
        let floor = case.name == "paygentic";
        rows.push(samples.row(case.name, goal));
        if floor {
            // The shared transport alone, on the same request: where the connectors start from.
            let transport = transport_only(&case.base_url, &headers);
            let path = case.url.strip_prefix(&case.base_url).unwrap_or_default().to_owned();
            let transport_call = || async {
                let req =
                    Request::post("create_payment", path.clone()).json(&body_json).expect("body");
                let v: serde_json::Value = transport.send_json(req).await.expect("answer");
                std::hint::black_box(v);
            };
            let samples = compare_async(rounds, batch, transport_call, baseline_call).await;
            rows.push(samples.row("transport only (paygentic's request, answer as Value)", 1.05));
            // The same, parsing the answer into the connector's typed wire struct instead.
            let typed_call = || async {
                let req =
                    Request::post("create_payment", path.clone()).json(&body_json).expect("body");
                let v: paymux::paygentic::wire::Payment =
                    transport.send_json(req).await.expect("answer");
                std::hint::black_box(v);
            };
            let samples = compare_async(rounds, batch, typed_call, baseline_call).await;
            rows.push(samples.row("transport + typed wire::Payment parse", 1.05));
        }
    }
    print_table("create_payment overhead", "connector", "raw reqwest + from_slice::<Value>", &rows);
}
