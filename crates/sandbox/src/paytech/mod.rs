//! The pay.tech emulator: `/api/v1/payments` as `paytech.seed.txt` and `paytech.openapi.json`
//! (pay.tech API 1.0.341) describe it, with a hosted checkout page and signed webhooks.
//!
//! # Routes
//! Every API route needs `Authorization: Bearer <shop API key>` ([`API_KEY`]); a missing or
//! wrong key answers 401 `UnauthorizedError` `{timestamp, status, error, message, path}`.
//! Every answer is wrapped `{timestamp, status: 200, result}`; the list adds `hasMore`.
//! Invalid requests answer 400 `BadRequestError` `{timestamp, status, error, message, errors:
//! [Spring binding errors], path}` listing every bad field; unknown ids 404 `NotFoundError`
//! (capture and void list only 400 in the spec, so an unknown id answers 400 there). A
//! [`Fault::GatewayError`](crate::Fault) answers the same shape with its status.
//!
//! - `POST /api/v1/payments` (`PaymentRequest`): `paymentType` and `currency` (an ISO 4217
//!   code or a cryptocurrency symbol such as `BTC` or `USDT`) required; `amount` a JSON
//!   number in major units read exactly (never through `f64`): up to 18 decimals whatever the
//!   currency (`10.125` EUR, `0.00012345` BTC), at most 1,000,000,000, echoed as written.
//!   Unknown fields are ignored (Spring Boot's default).
//!   - `DEPOSIT` starts `CHECKOUT` with `redirectUrl` = `{public_url}/sandbox/paytech/checkout/{id}`;
//!     `preAuth: true` ends a successful card in `AUTHORIZED` instead of `COMPLETED`.
//!   - `WITHDRAWAL` starts `PENDING`, goes to `AWAITING_APPROVAL` after [`SETTLE_DELAY`];
//!     `approve` -> `PENDING` -> `COMPLETED` (or `DECLINED` for a declining test card);
//!     `reject` -> `CANCELLED` with `errorCode` `8.00`.
//!   - `REFUND` needs `parentPaymentId` of a `COMPLETED` deposit, the same currency, and
//!     `amount` at most what is left (pending refunds count); no `amount` refunds the rest.
//!     Starts `PENDING`, then settles after [`SETTLE_DELAY`] (see the triggers).
//!   - No idempotency mechanism is documented, so none is emulated: a repeated POST creates a
//!     second payment. `referenceId` is stored and searchable with `referenceId.eq`.
//! - `GET /api/v1/payments/{id}`, `GET /api/v1/payments/{id}/operations`.
//! - `PATCH /api/v1/payments/{id}` (`customerIp` required): the host-to-host step of a
//!   `CHECKOUT` deposit: a non-3-D Secure card runs at once; an enrolled one answers `PENDING`
//!   with `redirectUrl` = `/sandbox/paytech/3ds/{id}` (`?action=fail` declines `5.00`); an
//!   alternative method (`PIX`) answers `PENDING` with `externalRefs`.
//! - `GET /api/v1/payments`: `offset`, `limit` (1-1000, default 50), `created.gte` (default 24
//!   hours ago), `created.lt`, `updated.gte`, `updated.lt`, `referenceId.eq`; newest first.
//! - `POST /api/v1/payments/{id}/capture` (optional `{amount}`), `.../void`, `.../approve`,
//!   `.../reject`.
//! - `GET /sandbox/paytech/checkout/{id}` (no key): runs the deposit (`?cardNumber=` picks a
//!   test card when it has none, default `4000000000000002`; `?action=cancel` cancels it,
//!   `2.00`; `?action=timeout` lets it time out, `1.04`).
//! - `GET /sandbox/paytech/events`, `POST /sandbox/paytech/trigger/{event}`: see
//!   [`crate::kit::control`]; events are named `{paymentType}.{state}` (`DEPOSIT.COMPLETED`).
//!
//! # Triggers
//!
//! | card | 3-D Secure | state reached |
//! | --- | --- | --- |
//! | `4000000000000002`, `5555000000000008` | yes | `COMPLETED` (`AUTHORIZED` with `preAuth`) |
//! | `4242424242424242`, `5555000000000438` | yes | `DECLINED` `4.00` Declined by Issuer |
//! | `4000000000000408`, `5555000000000107` | no | `COMPLETED` (`AUTHORIZED` with `preAuth`) |
//! | `4000000000000416`, `5555000000000115` | no | `DECLINED` `4.00` Declined by Issuer |
//! | `4000000000009995` (paymux addition) | no | `DECLINED` `4.01` Insufficient Funds |
//! | any other number | no | `DECLINED` `4.13` Invalid card number |
//!
//! | amount or route | state and fields reached |
//! | --- | --- |
//! | `77.77` ([`PROCESSING_AMOUNT`]) | stays `PENDING` (deposit after checkout, refund, withdrawal) |
//! | deposit of `15` in any currency but EUR | `COMPLETED` with `amount: 11.12`, `currency: EUR`, `customerAmount: 15`, `customerCurrency`: the request's (currency conversion) |
//! | deposit of `33.33` | `COMPLETED` for a final `amount` of `30.00` (the final amount differs) |
//! | refund of `13.13` | refund `DECLINED` `1.10` Insufficient Balance |
//! | deposit >= 10,000,000; withdrawal or refund > 10,000 | `DECLINED` `3.28` Amount higher than maximum |
//! | checkout `?action=cancel` | `CANCELLED` `2.00` Cancelled by Customer |
//! | checkout `?action=timeout` | `CANCELLED` `1.04` Cancelled by Timeout (the connector's `Expired`) |
//! | `void` of an `AUTHORIZED` deposit | `CANCELLED` |
//! | withdrawal after [`SETTLE_DELAY`] | `AWAITING_APPROVAL` |
//! | host-to-host step with an enrolled card or `PIX` | `PENDING` |
//!
//! # Webhooks
//! Sent when a payment reaches `COMPLETED`, `DECLINED`, `CANCELLED` or `AUTHORIZED` (the
//! seed's final states). The body is the `PaymentResult` itself (not wrapped); header
//! `Signature` = lowercase hex HMAC-SHA256 of the raw body keyed with the shop signing key
//! ([`SIGNING_KEY`]).

