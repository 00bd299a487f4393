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
//! A TOML file, read by [`Router::from_file`] / [`Router::parse`] (or
//! [`RouterConfig::from_file`] / [`RouterConfig::parse`] then [`Router::from_config`], which
//! report the file's mistakes first and the router's checks once the file reads). Every key is checked, the names of
//! credentials and options included (each kind's factory declares the ones it takes, see
//! [`KindKeys`]), and every mistake is reported at once, one per line of the error's message,
//! each starting with `file:line:column` and, for a misspelled key, naming the right one:
//!
//! ```text
//! routing.toml:14:23: rule "big": amount_max "100.00" has no currency: amounts are compared per currency, write amount_max = { EUR = "100.00" } (one threshold per currency)
//! routing.toml:9:9: instance "paychtec_us": unknown option "profil_id" (did you mean "profile_id"?); kind paychtec takes: max_attempts, max_in_flight, profile_id, timeout_ms
//! routing.toml:5:8: instance "paychtec_us" (kind paychtec) needs the option "profile_id"
//! ```
//!
//! Every key:
//!
//! ```toml
//! [defaults]
//! instance = "paychtec_eu"        # where payments go when no rule matches (optional: without
//!                                 # it, a payment no rule matches is refused)
//! cooldown_failures = 3           # after this many unavailability errors in a row (timeouts,
//!                                 # refused connections, 429, 5xx) an instance is skipped...
//! cooldown_seconds = 30           # ...for this long (defaults: 3 and 30)
//! requires = ["webhooks"]         # operations every instance must support (optional)
//!
//! [instances.paychtec_eu]         # one table per instance; the name is yours
//! kind = "paychtec"               # the connector: a kind of the Registry (paychtec, paytech,
//!                                 # paygentic, paymnt, paynectra, mock with the facade's)
//! environment = "sandbox"         # "sandbox" (default) or "production"
//! base_url = "http://127.0.0.1:7700"  # replaces the environment's host (tests, the sandbox)
//! credentials.api_key = { env = "PAYCHTEC_API_KEY" }              # from a variable...
//! credentials.webhook_secret = { file = "/run/secrets/paychtec" } # ...or a file; never inline
//! options.profile_id = "pro_123"  # the kind's own options, as text
//! options.timeout_ms = "10000"    # every connector kind also reads timeout_ms, max_attempts
//!                                 # and max_in_flight
//!
//! [[rules]]                       # tried in order; the first whose `when` matches routes
//! name = "eur migration"          # named in logs, metrics and messages
//! when.currency = ["EUR"]         # ISO 4217 codes; any of them
//! when.amount_min = { EUR = "10.00" }     # per currency, in major units, as text, inclusive
//! when.amount_max = { EUR = "5000.00", USD = "5500.00" }
//! when.country = ["DE", "FR"]     # the billing address country (ISO 3166 alpha-2)
//! when.payment_method = ["card"]  # "card", "hosted_page", or "none" (none given yet)
//! when.capture = "manual"         # "automatic" or "manual"
//! when.metadata = { channel = "web" }  # each entry present with this value
//! requires = ["webhooks"]         # operations every instance of the route must support
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
//! ## Amounts carry their currency
//!
//! `amount_min` and `amount_max` are tables of thresholds, one per currency
//! (`{ EUR = "5000.00", JPY = "750000" }`), because one bare figure is not the same sum in
//! every currency (15,000 JPY is about 90 EUR, 15.000 KWD about 45 EUR). A payment in a
//! currency the table does not name does not match the rule. A bare amount
//! (`amount_max = "100.00"`) is refused, and so is a TOML float (`{ EUR = 100.0 }`): amounts
//! are written as text and read as decimals, never as floats.
//!
//! ## Checked at start-up
//!
//! The file is checked against the instances' [`Capabilities`](paymux_core::Capabilities): a
//! currency or capture mode sent to an instance that lacks it, an operation a rule `requires`
//! that one of its instances lacks, weights that do not add up, rules that can never match and
//! unknown instances are refused. Capabilities follow the configuration: an instance whose kind
//! declares a webhook secret ([`KindKeys::webhook_secret`]) and that has none takes no
//! webhooks, so `requires = ["webhooks"]` is refused there at start-up rather than at the
//! first delivery.
//!
//! ## Inside your own configuration, and reloads
//!
//! [`RouterConfig`] implements [`serde::Deserialize`], so the routing table can live in an
//! application's own configuration file (messages then name the key's path inside the
//! routing table, such as `instances.eu.options.profil_id`; credentials are read when the
//! router is built).
//! [`Router::reload`] (or [`Router::reload_from_file`]) replaces the configuration at once:
//! calls in flight finish on the configuration they started with, a configuration with a
//! mistake is refused and the running one stays.
//!
//! ## Logs and metrics
//!
//! Each payment the router sends to an instance is logged at INFO (`payment routed`, fields
//! `rule` and `instance`); a fallback is logged at INFO (`payment falls back`, fields `rule`,
//! `from`, `to`) after the WARN naming the error. Through the [`metrics`] facade (install any
//! recorder, e.g. a Prometheus exporter):
//!
//! | name | type | labels | counts |
//! |---|---|---|---|
//! | `paymux_router_routed_total` | counter | `rule`, `instance` | `create_payment` calls sent to an instance (a fallback counts once per instance tried) |
//! | `paymux_router_fallbacks_total` | counter | `from`, `to` | payments moved from one instance to the next after `from` certainly did not take them |
//!
//! `rule` is the rule's name, [`DEFAULT_RULE`] when no rule matched and the default instance
//! took the payment, and [`CUSTOMER_RULE`] when a saved customer pinned the payment to the
//! instance holding it. `instance`, `from` and `to` are instance names of the file.
//!
//! ## Ids
//!
//! Every id the router hands out is routed (`instance:gateway_id`), whichever way it is
//! obtained: [`Router`]'s own calls, [`Router::parse_webhook_from`], and the provider of one
//! instance returned by [`Router::instance`] (its `parse_webhook` included).
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
pub use registry::{
    CONNECTION_OPTIONS, Environment, Factory, InstanceSpec, Keys, KindKeys, Registry,
};
pub use router::{CUSTOMER_RULE, DEFAULT_RULE, InstanceStats, Router, RouterBuilder};
pub use rules::{Conditions, Route, Rule};
