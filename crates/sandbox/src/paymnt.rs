//! The paymnt.cloud emulator: Hyperswitch's API as paymnt.cloud serves it.
//!
//! paymnt.cloud specifics (see [`crate::hyperswitch`] for routes, triggers and webhooks):
//! `api-key` (sandbox keys `snd_...`, as Hyperswitch issues them), `Idempotency-Key` (not
//! Paychtec's `X-Idempotency-Key`), an optional `x-profile-id` header (checked when sent),
//! Hyperswitch's order lines `order_details[].product_name`; `billing` is optional and
//! `payment_method` defaults to `card` when card data is sent.

use std::collections::BTreeMap;

use crate::hyperswitch::{self, Config, ProfileRule};
use crate::server::{EmulatorHandle, TestCredentials};

/// The sandbox API key.
pub const API_KEY: &str = "snd_paymnt_sandbox_key_0001";
/// The payment response hash key webhooks are signed with.
pub const WEBHOOK_SECRET: &str = "paymnt_response_hash_key_sandbox";
/// The business profile (`x-profile-id`).
pub const PROFILE_ID: &str = "pro_paymnt_sandbox";

/// The keys this emulator accepts: `api_key`, `webhook_secret` (the payment response hash
/// key) and `extra["profile_id"]` (for the optional `x-profile-id` header).
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        extra: BTreeMap::from([("profile_id".to_owned(), PROFILE_ID.to_owned())]),
    }
}

/// The paymnt.cloud flavour of the Hyperswitch emulator.
pub fn config() -> Config {
    Config {
        gateway: "paymnt",
        credentials: credentials(),
        merchant_id: "merchant_paymnt_sandbox",
        idempotency_header: "Idempotency-Key",
        profile: ProfileRule::OptionalHeader,
        order_line_name: "product_name",
        billing_with_card: false,
        payment_method_required: false,
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::server::serve_on("paymnt", credentials(), addr, |ctx| hyperswitch::router(ctx, config()))
        .await
}
