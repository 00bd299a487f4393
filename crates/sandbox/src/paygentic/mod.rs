//! The Paygentic emulator: `/v0/payments` as Paygentic's guide and OpenAPI document describe
//! it, with a hosted payment page and Svix-signed webhooks.
//!
//! # Routes
//! - `POST /v0/payments`: validates the body as the OpenAPI document does (`amount` a decimal
//!   string `^\d+(\.\d{1,2})?$` from 1.00 to 5000.00; `currency` USD, EUR, GBP or AUD;
//!   `idempotencyKey` and `reference` at most 255 characters; `metadata` string values;
//!   at most 100 `lineItems` each with `description` and `amount`; URIs for the redirect URLs;
//!   `expiresIn` an ISO 8601 duration, default P30D, at most P31D). Unknown fields are dropped
//!   (Zod's default). 201 with a `pending` payment whose `paymentUrl` is the sandbox's hosted
//!   page; a repeated `idempotencyKey` answers 200 with the existing payment as it is now (no
//!   second payment). Invalid bodies answer 400 `{error: "validation_error", message, errors:
//!   [{field, message, code}]}` naming every bad field; a body that is not a JSON object
//!   answers 400 `{error: "bad_request", ...}`.
//! - `GET /v0/payments/{id}`: the payment, or 404 `{error: "not_found", ...}`.
//! - `GET /v0/payments`: `limit` (1-100, default 10), `offset`, `status`, `customerId`,
//!   newest first, `{object: "list", data, pagination: {limit, offset, total}}`.
//! - `GET /sandbox/paygentic/pay/{id}` (the `paymentUrl`, no API key): plays the customer.
//! - `POST /sandbox/paygentic/webhook-data/{payment|payment-id}` (no key): which `data`
//!   webhooks carry from then on (see below).
//! - `GET /sandbox/paygentic/events`, `POST /sandbox/paygentic/trigger/{event}`: see
//!   [`crate::kit::control`].
//! - Anything else (Paygentic has no capture, cancel or refund route): 404 in the error shape.
//!
//! Auth: `Authorization: Bearer sk_test_...` (see [`credentials`]); missing or wrong -> 401
//! `{error: "unauthorized", message, code}`. A `merchantId` other than the key's merchant ->
//! 403 `{error: "forbidden", ...}`. A [`Fault::GatewayError`](crate::Fault) answers
//! `{error, message, code}` with the status given.
//!
//! # Triggers (by amount, applied when the hosted page is visited)
//! | amount | status words reached | events sent |
//! | --- | --- | --- |
//! | any other | `pending -> processing -> completed` | `payment.pending.v0`, `payment.processing.v0`, `payment.completed.v0` |
//! | `13.13` | `pending -> expired` | `payment.expired.v0` |
//! | `66.66` | `pending -> cancelled` (the customer cancels) | `payment.cancelled.v0` |
//! | `77.77` | `pending -> processing`, and stays there | `payment.processing.v0` |
//! | `expiresIn` passed (e.g. `PT1S`) | `pending -> expired` at the next request | `payment.expired.v0` |
//!
//! # Webhooks
//! One per state change, creation (`pending`) included, through Svix: headers `svix-id`,
//! `svix-timestamp`, `svix-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
//! keyed with the base64-decoded part of the `whsec_` secret; body
//! `{eventType: "payment.<status>.v0", eventId, timestamp, data}`. `data` is, by default,
//! `{paymentId, amount, currency, status, createdAt, expiresAt, paymentUrl, customerId?,
//! reference?, metadata?}` (the workspace's decision); after
//! `POST /sandbox/paygentic/webhook-data/payment` it is the spec's `Payment` object itself.

mod api;
mod render;
mod state;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

pub use api::WebhookData;
use api::{CreateBody, Envelope, FieldError, ListJson, ListQuery, Pagination, PaymentJson};
use state::{Payment, Status, Store};

use crate::kit::auth::{Auth, KeyIn, Refusal, require};
use crate::kit::control::{self, Triggers};
use crate::kit::server::{Ctx, EmulatorHandle, IdGen, TestCredentials};
use crate::kit::webhooks::Signing;

/// The sandbox's API key (`sk_test_...`).
pub const API_KEY: &str = "sk_test_paymux_sandbox_paygentic_4eC39HqLyjWDarjtT1zdp7dc";
/// The webhook endpoint secret (`whsec_` + base64 of the 32-byte key).
pub const WEBHOOK_SECRET: &str = "whsec_cGF5bXV4LXNhbmRib3gtcGF5Z2VudGljLXdlYmhvb2s=";
/// The one merchant the API key is scoped to (`merchantId`).
pub const MERCHANT_ID: &str = "org_sandbox_paymux";
/// The path prefix of the hosted payment page (`paymentUrl` = public URL + this + id).
pub const PAY_PAGE_PATH: &str = "/sandbox/paygentic/pay/";

