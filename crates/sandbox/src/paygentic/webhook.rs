//! Paygentic's webhooks as Svix delivers them.
//!
//! Headers `svix-id` (`msg_...`), `svix-timestamp` (unix seconds) and
//! `svix-signature: v1,<base64>`, the signature being HMAC-SHA256 over
//! `"{svix-id}.{svix-timestamp}.{raw body}"` keyed with the base64-decoded part of the
//! `whsec_...` secret. Body `{eventType: "payment.<status>.v0", eventId, timestamp, data}`.

use base64::Engine as _;
use paymux_core::webhook::{Algorithm, Encoding, sign_parts};
use serde_json::json;
use time::OffsetDateTime;

use super::state::{Change, rfc3339};
use crate::server::{Ctx, IdGen};

/// Signs and emits webhooks with one endpoint secret.
#[derive(Debug)]
pub(crate) struct Signer {
    key: Vec<u8>,
}

impl Signer {
    /// A signer for `whsec_<base64>`; a secret without the prefix or not base64 is used as raw
    /// bytes.
    pub(crate) fn new(secret: &str) -> Self {
        let key = secret
            .strip_prefix("whsec_")
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .unwrap_or_else(|| secret.as_bytes().to_vec());
        Signer { key }
    }

    /// The `svix-signature` value for a message.
    pub(crate) fn signature(&self, msg_id: &str, timestamp: &str, body: &[u8]) -> String {
        let sig = sign_parts(
            Algorithm::Sha256,
            &self.key,
            &[msg_id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
            Encoding::Base64,
        );
        format!("v1,{sig}")
    }

    /// Builds, signs and emits the webhook of one state change.
    pub(crate) fn emit(&self, ctx: &Ctx, ids: &IdGen, change: Change) {
        let now = OffsetDateTime::now_utc();
        let body = json!({
            "eventType": format!("payment.{}.v0", change.status.word()),
            "eventId": ids.next("evt_sbx_"),
            "timestamp": rfc3339(now),
            "data": change.data,
        });
        let body = serde_json::to_vec(&body).unwrap_or_default();
        let msg_id = ids.next("msg_sbx_");
        let timestamp = now.unix_timestamp().to_string();
        let signature = self.signature(&msg_id, &timestamp, &body);
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("svix-id".to_owned(), msg_id),
            ("svix-timestamp".to_owned(), timestamp),
            ("svix-signature".to_owned(), signature),
        ];
        ctx.webhooks.emit(headers, body);
    }
}
