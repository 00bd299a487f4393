//! The Hyperswitch-shaped emulator shared by Paychtec and paymnt.cloud.
//!
//! Both gateways speak the open-source Hyperswitch API; they differ in a handful of details,
//! gathered in [`Config`]: the idempotency header (`X-Idempotency-Key` for Paychtec,
//! `Idempotency-Key` for paymnt.cloud), where the business profile comes from (`profile_id`
//! required in the payment body for Paychtec, an optional `x-profile-id` header for
//! paymnt.cloud), the name of an order line's product field (`order_details[].name` in
//! Paychtec's guide, Hyperswitch's `product_name` for paymnt.cloud), and Paychtec's guide
//! rules for card payments (`billing` with address and phone on the request that carries
//! `payment_method_data`, `payment_method` when confirming).
//!
//! # Routes
//!
//! Every API route needs the `api-key` header (wrong or missing: 401
//! `{"error": {"type": "authentication_error", "code": "IR_01", "message"}}`). Request bodies
//! are Hyperswitch's request structs, which deny unknown fields: 400 `IR_06` (`items`,
//! `line_items`, `cart_items` are pointed at `order_details`). List filter bodies ignore
//! unknown keys, as Hyperswitch does, but refuse a scalar where an array is expected.
//!
//! | Method | Path | |
//! |---|---|---|
//! | POST | `/payments` | create (and confirm with `confirm: true`) |
//! | POST | `/payments/list` | `PaymentListFilterConstraints`: `limit` 1-100 (10), `offset`, `customer_id`, `profile_id`, `payment_id`, `merchant_order_reference_id`, `start_time`, `end_time` (RFC 3339), arrays `status`, `currency`, `payment_method` -> `{count, total_count, data}` newest first |
//! | GET | `/payments/list` | `customer_id`, `limit`, `created`, `created_lt`, `created_gt`, `created_lte`, `created_gte`, `starting_after`, `ending_before` |
//! | GET, POST | `/payments/{id}` | retrieve; update (before confirmation) |
//! | POST | `/payments/{id}/confirm`, `/capture` (`amount_to_capture`), `/cancel` (`cancellation_reason`) | |
//! | POST | `/payments/{id}/approve`, `/reject` | a payment held for review (`requires_merchant_action`) |
//! | POST | `/refunds`; `/refunds/list` (`payment_id`, `refund_id`, `profile_id`, `limit`, `offset`, `start_time`, `end_time`, `amount_filter`, arrays `connector`, `currency`, `refund_status`) | |
//! | GET, POST | `/refunds/{id}` | retrieve; update (`reason`, `metadata`) |
//! | POST, GET | `/customers`; `/customers/list` (`?limit=&offset=`, a JSON array) | |
//! | GET, POST, DELETE | `/customers/{id}` | |
//! | POST | `/payment_link`, `/payment_link/list`; GET `/payment_link/{id}` | |
//! | POST | `/payouts/create` (`merchant_order_reference_id` kept), `/payouts/list` (`limit`, `offset`, `customer_id`, `status` array), `/payouts/{id}/cancel`, `/payouts/{id}/fulfill` (body `{}` or `{payout_id}`); GET, PUT `/payouts/{id}` (`confirm` with `auto_fulfill` sends it) | |
//! | GET | `/disputes/list` (`limit`, `offset`, `dispute_status` comma-separated), `/disputes/{id}`, `/disputes/evidence/{id}` (one block per kind, with its file); POST `/disputes/accept/{id}`, `/disputes/evidence` (file ids by kind, `uncategorized_text`); DELETE `/disputes/evidence` | |
//!
//! Sandbox routes (no key), under `/sandbox/<gateway>/`: `redirect/{payment_id}` (GET: the
//! customer's 3-D Secure or bank page), `settle/{payment_id}`, `payments/{id}/expire`,
//! `payments/{id}/cancel-post-capture`, `payments/{id}/dispute`, `refunds/{id}/settle`,
//! `disputes/{id}/{won|lost|expired|cancelled}`, `payouts/{id}/{success|failed|expired|reversed}`,
//! `mandates/{id}/revoke`, `events` and `trigger/{event}` (see [`crate::kit::control`]).
//!
//! # Triggers: every status word and event type
//!
//! A card trigger wins over an amount trigger; any other Luhn-valid card succeeds.
//!
//! | Trigger | Status word | Event |
//! |---|---|---|
//! | create without card / with card, `confirm: false` | `requires_payment_method` / `requires_confirmation` | none |
//! | card `4242424242424242` | `succeeded` (`requires_capture` with manual capture) | `payment_succeeded` (`payment_authorized`) |
//! | cards `4000000000000002`, `...9995`, `...0069`, `...0127`, `...0119`, `4100000000000019`; amounts `100002`, `109995` | `failed` (`card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `processing_error`, `fraudulent`) | `payment_failed` |
//! | card `4000000000003220` / amount `103220` | `requires_customer_action`; the redirect page succeeds it | `action_required` |
//! | card `4000008400001629` | like `...3220`, then `failed` | `action_required`, `payment_failed` |
//! | amount `103063` | `requires_redirection`; the redirect page succeeds it | `action_required` |
//! | amount `7777` / `107777` | `processing` / `pending` until `settle` | `payment_processing` |
//! | amount `104000` | `partially_authorized_and_requires_capture` for half the amount | `payment_partially_authorized` |
//! | amount `105555` | `requires_merchant_action`; `approve` continues, `reject` fails it | none |
//! | amount `106666` | `conflicted` | none |
//! | partial capture | `partially_captured` | `payment_captured` |
//! | partial capture of a manual payment of `108888` (or `capture_method: manual_multiple`) | `partially_captured_and_capturable`, until all is captured | `payment_captured` |
//! | `cancel` | `cancelled` | `payment_cancelled` |
//! | `payments/{id}/cancel-post-capture` | `cancelled_post_capture` | `payment_cancelled_post_capture` |
//! | `payments/{id}/expire`, or `session_expiry` seconds passed | `expired` | `payment_expired` |
//! | refund of any amount / `9995` / `7777` / `5555` | refund `succeeded` / `failed` / `pending` / `review` (`refunds/{id}/settle` succeeds the last two) | `refund_succeeded` / `refund_failed` |
//! | card `4000000000000259`, or `payments/{id}/dispute` | a dispute `dispute_opened`; `accept` / evidence / `won`, `lost`, `expired`, `cancelled` | `dispute_opened`, `dispute_accepted`, `dispute_challenged`, `dispute_won`, `dispute_lost`, `dispute_expired`, `dispute_cancelled` |
//! | confirm with `setup_future_usage: off_session` and `customer_acceptance`; `mandates/{id}/revoke` | mandate `active` / `revoked` | `mandate_active` / `mandate_revoked` |
//! | payout fulfilled / amount `9995` / `7777`; `cancel`; sandbox `expired`, `reversed` | `initiated` then `success` / `failed` / `pending`; `cancelled`; `expired`; `reversed` | `payout_initiated`, `payout_success`, `payout_failed`, `payout_processing`, `payout_cancelled`, `payout_expired`, `payout_reversed` |
//! | `trigger/invoice_paid` | a paid subscription invoice | `invoice_paid` |
//!
//! # Errors
//!
//! `{"error": {type, code, message}}`: illegal state moves 400 `IR_14`; duplicates
//! (`payment_id`, `customer_id`, a `refund_id` of another payment) 400 `HE_01` (a Hyperswitch
//! backend answers both with HTTP 400, not 409); over-refunds 400 `IR_13`; a missing field
//! 400 `IR_04`; a bad value 400 `IR_05`; malformed JSON, a wrong type or an unknown field
//! 400 `IR_06`; unknown ids 404 `HE_02`; an idempotency key reused for another request 422
//! `HE_01`; [`Fault::GatewayError`](crate::Fault) answers `rate_limit_error` (429),
//! `api_error` (5xx) or `processing_error` (other codes).
//!
//! # Webhooks
//!
//! On every change to a state that has an event type, a POST with header
//! `X-Webhook-Signature-512` = lowercase hex HMAC-SHA512 of the raw body keyed with the
//! merchant's payment response hash key ([`TestCredentials::webhook_secret`]), body
//! `{merchant_id, event_id, event_type, content: {type, object}, timestamp}`, `content.type`
//! `payment_details`, `refund_details`, `dispute_details`, `mandate_details`,
//! `payout_details` or `subscription_details`. The same idempotency key on the same route
//! with the same body replays the first answer (nothing runs twice, no webhook).

