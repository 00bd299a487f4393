//! Paygentic's routes: `POST /v0/payments`, `GET /v0/payments`, `GET /v0/payments/{id}`, the
//! sandbox's hosted payment page, and a 404 in Paygentic's error shape for everything else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::state::{
    Change, Payment, Status, Store, TRIGGER_CANCEL_MINOR, TRIGGER_EXPIRE_MINOR,
    TRIGGER_PROCESSING_MINOR, format_minor, validate_create,
};
use super::webhook::Signer;
use crate::server::{Ctx, IdGen};

/// The path of the hosted payment page, under the emulator's public URL.
pub(crate) const PAY_PAGE_PREFIX: &str = "/sandbox/paygentic/pay/";

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct App {
    ctx: Ctx,
    api_key: Arc<str>,
    merchant_id: Arc<str>,
    store: Arc<Mutex<Store>>,
    ids: Arc<IdGen>,
    signer: Arc<Signer>,
}

impl App {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends one signed webhook per change (never called with the store locked).
    fn announce(&self, changes: Vec<Change>) {
        for change in changes {
            self.signer.emit(&self.ctx, &self.ids, change);
        }
    }
}

/// The emulator's router.
pub(crate) fn router(ctx: Ctx, api_key: &str, merchant_id: &str, signer: Signer) -> Router {
    let app = App {
        ctx,
        api_key: api_key.into(),
        merchant_id: merchant_id.into(),
        store: Arc::default(),
        ids: Arc::default(),
        signer: Arc::new(signer),
    };
    Router::new()
        .route("/v0/payments", get(list_payments).post(create_payment))
        .route("/v0/payments/{id}", get(get_payment))
        .route("/sandbox/paygentic/pay/{id}", get(hosted_page))
        .fallback(route_not_found)
        .method_not_allowed_fallback(route_not_found)
        .with_state(app)
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `{error, message, code}`.
fn error(status: StatusCode, error: &str, message: &str, code: &str) -> Response {
    answer(status, json!({"error": error, "message": message, "code": code}))
}

fn validation_error(errors: &[super::state::FieldError]) -> Response {
    let errors: Vec<Value> = errors.iter().map(super::state::FieldError::to_json).collect();
    answer(
        StatusCode::BAD_REQUEST,
        json!({"error": "validation_error", "message": "Validation failed", "errors": errors}),
    )
}

async fn route_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "The requested resource was not found",
        "route_not_found",
    )
}

/// `Authorization: Bearer <key>`: missing or wrong -> the 401 answer (`None`: authorized).
fn refuse_unauthorized(app: &App, headers: &HeaderMap) -> Option<Response> {
    let unauthorized =
        |message: &str, code: &str| error(StatusCode::UNAUTHORIZED, "unauthorized", message, code);
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Some(unauthorized(
            "Missing API key: send 'Authorization: Bearer sk_test_...'",
            "missing_api_key",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    match token {
        Some(t) if t == &*app.api_key => None,
        Some(t) if t.starts_with("sk_live_") => {
            Some(unauthorized("Live API keys are not accepted by the sandbox", "invalid_api_key"))
        }
        Some(_) => Some(unauthorized("Invalid API key", "invalid_api_key")),
        None => Some(unauthorized(
            "Malformed Authorization header: expected 'Bearer <api key>'",
            "invalid_authorization_header",
        )),
    }
}

/// The key is scoped to one merchant: another `merchantId` gets the 403 answer.
fn refuse_other_merchant(app: &App, merchant_id: Option<&str>) -> Option<Response> {
    match merchant_id {
        Some(m) if m != &*app.merchant_id => Some(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This API key cannot act for that merchant",
            "merchant_mismatch",
        )),
        _ => None,
    }
}

/// Expires due payments (lazily, on every request) and announces it.
fn expire_due(app: &App) {
    let changes = app.store().expire_due(OffsetDateTime::now_utc());
    app.announce(changes);
}

async fn create_payment(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refuse_unauthorized(&app, &headers) {
        return r;
    }
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The request body must be a JSON object",
                "invalid_json",
            );
        }
    };
    let Value::Object(fields) = parsed else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The request body must be a JSON object",
            "invalid_json",
        );
    };
    let req = match validate_create(&fields) {
        Ok(r) => r,
        Err(errors) => return validation_error(&errors),
    };
    if let Some(r) = refuse_other_merchant(&app, req.merchant_id.as_deref()) {
        return r;
    }
    expire_due(&app);

    let now = OffsetDateTime::now_utc();
    let (status, body, change) = {
        let mut store = app.store();
        if let Some(existing) =
            req.idempotency_key.as_deref().and_then(|k| store.by_idempotency_key(k))
        {
            (StatusCode::OK, existing.to_json(), None)
        } else {
            let id = app.ids.next("pay_sbx_");
            let expires_at = now
                .checked_add(time::Duration::seconds(
                    i64::try_from(req.expires_in_secs).unwrap_or(i64::MAX),
                ))
                .unwrap_or(now);
            let payment = Payment {
                payment_url: format!("{}{PAY_PAGE_PREFIX}{id}", app.ctx.public_url),
                id,
                amount_minor: req.amount_minor,
                currency: req.currency,
                status: Status::Pending,
                created_at: now,
                expires_at,
                customer_id: req.customer_id,
                idempotency_key: req.idempotency_key,
                reference: req.reference,
                metadata: req.metadata,
                line_items: req.line_items,
            };
            let stored = store.insert(payment);
            let change = Change { status: Status::Pending, data: stored.event_data() };
            (StatusCode::CREATED, stored.to_json(), Some(change))
        }
    };
    app.announce(change.into_iter().collect());
    answer(status, body)
}

