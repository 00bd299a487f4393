//! Connect paymux's connectors to the offline gateway emulators of [`paymux_sandbox`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = paymux::sandbox::Sandbox::start().await?;
//! let paychtec = paymux::sandbox::provider(&sandbox.paychtec)?;
//! println!("{} talks to {}", paychtec.id(), sandbox.paychtec.base_url());
//! # Ok(()) }
//! ```

use std::sync::Arc;

pub use paymux_sandbox::*;

use paymux_core::{
    Address, BillingDetails, Error, ErrorKind, NextAction, Payment, PaymentProvider, Phone, Result,
    SecretString,
};
use paymux_router::{InstanceSpec, Registry};

/// The routing-file instance spec that points a connector of the emulator's kind at it, with
/// the emulator's test credentials. Useful to build a [`Router`](crate::Router) over the sandbox.
pub fn instance_spec(emulator: &EmulatorHandle, name: &str) -> InstanceSpec {
    let creds = emulator.credentials();
    let mut spec = InstanceSpec::new(name, emulator.name());
    let base_path = creds.extra.get("base_path").map(String::as_str).unwrap_or("");
    spec.base_url = Some(format!("{}{base_path}", emulator.base_url()));
    spec.credentials.insert("api_key".into(), SecretString::from(creds.api_key.clone()));
    spec.credentials
        .insert("webhook_secret".into(), SecretString::from(creds.webhook_secret.clone()));
    spec.options = creds
        .extra
        .iter()
        .filter(|(k, _)| *k != "base_path")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    spec
}

/// Billing details every card gateway of the sandbox accepts (Paychtec and paymnt.cloud ask for
/// an address and a phone with a card): made-up test data, for demos and tests.
///
/// ```
/// let billing = paymux::sandbox::test_billing();
/// assert_eq!(billing.address.and_then(|a| a.country).as_deref(), Some("US"));
/// ```
pub fn test_billing() -> BillingDetails {
    BillingDetails {
        address: Some(Address {
            line1: Some("1600 Amphitheatre Parkway".into()),
            city: Some("Mountain View".into()),
            state: Some("CA".into()),
            postal_code: Some("94043".into()),
            country: Some("US".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Customer".into()),
            line2: None,
        }),
        phone: Some(Phone { country_code: "+1".into(), number: "6502530000".into() }),
        email: Some("customer@example.com".into()),
    }
}

/// The connector for the emulator's gateway, configured against it (test keys, its URL).
pub fn provider(emulator: &EmulatorHandle) -> Result<Arc<dyn PaymentProvider>> {
    provider_named(emulator, emulator.name(), &crate::registry())
}

/// Like [`provider`], with an instance name and a registry of your choice.
pub fn provider_named(
    emulator: &EmulatorHandle,
    name: &str,
    registry: &Registry,
) -> Result<Arc<dyn PaymentProvider>> {
    let spec = instance_spec(emulator, name);
    let factory = registry.factory(&spec.kind).ok_or_else(|| {
        paymux_core::Error::configuration(format!(
            "no connector of kind {:?} compiled in",
            spec.kind
        ))
    })?;
    factory(&spec)
}

/// The query parameter an emulator's hosted page reads the customer's test card from.
fn card_param(gateway: &str) -> Option<&'static str> {
    match gateway {
        "paynectra" => Some("card"),
        "paytech" => Some("cardNumber"),
        _ => None,
    }
}

/// Plays the customer's browser: visits the payment's redirect (hosted page, 3-D Secure page)
/// on the emulator, entering `card` where the page takes one, and follows redirects that stay
/// on the emulator. Afterwards fetch the payment to see its new state.
pub async fn complete_redirect(
    emulator: &EmulatorHandle,
    payment: &Payment,
    card: Option<&str>,
) -> Result<()> {
    let Some(NextAction::Redirect { url }) = &payment.next_action else {
        return Err(Error::invalid_request(format!("payment {} has no redirect", payment.id)));
    };
    let mut url = url.clone();
    if let (Some(param), Some(card)) = (card_param(emulator.name()), card) {
        let sep = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{sep}{param}={card}");
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::configuration(format!("HTTP client: {e}")))?;
    let base = emulator.base_url();
    for _ in 0..5 {
        if !url.starts_with(&base) {
            // Back to the merchant's return URL: the customer's part is done.
            return Ok(());
        }
        let resp = client
            .get(&url)
            .send()
            .await
            .map_err(|e| Error::new(ErrorKind::Transport, format!("visiting {url}: {e}")))?;
        if !resp.status().is_redirection() {
            return if resp.status().is_success() {
                Ok(())
            } else {
                Err(Error::new(
                    ErrorKind::InvalidResponse,
                    format!("{url} answered {}", resp.status()),
                ))
            };
        }
        let next = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::invalid_response("redirect without a location"))?;
        url = if next.starts_with('/') { format!("{base}{next}") } else { next.to_owned() };
    }
    Err(Error::invalid_response("too many redirects"))
}
