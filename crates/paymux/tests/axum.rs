//! `paymux::axum`: what the ready route answers for each kind of delivery and what it stores,
//! the extractor, and the worker's shutdown and wake-up. Requests go through the axum app
//! in-process (`tower::ServiceExt::oneshot`), as the server would hand them over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use paymux::axum::{InboxWorker, VerifiedWebhook, WebhookRoute};
use paymux::{EventKind, MockProvider, PaymentProvider, http::HeaderMap};
use paymux_store::{Inbox, InboxConfig, InboxEvent, Store};
use tower::ServiceExt;

const EVENT: &[u8] = br#"{"id":"evt_1","type":"payment_succeeded","created_at":"2025-01-01T12:00:00Z","data":{"type":"other"}}"#;

async fn inbox() -> (Store, Inbox) {
    let store = Store::sqlite_in_memory().await.expect("store");
    store.migrate().await.expect("migrate");
    let inbox = Inbox::with_config(
        store.clone(),
        InboxConfig::new().with_backoff(Duration::from_millis(10), Duration::from_millis(20)),
    );
    (store, inbox)
}

fn app(mock: &Arc<MockProvider>, inbox: &Inbox) -> axum::Router {
    let provider: Arc<dyn PaymentProvider> = mock.clone();
    axum::Router::new().route(
        "/webhooks/mock",
        WebhookRoute::new(provider, inbox.clone()).with_body_limit(4096).into_route(),
    )
}

