//! The gateway kinds a routing file may name, filled with every connector compiled in.

use std::sync::Arc;

use paymux_core::{PaymentProvider, ProviderId, Result};
use paymux_router::{Environment, InstanceSpec, Registry};

/// A registry with `mock` and every connector enabled by cargo features, for
/// [`Router::from_config`](crate::Router::from_config).
///
/// Each kind reads the credential `api_key`, the optional credential `webhook_secret`, and
/// its gateway's options (`profile_id` for Paychtec and paymnt.cloud, `merchant_id` for
/// Paygentic). pay.tech calls its webhook secret the signing key: give it as `webhook_secret`.
/// Every kind also reads `timeout_ms` (whole-request timeout), `max_attempts` (1 turns
/// retries off) and `max_in_flight` (concurrent requests per instance).
///
/// ```
/// let kinds = paymux::registry().kinds().join(",");
/// assert!(kinds.contains("mock"));
/// ```
pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.register("mock", |spec| {
        let mut b = paymux_mock::MockProvider::builder().id(spec.name.clone());
        if let Some(secret) = spec.optional_credential("webhook_secret") {
            b = b.webhook_secret(paymux_core::ExposeSecret::expose_secret(secret).to_owned());
        }
        Ok(Arc::new(b.build()) as Arc<dyn PaymentProvider>)
    });
    #[cfg(feature = "paychtec")]
    r.register("paychtec", paychtec);
    #[cfg(feature = "paygentic")]
    r.register("paygentic", paygentic);
    #[cfg(feature = "paymnt")]
    r.register("paymnt", paymnt);
    #[cfg(feature = "paytech")]
    r.register("paytech", paytech);
    #[cfg(feature = "paynectra")]
    r.register("paynectra", paynectra);
    r
}

/// The generic transport options of a spec: `timeout_ms` and `max_attempts`.
#[allow(dead_code)] // unused when every connector feature is off
fn transport_options(spec: &InstanceSpec) -> Result<TransportOptions> {
    let number = |name: &str| -> Result<Option<u64>> {
        spec.options
            .get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    paymux_core::Error::configuration(format!(
                        "instance {:?}: option {name} must be a whole number, got {v:?}",
                        spec.name
                    ))
                })
            })
            .transpose()
    };
    let timeout = number("timeout_ms")?.map(std::time::Duration::from_millis);
    let retry = number("max_attempts")?.map(|n| {
        paymux_core::transport::RetryPolicy::default()
            .with_max_attempts(u32::try_from(n).unwrap_or(u32::MAX))
    });
    let max_in_flight = number("max_in_flight")?.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    Ok(TransportOptions { timeout, retry, max_in_flight })
}

/// Options every connector kind reads.
#[allow(dead_code)] // unused when every connector feature is off
struct TransportOptions {
    timeout: Option<std::time::Duration>,
    retry: Option<paymux_core::transport::RetryPolicy>,
    max_in_flight: Option<usize>,
}

