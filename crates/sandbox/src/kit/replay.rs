//! Idempotent replays by a request header, for the gateways that document one: the same key
//! with the same route and body answers the stored answer again (nothing runs twice, no
//! webhook); the same key with another request is a conflict.

use std::collections::HashMap;
use std::sync::Mutex;

/// What happened to a request that may carry a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay<R> {
    /// It ran (no key, or a new key).
    Fresh(R),
    /// The stored answer of the first request with this key.
    Replayed(R),
    /// The key was first used for another request (its route is given).
    Conflict {
        /// `METHOD path` of the first request.
        first_route: String,
    },
}

#[derive(Debug)]
struct Entry<R> {
    route: String,
    body: Vec<u8>,
    answer: R,
}

/// Stored answers by idempotency key. The work runs under the store's lock, so two requests
/// with one key never both run.
#[derive(Debug)]
pub struct Replays<R> {
    entries: Mutex<HashMap<String, Entry<R>>>,
}

impl<R> Default for Replays<R> {
    fn default() -> Self {
        Replays { entries: Mutex::default() }
    }
}

impl<R: Clone> Replays<R> {
    /// Runs `work` for a request without a key or with a new one, storing its answer when
    /// `keep` says so; replays or refuses a request whose key was used before.
    pub fn run(
        &self,
        key: Option<&str>,
        route: &str,
        body: &[u8],
        keep: impl Fn(&R) -> bool,
        work: impl FnOnce() -> R,
    ) -> Replay<R> {
        let Some(key) = key else { return Replay::Fresh(work()) };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = entries.get(key) {
            return if e.route == route && e.body == body {
                Replay::Replayed(e.answer.clone())
            } else {
                Replay::Conflict { first_route: e.route.clone() }
            };
        }
        let answer = work();
        if keep(&answer) {
            let entry =
                Entry { route: route.to_owned(), body: body.to_vec(), answer: answer.clone() };
            entries.insert(key.to_owned(), entry);
        }
        Replay::Fresh(answer)
    }
}

/// The key in header `name`, if present and not blank.
pub fn key(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let v = headers.get(name)?.to_str().ok()?.trim();
    (!v.is_empty()).then(|| v.to_owned())
}
