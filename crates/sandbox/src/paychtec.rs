//! The Paychtec emulator: the Hyperswitch-shaped API of Paychtec's integration guide.
//!
//! Paychtec specifics (see [`crate::hyperswitch`] for routes, triggers and webhooks):
//! `api-key` `snd_...` keys (a `prd_...` key is refused like any other wrong key),
//! `X-Idempotency-Key`, `profile_id` required in the `POST /payments` body, order lines
//! `order_details[].name`, `billing` with `address` and `phone` required on the request that
//! carries `payment_method_data`, and `payment_method` required when confirming.

use std::collections::BTreeMap;

use crate::hyperswitch::{self, Config, ProfileRule};
use crate::server::{EmulatorHandle, TestCredentials};

/// The sandbox API key.
pub const API_KEY: &str = "snd_paychtec_sandbox_key_0001";
/// The payment response hash key webhooks are signed with.
pub const WEBHOOK_SECRET: &str = "paychtec_response_hash_key_sandbox";
/// The business profile payments must name.
pub const PROFILE_ID: &str = "pro_paychtec_sandbox";

/// The keys this emulator accepts: `api_key` (`snd_...`), `webhook_secret` (the payment
/// response hash key) and `extra["profile_id"]`.
pub fn credentials() -> TestCredentials {
    TestCredentials {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        extra: BTreeMap::from([("profile_id".to_owned(), PROFILE_ID.to_owned())]),
    }
}

/// The Paychtec flavour of the Hyperswitch emulator.
pub fn config() -> Config {
    Config {
        gateway: "paychtec",
        credentials: credentials(),
        merchant_id: "merchant_paychtec_sandbox",
        idempotency_header: "X-Idempotency-Key",
        profile: ProfileRule::RequiredInBody,
        order_line_name: "name",
        billing_with_card: true,
        payment_method_required: true,
    }
}

/// Starts the emulator on 127.0.0.1 (a free port).
pub async fn start() -> std::io::Result<EmulatorHandle> {
    start_on(crate::server::ANY_LOCAL_PORT).await
}

/// Starts the emulator on `addr`.
pub async fn start_on(addr: std::net::SocketAddr) -> std::io::Result<EmulatorHandle> {
    crate::server::serve_on("paychtec", credentials(), addr, |ctx| {
        hyperswitch::router(ctx, config())
    })
    .await
}
