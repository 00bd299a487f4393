//! Exact decimal amounts and the JSON text they travel in.
//!
//! pay.tech sends amounts as JSON numbers in major units (`11.12`). Nothing here goes through
//! `f64`: request amounts are cut out of the raw body as number tokens ([`top_level_raw`]) and
//! parsed into [`Dec`] (an integer of units with a scale); answers are written by hand
//! ([`J`]) with the amounts as number tokens.

use std::cmp::Ordering;

/// At most this many decimals (`multipleOf: 1e-18` in the spec).
pub(crate) const MAX_SCALE: u32 = 18;

/// A non-negative decimal `units / 10^scale`, keeping the scale it was written with
/// (`11.10` stays `11.10`, as a `BigDecimal` would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dec {
    units: u128,
    scale: u32,
}

impl Dec {
    /// `units / 10^scale`.
    pub(crate) const fn new(units: u128, scale: u32) -> Dec {
        Dec { units, scale }
    }

    /// Parses a JSON number token exactly. Negative values, more than 18 decimals or more than
    /// 38 digits are refused with a message.
    pub(crate) fn parse_token(tok: &str) -> Result<Dec, String> {
        let bad = || format!("{tok:?} is not a valid number");
        let (neg, rest) = match tok.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, tok),
        };
        let (mantissa, exp) = match rest.find(['e', 'E']) {
            Some(i) => {
                let e = rest[i + 1..].trim_start_matches('+');
                let e: i64 = e.parse().map_err(|_| bad())?;
                (&rest[..i], e)
            }
            None => (rest, 0),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (mantissa.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        if !(-60..=60).contains(&exp) {
            return Err(format!("{tok} is out of range"));
        }
        let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_owned();
        let frac_len = i64::try_from(frac.len()).map_err(|_| bad())?;
        let mut scale = frac_len - exp;
        if scale < 0 {
            for _ in 0..(-scale) {
                if !digits.is_empty() {
                    digits.push('0');
                }
            }
            scale = 0;
        }
        while scale > i64::from(MAX_SCALE) && digits.ends_with('0') {
            digits.pop();
            scale -= 1;
        }
        if scale > i64::from(MAX_SCALE) {
            return Err(format!("{tok} has more than {MAX_SCALE} decimals"));
        }
        if digits.len() > 38 {
            return Err(format!("{tok} is out of range"));
        }
        let units: u128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
        if neg && units != 0 {
            return Err("must be greater than or equal to 0".to_owned());
        }
        let scale = u32::try_from(scale).map_err(|_| bad())?;
        Ok(Dec { units, scale })
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(self) -> bool {
        self.units == 0
    }

    fn rescaled(self, scale: u32) -> Option<u128> {
        let diff = scale.checked_sub(self.scale)?;
        10u128.checked_pow(diff).and_then(|p| self.units.checked_mul(p))
    }

    fn aligned(self, other: Dec) -> Option<(u128, u128, u32)> {
        let scale = self.scale.max(other.scale);
        Some((self.rescaled(scale)?, other.rescaled(scale)?, scale))
    }

    /// Numeric comparison (`1.0 == 1.00`).
    pub(crate) fn cmp_value(self, other: Dec) -> Ordering {
        match self.aligned(other) {
            Some((a, b, _)) => a.cmp(&b),
            // Cannot happen within the parser's limits; order by integer part as a fallback.
            None => self.scale.cmp(&other.scale).reverse(),
        }
    }

    /// `self + other`, at the larger scale.
    pub(crate) fn add(self, other: Dec) -> Option<Dec> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Dec { units: a.checked_add(b)?, scale })
    }

    /// `self - other`, at the larger scale; `None` if negative.
    pub(crate) fn sub(self, other: Dec) -> Option<Dec> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Dec { units: a.checked_sub(b)?, scale })
    }

    /// The number token (`11.12`, `10`, `0.00001`).
    pub(crate) fn token(self) -> String {
        let digits = self.units.to_string();
        let scale = usize::try_from(self.scale).unwrap_or(0);
        if scale == 0 {
            return digits;
        }
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (i, f) = padded.split_at(padded.len() - scale);
        format!("{i}.{f}")
    }
}