mod api;
mod extra;
mod handlers;
mod payments;
mod records;
mod render;
mod state;
mod triggers;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use paymux_core::webhook::Algorithm;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::kit::auth::{Auth, KeyIn, Refusal, require};
use crate::kit::control;
use crate::kit::replay::Replays;
use crate::kit::server::{Ctx, TestCredentials};
use crate::kit::webhooks::Signing;
use api::ApiError;
use records::Records;
use state::{DISPUTE_CARD, Event, Status};

/// Where a gateway takes the business profile from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileRule {
    /// `profile_id` is required in the `POST /payments` body (Paychtec).
    RequiredInBody,
    /// An optional `x-profile-id` header (or `profile_id` in the body) (paymnt.cloud).
    OptionalHeader,
}

/// What differs between the Hyperswitch-shaped gateways.
#[derive(Debug, Clone)]
pub struct Config {
    /// The gateway's name, also the path segment of the sandbox pages.
    pub gateway: &'static str,
    /// The keys the emulator accepts and signs with; `extra["profile_id"]` is the profile.
    pub credentials: TestCredentials,
    /// The `merchant_id` written in answers and webhooks.
    pub merchant_id: &'static str,
    /// The request header carrying the idempotency key.
    pub idempotency_header: &'static str,
    /// Where the business profile comes from.
    pub profile: ProfileRule,
    /// The product-name field of an `order_details` line (`name` or `product_name`).
    pub order_line_name: &'static str,
    /// Whether `billing` (with `address` and `phone`) must travel with `payment_method_data`.
    pub billing_with_card: bool,
    /// Whether `payment_method` is required when confirming with card data.
    pub payment_method_required: bool,
}

