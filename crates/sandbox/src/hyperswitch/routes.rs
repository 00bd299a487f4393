//! The HTTP side: auth, body parsing, idempotent replays, answers and signed webhooks.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode};
use paymux_core::webhook::{self, Algorithm, Encoding};
use serde_json::{Map, Value};

use super::Config;
use super::state::{ApiError, Done, Event, Store, redirect_page};
use crate::server::{Ctx, IdempotencyCache};

/// One emulator: its context, configuration and state.
struct Emu {
    ctx: Ctx,
    cfg: Config,
    store: Mutex<Store>,
    idem: IdempotencyCache,
}

type App = Arc<Emu>;

/// The header carrying the webhook signature.
const SIGNATURE_HEADER: &str = "X-Webhook-Signature-512";

impl Emu {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Signs and sends each event (called with no lock held).
    fn emit(&self, events: Vec<Event>) {
        for event in events {
            let body = serde_json::to_vec(&event).unwrap_or_default();
            let signature = webhook::sign(
                Algorithm::Sha512,
                self.cfg.credentials.webhook_secret.as_bytes(),
                &body,
                Encoding::Hex,
            );
            let headers = vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (SIGNATURE_HEADER.to_owned(), signature),
            ];
            self.ctx.webhooks.emit(headers, body);
        }
    }

    /// Runs a mutation once per idempotency key: a replay of the same key on the same route
    /// with the same body answers the first answer again; another request under a used key
    /// is refused with 422.
    fn mutate(
        &self,
        headers: &HeaderMap,
        route: String,
        raw: &[u8],
        op: impl FnOnce(&mut Store, &Map<String, Value>) -> Result<Done, ApiError>,
    ) -> Response {
        let key = headers
            .get(self.cfg.idempotency_header)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .filter(|k| !k.is_empty());
        if let Some(k) = &key {
            let mut store = self.store();
            let fingerprint = (route.clone(), raw.to_vec());
            match store.fingerprints.get(k) {
                Some(seen) if *seen != fingerprint => {
                    let e = ApiError::new(
                        422,
                        "invalid_request",
                        "HE_01",
                        format!(
                            "{} `{k}` was already used for a different request ({}); use a new \
                             key for a new operation",
                            self.cfg.idempotency_header, seen.0
                        ),
                    );
                    return answer(e.status, e.body());
                }
                Some(_) => {}
                None => {
                    store.fingerprints.insert(k.clone(), fingerprint);
                }
            }
        }
        let mut events = Vec::new();
        let (status, body, _replayed) = self.idem.run(key.as_deref(), || {
            let json = match parse_body(raw) {
                Ok(j) => j,
                Err(e) => return e.answer(),
            };
            let result = op(&mut self.store(), &json);
            match result {
                Ok((value, evs)) => {
                    events = evs;
                    (200, value)
                }
                Err(e) => e.answer(),
            }
        });
        self.emit(events);
        answer(status, body)
    }
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

fn error(e: &ApiError) -> Response {
    answer(e.status, e.body())
}

fn done(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => answer(200, v),
        Err(e) => error(&e),
    }
}

/// The JSON object of a request; an empty body reads as `{}`.
fn parse_body(raw: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::deserialize("expected a JSON object".into())),
        Err(e) => Err(ApiError::deserialize(e.to_string())),
    }
}

async fn auth(State(emu): State<App>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get("api-key")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|k| k == emu.cfg.credentials.api_key);
    if ok { next.run(req).await } else { error(&ApiError::unauthorized()) }
}

async fn method_not_allowed() -> Response {
    error(&ApiError::new(
        405,
        "invalid_request",
        "IR_02",
        "Unrecognized request URL (method not allowed on this path)".into(),
    ))
}

async fn not_found() -> Response {
    error(&ApiError::new(404, "invalid_request", "IR_02", "Unrecognized request URL".into()))
}

// ---- payments ----

async fn create_payment(State(emu): State<App>, headers: HeaderMap, raw: Bytes) -> Response {
    let profile = headers.get("x-profile-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    emu.mutate(&headers, "POST /payments".into(), &raw, |s, b| {
        s.create_payment(&emu.cfg, &emu.ctx.public_url, profile.as_deref(), b)
    })
}

async fn get_payment(State(emu): State<App>, Path(id): Path<String>) -> Response {
    done(emu.store().get_payment(&emu.cfg, &id))
}

async fn update_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, format!("POST /payments/{id}"), &raw, |s, b| {
        s.update_payment(&emu.cfg, &id, b)
    })
}

async fn confirm_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, format!("POST /payments/{id}/confirm"), &raw, |s, b| {
        s.confirm_payment(&emu.cfg, &emu.ctx.public_url, &id, b)
    })
}

