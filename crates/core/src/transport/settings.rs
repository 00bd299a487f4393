//! The connection settings every connector configuration carries, written once.

use std::time::Duration;

use super::{Auth, RetryPolicy, TransportConfig};
use crate::ProviderId;

/// Where and how a connector instance connects: base URL override, instance name, retries,
/// timeouts, concurrency. Every connector config holds one as `connection` and gets the
/// `with_*` builders for it from [`connection_builders!`](crate::connection_builders).
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// Replaces the environment's host (tests, the sandbox).
    pub base_url: Option<String>,
    /// The instance name; the connector's name by default.
    pub provider_id: Option<ProviderId>,
    /// Retries.
    pub retry: RetryPolicy,
    /// Whole-request timeout (default 30 s).
    pub timeout: Duration,
    /// Connection timeout (default 10 s).
    pub connect_timeout: Duration,
    /// At most this many requests in flight at once (`None`: no limit).
    pub max_in_flight: Option<usize>,
    /// An HTTP client of your own (a proxy, your own root certificates, a connector layer);
    /// `None` builds one per instance. See [`TransportConfig::http_client`].
    pub http_client: Option<reqwest::Client>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            base_url: None,
            provider_id: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_in_flight: None,
            http_client: None,
        }
    }
}

impl ConnectionSettings {
    /// The instance name, or `default`.
    pub fn provider(&self, default: &str) -> ProviderId {
        self.provider_id.clone().unwrap_or_else(|| ProviderId::new(default))
    }

    /// The base URL override, or `default`.
    pub fn base_url_or(&self, default: &str) -> String {
        self.base_url.clone().unwrap_or_else(|| default.to_owned())
    }

    /// A transport configuration with these settings for `provider` at `base_url`.
    pub fn transport_config(
        &self,
        provider: ProviderId,
        base_url: impl Into<String>,
        auth: Auth,
    ) -> TransportConfig {
        let mut tc = TransportConfig::new(provider, base_url, auth);
        tc.retry = self.retry.clone();
        tc.timeout = self.timeout;
        tc.connect_timeout = self.connect_timeout;
        tc.max_in_flight = self.max_in_flight;
        tc.http_client = self.http_client.clone();
        tc
    }
}

/// Adds the `with_*` builders of [`ConnectionSettings`] to a connector config that holds it in
/// a field named `connection`.
///
/// ```
/// use paymux_core::transport::ConnectionSettings;
///
/// /// A connector's configuration.
/// #[derive(Debug, Clone, Default)]
/// pub struct ExampleConfig {
///     /// Connection settings.
///     pub connection: ConnectionSettings,
/// }
/// paymux_core::connection_builders!(ExampleConfig);
///
/// let c = ExampleConfig::default().with_max_in_flight(8);
/// assert_eq!(c.connection.max_in_flight, Some(8));
/// ```
#[macro_export]
macro_rules! connection_builders {
    ($config:ty) => {
        impl $config {
            /// Replaces the environment's host (tests, the sandbox).
            pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
                self.connection.base_url = Some(url.into());
                self
            }

            /// Names the instance (errors, traces and the router use it).
            pub fn with_provider_id(mut self, id: $crate::ProviderId) -> Self {
                self.connection.provider_id = Some(id);
                self
            }

            /// Sets the retry policy.
            pub fn with_retry(mut self, retry: $crate::transport::RetryPolicy) -> Self {
                self.connection.retry = retry;
                self
            }

            /// Sets the whole-request timeout.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.connection.timeout = timeout;
                self
            }

            /// Sets the connection timeout.
            pub fn with_connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.connection.connect_timeout = timeout;
                self
            }

            /// Caps the requests in flight at once on this instance.
            pub fn with_max_in_flight(mut self, max: usize) -> Self {
                self.connection.max_in_flight = Some(max);
                self
            }

            /// Sends through an HTTP client of your own (a proxy, your own root certificates);
            /// authentication, `User-Agent` and the whole-request timeout are still added to
            /// every request, the connection timeout is the client's.
            pub fn with_http_client(mut self, client: $crate::transport::HttpClient) -> Self {
                self.connection.http_client = Some(client);
                self
            }
        }
    };
}
