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

/// The options every connector kind of the `paymux` facade reads: `timeout_ms`,
/// `max_attempts` and `max_in_flight`.
pub const CONNECTION_OPTIONS: [&str; 3] = ["timeout_ms", "max_attempts", "max_in_flight"];

/// Whether a kind needs a key or can do without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// The credential and option names a kind takes, as its factory declared them with
/// [`KindKeys`] (see [`Registry::keys`]): what a tool that builds instances needs to know
/// (`paymux webhook verify` fills in what verification never reads).
///
/// ```
/// # use std::sync::Arc;
/// # use paymux::router::Registry;
/// # use paymux::mock::MockProvider;
/// let mut registry = Registry::new();
/// registry
///     .register("mock", |spec| Ok(Arc::new(MockProvider::builder().id(spec.name.clone()).build()) as _))
///     .credential("api_key")
///     .webhook_secret("webhook_secret");
/// let keys = registry.keys("mock").expect("declared");
/// assert_eq!(keys.required_credentials().collect::<Vec<_>>(), ["api_key"]);
/// assert_eq!(keys.webhook_secret(), Some("webhook_secret"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Keys {
    credentials: BTreeMap<String, Need>,
    options: BTreeMap<String, Need>,
    /// The credential without which the kind verifies no webhook.
    webhook_secret: Option<String>,
}

impl Keys {
    /// Every credential name, required or optional.
    pub fn credentials(&self) -> impl Iterator<Item = &str> {
        self.credentials.keys().map(String::as_str)
    }

    /// Every option name, required or optional.
    pub fn options(&self) -> impl Iterator<Item = &str> {
        self.options.keys().map(String::as_str)
    }

    /// The credentials without which the factory refuses to build.
    pub fn required_credentials(&self) -> impl Iterator<Item = &str> {
        self.credentials.iter().filter(|(_, n)| **n == Need::Required).map(|(k, _)| k.as_str())
    }

    /// The options without which the factory refuses to build.
    pub fn required_options(&self) -> impl Iterator<Item = &str> {
        self.options.iter().filter(|(_, n)| **n == Need::Required).map(|(k, _)| k.as_str())
    }

    /// The credential that holds the webhook secret, if the kind verifies webhooks.
    pub fn webhook_secret(&self) -> Option<&str> {
        self.webhook_secret.as_deref()
    }
}

#[derive(Clone)]
struct Kind {
    factory: Factory,
    /// `None`: the factory declared nothing, so its keys are not checked.
    keys: Option<Keys>,
}

/// Declares the credential and option names a registered kind takes, so a routing file that
/// names another one (a misspelling: `credentials.webhok_secret`) is refused at start-up with
/// the nearest right name. Returned by [`Registry::register`]; a kind that declares nothing
/// has its keys passed to its factory unchecked.
///
/// ```
/// # use std::sync::Arc;
/// # use paymux::router::Registry;
/// # use paymux::mock::MockProvider;
/// let mut registry = Registry::new();
/// registry
///     .register("mock", |spec| Ok(Arc::new(MockProvider::builder().id(spec.name.clone()).build()) as _))
///     .credential("api_key")
///     .webhook_secret("webhook_secret")
///     .optional_option("profile_id");
/// ```
pub struct KindKeys<'r> {
    keys: &'r mut Option<Keys>,
}

impl KindKeys<'_> {
    fn keys(&mut self) -> &mut Keys {
        self.keys.get_or_insert_with(Keys::default)
    }

    /// A credential the kind needs: an instance without it is refused.
    pub fn credential(mut self, name: &str) -> Self {
        self.keys().credentials.insert(name.to_owned(), Need::Required);
        self
    }

    /// A credential the kind can do without.
    pub fn optional_credential(mut self, name: &str) -> Self {
        self.keys().credentials.insert(name.to_owned(), Need::Optional);
        self
    }

    /// The optional credential that verifies webhooks: an instance without it does not
    /// declare [`Operation::Webhooks`](paymux_core::Operation::Webhooks), whatever its
    /// connector says, so rules that require webhooks are refused at start-up.
    pub fn webhook_secret(mut self, name: &str) -> Self {
        let keys = self.keys();
        keys.credentials.insert(name.to_owned(), Need::Optional);
        keys.webhook_secret = Some(name.to_owned());
        self
    }

    /// An option the kind needs.
    pub fn option(mut self, name: &str) -> Self {
        self.keys().options.insert(name.to_owned(), Need::Required);
        self
    }

    /// An option the kind can do without.
    pub fn optional_option(mut self, name: &str) -> Self {
        self.keys().options.insert(name.to_owned(), Need::Optional);
        self
    }

    /// [`CONNECTION_OPTIONS`], each optional.
    pub fn connection_options(mut self) -> Self {
        for name in CONNECTION_OPTIONS {
            self = self.optional_option(name);
        }
        self
    }
}

/// The gateway kinds a configuration file may name. The `paymux` facade fills one with every
/// connector compiled in; tests register the mock.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<String, Kind>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a kind; declare the keys it takes on the returned [`KindKeys`].
    pub fn register(
        &mut self,
        kind: impl Into<String>,
        factory: impl Fn(&InstanceSpec) -> Result<Arc<dyn PaymentProvider>> + Send + Sync + 'static,
    ) -> KindKeys<'_> {
        use std::collections::btree_map::Entry;
        let new = Kind { factory: Arc::new(factory), keys: None };
        // Registering a kind again replaces it, declarations included.
        let slot = match self.kinds.entry(kind.into()) {
            Entry::Occupied(mut o) => {
                o.insert(new);
                o.into_mut()
            }
            Entry::Vacant(v) => v.insert(new),
        };
        KindKeys { keys: &mut slot.keys }
    }

    /// The registered kinds, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        self.kinds.keys().map(String::as_str).collect()
    }

    /// The factory of a kind.
    pub fn factory(&self, kind: &str) -> Option<&Factory> {
        self.kinds.get(kind).map(|k| &k.factory)
    }

    /// The keys a kind declared, `None` when it declared none (or the kind is unknown).
    pub fn keys(&self, kind: &str) -> Option<&Keys> {
        self.kinds.get(kind).and_then(|k| k.keys.as_ref())
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").field("kinds", &self.kinds()).finish()
    }
}
