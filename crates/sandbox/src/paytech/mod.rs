//! The pay.tech emulator: `/api/v1/payments` as `paytech.seed.txt` and `paytech.openapi.json`
//! (pay.tech API 1.0.341) describe it, with a hosted checkout page and signed webhooks.
//!
//! # Routes
//! Every API route needs `Authorization: Bearer <shop API key>` ([`API_KEY`]); a missing or
//! wrong key answers 401 `UnauthorizedError` `{timestamp, status, error, message, path}`.
//! Every answer is wrapped `{timestamp, status: 200, result}`; the list adds `hasMore`.
//! Invalid requests answer 400 `BadRequestError` `{timestamp, status, error, message, errors:
//! [Spring binding errors {codes, arguments, defaultMessage, objectName, field,
//! bindingFailure}], path}`; unknown ids 404 `NotFoundError` (on the routes whose spec lists a
//! 404; capture and void list only 400, so an unknown id answers 400 there).
//!
//! - `POST /api/v1/payments` (`PaymentRequest`): `paymentType` and `currency` required;
//!   `amount` a JSON number in major units, read exactly from the body text (never through
//!   `f64`), at most 18 decimals and 1,000,000,000, echoed exactly (`11.10` stays `11.10`).
//!   The emulator requires `amount` for deposits and withdrawals (the real gateway can let its
//!   checkout page collect it). `paymentMethod` must be a value of the spec's enum; a `card`
//!   makes it `BASIC_CARD`. String lengths follow the spec.
//!   - `DEPOSIT` starts `CHECKOUT` with `redirectUrl` = `{public_url}/sandbox/paytech/checkout/{id}`.
//!     `preAuth: true` asks for a Pre-Authorization (two-phase deposit): a successful card
//!     then ends `AUTHORIZED` instead of `COMPLETED` (amount `0` is allowed only then).
//!   - `WITHDRAWAL` starts `PENDING`, goes to `AWAITING_APPROVAL` after [`SETTLE_DELAY`]
//!     (the sandbox shop reviews every withdrawal); `approve` -> `PENDING` -> `COMPLETED` (or
//!     `DECLINED` for a declining test card); `reject` -> `CANCELLED` with `errorCode` `8.00`
//!     and `rejectReason` as `externalResultCode`.
//!   - `REFUND` needs `parentPaymentId` of a `COMPLETED` deposit, the same currency, and
//!     `amount` at most the captured amount minus earlier refunds (pending ones included);
//!     no `amount` refunds the rest. Starts `PENDING`, then `COMPLETED` after [`SETTLE_DELAY`].
//!     Over-refunds, refunds of other states and unknown parents answer 400.
//!   - No idempotency mechanism is documented, so none is emulated: a repeated POST creates a
//!     second payment. `referenceId` is stored and searchable with `referenceId.eq`.
//! - `GET /api/v1/payments/{id}`: `PaymentResult`; `GET /api/v1/payments/{id}/operations`:
//!   the operations performed, most recent first.
//! - `PATCH /api/v1/payments/{id}` (`DepositPatchRequest`, `customerIp` required): the
//!   host-to-host step of a `CHECKOUT` deposit. With card data: a non-3-D Secure test card is
//!   run at once (final state in the answer); a 3-D Secure enrolled one answers `PENDING` with
//!   `redirectUrl` = `{public_url}/sandbox/paytech/3ds/{id}` (a GET of it completes, `?action=fail`
//!   declines `5.00`). Without card data an alternative method (e.g. `PIX`) answers `PENDING`
//!   with `externalRefs` `{paymentReference, instructions, paymentUrl}`, and the customer
//!   "pays" at `paymentUrl` (the checkout page); a card deposit without card data answers 400.
//! - `GET /api/v1/payments`: `offset` (0-1,000,000), `limit` (1-1000, default 50),
//!   `created.gte` (default 24 hours ago), `created.lt`, `updated.gte`, `updated.lt`
//!   (`YYYY-MM-DDTHH:MM:SS`, UTC), `referenceId.eq`; newest first, `hasMore`.
//! - `POST /api/v1/payments/{id}/capture` (optional `{amount}`, at most the authorized
//!   amount; a partial capture makes `amount` the captured amount): `AUTHORIZED` ->
//!   `COMPLETED`. `POST /api/v1/payments/{id}/void`: `AUTHORIZED` -> `CANCELLED`. Any other
//!   state answers 400 "Illegal Workflow State".
//! - `POST /api/v1/payments/{id}/approve` and `/reject`: withdrawals in `AWAITING_APPROVAL`.
//! - `GET /sandbox/paytech/checkout/{id}` (no key; the customer's browser): runs the deposit
//!   and answers an HTML page (with a link to `returnUrl`, never a redirect off the machine).
//!   The deposit's own card is used; without one `?cardNumber=` picks a test card (default
//!   `4000000000000002`); `?action=cancel` cancels it (`2.00` Cancelled by Customer).
//!
//! # Triggers
//! The spec's sandbox test cards (3-D Secure enrolment matters only for the host-to-host
//! step; through the checkout page both kinds finish in one visit):
//!
//! | card | 3-D Secure | result |
//! | --- | --- | --- |
//! | `4000000000000002`, `5555000000000008` | yes | success |
//! | `4242424242424242`, `5555000000000438` | yes | `DECLINED` `4.00` Declined by Issuer |
//! | `4000000000000408`, `5555000000000107` | no | success |
//! | `4000000000000416`, `5555000000000115` | no | `DECLINED` `4.00` Declined by Issuer |
//! | `4000000000009995` (paymux addition) | no | `DECLINED` `4.01` Insufficient Funds |
//! | any other number | no | `DECLINED` `4.13` Invalid card number |
//!
//! | amount | result |
//! | --- | --- |
//! | `77.77` ([`PROCESSING_AMOUNT`]) | stays `PENDING` (deposit after checkout, refund, withdrawal) |
//! | deposit >= 10,000,000 | `DECLINED` `3.28` Amount higher than maximum (sandbox limit) |
//! | withdrawal or refund > 10,000 | `DECLINED` `3.28` (sandbox limit) |
//!
//! # Webhooks
//! Sent when a payment reaches `COMPLETED`, `DECLINED`, `CANCELLED` or `AUTHORIZED` (the
//! seed's final states). The body is the `PaymentResult` itself (not wrapped); header
//! `Signature` = lowercase hex HMAC-SHA256 of the raw body keyed with the shop signing key
//! ([`SIGNING_KEY`]). The per-payment `webhookUrl` is validated but delivery goes to the
//! sandbox's configured target.