impl Config {
    fn profile_id(&self) -> &str {
        self.credentials.extra.get("profile_id").map(String::as_str).unwrap_or("")
    }
}

/// Every event type of the family (NOTES), each reachable (see the trigger table).
pub const EVENTS: &[&str] = &[
    "payment_succeeded",
    "payment_failed",
    "payment_processing",
    "payment_cancelled",
    "payment_cancelled_post_capture",
    "payment_authorized",
    "payment_partially_authorized",
    "payment_captured",
    "payment_expired",
    "action_required",
    "refund_succeeded",
    "refund_failed",
    "dispute_opened",
    "dispute_expired",
    "dispute_accepted",
    "dispute_cancelled",
    "dispute_challenged",
    "dispute_won",
    "dispute_lost",
    "mandate_active",
    "mandate_revoked",
    "payout_success",
    "payout_failed",
    "payout_initiated",
    "payout_processing",
    "payout_cancelled",
    "payout_expired",
    "payout_reversed",
    "invoice_paid",
];

/// One emulator: its context, configuration and state.
pub(crate) struct Emu {
    ctx: Ctx,
    cfg: Config,
    records: Mutex<Records>,
    replays: Replays<(u16, Value)>,
}

impl Emu {
    fn records(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Signs and sends each event (called with no lock held).
    fn emit(&self, events: Vec<Event>) {
        for (event_type, content_type, object) in events {
            let body = json!({
                "merchant_id": self.cfg.merchant_id,
                "event_id": self.records().ids.next("evt_"),
                "event_type": event_type,
                "content": {"type": content_type, "object": object},
                "timestamp": state::fmt_time(crate::kit::now()),
            });
            self.ctx.webhooks.send(serde_json::to_vec(&body).unwrap_or_default());
        }
    }

    /// Payments whose `session_expiry` passed expire (lazily, on each request).
    fn expire_due(&self) {
        let now = crate::kit::now();
        let mut events = Vec::new();
        {
            let mut r = self.records();
            let due = r.expiries.take_due(now);
            for id in due {
                if !r.payments.get(&id).is_some_and(|p| p.expired_by(now)) {
                    continue;
                }
                if r.payment_mut(&id).and_then(|p| p.expire()).is_ok() {
                    events.extend(r.payment_done(&self.cfg, &id).1);
                }
            }
        }
        self.emit(events);
    }

    /// Authorizes payment `id` (it has its card), with the mandate and dispute triggers.
    fn confirm_now(&self, r: &mut Records, id: &str) -> (Value, Vec<Event>) {
        let url = format!("{}/sandbox/{}/redirect/{id}", self.ctx.public_url, self.cfg.gateway);
        let Ok(p) = r.payment_mut(id) else { return (Value::Null, vec![]) };
        p.confirm(url);
        let mandate = (p.details.setup_future_usage.as_deref() == Some("off_session")
            && p.status != Status::Failed)
            .then(|| p.details.customer_acceptance.clone())
            .flatten()
            .map(|a| (a, p.customer_id.clone()));
        let disputed = p.status == Status::Succeeded
            && p.card.as_ref().is_some_and(|c| c.number == DISPUTE_CARD);
        let mut events = Vec::new();
        if let Some((acceptance, customer)) = mandate {
            let (mandate_id, event) = r.create_mandate(id, acceptance, customer);
            if let Ok(p) = r.payment_mut(id) {
                p.mandate_id = Some(mandate_id);
            }
            events.push(event);
        }
        let (body, payment_events) = r.payment_done(&self.cfg, id);
        events.splice(0..0, payment_events);
        if disputed && let Ok((_, e)) = r.open_dispute(&self.cfg, id) {
            events.extend(e);
        }
        (body, events)
    }
}

/// An id of 1 to `max` letters, digits, `_` and `-`.
fn check_id(field: &str, id: &str, max: usize) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= max
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            &format!("1 to {max} characters among letters, digits, '_' and '-'"),
        ))
    }
}

fn check_email(field: &str, email: &str) -> Result<(), ApiError> {
    match email.split_once('@') {
        Some((user, host)) if !user.is_empty() && host.contains('.') => Ok(()),
        _ => Err(ApiError::invalid(field, "not an email address")),
    }
}

