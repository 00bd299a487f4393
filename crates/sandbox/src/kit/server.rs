//! Starting one emulator on 127.0.0.1, its handle, and what its handlers share.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http::Method;
use tokio::sync::oneshot;

use crate::kit::faults::{Faults, fault_layer};
use crate::kit::webhooks::Webhooks;

/// What an emulator's handlers share: its public URL, fault switches, request log, webhooks.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The gateway's name.
    pub name: &'static str,
    /// `http://127.0.0.1:PORT`, for URLs the emulator hands out (redirects).
    pub public_url: String,
    /// Fault switches and injected latency.
    pub faults: Faults,
    /// Requests seen.
    pub stats: Stats,
    /// Webhook outbox.
    pub webhooks: Webhooks,
}

/// Every request an emulator received (method and path), counted on the server side.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    log: Arc<Mutex<Vec<(Method, String)>>>,
    in_flight: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

/// One request being handled; dropped when its work is done (even if the client left).
#[derive(Debug)]
pub(crate) struct InFlight(Arc<AtomicU64>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stats {
    pub(crate) fn record(&self, method: &Method, path: &str) -> InFlight {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push((method.clone(), path.to_owned()));
        InFlight(self.in_flight.clone())
    }

    /// Requests received whose handling has not finished (a delayed request keeps working
    /// after its client gave up, as a real gateway does): 0 when the emulator is idle.
    pub fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests that were in flight at once.
    pub fn peak_in_flight(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many requests matched `method` and started with `path_prefix`.
    pub fn count(&self, method: &Method, path_prefix: &str) -> usize {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().filter(|(m, p)| m == method && p.starts_with(path_prefix)).count()
    }

    /// How many requests in all.
    pub fn total(&self) -> usize {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Every request so far (method and path), in the order they arrived.
    pub fn requests(&self) -> Vec<(Method, String)> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Sequential ids with a prefix: `pay_sbx_000001`, ...
#[derive(Debug, Default)]
pub struct IdGen {
    next: AtomicU64,
}

impl IdGen {
    /// The next id with `prefix`.
    pub fn next(&self, prefix: &str) -> String {
        format!("{prefix}{:06}", self.next_number())
    }

    /// The next number (1, 2, ...).
    pub fn next_number(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// Keys and secrets a client needs to talk to an emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCredentials {
    /// The API key the emulator accepts.
    pub api_key: String,
    /// The secret it signs webhooks with.
    pub webhook_secret: String,
    /// Gateway-specific values (`profile_id`, `merchant_id`, `base_path`).
    pub extra: BTreeMap<String, String>,
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct EmulatorHandle {
    name: &'static str,
    addr: SocketAddr,
    ctx: Ctx,
    credentials: TestCredentials,
    _shutdown: oneshot::Sender<()>,
}

impl EmulatorHandle {
    /// The gateway's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The emulator's root URL (`http://127.0.0.1:PORT`), where its sandbox pages live.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL to configure a client or connector with: [`base_url`](Self::base_url) plus
    /// the gateway's base path (`/v1` for Paynectra), so it works as printed.
    pub fn api_url(&self) -> String {
        let path = self.credentials.extra.get("base_path").map(String::as_str).unwrap_or("");
        format!("{}{path}", self.base_url())
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Keys and secrets.
    pub fn credentials(&self) -> &TestCredentials {
        &self.credentials
    }

    /// Fault switches and injected latency.
    pub fn faults(&self) -> &Faults {
        &self.ctx.faults
    }

    /// Requests received.
    pub fn stats(&self) -> &Stats {
        &self.ctx.stats
    }

    /// The webhook outbox.
    pub fn webhooks(&self) -> &Webhooks {
        &self.ctx.webhooks
    }
}

/// 127.0.0.1 on a port the OS picks.
pub const ANY_LOCAL_PORT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// Binds 127.0.0.1 on a free port, builds the emulator's router with its [`Ctx`], and serves it
/// in the background behind the fault layer.
pub async fn serve(
    name: &'static str,
    credentials: TestCredentials,
    build: impl FnOnce(Ctx) -> axum::Router,
) -> std::io::Result<EmulatorHandle> {
    serve_on(name, credentials, ANY_LOCAL_PORT, build).await
}

/// Like [`serve`] on a chosen address.
pub async fn serve_on(
    name: &'static str,
    credentials: TestCredentials,
    addr: SocketAddr,
    build: impl FnOnce(Ctx) -> axum::Router,
) -> std::io::Result<EmulatorHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let ctx = Ctx {
        name,
        public_url: format!("http://{addr}"),
        faults: Faults::default(),
        stats: Stats::default(),
        webhooks: Webhooks::new()?,
    };
    let app =
        build(ctx.clone()).layer(axum::middleware::from_fn_with_state(ctx.clone(), fault_layer));
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            tracing::error!(gateway = name, error = %e, "sandbox server stopped");
        }
    });
    Ok(EmulatorHandle { name, addr, ctx, credentials, _shutdown: tx })
}
