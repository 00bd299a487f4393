//! Reading a verified webhook body: what can be mapped is mapped, the rest is noted.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{
    Error, ErrorKind, EventId, EventKind, ProviderId, RawJson, Result, Unread, UnreadProblem,
    WebhookEvent, WebhookResource,
};

/// Reads a verified webhook body into a [`WebhookEvent`] without ever refusing it for its
/// content.
///
/// Verification is the only step of webhook handling that fails with a signature error. Once
/// a body is verified, a connector reads it with an `EventReader`: each field it asks for is
/// either read or recorded as [`Unread`] (missing, invalid, or outside what the model holds),
/// and the event is delivered with what could be read, the raw body, and those notes. Only a
/// body that is not JSON at all stops the reading ([`ErrorKind::WebhookNotJson`]).
///
/// ```
/// use paymux_core::webhook::EventReader;
/// use paymux_core::{EventKind, ProviderId, UnreadProblem, WebhookResource};
///
/// let body = br#"{"type":"payment.succeeded","data":{"amount":"ten"}}"#;
/// let mut reader = EventReader::new(body)?;
/// let id = reader.event_id("/id"); // absent: derived from the body
/// let kind = reader.required::<String>("/type").map(|w| EventKind::from_word(&w));
/// let amount = reader.required::<u64>("/data/amount"); // a string: noted as invalid
/// assert_eq!(amount, None);
/// let event = reader.finish(id, ProviderId::new("demo"), kind, None, WebhookResource::Other);
/// assert!(event.id.as_str().starts_with("sha256:"));
/// assert_eq!(event.unread[1].pointer, "/data/amount");
/// assert_eq!(event.unread[1].problem, UnreadProblem::Invalid);
/// # Ok::<(), paymux_core::Error>(())
/// ```
#[derive(Debug)]
pub struct EventReader {
    raw: RawJson,
    unread: Vec<Unread>,
}

impl EventReader {
    /// Starts reading a verified body. Fails only when the body is not JSON (or nests deeper
    /// than [`RawJson::MAX_DEPTH`]), with [`ErrorKind::WebhookNotJson`].
    pub fn new(body: &[u8]) -> Result<Self> {
        let raw = RawJson::parse(body).ok_or_else(|| {
            Error::new(
                ErrorKind::WebhookNotJson,
                "the webhook's signature is valid but its body is not JSON",
            )
        })?;
        Ok(EventReader { raw, unread: Vec::new() })
    }

    /// The body, exactly as received.
    pub fn raw(&self) -> &RawJson {
        &self.raw
    }

