//! Webhook abuse against every connector's `parse_webhook`: forged, re-keyed, unsigned,
//! tampered, stale, replayed, oversized, non-UTF-8 and deeply nested deliveries.
//!
//! Each gateway's emulator produces one genuine webhook (a real payment through the sandbox);
//! the test re-signs it and its variants with its own HMAC code (`hmac`/`sha2` here, never the
//! connector's), after checking that this code reproduces the emulator's signature. The five
//! schemes:
//! - Paychtec and paymnt.cloud: `X-Webhook-Signature-512`, hex HMAC-SHA512 of the body; no
//!   timestamp (replays are caught by deduplication on the event id);
//! - pay.tech: `Signature`, hex HMAC-SHA256 of the body; no timestamp, no event id (the
//!   connector derives one from payment id and state);
//! - Paygentic (Svix): `svix-id`, `svix-timestamp`, `svix-signature: v1,<base64>` over
//!   `"{id}.{t}.{body}"`, keyed with the base64-decoded secret after `whsec_`; 5 min window;
//! - Paynectra: `Paynectra-Signature: t=..,v1=<hex>` over `"{t}.{body}"`, keyed with the
//!   secret's UTF-8 bytes; 300 s window.
//!
//! Every refusal must be `ErrorKind::WebhookSignature` with the right `WebhookFailure`, and no
//! input may panic or overflow the stack.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::webhook::{EventStore, InMemoryEventStore};
use paymux::{
    CaptureMode, CreatePayment, Currency, ErrorKind, Money, PaymentProvider, WebhookEvent,
    WebhookFailure,
};
use paymux_tests::{Profile, pay, profiles};
use sha2::{Sha256, Sha512};

/// The core's body limit (1 MiB).
const MAX_BODY: usize = 1024 * 1024;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha512> as KeyInit>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Whether the scheme signs a timestamp (and so has a replay window).
fn timestamped(kind: &str) -> bool {
    matches!(kind, "paygentic" | "paynectra")
}

/// The header(s) that carry the signature, as a gateway sends them.
fn signature_headers(kind: &str) -> &'static [&'static str] {
    match kind {
        "paychtec" | "paymnt" => &["x-webhook-signature-512"],
        "paytech" => &["signature"],
        "paygentic" => &["svix-id", "svix-timestamp", "svix-signature"],
        "paynectra" => &["paynectra-signature"],
        other => panic!("unknown gateway {other}"),
    }
}

fn headers(pairs: &[(&str, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map.insert("content-type", HeaderValue::from_static("application/json"));
    map
}

/// Signs `body` the way gateway `kind` does, with `secret` (as the dashboard shows it),
/// timestamp `t` and message id `msg_id` where the scheme has them.
fn sign(kind: &str, secret: &str, body: &[u8], t: u64, msg_id: &str) -> HeaderMap {
    match kind {
        "paychtec" | "paymnt" => {
            let sig = hex::encode(hmac_sha512(secret.as_bytes(), &[body]));
            headers(&[("x-webhook-signature-512", sig)])
        }
        "paytech" => {
            let sig = hex::encode(hmac_sha256(secret.as_bytes(), &[body]));
            headers(&[("signature", sig)])
        }
        "paygentic" => {
            let key = b64().decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
            let t = t.to_string();
            let mac = hmac_sha256(&key, &[msg_id.as_bytes(), b".", t.as_bytes(), b".", body]);
            headers(&[
                ("svix-id", msg_id.to_owned()),
                ("svix-timestamp", t),
                ("svix-signature", format!("v1,{}", b64().encode(mac))),
            ])
        }
        "paynectra" => {
            let t = t.to_string();
            let mac = hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body]);
            headers(&[("paynectra-signature", format!("t={t},v1={}", hex::encode(mac)))])
        }
        other => panic!("unknown gateway {other}"),
    }
}

/// Another secret of the same shape as the gateway's.
fn wrong_secret(kind: &str) -> String {
    match kind {
        "paygentic" => format!("whsec_{}", b64().encode(b"not-the-endpoint-secret-at-all!!")),
        "paynectra" => "whsec_not_the_endpoint_secret".to_owned(),
        _ => "not_the_payment_response_hash_key".to_owned(),
    }
}

/// One gateway: its connector (with the emulator's webhook secret) and a genuine delivery.
struct Hooked {
    kind: &'static str,
    provider: Arc<dyn PaymentProvider>,
    secret: String,
    body: Vec<u8>,
}

impl Hooked {
    /// Correctly signed now.
    fn signed(&self, body: &[u8]) -> HeaderMap {
        sign(self.kind, &self.secret, body, now_secs(), "msg_abuse_0001")
    }

