//! The shared emulator harness: webhook delivery retries, fault switches, request counting.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use paymux_sandbox::{Fault, TestCredentials, serve};

fn creds() -> TestCredentials {
    TestCredentials { api_key: "k".into(), webhook_secret: "s".into(), extra: BTreeMap::new() }
}

/// A receiver that answers 500 to the first `failures` deliveries, then 200.
async fn flaky_receiver(failures: usize) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            if counter.fetch_add(1, Ordering::SeqCst) < failures {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

#[tokio::test]
async fn webhooks_are_retried_until_a_2xx() {
    let emulator = serve("test", creds(), |_| axum::Router::new()).await.unwrap();
    let (url, hits) = flaky_receiver(2).await;
    emulator.webhooks().set_target(Some(url));
    emulator.webhooks().emit(vec![("x-sig".into(), "abc".into())], b"{\"n\":1}".to_vec());
    for _ in 0..100 {
        if !emulator.webhooks().deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deliveries = emulator.webhooks().deliveries();
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered);
    assert_eq!(deliveries[0].attempts, 3, "two 500s, then a 200");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert_eq!(emulator.webhooks().sent().len(), 1);
}

#[tokio::test]
async fn faults_apply_per_route_and_count_down() {
    let emulator = serve("test", creds(), |_| {
        axum::Router::new().route("/a", axum::routing::get(|| async { "ok" }))
    })
    .await
    .unwrap();
    emulator.faults().inject(None, "/a", Fault::Status(503), Some(2));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let url = format!("{}/a", emulator.base_url());
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(client.get(&url).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(emulator.stats().count(&http::Method::GET, "/a"), 3);
    emulator.faults().inject(None, "/a", Fault::RateLimited { retry_after_secs: 7 }, None);
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    emulator.faults().clear();
    emulator.faults().inject(None, "/a", Fault::Unavailable { retry_after_secs: 9 }, Some(1));
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert_eq!(resp.headers()["retry-after"], "9");
    emulator.faults().clear();
    assert_eq!(client.get(&url).send().await.unwrap().status().as_u16(), 200);
}
