//! # paymux-router
//!
//! Many gateways behind one [`PaymentProvider`](paymux_core::PaymentProvider), chosen by a
//! configuration file: rules on currency, amount, country, payment method, capture mode and
//! metadata; weighted splits that keep each customer on one side (for gradual migrations);
//! fallback only when the first gateway certainly did not take the payment; cooldown of
//! failing instances; and owner-aware ids, so capture, refund and get always reach the gateway
//! holding the payment, even after the rules changed.
//!
//! ```
//! use std::sync::Arc;
//! use paymux_core::{CreatePayment, Currency, Money, PaymentProvider};
//! use paymux_mock::MockProvider;
//! use paymux_router::{Registry, Router, RouterConfig};
//!
//! let mut registry = Registry::new();
//! registry.register("mock", |spec| Ok(Arc::new(MockProvider::builder().id(spec.name.clone()).build()) as _));
//! let toml = r#"
//!     [defaults]
//!     instance = "old"
//!     [instances.old]
//!     kind = "mock"
//!     [instances.new]
//!     kind = "mock"
//!     [[rules]]
//!     name = "migrate eur"
//!     when = { currency = ["EUR"] }
//!     route = { split = [ { instance = "old", weight = 90 }, { instance = "new", weight = 10 } ] }
//! "#;
//! let config = RouterConfig::parse("routing.toml", toml, &|_| None)?;
//! let router = Router::from_config(config, &registry)?;
//! # let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
//! let payment = rt.block_on(router.create_payment(
//!     CreatePayment::new(Money::from_minor(1000, Currency::USD)?).with_reference("order_1"),
//! ))?;
//! assert_eq!(payment.id.as_str(), "old:pay_mock_1");
//! # Ok::<(), paymux_core::Error>(())
//! ```

mod config;
mod ids;
mod registry;
mod router;
mod rules;

pub use config::{EnvLookup, RouterConfig, SecretSource};
pub use ids::RoutedId;
pub use registry::{Environment, Factory, InstanceSpec, Registry};
pub use router::{InstanceStats, Router, RouterBuilder};
pub use rules::{Conditions, Route, Rule};
