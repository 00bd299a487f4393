//! The gateway kinds a routing file may name, filled with every connector compiled in.

use std::sync::Arc;

use paymux_core::transport::{ConnectionSettings, RetryPolicy};
use paymux_core::{Error, PaymentProvider, ProviderId, Result};
use paymux_router::{InstanceSpec, Registry};

/// A registry with `mock` and every connector enabled by cargo features, for
/// [`Router::from_config`](crate::Router::from_config).
///
/// Each kind reads the credential `api_key`, the optional credential `webhook_secret` (pay.tech
/// calls it the signing key), and its gateway's options (`profile_id` for Paychtec and
/// paymnt.cloud, `merchant_id` for Paygentic). Every kind also reads `timeout_ms`
/// (whole-request timeout), `max_attempts` (1 turns retries off) and `max_in_flight`
/// (concurrent requests per instance).
///
/// ```
/// let kinds = paymux::registry().kinds().join(",");
/// assert!(kinds.contains("mock"));
/// ```
pub fn registry() -> Registry {
    let mut r = Registry::new();
    #[cfg(feature = "mock")]
    r.register("mock", |spec| {
        let mut b = paymux_mock::MockProvider::builder().id(spec.name.clone());
        if let Some(secret) = spec.optional_credential("webhook_secret") {
            b = b.webhook_secret(paymux_core::ExposeSecret::expose_secret(secret).to_owned());
        }
        Ok(Arc::new(b.build()) as Arc<dyn PaymentProvider>)
    })
    .webhook_secret("webhook_secret");
    #[cfg(feature = "paychtec")]
    r.register("paychtec", paychtec)
        .credential("api_key")
        .webhook_secret("webhook_secret")
        .option("profile_id")
        .connection_options();
    #[cfg(feature = "paygentic")]
    r.register("paygentic", paygentic)
        .credential("api_key")
        .webhook_secret("webhook_secret")
        .optional_option("merchant_id")
        .connection_options();
    #[cfg(feature = "paymnt")]
    r.register("paymnt", paymnt)
        .credential("api_key")
        .webhook_secret("webhook_secret")
        .optional_option("profile_id")
        .connection_options();
    #[cfg(feature = "paytech")]
    r.register("paytech", paytech)
        .credential("api_key")
        .webhook_secret("webhook_secret")
        .connection_options();
    #[cfg(feature = "paynectra")]
    r.register("paynectra", paynectra)
        .credential("api_key")
        .webhook_secret("webhook_secret")
        .connection_options();
    r
}

/// Applies what every kind reads (instance name, base URL, `timeout_ms`, `max_attempts`,
/// `max_in_flight`) to a connector's connection settings.
#[allow(dead_code)] // unused when every connector feature is off
fn connection(spec: &InstanceSpec, settings: &mut ConnectionSettings) -> Result<()> {
    let number = |name: &str| -> Result<Option<u64>> {
        spec.options
            .get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    Error::configuration(format!(
                        "instance {:?}: option {name} must be a whole number, got {v:?}",
                        spec.name
                    ))
                })
            })
            .transpose()
    };
    settings.provider_id = Some(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        settings.base_url = Some(url.clone());
    }
    if let Some(ms) = number("timeout_ms")? {
        settings.timeout = std::time::Duration::from_millis(ms);
    }
    if let Some(n) = number("max_attempts")? {
        settings.retry =
            RetryPolicy::default().with_max_attempts(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(n) = number("max_in_flight")? {
        settings.max_in_flight = Some(usize::try_from(n).unwrap_or(usize::MAX));
    }
    Ok(())
}

#[cfg(feature = "paychtec")]
fn paychtec(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paychtec::{Paychtec, PaychtecConfig};
    let mut config = PaychtecConfig::new(
        spec.credential("api_key")?.clone(),
        spec.environment,
        spec.option("profile_id")?,
    );
    connection(spec, &mut config.connection)?;
    config.webhook_secret = spec.optional_credential("webhook_secret").cloned();
    Ok(Arc::new(Paychtec::new(config)?))
}

#[cfg(feature = "paygentic")]
fn paygentic(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paygentic::{Paygentic, PaygenticConfig};
    let mut config = PaygenticConfig::new(spec.credential("api_key")?.clone(), spec.environment);
    connection(spec, &mut config.connection)?;
    config.webhook_secret = spec.optional_credential("webhook_secret").cloned();
    config.merchant_id = spec.options.get("merchant_id").cloned();
    Ok(Arc::new(Paygentic::new(config)?))
}

#[cfg(feature = "paymnt")]
fn paymnt(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paymnt::{Paymnt, PaymntConfig};
    let mut config = PaymntConfig::new(spec.credential("api_key")?.clone(), spec.environment);
    connection(spec, &mut config.connection)?;
    config.webhook_secret = spec.optional_credential("webhook_secret").cloned();
    config.profile_id = spec.options.get("profile_id").cloned();
    Ok(Arc::new(Paymnt::new(config)?))
}

#[cfg(feature = "paytech")]
fn paytech(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paytech::{Paytech, PaytechConfig};
    let mut config = PaytechConfig::new(spec.credential("api_key")?.clone(), spec.environment);
    connection(spec, &mut config.connection)?;
    config.signing_key = spec.optional_credential("webhook_secret").cloned();
    Ok(Arc::new(Paytech::new(config)?))
}

#[cfg(feature = "paynectra")]
fn paynectra(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paynectra::{Paynectra, PaynectraConfig};
    let mut config = PaynectraConfig::new(spec.credential("api_key")?.clone(), spec.environment);
    connection(spec, &mut config.connection)?;
    config.webhook_secret = spec.optional_credential("webhook_secret").cloned();
    Ok(Arc::new(Paynectra::new(config)?))
}