    fn parse(&self, headers: &HeaderMap, body: &[u8]) -> paymux::Result<WebhookEvent> {
        self.provider.parse_webhook(headers, body)
    }

    /// `parse` on a thread with a small stack (256 KiB): a parser that recursed per nesting
    /// level would overflow it and abort the test binary.
    fn parse_small_stack(&self, headers: &HeaderMap, body: &[u8]) -> paymux::Result<WebhookEvent> {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(s, || self.parse(headers, body))
                .unwrap()
                .join()
                .unwrap()
        })
    }
}

/// Asserts a refusal with `ErrorKind::WebhookSignature` and `failure`.
fn refused(
    what: &str,
    result: &paymux::Result<WebhookEvent>,
    failure: WebhookFailure,
) -> Result<(), String> {
    match result {
        Err(e) => {
            ensure!(
                e.kind() == ErrorKind::WebhookSignature,
                "{what}: kind {} (want webhook_signature): {e}",
                e.kind()
            );
            ensure!(
                e.webhook_failure() == Some(failure),
                "{what}: failure {:?} (want {failure:?}): {e}",
                e.webhook_failure()
            );
            Ok(())
        }
        Ok(ev) => Err(format!("{what}: accepted as event {} ({:?})", ev.id, ev.kind)),
    }
}

