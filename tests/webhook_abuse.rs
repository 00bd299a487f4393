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
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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

/// The Svix message id of the deliveries built here.
const MSG_ID: &str = "msg_abuse_0001";

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

/// One candidate signature over `body` as gateway `kind` writes it, without the scheme's
/// framing (`v1,` or `t=..,v1=`): hex, or base64 for Paygentic.
fn bare_signature(kind: &str, secret: &str, body: &[u8], t: u64, msg_id: &str) -> String {
    let t = t.to_string();
    match kind {
        "paychtec" | "paymnt" => hex::encode(hmac_sha512(secret.as_bytes(), &[body])),
        "paytech" => hex::encode(hmac_sha256(secret.as_bytes(), &[body])),
        "paygentic" => {
            let key = b64().decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
            let parts: [&[u8]; 5] = [msg_id.as_bytes(), b".", t.as_bytes(), b".", body];
            b64().encode(hmac_sha256(&key, &parts))
        }
        "paynectra" => hex::encode(hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body])),
        other => panic!("unknown gateway {other}"),
    }
}

/// A delivery whose signature header carries `values` (sent as that many values of the
/// header, in order), each a list of candidate signatures as `bare_signature` writes them,
/// framed the scheme's way: one bare signature per value for the hex-only schemes,
/// `t=<t>,v1=..,v1=..` for Paynectra, `v1,.. v1,..` for Paygentic (with its `svix-id` and
/// `svix-timestamp`).
fn with_candidates(kind: &str, t: u64, msg_id: &str, values: &[Vec<String>]) -> HeaderMap {
    let name = *signature_headers(kind).last().unwrap();
    let mut pairs = Vec::new();
    if kind == "paygentic" {
        pairs.push(("svix-id", msg_id.to_owned()));
        pairs.push(("svix-timestamp", t.to_string()));
    }
    for candidates in values {
        let value = match kind {
            "paygentic" => {
                candidates.iter().map(|c| format!("v1,{c}")).collect::<Vec<_>>().join(" ")
            }
            "paynectra" => {
                let v1: String = candidates.iter().map(|c| format!(",v1={c}")).collect();
                format!("t={t}{v1}")
            }
            _ => {
                assert_eq!(candidates.len(), 1, "{kind}: one signature per header value");
                candidates[0].clone()
            }
        };
        pairs.push((name, value));
    }
    headers(&pairs)
}

/// Whether one value of the scheme's signature header may carry several candidates.
fn several_per_value(kind: &str) -> bool {
    matches!(kind, "paygentic" | "paynectra")
}

/// Signs `body` the way gateway `kind` does, with `secret` (as the dashboard shows it),
/// timestamp `t` and message id `msg_id` where the scheme has them.
fn sign(kind: &str, secret: &str, body: &[u8], t: u64, msg_id: &str) -> HeaderMap {
    with_candidates(kind, t, msg_id, &[vec![bare_signature(kind, secret, body, t, msg_id)]])
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
        sign(self.kind, &self.secret, body, now_secs(), MSG_ID)
    }

    /// The genuine candidate signature over `body` at `t` (bare, see `bare_signature`).
    fn genuine(&self, body: &[u8], t: u64) -> String {
        bare_signature(self.kind, &self.secret, body, t, MSG_ID)
    }

    /// The `i`-th wrong candidate at `t`: well-formed, of the genuine one's shape and length
    /// (the right key over other bytes), matching nothing.
    fn wrong(&self, i: usize, t: u64) -> String {
        bare_signature(self.kind, &self.secret, format!("forged {i}").as_bytes(), t, MSG_ID)
    }

    /// A delivery at `t` whose signature header values carry `values` (see `with_candidates`).
    fn with_candidates(&self, t: u64, values: &[Vec<String>]) -> HeaderMap {
        with_candidates(self.kind, t, MSG_ID, values)
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
        not_json("invalid UTF-8", &h.parse(&h.signed(&bad), &bad))?;
        // Latin-1 bytes instead of the JSON.
        let latin1 = b"\xe9v\xe9nement pay\xe9".to_vec();
        not_json("latin-1", &h.parse(&h.signed(&latin1), &latin1))
    });

    on_all(&hooks, "deeply nested JSON", |h| {
        let depth = 100_000;
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        let r = h.parse_small_stack(&h.signed(&arrays), &arrays);
        not_json("100k nested arrays", &r)?;

        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)).into_bytes();
        let r = h.parse_small_stack(&h.signed(&objects), &objects);
        not_json("100k nested objects", &r)?;

        // The genuine event with a deep extra field: refused or accepted, never a crash.
        let mut inside = b"{\"zz_deep\":".to_vec();
        inside.extend_from_slice(&arrays);
        inside.push(b',');
        inside.extend_from_slice(&h.body[1..]);
        let r = h.parse_small_stack(&h.signed(&inside), &inside);
        if r.is_err() {
            not_json("deep extra field", &r)?;
        }

        // Unclosed nesting (truncated on purpose).
        let open = "[".repeat(depth).into_bytes();
        let r = h.parse_small_stack(&h.signed(&open), &open);
        not_json("100k unclosed arrays", &r)
    });

    on_all(&hooks, "signed non-event JSON", |h| {
        // Verified JSON is never refused for its content: read with notes, raw kept.
        for body in [&b"null"[..], b"[]", b"{}", b"\"text\""] {
            let r = h.parse(&h.signed(body), body);
            read_with_notes(&String::from_utf8_lossy(body), body, r)?;
        }
        // A number no JSON reader holds is not JSON a reader can take.
        let body = b"{\"id\":1e999999}";
        not_json("1e999999", &h.parse(&h.signed(body), body))
    });
}

