//! Fault switches: make a route slow, fail, rate-limit, hang up or answer garbage, on demand.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

use crate::server::Ctx;

/// One injected failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then handle the request normally. The gateway acts even if the client
    /// has given up by then, as a real one would.
    Delay(Duration),
    /// Answer this status without handling the request (nothing happens at the gateway).
    Status(u16),
    /// Answer 429 with `Retry-After: secs` without handling the request.
    RateLimited {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
    /// Answer 503 with `Retry-After: secs` without handling the request (a gateway in
    /// maintenance saying when to come back).
    Unavailable {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
    /// Handle the request, then cut the connection in the middle of the answer.
    DropConnection,
    /// Handle the request, then answer a truncated, unparseable body.
    MalformedBody,
    /// Handle the request, then answer its status with a body that is not JSON at all (an HTML
    /// page from a proxy in front of the gateway).
    NotJson,
}

#[derive(Debug, Clone)]
struct Rule {
    method: Option<Method>,
    path_prefix: String,
    fault: Fault,
    remaining: Option<u32>,
}

/// The fault switches of one emulator. Rules match by method (any if `None`) and path prefix;
/// the first matching rule applies and counts down its `times`.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule>>>,
}

impl Faults {
    /// Injects `fault` on requests matching `method` and `path_prefix`, `times` times
    /// (`None`: until cleared).
    pub fn inject(
        &self,
        method: Option<Method>,
        path_prefix: &str,
        fault: Fault,
        times: Option<u32>,
    ) {
        let rule = Rule { method, path_prefix: path_prefix.to_owned(), fault, remaining: times };
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn take(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let idx = rules.iter().position(|r| {
            r.method.as_ref().is_none_or(|m| m == method) && path.starts_with(&r.path_prefix)
        })?;
        let fault = rules[idx].fault.clone();
        if let Some(n) = rules[idx].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                rules.remove(idx);
            }
        }
        Some(fault)
    }
}

/// The middleware every emulator runs behind: counts the request, then applies a fault if one
/// matches.
pub(crate) async fn fault_layer(State(ctx): State<Ctx>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let in_flight = ctx.stats.record(&method, &path);
    match ctx.faults.take(&method, &path) {
        None => next.run(req).await,
        Some(Fault::Delay(d)) => {
            // A real gateway keeps processing when the client gives up: run the request on its
            // own task so a client timeout does not cancel it (it stays in flight until done).
            let work = tokio::spawn(async move {
                tokio::time::sleep(d).await;
                let answer = next.run(req).await;
                drop(in_flight);
                answer
            });
            work.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, [("content-type", "text/html")], "<html><body>injected failure</body></html>")
                .into_response()
        }
        Some(Fault::RateLimited { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            "{\"error\":\"rate limited\"}",
        )
            .into_response(),
        Some(Fault::Unavailable { retry_after_secs }) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", retry_after_secs.to_string())],
            "{\"error\":\"service unavailable\"}",
        )
            .into_response(),
        Some(Fault::DropConnection) => {
            let handled = next.run(req).await;
            let (parts, _) = handled.into_parts();
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected connection drop",
                ))
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Some(Fault::MalformedBody) => {
            let handled = next.run(req).await;
            let (mut parts, body) = handled.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(http::header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        Some(Fault::NotJson) => {
            let (mut parts, _) = next.run(req).await.into_parts();
            parts.headers.remove(http::header::CONTENT_LENGTH);
            parts.headers.insert(http::header::CONTENT_TYPE, "text/html".parse().expect("static"));
            Response::from_parts(parts, Body::from("<html><body>OK</body></html>"))
        }
    }
}