#[cfg(feature = "paygentic")]
fn paygentic(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paygentic::{Environment as Env, Paygentic, PaygenticConfig};
    let env = match spec.environment {
        Environment::Sandbox => Env::Sandbox,
        Environment::Production => Env::Production,
    };
    let mut config = PaygenticConfig::new(spec.credential("api_key")?.clone(), env)
        .with_provider_id(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(secret) = spec.optional_credential("webhook_secret") {
        config = config.with_webhook_secret(secret.clone());
    }
    if let Some(merchant) = spec.options.get("merchant_id") {
        config = config.with_merchant_id(merchant.clone());
    }
    let TransportOptions { timeout, retry, max_in_flight } = transport_options(spec)?;
    if let Some(n) = max_in_flight {
        config = config.with_max_in_flight(n);
    }
    if let Some(t) = timeout {
        config = config.with_timeout(t);
    }
    if let Some(r) = retry {
        config = config.with_retry(r);
    }
    Ok(Arc::new(Paygentic::new(config)?))
}

#[cfg(feature = "paynectra")]
fn paynectra(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paynectra::{Environment as Env, Paynectra, PaynectraConfig};
    let env = match spec.environment {
        Environment::Sandbox => Env::Sandbox,
        Environment::Production => Env::Production,
    };
    let mut config = PaynectraConfig::new(spec.credential("api_key")?.clone(), env)
        .with_provider_id(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(secret) = spec.optional_credential("webhook_secret") {
        config = config.with_webhook_secret(secret.clone());
    }
    let TransportOptions { timeout, retry, max_in_flight } = transport_options(spec)?;
    if let Some(n) = max_in_flight {
        config = config.with_max_in_flight(n);
    }
    if let Some(t) = timeout {
        config.timeout = t;
    }
    if let Some(r) = retry {
        config = config.with_retry(r);
    }
    Ok(Arc::new(Paynectra::new(config)?))
}

#[cfg(feature = "paychtec")]
fn paychtec(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paychtec::{Environment as Env, Paychtec, PaychtecConfig};
    let env = match spec.environment {
        Environment::Sandbox => Env::Sandbox,
        Environment::Production => Env::Production,
    };
    let mut config =
        PaychtecConfig::new(spec.credential("api_key")?.clone(), env, spec.option("profile_id")?)
            .with_provider_id(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(secret) = spec.optional_credential("webhook_secret") {
        config = config.with_webhook_secret(secret.clone());
    }
    let TransportOptions { timeout, retry, max_in_flight } = transport_options(spec)?;
    if let Some(n) = max_in_flight {
        config = config.with_max_in_flight(n);
    }
    if let Some(t) = timeout {
        config = config.with_timeout(t);
    }
    if let Some(r) = retry {
        config = config.with_retry(r);
    }
    Ok(Arc::new(Paychtec::new(config)?))
}

#[cfg(feature = "paymnt")]
fn paymnt(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paymnt::{Environment as Env, Paymnt, PaymntConfig};
    let env = match spec.environment {
        Environment::Sandbox => Env::Sandbox,
        Environment::Production => Env::Production,
    };
    let mut config = PaymntConfig::new(spec.credential("api_key")?.clone(), env)
        .with_provider_id(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(profile) = spec.options.get("profile_id") {
        config = config.with_profile_id(profile.clone());
    }
    if let Some(secret) = spec.optional_credential("webhook_secret") {
        config = config.with_webhook_secret(secret.clone());
    }
    let TransportOptions { timeout, retry, max_in_flight } = transport_options(spec)?;
    if let Some(n) = max_in_flight {
        config = config.with_max_in_flight(n);
    }
    if let Some(t) = timeout {
        config.timeout = t;
    }
    if let Some(r) = retry {
        config = config.with_retry(r);
    }
    Ok(Arc::new(Paymnt::new(config)?))
}

#[cfg(feature = "paytech")]
fn paytech(spec: &InstanceSpec) -> Result<Arc<dyn PaymentProvider>> {
    use paymux_paytech::{Environment as Env, Paytech, PaytechConfig};
    let env = match spec.environment {
        Environment::Sandbox => Env::Sandbox,
        Environment::Production => Env::Production,
    };
    let mut config = PaytechConfig::new(spec.credential("api_key")?.clone(), env)
        .with_provider_id(ProviderId::new(spec.name.clone()));
    if let Some(url) = &spec.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(secret) = spec.optional_credential("webhook_secret") {
        config = config.with_signing_key(secret.clone());
    }
    let TransportOptions { timeout, retry, max_in_flight } = transport_options(spec)?;
    if let Some(n) = max_in_flight {
        config = config.with_max_in_flight(n);
    }
    if let Some(t) = timeout {
        config = config.with_timeout(t);
    }
    if let Some(r) = retry {
        config = config.with_retry(r);
    }
    Ok(Arc::new(Paytech::new(config)?))
}