/// An upper-case ISO 4217 code.
fn currency(c: Option<String>) -> Result<Option<String>, ApiError> {
    match c {
        Some(c) if !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())) => {
            Err(ApiError::invalid("currency", "expected an upper-case ISO 4217 code such as USD"))
        }
        c => Ok(c),
    }
}

/// An RFC 3339 time.
fn time_of(field: &str, s: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    s.map(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339))
        .transpose()
        .map_err(|_| ApiError::deserialize(format!("`{field}` is not an RFC 3339 time")))
}

fn refuse(_: &Refusal, _path: &str) -> Response {
    ApiError::new(
        401,
        "authentication_error",
        "IR_01",
        "API key not provided or invalid API key used".into(),
    )
    .into_response()
}

fn gateway_error(status: u16) -> Response {
    let (kind, code, message) = match status {
        429 => ("rate_limit_error", "RE_01", "Too many requests"),
        s if s >= 500 => ("api_error", "HE_00", "Something went wrong"),
        _ => ("processing_error", "CE_01", "The processor could not handle the request"),
    };
    ApiError::new(status, kind, code, message.into()).into_response()
}

async fn not_found() -> Response {
    ApiError::new(404, "invalid_request", "IR_02", "Unrecognized request URL".into())
        .into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        405,
        "invalid_request",
        "IR_02",
        "Unrecognized request URL (method not allowed on this path)".into(),
    )
    .into_response()
}

/// Builds the router of one Hyperswitch-shaped emulator.
pub fn router(ctx: Ctx, cfg: Config) -> Router {
    ctx.faults.set_error_shape(gateway_error);
    let hex = Signing::Hex { header: "X-Webhook-Signature-512", algorithm: Algorithm::Sha512 };
    ctx.webhooks.set_signing(hex, &cfg.credentials.webhook_secret);
    let auth = Arc::new(Auth {
        key_in: KeyIn::Header("api-key"),
        key: cfg.credentials.api_key.as_str().into(),
        live_prefix: None,
        refuse,
    });
    let gw = cfg.gateway;
    let emu = Arc::new(Emu { ctx, cfg, records: Mutex::default(), replays: Replays::default() });
    use handlers as h;
    let api = Router::new()
        .route("/payments", post(h::create_payment))
        .route("/payments/list", post(h::list_payments).get(h::list_payments_get))
        .route("/payments/{id}", get(h::get_payment).post(h::update_payment))
        .route("/payments/{id}/confirm", post(h::confirm_payment))
        .route("/payments/{id}/capture", post(h::capture_payment))
        .route("/payments/{id}/cancel", post(h::cancel_payment))
        .route("/payments/{id}/approve", post(h::approve_payment))
        .route("/payments/{id}/reject", post(h::reject_payment))
        .route("/refunds", post(h::create_refund))
        .route("/refunds/list", post(h::list_refunds))
        .route("/refunds/{id}", get(h::get_refund).post(h::update_refund))
        .route("/customers", post(h::create_customer))
        .route("/customers/list", get(h::list_customers))
        .route(
            "/customers/{id}",
            get(h::get_customer).post(h::update_customer).delete(h::delete_customer),
        )
        .route("/payment_link", post(h::create_link))
        .route("/payment_link/list", post(h::list_links))
        .route("/payment_link/{id}", get(h::get_link))
        .route("/payouts/create", post(h::create_payout))
        .route("/payouts/list", post(h::list_payouts))
        .route("/payouts/{id}", get(h::get_payout).put(h::update_payout))
        .route("/payouts/{id}/cancel", post(h::cancel_payout))
        .route("/payouts/{id}/fulfill", post(h::fulfill_payout))
        .route("/disputes/list", get(h::list_disputes))
        .route("/disputes/{id}", get(h::get_dispute))
        .route("/disputes/accept/{id}", post(h::accept_dispute))
        .route("/disputes/evidence", post(h::submit_evidence).delete(h::delete_evidence))
        .route("/disputes/evidence/{id}", get(h::get_evidence))
        .route_layer(from_fn_with_state(auth, require));
    let s = |path: &str| format!("/sandbox/{gw}/{path}");
    let pages = Router::new()
        .route(&s("redirect/{id}"), get(h::redirect).post(h::redirect))
        .route(&s("settle/{id}"), get(h::settle).post(h::settle))
        .route(&s("payments/{id}/{action}"), post(h::payment_control))
        .route(&s("refunds/{id}/settle"), post(h::refund_settle))
        .route(&s("disputes/{id}/{outcome}"), post(h::dispute_control))
        .route(&s("payouts/{id}/{status}"), post(h::payout_control))
        .route(&s("mandates/{id}/revoke"), post(h::revoke_mandate));
    api.merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(emu.clone())
        .merge(control::routes(gw, emu))
}
