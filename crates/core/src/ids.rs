//! Identifier newtypes, so a refund id can never be passed where a payment id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The identifier as an owned string.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

macro_rules! free_id {
    ($(#[$meta:meta])* $name:ident) => {
        string_id!($(#[$meta])* $name);

        impl $name {
            /// Wraps an identifier string.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

free_id!(
    /// A payment's identifier as its gateway knows it (or, through the router, a routed id).
    PaymentId
);
free_id!(
    /// A refund's identifier as its gateway knows it.
    RefundId
);
free_id!(
    /// A payout's identifier as its gateway knows it.
    PayoutId
);
free_id!(
    /// A dispute's identifier as its gateway knows it.
    DisputeId
);
free_id!(
    /// A webhook event's identifier: the gateway's, or derived where the gateway has none.
    EventId
);
free_id!(
    /// The name of a provider instance (`"paychtec"`, or a router instance name like `"paychtec_eu"`).
    ProviderId
);
string_id!(
    /// A customer's identifier **issued by a gateway**.
    ///
    /// Gateways such as Paychtec refuse invented customer ids, so there is no `From<String>`:
    /// a `CustomerId` comes out of [`PaymentProvider::create_customer`] or another gateway
    /// response. Ids you stored earlier are brought back explicitly with
    /// [`CustomerId::from_stored`].
    ///
    /// [`PaymentProvider::create_customer`]: crate::PaymentProvider::create_customer
    CustomerId
);

impl CustomerId {
    /// For connectors: the customer id exactly as the gateway returned it.
    pub fn from_gateway(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// An id that a gateway returned earlier and you stored (in your database, say).
    ///
    /// Only pass ids that really came from the gateway: a made-up id makes the gateway refuse
    /// the payment, or worse, attach it to somebody else's customer.
    pub fn from_stored(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

string_id!(
    /// The key that makes one logical mutation safe to retry: every attempt carries the same key.
    IdempotencyKey
);

impl IdempotencyKey {
    /// Maximum length accepted; every supported gateway takes at least 255 characters.
    pub const MAX_LEN: usize = 255;

    /// A caller-chosen key (e.g. `"order_123_attempt_1"`). Refuses empty or over-long keys and
    /// characters outside printable ASCII, which would not survive an HTTP header.
    pub fn new(key: impl Into<String>) -> Result<Self, crate::Error> {
        let key = key.into();
        if key.is_empty() || key.len() > Self::MAX_LEN {
            return Err(crate::Error::invalid_request(format!(
                "idempotency key must be 1..={} characters, got {}",
                Self::MAX_LEN,
                key.len()
            )));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(crate::Error::invalid_request(
                "idempotency key must be printable ASCII without spaces",
            ));
        }
        Ok(Self(key))
    }

    /// A fresh random key (UUID v4), for a call whose caller gave none.
    pub fn generate() -> Self {
        // Encoded into a stack buffer, not through `Display` (the formatting machinery runs
        // once per mutation otherwise).
        let mut buf = uuid::Uuid::encode_buffer();
        Self(uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_validated() {
        assert!(IdempotencyKey::new("order_123_attempt_1").is_ok());
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("has space").is_err());
        assert!(IdempotencyKey::new("x".repeat(256)).is_err());
        let a = IdempotencyKey::generate();
        let b = IdempotencyKey::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
    }

    #[test]
    fn ids_serialize_as_plain_strings() {
        let id = PaymentId::new("pay_1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"pay_1\"");
        let c: CustomerId = serde_json::from_str("\"cus_1\"").unwrap();
        assert_eq!(c, CustomerId::from_stored("cus_1"));
    }
}
