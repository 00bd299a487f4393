//! The webhook kit: HMAC verification over raw bytes, timestamped schemes, deduplication.
//!
//! Every connector verifies with these functions, so the comparison is always constant-time
//! (`hmac`'s `CtOutput`) and the failure reasons are always the same [`WebhookFailure`]s.
//!
//! **Limits**, the same for every connector, all checked before any MAC is computed (an
//! unauthenticated caller chooses the body and the headers):
//! - the body: at most [`DEFAULT_MAX_BODY`] unless the connector is configured otherwise;
//! - the signature header: every value of it is read (a header sent several times is one
//!   list, as HTTP has it), at most [`MAX_SIGNATURE_HEADER_BYTES`] in all;
//! - candidate signatures: at most [`MAX_SIGNATURES`] over all values (key rotation needs two
//!   or three); more is refused as [`WebhookFailure::TooManySignatures`].
//!
//! The MAC over the body is computed and finalized once per webhook, then compared with each
//! candidate in constant time, so a request with the most candidates costs about what one
//! with a single candidate costs.
//!
//! ```
//! use paymux_core::webhook::{self, Algorithm, Encoding};
//! let secret = b"whsec";
//! let body = br#"{"event_id":"evt_1"}"#;
//! let sig = webhook::sign(Algorithm::Sha256, secret, body, Encoding::Hex);
//! assert!(webhook::verify(Algorithm::Sha256, secret, body, &sig, Encoding::Hex).is_ok());
//! assert!(webhook::verify(Algorithm::Sha256, secret, b"{}", &sig, Encoding::Hex).is_err());
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};

use crate::{Error, EventId, ProviderId, Result, WebhookFailure};

mod reading;
pub use reading::EventReader;

/// Bodies above this size are refused before any HMAC work (1 MiB).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// The most candidate signatures one webhook may carry, over all values of its signature
/// header.
pub const MAX_SIGNATURES: usize = 8;

/// The most bytes the values of a signature header may hold together (8 base64 SHA-512
/// signatures with their prefixes fit in under 1 KiB).
pub const MAX_SIGNATURE_HEADER_BYTES: usize = 4096;

/// The hash under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

/// How the signature is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal, either case.
    Hex,
    /// Standard base64 with padding.
    Base64,
}

fn mac_over(alg: Algorithm, key: &[u8], parts: &[&[u8]]) -> MacState {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail here.
    match alg {
        Algorithm::Sha256 => {
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
                .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
            parts.iter().for_each(|p| m.update(p));
            MacState::Sha256(m)
        }
        Algorithm::Sha512 => {
            let mut m = <Hmac<Sha512> as KeyInit>::new_from_slice(key)
                .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
            parts.iter().for_each(|p| m.update(p));
            MacState::Sha512(m)
        }
    }
}

