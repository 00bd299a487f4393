//! The exact JSON text a gateway sent, parsed only when someone looks inside.

use std::fmt;
use std::ops::Index;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON document kept as the exact text received (for audit and for fields outside the
/// model), parsed into a [`Value`] lazily on first access. Cloning is cheap.
///
/// ```
/// use paymux_core::RawJson;
/// let raw = RawJson::from_bytes(br#"{"event_id":"evt_1","n":1}"#).unwrap();
/// assert_eq!(raw["event_id"], "evt_1");
/// assert_eq!(raw.as_str(), r#"{"event_id":"evt_1","n":1}"#);
/// ```
#[derive(Clone)]
pub struct RawJson {
    text: Arc<str>,
    parsed: Arc<OnceLock<Value>>,
}

impl RawJson {
    /// Keeps `text` as is; it is parsed on first access.
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        RawJson { text: text.into(), parsed: Arc::new(OnceLock::new()) }
    }

    /// The deepest nesting accepted: the deepest serde_json reads back (its recursion limit
    /// of 128 counts the level that fails), so that whatever is kept can always be parsed later.
    pub const MAX_DEPTH: usize = 127;

    /// Keeps a body received as bytes; `None` if it is not UTF-8 (JSON always is) or nests
    /// arrays and objects deeper than [`RawJson::MAX_DEPTH`] (such a body could never be read
    /// back, and a typed parse that skipped over the deep part would not notice).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if nesting_depth(bytes) > Self::MAX_DEPTH {
            return None;
        }
        std::str::from_utf8(bytes).ok().map(Self::new)
    }

    /// Keeps a body received as bytes when it is a JSON document that reads back whole (the
    /// checks of [`RawJson::from_bytes`], and a parse into a [`Value`], kept for
    /// [`value`](RawJson::value)); `None` otherwise (not UTF-8, too deep, not JSON, or a
    /// number no reader holds such as `1e999999`).
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let raw = Self::from_bytes(bytes)?;
        let value: Value = serde_json::from_str(raw.as_str()).ok()?;
        // Just made, so never set before.
        let _ = raw.parsed.set(value);
        Some(raw)
    }

    /// The exact text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed document (`Value::Null` if the text is not JSON).
    pub fn value(&self) -> &Value {
        self.parsed.get_or_init(|| serde_json::from_str(&self.text).unwrap_or(Value::Null))
    }
}

/// The deepest `[`/`{` nesting outside strings (a cheap scan, no parse).
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0_usize, 0_usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

impl Index<&str> for RawJson {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        &self.value()[key]
    }
}

/// Equal when the documents are equal (whitespace and key order aside).
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text || self.value() == other.value()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson").field(&&*self.text).finish()
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.text.to_string()) {
            Ok(raw) => raw.serialize(s),
            // Not JSON (cannot come from a parsed webhook): keep it as a string.
            Err(_) => s.serialize_str(&self.text),
        }
    }
}

/// Reads the embedded document from any serde format (stored events); its text is then the
/// compact serialization, not the gateway's original bytes.
impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let parsed = OnceLock::new();
        let text = value.to_string();
        let _ = parsed.set(value);
        Ok(RawJson { text: text.into(), parsed: Arc::new(parsed) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_parses_lazily_and_round_trips() {
        let raw = RawJson::new(r#"{"a": {"b": [1, 2]}, "n": 1.10}"#);
        assert_eq!(raw["a"]["b"][1], 2);
        assert_eq!(raw.as_str(), r#"{"a": {"b": [1, 2]}, "n": 1.10}"#, "exact text, 1.10 kept");
        let json = serde_json::to_string(&raw).unwrap();
        let back: RawJson = serde_json::from_str(&json).unwrap();
        assert_eq!(back["a"]["b"][0], 1);
        assert_eq!(back, raw, "equal as documents");
        let via_value: RawJson =
            serde_json::from_value(serde_json::to_value(&raw).unwrap()).unwrap();
        assert_eq!(via_value, raw);
        assert_ne!(RawJson::new("{\"a\":1}"), RawJson::new("{\"a\":2}"));
        let embedded = serde_json::to_string(&serde_json::json!({"x": 1})).unwrap();
        assert_eq!(embedded, r#"{"x":1}"#);
        assert_eq!(RawJson::new("not json").value(), &Value::Null);
        assert!(RawJson::from_bytes(b"\xff").is_none());
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(RawJson::from_bytes(deep.as_bytes()).is_none(), "too deep to read back");
        // The edge: the deepest document kept is one `raw` can still read.
        let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let edge = RawJson::from_bytes(nested(RawJson::MAX_DEPTH).as_bytes()).unwrap();
        assert_ne!(edge.value(), &Value::Null, "kept at the limit, so readable");
        assert!(RawJson::from_bytes(nested(RawJson::MAX_DEPTH + 1).as_bytes()).is_none());
        let fine = format!("{{\"a\":{}1{}, \"s\":\"[[[[\\\"\"}}", "[".repeat(100), "]".repeat(100));
        assert!(RawJson::from_bytes(fine.as_bytes()).is_some(), "brackets in strings do not count");
    }
}
