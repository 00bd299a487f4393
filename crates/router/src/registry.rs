//! How a configured instance becomes a provider: one factory per gateway kind.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use paymux_core::{Error, PaymentProvider, Result, SecretString};

pub use paymux_core::connector::Environment;

/// Everything a factory needs to build one provider instance. Credentials are already
/// resolved from their environment variables or files.
#[derive(Clone)]
pub struct InstanceSpec {
    /// The instance name (`"paychtec_eu"`).
    pub name: String,
    /// The gateway kind (`"paychtec"`).
    pub kind: String,
    /// Sandbox or production.
    pub environment: Environment,
    /// A base URL that replaces the environment's (tests, the sandbox).
    pub base_url: Option<String>,
    /// Named secrets (`api_key`, `webhook_secret`, ...).
    pub credentials: BTreeMap<String, SecretString>,
    /// Named plain settings (`profile_id`, ...).
    pub options: BTreeMap<String, String>,
}

impl InstanceSpec {
    /// A spec with no credentials or options.
    pub fn new(name: impl Into<String>, kind: impl Into<String>) -> Self {
        InstanceSpec {
            name: name.into(),
            kind: kind.into(),
            environment: Environment::Sandbox,
            base_url: None,
            credentials: BTreeMap::new(),
            options: BTreeMap::new(),
        }
    }

    /// A credential the factory requires.
    pub fn credential(&self, name: &str) -> Result<&SecretString> {
        self.credentials.get(name).ok_or_else(|| {
            Error::configuration(format!(
                "instance {:?} (kind {}) needs the credential {name:?}",
                self.name, self.kind
            ))
        })
    }

    /// An optional credential.
    pub fn optional_credential(&self, name: &str) -> Option<&SecretString> {
        self.credentials.get(name)
    }

    /// A setting the factory requires.
    pub fn option(&self, name: &str) -> Result<&str> {
        self.options.get(name).map(String::as_str).ok_or_else(|| {
            Error::configuration(format!(
                "instance {:?} (kind {}) needs the option {name:?}",
                self.name, self.kind
            ))
        })
    }
}

impl fmt::Debug for InstanceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceSpec")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .field("options", &self.options)
            .finish()
    }
}

/// Builds a provider from a spec.
pub type Factory = Arc<dyn Fn(&InstanceSpec) -> Result<Arc<dyn PaymentProvider>> + Send + Sync>;

/// The gateway kinds a configuration file may name. The `paymux` facade fills one with every
/// connector compiled in; tests register the mock.
#[derive(Clone, Default)]
pub struct Registry {
    factories: BTreeMap<String, Factory>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a kind.
    pub fn register(
        &mut self,
        kind: impl Into<String>,
        factory: impl Fn(&InstanceSpec) -> Result<Arc<dyn PaymentProvider>> + Send + Sync + 'static,
    ) -> &mut Self {
        self.factories.insert(kind.into(), Arc::new(factory));
        self
    }

    /// The registered kinds, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        self.factories.keys().map(String::as_str).collect()
    }

    /// The factory of a kind.
    pub fn factory(&self, kind: &str) -> Option<&Factory> {
        self.factories.get(kind)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").field("kinds", &self.kinds()).finish()
    }
}
