//! # paymux
//!
//! One API over many payment gateways. Business code talks to [`PaymentProvider`]; which
//! gateway sits behind it (Paychtec, pay.tech, Paygentic, paymnt.cloud, Paynectra, or the
//! in-process [`MockProvider`] in tests) is configuration.
//!
//! This facade re-exports [`paymux_core`] (model, trait, errors, transport, webhook kit),
//! [`mock`], and each connector behind a cargo feature of the same name (all on by default).
//!
//! ```
//! use std::sync::Arc;
//! use paymux::{Card, CreatePayment, Currency, MockProvider, Money, PaymentProvider, PaymentStatus};
//!
//! # fn main() -> paymux::Result<()> {
//! # let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
//! # rt.block_on(async {
//! let gateway: Arc<dyn PaymentProvider> = Arc::new(MockProvider::new());
//! let payment = gateway
//!     .create_payment(
//!         CreatePayment::new(Money::from_minor(1050, Currency::USD)?)
//!             .with_reference("order_1")
//!             .with_card(Card::new("4242424242424242", 12, 2030, "123")?),
//!     )
//!     .await?;
//! assert_eq!(payment.status, PaymentStatus::Succeeded);
//! # Ok(()) })
//! # }
//! ```

pub use paymux_core::*;

/// Routing over many gateways by configuration.
pub use paymux_router as router;
pub use paymux_router::{Router, RouterConfig};

mod registry;
pub use registry::registry;

#[cfg(feature = "sandbox")]
pub mod sandbox;

/// The in-process mock gateway for tests.
pub use paymux_mock as mock;
pub use paymux_mock::MockProvider;

/// The Paychtec connector.
#[cfg(feature = "paychtec")]
pub use paymux_paychtec as paychtec;

/// The pay.tech connector.
#[cfg(feature = "paytech")]
pub use paymux_paytech as paytech;

/// The Paygentic connector.
#[cfg(feature = "paygentic")]
pub use paymux_paygentic as paygentic;

/// The paymnt.cloud connector.
#[cfg(feature = "paymnt")]
pub use paymux_paymnt as paymnt;

/// The Paynectra connector.
#[cfg(feature = "paynectra")]
pub use paymux_paynectra as paynectra;