/// Makes a real payment on the emulator and returns the last webhook it produced.
async fn genuine_webhook(
    emulator: &EmulatorHandle,
    provider: &Arc<dyn PaymentProvider>,
    profile: &Profile,
) -> paymux::sandbox::SentWebhook {
    let req = CreatePayment::new(Money::from_minor(1999, Currency::USD).unwrap())
        .with_reference(format!("abuse_{}", profile.kind))
        .with_capture(CaptureMode::Automatic);
    pay(provider, emulator, profile, req, profile.success_card).await.unwrap();
    for _ in 0..60 {
        if let Some(hook) = emulator.webhooks().last() {
            return hook;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{}: the emulator sent no webhook", profile.kind);
}

/// Produces one genuine webhook per gateway of `sandbox` and checks that this file's
/// signing code reproduces the emulator's signature (so the variants below are signed right).
async fn hooked(sandbox: &Sandbox) -> Vec<Hooked> {
    let mut out = Vec::new();
    for profile in profiles() {
        let emulator = sandbox.all().into_iter().find(|e| e.name() == profile.kind).unwrap();
        let provider = paymux::sandbox::provider(emulator).unwrap();
        let hook = genuine_webhook(emulator, &provider, &profile).await;
        let secret = emulator.credentials().webhook_secret.clone();
        let sent = hook.header_map();
        let get = |name: &str| sent.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        let (t, msg_id) = match profile.kind {
            "paygentic" => (get("svix-timestamp").parse().unwrap(), get("svix-id").to_owned()),
            "paynectra" => {
                let t = get("paynectra-signature")
                    .split(',')
                    .find_map(|p| p.trim().strip_prefix("t="))
                    .unwrap()
                    .parse()
                    .unwrap();
                (t, String::new())
            }
            _ => (0, String::new()),
        };
        let ours = sign(profile.kind, &secret, &hook.body, t, &msg_id);
        for name in signature_headers(profile.kind) {
            assert_eq!(
                ours.get(*name),
                sent.get(*name),
                "{}: this test's signer disagrees with the emulator on {name}",
                profile.kind
            );
        }
        // And the connector takes the genuine delivery.
        provider.parse_webhook(&sent, &hook.body).unwrap();
        out.push(Hooked { kind: profile.kind, provider, secret, body: hook.body });
    }
    out
}

/// Runs `case` for every gateway and fails with every failing cell.
fn on_all(hooks: &[Hooked], name: &str, case: impl Fn(&Hooked) -> Result<(), String>) {
    let mut failures = Vec::new();
    for h in hooks {
        match case(h) {
            Ok(()) => println!("{name} / {}: pass", h.kind),
            Err(why) => failures.push(format!("{name} / {}: {why}", h.kind)),
        }
    }
    assert!(failures.is_empty(), "webhook abuse cells failed:\n{}", failures.join("\n"));
}

fn signature_forgery(h: &Hooked) -> Result<(), String> {
    // Control: this file's signature, made now, is accepted.
    let ok = h.parse(&h.signed(&h.body), &h.body);
    ensure!(ok.is_ok(), "correctly signed delivery refused: {ok:?}");

    // Bad signature: right encoding and length, wrong bytes.
    let mut forged = h.signed(&h.body);
    let name = *signature_headers(h.kind).last().unwrap();
    let value = forged.get(name).unwrap().to_str().unwrap().to_owned();
    // A character in the middle of the signature (inside the hex or base64, away from
    // base64's padding bits), changed to another character of the same alphabet.
    let mid = value.len() / 2;
    let swap = if &value[mid..=mid] == "a" { "b" } else { "a" };
    let flipped = format!("{}{swap}{}", &value[..mid], &value[mid + 1..]);
    forged.insert(name, HeaderValue::from_str(&flipped).unwrap());
    refused("bad signature", &h.parse(&forged, &h.body), WebhookFailure::Mismatch)?;

    // Not even in the scheme's encoding.
    let mut garbled = h.signed(&h.body);
    let garbage = match h.kind {
        "paygentic" => "v1,***not base64***".to_owned(),
        "paynectra" => format!("t={},v1=zz-not-hex", now_secs()),
        _ => "zz-not-hex".to_owned(),
    };
    garbled.insert(name, HeaderValue::from_str(&garbage).unwrap());
    refused("garbled signature", &h.parse(&garbled, &h.body), WebhookFailure::BadEncoding)?;

    // Signature header that is not text (obs-text bytes).
    let mut binary = h.signed(&h.body);
    binary.insert(name, HeaderValue::from_bytes(b"\xff\xfe\xfd").unwrap());
    refused("non-UTF-8 signature header", &h.parse(&binary, &h.body), WebhookFailure::BadEncoding)?;

    // Empty signature value.
    let mut empty = h.signed(&h.body);
    empty.insert(name, HeaderValue::from_static(""));
    let r = h.parse(&empty, &h.body);
    ensure!(
        matches!(&r, Err(e) if e.kind() == ErrorKind::WebhookSignature),
        "empty signature header: {r:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;
    on_all(&hooks, "bad signature", signature_forgery);

    on_all(&hooks, "wrong key", |h| {
        let headers = sign(h.kind, &wrong_secret(h.kind), &h.body, now_secs(), "msg_abuse_0002");
        refused("wrong key", &h.parse(&headers, &h.body), WebhookFailure::Mismatch)
    });

    on_all(&hooks, "missing header", |h| {
        refused("no headers", &h.parse(&HeaderMap::new(), &h.body), WebhookFailure::MissingHeader)?;
        // Each header of the scheme is required on its own.
        for name in signature_headers(h.kind) {
            let mut headers = h.signed(&h.body);
            headers.remove(*name);
            refused(
                &format!("without {name}"),
                &h.parse(&headers, &h.body),
                WebhookFailure::MissingHeader,
            )?;
        }
        Ok(())
    });

    on_all(&hooks, "tampered body", |h| {
        let headers = h.signed(&h.body);
        let mut tampered = h.body.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 0x01;
        refused("flipped bit", &h.parse(&headers, &tampered), WebhookFailure::Mismatch)?;
        let mut longer = h.body.clone();
        longer.push(b' ');
        refused("appended byte", &h.parse(&headers, &longer), WebhookFailure::Mismatch)?;
        refused("empty body", &h.parse(&headers, b""), WebhookFailure::Mismatch)
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_timestamps_and_replays() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;

    on_all(&hooks, "stale timestamp", |h| {
        let now = now_secs();
        if timestamped(h.kind) {
            // Correctly signed, but an hour old or an hour ahead.
            for (what, t) in [("an hour old", now - 3600), ("an hour ahead", now + 3600)] {
                let headers = sign(h.kind, &h.secret, &h.body, t, "msg_abuse_0003");
                refused(what, &h.parse(&headers, &h.body), WebhookFailure::StaleTimestamp)?;
            }
            // Inside the window (a minute old): accepted.
            let headers = sign(h.kind, &h.secret, &h.body, now - 60, "msg_abuse_0003");
            let r = h.parse(&headers, &h.body);
            ensure!(r.is_ok(), "a minute old refused: {r:?}");
            // A timestamp that is not a number.
            let mut headers = sign(h.kind, &h.secret, &h.body, now, "msg_abuse_0003");
            let (name, value) = match h.kind {
                "paygentic" => ("svix-timestamp", "yesterday".to_owned()),
                _ => {
                    let sig = headers.get("paynectra-signature").unwrap().to_str().unwrap();
                    let v1 = sig.split(',').find(|p| p.starts_with("v1=")).unwrap().to_owned();
                    ("paynectra-signature", format!("t=yesterday,{v1}"))
                }
            };
            headers.insert(name, HeaderValue::from_str(&value).unwrap());
            refused(
                "non-numeric timestamp",
                &h.parse(&headers, &h.body),
                WebhookFailure::BadEncoding,
            )
        } else {
            // No timestamp in the scheme: nothing to go stale. The same signed bytes are
            // accepted at any time; replays are the event store's job (next case).
            let headers = h.signed(&h.body);
            let r = h.parse(&headers, &h.body);
            ensure!(r.is_ok(), "an untimed scheme refused a valid delivery: {r:?}");
            Ok(())
        }
    });

    let store = InMemoryEventStore::default();
    for h in &hooks {
        // The same event delivered twice (for timestamped schemes: re-signed later, as a
        // gateway's retry is): one id, seen once.
        let first = h.parse(&h.signed(&h.body), &h.body).unwrap();
        let later = sign(h.kind, &h.secret, &h.body, now_secs() + 5, "msg_abuse_0004");
        let second = h.parse(&later, &h.body).unwrap();
        assert_eq!(first.id, second.id, "{}: a redelivery changed the event id", h.kind);
        assert!(!first.id.as_str().is_empty(), "{}: empty event id", h.kind);
        assert!(
            store.first_seen(&first.provider, &first.id).await.unwrap(),
            "{}: first delivery seen as a duplicate",
            h.kind
        );
        assert!(
            !store.first_seen(&second.provider, &second.id).await.unwrap(),
            "{}: replayed event not caught",
            h.kind
        );
        println!("replayed event / {}: pass", h.kind);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_correctly_signed() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;

    on_all(&hooks, "oversized body", |h| {
        // The genuine JSON padded with whitespace: still valid JSON, correctly signed.
        let mut big = h.body.clone();
        big.resize(MAX_BODY + 1, b' ');
        refused("1 MiB + 1", &h.parse(&h.signed(&big), &big), WebhookFailure::BodyTooLarge)?;
        let mut huge = h.body.clone();
        huge.resize(8 * MAX_BODY, b' ');
        refused("8 MiB", &h.parse(&h.signed(&huge), &huge), WebhookFailure::BodyTooLarge)?;
        // The limit itself is allowed.
        let mut edge = h.body.clone();
        edge.resize(MAX_BODY, b' ');
        let r = h.parse(&h.signed(&edge), &edge);
        ensure!(r.is_ok(), "exactly 1 MiB refused: {r:?}");
        Ok(())
    });

    on_all(&hooks, "non-UTF-8 body", |h| {
        // Invalid UTF-8 inside a JSON string of the genuine body.
        let text = String::from_utf8(h.body.clone()).unwrap();
        let at = text.find("\":\"").map(|i| i + 3).expect("a string value in the body");
        let mut bad = h.body.clone();
        bad.splice(at..at, [0xff, 0xfe, 0xc3]);
        refused("invalid UTF-8", &h.parse(&h.signed(&bad), &bad), WebhookFailure::BadPayload)?;
        // Latin-1 bytes instead of the JSON.
        let latin1 = b"\xe9v\xe9nement pay\xe9".to_vec();
        refused("latin-1", &h.parse(&h.signed(&latin1), &latin1), WebhookFailure::BadPayload)
    });

    on_all(&hooks, "deeply nested JSON", |h| {
        let depth = 100_000;
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        let r = h.parse_small_stack(&h.signed(&arrays), &arrays);
        refused("100k nested arrays", &r, WebhookFailure::BadPayload)?;

        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)).into_bytes();
        let r = h.parse_small_stack(&h.signed(&objects), &objects);
        refused("100k nested objects", &r, WebhookFailure::BadPayload)?;

        // The genuine event with a deep extra field: refused or accepted, never a crash.
        let mut inside = b"{\"zz_deep\":".to_vec();
        inside.extend_from_slice(&arrays);
        inside.push(b',');
        inside.extend_from_slice(&h.body[1..]);
        let r = h.parse_small_stack(&h.signed(&inside), &inside);
        if let Err(e) = &r {
            ensure!(
                e.kind() == ErrorKind::WebhookSignature
                    && e.webhook_failure() == Some(WebhookFailure::BadPayload),
                "deep extra field: {e}"
            );
        }

        // Unclosed nesting (truncated on purpose).
        let open = "[".repeat(depth).into_bytes();
        let r = h.parse_small_stack(&h.signed(&open), &open);
        refused("100k unclosed arrays", &r, WebhookFailure::BadPayload)
    });

    on_all(&hooks, "signed non-event JSON", |h| {
        for body in [&b"null"[..], b"[]", b"{}", b"\"text\"", b"{\"id\":1e999999}"] {
            let r = h.parse(&h.signed(body), body);
            refused(&String::from_utf8_lossy(body), &r, WebhookFailure::BadPayload)?;
        }
        Ok(())
    });
}