// Validation returns a ready `Response` as its error through `Result<_, Response>`; boxing
// it would buy nothing on this cold path.
#![allow(clippy::result_large_err)]

mod api;
mod handlers;
mod render;
mod state;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use paymux_core::webhook::Algorithm;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::kit::auth::{Auth, KeyIn, Refusal, require};
use crate::kit::control::{self, Triggers};
use crate::kit::server::{Ctx, EmulatorHandle, TestCredentials};
use crate::kit::webhooks::Signing;
use state::{Record, State, Step, Store};

/// The sandbox shop's API key (sent as `Authorization: Bearer <key>`).
pub const API_KEY: &str = "sbx_9f1c2e7a4b6d48e0a3c5f7b9d1e2c4a6";
/// The sandbox shop's signing key (webhook `Signature`).
pub const SIGNING_KEY: &str = "sbx_sig_5d8e0b3a7c1f49e6b2d4a6c8e0f1a3b5";
/// Path prefix of the checkout page: `redirectUrl` = public URL + this + payment id.
pub const CHECKOUT_PATH: &str = "/sandbox/paytech/checkout/";
/// Path prefix of the 3-D Secure page of the host-to-host card flow.
pub const THREE_DS_PATH: &str = "/sandbox/paytech/3ds/";
/// The amount that leaves a payment `PENDING`.
pub const PROCESSING_AMOUNT: &str = "77.77";
/// How long refund settlement, withdrawal review and payout take.
pub const SETTLE_DELAY: Duration = Duration::from_millis(100);

