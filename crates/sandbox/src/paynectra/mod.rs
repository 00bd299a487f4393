//! The Paynectra emulator: Paynectra's REST API (`/v1`, Stripe conventions where its guide is
//! silent, as decided in the workspace's `NOTES.md`), in memory.
//!
//! ## Routes
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/payments` | create (`amount`, `currency`, `customer_id`, `description`, `capture_method`, `metadata`, `return_url`; sandbox extension `payment_method`) |
//! | `GET /v1/payments/:id` | retrieve |
//! | `GET /v1/payments` | list (`limit` 1..=100 default 20, `starting_after`, `ending_before`, `customer`, `status`, `created[gte]`, `created[lte]`) |
//! | `POST /v1/payments/:id/capture` | capture (`amount_to_capture`, `statement_descriptor`, `statement_descriptor_suffix`, `metadata`) |
//! | `POST /v1/payments/:id/cancel` | cancel (`cancellation_reason`) |
//! | `POST /v1/refunds` | refund (`payment_id`, `amount`, `reason`, `metadata`) |
//! | `GET /v1/refunds/:id`, `GET /v1/refunds` | retrieve, list (`payment` filter, same paging) |
//! | `POST /v1/customers`, `GET /v1/customers/:id` | customers (`email`, `name`, `phone` E.164, `address`, `metadata`) |
//! | `GET /sandbox/paynectra/checkout/:id[?card=N]` | the hosted payment page (no auth) |
//! | `GET /sandbox/paynectra/redirect/:id[?result=fail]` | the 3-D Secure page (no auth) |
//!
//! **Auth**: `Authorization: Bearer <key>` with the key of [`credentials`]; anything else is
//! `401 {error: {type: "authentication_error", code: "api_key_missing" | "api_key_invalid",
//! message}}` (live keys `sk_live_...` are refused by the sandbox). Every `/v1` answer carries
//! `Request-Id`.
//!
//! **Errors**: `{error: {type, code, message, param?}}`; `type` is `invalid_request_error`
//! (400, 404), `authentication_error` (401), `card_error` (402), `idempotency_error` (400).
//! Unknown body or query parameters are refused (`400 parameter_unknown`, Stripe's behaviour).
//! An illegal move (capturing a cancelled payment, refunding an uncaptured one, ...) is
//! `400 invalid_request_error` `payment_unexpected_state` (Stripe answers such moves 400,
//! not 409); an over-refund `400 amount_too_large` (`param: amount`); a currency not in
//! lowercase (`USD`) `400 parameter_invalid` (`param: currency`).
//!
//! **Idempotency**: `Idempotency-Key` on POSTs. The same key and the same route and body
//! replay the stored answer (with `Idempotent-Replayed: true`) and create nothing; the same key
//! with another body is `400 idempotency_error`. As at Stripe, answers refused by validation
//! are not stored (a corrected retry with the same key goes through); answers of requests that
//! ran (2xx, 402 declines, state conflicts) are.
//!
//! ## The payment flow
//!
//! Paynectra's guide has the customer confirm client-side (JS SDK or hosted page), so a payment
//! created without card data is `pending` with
//! `next_action: {type: "redirect_to_url", redirect_to_url: {url, return_url}}` pointing at the
//! sandbox's hosted page `{base}/sandbox/paynectra/checkout/{id}`. A GET of that page pays with
//! the card in `?card=` (default 4242424242424242): the payment moves per the trigger table and
//! the page answers `303` to the 3-D Secure page, or to `return_url?payment_id=..&
//! redirect_status=<status>` (a small HTML status page when there is no `return_url`).
//!
//! Sandbox extension, for tests without a browser: `POST /v1/payments` may carry
//! `payment_method: {card: {number, exp_month, exp_year, cvc}}` (optionally `type: "card"`),
//! which confirms at once, like Stripe's `confirm=true`. A decline then answers as Stripe does:
//! **HTTP 402** `{error: {type: "card_error", code, decline_code, message, payment: {...}}}`,
//! and the payment exists with `status: "failed"` and the same error in `last_payment_error`
//! (a `payment.failed` webhook is sent). A decline on the hosted page only fails the payment.
//! Malformed cards are `402 card_error` (`incorrect_number`, `invalid_expiry_month`,
//! `invalid_expiry_year`, `invalid_cvc`) and create nothing.
//!
//! Statuses: `pending` (awaiting the customer, or processing), `requires_action` (3-D Secure),
//! `requires_capture` (manual capture, `amount_capturable`), `succeeded` (`amount_received` =
//! `amount_captured`), `failed`, `cancelled`. Capture only from `requires_capture` (partial
//! captures release the rest); cancel from `pending`, `requires_action`, `requires_capture`;
//! refunds only of `succeeded` payments, up to `amount_received - amount_refunded`, and are
//! `succeeded` at once.
//!
//! ## Triggers
//!
//! | card | outcome |
//! |---|---|
//! | 4242424242424242 or any other valid number | approved: `succeeded` (`requires_capture` if manual) |
//! | 4000000000000002 | `failed`, `card_declined` / `generic_decline` |
//! | 4000000000009995 | `failed`, `card_declined` / `insufficient_funds` |
//! | 4000000000000069 | `failed`, `expired_card` |
//! | 4000000000000127 | `failed`, `incorrect_cvc` |
//! | 4000000000000119 | `failed`, `processing_error` |
//! | 4100000000000019 | `failed`, `card_declined` / `fraudulent` |
//! | 4000000000003220 | `requires_action`, redirect to `{base}/sandbox/paynectra/redirect/{id}`; visiting it approves (`?result=fail`: `failed`, `payment_authentication_failure`) |
//! | 4000008400001629 | `requires_action`; visiting the redirect declines (`card_declined`) |
//!
//! With an approving card, amounts (minor units, any currency) trigger too: `100002` declined,
//! `109995` insufficient funds, `103220` 3-D Secure, **`7777` stays `pending` (processing)
//! for good** (it can still be cancelled).
//!
//! ## Webhooks
//!
//! On every state change, a POST with `Content-Type: application/json` and
//! `Paynectra-Signature: t=<unix>,v1=<hex>`, `v1` = HMAC-SHA256 over `"{t}.{raw body}"` keyed
//! with the webhook secret's UTF-8 bytes (the whole `whsec_...` string). Body
//! `{id: "evt_...", object: "event", type, created, livemode: false, data: {object}}`, types
//! `payment.created`, `payment.requires_action`, `payment.processing`,
//! `payment.requires_capture`, `payment.succeeded` (also on capture), `payment.failed`,
//! `payment.canceled`, `refund.succeeded`, `customer.created`.

mod routes;
mod state;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};

use crate::server::{EmulatorHandle, TestCredentials};

/// The API key the emulator accepts (a Paynectra test key).
pub const API_KEY: &str = "sk_test_paynectra_sandbox_51Hx9QeKq3";

/// The secret the emulator signs webhooks with.
pub const WEBHOOK_SECRET: &str = "whsec_paynectra_sandbox_7Gd2kLq9";

/// The keys this emulator accepts. `extra["base_path"]` is `/v1`: a client's base URL is the
/// emulator's URL plus `/v1`.
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        extra: BTreeMap::from([("base_path".to_owned(), "/v1".to_owned())]),
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    let creds = credentials();
    crate::server::serve_on("paynectra", creds.clone(), addr, move |ctx| {
        let emu = Arc::new(routes::Emu {
            ctx,
            api_key: creds.api_key,
            webhook_secret: creds.webhook_secret,
            state: Mutex::new(state::State::default()),
        });
        let api = Router::new()
            .route("/v1/payments", get(routes::list_payments).post(routes::create_payment))
            .route("/v1/payments/{id}", get(routes::get_payment))
            .route("/v1/payments/{id}/capture", post(routes::capture_payment))
            .route("/v1/payments/{id}/cancel", post(routes::cancel_payment))
            .route("/v1/refunds", get(routes::list_refunds).post(routes::create_refund))
            .route("/v1/refunds/{id}", get(routes::get_refund))
            .route("/v1/customers", post(routes::create_customer))
            .route("/v1/customers/{id}", get(routes::get_customer))
            .fallback(routes::unrecognized)
            .method_not_allowed_fallback(routes::unrecognized)
            .layer(axum::middleware::from_fn_with_state(emu.clone(), routes::auth))
            .with_state(emu.clone());
        Router::new()
            .route("/sandbox/paynectra/checkout/{id}", get(routes::checkout))
            .route("/sandbox/paynectra/redirect/{id}", get(routes::three_ds))
            .with_state(emu)
            .merge(api)
    })
    .await
}