enum MacState {
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

/// Finalizes `mac` once and compares the result with every tag in constant time
/// (`CtOutput`'s equality), looking at all of them whatever matches.
fn any_matches<M: Mac + hmac::digest::OutputSizeUser>(mac: M, tags: &[Vec<u8>]) -> bool {
    let expected = mac.finalize();
    let mut found = false;
    for tag in tags {
        if let Ok(tag) = hmac::digest::Output::<M>::try_from(tag.as_slice()) {
            found |= hmac::digest::CtOutput::<M>::new(tag) == expected;
        }
    }
    found
}

impl MacState {
    fn verify_any(self, tags: &[Vec<u8>]) -> bool {
        match self {
            MacState::Sha256(m) => any_matches(m, tags),
            MacState::Sha512(m) => any_matches(m, tags),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            MacState::Sha256(m) => m.finalize().into_bytes().to_vec(),
            MacState::Sha512(m) => m.finalize().into_bytes().to_vec(),
        }
    }
}

fn decode(sig: &str, encoding: Encoding) -> Result<Vec<u8>> {
    let sig = sig.trim();
    let decoded = match encoding {
        Encoding::Hex => hex::decode(sig).ok(),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.decode(sig).ok(),
    };
    decoded.filter(|d| !d.is_empty()).ok_or_else(|| Error::webhook(WebhookFailure::BadEncoding))
}

/// Computes a signature, for senders (the mock, the sandbox) and tests.
pub fn sign(alg: Algorithm, key: &[u8], body: &[u8], encoding: Encoding) -> String {
    sign_parts(alg, key, &[body], encoding)
}

/// Computes a signature over the concatenation of `parts`.
pub fn sign_parts(alg: Algorithm, key: &[u8], parts: &[&[u8]], encoding: Encoding) -> String {
    let tag = mac_over(alg, key, parts).finish();
    match encoding {
        Encoding::Hex => hex::encode(tag),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
    }
}

/// Verifies `signature` (as found in the header) over the raw `body`, in constant time.
pub fn verify(
    alg: Algorithm,
    key: &[u8],
    body: &[u8],
    signature: &str,
    encoding: Encoding,
) -> Result<()> {
    verify_parts(alg, key, &[body], &[signature], encoding)
}

/// Verifies that at least one of `signatures` matches the MAC over the concatenated `parts`
/// (schemes that send several signatures during key rotation).
pub fn verify_parts(
    alg: Algorithm,
    key: &[u8],
    parts: &[&[u8]],
    signatures: &[&str],
    encoding: Encoding,
) -> Result<()> {
    if signatures.is_empty() {
        return Err(Error::webhook(WebhookFailure::MissingHeader));
    }
    if signatures.len() > MAX_SIGNATURES {
        return Err(Error::webhook(WebhookFailure::TooManySignatures));
    }
    let tags: Vec<Vec<u8>> = signatures.iter().filter_map(|s| decode(s, encoding).ok()).collect();
    if tags.is_empty() {
        return Err(Error::webhook(WebhookFailure::BadEncoding));
    }
    // The body is hashed and the MAC finalized once; each candidate costs one comparison.
    if mac_over(alg, key, parts).verify_any(&tags) {
        return Ok(());
    }
    Err(Error::webhook(WebhookFailure::Mismatch))
}

/// Refuses bodies over `max` bytes.
pub fn check_body_size(body: &[u8], max: usize) -> Result<()> {
    if body.len() > max { Err(Error::webhook(WebhookFailure::BodyTooLarge)) } else { Ok(()) }
}

/// Every value of a signature header, as text: the one rule for headers a sender may repeat.
/// Absent -> [`WebhookFailure::MissingHeader`]; a value that is not text ->
/// [`WebhookFailure::BadEncoding`]; more than [`MAX_SIGNATURE_HEADER_BYTES`] in all ->
/// [`WebhookFailure::TooManySignatures`].
///
/// ```
/// use paymux_core::webhook::header_values;
/// let mut headers = http::HeaderMap::new();
/// headers.append("signature", "aa".parse().unwrap());
/// headers.append("signature", "bb".parse().unwrap());
/// assert_eq!(header_values(&headers, "signature").unwrap(), ["aa", "bb"]);
/// ```
pub fn header_values<'h>(headers: &'h http::HeaderMap, name: &str) -> Result<Vec<&'h str>> {
    let mut values = Vec::new();
    let mut bytes = 0_usize;
    for value in headers.get_all(name) {
        bytes += value.len();
        if bytes > MAX_SIGNATURE_HEADER_BYTES {
            return Err(Error::webhook(WebhookFailure::TooManySignatures));
        }
        values.push(value.to_str().map_err(|_| Error::webhook(WebhookFailure::BadEncoding))?);
    }
    if values.is_empty() {
        return Err(Error::webhook(WebhookFailure::MissingHeader));
    }
    Ok(values)
}

/// The value of a header as text, or [`WebhookFailure::MissingHeader`] /
/// [`WebhookFailure::BadEncoding`]. For a header the sender may repeat (the signature), use
/// [`header_values`].
pub fn header<'h>(headers: &'h http::HeaderMap, name: &str) -> Result<&'h str> {
    let value = headers.get(name).ok_or_else(|| Error::webhook(WebhookFailure::MissingHeader))?;
    value.to_str().map_err(|_| Error::webhook(WebhookFailure::BadEncoding))
}

/// Checks a unix timestamp (seconds) against `now`, both ways: too old is a replay, too far in
/// the future is a forged or badly clocked sender.
pub fn check_timestamp(
    timestamp: &str,
    now: time::OffsetDateTime,
    tolerance: Duration,
) -> Result<()> {
    let t: i64 =
        timestamp.trim().parse().map_err(|_| Error::webhook(WebhookFailure::BadEncoding))?;
    let skew = now.unix_timestamp().abs_diff(t);
    if skew > tolerance.as_secs() {
        Err(Error::webhook(WebhookFailure::StaleTimestamp))
    } else {
        Ok(())
    }
}

/// An HMAC scheme: the hash and how the signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The hash under the HMAC.
    pub algorithm: Algorithm,
    /// The signature's encoding.
    pub encoding: Encoding,
}

/// The accepted time window around `now` for timestamped schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The reference time (the current time in production; fixed in tests).
    pub now: time::OffsetDateTime,
    /// How far the timestamp may be from `now`, either way.
    pub tolerance: Duration,
}

