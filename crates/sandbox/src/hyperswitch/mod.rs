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
//! `{"error": {"type": "authentication_error", "code": "IR_01", "message"}}`).
//!
//! | Method | Path | |
//! |---|---|---|
//! | POST | `/payments` | create (and confirm with `confirm: true`) |
//! | POST | `/payments/list` | filter body `{limit 1-100 (10), offset, status, customer_id, created_gte, created_lte, currency}` -> `{count, total_count, data}` newest first |
//! | GET | `/payments/{id}` | retrieve |
//! | POST | `/payments/{id}` | update (before confirmation only) |
//! | POST | `/payments/{id}/confirm` | confirm |
//! | POST | `/payments/{id}/capture` | `amount_to_capture` (absent: all); partial -> `partially_captured` |
//! | POST | `/payments/{id}/cancel` | `cancellation_reason` |
//! | POST | `/refunds` | `payment_id`, `refund_id` (<= 30, idempotent), `amount`, `reason` (<= 255), `refund_type`, `metadata` |
//! | POST | `/refunds/list` | `{limit, offset, payment_id, created_gte, created_lte, currency, status}` |
//! | GET | `/refunds/{id}` | retrieve |
//! | POST | `/customers` | create |
//! | GET | `/customers/list` | `?limit=&offset=` -> a JSON array, newest first |
//! | GET/POST/DELETE | `/customers/{id}` | retrieve / update / delete |
//! | GET, POST | `/sandbox/<gateway>/redirect/{payment_id}` | the 3DS page (no auth): completes the payment |
//! | GET, POST | `/sandbox/<gateway>/settle/{payment_id}` | sandbox only (no auth): a `processing` payment completes |
//!
//! # Triggers (on confirmation)
//!
//! A card trigger wins over an amount trigger; any other card number (Luhn-valid) succeeds.
//!
//! | Trigger | Outcome |
//! |---|---|
//! | card `4242424242424242` | `succeeded` (`requires_capture` with `capture_method: manual`) |
//! | card `4000000000000002` | `failed`, `error_code: card_declined` |
//! | card `4000000000009995` | `failed`, `error_code: insufficient_funds` |
//! | card `4000000000000069` | `failed`, `error_code: expired_card` |
//! | card `4000000000000127` | `failed`, `error_code: incorrect_cvc` |
//! | card `4000000000000119` | `failed`, `error_code: processing_error` |
//! | card `4100000000000019` | `failed`, `error_code: fraudulent` |
//! | card `4000000000003220` | `requires_customer_action`, `next_action.redirect_to_url` = the redirect route; visiting it succeeds the payment |
//! | card `4000008400001629` | like `...3220`, but the visit fails it (`card_declined`) |
//! | amount `7777` | `processing` (until the settle route is visited) |
//! | amount `100002` / `109995` | `failed` `card_declined` / `insufficient_funds` |
//! | amount `103220` | like card `...3220` |
//! | refund amount `9995` | refund `failed` (`error_code: refund_failed`) |
//!
//! # Webhooks
//!
//! On every change to a state that has an event type, a POST with header
//! `X-Webhook-Signature-512` = lowercase hex HMAC-SHA512 of the raw body keyed with the
//! merchant's payment response hash key ([`TestCredentials::webhook_secret`]), body
//! `{merchant_id, event_id, event_type, content: {type: "payment_details" | "refund_details",
//! object}, timestamp}`; `object` is the resource as `GET` answers it. Event types:
//! `requires_customer_action` -> `action_required`, `requires_capture` -> `payment_authorized`,
//! `processing` -> `payment_processing`, `succeeded` -> `payment_succeeded`,
//! `partially_captured` -> `payment_captured`, `failed` -> `payment_failed`, `cancelled` ->
//! `payment_cancelled`; refunds `refund_succeeded` / `refund_failed`.
//! `requires_payment_method` and `requires_confirmation` have no event type, so none is sent.
//!
//! # Decisions (where the documents are silent)
//!
//! - Request bodies are checked like Hyperswitch's (`deny_unknown_fields`): an unknown field is
//!   a 400 `IR_06`; `items`, `line_items` and `cart_items` get a message pointing at
//!   `order_details`.
//! - Illegal state moves (capture, cancel, confirm, update, refund from the wrong status) answer
//!   409 `IR_14`, in Hyperswitch's wording; duplicates (`payment_id`, `customer_id`, or a
//!   `refund_id` of another payment) answer 409 `HE_01`; over-refunds 400 `IR_13`; a missing
//!   field 400 `IR_04`; a bad value 400 `IR_05`; malformed JSON or a wrong type 400 `IR_06`;
//!   unknown ids 404 `HE_02`; an idempotency key reused with a different request 422 `HE_01`.
//! - The same idempotency key on the same route with the same body replays the first answer
//!   (nothing runs twice, no webhook); answers of 5xx are not stored.
//! - A refund with a known `refund_id` for the same payment answers that refund again.
//! - The redirect page answers 200 HTML that sends a browser on to `return_url` (with
//!   `payment_id` and `status` appended) by a meta refresh, so HTTP clients need not follow
//!   an offline URL.

mod routes;
mod state;

use crate::server::TestCredentials;

pub use routes::router;

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
