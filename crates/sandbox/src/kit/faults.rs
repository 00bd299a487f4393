//! Fault switches and injected latency: make a route slow, fail, rate-limit, hang up or
//! answer garbage, on demand.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

use crate::kit::server::{Ctx, InFlight};

/// One injected failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then handle the request normally. The gateway acts even if the client
    /// has given up by then, as a real one would.
    Delay(Duration),
    /// Answer this status without handling the request (nothing happens at the gateway), with
    /// an HTML body, as a proxy in front of the gateway would.
    Status(u16),
    /// Answer this status in the gateway's own error shape (its `rate_limit_error`,
    /// `api_error`, ... body) without handling the request.
    GatewayError(u16),
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

/// A delay added to every matching request before it is handled: a gateway at realistic
/// latency, for benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Always this long.
    Fixed(Duration),
    /// Uniformly between the two (inclusive).
    Between(Duration, Duration),
}

impl Latency {
    /// Parses `200ms`, `1s`, `150ms..250ms` (a random delay in that range).
    pub fn parse(text: &str) -> Option<Latency> {
        fn one(t: &str) -> Option<Duration> {
            let t = t.trim();
            if let Some(ms) = t.strip_suffix("ms") {
                return ms.trim().parse().ok().map(Duration::from_millis);
            }
            t.strip_suffix('s').and_then(|s| s.trim().parse().ok()).map(Duration::from_secs)
        }
        match text.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (one(a)?, one(b)?);
                (a <= b).then_some(Latency::Between(a, b))
            }
            None => one(text).map(Latency::Fixed),
        }
    }

    fn sample(self) -> Duration {
        match self {
            Latency::Fixed(d) => d,
            Latency::Between(lo, hi) => {
                let span = u64::try_from((hi - lo).as_micros()).unwrap_or(u64::MAX);
                lo + Duration::from_micros(fastrand::u64(0..=span))
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Rule<T> {
    method: Option<Method>,
    path_prefix: String,
    what: T,
    remaining: Option<u32>,
}

impl<T> Rule<T> {
    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method) && path.starts_with(&self.path_prefix)
    }
}

/// Renders [`Fault::GatewayError`] in one gateway's error shape: `(status) -> answer`.
pub type ErrorShape = fn(u16) -> Response;

/// The fault switches of one emulator. Rules match by method (any if `None`) and path prefix;
/// the first matching rule applies and counts down its `times`. Latency rules apply on top.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule<Fault>>>>,
    latency: Arc<Mutex<Vec<Rule<Latency>>>>,
    shape: Arc<OnceLock<ErrorShape>>,
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
        let rule =
            Rule { method, path_prefix: path_prefix.to_owned(), what: fault, remaining: times };
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).push(rule);
    }

    /// Removes every fault rule (latency stays: see [`clear_latency`](Self::clear_latency)).
    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Delays every request matching `method` and `path_prefix` by `latency` (`""` matches
    /// every route), until cleared. The request is handled after the delay even if the client
    /// gave up, as a real gateway would.
    pub fn set_latency(&self, method: Option<Method>, path_prefix: &str, latency: Latency) {
        let rule =
            Rule { method, path_prefix: path_prefix.to_owned(), what: latency, remaining: None };
        self.latency.lock().unwrap_or_else(|p| p.into_inner()).push(rule);
    }

    /// Removes every latency rule.
    pub fn clear_latency(&self) {
        self.latency.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Sets how [`Fault::GatewayError`] answers look (each emulator sets its own, once).
    pub(crate) fn set_error_shape(&self, shape: ErrorShape) {
        let _ = self.shape.set(shape);
    }

    fn take(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let idx = rules.iter().position(|r| r.matches(method, path))?;
        let fault = rules[idx].what.clone();
        if let Some(n) = rules[idx].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                rules.remove(idx);
            }
        }
        Some(fault)
    }

    fn latency_for(&self, method: &Method, path: &str) -> Duration {
        let rules = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        rules.iter().find(|r| r.matches(method, path)).map_or(Duration::ZERO, |r| r.what.sample())
    }

    fn gateway_error(&self, status: u16) -> Response {
        match self.shape.get() {
            Some(shape) => shape(status),
            None => html_failure(status),
        }
    }
}

fn html_failure(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [("content-type", "text/html")], "<html><body>injected failure</body></html>")
        .into_response()
}

/// Handles the request after `delay` on a task of its own, so that a client timeout does not
/// cancel it (it stays in flight until done).
async fn delayed(delay: Duration, req: Request, next: Next, in_flight: InFlight) -> Response {
    let work = tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let answer = next.run(req).await;
        drop(in_flight);
        answer
    });
    work.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn retry_after(status: StatusCode, secs: u64, body: &'static str) -> Response {
    (status, [("retry-after", secs.to_string())], body).into_response()
}

/// The middleware every emulator runs behind: counts the request, adds its latency, then
/// applies a fault if one matches.
pub(crate) async fn fault_layer(State(ctx): State<Ctx>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let in_flight = ctx.stats.record(&method, &path);
    let latency = ctx.faults.latency_for(&method, &path);
    let fault = ctx.faults.take(&method, &path);
    match fault {
        None if latency.is_zero() => next.run(req).await,
        None => delayed(latency, req, next, in_flight).await,
        Some(Fault::Delay(d)) => delayed(d + latency, req, next, in_flight).await,
        Some(Fault::Status(code)) => html_failure(code),
        Some(Fault::GatewayError(code)) => ctx.faults.gateway_error(code),
        Some(Fault::RateLimited { retry_after_secs }) => {
            retry_after(
                StatusCode::TOO_MANY_REQUESTS,
                retry_after_secs,
                "{\"error\":\"rate limited\"}",
            )
            .await
        }
        Some(Fault::Unavailable { retry_after_secs }) => {
            let body = "{\"error\":\"service unavailable\"}";
            retry_after(StatusCode::SERVICE_UNAVAILABLE, retry_after_secs, body).await
        }
        Some(Fault::DropConnection) => {
            let (parts, _) = next.run(req).await.into_parts();
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected connection drop",
                ))
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Some(Fault::MalformedBody) => {
            let (mut parts, body) = next.run(req).await.into_parts();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_parses() {
        assert_eq!(Latency::parse("200ms"), Some(Latency::Fixed(Duration::from_millis(200))));
        assert_eq!(Latency::parse("2s"), Some(Latency::Fixed(Duration::from_secs(2))));
        assert_eq!(
            Latency::parse("100ms..300ms"),
            Some(Latency::Between(Duration::from_millis(100), Duration::from_millis(300)))
        );
        assert_eq!(Latency::parse("3ms..1ms"), None);
        assert_eq!(Latency::parse("soon"), None);
        let d = Latency::Between(Duration::from_millis(5), Duration::from_millis(9)).sample();
        assert!(d >= Duration::from_millis(5) && d <= Duration::from_millis(9));
    }
}