/// The raw text of the value of `key` in the top-level object of `body`, which must already be
/// known to be valid JSON. The last occurrence wins (as in Jackson).
pub(crate) fn top_level_raw<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    let b = body.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut found = None;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b'}' => return found,
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return found,
        }
        let key_end = skip_string(b, i)?;
        let name: String = serde_json::from_str(&body[i..key_end]).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return found;
        }
        i = skip_ws(b, i + 1);
        let end = skip_value(b, i)?;
        if name == key {
            found = Some(&body[i..end]);
        }
        i = end;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `i` at an opening quote; returns the index after the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

/// JSON to write, with amounts as exact number tokens.
#[derive(Debug, Clone)]
pub(crate) enum J {
    /// A string.
    Str(String),
    /// A number token written as is (an amount).
    Num(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An object, fields in order.
    Obj(Vec<(String, J)>),
    /// An array.
    Arr(Vec<J>),
    /// A JSON value holding no numbers but integers (customer fields and such).
    Val(serde_json::Value),
}

impl J {
    /// A string value.
    pub(crate) fn s(v: impl Into<String>) -> J {
        J::Str(v.into())
    }

    /// Writes the JSON text.
    pub(crate) fn write(&self, out: &mut String) {
        match self {
            J::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            J::Num(n) => out.push_str(n),
            J::Int(n) => out.push_str(&n.to_string()),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Val(v) => out.push_str(&v.to_string()),
            J::Arr(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::Obj(fields) => {
                out.push('{');
                for (n, (k, v)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The JSON text.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// Builds a [`J::Obj`] field by field, skipping absent ones.
#[derive(Debug, Default)]
pub(crate) struct ObjBuilder(Vec<(String, J)>);

impl ObjBuilder {
    /// Adds a field.
    pub(crate) fn put(mut self, k: &str, v: J) -> Self {
        self.0.push((k.to_owned(), v));
        self
    }

    /// Adds a field if present.
    pub(crate) fn opt(self, k: &str, v: Option<J>) -> Self {
        match v {
            Some(v) => self.put(k, v),
            None => self,
        }
    }

    /// The object.
    pub(crate) fn build(self) -> J {
        J::Obj(self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Dec::parse_token("11.12").unwrap().token(), "11.12");
        assert_eq!(Dec::parse_token("11.10").unwrap().token(), "11.10");
        assert_eq!(Dec::parse_token("0.00001").unwrap().token(), "0.00001");
        assert_eq!(Dec::parse_token("1.5e2").unwrap().token(), "150");
        assert_eq!(Dec::parse_token("15E-1").unwrap().token(), "1.5");
        assert_eq!(Dec::parse_token("0").unwrap().token(), "0");
        assert_eq!(Dec::parse_token("-0").unwrap().token(), "0");
        assert!(Dec::parse_token("-1").is_err());
        assert!(Dec::parse_token("1.0000000000000000001").is_err());
        assert_eq!(
            Dec::parse_token("1.0000000000000000000").unwrap().token(),
            "1.000000000000000000"
        );
        let a = Dec::parse_token("10.5").unwrap();
        let b = Dec::parse_token("0.25").unwrap();
        assert_eq!(a.sub(b).unwrap().token(), "10.25");
        assert_eq!(a.add(b).unwrap().token(), "10.75");
        assert!(b.sub(a).is_none());
        assert_eq!(Dec::parse_token("1.0").unwrap().cmp_value(Dec::new(1, 0)), Ordering::Equal);
    }

    #[test]
    fn finds_top_level_tokens() {
        let body = r#"{"card":{"amount":1},"s":"a\"mount","amount" : 11.12 ,"x":[1,{"amount":2}]}"#;
        assert_eq!(top_level_raw(body, "amount"), Some("11.12"));
        assert_eq!(top_level_raw(r#"{"amount":"5"}"#, "amount"), Some("\"5\""));
        assert_eq!(top_level_raw(r#"{"a":1}"#, "amount"), None);
        assert_eq!(top_level_raw(r#"{"amount":1,"amount":2e1}"#, "amount"), Some("2e1"));
    }
}