async fn capture_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, format!("POST /payments/{id}/capture"), &raw, |s, b| {
        s.capture_payment(&emu.cfg, &id, b)
    })
}

async fn cancel_payment(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, format!("POST /payments/{id}/cancel"), &raw, |s, b| {
        s.cancel_payment(&emu.cfg, &id, b)
    })
}

async fn list_payments(State(emu): State<App>, raw: Bytes) -> Response {
    done(parse_body(&raw).and_then(|b| emu.store().list_payments(&emu.cfg, &b)))
}

// ---- refunds ----

async fn create_refund(State(emu): State<App>, headers: HeaderMap, raw: Bytes) -> Response {
    emu.mutate(&headers, "POST /refunds".into(), &raw, |s, b| s.create_refund(&emu.cfg, b))
}

async fn get_refund(State(emu): State<App>, Path(id): Path<String>) -> Response {
    done(emu.store().get_refund(&emu.cfg, &id))
}

async fn list_refunds(State(emu): State<App>, raw: Bytes) -> Response {
    done(parse_body(&raw).and_then(|b| emu.store().list_refunds(&emu.cfg, &b)))
}

// ---- customers ----

async fn create_customer(State(emu): State<App>, headers: HeaderMap, raw: Bytes) -> Response {
    emu.mutate(&headers, "POST /customers".into(), &raw, |s, b| s.create_customer(b))
}

async fn get_customer(State(emu): State<App>, Path(id): Path<String>) -> Response {
    done(emu.store().get_customer(&id))
}

async fn update_customer(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    emu.mutate(&headers, format!("POST /customers/{id}"), &raw, |s, b| s.update_customer(&id, b))
}

async fn delete_customer(
    State(emu): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    emu.mutate(&headers, format!("DELETE /customers/{id}"), b"", |s, _| s.delete_customer(&id))
}

async fn list_customers(State(emu): State<App>, RawQuery(query): RawQuery) -> Response {
    let mut limit = 10usize;
    let mut offset = 0usize;
    for pair in query.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => limit = n,
                _ => return error(&ApiError::invalid("limit", "must be between 1 and 100")),
            },
            "offset" => match v.parse::<usize>() {
                Ok(n) => offset = n,
                _ => return error(&ApiError::invalid("offset", "must be a non-negative integer")),
            },
            _ => {}
        }
    }
    answer(200, emu.store().list_customers(limit, offset))
}

// ---- sandbox pages ----

async fn redirect(State(emu): State<App>, Path(id): Path<String>) -> Response {
    let result = emu.store().complete_redirect(&emu.cfg, &id);
    match result {
        Ok((status, back, events)) => {
            emu.emit(events);
            Html(redirect_page(emu.cfg.gateway, &id, &status, back.as_deref())).into_response()
        }
        Err(e) => (
            StatusCode::NOT_FOUND,
            Html(format!("<!doctype html><html><body><h1>{}</h1></body></html>", e.message)),
        )
            .into_response(),
    }
}

async fn settle(State(emu): State<App>, Path(id): Path<String>) -> Response {
    let result = emu.store().settle(&emu.cfg, &id);
    match result {
        Ok((value, events)) => {
            emu.emit(events);
            answer(200, value)
        }
        Err(e) => error(&e),
    }
}

/// Builds the router of one Hyperswitch-shaped emulator.
pub fn router(ctx: Ctx, cfg: Config) -> Router {
    let gateway = cfg.gateway;
    let emu: App =
        Arc::new(Emu { ctx, cfg, store: Mutex::default(), idem: IdempotencyCache::default() });
    let api = Router::new()
        .route("/payments", post(create_payment))
        .route("/payments/list", post(list_payments))
        .route("/payments/{id}", get(get_payment).post(update_payment))
        .route("/payments/{id}/confirm", post(confirm_payment))
        .route("/payments/{id}/capture", post(capture_payment))
        .route("/payments/{id}/cancel", post(cancel_payment))
        .route("/refunds", post(create_refund))
        .route("/refunds/list", post(list_refunds))
        .route("/refunds/{id}", get(get_refund))
        .route("/customers", post(create_customer))
        .route("/customers/list", get(list_customers))
        .route("/customers/{id}", get(get_customer).post(update_customer).delete(delete_customer))
        .route_layer(from_fn_with_state(emu.clone(), auth));
    let pages = Router::new()
        .route(&format!("/sandbox/{gateway}/redirect/{{id}}"), get(redirect).post(redirect))
        .route(&format!("/sandbox/{gateway}/settle/{{id}}"), get(settle).post(settle));
    api.merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(emu)
}
