//! What every emulator is built from: the server and its handle ([`server`]), the fault and
//! latency layer ([`faults`]), API-key checks ([`auth`]), idempotent replays ([`replay`]),
//! typed request bodies ([`body`]), webhook signing and delivery ([`webhooks`]), test cards
//! ([`cards`]), the sandbox's HTML pages ([`pages`]) and the control routes that make an
//! emulator emit an event on demand ([`control`]).

pub mod auth;
pub mod body;
pub mod cards;
pub mod control;
pub mod deadlines;
pub mod faults;
pub mod pages;
pub mod replay;
pub mod server;
pub mod webhooks;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 at whole seconds in UTC (`2023-11-07T05:31:56Z`).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0).unwrap_or(t).format(&Rfc3339).unwrap_or_default()
}

/// The current time.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