/// Accepted: the event, or the refusal as the cell's failure.
/// A verified body that is not JSON: its own error kind, never a signature failure.
fn not_json(what: &str, result: &paymux::Result<WebhookEvent>) -> Result<(), String> {
    match result {
        Err(e) => {
            ensure!(
                e.kind() == ErrorKind::WebhookNotJson && e.webhook_failure().is_none(),
                "{what}: kind {} ({:?}), want webhook_not_json: {e}",
                e.kind(),
                e.webhook_failure()
            );
            Ok(())
        }
        Ok(ev) => Err(format!("{what}: accepted as event {} ({:?})", ev.id, ev.kind)),
    }
}

/// A verified JSON body that is not the gateway's event: read, kept whole, with notes.
fn read_with_notes(
    what: &str,
    body: &[u8],
    result: paymux::Result<WebhookEvent>,
) -> Result<(), String> {
    let event = accepted(what, result)?;
    ensure!(event.raw.as_str().as_bytes() == body, "{what}: raw body not kept");
    ensure!(!event.unread.is_empty(), "{what}: read without a note of what is missing");
    Ok(())
}

fn accepted(what: &str, result: paymux::Result<WebhookEvent>) -> Result<WebhookEvent, String> {
    result.map_err(|e| format!("{what}: refused ({:?}): {e}", e.webhook_failure()))
}

/// The ways a sender may lay `candidates` out over the values of the scheme's signature
/// header: one per value, always; for the schemes that list several in one value, also all in
/// one value and three per value.
fn layouts(kind: &str, candidates: &[String]) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let mut out =
        vec![("one per header value", candidates.iter().map(|c| vec![c.clone()]).collect())];
    if several_per_value(kind) {
        out.push(("all in one header value", vec![candidates.to_vec()]));
        out.push((
            "three per header value",
            candidates.chunks(3).map(<[String]>::to_vec).collect(),
        ));
    }
    out
}

/// A signature header sent twice is one list of candidates: the genuine signature is found
/// in either value.
fn repeated_values(h: &Hooked) -> Result<(), String> {
    let t = now_secs();
    let (good, bad, worse) = (h.genuine(&h.body, t), h.wrong(0, t), h.wrong(1, t));
    let two = |first: &str, second: &str| {
        h.with_candidates(t, &[vec![first.to_owned()], vec![second.to_owned()]])
    };
    accepted("genuine signature in the second value", h.parse(&two(&bad, &good), &h.body))?;
    accepted("genuine signature in the first value", h.parse(&two(&good, &bad), &h.body))?;
    refused("two wrong values", &h.parse(&two(&bad, &worse), &h.body), WebhookFailure::Mismatch)?;
    if h.kind == "paynectra" {
        // Every value names its timestamp (above: the same one). Two different ones are not
        // one delivery, even when each value is genuine for its own timestamp.
        let own = |t: u64| format!("t={t},v1={}", h.genuine(&h.body, t));
        for (first, second) in [(own(t), own(t - 1)), (own(t - 1), own(t))] {
            let headers =
                headers(&[("paynectra-signature", first), ("paynectra-signature", second)]);
            refused("two timestamps", &h.parse(&headers, &h.body), WebhookFailure::BadEncoding)?;
        }
    }
    Ok(())
}

