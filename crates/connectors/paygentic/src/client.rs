//! Paygentic's hosts and keys, and one function per route, all through the core transport.

use paymux_core::connector::Environment;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{Error, ExposeSecret, IdempotencyKey, Result, SecretString};

use crate::mapping::check_id;
use crate::wire;

/// The API host of `environment`.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://api.sandbox.paygentic.io",
        Environment::Production => "https://api.paygentic.io",
    }
}

fn key_prefix(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "sk_test_",
        Environment::Production => "sk_live_",
    }
}

/// Refuses a key that does not belong to `environment`, even with a base URL override: a live
/// key sent to a test double, or a test key to production, is a mistake worth stopping at
/// start-up. The message never quotes the key.
pub(crate) fn check_key(key: &SecretString, environment: Environment) -> Result<()> {
    let key = key.expose_secret();
    let prefix = key_prefix(environment);
    if key.starts_with(prefix) && key.len() > prefix.len() {
        return Ok(());
    }
    let message = match (environment, key) {
        (Environment::Sandbox, k) if k.starts_with("sk_live_") => {
            "a live Paygentic key (sk_live_...) cannot be used with the sandbox environment"
        }
        (Environment::Production, k) if k.starts_with("sk_test_") => {
            "a test Paygentic key (sk_test_...) cannot be used with the production environment"
        }
        (Environment::Sandbox, _) => "a sandbox Paygentic key must start with sk_test_",
        (Environment::Production, _) => "a production Paygentic key must start with sk_live_",
    };
    Err(Error::configuration(message))
}

/// `POST /v0/payments`. The key travels in the body (`idempotencyKey`), so the transport may
/// retry with the very same bytes; a repeated key is answered 200 with the existing payment,
/// a success like a 201.
pub(crate) async fn create_payment(
    transport: &HttpTransport,
    body: &wire::CreatePaymentRequest,
    key: IdempotencyKey,
) -> Result<wire::Payment> {
    let req = Request::post("create_payment", "/v0/payments").json(body)?.idempotent_in_body(key);
    transport.send_json(req).await
}

/// `GET /v0/payments/{id}`.
pub(crate) async fn get_payment(transport: &HttpTransport, id: &str) -> Result<wire::Payment> {
    let id = check_id("Paygentic payment id", id)?;
    transport.send_json(Request::get("get_payment", format!("/v0/payments/{id}"))).await
}

/// `GET /v0/payments`, offset pagination.
pub(crate) async fn list_payments(
    transport: &HttpTransport,
    query: &wire::ListPaymentsQuery,
) -> Result<wire::PaymentList> {
    let req = Request::get("list_payments", "/v0/payments")
        .query_opt("merchantId", query.merchant_id.as_deref())
        .query_opt("status", query.status)
        .query_opt("customerId", query.customer_id.as_deref())
        .query_opt("limit", query.limit.map(|l| l.to_string()))
        .query_opt("offset", query.offset.map(|o| o.to_string()));
    transport.send_json(req).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Paygentic, PaygenticConfig};

    #[test]
    fn path_ids_cannot_escape_the_route() {
        assert!(check_id("Paygentic payment id", "pay_123abc").is_ok());
        for bad in ["", ".", "..", "pay/1", "pay?x=1", "pay#1", "pay 1", "pay%2F1"] {
            assert!(check_id("Paygentic payment id", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn environments_have_the_documented_hosts() {
        assert_eq!(base_url(Environment::Sandbox), "https://api.sandbox.paygentic.io");
        assert_eq!(base_url(Environment::Production), "https://api.paygentic.io");
        let gw = Paygentic::new(PaygenticConfig::new(
            SecretString::from("sk_live_abc"),
            Environment::Production,
        ))
        .unwrap();
        assert_eq!(gw.transport.base_url(), "https://api.paygentic.io/");
    }
}
