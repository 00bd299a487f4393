//! Masks card numbers, CVCs, keys, signatures and personal data (emails, names, address
//! lines, postal codes, phone numbers) in text before it reaches a log or an error.
//!
//! Every place where text from a gateway (or a request body) reaches an error or a log goes
//! through [`snippet`], [`gateway_text`] or [`for_log`], which apply the same three steps in
//! this order: the instance's own secrets are masked in the text as received, then card data
//! and labelled secrets are redacted, and only then is the result shortened, so a cut can never
//! leave part of a secret that no longer matches exactly.
//!
//! What is redacted:
//! - in JSON, the value of every field whose name says secret or card data (`card_number`,
//!   `cvc`, `api_key`, `signature`, ...) or personal data ([`is_personal_field`]: `email`,
//!   `first_name`, `name`, `line1`, `postal_code`, `phone`, ...), and card-shaped numbers
//!   and emails in any other value;
//! - in any text, email addresses;
//! - in any text, card numbers of 13 to 19 digits that pass Luhn, written plain or in groups
//!   separated by single spaces or dashes (`4242 4242 4242 4242`, `4242-4242-...`);
//! - in any text, whatever follows a label that names it, whether or not it passes Luhn: 13 to
//!   19 digits after a card label (`card`, `pan`, `number`, `card[number]`), 3 or 4 digits after
//!   a CVC label (`cvc 917`, `"cvv":"123"`), the value after a secret label (`api_key=...`,
//!   `Authorization: Bearer ...`), the value after a personal-data label in `name: value`
//!   or `name=value` form (`"first_name":"Jane"`, `billing[address][line1]=1 Main St`).
//!
//! ```
//! use paymux_core::redact::{redact_body, redact_text};
//! let body = br#"{"card_number":"4242424242424242","card_cvc":"123","amount":6540}"#;
//! let safe = redact_body(body);
//! assert!(!safe.contains("4242424242424242"));
//! assert!(!safe.contains("\"123\""));
//! assert!(safe.contains("6540"));
//!
//! let text = redact_text("declined: card 4242 4242 4242 4241, cvc 917");
//! assert!(!text.contains("4242 4241") && !text.contains("917"), "{text}");
//!
//! let body = br#"{"email":"jane@example.com","billing":{"line1":"1 Main St","postal_code":"94107","country":"US"}}"#;
//! let safe = redact_body(body);
//! assert!(!safe.contains("jane@") && !safe.contains("Main St") && !safe.contains("94107"));
//! assert!(safe.contains("\"country\":\"US\""), "what identifies no one is kept: {safe}");
//! ```

use serde_json::Value;

/// What replaces a masked value.
pub const MASK: &str = "[REDACTED]";

/// Lowercase ASCII letters and digits of `name`: `card[number]`, `card_number` and
/// `cardNumber` all read `cardnumber`.
fn normalized(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// `true` for field names whose values are secrets or card data, whatever their case or
/// separators (`card_number`, `cardNumber`, `CVV`, `api-key`, `webhook_secret`, ...).
pub fn is_sensitive_field(name: &str) -> bool {
    let n = normalized(name);
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
        // Wallet payloads (Google Pay, Apple Pay), as pay.tech takes them decrypted.
        "cryptogram",
        "encrypted",
        "emvdata",
        "primaryaccountnumber",
    ];
    EXACT.contains(&n.as_str()) || CONTAINS.iter().any(|c| n.contains(c))
}

/// `true` for field names whose values are personal data: emails, names, address lines,
/// postal codes and phone numbers, whatever their case or separators (`email`,
/// `customer_email`, `first_name`, `cardholderName`, `name`, `line1`, `address_line2`,
/// `street`, `postal_code`, `zip`, `phone`, `mobile`, ...). City, state and country are
/// not: they identify no one and help to read a decline.
pub fn is_personal_field(name: &str) -> bool {
    let n = normalized(name);
    const EXACT: &[&str] = &["name", "surname", "msisdn", "nameoncard", "holder"];
    const CONTAINS: &[&str] = &[
        "email",
        "phone",
        "mobile",
        "firstname",
        "lastname",
        "fullname",
        "middlename",
        "givenname",
        "familyname",
        "holdername",
        "customername",
        "payername",
        "billingname",
        "shippingname",
        "recipientname",
        "beneficiaryname",
        "contactname",
        "postalcode",
        "postcode",
        "zipcode",
        "addressline",
        "streetaddress",
        "streetname",
        "housenumber",
        "line1",
        "line2",
        "line3",
    ];
    const ENDS: &[&str] = &["address", "address1", "address2", "address3", "street", "zip"];
    EXACT.contains(&n.as_str())
        || CONTAINS.iter().any(|c| n.contains(c))
        || ENDS.iter().any(|e| n.ends_with(e))
}

