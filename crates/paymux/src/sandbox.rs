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

use paymux_core::{PaymentProvider, Result, SecretString};
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