/// Every `{paymentType}.{state}` the emulator sends a webhook for.
pub const EVENTS: &[&str] = &[
    "DEPOSIT.COMPLETED",
    "DEPOSIT.AUTHORIZED",
    "DEPOSIT.DECLINED",
    "DEPOSIT.CANCELLED",
    "REFUND.COMPLETED",
    "REFUND.DECLINED",
    "WITHDRAWAL.COMPLETED",
    "WITHDRAWAL.DECLINED",
    "WITHDRAWAL.CANCELLED",
];

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
    start_on(crate::kit::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::kit::server::serve_on("paytech", credentials(), addr, router).await
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Emu {
    ctx: Ctx,
    salt: u64,
    store: Mutex<Store>,
}

impl Emu {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn url(&self, prefix: &str, id: &str) -> String {
        format!("{}{prefix}{id}", self.ctx.public_url)
    }

    /// Sends the webhook of a payment that reached a notifying state.
    fn announce(&self, rec: &Record) {
        if rec.state.notifies() {
            self.ctx.webhooks.send(serde_json::to_vec(&rec.json(true)).unwrap_or_default());
        }
    }

    fn schedule(self: &Arc<Self>, id: String, step: Step) {
        let emu = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE_DELAY).await;
            emu.settle(&id, step);
        });
    }

    fn settle(&self, id: &str, step: Step) {
        let rec = {
            let mut store = self.lock();
            let Some(rec) = store.payments.get_mut(id) else { return };
            let before = rec.state;
            rec.settle(step, crate::kit::now());
            (rec.state != before).then(|| rec.clone())
        };
        if let Some(rec) = rec {
            self.announce(&rec);
        }
    }

    /// Runs `op` on payment `id` and answers it (with its webhook), or the error.
    fn change(
        &self,
        id: &str,
        path: &str,
        unknown: fn(&str, &str) -> Response,
        op: impl FnOnce(&Emu, &mut Record, OffsetDateTime) -> Result<(), Response>,
    ) -> Response {
        let rec = {
            let mut store = self.lock();
            let Some(rec) = store.payments.get_mut(id) else { return unknown(path, id) };
            if let Err(r) = op(self, rec, crate::kit::now()) {
                return r;
            }
            rec.clone()
        };
        self.announce(&rec);
        api::envelope(rec.json(true), None)
    }

    /// Runs a sandbox page's step (`op` says whether it changed anything) and shows the page.
    fn visit(&self, id: &str, op: impl FnOnce(&mut Record, OffsetDateTime) -> bool) -> Response {
        let (changed, rec) = {
            let mut store = self.lock();
            let Some(rec) = store.payments.get_mut(id) else {
                return render::payment_page(StatusCode::NOT_FOUND, "Payment not found", None);
            };
            (op(rec, crate::kit::now()), rec.clone())
        };
        if changed {
            self.announce(&rec);
            render::payment_page(StatusCode::OK, "Payment processed", Some(&rec))
        } else {
            render::payment_page(
                StatusCode::OK,
                "This payment has already been processed",
                Some(&rec),
            )
        }
    }
}

fn refuse(why: &Refusal, path: &str) -> Response {
    let message = match why {
        Refusal::Missing => "Full authentication is required to access this resource",
        _ => "Invalid API key",
    };
    api::error(401, path, message, None)
}

fn gateway_error(status: u16) -> Response {
    api::error(status, "/api/v1/payments", "Injected gateway error", None)
}

impl Triggers for Arc<Emu> {
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn trigger(&self, event: &str) -> Result<Value, String> {
        let (kind, state) =
            event.split_once('.').ok_or_else(|| format!("pay.tech sends no {event} event"))?;
        if !EVENTS.contains(&event) {
            return Err(format!("pay.tech sends no {event} event"));
        }
        let card = if state == "DECLINED" && kind != "REFUND" {
            "4000000000000416"
        } else {
            "4000000000000408"
        };
        let amount = if kind == "REFUND" && state == "DECLINED" { "20" } else { "10" };
        let deposit = self.trigger_create(json!({"paymentType": "DEPOSIT", "amount": amount.parse::<u32>().unwrap_or(10), "currency": "EUR",
            "preAuth": state == "AUTHORIZED", "card": {"cardNumber": card, "expiryMonth": "12", "expiryYear": "2030"}}))?;
        let id = deposit.id.clone();
        let page = if state == "CANCELLED" && kind == "DEPOSIT" { "?action=cancel" } else { "" };
        let rec = self.visit_now(&id, page)?;
        let rec = match kind {
            "DEPOSIT" => rec,
            "REFUND" => {
                let refund_amount = if state == "DECLINED" { "13.13" } else { "1" };
                let body = format!(
                    r#"{{"paymentType":"REFUND","currency":"EUR","parentPaymentId":"{id}","amount":{refund_amount}}}"#
                );
                self.trigger_create(serde_json::from_str(&body).map_err(|e| e.to_string())?)?
            }
            _ => return self.trigger_withdrawal(card, state),
        };
        serde_json::to_value(rec.json(true)).map_err(|e| e.to_string())
    }
}

