//! Masks card numbers, CVCs, keys and signatures in text before it reaches a log or an error.
//!
//! ```
//! use paymux_core::redact::redact_body;
//! let body = br#"{"card_number":"4242424242424242","card_cvc":"123","amount":6540}"#;
//! let safe = redact_body(body);
//! assert!(!safe.contains("4242424242424242"));
//! assert!(!safe.contains("\"123\""));
//! assert!(safe.contains("6540"));
//! ```

use serde_json::Value;

/// What replaces a masked value.
pub const MASK: &str = "[REDACTED]";

/// `true` for field names whose values are secrets or card data, whatever their case or
/// separators (`card_number`, `cardNumber`, `CVV`, `api-key`, `webhook_secret`, ...).
pub fn is_sensitive_field(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const EXACT: &[&str] = &["pan", "number", "cardnumber", "authorization", "signature", "pin"];
    const CONTAINS: &[&str] = &[
        "cardnumber",
        "cvc",
        "cvv",
        "securitycode",
        "apikey",
        "secret",
        "password",
        "signature",
        "token",
    ];
    EXACT.contains(&n.as_str()) || CONTAINS.iter().any(|c| n.contains(c))
}

/// `true` if `digits` (ASCII digits only) passes the Luhn check.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0_u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Masks every run of 13 to 19 digits that passes Luhn (a card number), keeping the last four.
pub fn redact_card_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &bytes[start..i];
            if (13..=19).contains(&run.len()) && luhn_valid(run) {
                out.push_str(&text[copied..start]);
                out.push_str("[CARD ****");
                out.push_str(&text[i - 4..i]);
                out.push(']');
                copied = i;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn redact_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_sensitive_field(k) && !val.is_object() && !val.is_array() && !val.is_null() {
                    *val = Value::String(MASK.to_owned());
                } else {
                    redact_value(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(s) => {
            let masked = redact_card_numbers(s);
            if masked != *s {
                *s = masked;
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if redact_card_numbers(&text) != text {
                *v = Value::String(MASK.to_owned());
            }
        }
        _ => {}
    }
}

/// Redacts a request or response body: JSON bodies field by field (sensitive names masked,
/// card numbers masked anywhere), other bodies as text (card numbers masked).
pub fn redact_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            redact_value(&mut v);
            v.to_string()
        }
        Err(_) => redact_card_numbers(&String::from_utf8_lossy(body)),
    }
}

/// A redacted, shortened snippet of a body for error messages (at most `max` characters).
pub fn snippet(body: &[u8], max: usize) -> String {
    let redacted = redact_body(body);
    let mut s: String = redacted.chars().take(max).collect();
    if redacted.chars().count() > max {
        s.push('…');
    }
    s
}

/// Replaces every occurrence of each secret in `text` with [`MASK`] (a gateway echoing our key).
pub fn mask_secrets(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(*s) {
            out = out.replace(*s, MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid(b"4242424242424242"));
        assert!(luhn_valid(b"4000000000000002"));
        assert!(!luhn_valid(b"4242424242424241"));
    }

    #[test]
    fn card_numbers_masked_in_text_keeping_last4() {
        let s = redact_card_numbers("pan 4242424242424242 order 1234567890123 end");
        assert_eq!(s, "pan [CARD ****4242] order 1234567890123 end");
    }

    #[test]
    fn sensitive_fields_masked_at_any_depth() {
        let body = br#"{"payment_method_data":{"card":{"card_number":"4111111111111111","card_cvc":"737","card_exp_month":"12"}},"cardNumber":5555555555554444,"api_key":"snd_abc","phone":"6502530000","x":["4000000000000002"]}"#;
        let s = redact_body(body);
        for secret in ["4111111111111111", "737", "5555555555554444", "snd_abc", "4000000000000002"]
        {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
        assert!(s.contains("6502530000"), "phone numbers are not card numbers: {s}");
        assert!(s.contains("\"card_exp_month\":\"12\""));
    }

    #[test]
    fn field_names() {
        for name in [
            "card_number",
            "cardNumber",
            "CVV",
            "card_cvc",
            "api-key",
            "webhook_secret",
            "Authorization",
        ] {
            assert!(is_sensitive_field(name), "{name}");
        }
        for name in ["amount", "currency", "phone", "payment_id"] {
            assert!(!is_sensitive_field(name), "{name}");
        }
    }

    #[test]
    fn snippet_is_short_and_redacted() {
        let s = snippet(b"<html>4242424242424242 bad gateway</html>", 20);
        assert!(!s.contains("4242424242424242"));
        assert!(s.chars().count() <= 21);
    }
}
