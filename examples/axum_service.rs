//! A payment service on axum: a checkout endpoint through a `paymux::Router`, one webhook URL
//! per gateway instance into a durable inbox (SQLite), and the worker that hands the inbox's
//! events to the business handler. Offline: the gateways are the built-in sandbox.
//!
//! ```sh
//! cargo run -p paymux-examples --example axum_service            # the demo below, then exit
//! cargo run -p paymux-examples --example axum_service -- --serve # keep serving (Ctrl-C stops)
//! ```
//!
//! The demo: two checkouts (USD goes to Paychtec, EUR to paymnt.cloud by a routing rule); each
//! gateway signs a webhook and posts it to `/webhooks/{instance}`, which verifies it, stores it
//! and answers 200; the worker hands it to `on_event`. Then a tampered copy of a delivery is
//! refused with 400 and nothing is stored, and a redelivery of the original is answered 200
//! without being handled twice.
//!
//! `examples/tests/axum_service.rs` drives the same [`Service`] end to end.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use paymux::axum::{InboxWorker, WebhookRoute};
use paymux::router::{Conditions, Route, Rule};
use paymux::sandbox::{Sandbox, SentWebhook};
use paymux::{
    Card, CreatePayment, Currency, Decimal, EventKind, Money, PaymentProvider, Router,
    WebhookResource,
};
use paymux_store::{Inbox, InboxEvent, ProcessReport, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What the business handler saw: one line per event it handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// The instance that verified it (`paychtec`).
    pub instance: String,
    /// The gateway's event id.
    pub event_id: String,
    /// The normalized kind.
    pub kind: Option<EventKind>,
    /// The payment it is about, as the router names it (`paychtec:pay_000001`).
    pub payment_id: Option<String>,
}

type Log = Arc<Mutex<Vec<Handled>>>;

/// The running service: sandbox, router, store, HTTP server and inbox worker.
pub struct Service {
    /// Where the HTTP server listens (`http://127.0.0.1:port`).
    pub url: String,
    /// The gateways' emulators (dropping the service stops them).
    pub sandbox: Sandbox,
    /// The inbox the webhook endpoint writes into.
    pub inbox: Inbox,
    /// What the business handler has handled so far.
    pub handled: Log,
    worker: InboxWorker,
    stop: oneshot::Sender<()>,
    worker_task: JoinHandle<ProcessReport>,
    server_task: JoinHandle<()>,
}

/// The checkout request the shop's front end posts. The card stands for a payment method the
/// front end tokenized; in the sandbox it is a test card.
#[derive(Debug, Deserialize, Serialize)]
pub struct Checkout {
    /// The shop's order reference.
    pub reference: String,
    /// The amount in major units, as text ("65.40"): never a float.
    pub amount: String,
    /// ISO 4217.
    pub currency: Currency,
}

/// The checkout answer.
#[derive(Debug, Deserialize, Serialize)]
pub struct CheckoutResult {
    /// The routed payment id (`paychtec:pay_000001`): capture, refund and webhooks use it.
    pub payment_id: String,
    /// The normalized status.
    pub status: String,
}

/// `POST /checkout`: one payment through the router, which picks the gateway.
async fn checkout(
    State(router): State<Arc<Router>>,
    Json(order): Json<Checkout>,
) -> Result<Json<CheckoutResult>, (StatusCode, String)> {
    let bad = |e: String| (StatusCode::UNPROCESSABLE_ENTITY, e);
    let amount = Decimal::from_str(&order.amount).map_err(|e| bad(format!("amount: {e}")))?;
    let amount = Money::from_major(amount, order.currency).map_err(|e| bad(e.to_string()))?;
    let card = Card::new("4242424242424242", 12, 2030, "123").map_err(|e| bad(e.to_string()))?;
    let req = CreatePayment::new(amount)
        .with_reference(order.reference)
        .with_card(card)
        .with_billing(paymux::sandbox::test_billing());
    match router.create_payment(req).await {
        Ok(p) => {
            Ok(Json(CheckoutResult { payment_id: p.id.to_string(), status: p.status.to_string() }))
        }
        // The error says what failed at which gateway; it never carries the card.
        Err(e) => Err((StatusCode::BAD_GATEWAY, e.to_string())),
    }
}