async fn get_payment(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = refuse_unauthorized(&app, &headers) {
        return r;
    }
    if let Some(r) = refuse_other_merchant(&app, query.get("merchantId").map(String::as_str)) {
        return r;
    }
    expire_due(&app);
    let found = app.store().get(&id).map(Payment::to_json);
    match found {
        Some(p) => answer(StatusCode::OK, p),
        None => error(StatusCode::NOT_FOUND, "not_found", "Payment not found", "payment_not_found"),
    }
}

/// Parses an integer query parameter within `min..=max` (or `min..` when `max` is `None`).
fn int_param(
    query: &HashMap<String, String>,
    name: &str,
    default: u64,
    min: u64,
    max: Option<u64>,
    errors: &mut Vec<super::state::FieldError>,
) -> u64 {
    use super::state::FieldError;
    let Some(raw) = query.get(name) else { return default };
    let value: Option<i128> = raw.trim().parse().ok();
    match value {
        None => {
            errors.push(FieldError::new(
                name,
                format!("Expected integer, received '{raw}'"),
                "invalid_type",
            ));
            default
        }
        Some(v) if v < i128::from(min) => {
            errors.push(FieldError::new(
                name,
                format!("Number must be greater than or equal to {min}"),
                "too_small",
            ));
            default
        }
        Some(v) if max.is_some_and(|m| v > i128::from(m)) => {
            errors.push(FieldError::new(
                name,
                format!("Number must be less than or equal to {}", max.unwrap_or_default()),
                "too_big",
            ));
            default
        }
        Some(v) => u64::try_from(v).unwrap_or(u64::MAX),
    }
}

async fn list_payments(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    use super::state::FieldError;
    if let Some(r) = refuse_unauthorized(&app, &headers) {
        return r;
    }
    let mut errors = Vec::new();
    let limit = int_param(&query, "limit", 10, 1, Some(100), &mut errors);
    let offset = int_param(&query, "offset", 0, 0, None, &mut errors);
    let status = match query.get("status") {
        None => None,
        Some(word) => {
            let s = Status::parse(word);
            if s.is_none() {
                errors.push(FieldError::new(
                    "status",
                    format!(
                        "Invalid enum value. Expected 'pending' | 'processing' | 'completed' | \
                         'expired' | 'cancelled', received '{word}'"
                    ),
                    "invalid_enum_value",
                ));
            }
            s
        }
    };
    if !errors.is_empty() {
        return validation_error(&errors);
    }
    if let Some(r) = refuse_other_merchant(&app, query.get("merchantId").map(String::as_str)) {
        return r;
    }
    expire_due(&app);
    let (data, total) = {
        let store = app.store();
        let all = store.filtered(status, query.get("customerId").map(String::as_str));
        let total = all.len();
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        let data: Vec<Value> =
            all.into_iter().skip(skip).take(take).map(Payment::to_json).collect();
        (data, total)
    };
    answer(
        StatusCode::OK,
        json!({
            "object": "list",
            "data": data,
            "pagination": {"limit": limit, "offset": offset, "total": total},
        }),
    )
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    (status, Html(html)).into_response()
}

/// The hosted payment page (`paymentUrl`), no API key: visiting it plays the customer.
/// A pending payment moves to `processing`, then by amount: `13.13` -> `expired`,
/// `66.66` -> `cancelled`, `77.77` stays `processing`, anything else -> `completed`.
/// A payment no longer pending is shown as it is.
async fn hosted_page(State(app): State<App>, Path(id): Path<String>) -> Response {
    expire_due(&app);
    let (changes, shown) = {
        let mut store = app.store();
        let Some(p) = store.get(&id) else {
            drop(store);
            return page(StatusCode::NOT_FOUND, "Payment not found", "No such payment.");
        };
        let mut changes = Vec::new();
        if p.status == Status::Pending {
            let outcome = match p.amount_minor {
                TRIGGER_EXPIRE_MINOR => vec![Status::Expired],
                TRIGGER_CANCEL_MINOR => vec![Status::Cancelled],
                TRIGGER_PROCESSING_MINOR => vec![Status::Processing],
                _ => vec![Status::Processing, Status::Completed],
            };
            for to in outcome {
                changes.extend(store.transition(&id, to));
            }
        }
        let shown = store
            .get(&id)
            .map(|p| (p.status, format_minor(p.amount_minor), p.currency.clone()))
            .unwrap_or((Status::Pending, String::new(), String::new()));
        (changes, shown)
    };
    app.announce(changes);
    let (status, amount, currency) = shown;
    let text = format!("Payment {id} of {amount} {currency} is {}.", status.word());
    let title = match status {
        Status::Completed => "Payment completed",
        Status::Processing => "Payment processing",
        Status::Expired => "Payment expired",
        Status::Cancelled => "Payment cancelled",
        Status::Pending => "Payment pending",
    };
    page(StatusCode::OK, title, &text)
}