impl Window {
    /// A window of `tolerance` around the current time.
    pub fn around_now(tolerance: Duration) -> Self {
        Window { now: time::OffsetDateTime::now_utc(), tolerance }
    }
}

/// Verifies `"{t}.{body}"` schemes (Stripe style): timestamp inside `window`,
/// then any of `signatures` matching.
pub fn verify_timestamped(
    scheme: Scheme,
    key: &[u8],
    timestamp: &str,
    body: &[u8],
    signatures: &[&str],
    window: Window,
) -> Result<()> {
    check_timestamp(timestamp, window.now, window.tolerance)?;
    verify_parts(
        scheme.algorithm,
        key,
        &[timestamp.as_bytes(), b".", body],
        signatures,
        scheme.encoding,
    )
}

/// Verifies `"{id}.{t}.{body}"` schemes (Svix style).
pub fn verify_id_timestamped(
    scheme: Scheme,
    key: &[u8],
    id: &str,
    timestamp: &str,
    body: &[u8],
    signatures: &[&str],
    window: Window,
) -> Result<()> {
    check_timestamp(timestamp, window.now, window.tolerance)?;
    verify_parts(
        scheme.algorithm,
        key,
        &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
        signatures,
        scheme.encoding,
    )
}

/// Remembers which webhook events were already processed, so a redelivered event is handled
/// once. Implement it over your database to share it between instances.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Records the event and returns `true` the first time it is seen, `false` afterwards.
    async fn first_seen(&self, provider: &ProviderId, event_id: &EventId) -> Result<bool>;
}

/// A bounded in-memory [`EventStore`]: remembers at most `capacity` events, each for `ttl`.
/// When full, the oldest entry is forgotten first.
#[derive(Debug)]
pub struct InMemoryEventStore {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<StoreState>,
}

#[derive(Debug, Default)]
struct StoreState {
    seen: HashMap<(ProviderId, EventId), Instant>,
    order: VecDeque<((ProviderId, EventId), Instant)>,
}

impl InMemoryEventStore {
    /// A store for up to `capacity` events kept for `ttl` each.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        InMemoryEventStore {
            capacity: capacity.max(1),
            ttl,
            inner: Mutex::new(StoreState::default()),
        }
    }

    /// How many events are remembered now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|s| s.seen.len()).unwrap_or(0)
    }

    /// `true` when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn first_seen_at(&self, key: (ProviderId, EventId), now: Instant) -> bool {
        // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
        let mut s = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((k, at)) = s.order.front().cloned() {
            let expired = now.duration_since(at) >= self.ttl;
            if !expired && s.seen.len() < self.capacity {
                break;
            }
            s.order.pop_front();
            // Only forget the entry if it was not re-recorded later.
            if s.seen.get(&k) == Some(&at) {
                s.seen.remove(&k);
            }
        }
        if s.seen.contains_key(&key) {
            return false;
        }
        s.seen.insert(key.clone(), now);
        s.order.push_back((key, now));
        true
    }
}

impl Default for InMemoryEventStore {
    /// 100,000 events for 72 hours (gateways retry deliveries for up to three days).
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(72 * 3600))
    }
}

#[async_trait]
impl EventStore for InMemoryEventStore {
    async fn first_seen(&self, provider: &ProviderId, event_id: &EventId) -> Result<bool> {
        Ok(self.first_seen_at((provider.clone(), event_id.clone()), Instant::now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_dedupes_expires_and_is_bounded() {
        let store = InMemoryEventStore::new(2, Duration::from_secs(10));
        let p = ProviderId::new("p");
        let t0 = Instant::now();
        let key = |id: &str| (p.clone(), EventId::new(id));
        assert!(store.first_seen_at(key("a"), t0));
        assert!(!store.first_seen_at(key("a"), t0));
        assert!(store.first_seen_at(key("b"), t0));
        // Full: adding c forgets the oldest, a.
        assert!(store.first_seen_at(key("c"), t0));
        assert_eq!(store.len(), 2);
        assert!(!store.first_seen_at(key("c"), t0));
        // After the ttl everything is forgotten.
        let later = t0 + Duration::from_secs(11);
        assert!(store.first_seen_at(key("c"), later));
    }

    #[tokio::test]
    async fn store_is_safe_under_concurrency() {
        let store = std::sync::Arc::new(InMemoryEventStore::default());
        let p = ProviderId::new("p");
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (store, p) = (store.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                store.first_seen(&p, &EventId::new("evt_same")).await.unwrap()
            }));
        }
        let mut firsts = 0;
        for t in tasks {
            if t.await.unwrap() {
                firsts += 1;
            }
        }
        assert_eq!(firsts, 1);
    }
}
