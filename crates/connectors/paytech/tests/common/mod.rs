//! Shared test setup: a connector pointed at a local wiremock server.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use paymux_core::SecretString;
use paymux_core::transport::RetryPolicy;
use paymux_paytech::{Environment, Paytech, PaytechConfig};
use wiremock::MockServer;

pub const API_KEY: &str = "sandbox-shop-api-key-0001";
pub const BEARER: &str = "Bearer sandbox-shop-api-key-0001";
pub const SIGNING_KEY: &str = "shop-signing-key-sandbox-1";

pub fn config(uri: &str) -> PaytechConfig {
    PaytechConfig::new(SecretString::from(API_KEY), Environment::Sandbox)
        .with_base_url(uri)
        .with_signing_key(SecretString::from(SIGNING_KEY))
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

pub fn connector(uri: &str) -> Paytech {
    Paytech::new(config(uri)).unwrap()
}

pub async fn setup() -> (MockServer, Paytech) {
    let server = MockServer::start().await;
    let paytech = connector(&server.uri());
    (server, paytech)
}

/// Wraps a payment result in the gateway's envelope, as raw text (amounts stay exact).
pub fn envelope(result: &str) -> String {
    format!(r#"{{"timestamp":"2024-09-24T20:29:11.632+00:00","status":200,"result":{result}}}"#)
}

/// The raw bodies of the requests the server received with `method` on `path`.
pub async fn bodies(server: &MockServer, method: &str, path: &str) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .map(|r| String::from_utf8(r.body).unwrap())
        .collect()
}