/// What a label in free text announces, and so what of the value after it is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    /// A card number: 13 to 19 digits, grouped or not, masked whether or not they pass Luhn.
    Card,
    /// A CVC: 3 or 4 digits.
    Cvc,
    /// A key, token, password or signature: the next word (two after `Bearer`/`Basic`).
    Secret,
    /// Personal data (an email, a name, an address line): the value up to the next
    /// delimiter, spaces included (`Jane Doe`, `1 Main St`).
    Personal,
}

fn label(word: &str) -> Option<Label> {
    let n = normalized(word);
    if n.is_empty() {
        return None;
    }
    if ["cvc", "cvv", "cvc2", "cvv2", "csc", "securitycode"].iter().any(|c| n.ends_with(c)) {
        return Some(Label::Cvc);
    }
    if matches!(n.as_str(), "card" | "pan" | "cc" | "ccnumber" | "cardno" | "number")
        || n.ends_with("cardnumber")
    {
        return Some(Label::Card);
    }
    if is_sensitive_field(&n) {
        return Some(Label::Secret);
    }
    is_personal_field(&n).then_some(Label::Personal)
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

/// The card number lengths ISO/IEC 7812 allows.
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 13..=19;

/// One run of digits in the text: `start..end`.
type Group = (usize, usize);

/// The digit groups starting at `at`, each separated from the next by one space or dash.
fn digit_groups(bytes: &[u8], at: usize) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut i = at;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            break;
        }
        groups.push((start, i));
        let separated = matches!(bytes.get(i), Some(b' ' | b'-'))
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !separated {
            break;
        }
        i += 1;
    }
    groups
}

fn digits_of(bytes: &[u8], groups: &[Group]) -> Vec<u8> {
    groups.iter().flat_map(|&(s, e)| bytes[s..e].iter().copied()).collect()
}

/// A masked card number, keeping the last four digits.
fn card_mask(digits: &[u8]) -> String {
    let last4 = &digits[digits.len().saturating_sub(4)..];
    format!("[CARD ****{}]", String::from_utf8_lossy(last4))
}

/// The replacements a text needs: `(start, end, replacement)`, in order, not overlapping.
struct Spans(Vec<(usize, usize, String)>);

impl Spans {
    fn covers(&self, at: usize) -> bool {
        self.0.iter().any(|&(s, e, _)| s <= at && at < e)
    }

    fn apply(mut self, text: &str) -> String {
        self.0.sort_by_key(|&(s, _, _)| s);
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (s, e, with) in self.0 {
            if s < copied {
                continue;
            }
            out.push_str(&text[copied..s]);
            out.push_str(&with);
            copied = e;
        }
        out.push_str(&text[copied..]);
        out
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'[' | b']' | b'.')
}

fn is_gap_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b':' | b'=' | b'"' | b'\'' | b'\\')
}

fn is_value_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'&' | b',' | b';' | b'<' | b'>')
}

/// The end of the run of bytes from `at` for which `f` holds.
fn run_end(bytes: &[u8], at: usize, f: impl Fn(u8) -> bool) -> usize {
    at + bytes[at..].iter().take_while(|&&b| f(b)).count()
}

/// What a label at `value_at` masks, if anything.
fn labelled_value(bytes: &[u8], value_at: usize, label: Label) -> Option<(usize, usize, String)> {
    match label {
        Label::Card => {
            let groups = digit_groups(bytes, value_at);
            let digits = digits_of(bytes, &groups);
            let end = groups.last()?.1;
            CARD_DIGITS.contains(&digits.len()).then(|| (value_at, end, card_mask(&digits)))
        }
        Label::Cvc => {
            let end = run_end(bytes, value_at, |b| b.is_ascii_digit());
            let followed_by_word = bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric());
            ((3..=4).contains(&(end - value_at)) && !followed_by_word)
                .then(|| (value_at, end, MASK.to_owned()))
        }
        Label::Personal => {
            // An object or a list: its own fields are labelled, and masked one by one.
            if matches!(bytes.get(value_at), Some(b'{' | b'[') | None) {
                return None;
            }
            let end = run_end(bytes, value_at, |b| {
                !matches!(b, b'"' | b'\'' | b'&' | b',' | b';' | b'<' | b'>' | b'\\' | b'}')
                    && b != b'\n'
                    && b != b'\r'
            });
            (end > value_at).then(|| (value_at, end, MASK.to_owned()))
        }
        Label::Secret => {
            let mut end = run_end(bytes, value_at, is_value_byte);
            if end == value_at {
                return None;
            }
            let word = &bytes[value_at..end];
            let scheme =
                word.eq_ignore_ascii_case(b"bearer") || word.eq_ignore_ascii_case(b"basic");
            if scheme && bytes.get(end) == Some(&b' ') {
                end = run_end(bytes, end + 1, is_value_byte);
            }
            Some((value_at, end, MASK.to_owned()))
        }
    }
}