    /// The value at `pointer` (RFC 6901), if present and not `null`.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.raw.value().pointer(pointer).filter(|v| !v.is_null())
    }

    /// The value at `pointer` as a `T`. Absent (or `null`): noted as
    /// [`UnreadProblem::Missing`]; of another shape: noted as [`UnreadProblem::Invalid`].
    pub fn required<T: DeserializeOwned>(&mut self, pointer: &str) -> Option<T> {
        if self.get(pointer).is_none() {
            self.note(pointer, UnreadProblem::Missing, "absent");
            return None;
        }
        self.optional(pointer)
    }

    /// The value at `pointer` as a `T`, where its absence is normal: absent (or `null`) is
    /// `None` without a note; of another shape is noted as [`UnreadProblem::Invalid`].
    pub fn optional<T: DeserializeOwned>(&mut self, pointer: &str) -> Option<T> {
        let value = self.get(pointer)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let detail = e.to_string();
                self.note(pointer, UnreadProblem::Invalid, detail);
                None
            }
        }
    }

    /// The result of mapping the part at `pointer` onto the model: its value, or `None` with
    /// the error noted (`Unsupported` for an amount `Money` cannot hold, else `Invalid`).
    pub fn mapped<T>(&mut self, pointer: &str, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                let problem = if e.is_money_error() {
                    UnreadProblem::Unsupported
                } else {
                    UnreadProblem::Invalid
                };
                self.note(pointer, problem, e.message().to_owned());
                None
            }
        }
    }

    /// Records that the part at `pointer` could not be read.
    pub fn note(&mut self, pointer: &str, problem: UnreadProblem, detail: impl Into<String>) {
        self.unread.push(Unread::new(pointer, problem, detail));
    }

    /// The notes so far.
    pub fn unread(&self) -> &[Unread] {
        &self.unread
    }

    /// The event id at `pointer`. When it is absent (or not a string), it is noted and the id
    /// becomes `sha256:` and the hex SHA-256 of the body, so a redelivery of the same bytes is
    /// still recognized as the same event.
    pub fn event_id(&mut self, pointer: &str) -> EventId {
        match self.required::<String>(pointer).filter(|id| !id.is_empty()) {
            Some(id) => EventId::new(id),
            None => EventId::new(format!(
                "sha256:{}",
                hex::encode(Sha256::digest(self.raw.as_str().as_bytes()))
            )),
        }
    }

    /// The event, with what was read and the notes. `kind` is `None` when the event type
    /// could not be read: the event is then `EventKind::Other("")`.
    pub fn finish(
        self,
        id: EventId,
        provider: ProviderId,
        kind: Option<EventKind>,
        occurred_at: Option<OffsetDateTime>,
        resource: WebhookResource,
    ) -> WebhookEvent {
        WebhookEvent {
            id,
            provider,
            kind: kind.unwrap_or_else(|| EventKind::Other(String::new())),
            occurred_at,
            resource,
            raw: self.raw,
            unread: self.unread,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_body_that_is_not_json_is_refused() {
        for body in [&b"not json"[..], b"", b"{\"a\":", b"\xff\xfe", b"{\"id\":1e999999}"] {
            let e = EventReader::new(body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::WebhookNotJson, "{body:?}");
            assert!(e.webhook_failure().is_none());
        }
        for body in [&b"{}"[..], b"[]", b"null", b"42", b"\"text\""] {
            assert!(EventReader::new(body).is_ok(), "{body:?}");
        }
    }

    #[test]
    fn missing_and_invalid_parts_are_noted_with_their_pointer() {
        let mut r = EventReader::new(br#"{"a":{"n":"x","s":"ok","z":null}}"#).unwrap();
        assert_eq!(r.required::<String>("/a/s").as_deref(), Some("ok"));
        assert_eq!(r.required::<u64>("/a/n"), None);
        assert_eq!(r.required::<u64>("/a/gone"), None);
        assert_eq!(r.optional::<u64>("/a/z"), None);
        assert_eq!(r.optional::<u64>("/a/absent"), None);
        let got: Vec<_> = r.unread().iter().map(|u| (u.pointer.as_str(), u.problem)).collect();
        assert_eq!(got, [("/a/n", UnreadProblem::Invalid), ("/a/gone", UnreadProblem::Missing)]);
    }

    #[test]
    fn an_event_without_an_id_is_named_by_its_bytes() {
        let id = |body: &[u8]| EventReader::new(body).unwrap().event_id("/id");
        assert_eq!(id(br#"{"id":"evt_1"}"#).as_str(), "evt_1");
        assert_eq!(id(br#"{"x":1}"#), id(br#"{"x":1}"#));
        assert_ne!(id(br#"{"x":1}"#), id(br#"{"x":2}"#));
        assert!(id(br#"{"id":7}"#).as_str().starts_with("sha256:"));
    }

    #[test]
    fn an_amount_money_cannot_hold_is_unsupported_not_invalid() {
        let mut r = EventReader::new(b"{}").unwrap();
        let money = crate::GatewayAmount::new(rust_decimal::Decimal::new(12345, 8), "BTC")
            .to_money()
            .map_err(Error::from);
        assert!(r.mapped("/amount", money).is_none());
        assert!(r.mapped("/other", Err::<(), _>(Error::invalid_response("bad"))).is_none());
        let problems: Vec<_> = r.unread().iter().map(|u| u.problem).collect();
        assert_eq!(problems, [UnreadProblem::Unsupported, UnreadProblem::Invalid]);
    }
}
