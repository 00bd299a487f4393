//! paymnt.cloud's side of its routes. The routes are the family's
//! ([`paymux_hyperswitch_family::Routes`]: payments, refunds, customers, the lists), all through
//! the core transport; what is paymnt's is here: the hosts, the `Idempotency-Key` header every
//! POST that changes something carries (a UUID, the same on every retry of one logical call),
//! and the rule that makes a caller's key a UUID.

use paymux_core::connector::Environment;
use paymux_core::transport::HttpTransport;
use paymux_core::webhook::{Algorithm, Encoding, sign};
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::Routes;

/// The idempotency header paymnt.cloud reads (not Paychtec's `X-Idempotency-Key`).
const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The host of each environment.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://sandbox.paymnt.cloud",
        Environment::Production => "https://api.paymnt.cloud",
    }
}

/// The key as the guide wants it ("Idempotency-Key: uuid-v4"): a UUID is sent as it is (a
/// generated key is one); any other caller key becomes a UUID derived from it, so the same
/// caller key always gives the same UUID and a retry stays deduplicated across restarts.
fn as_uuid(key: IdempotencyKey) -> Result<IdempotencyKey> {
    if uuid::Uuid::parse_str(key.as_str()).is_ok() {
        return Ok(key);
    }
    let digest = sign(
        Algorithm::Sha256,
        b"paymux-paymnt-idempotency",
        key.as_str().as_bytes(),
        Encoding::Hex,
    );
    let mut bytes = [0_u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        let pair = digest.get(2 * i..2 * i + 2).unwrap_or("00");
        *b = u8::from_str_radix(pair, 16).unwrap_or(0);
    }
    IdempotencyKey::new(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string())
}

/// paymnt.cloud's routes: the family's, with the key in `Idempotency-Key` as a UUID.
pub(crate) type Client = Routes;

/// The routes over `transport`.
pub(crate) fn new(transport: HttpTransport) -> Client {
    Routes::new(transport, IDEMPOTENCY_HEADER).with_key_rule(as_uuid)
}

#[cfg(test)]
mod tests {
    use paymux_core::SecretString;

    use super::Environment;
    use crate::{Paymnt, PaymntConfig};

    #[test]
    fn a_production_connector_sends_to_the_production_host() {
        let config = PaymntConfig::new(SecretString::from("key"), Environment::Production);
        let paymnt = Paymnt::new(config).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(paymnt.client.transport().base_url(), "https://api.paymnt.cloud/");
    }
}