/// Redacts card numbers, CVCs and labelled secrets in free text (see the module docs).
pub fn redact_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut spans = Spans(Vec::new());
    // Labelled values first: they are masked whether or not they look like what they are.
    let mut i = 0;
    while i < bytes.len() {
        if !is_word_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let end = run_end(bytes, i, is_word_byte);
        if let Some(label) = label(&text[i..end]) {
            let gap = bytes[end..].iter().take(8).take_while(|&&b| is_gap_byte(b)).count();
            // Digits after a card or CVC label are masked after any gap; a secret or personal
            // data only in `name: value` / `name=value` form, so prose ("authorization
            // failed", "the email address is invalid") stays.
            let keyed = bytes[end..end + gap].iter().any(|b| matches!(b, b':' | b'=' | b'"'));
            let needs_key = matches!(label, Label::Secret | Label::Personal);
            if (!needs_key || keyed)
                && let Some(span) = labelled_value(bytes, end + gap, label)
            {
                i = span.1;
                spans.0.push(span);
                continue;
            }
        }
        i = end;
    }
    // Then email addresses anywhere.
    for (at, _) in text.match_indices('@') {
        if spans.covers(at) {
            continue;
        }
        if let Some(span) = email_around(bytes, at) {
            spans.0.push(span);
        }
    }
    // Then card numbers anywhere: 13 to 19 digits passing Luhn, in one run or in groups.
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || spans.covers(i) {
            i += 1;
            continue;
        }
        let groups = digit_groups(bytes, i);
        let mut next = groups.last().map_or(i + 1, |g| g.1);
        'start: for first in 0..groups.len() {
            for last in (first..groups.len()).rev() {
                let digits = digits_of(bytes, &groups[first..=last]);
                if CARD_DIGITS.contains(&digits.len()) && luhn_valid(&digits) {
                    spans.0.push((groups[first].0, groups[last].1, card_mask(&digits)));
                    next = groups[last].1;
                    break 'start;
                }
            }
        }
        i = next;
    }
    spans.apply(text)
}

/// The email address around the `@` at `at`, if it is one: a local part of letters, digits
/// and `._%+-`, and a domain with a dot in it.
fn email_around(bytes: &[u8], at: usize) -> Option<(usize, usize, String)> {
    let local = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let start = at - bytes[..at].iter().rev().take_while(|b| local(b)).count();
    let end = run_end(bytes, at + 1, |b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    let domain = &bytes[at + 1..end];
    let dotted = domain.contains(&b'.') && !domain.starts_with(b".");
    (start < at && dotted).then(|| (start, end, MASK.to_owned()))
}

/// `true` for a scalar that holds 13 to 19 digits, grouped or not (a card number's shape).
fn card_shaped(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    let groups = digit_groups(bytes, 0);
    groups.last().is_some_and(|g| g.1 == bytes.len())
        && CARD_DIGITS.contains(&digits_of(bytes, &groups).len())
}

/// `true` for field names whose whole value, object or not, is a secret: a wallet token's
/// payload (Apple Pay's `paymentData` holds the encrypted `data`, its `signature` and the
/// keys in its `header`, under names that say nothing on their own).
fn is_secret_payload(name: &str) -> bool {
    normalized(name) == "paymentdata"
}

fn redact_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_secret_payload(k) && !val.is_null() {
                    *val = Value::String(MASK.to_owned());
                    continue;
                }
                let scalar = !val.is_object() && !val.is_array() && !val.is_null();
                let card = label(k) == Some(Label::Card)
                    && match val {
                        Value::String(s) => card_shaped(s),
                        Value::Number(n) => card_shaped(&n.to_string()),
                        _ => false,
                    };
                let named = is_sensitive_field(k) || is_personal_field(k);
                if (scalar && named) || card {
                    *val = Value::String(MASK.to_owned());
                } else {
                    redact_value(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(s) => {
            let masked = redact_text(s);
            if masked != *s {
                *s = masked;
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if redact_text(&text) != text {
                *v = Value::String(MASK.to_owned());
            }
        }
        _ => {}
    }
}

/// Redacts a request or response body: JSON bodies field by field (sensitive names masked,
/// card numbers masked anywhere), other bodies as text ([`redact_text`]).
pub fn redact_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            redact_value(&mut v);
            v.to_string()
        }
        Err(_) => redact_text(&String::from_utf8_lossy(body)),
    }
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

