//! Request bodies read into typed structs, with errors that name the field, as each gateway's
//! own validation does.

use serde::de::DeserializeOwned;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON at all, or not an object.
    Syntax(String),
    /// A field the struct does not have (`path` is where, `field` its name).
    Unknown {
        /// The object holding it (`""` at the top, `payment_method.card` below).
        path: String,
        /// The field's name.
        field: String,
    },
    /// A field of the wrong type or value (`path` is where).
    Invalid {
        /// Dotted path of the field (`amount`, `order_details[0].quantity`).
        path: String,
        /// serde's message.
        message: String,
    },
    /// A required field is absent.
    Missing {
        /// Dotted path of the field.
        path: String,
    },
}

impl BodyError {
    /// The field the error is about (`""` for syntax errors).
    pub fn field(&self) -> String {
        match self {
            BodyError::Syntax(_) => String::new(),
            BodyError::Unknown { path, field } if path.is_empty() => field.clone(),
            BodyError::Unknown { path, field } => format!("{path}.{field}"),
            BodyError::Invalid { path, .. } | BodyError::Missing { path } => path.clone(),
        }
    }

    /// A message for an error answer.
    pub fn message(&self) -> String {
        match self {
            BodyError::Syntax(m) => m.clone(),
            BodyError::Unknown { .. } => format!("unknown field `{}`", self.field()),
            BodyError::Invalid { path, message } => format!("{path}: {message}"),
            BodyError::Missing { path } => format!("missing field `{path}`"),
        }
    }
}

fn backquoted(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// Reads `raw` (an empty body reads as `{}`) into `T`.
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, BodyError> {
    let raw: &[u8] = if raw.iter().all(u8::is_ascii_whitespace) { b"{}" } else { raw };
    if raw.iter().find(|b| !b.is_ascii_whitespace()).is_none_or(|b| *b != b'{') {
        return Err(BodyError::Syntax("the body must be a JSON object".into()));
    }
    let de = &mut serde_json::Deserializer::from_slice(raw);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or_default().to_owned();
        if inner.is_syntax() || inner.is_eof() {
            return BodyError::Syntax(message);
        }
        if message.starts_with("unknown field") {
            let field = backquoted(&message).unwrap_or_default();
            let path = path.rsplit_once('.').map(|(p, _)| p.to_owned()).unwrap_or_default();
            return BodyError::Unknown { path, field };
        }
        if message.starts_with("missing field") {
            let field = backquoted(&message).unwrap_or_default();
            let path = if path.is_empty() { field } else { format!("{path}.{field}") };
            return BodyError::Missing { path };
        }
        BodyError::Invalid { path, message }
    })
}

/// A JSON number kept as written (`11.10` stays `11.10`): read exactly as a decimal later.
pub type RawNumber = Box<serde_json::value::RawValue>;

/// Reads a raw JSON number exactly (`1.5e2` reads as 150); `None` if it is not a number.
pub fn decimal(raw: &serde_json::value::RawValue) -> Option<rust_decimal::Decimal> {
    let text = raw.get().trim();
    if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return None;
    }
    if text.contains(['e', 'E']) {
        rust_decimal::Decimal::from_scientific(text).ok()
    } else {
        text.parse().ok()
    }
}

/// A decimal as a raw JSON number (its scale kept: `11.10`).
pub fn number(d: rust_decimal::Decimal) -> RawNumber {
    serde_json::value::RawValue::from_string(d.to_string())
        .unwrap_or_else(|_| serde_json::value::RawValue::from_string("0".into()).expect("0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        n: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        amount: i64,
        inner: Option<Inner>,
        lines: Option<Vec<Inner>>,
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse::<Outer>(br#"{"amount": 1, "x": 2}"#).unwrap_err();
        assert_eq!(e, BodyError::Unknown { path: String::new(), field: "x".into() });
        let e = parse::<Outer>(br#"{"amount": 1, "inner": {"n": 1, "y": 2}}"#).unwrap_err();
        assert_eq!(e.field(), "inner.y");
        let e = parse::<Outer>(br#"{"amount": 10.5}"#).unwrap_err();
        assert_eq!(e.field(), "amount");
        let e = parse::<Outer>(br#"{"amount": 1, "lines": [{"n": "a"}]}"#).unwrap_err();
        assert_eq!(e.field(), "lines[0].n");
        let e = parse::<Outer>(br#"{}"#).unwrap_err();
        assert_eq!(e, BodyError::Missing { path: "amount".into() });
        assert!(matches!(parse::<Outer>(b"{nope"), Err(BodyError::Syntax(_))));
        assert!(matches!(parse::<Outer>(b"[1]"), Err(BodyError::Syntax(_))));
    }

    #[test]
    fn decimals_are_exact() {
        let raw = |t: &str| serde_json::value::RawValue::from_string(t.into()).unwrap();
        assert_eq!(decimal(&raw("11.10")).unwrap().to_string(), "11.10");
        assert_eq!(decimal(&raw("1.5e2")).unwrap(), rust_decimal::Decimal::from(150));
        assert_eq!(decimal(&raw("\"5\"")), None);
        assert_eq!(
            number(decimal(&raw("0.000000000000000001")).unwrap()).get(),
            "0.000000000000000001"
        );
    }
}

/// A field read leniently: absent, of the declared type, or of another type (kept, so that a
/// gateway that reports every bad field at once, as Zod does, can name them all).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Lenient<T> {
    /// Not in the body.
    #[default]
    Absent,
    /// Of the declared type.
    Ok(T),
    /// Present but not of the declared type.
    Wrong(serde_json::Value),
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(match T::deserialize(&v) {
            Ok(t) => Lenient::Ok(t),
            Err(_) => Lenient::Wrong(v),
        })
    }
}

/// A JSON value's type in Zod's words (`Expected string, received number`).
pub fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}
