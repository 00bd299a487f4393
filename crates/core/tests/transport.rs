//! The shared transport against a local wiremock server.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use paymux_core::transport::{Auth, HttpTransport, Request, RetryPolicy, TransportConfig};
use paymux_core::{ErrorKind, IdempotencyKey, ProviderId, SecretString};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
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

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn a_503_then_200_retries_with_the_same_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(header("api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"payment_id": "pay_1"})))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_secs(5));
    let key = IdempotencyKey::new("order_123_attempt_1").unwrap();
    let req = Request::post("create_payment", "/payments")
        .json(&json!({"amount": 6540}))
        .unwrap()
        .idempotent_header(key, "X-Idempotency-Key")
        .unwrap();
    let answer: Value = t.send_json(req).await.unwrap();
    assert_eq!(answer["payment_id"], "pay_1");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_eq!(r.headers["x-idempotency-key"], "order_123_attempt_1");
        assert_eq!(r.headers["user-agent"], paymux_core::transport::USER_AGENT);
        assert_eq!(r.headers["content-type"], "application/json");
    }
}

#[tokio::test]
async fn a_429_waits_for_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_secs(5));
    let started = Instant::now();
    let answer: Value = t.send_json(Request::get("get_payment", "/payments/pay_1")).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(answer["ok"], true);
    // Backoff alone is at most 5 ms; only Retry-After explains a wait of a second.
    assert!(waited >= Duration::from_millis(950), "waited only {waited:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_secs(5));
    let err = t.send_json::<Value>(Request::get("get_payment", "/p")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unkeyed_post_that_times_out_is_sent_once_and_reported_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_millis(100));
    let req = Request::post("create_payment", "/payments").json(&json!({"amount": 1})).unwrap();
    let err = t.send_json::<Value>(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(err.to_string().contains("outcome unknown"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_keyed_post_that_times_out_is_retried_with_its_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_millis(100));
    let req = Request::post("create_payment", "/payments")
        .idempotent_header(IdempotencyKey::generate(), "Idempotency-Key")
        .unwrap();
    let err = t.send_json::<Value>(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    let keys: Vec<_> = received.iter().map(|r| r.headers["idempotency-key"].clone()).collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));
    let err = t.send_json::<Value>(Request::get("get_payment", "/p")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProviderUnavailable);
    assert!(!err.is_outcome_unknown(), "reads have no outcome to be unknown");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_even_without_a_key_and_is_not_ambiguous() {
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let t = transport(&format!("http://127.0.0.1:{port}"), fast_retries(), Duration::from_secs(2));
    let req = Request::post("create_payment", "/payments").json(&json!({})).unwrap();
    let err = t.send_json::<Value>(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(!err.is_outcome_unknown(), "{err}");
}

#[tokio::test]
async fn bad_bodies_become_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/malformed"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": "))
        .mount(&server)
        .await;
    Mock::given(path("/html"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/empty")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    Mock::given(path("/not-json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("OK 4242424242424242"))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));

    let e = t.send_json::<Value>(Request::get("get", "/malformed")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    let e = t.send_json::<Value>(Request::get("get", "/html")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProviderUnavailable);
    assert_eq!(e.http_status(), Some(502));
    assert!(e.gateway_message().unwrap().contains("502 Bad Gateway"));
    let e = t.send_json::<Value>(Request::get("get", "/empty")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    let e = t.send_json::<Value>(Request::get("get", "/not-json")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(!e.to_string().contains("4242424242424242"), "{e}");
    // An unreadable answer to a mutation means the gateway acted: outcome unknown.
    let e = t.send_json::<Value>(Request::post("create", "/malformed")).await.unwrap_err();
    assert!(e.is_outcome_unknown());
}

/// A bare HTTP/1.1 server: reads each request and lets `answer` write the response bytes.
async fn raw_server<F, Fut>(answer: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0_u8; 4096];
            let _ = sock.read(&mut buf).await;
            answer(sock).await;
        }
    });
    format!("http://{addr}")
}

