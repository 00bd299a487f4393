//! The Paynectra emulator: Paynectra's REST API (`/v1`, Stripe conventions where its guide is
//! silent, as decided in the workspace's `NOTES.md`), in memory.
//!
//! ## Routes
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/payments` | create (`amount`, `currency`, `customer_id`, `description`, `capture_method`, `metadata`, `return_url`) |
//! | `GET /v1/payments/:id` | retrieve |
//! | `GET /v1/payments` | list (`limit` 1..=100 default 20, `starting_after`, `ending_before`, `customer`, `status` (`pending`, `succeeded`, `failed`, `cancelled`), `created[gte]`, `created[lte]`) |
//! | `POST /v1/payments/:id/capture` | capture (`amount_to_capture`) |
//! | `POST /v1/payments/:id/cancel` | cancel (no parameters) |
//! | `POST /v1/refunds` | refund (`payment_id`, `amount`, `reason`, `metadata`) |
//! | `GET /v1/refunds/:id` | retrieve a refund (not in the guide: kept because paymux's conformance suite reads refunds back; see the crate's report) |
//! | `POST /v1/customers` | customers (`email`, `name`, `phone` E.164, `address {line1, city, postal_code, country}`, `metadata`) |
//! | `GET /sandbox/paynectra/checkout/:id[?card=N]` | the hosted payment page (no auth) |
//! | `GET /sandbox/paynectra/redirect/:id[?result=fail]` | the 3-D Secure page (no auth) |
//! | `GET /sandbox/paynectra/events`, `POST /sandbox/paynectra/trigger/:event` | see [`crate::kit::control`] |
//!
//! Nothing else: an undocumented parameter (`statement_descriptor` on capture, `line2` or
//! `state` in an address, `cancellation_reason`, `payment_method`), an undocumented status
//! filter (`requires_capture`) or route (`GET /v1/customers/:id`, `GET /v1/refunds`) is refused
//! as Stripe refuses it: `400 parameter_unknown` / `parameter_invalid` naming the parameter,
//! `404 resource_missing` for a route.
//!
//! **Auth**: `Authorization: Bearer <key>` with the key of [`credentials`]; anything else is
//! `401 {error: {type: "authentication_error", code: "api_key_missing" | "api_key_invalid",
//! message}}` (live keys `sk_live_...` are refused by the sandbox). Every `/v1` answer carries
//! `Request-Id`.
//!
//! **Errors**: `{error: {type, code, message, param?}}`; `type` is `invalid_request_error`
//! (400, 404), `authentication_error` (401), `idempotency_error` (400), and, through
//! [`Fault::GatewayError`](crate::Fault), `rate_limit_error` (429) and `api_error` (5xx). An
//! illegal move is `400 payment_unexpected_state`; an over-refund `400 amount_too_large`.
//!
//! **Idempotency**: `Idempotency-Key` on POSTs. The same key and the same route and body
//! replay the stored answer (with `Idempotent-Replayed: true`) and create nothing; the same key
//! with another body is `400 idempotency_error`. Answers refused by validation are not stored.
//!
//! ## Triggers
//!
//! A payment is created `pending` with `next_action.redirect_to_url` = the hosted page; a GET
//! of it pays with `?card=` (default 4242424242424242), then answers 303 to the 3-D Secure page
//! or to `return_url?payment_id=..&redirect_status=<status>`.
//!
//! | trigger | status words | events |
//! |---|---|---|
//! | create | `pending` | `payment.created` |
//! | card 4242424242424242 or any other valid number | `succeeded` (`requires_capture` with manual capture, then `succeeded` on capture) | `payment.succeeded` (`payment.requires_capture`) |
//! | card 4000000000000002 / amount 100002 | `failed`, `card_declined` / `generic_decline` | `payment.failed` |
//! | card 4000000000009995 / amount 109995 | `failed`, `card_declined` / `insufficient_funds` | `payment.failed` |
//! | card 4000000000000069, ...0127, ...0119, 4100000000000019 | `failed`: `expired_card`, `incorrect_cvc`, `processing_error`, `fraudulent` | `payment.failed` |
//! | card 4000000000003220 / amount 103220 | `requires_action`; the 3-D Secure page approves (`?result=fail`: `failed`, `payment_authentication_failure`) | `payment.requires_action` |
//! | card 4000008400001629 | `requires_action`, then `failed` (`card_declined`) | `payment.requires_action`, `payment.failed` |
//! | amount 7777 | stays `pending` (processing) | `payment.processing` |
//! | `POST .../cancel` | `cancelled` | `payment.canceled` |
//! | refund of any amount | refund `succeeded` | `refund.succeeded` |
//! | refund amount 9995 | refund `failed` (`failure_reason: declined`) | `refund.failed` |
//! | `POST /v1/customers` | | `customer.created` |
//!
//! ## Webhooks
//!
//! On every state change, a POST with `Content-Type: application/json` and
//! `Paynectra-Signature: t=<unix>,v1=<hex>`, `v1` = HMAC-SHA256 over `"{t}.{raw body}"` keyed
//! with the webhook secret's UTF-8 bytes (the whole `whsec_...` string). Body
//! `{id: "evt_...", object: "event", type, created, livemode: false, data: {object}}`.

mod api;
mod handlers;
mod render;
mod state;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::HeaderValue;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::kit::auth::{Auth, KeyIn, Refusal, mask, require};
use crate::kit::control;
use crate::kit::server::{Ctx, EmulatorHandle, IdGen, TestCredentials};
use crate::kit::webhooks::Signing;
use api::Reply;

/// The API key the emulator accepts (a Paynectra test key).
pub const API_KEY: &str = "sk_test_paynectra_sandbox_51Hx9QeKq3";

/// The secret the emulator signs webhooks with.
pub const WEBHOOK_SECRET: &str = "whsec_paynectra_sandbox_7Gd2kLq9";

/// The webhook signature header.
pub const SIGNATURE_HEADER: &str = "Paynectra-Signature";

/// Every event type the emulator sends.
pub const EVENTS: &[&str] = &[
    "payment.created",
    "payment.processing",
    "payment.requires_action",
    "payment.requires_capture",
    "payment.succeeded",
    "payment.failed",
    "payment.canceled",
    "refund.succeeded",
    "refund.failed",
    "customer.created",
];

/// The keys this emulator accepts. `extra["base_path"]` is `/v1`: a client's base URL is the
/// emulator's URL plus `/v1` ([`EmulatorHandle::api_url`]).
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        extra: BTreeMap::from([("base_path".to_owned(), "/v1".to_owned())]),
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::kit::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::kit::server::serve_on("paynectra", credentials(), addr, router).await
}

/// The emulator: its context and state.
#[derive(Debug)]
pub(crate) struct Emu {
    pub ctx: Ctx,
    pub state: Mutex<state::State>,
    pub replays: crate::kit::replay::Replays<Reply>,
    pub ids: IdGen,
}

fn refuse(why: &Refusal, _path: &str) -> Response {
    let (code, message) = match why {
        Refusal::Missing | Refusal::Malformed => (
            "api_key_missing",
            "You did not provide an API key. Provide it in the Authorization header as 'Authorization: Bearer sk_test_...'.".to_owned(),
        ),
        Refusal::Live(_) => {
            ("api_key_invalid", "Live keys (sk_live_...) are not accepted by the sandbox: use a test key.".to_owned())
        }
        Refusal::Wrong(k) => ("api_key_invalid", format!("Invalid API Key provided: {}", mask(k))),
    };
    Reply::error(401, "authentication_error", code, message, None).into_response()
}

fn gateway_error(status: u16) -> Response {
    let (kind, code, message) = match status {
        429 => ("rate_limit_error", "rate_limit", "Too many requests hit the API too quickly."),
        s if s >= 500 => ("api_error", "api_error", "An error occurred with our API."),
        _ => ("invalid_request_error", "invalid_request", "The request could not be processed."),
    };
    Reply::error(status, kind, code, message.into(), None).into_response()
}

/// Adds `Request-Id` to every `/v1` answer.
async fn request_id(AxState(emu): AxState<Arc<Emu>>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&emu.ids.next("req_")) {
        response.headers_mut().insert("request-id", v);
    }
    response
}