/// `wrong` with `genuine` put last and first.
fn genuine_last_and_first(wrong: &[String], genuine: &str) -> [(&'static str, Vec<String>); 2] {
    let mut last = wrong.to_vec();
    last.push(genuine.to_owned());
    let mut first = vec![genuine.to_owned()];
    first.extend_from_slice(wrong);
    [("last", last), ("first", first)]
}

/// At most `MAX_SIGNATURES` candidates over all values of the signature header, and at most
/// `MAX_SIGNATURE_HEADER_BYTES` of header.
fn candidates_at_the_limit(h: &Hooked) -> Result<(), String> {
    let max = paymux::webhook::MAX_SIGNATURES;
    let t = now_secs();
    let good = h.genuine(&h.body, t);
    let wrong: Vec<String> = (0..max).map(|i| h.wrong(i, t)).collect();
    // At the limit: max - 1 wrong ones and the genuine one, wherever it is.
    for (place, candidates) in genuine_last_and_first(&wrong[..max - 1], &good) {
        for (layout, values) in layouts(h.kind, &candidates) {
            let what = format!("{max} candidates, genuine {place}, {layout}");
            accepted(&what, h.parse(&h.with_candidates(t, &values), &h.body))?;
        }
    }
    // One over: max wrong ones and the genuine one, refused wherever the genuine one is.
    for (place, candidates) in genuine_last_and_first(&wrong, &good) {
        for (layout, values) in layouts(h.kind, &candidates) {
            let what = format!("{} candidates, genuine {place}, {layout}", max + 1);
            let r = h.parse(&h.with_candidates(t, &values), &h.body);
            refused(&what, &r, WebhookFailure::TooManySignatures)?;
        }
    }
    // The genuine signature alone, in a header padded past the byte limit.
    let padded = format!("{good}{}", " ".repeat(paymux::webhook::MAX_SIGNATURE_HEADER_BYTES));
    let r = h.parse(&h.with_candidates(t, &[vec![padded]]), &h.body);
    refused(
        "genuine signature in a header over the byte limit",
        &r,
        WebhookFailure::TooManySignatures,
    )
}

/// How long refusing 10,000 candidates over a 1 MiB body may take (debug build, best of
/// three tries). Measured: 0.02 to 0.2 ms with the other tests running on 2 cores, so this
/// leaves a hundredfold margin for a loaded machine, while one HMAC over the 1 MiB body alone
/// takes 130 to 550 ms in a debug build (10,000 of them: about 6 s in a release build).
const FLOOD_BOUND: Duration = Duration::from_millis(25);

/// How long to wait for one refusal before calling it a failure: a verifier that hashed the
/// body once per candidate would keep a debug build busy for about 20 minutes.
const FLOOD_PATIENCE: Duration = Duration::from_secs(5);

/// 10,000 bogus candidates over the largest body allowed: refused before any MAC is computed.
fn candidate_flood(h: &Hooked) -> Result<(), String> {
    let mut body = h.body.clone();
    body.resize(MAX_BODY, b' ');
    let t = now_secs();
    // Short but well-formed candidates (hex "00", base64 "AAAA" decode to 1 and 3 bytes): a
    // verifier that computed one MAC per candidate would hash the 1 MiB body 10,000 times.
    let bogus = if h.kind == "paygentic" { "AAAA" } else { "00" };
    let candidates = vec![bogus.to_owned(); 10_000];
    let values = if several_per_value(h.kind) {
        vec![candidates]
    } else {
        candidates.into_iter().map(|c| vec![c]).collect()
    };
    let headers = h.with_candidates(t, &values);
    let name = *signature_headers(h.kind).last().unwrap();
    let bytes: usize = headers.get_all(name).iter().map(HeaderValue::len).sum();
    let what = format!("10,000 candidates ({bytes} bytes of header) over 1 MiB");
    let mut best = Duration::MAX;
    for _ in 0..3 {
        // On a thread of its own, so that a slow verifier fails this cell instead of hanging
        // the test (the thread is left behind then; the process ends it).
        let (tx, rx) = std::sync::mpsc::channel();
        let (provider, headers, body) = (h.provider.clone(), headers.clone(), body.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let r = provider.parse_webhook(&headers, &body);
            let _ = tx.send((r, started.elapsed()));
        });
        let Ok((r, took)) = rx.recv_timeout(FLOOD_PATIENCE) else {
            return Err(format!("{what}: still verifying after {FLOOD_PATIENCE:?}"));
        };
        refused(&what, &r, WebhookFailure::TooManySignatures)?;
        best = best.min(took);
        if best < FLOOD_BOUND {
            break;
        }
    }
    println!("{what} / {}: refused in {best:?}", h.kind);
    ensure!(best < FLOOD_BOUND, "{what}: refused in {best:?} at best, over {FLOOD_BOUND:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_signature_header_is_one_list() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;
    on_all(&hooks, "repeated signature header", repeated_values);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_max_signatures_candidates() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;
    on_all(&hooks, "candidate limit", candidates_at_the_limit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidate_flood_is_refused_before_any_mac() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;
    on_all(&hooks, "candidate flood", candidate_flood);
}

/// The deepest `[`/`{` nesting outside strings.
fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0_usize, 0_usize, false, false);
    for &b in json {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The genuine event with one extra field, `zz_deep`, holding arrays nested so that the whole
/// document is exactly `depth` levels deep (the event's own object is the first level).
fn with_deep_field(body: &[u8], depth: usize) -> Vec<u8> {
    assert_eq!(body.first(), Some(&b'{'), "the event is a JSON object");
    let arrays = depth - 1;
    let mut out = format!("{{\"zz_deep\":{}1{},", "[".repeat(arrays), "]".repeat(arrays));
    out.push_str(std::str::from_utf8(&body[1..]).unwrap());
    assert_eq!(nesting_depth(out.as_bytes()), depth, "{out}");
    out.into_bytes()
}

/// `raw` reads back: not `Null`, and the innermost value of `zz_deep` is there.
fn raw_reads_back(event: &WebhookEvent, depth: usize) -> Result<(), String> {
    ensure!(
        *event.raw.value() != serde_json::Value::Null,
        "raw reads as null ({} bytes kept)",
        event.raw.as_str().len()
    );
    let mut inside = &event.raw["zz_deep"];
    for _ in 0..depth - 1 {
        inside = &inside[0];
    }
    ensure!(*inside == 1, "zz_deep's innermost value reads as {inside}");
    Ok(())
}

/// The deepest document `raw` keeps is one it can read back.
fn nested_to_the_limit(h: &Hooked) -> Result<(), String> {
    let edge = paymux::RawJson::MAX_DEPTH;
    // The limit is the deepest serde_json reads back (127: its recursion limit of 128 counts
    // the level that fails).
    let deeper = with_deep_field(&h.body, edge + 1);
    ensure!(
        serde_json::from_slice::<serde_json::Value>(&deeper).is_err(),
        "serde_json reads depth {} back too: RawJson::MAX_DEPTH ({edge}) is not the limit",
        edge + 1
    );
    let body = with_deep_field(&h.body, edge);
    let event = accepted(&format!("depth {edge}"), h.parse(&h.signed(&body), &body))?;
    raw_reads_back(&event, edge).map_err(|why| format!("depth {edge} accepted, but {why}"))?;
    // Past the limit (serde_json's own limit is 128): refused as unreadable, or accepted with
    // a `raw` that reads back; never accepted with a `raw` that reads as null.
    for depth in [edge + 1, 128, 129] {
        let body = with_deep_field(&h.body, depth);
        match h.parse(&h.signed(&body), &body) {
            Ok(event) => raw_reads_back(&event, depth)
                .map_err(|why| format!("depth {depth} accepted, but {why}"))?,
            r @ Err(_) => not_json(&format!("depth {depth}"), &r)?,
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_is_readable_at_the_depth_limit() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = hooked(&sandbox).await;
    on_all(&hooks, "depth limit", nested_to_the_limit);
}