/// At most `max` characters of `text`, with `…` when something was cut.
fn shorten(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((cut, _)) => {
            let mut s = text;
            s.truncate(cut);
            s.push('…');
            s
        }
    }
}

/// A whole body for a trace: `secrets` masked, then [`redact_body`].
pub fn for_log(body: &[u8], secrets: &[&str]) -> String {
    let masked = mask_secrets(&String::from_utf8_lossy(body), secrets);
    redact_body(masked.as_bytes())
}

/// A snippet of a body for an error message: `secrets` masked, redacted ([`redact_body`]),
/// then cut to at most `max` characters.
pub fn snippet(body: &[u8], max: usize, secrets: &[&str]) -> String {
    shorten(for_log(body, secrets), max)
}

/// Text a gateway wrote (an error message, a code, a parser's complaint quoting a value):
/// `secrets` masked, redacted ([`redact_text`]), then cut to at most `max` characters.
pub fn gateway_text(text: &str, max: usize, secrets: &[&str]) -> String {
    shorten(redact_text(&mask_secrets(text, secrets)), max)
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
        let s = redact_text("pan 4242424242424242 order 1234567890123 end");
        assert_eq!(s, "pan [CARD ****4242] order 1234567890123 end");
    }

    #[test]
    fn grouped_card_numbers_are_masked() {
        for text in [
            "paid with 4242 4242 4242 4242 today",
            "paid with 4242-4242-4242-4242 today",
            "paid with 4000 0000 0000 0002 today",
            "qty 2 4242 4242 4242 4242",
            "amex 3782 822463 10005",
        ] {
            let s = redact_text(text);
            assert!(s.contains("[CARD ****"), "{text} -> {s}");
            for group in ["4242 4242", "4242-4242", "0000 0000", "822463"] {
                assert!(!s.contains(group), "{text} -> {s}");
            }
        }
        assert!(redact_text("qty 2 4242 4242 4242 4242").starts_with("qty 2 [CARD"));
    }

    #[test]
    fn labelled_card_numbers_are_masked_without_luhn() {
        for text in [
            "card 4242424242424241 refused",
            "card_number=4242 4242 4242 4241&amount=10",
            "card[number]=4242424242424241",
            r#"{"cardNumber":"4242424242424241","amount":"#,
            "PAN: 5555-5555-5555-4443",
        ] {
            let s = redact_text(text);
            assert!(!s.contains("424242424241") && !s.contains("4242 4241"), "{text} -> {s}");
            assert!(!s.contains("5555-5555"), "{text} -> {s}");
        }
        // Not after a card label, and failing Luhn: an order number, kept.
        assert_eq!(redact_text("order 4242424242424241"), "order 4242424242424241");
    }

    #[test]
    fn cvcs_and_secrets_in_text_are_masked() {
        for (text, hidden) in [
            ("cvc 917 is wrong", "917"),
            ("CVV2: 1234", "1234"),
            (r#"{"card_cvc":"737","#, "737"),
            (r#"{\"cvc\":\"555\"}"#, "555"),
            ("security_code=042&x=1", "042"),
            ("api_key=snd_live_abc123&x=1", "snd_live_abc123"),
            ("Authorization: Bearer sk_test_zzz", "sk_test_zzz"),
            ("client_secret: pi_123_secret_456", "pi_123_secret_456"),
        ] {
            let s = redact_text(text);
            assert!(!s.contains(hidden), "{text} -> {s}");
        }
        assert_eq!(redact_text("cvc 91734 is not a cvc"), "cvc 91734 is not a cvc");
        assert_eq!(redact_text("amount 917 USD"), "amount 917 USD");
        assert_eq!(
            redact_text("Authorization failed: insufficient funds"),
            "Authorization failed: insufficient funds"
        );
    }

    #[test]
    fn sensitive_fields_masked_at_any_depth() {
        let body = br#"{"payment_method_data":{"card":{"card_number":"4111111111111111","card_cvc":"737","card_exp_month":"12"}},"cardNumber":5555555555554444,"api_key":"snd_abc","phone":"6502530000","x":["4000000000000002"],"card":"4242 4242 4242 4241","note":"cvc 917"}"#;
        let s = redact_body(body);
        for secret in [
            "4111111111111111",
            "737",
            "5555555555554444",
            "snd_abc",
            "4000000000000002",
            "4242 4241",
            "917",
        ] {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
        assert!(!s.contains("6502530000"), "a phone number is personal data: {s}");
        assert!(s.contains("\"card_exp_month\":\"12\""));
    }

    #[test]
    fn personal_data_masked_in_bodies_and_text() {
        let body = br#"{"customer":{"email":"jane.doe+shop@example.com","name":"Jane Doe","phone":{"country_code":"+1","number":"6502530000"}},"billing":{"address":{"line1":"1 Main St","line2":"Apt 4","city":"Springfield","postal_code":"94107","country":"US","first_name":"Jane","last_name":"Doe"}},"shipping_address":"22 Side Rd","zip":94107,"cardholderName":"JANE DOE","note":"call jane.doe@example.org","amount":6540}"#;
        let s = redact_body(body);
        for personal in [
            "jane.doe",
            "Jane",
            "Doe",
            "JANE",
            "6502530000",
            "Main St",
            "Apt 4",
            "94107",
            "Side Rd",
        ] {
            assert!(!s.contains(personal), "{personal} in {s}");
        }
        for kept in ["Springfield", "\"US\"", "6540", "+1"] {
            assert!(s.contains(kept), "{kept} missing from {s}");
        }

        for (text, hidden) in [
            ("email=jane@example.com&amount=10", "jane@example.com"),
            ("refused for jane@example.com today", "jane@example"),
            (r#"{"first_name":"Jane Ann","amount":"#, "Jane Ann"),
            (r#"{\"last_name\":\"Doe\"}"#, "Doe"),
            ("billing[address][line1]=1 Main St&x=1", "Main St"),
            ("postal_code: 94107, country: US", "94107"),
            ("phone_number=+16502530000", "6502530000"),
        ] {
            let s = redact_text(text);
            assert!(!s.contains(hidden), "{text} -> {s}");
        }
        // Prose that names a field without a value is left alone.
        for prose in ["the email address is invalid", "name is required", "user@host"] {
            assert_eq!(redact_text(prose), prose);
        }
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
            "onlinePaymentCryptogram",
            "encryptedPINData",
            "emvData",
            "applicationPrimaryAccountNumber",
        ] {
            assert!(is_sensitive_field(name), "{name}");
        }
        for name in ["amount", "currency", "phone", "payment_id"] {
            assert!(!is_sensitive_field(name), "{name}");
        }
        for name in ["email", "receipt_email", "firstName", "last_name", "name", "line1"] {
            assert!(is_personal_field(name), "{name}");
        }
        for name in ["address_line2", "street", "postal_code", "zip", "phone", "mobile_number"] {
            assert!(is_personal_field(name), "{name}");
        }
        for name in ["amount", "city", "country", "state", "payment_id", "status", "currency"] {
            assert!(!is_personal_field(name), "{name}");
        }
    }

    #[test]
    fn a_wallet_token_payload_is_masked_whole() {
        let body = br#"{"applePay":{"paymentData":{"version":"EC_v1","data":"k3Bf9Qz0encrypted","signature":"MIAGCSqG","header":{"ephemeralPublicKey":"MFkwEwYH","publicKeyHash":"LbsUwAT6","transactionId":"aabbcc"}},"paymentMethod":{"network":"Visa"}},"amount":10.5}"#;
        let safe = redact_body(body);
        for secret in ["k3Bf9Qz0", "MIAGCSqG", "MFkwEwYH", "LbsUwAT6", "EC_v1"] {
            assert!(!safe.contains(secret), "{secret} in {safe}");
        }
        assert!(safe.contains("\"paymentData\":\"[REDACTED]\""), "{safe}");
        assert!(safe.contains("Visa") && safe.contains("10.5"), "the rest is kept: {safe}");
    }

    #[test]
    fn snippet_is_short_and_redacted() {
        let s = snippet(b"<html>4242424242424242 bad gateway</html>", 20, &[]);
        assert!(!s.contains("4242424242424242"));
        assert!(s.chars().count() <= 21);
    }

    #[test]
    fn secrets_are_masked_before_the_cut() {
        let key = "snd_0123456789abcdefghij";
        // The key straddles the cut at every position: no run of 4 of its characters is left.
        for pad in 0..key.len() + 2 {
            let body = format!("{}{key} trailing", "x".repeat(160 - pad.min(160)));
            let s = snippet(body.as_bytes(), 160, &[key]);
            for window in key.as_bytes().windows(5) {
                let part = std::str::from_utf8(window).unwrap();
                assert!(!s.contains(part), "pad {pad}: {part:?} of the key in {s}");
            }
            let g = gateway_text(&body, 160, &[key]);
            assert!(!g.contains(&key[..5]) && !g.contains(&key[key.len() - 5..]), "{g}");
        }
    }
}
