//! Owner-aware ids: every id the router hands out names the instance that holds the resource.

use std::fmt;
use std::str::FromStr;

use paymux_core::Error;

/// An id prefixed with its instance, printed `instance:gateway_id` (`paychtec_eu:pay_123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoutedId {
    /// The instance that holds the resource.
    pub instance: String,
    /// The gateway's own id.
    pub id: String,
}

impl RoutedId {
    /// Joins an instance and a gateway id.
    pub fn new(instance: impl Into<String>, id: impl Into<String>) -> Self {
        RoutedId { instance: instance.into(), id: id.into() }
    }
}

/// Between the instance and the gateway id.
const SEPARATOR: char = ':';

/// `instance:id` as one string, built directly (ids are routed on every answer the router
/// returns, so this skips the formatting machinery and the owned parts of a `RoutedId`).
pub(crate) fn join(instance: &str, id: &str) -> String {
    let mut joined = String::with_capacity(instance.len() + 1 + id.len());
    joined.push_str(instance);
    joined.push(SEPARATOR);
    joined.push_str(id);
    joined
}

impl fmt::Display for RoutedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        f.write_str(&self.instance)?;
        f.write_char(SEPARATOR)?;
        f.write_str(&self.id)
    }
}

impl FromStr for RoutedId {
    type Err = Error;

    /// Splits at the first `:` (instance names cannot hold one; gateway ids may).
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.split_once(SEPARATOR) {
            Some((instance, id)) if !instance.is_empty() && !id.is_empty() => {
                Ok(RoutedId::new(instance, id))
            }
            _ => Err(Error::invalid_request(format!(
                "{s:?} is not a routed id (expected \"instance:id\", as the router returns them)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_first_colon() {
        let id: RoutedId = "paychtec_eu:pay_123".parse().unwrap();
        assert_eq!(id, RoutedId::new("paychtec_eu", "pay_123"));
        assert_eq!(id.to_string(), "paychtec_eu:pay_123");
        let odd: RoutedId = "a:b:c".parse().unwrap();
        assert_eq!(odd.id, "b:c");
        assert!("pay_123".parse::<RoutedId>().is_err());
        assert!(":x".parse::<RoutedId>().is_err());
    }
}
