//! Configuring a [`MockProvider`].

use std::sync::Mutex;

use paymux_core::{Capabilities, Operation, ProviderId, SecretString};

use crate::MockProvider;
use crate::state::State;
use crate::webhook::DEFAULT_WEBHOOK_SECRET;

/// Builds a [`MockProvider`]; start with [`MockProvider::builder`].
///
/// ```
/// use paymux::{Capabilities, Operation, PaymentProvider};
/// use paymux::mock::MockProvider;
///
/// let mock = MockProvider::builder()
///     .id("mock_eu")
///     .capabilities(Capabilities::all().without(Operation::CreateRefund))
///     .webhook_secret("whsec_test")
///     .build();
/// assert_eq!(mock.id().as_str(), "mock_eu");
/// assert!(!mock.capabilities().supports(Operation::CreateRefund));
/// ```
#[derive(Debug, Clone)]
pub struct MockProviderBuilder {
    id: ProviderId,
    capabilities: Capabilities,
    webhook_secret: SecretString,
}

impl Default for MockProviderBuilder {
    fn default() -> Self {
        MockProviderBuilder {
            id: ProviderId::new("mock"),
            capabilities: Capabilities::all(),
            webhook_secret: SecretString::from(DEFAULT_WEBHOOK_SECRET),
        }
    }
}

impl MockProviderBuilder {
    /// The provider instance name (default `"mock"`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = ProviderId::new(id);
        self
    }

    /// What the mock supports (default [`Capabilities::all`]). Calls outside it return
    /// [`ErrorKind::Unsupported`](paymux_core::ErrorKind::Unsupported) and change nothing;
    /// without [`Operation::Webhooks`] no webhooks are emitted.
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// The secret webhooks are signed with (default
    /// [`DEFAULT_WEBHOOK_SECRET`](crate::webhook::DEFAULT_WEBHOOK_SECRET)).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = SecretString::from(secret.into());
        self
    }

    /// The configured mock, with no payments, refunds or customers.
    pub fn build(self) -> MockProvider {
        let emit = self.capabilities.supports(Operation::Webhooks);
        let state = State::new(self.id.clone(), self.webhook_secret, emit);
        MockProvider { id: self.id, capabilities: self.capabilities, state: Mutex::new(state) }
    }
}