impl Emu {
    fn trigger_create(self: &Arc<Self>, body: Value) -> Result<Record, String> {
        let raw = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        let req = api::read::<api::PaymentRequestBody>(&raw, "/trigger", false)
            .and_then(|b| b.validate("/trigger"))
            .map_err(|_| "invalid trigger request".to_owned())?;
        let (rec, step) =
            handlers::create_in(self, req, "/trigger").map_err(|_| "refused".to_owned())?;
        if let Some(step) = step {
            self.settle(&rec.id, step);
        }
        Ok(self.lock().payments.get(&rec.id).cloned().unwrap_or(rec))
    }

    fn visit_now(&self, id: &str, query: &str) -> Result<Record, String> {
        let cancel = query.contains("cancel");
        let _ = self.visit(id, |rec, now| {
            if cancel {
                rec.error = Some(("2.00", "Cancelled by Customer"));
                rec.move_to(State::Cancelled, "CANCEL", now);
            } else {
                if let Some(card) = rec.req.card.clone() {
                    rec.set_card(card);
                }
                rec.run_deposit(now);
            }
            true
        });
        self.lock().payments.get(id).cloned().ok_or_else(|| format!("payment {id} is gone"))
    }

    fn trigger_withdrawal(self: &Arc<Self>, card: &str, state: &str) -> Result<Value, String> {
        let body = json!({"paymentType": "WITHDRAWAL", "amount": 5, "currency": "EUR", "card": {"cardNumber": card}});
        let rec = self.trigger_create(body)?;
        let now = crate::kit::now();
        let done = {
            let mut store = self.lock();
            let r = store.payments.get_mut(&rec.id).ok_or("gone")?;
            if state == "CANCELLED" {
                r.error = Some(("8.00", "Rejected by Merchant"));
                r.move_to(State::Cancelled, "REJECT", now);
            } else {
                r.move_to(State::Pending, "APPROVE", now);
                r.settle(Step::Payout, now);
            }
            r.clone()
        };
        self.announce(&done);
        serde_json::to_value(done.json(true)).map_err(|e| e.to_string())
    }
}

fn router(ctx: Ctx) -> Router {
    ctx.faults.set_error_shape(gateway_error);
    ctx.webhooks.set_signing(
        Signing::Hex { header: "Signature", algorithm: Algorithm::Sha256 },
        SIGNING_KEY,
    );
    let auth =
        Arc::new(Auth { key_in: KeyIn::Bearer, key: API_KEY.into(), live_prefix: None, refuse });
    let salt =
        u64::try_from(crate::kit::now().unix_timestamp_nanos() & 0xffff_ffff).unwrap_or(0) << 20;
    let emu = Arc::new(Emu { ctx, salt, store: Mutex::default() });
    use handlers as h;
    let api = Router::new()
        .route("/api/v1/payments", get(h::list).post(h::create))
        .route("/api/v1/payments/{id}", get(h::find).patch(h::execute))
        .route("/api/v1/payments/{id}/capture", post(h::capture))
        .route("/api/v1/payments/{id}/void", post(h::void))
        .route("/api/v1/payments/{id}/approve", post(h::approve))
        .route("/api/v1/payments/{id}/reject", post(h::reject))
        .route("/api/v1/payments/{id}/operations", get(h::operations))
        .route_layer(from_fn_with_state(auth, require));
    let pages = Router::new()
        .route(&format!("{CHECKOUT_PATH}{{id}}"), get(h::checkout))
        .route(&format!("{THREE_DS_PATH}{{id}}"), get(h::three_ds));
    api.merge(pages)
        .fallback(h::fallback)
        .with_state(emu.clone())
        .merge(control::routes("paytech", Arc::new(emu)))
}