/// Every event type the emulator sends.
pub const EVENTS: &[&str] = &[
    "payment.pending.v0",
    "payment.processing.v0",
    "payment.completed.v0",
    "payment.expired.v0",
    "payment.cancelled.v0",
];

/// The keys this emulator accepts: `api_key` (Bearer), `webhook_secret` (`whsec_...`), and
/// `extra["merchant_id"]`.
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        extra: BTreeMap::from([("merchant_id".to_owned(), MERCHANT_ID.to_owned())]),
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::kit::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::kit::server::serve_on("paygentic", credentials(), addr, router).await
}

/// The emulator.
pub(crate) struct Emu {
    ctx: Ctx,
    store: Mutex<Store>,
    ids: IdGen,
    shape: Mutex<WebhookData>,
}

type App = Arc<Emu>;

fn answer(status: StatusCode, body: impl Serialize) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `{error, message, code}`.
fn error(status: StatusCode, error: &str, message: &str, code: &str) -> Response {
    answer(status, json!({"error": error, "message": message, "code": code}))
}

fn validation_error(errors: Vec<FieldError>) -> Response {
    let body =
        json!({"error": "validation_error", "message": "Validation failed", "errors": errors});
    answer(StatusCode::BAD_REQUEST, body)
}

fn refuse(why: &Refusal, _path: &str) -> Response {
    let (message, code) = match why {
        Refusal::Missing => {
            ("Missing API key: send 'Authorization: Bearer sk_test_...'", "missing_api_key")
        }
        Refusal::Malformed => (
            "Malformed Authorization header: expected 'Bearer <api key>'",
            "invalid_authorization_header",
        ),
        Refusal::Live(_) => ("Live API keys are not accepted by the sandbox", "invalid_api_key"),
        Refusal::Wrong(_) => ("Invalid API key", "invalid_api_key"),
    };
    error(StatusCode::UNAUTHORIZED, "unauthorized", message, code)
}

fn gateway_error(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (error_word, message) = match status {
        429 => ("rate_limited", "Too many requests"),
        s if s >= 500 => ("internal_error", "An unexpected error occurred"),
        _ => ("bad_request", "The request could not be processed"),
    };
    error(code, error_word, message, error_word)
}

async fn route_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "The requested resource was not found",
        "route_not_found",
    )
}

impl Emu {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends one signed webhook per change (never called with the store locked).
    fn announce(&self, changed: Vec<Payment>) {
        let shape = *self.shape.lock().unwrap_or_else(|p| p.into_inner());
        for p in changed {
            let envelope = Envelope::new(self.ids.next("evt_sbx_"), &p, shape);
            self.ctx.webhooks.send(serde_json::to_vec(&envelope).unwrap_or_default());
        }
    }

    /// Expires due payments (lazily, on every request) and announces it.
    fn expire_due(&self) {
        let changed = self.store().expire_due(crate::kit::now());
        self.announce(changed);
    }

    /// Creates (or finds by `idempotencyKey`) a payment: `(created, payment)`.
    fn create(&self, req: api::CreateRequest) -> (bool, Payment) {
        self.expire_due();
        let mut store = self.store();
        if let Some(existing) =
            req.idempotency_key.as_deref().and_then(|k| store.by_idempotency_key(k))
        {
            return (false, existing.clone());
        }
        let id = self.ids.next("pay_sbx_");
        let url = format!("{}{PAY_PAGE_PATH}{id}", self.ctx.public_url);
        let created = store.insert(Payment::new(id, url, req, crate::kit::now())).clone();
        drop(store);
        self.announce(vec![created.clone()]);
        (true, created)
    }

    fn visit(&self, id: &str) -> Option<Payment> {
        self.expire_due();
        let changed = self.store().visit(id);
        self.announce(changed);
        self.store().get(id).cloned()
    }
}

fn merchant_forbidden(merchant_id: Option<&str>) -> Option<Response> {
    merchant_id.filter(|m| *m != MERCHANT_ID).map(|_| {
        let message = "This API key cannot act for that merchant";
        error(StatusCode::FORBIDDEN, "forbidden", message, "merchant_mismatch")
    })
}

