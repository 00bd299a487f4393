//! The Paygentic emulator: `/v0/payments` as Paygentic's guide and OpenAPI document describe
//! it, with a hosted payment page and Svix-signed webhooks.
//!
//! # Routes
//! - `POST /v0/payments`: validates the body as the OpenAPI document does (`amount` a decimal
//!   string `^\d+(\.\d{1,2})?$` from 1.00 to 5000.00; `currency` USD, EUR, GBP or AUD;
//!   `idempotencyKey` and `reference` at most 255 characters; `metadata` string values;
//!   at most 100 `lineItems` each with `description` and `amount`; URIs for the redirect URLs;
//!   `expiresIn` an ISO 8601 duration, default P30D, at most P31D). 201 with a `pending`
//!   payment whose `paymentUrl` is the sandbox's hosted page; a repeated `idempotencyKey`
//!   answers 200 with the existing payment as it is now (no second payment). Invalid bodies
//!   answer 400 `{error: "validation_error", message, errors: [{field, message, code}]}`;
//!   a body that is not a JSON object answers 400 `{error: "bad_request", ...}`.
//! - `GET /v0/payments/{id}`: the payment, or 404 `{error: "not_found", ...}`.
//! - `GET /v0/payments`: `limit` (1-100, default 10), `offset`, `status`, `customerId`,
//!   newest first, `{object: "list", data, pagination: {limit, offset, total}}`.
//! - `GET /sandbox/paygentic/pay/{id}` (the `paymentUrl`, no API key): plays the customer.
//! - Anything else (Paygentic has no capture, cancel or refund route): 404 in the error shape.
//!
//! Auth: `Authorization: Bearer sk_test_...` (see [`credentials`]); missing or wrong -> 401
//! `{error: "unauthorized", message, code}`. A `merchantId` other than the key's merchant ->
//! 403 `{error: "forbidden", ...}`.
//!
//! # Triggers (by amount, applied when the hosted page is visited)
//! | amount | outcome |
//! | --- | --- |
//! | `13.13` | `pending -> expired` |
//! | `66.66` | `pending -> cancelled` (the customer cancels) |
//! | `77.77` | `pending -> processing`, and stays there |
//! | any other | `pending -> processing -> completed` |
//!
//! A pending payment whose `expiresAt` has passed (e.g. `expiresIn: "PT1S"`) becomes
//! `expired` at the next request.
//!
//! # Webhooks
//! One per state change, creation (`pending`) included, through Svix: headers `svix-id`,
//! `svix-timestamp`, `svix-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
//! keyed with the base64-decoded part of the `whsec_` secret; body
//! `{eventType: "payment.<status>.v0", eventId, timestamp, data: {paymentId, amount,
//! currency, status, createdAt, expiresAt, paymentUrl, customerId?, reference?, metadata?}}`.

mod routes;
mod state;
mod webhook;

use std::collections::BTreeMap;

use crate::server::{EmulatorHandle, TestCredentials};

/// The sandbox's API key (`sk_test_...`).
pub const API_KEY: &str = "sk_test_paymux_sandbox_paygentic_4eC39HqLyjWDarjtT1zdp7dc";
/// The webhook endpoint secret (`whsec_` + base64 of the 32-byte key).
pub const WEBHOOK_SECRET: &str = "whsec_cGF5bXV4LXNhbmRib3gtcGF5Z2VudGljLXdlYmhvb2s=";
/// The one merchant the API key is scoped to (`merchantId`).
pub const MERCHANT_ID: &str = "org_sandbox_paymux";
/// The path prefix of the hosted payment page (`paymentUrl` = public URL + this + id).
pub const PAY_PAGE_PATH: &str = routes::PAY_PAGE_PREFIX;

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
    start_on(crate::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    let creds = credentials();
    let signer = webhook::Signer::new(&creds.webhook_secret);
    crate::server::serve_on("paygentic", creds, addr, move |ctx| {
        routes::router(ctx, API_KEY, MERCHANT_ID, signer)
    })
    .await
}