fn router(ctx: Ctx) -> Router {
    ctx.faults.set_error_shape(gateway_error);
    ctx.webhooks.set_signing(Signing::Timestamped { header: SIGNATURE_HEADER }, WEBHOOK_SECRET);
    let auth = Arc::new(Auth {
        key_in: KeyIn::Bearer,
        key: API_KEY.into(),
        live_prefix: Some("sk_live_"),
        refuse,
    });
    let emu = Arc::new(Emu {
        ctx,
        state: Mutex::default(),
        replays: Default::default(),
        ids: IdGen::default(),
    });
    use handlers as h;
    let api = Router::new()
        .route("/v1/payments", get(h::list_payments).post(h::create_payment))
        .route("/v1/payments/{id}", get(h::get_payment))
        .route("/v1/payments/{id}/capture", post(h::capture_payment))
        .route("/v1/payments/{id}/cancel", post(h::cancel_payment))
        .route("/v1/refunds", post(h::create_refund))
        .route("/v1/refunds/{id}", get(h::get_refund))
        .route("/v1/customers", post(h::create_customer))
        .fallback(h::unrecognized)
        .method_not_allowed_fallback(h::unrecognized)
        .layer(from_fn_with_state(auth, require))
        .layer(from_fn_with_state(emu.clone(), request_id))
        .with_state(emu.clone());
    Router::new()
        .route("/sandbox/paynectra/checkout/{id}", get(h::checkout))
        .route("/sandbox/paynectra/redirect/{id}", get(h::three_ds))
        .with_state(emu.clone())
        .merge(control::routes("paynectra", emu))
        .merge(api)
}
