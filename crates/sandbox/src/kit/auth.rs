//! The one API-key check every emulator runs its API routes behind.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Where the key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyIn {
    /// In a header of its own (`api-key`).
    Header(&'static str),
    /// `Authorization: Bearer <key>`.
    Bearer,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No key at all.
    Missing,
    /// An `Authorization` header that is not `Bearer <key>`.
    Malformed,
    /// A live key (the sandbox takes test keys only).
    Live(String),
    /// Another key.
    Wrong(String),
}

/// Renders a refusal in the gateway's error shape: `(why, request path) -> answer`.
pub type Refuse = fn(&Refusal, &str) -> Response;

/// One gateway's key check.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Where the key travels.
    pub key_in: KeyIn,
    /// The key the sandbox accepts.
    pub key: Arc<str>,
    /// The prefix of the gateway's live keys (refused with [`Refusal::Live`]).
    pub live_prefix: Option<&'static str>,
    /// How a refusal looks.
    pub refuse: Refuse,
}

impl Auth {
    /// Checks a request's headers.
    pub fn check(&self, headers: &http::HeaderMap) -> Result<(), Refusal> {
        let given = match self.key_in {
            KeyIn::Header(name) => match headers.get(name) {
                None => return Err(Refusal::Missing),
                Some(v) => v.to_str().unwrap_or_default().trim().to_owned(),
            },
            KeyIn::Bearer => {
                let Some(v) = headers.get(http::header::AUTHORIZATION) else {
                    return Err(Refusal::Missing);
                };
                let v = v.to_str().unwrap_or_default().trim();
                match v.split_once(' ') {
                    Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => {
                        key.trim().to_owned()
                    }
                    _ => return Err(Refusal::Malformed),
                }
            }
        };
        if given == *self.key {
            Ok(())
        } else if self.live_prefix.is_some_and(|p| given.starts_with(p)) {
            Err(Refusal::Live(given))
        } else {
            Err(Refusal::Wrong(given))
        }
    }
}

/// The middleware: refuses the request in the gateway's shape, or hands it on.
pub async fn require(State(auth): State<Arc<Auth>>, req: Request, next: Next) -> Response {
    match auth.check(req.headers()) {
        Ok(()) => next.run(req).await,
        Err(why) => (auth.refuse)(&why, req.uri().path()),
    }
}

/// `sk_test_1234****abcd`: enough of a key to recognise it in an error message.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let head: String = chars.iter().take(8).collect();
    let tail: String = chars.iter().skip(chars.len().saturating_sub(4)).collect();
    format!("{head}****{tail}")
}