/// The business handler: fulfils orders. It runs in the worker, after the endpoint has
/// answered the gateway; an `Err` is retried with backoff. Idempotent by event id.
async fn on_event(log: Log, event: InboxEvent) -> Result<(), String> {
    let payment_id = event.event.as_ref().and_then(|e| match &e.resource {
        WebhookResource::Payment(p) => Some(p.id.to_string()),
        WebhookResource::Refund(r) => Some(r.payment_id.to_string()),
        WebhookResource::Dispute(d) => d.payment_id.as_ref().map(ToString::to_string),
        WebhookResource::Payout(_) | WebhookResource::Other => None,
    });
    let handled = Handled {
        instance: event.instance.to_string(),
        event_id: event.event_id.to_string(),
        kind: event.kind().cloned(),
        payment_id,
    };
    let mut log = log.lock().map_err(|_| "log poisoned".to_owned())?;
    if !log.iter().any(|h| h.instance == handled.instance && h.event_id == handled.event_id) {
        println!(
            "  handler: {} {} about {}",
            handled.instance,
            handled.kind.as_ref().map_or("unreadable event".to_owned(), ToString::to_string),
            handled.payment_id.as_deref().unwrap_or("-"),
        );
        log.push(handled);
    }
    Ok(())
}

impl Service {
    /// Starts the sandbox, the router over its five gateways, the SQLite inbox (in memory), the
    /// HTTP server on `addr` and the worker; points every gateway's webhooks at its URL.
    pub async fn start(addr: SocketAddr) -> Result<Service, Box<dyn std::error::Error>> {
        let sandbox = Sandbox::start().await?;
        let mut builder = Router::builder();
        for emulator in sandbox.all() {
            builder = builder.instance(emulator.name(), paymux::sandbox::provider(emulator)?);
        }
        let euro =
            Conditions { currencies: Some(BTreeSet::from([Currency::EUR])), ..Default::default() };
        let router = Arc::new(
            builder
                .rule(Rule::new("euro", Route::Instance("paymnt".into())).when(euro))
                .default_instance("paychtec")
                .build()?,
        );

        // In production: Store::connect("sqlite:payments.db") or "postgres://...".
        let store = Store::sqlite_in_memory().await?;
        store.migrate().await?;
        let inbox = Inbox::new(store);
        let worker = InboxWorker::new(inbox.clone()).with_poll_interval(Duration::from_millis(200));
        let webhooks = WebhookRoute::for_router(router.clone(), inbox.clone()).waking(&worker);

        let app = axum::Router::new()
            .route("/checkout", axum::routing::post(checkout))
            .route("/webhooks/{instance}", webhooks.into_route())
            .with_state(router);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server_task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("server stopped: {e}");
            }
        });
        for emulator in sandbox.all() {
            emulator.webhooks().set_target(Some(format!("{url}/webhooks/{}", emulator.name())));
        }

        let handled: Log = Arc::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let log = handled.clone();
        let run = worker.clone();
        let worker_task = tokio::spawn(async move {
            run.run(move |event| on_event(log.clone(), event), async {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Service { url, sandbox, inbox, handled, worker, stop, worker_task, server_task })
    }

    /// Posts a checkout to the service, as the shop's front end does.
    pub async fn checkout(
        &self,
        reference: &str,
        amount: &str,
        currency: Currency,
    ) -> Result<CheckoutResult, Box<dyn std::error::Error>> {
        let order = Checkout { reference: reference.into(), amount: amount.into(), currency };
        let resp = client().post(format!("{}/checkout", self.url)).json(&order).send().await?;
        if !resp.status().is_success() {
            return Err(
                format!("checkout answered {}: {}", resp.status(), resp.text().await?).into()
            );
        }
        Ok(resp.json().await?)
    }

    /// Posts a delivery to `/webhooks/{instance}` as a gateway does; returns the status.
    pub async fn deliver(
        &self,
        instance: &str,
        webhook: &SentWebhook,
    ) -> Result<StatusCode, Box<dyn std::error::Error>> {
        let mut req =
            client().post(format!("{}/webhooks/{instance}", self.url)).body(webhook.body.clone());
        for (name, value) in &webhook.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        Ok(StatusCode::from_u16(req.send().await?.status().as_u16())?)
    }

    /// Waits (up to 5 s) until the handler has handled an event about `payment_id`.
    pub async fn handled_for(&self, payment_id: &str) -> Option<Handled> {
        for _ in 0..250 {
            if let Some(h) = self.handled_now(payment_id).into_iter().next() {
                return Some(h);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// What the handler handled about `payment_id` so far.
    pub fn handled_now(&self, payment_id: &str) -> Vec<Handled> {
        let log = self.handled.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().filter(|h| h.payment_id.as_deref() == Some(payment_id)).cloned().collect()
    }

    /// How many events the inbox holds, in any state.
    pub async fn stored(&self) -> Result<u64, Box<dyn std::error::Error>> {
        let c = self.inbox.counts().await?;
        Ok(c.pending + c.processing + c.done + c.dead)
    }

    /// Lets the worker look at the inbox now.
    pub fn wake_worker(&self) {
        self.worker.wake();
    }

    /// Stops the worker (after its current round) and the server; returns what the worker did.
    pub async fn stop(self) -> Result<ProcessReport, Box<dyn std::error::Error>> {
        let _ = self.stop.send(());
        let report = self.worker_task.await?;
        self.server_task.abort();
        Ok(report)
    }
}

fn client() -> reqwest::Client {
    // The sandbox installed the process's TLS provider; plain HTTP here in any case.
    reqwest::Client::new()
}

/// What the demo observed.
#[derive(Debug)]
pub struct DemoReport {
    /// The two checkouts.
    pub payments: Vec<CheckoutResult>,
    /// The status the tampered delivery got.
    pub tampered: StatusCode,
    /// The status the redelivery got.
    pub redelivery: StatusCode,
    /// Events stored at the end.
    pub stored: u64,
    /// What the worker did.
    pub worker: ProcessReport,
}

/// The webhook the `gateway` sandbox sent last about `payment_id`'s raw gateway id.
pub fn sent_about(service: &Service, gateway: &str, payment_id: &str) -> Option<SentWebhook> {
    let raw_id = payment_id.split_once(':').map_or(payment_id, |(_, id)| id);
    let emulator = service.sandbox.all().into_iter().find(|e| e.name() == gateway)?;
    emulator
        .webhooks()
        .sent()
        .into_iter()
        .rev()
        .find(|w| String::from_utf8_lossy(&w.body).contains(raw_id))
}

/// A copy of `webhook` with its body changed after signing.
pub fn tamper(webhook: &SentWebhook) -> SentWebhook {
    let body = String::from_utf8_lossy(&webhook.body);
    let body = if body.contains("succeeded") {
        body.replacen("succeeded", "failed", 1)
    } else {
        format!("{body} ")
    };
    SentWebhook { headers: webhook.headers.clone(), body: body.into_bytes() }
}

/// The demo: checkouts, webhooks handled, a tampered delivery refused, a redelivery absorbed.
pub async fn demo(service: Service) -> Result<DemoReport, Box<dyn std::error::Error>> {
    println!("service at {}", service.url);
    let mut payments = Vec::new();
    for (reference, amount, currency) in
        [("order_1", "65.40", Currency::USD), ("order_2", "12.00", Currency::EUR)]
    {
        let p = service.checkout(reference, amount, currency).await?;
        println!(
            "checkout {reference} {amount} {}: {} {}",
            currency.code(),
            p.payment_id,
            p.status
        );
        let handled = service
            .handled_for(&p.payment_id)
            .await
            .ok_or_else(|| format!("no webhook handled for {}", p.payment_id))?;
        println!("  stored and handled: {} {}", handled.instance, handled.event_id);
        payments.push(p);
    }

    let first = &payments[0].payment_id;
    let instance = first.split_once(':').map_or("paychtec", |(i, _)| i).to_owned();
    let original = sent_about(&service, &instance, first).ok_or("the gateway sent no webhook")?;
    let before = service.stored().await?;
    let tampered = service.deliver(&instance, &tamper(&original)).await?;
    println!(
        "tampered delivery to /webhooks/{instance}: {tampered} (stored: {})",
        service.stored().await? - before
    );
    let redelivery = service.deliver(&instance, &original).await?;
    service.wake_worker();
    tokio::time::sleep(Duration::from_millis(300)).await;
    println!(
        "redelivery of the original: {redelivery} (stored: {}, handled {} time(s))",
        service.stored().await? - before,
        service.handled_now(first).len()
    );
    let stored = service.stored().await?;
    let worker = service.stop().await?;
    println!(
        "inbox: {stored} events stored; worker: {} handled, {} succeeded, {} retrying, {} dead",
        worker.handled, worker.succeeded, worker.retrying, worker.dead
    );
    Ok(DemoReport { payments, tampered, redelivery, stored, worker })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--serve") {
        let service = Service::start(SocketAddr::from(([127, 0, 0, 1], 3000))).await?;
        println!("serving on {}; POST /checkout, webhooks on /webhooks/{{instance}}", service.url);
        println!(
            r#"try: curl -X POST {}/checkout -H 'content-type: application/json' -d '{{"reference":"order_1","amount":"65.40","currency":"USD"}}'"#,
            service.url
        );
        tokio::signal::ctrl_c().await?;
        let report = service.stop().await?;
        println!("stopped; worker handled {} events", report.handled);
        return Ok(());
    }
    let service = Service::start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    demo(service).await?;
    Ok(())
}