async fn create_payment(State(emu): State<App>, body: Bytes) -> Response {
    let parsed = match crate::kit::body::parse::<CreateBody>(&body) {
        Ok(b) => b,
        Err(_) => {
            let message = "The request body must be a JSON object";
            return error(StatusCode::BAD_REQUEST, "bad_request", message, "invalid_json");
        }
    };
    let req = match parsed.validate() {
        Ok(r) => r,
        Err(errors) => return validation_error(errors),
    };
    if let Some(r) = merchant_forbidden(req.merchant_id.as_deref()) {
        return r;
    }
    let (created, p) = emu.create(req);
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    answer(status, PaymentJson::of(&p))
}

async fn get_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Some(r) = merchant_forbidden(q.merchant_id.as_deref()) {
        return r;
    }
    emu.expire_due();
    let found = emu.store().get(&id).map(PaymentJson::of);
    match found {
        Some(p) => answer(StatusCode::OK, p),
        None => error(StatusCode::NOT_FOUND, "not_found", "Payment not found", "payment_not_found"),
    }
}

async fn list_payments(State(emu): State<App>, Query(q): Query<ListQuery>) -> Response {
    let (limit, offset, status) = match q.validate() {
        Ok(v) => v,
        Err(errors) => return validation_error(errors),
    };
    if let Some(r) = merchant_forbidden(q.merchant_id.as_deref()) {
        return r;
    }
    emu.expire_due();
    let store = emu.store();
    let all = store.filtered(status, q.customer_id.as_deref());
    let total = all.len();
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    let data = all.into_iter().skip(skip).take(take).map(PaymentJson::of).collect();
    let list = ListJson { object: "list", data, pagination: Pagination { limit, offset, total } };
    answer(StatusCode::OK, list)
}

/// The hosted payment page (`paymentUrl`), no API key: visiting it plays the customer.
async fn hosted_page(State(emu): State<App>, Path(id): Path<String>) -> Response {
    match emu.visit(&id) {
        Some(p) => render::hosted_page(&p),
        None => render::not_found(),
    }
}

async fn set_webhook_data(State(emu): State<App>, Path(shape): Path<String>) -> Response {
    let shape = match shape.as_str() {
        "payment" => WebhookData::Payment,
        "payment-id" => WebhookData::PaymentId,
        _ => return (StatusCode::NOT_FOUND, "expected `payment` or `payment-id`").into_response(),
    };
    *emu.shape.lock().unwrap_or_else(|p| p.into_inner()) = shape;
    answer(StatusCode::OK, json!({"webhookData": format!("{shape:?}")}))
}

impl Triggers for Emu {
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn trigger(&self, event: &str) -> Result<Value, String> {
        let amount = match event {
            "payment.pending.v0" | "payment.completed.v0" => "10.00",
            "payment.processing.v0" => "77.77",
            "payment.expired.v0" => "13.13",
            "payment.cancelled.v0" => "66.66",
            other => return Err(format!("Paygentic sends no {other} event")),
        };
        let body =
            json!({"amount": amount, "currency": "USD", "reference": format!("trigger {event}")});
        let req = serde_json::from_value::<CreateBody>(body)
            .map_err(|e| e.to_string())?
            .validate()
            .map_err(|e| format!("{e:?}"))?;
        let (_, p) = self.create(req);
        let p = if event == "payment.pending.v0" { p } else { self.visit(&p.id).unwrap_or(p) };
        serde_json::to_value(PaymentJson::of(&p)).map_err(|e| e.to_string())
    }
}

/// The emulator's router.
fn router(ctx: Ctx) -> Router {
    ctx.faults.set_error_shape(gateway_error);
    ctx.webhooks.set_signing(Signing::Svix, WEBHOOK_SECRET);
    let auth = Arc::new(Auth {
        key_in: KeyIn::Bearer,
        key: API_KEY.into(),
        live_prefix: Some("sk_live_"),
        refuse,
    });
    let emu: App = Arc::new(Emu {
        ctx,
        store: Mutex::default(),
        ids: IdGen::default(),
        shape: Mutex::default(),
    });
    let api = Router::new()
        .route("/v0/payments", get(list_payments).post(create_payment))
        .route("/v0/payments/{id}", get(get_payment))
        .route_layer(axum::middleware::from_fn_with_state(auth, require));
    let pages = Router::new()
        .route(&format!("{PAY_PAGE_PATH}{{id}}"), get(hosted_page))
        .route("/sandbox/paygentic/webhook-data/{shape}", post(set_webhook_data));
    api.merge(pages)
        .fallback(route_not_found)
        .method_not_allowed_fallback(route_not_found)
        .with_state(emu.clone())
        .merge(control::routes("paygentic", emu))
}

/// Status words, for docs and tests.
pub const STATUSES: [&str; 5] = ["pending", "processing", "completed", "expired", "cancelled"];

const _: () = assert!(Status::ALL.len() == STATUSES.len());
