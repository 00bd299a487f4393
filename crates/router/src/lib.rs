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
//! use paymux::{CreatePayment, Currency, Money, PaymentProvider};
//! use paymux::mock::MockProvider;
//! use paymux::router::{Registry, Router, RouterConfig};
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
//! # Ok::<(), paymux::Error>(())
//! ```

//! # The routing file
//!
//! A TOML file, read by [`RouterConfig::from_file`] / [`RouterConfig::parse`] and turned into a
//! router by [`Router::from_config`]. Unknown keys are refused, and every message names
//! `file:line:column`. Every key:
//!
//! ```toml
//! [defaults]
//! instance = "paychtec_eu"        # where payments go when no rule matches (optional: without
//!                                 # it, a payment no rule matches is refused)
//! cooldown_failures = 3           # after this many unavailability errors in a row (timeouts,
//!                                 # refused connections, 429, 5xx) an instance is skipped...
//! cooldown_seconds = 30           # ...for this long (defaults: 3 and 30)
//!
//! [instances.paychtec_eu]         # one table per instance; the name is yours
//! kind = "paychtec"               # the connector: a kind of the Registry (paychtec, paytech,
//!                                 # paygentic, paymnt, paynectra, mock with the facade's)
//! environment = "sandbox"         # "sandbox" (default) or "production"
//! base_url = "http://127.0.0.1:7700"  # replaces the environment's host (tests, the sandbox)
//! credentials.api_key = { env = "PAYCHTEC_API_KEY" }              # from a variable...
//! credentials.webhook_secret = { file = "/run/secrets/paychtec" } # ...or a file; never inline
//! options.profile_id = "pro_123"  # the kind's own options, as text
//! options.timeout_ms = "10000"    # every kind also reads timeout_ms, max_attempts and
//!                                 # max_in_flight
//!
//! [[rules]]                       # tried in order; the first whose `when` matches routes
//! name = "eur migration"          # named in logs and messages
//! when.currency = ["EUR"]         # ISO 4217 codes; any of them
//! when.amount_min = "10.00"       # in major units of the payment's currency, inclusive
//! when.amount_max = "5000.00"
//! when.country = ["DE", "FR"]     # the billing address country (ISO 3166 alpha-2)
//! when.payment_method = ["card"]  # "card", "hosted_page", or "none" (none given yet)
//! when.capture = "manual"         # "automatic" or "manual"
//! when.metadata = { channel = "web" }  # each entry present with this value
//! # A rule without `when` matches every payment. Exactly one route:
//! route = { instance = "paychtec_eu" }
//! # route = { split = [ { instance = "paychtec_eu", weight = 90 }, { instance = "paynectra", weight = 10 } ] }
//! #   weights out of their sum; one customer (else one merchant reference) always lands on
//! #   the same side, so retries and returning customers do not move
//! # route = { fallback = ["paychtec_eu", "paynectra"] }
//! #   the first; the next only when the previous certainly did not take the payment (its
//! #   error is not outcome-unknown: refused connection, 429, authentication, unsupported)
//! ```
//!
//! At start-up the file is checked against the instances'
//! [`Capabilities`](paymux_core::Capabilities): a currency or capture mode sent to an instance that lacks it,
//! weights that do not add up, rules that can never match and unknown instances are refused.
//!
//! ## Gateway options through the router
//!
//! A payment's gateway options (`with_options(PaytechPaymentOptions { .. })`) reach whichever
//! instance the rules choose. An instance of another gateway refuses a payment whose options
//! are all for other gateways (`InvalidRequest` naming both), so options are never dropped in
//! silence: route payments that carry options by a rule to their gateway, or give options
//! for every gateway the rule may choose (each instance reads its own).

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