/// A server that promises 100 bytes, sends 12, and hangs up.
async fn truncating_server() -> String {
    raw_server(|mut sock| async move {
        use tokio::io::AsyncWriteExt;
        let _ = sock
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"pay_")
            .await;
        let _ = sock.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_truncated_body_is_a_typed_error_and_ambiguous_for_mutations() {
    let url = truncating_server().await;
    let t = transport(&url, RetryPolicy::none(), Duration::from_secs(5));
    let e = t.send_json::<Value>(Request::get("get", "/p")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    let e = t.send_json::<Value>(Request::post("create", "/p")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(e.is_outcome_unknown());
}

#[tokio::test]
async fn error_parser_hook_reads_the_gateway_shape() {
    fn parser(_: http::StatusCode, body: &[u8]) -> Option<paymux_core::transport::GatewayError> {
        let v: Value = serde_json::from_slice(body).ok()?;
        Some(paymux_core::transport::GatewayError {
            code: v["error"]["code"].as_str().map(str::to_owned),
            message: v["error"]["message"].as_str().map(str::to_owned),
            ..Default::default()
        })
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409).set_body_json(
            json!({"error": {"type": "invalid_request", "code": "IR_14", "message": "already captured"}}),
        ))
        .mount(&server)
        .await;
    let mut config = TransportConfig::new(ProviderId::new("p"), server.uri(), Auth::None);
    config.error_parser = Some(parser);
    let t = HttpTransport::new(config).unwrap();
    let e =
        t.send_json::<Value>(Request::post("capture", "/payments/x/capture")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.gateway_code(), Some("IR_14"));
    assert_eq!(e.gateway_message(), Some("already captured"));
    assert_eq!(e.provider().map(|p| p.as_str()), Some("p"));
}

#[tokio::test]
async fn query_parameters_are_encoded_and_base_path_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(wiremock::matchers::query_param("created[gte]", "1700000000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let t =
        transport(&format!("{}/v1/", server.uri()), RetryPolicy::none(), Duration::from_secs(5));
    let req = Request::get("list_payments", "/payments").query("created[gte]", "1700000000");
    let v: Value = t.send_json(req).await.unwrap();
    assert!(v["data"].is_array());
    let url = server.received_requests().await.unwrap()[0].url.to_string();
    assert!(url.contains("created%5Bgte%5D=1700000000"), "{url}");
}

/// A server that answers after 50 ms and remembers the most requests it held at once.
async fn concurrency_counting_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let peak_out = peak.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let (now, peak) = (now.clone(), peak.clone());
            tokio::spawn(async move {
                let mut buf = [0_u8; 4096];
                while let Ok(n) = sock.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    let held = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(held, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
                    if sock.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), peak_out)
}

#[tokio::test]
async fn max_in_flight_bounds_concurrent_requests() {
    let (url, peak) = concurrency_counting_server().await;
    let mut config = TransportConfig::new(ProviderId::new("p"), url, Auth::None);
    config.max_in_flight = Some(2);
    let t = HttpTransport::new(config).unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let t = t.clone();
        set.spawn(async move { t.send_json::<Value>(Request::get("get", "/p")).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_path_with_dot_segments_is_refused_before_sending() {
    let server = MockServer::start().await;
    let t = transport(&server.uri(), fast_retries(), Duration::from_secs(5));
    for bad in ["/payments/../admin", "/payments/./x", "/payments/%2e%2E/admin", "/.."] {
        let err = t.execute(Request::get("get_payment", bad)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad}");
        assert_eq!(err.provider().map(|p| p.as_str()), Some("testpay"));
        assert!(!err.is_outcome_unknown());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A server that answers 200 with a chunked body written piece by piece, a moment apart, so
/// the client receives the pieces as separate frames.
async fn chunking_server(pieces: &'static [&'static str]) -> String {
    raw_server(move |mut sock| async move {
        use tokio::io::AsyncWriteExt;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        sock.write_all(head.as_bytes()).await.unwrap();
        for piece in pieces {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            sock.write_all(chunk.as_bytes()).await.unwrap();
            sock.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sock.write_all(b"0\r\n\r\n").await.unwrap();
        let _ = sock.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole_and_in_order() {
    let url = chunking_server(&["{\"id\":\"pay_", "123\",\"amount\":", "1050}"]).await;
    let t = transport(&url, RetryPolicy::none(), Duration::from_secs(5));
    let response = t.execute(Request::get("get", "/p")).await.unwrap();
    assert_eq!(&response.body[..], b"{\"id\":\"pay_123\",\"amount\":1050}");
    let v: Value = t.send_json(Request::get("get", "/p")).await.unwrap();
    assert_eq!(v, json!({"id": "pay_123", "amount": 1050}));
}

#[tokio::test]
async fn an_empty_body_is_read_as_empty() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));
    let response = t.execute(Request::new(http::Method::DELETE, "delete", "/p")).await.unwrap();
    assert_eq!(response.status, 204);
    assert!(response.body.is_empty());
}

/// Mounts one answer per attempt, in order, on `POST /payments`.
async fn answers_in_order(server: &MockServer, answers: Vec<ResponseTemplate>) {
    for answer in answers {
        Mock::given(method("POST"))
            .and(path("/payments"))
            .respond_with(answer)
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

fn keyed_create() -> Request {
    Request::post("create_payment", "/payments")
        .json(&json!({"amount": 6540}))
        .unwrap()
        .idempotent_header(IdempotencyKey::generate(), "Idempotency-Key")
        .unwrap()
}

#[tokio::test]
async fn outcome_unknown_is_sticky_across_later_attempts() {
    // Attempt 1 may have reached the gateway (its answer came too late); later attempts fail
    // in ways that alone would mean "not taken". The call's error must still say unknown.
    let late = || ResponseTemplate::new(200).set_delay(Duration::from_millis(400));
    let cases: Vec<(&str, Vec<ResponseTemplate>)> = vec![
        ("timeout, 429, 429", vec![late(), ResponseTemplate::new(429), ResponseTemplate::new(429)]),
        (
            "timeout, 429 with a Retry-After beyond the cap",
            vec![late(), ResponseTemplate::new(429).insert_header("retry-after", "3600")],
        ),
        (
            "500, 429, 400",
            vec![
                ResponseTemplate::new(500),
                ResponseTemplate::new(429),
                ResponseTemplate::new(400),
            ],
        ),
        ("timeout, 401", vec![late(), ResponseTemplate::new(401)]),
    ];
    for (name, answers) in cases {
        let server = MockServer::start().await;
        answers_in_order(&server, answers).await;
        let t = transport(&server.uri(), fast_retries(), Duration::from_millis(150));
        let err = t.send_json::<Value>(keyed_create()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{name}: {err}");
    }
}

#[tokio::test]
async fn outcome_unknown_is_sticky_after_a_refused_connection() {
    // Attempt 1 reaches a server that never answers in time; it is then gone, so attempt 2
    // and 3 are refused (which alone would say "certainly not sent").
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (reached_tx, reached_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        drop(listener);
        let _ = reached_tx.send(());
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(sock);
    });
    let retry =
        RetryPolicy::default().with_delays(Duration::from_millis(50), Duration::from_millis(50));
    let t = transport(&format!("http://{addr}"), retry, Duration::from_millis(150));
    let err = t.send_json::<Value>(keyed_create()).await.unwrap_err();
    reached_rx.await.unwrap();
    assert_eq!(err.kind(), ErrorKind::Transport, "the last attempt was refused: {err}");
    assert!(err.is_outcome_unknown(), "{err}");
}

#[tokio::test]
async fn an_echoed_key_is_masked_wherever_it_straddles_the_cut() {
    for pad in [140, 150, 155, 159, 160, 161] {
        let body = format!("{}{KEY} was not accepted", "x".repeat(pad));
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/bad"))
            .respond_with(ResponseTemplate::new(400).set_body_string(body.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/unreadable"))
            .respond_with(ResponseTemplate::new(200).set_body_string(format!("<{body}")))
            .mount(&server)
            .await;
        let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));
        for route in ["/bad", "/unreadable"] {
            let err = t.send_json::<Value>(Request::post("op", route)).await.unwrap_err();
            let text = format!("{err} {err:?}");
            for part in KEY.as_bytes().windows(5) {
                let part = std::str::from_utf8(part).unwrap();
                assert!(!text.contains(part), "{route}, pad {pad}: {part:?} of the key in {text}");
            }
        }
    }
}

#[tokio::test]
async fn card_data_in_text_answers_is_redacted_in_errors() {
    let body =
        "declined: 4242 4242 4242 4242 / 5555-5555-5555-4444 / card 4242424242424241 / cvc 917";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(402).set_body_string(body))
        .mount(&server)
        .await;
    let t = transport(&server.uri(), RetryPolicy::none(), Duration::from_secs(5));
    let err = t.send_json::<Value>(Request::post("op", "/p")).await.unwrap_err();
    let text = format!("{err} {err:?}");
    for leaked in ["4242 4242", "5555-5555", "424242424241", "917"] {
        assert!(!text.contains(leaked), "{leaked} in {text}");
    }
    assert!(text.contains("declined"), "the rest of the message is kept: {text}");
}

#[tokio::test]
async fn a_callers_client_still_sends_auth_user_agent_and_keeps_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/fast"))
        .and(header("api-key", KEY))
        .and(header("user-agent", paymux_core::transport::USER_AGENT))
        .and(header("x-profile-id", "pro_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let mut config = TransportConfig::new(
        ProviderId::new("testpay"),
        server.uri(),
        Auth::header("api-key", SecretString::from(KEY)).unwrap(),
    );
    config.default_headers.insert("x-profile-id", "pro_1".parse().unwrap());
    config.timeout = Duration::from_millis(100);
    config.retry = RetryPolicy::none();
    // The caller's client is built by the caller, TLS provider included.
    let _ = rustls::crypto::ring::default_provider().install_default();
    config.http_client = Some(reqwest::Client::new());
    let t = HttpTransport::new(config).unwrap();
    let answer: Value = t.send_json(Request::get("get", "/fast")).await.unwrap();
    assert_eq!(answer["ok"], true);
    let started = Instant::now();
    let err = t.send_json::<Value>(Request::get("get", "/slow")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_millis(400), "the configured timeout applies");
}

/// Counts the log records (the `log` crate: rustls-platform-verifier writes through it) that
/// announce a root store being loaded.
struct RootStoreLoads(std::sync::atomic::AtomicUsize);

impl log::Log for RootStoreLoads {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.args().to_string().contains("CA root certificates") {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    fn flush(&self) {}
}

static LOADS: RootStoreLoads = RootStoreLoads(std::sync::atomic::AtomicUsize::new(0));

#[test]
fn the_root_store_is_loaded_once_per_process_not_once_per_client() {
    log::set_logger(&LOADS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    for instance in ["a", "b", "c", "d"] {
        let config = TransportConfig::new(
            ProviderId::new(instance),
            "https://api.example.invalid",
            Auth::header("api-key", SecretString::from("snd_key")).unwrap(),
        );
        HttpTransport::new(config).unwrap();
    }
    // Another test of this binary may have built the first client before the logger was set.
    let loads = LOADS.0.load(std::sync::atomic::Ordering::SeqCst);
    assert!(loads <= 1, "the root store was loaded {loads} times for 4 clients");
}
