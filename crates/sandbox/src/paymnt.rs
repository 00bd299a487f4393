//! The paymnt emulator (not yet written: every route answers 501).

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;

use crate::server::{EmulatorHandle, TestCredentials, serve};

/// The keys this emulator accepts.
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: "test_key".into(),
        webhook_secret: "test_webhook_secret".into(),
        extra: BTreeMap::new(),
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    serve("paymnt", credentials(), |_ctx| {
        Router::new().fallback(|| async { StatusCode::NOT_IMPLEMENTED })
    })
    .await
}