mod json;
mod routes;
mod state;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::server::{EmulatorHandle, TestCredentials};

/// The sandbox shop's API key (sent as `Authorization: Bearer <key>`).
pub const API_KEY: &str = "sbx_9f1c2e7a4b6d48e0a3c5f7b9d1e2c4a6";
/// The sandbox shop's signing key (webhook `Signature`).
pub const SIGNING_KEY: &str = "sbx_sig_5d8e0b3a7c1f49e6b2d4a6c8e0f1a3b5";
/// Path prefix of the checkout page: `redirectUrl` = public URL + this + payment id.
pub const CHECKOUT_PATH: &str = routes::CHECKOUT_PREFIX;
/// Path prefix of the 3-D Secure page of the host-to-host card flow.
pub const THREE_DS_PATH: &str = routes::THREE_DS_PREFIX;
/// The amount that leaves a payment `PENDING`.
pub const PROCESSING_AMOUNT: &str = "77.77";
/// How long refund settlement, withdrawal review and payout take.
pub const SETTLE_DELAY: Duration = routes::SETTLE_DELAY;

/// The keys this emulator accepts: `api_key` (Bearer) and `webhook_secret` (the shop signing
/// key).
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: SIGNING_KEY.into(),
        extra: BTreeMap::new(),
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::server::serve_on("paytech", credentials(), addr, |ctx| {
        routes::router(ctx, API_KEY.to_owned(), SIGNING_KEY.to_owned())
    })
    .await
}