async fn post(app: &axum::Router, headers: &HeaderMap, body: Vec<u8>) -> (StatusCode, String) {
    let mut req = Request::post("/webhooks/mock").body(Body::from(body)).expect("request");
    req.headers_mut().extend(headers.clone());
    let resp = app.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn stored(inbox: &Inbox) -> u64 {
    let c = inbox.counts().await.expect("counts");
    c.pending + c.processing + c.done + c.dead
}

#[tokio::test]
async fn a_verified_delivery_is_stored_and_answered_200_once_and_again() {
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    let headers = mock.sign_webhook(EVENT);

    assert_eq!(post(&app, &headers, EVENT.to_vec()).await, (StatusCode::OK, String::new()));
    assert_eq!(stored(&inbox).await, 1);
    // The gateway did not see our 200 and delivers again: 200 again, nothing new stored.
    assert_eq!(post(&app, &headers, EVENT.to_vec()).await, (StatusCode::OK, String::new()));
    assert_eq!(stored(&inbox).await, 1);
    let event = inbox.event(1).await.expect("read").expect("row 1");
    assert_eq!(event.kind(), Some(&EventKind::PaymentSucceeded));
    assert_eq!(event.body, EVENT);
}

#[tokio::test]
async fn forgeries_get_one_answer_whatever_failed_and_nothing_is_stored() {
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    let headers = mock.sign_webhook(EVENT);

    let tampered = String::from_utf8_lossy(EVENT).replace("payment_succeeded", "payment_failed");
    let wrong = post(&app, &headers, tampered.into_bytes()).await;
    let missing = post(&app, &HeaderMap::new(), EVENT.to_vec()).await;
    let other_secret = MockProvider::builder().webhook_secret("not the secret").build();
    let foreign = post(&app, &other_secret.sign_webhook(EVENT), EVENT.to_vec()).await;

    let expected = (StatusCode::BAD_REQUEST, "invalid webhook".to_owned());
    assert_eq!(wrong, expected);
    assert_eq!(missing, expected, "a missing header must not be told apart from a mismatch");
    assert_eq!(foreign, expected);
    assert_eq!(stored(&inbox).await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_413_before_verification() {
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    let big = vec![b' '; 5000];
    let (status, _) = post(&app, &mock.sign_webhook(&big), big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(stored(&inbox).await, 0);
}

#[tokio::test]
async fn a_store_that_does_not_answer_gets_503_so_the_gateway_redelivers() {
    let (store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    store.close().await;
    let (status, body) = post(&app, &mock.sign_webhook(EVENT), EVENT.to_vec()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, "try again later");
    assert!(!body.contains("sqlite") && !body.contains("paymux-store"));
}

#[tokio::test]
async fn a_signed_body_that_is_not_json_is_kept_raw_and_answered_200() {
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    let body = b"{ truncated".to_vec();
    let (status, _) = post(&app, &mock.sign_webhook(&body), body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let kept = inbox.event(1).await.expect("read").expect("row 1");
    assert!(kept.event.is_none());
    assert_eq!(kept.body, body);
}

#[tokio::test]
async fn the_worker_hands_stored_events_to_the_handler_and_stops_on_the_signal() {
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    // A poll interval far beyond the test: only the endpoint's wake-up can make it prompt.
    let worker = InboxWorker::new(inbox.clone()).with_poll_interval(Duration::from_secs(3600));
    let provider: Arc<dyn PaymentProvider> = mock.clone();
    let app = axum::Router::new().route(
        "/webhooks/mock",
        WebhookRoute::new(provider, inbox.clone()).waking(&worker).into_route(),
    );
    let seen: Arc<Mutex<Vec<(String, u32)>>> = Arc::default();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handler_seen = seen.clone();
    let waker = worker.clone();
    let running = tokio::spawn(async move {
        worker
            .run(
                move |event: InboxEvent| {
                    let seen = handler_seen.clone();
                    async move {
                        seen.lock()
                            .expect("lock")
                            .push((event.event_id.to_string(), event.attempt));
                        // The first attempt fails: the inbox retries it after its backoff.
                        if event.attempt == 1 { Err("not yet") } else { Ok(()) }
                    }
                },
                async {
                    let _ = stopped.await;
                },
            )
            .await
    });
    // Let the worker reach its idle wait, so the event arrives while it sleeps.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(post(&app, &mock.sign_webhook(EVENT), EVENT.to_vec()).await.0, StatusCode::OK);
    let first_attempt = async {
        while seen.lock().expect("lock").is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(2), first_attempt)
        .await
        .expect("the endpoint wakes the worker: no hour-long poll");
    // The retry becomes due after its backoff, which no delivery announces: wake the worker
    // as its next poll would.
    for _ in 0..100 {
        if inbox.counts().await.expect("counts").done == 1 {
            break;
        }
        waker.wake();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    let report = tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the worker stops on the signal")
        .expect("no panic");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.first(), Some(&("evt_1".to_owned(), 1)));
    assert_eq!(report.retrying, 1, "{seen:?}");
    assert_eq!(report.succeeded, 1, "{seen:?}");
    assert_eq!(inbox.counts().await.expect("counts").done, 1);
}

#[derive(Clone)]
struct State {
    gateway: Arc<dyn PaymentProvider>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl axum::extract::FromRef<State> for Arc<dyn PaymentProvider> {
    fn from_ref(state: &State) -> Self {
        state.gateway.clone()
    }
}

async fn own_handler(
    axum::extract::State(state): axum::extract::State<State>,
    hook: VerifiedWebhook,
) -> StatusCode {
    state.seen.lock().expect("lock").push(format!("{} {}", hook.event.id, hook.event.kind));
    StatusCode::NO_CONTENT
}

#[tokio::test]
async fn the_extractor_gives_verified_events_and_refuses_forgeries_without_details() {
    let mock = Arc::new(MockProvider::new());
    let state = State { gateway: mock.clone(), seen: Arc::default() };
    let app = axum::Router::new()
        .route("/webhooks/mock", axum::routing::post(own_handler))
        .with_state(state.clone());

    assert_eq!(
        post(&app, &mock.sign_webhook(EVENT), EVENT.to_vec()).await.0,
        StatusCode::NO_CONTENT
    );
    let forged = post(&app, &HeaderMap::new(), EVENT.to_vec()).await;
    assert_eq!(forged, (StatusCode::BAD_REQUEST, "invalid webhook".to_owned()));
    let big = vec![b' '; paymux::webhook::DEFAULT_MAX_BODY + 1];
    assert_eq!(post(&app, &mock.sign_webhook(&big), big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(*state.seen.lock().expect("lock"), vec!["evt_1 payment_succeeded".to_owned()]);
}

#[cfg(feature = "router")]
#[tokio::test]
async fn one_route_for_a_router_verifies_with_the_named_instance_and_routes_ids() {
    let (_store, inbox) = inbox().await;
    let us = Arc::new(MockProvider::builder().id("mock_us").webhook_secret("whsec_us").build());
    let eu = Arc::new(MockProvider::builder().id("mock_eu").webhook_secret("whsec_eu").build());
    let router = paymux::Router::builder()
        .instance("mock_us", us.clone())
        .instance("mock_eu", eu.clone())
        .default_instance("mock_us")
        .build()
        .expect("router");
    let app = axum::Router::new().route(
        "/hooks/{instance}",
        WebhookRoute::for_router(Arc::new(router), inbox.clone()).into_route(),
    );
    let send = |path: &'static str, headers: HeaderMap| {
        let app = app.clone();
        async move {
            let mut req = Request::post(path).body(Body::from(EVENT.to_vec())).expect("request");
            req.headers_mut().extend(headers);
            app.oneshot(req).await.expect("infallible").status()
        }
    };
    assert_eq!(send("/hooks/mock_eu", eu.sign_webhook(EVENT)).await, StatusCode::OK);
    // Signed by the other instance: refused, whichever instance's secret it carries.
    assert_eq!(send("/hooks/mock_us", eu.sign_webhook(EVENT)).await, StatusCode::BAD_REQUEST);
    assert_eq!(send("/hooks/nope", eu.sign_webhook(EVENT)).await, StatusCode::NOT_FOUND);
    assert_eq!(stored(&inbox).await, 1);
    let event = inbox.event(1).await.expect("read").expect("row 1");
    assert_eq!(event.instance.as_str(), "mock_eu");
}

#[tokio::test(flavor = "current_thread")]
async fn an_idle_worker_keeps_the_inbox_depth_gauge_current() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // For this thread only: the current-thread runtime runs the worker on it.
    let _guard = metrics::set_default_local_recorder(&recorder);
    let (_store, inbox) = inbox().await;
    let mock = Arc::new(MockProvider::new());
    let app = app(&mock, &inbox);
    // Two events stored before the worker starts: never handled (the handler fails).
    for n in 0..2 {
        let body = format!(r#"{{"id":"evt_depth_{n}","type":"payment_succeeded","data":{{}}}}"#);
        let (status, _) = post(&app, &mock.sign_webhook(body.as_bytes()), body.into_bytes()).await;
        assert_eq!(status, StatusCode::OK);
    }
    let worker = InboxWorker::new(inbox.clone())
        .with_poll_interval(Duration::from_millis(10))
        .with_depth_interval(Duration::from_millis(20));
    let handler = |_: InboxEvent| async { Err::<(), _>("down") };
    worker.run(handler, tokio::time::sleep(Duration::from_millis(150))).await;
    let depth = |state: &str| {
        snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .find(|(k, _, _, _)| {
                k.key().name() == paymux::observability::INBOX_DEPTH
                    && k.key().labels().any(|l| l.key() == "state" && l.value() == state)
            })
            .map(|(_, _, _, v)| v)
    };
    // Nobody called `counts`: the worker did. Both events wait for their retry.
    assert_eq!(depth("pending"), Some(DebugValue::Gauge(2.0.into())));
    assert_eq!(depth("done"), Some(DebugValue::Gauge(0.0.into())));
}
