//! The router: a `PaymentProvider` over many instances.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreatePayout, CreateRefund, Customer, CustomerId, Dispute, DisputeEvidence, DisputeId, Error,
    ErrorKind, IdempotencyKey, ListDisputes, ListPayments, ListPayouts, Operation, Page, Payment,
    PaymentCustomer, PaymentId, PaymentProvider, Payout, PayoutId, ProviderId, Refund, RefundId,
    Result, WebhookEvent, WebhookResource,
};
use tokio::time::Instant;

use crate::config::{RouterConfig, did_you_mean};
use crate::ids::{self, RoutedId};
use crate::registry::Registry;
use crate::rules::{Route, Rule, stickiness_key};

/// The `rule` label of a payment sent to the default instance (no rule matched).
pub const DEFAULT_RULE: &str = "(default)";
/// The `rule` label of a payment sent where its saved customer lives.
pub const CUSTOMER_RULE: &str = "(customer)";

/// Counters of one instance, for dashboards and migration tracking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstanceStats {
    /// Payments this instance created through the router.
    pub payments_created: u64,
    /// Refunds this instance created through the router.
    pub refunds_created: u64,
    /// Calls to it that failed.
    pub errors: u64,
    /// Payments that moved on to the next instance after this one certainly failed.
    pub fallbacks: u64,
}

#[derive(Debug, Default)]
struct Health {
    consecutive_unavailable: u32,
    cooled_until: Option<Instant>,
}

struct Instance {
    provider: Arc<dyn PaymentProvider>,
    /// The provider's capabilities as the configuration leaves them (no webhook secret, no
    /// webhooks), which is what rules are checked against.
    caps: Capabilities,
    /// Why an operation the connector has was removed, for messages.
    caps_note: Option<String>,
    // Shared with the instance of the same name after a reload, so cooldowns and counters
    // survive a configuration change.
    health: Arc<Mutex<Health>>,
    stats: Arc<Mutex<InstanceStats>>,
}

/// One configuration of the router. A call takes the current one at its start and keeps it
/// to its end, so a reload never changes the rules under a call in flight.
struct State {
    instances: BTreeMap<String, Instance>,
    rules: Vec<Rule>,
    default_instance: Option<String>,
    cooldown_failures: u32,
    cooldown: Duration,
}

/// Capabilities of each configuration that changed them, never dropped.
///
/// [`PaymentProvider::capabilities`] lends `&Capabilities` for as long as `&self`, but a reload
/// replaces the configuration. Each distinct set is kept in an append-only chain (reloads are
/// rare, so it stays short) and the newest is lent.
struct CapabilityChain {
    caps: Capabilities,
    next: OnceLock<Box<CapabilityChain>>,
}

impl CapabilityChain {
    fn new(caps: Capabilities) -> Self {
        CapabilityChain { caps, next: OnceLock::new() }
    }

    fn latest(&self) -> &Capabilities {
        let mut node = self;
        while let Some(next) = node.next.get() {
            node = next;
        }
        &node.caps
    }

    /// Appends `caps` when they differ from the newest. Callers serialize pushes (the state's
    /// write lock), so the `set` below cannot lose a race.
    fn push(&self, caps: Capabilities) {
        let mut node = self;
        while let Some(next) = node.next.get() {
            node = next;
        }
        if node.caps != caps {
            let _ = node.next.set(Box::new(CapabilityChain::new(caps)));
        }
    }
}

/// Gateways chosen by rules, with owner-aware ids, safe fallback and cooldown.
///
/// Build it from a file with [`Router::from_file`] / [`Router::from_config`] or in code with
/// [`Router::builder`]. It implements [`PaymentProvider`], so it stands in wherever one
/// gateway did. Every id it returns is a [`RoutedId`] (`instance:gateway_id`), so later calls
/// reach the owner even after the rules changed. [`Router::reload`] swaps the configuration
/// while calls in flight finish on the one they started with.
pub struct Router {
    id: ProviderId,
    state: RwLock<Arc<State>>,
    capabilities: CapabilityChain,
    /// The kinds `reload` builds instances with.
    registry: Registry,
    round_robin: AtomicU64,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("Router")
            .field("instances", &state.instances.keys().collect::<Vec<_>>())
            .field("rules", &state.rules)
            .field("default_instance", &state.default_instance)
            .finish_non_exhaustive()
    }
}

struct PendingInstance {
    name: String,
    provider: Arc<dyn PaymentProvider>,
    at: Option<String>,
    caps: Capabilities,
    caps_note: Option<String>,
}

/// Builds a [`Router`] in code.
#[derive(Default)]
pub struct RouterBuilder {
    instances: Vec<PendingInstance>,
    rules: Vec<Rule>,
    default_instance: Option<(String, Option<String>)>,
    cooldown_failures: Option<u32>,
    cooldown: Option<Duration>,
    requires: Option<(BTreeSet<Operation>, Option<String>)>,
    /// Instances whose configuration was wrong (already reported): rules naming them are not
    /// reported again as naming an unknown instance.
    broken: BTreeSet<String>,
    registry: Registry,
}

impl RouterBuilder {
    /// Adds a named instance.
    pub fn instance(mut self, name: impl Into<String>, provider: Arc<dyn PaymentProvider>) -> Self {
        let caps = provider.capabilities().clone();
        self.instances.push(PendingInstance {
            name: name.into(),
            provider,
            at: None,
            caps,
            caps_note: None,
        });
        self
    }

    /// Appends a rule (rules are tried in the order added).
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Where payments go when no rule matches; also where customers are created.
    pub fn default_instance(mut self, name: impl Into<String>) -> Self {
        self.default_instance = Some((name.into(), None));
        self
    }

    /// After `failures` unavailability errors in a row an instance is skipped for `duration`.
    pub fn cooldown(mut self, failures: u32, duration: Duration) -> Self {
        self.cooldown_failures = Some(failures.max(1));
        self.cooldown = Some(duration);
        self
    }

    /// Requires every instance to support `op` (e.g. [`Operation::Webhooks`] for a service
    /// that learns outcomes by webhook); checked by [`RouterBuilder::build`].
    pub fn require(mut self, op: Operation) -> Self {
        self.requires.get_or_insert_with(|| (BTreeSet::new(), None)).0.insert(op);
        self
    }

    /// The kinds [`Router::reload`] builds instances with (a router from
    /// [`Router::from_config`] keeps the registry it was built with).
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// Validates and builds. Every mistake is reported, one per line of the message.
    pub fn build(self) -> Result<Router> {
        let registry = self.registry.clone();
        let state = self.into_state().map_err(|errors| Error::configuration(errors.join("\n")))?;
        let caps = union_capabilities(state.instances.values().map(|i| &i.caps));
        Ok(Router {
            id: ProviderId::new("router"),
            state: RwLock::new(Arc::new(state)),
            capabilities: CapabilityChain::new(caps),
            registry,
            round_robin: AtomicU64::new(0),
        })
    }

    fn into_state(self) -> std::result::Result<State, Vec<String>> {
        let mut errors = Vec::new();
        let mut instances = BTreeMap::new();
        for p in self.instances {
            let at = p.at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default();
            if p.name.contains(':') || p.name.is_empty() {
                errors.push(format!("{at}instance name {:?} is invalid", p.name));
                continue;
            }
            let inst = Instance {
                provider: p.provider,
                caps: p.caps,
                caps_note: p.caps_note,
                health: Arc::default(),
                stats: Arc::default(),
            };
            if instances.insert(p.name.clone(), inst).is_some() {
                errors.push(format!("{at}instance {:?} is defined twice", p.name));
            }
        }
        if let Some((name, at)) = &self.default_instance
            && !instances.contains_key(name)
            && !self.broken.contains(name)
        {
            let at = at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default();
            errors.push(format!("{at}default instance {name:?} is not defined"));
        }
        if let Some((ops, at)) = &self.requires {
            let at = at.as_ref().map_or_else(|| "router".to_owned(), Clone::clone);
            for (name, inst) in &instances {
                for op in ops.iter().filter(|op| !inst.caps.supports(**op)) {
                    errors.push(format!(
                        "{at}: defaults.requires: instance {name:?} does not support {}{}",
                        op.as_str(),
                        note(inst, *op)
                    ));
                }
            }
        }
        validate_rules(&self.rules, &instances, &self.broken, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(State {
            instances,
            rules: self.rules,
            default_instance: self.default_instance.map(|(n, _)| n),
            cooldown_failures: self.cooldown_failures.unwrap_or(3),
            cooldown: self.cooldown.unwrap_or(Duration::from_secs(30)),
        })
    }
}

/// Why `inst` lacks `op`, when the configuration removed it.
fn note(inst: &Instance, op: Operation) -> String {
    match (&inst.caps_note, op) {
        (Some(why), Operation::Webhooks) => format!(" ({why})"),
        _ => String::new(),
    }
}

fn union_capabilities<'a>(caps: impl Iterator<Item = &'a Capabilities>) -> Capabilities {
    let mut union = Capabilities::only([]);
    let mut currencies = Some(BTreeSet::new());
    for c in caps {
        for op in c.operations() {
            union = union.with(op);
        }
        match (c.currencies(), currencies.as_mut()) {
            (None, _) => currencies = None,
            (Some(set), Some(all)) => all.extend(set.iter().copied()),
            (Some(_), None) => {}
        }
    }
    // Listing across gateways has no single cursor: use `Router::list_payments_of` (and
    // `list_payouts_of`, `list_disputes_of`).
    union = union
        .without(Operation::ListPayments)
        .without(Operation::ListPayouts)
        .without(Operation::ListDisputes);
    match currencies {
        Some(set) => union.with_currencies(set),
        None => union,
    }
}

fn validate_rules(
    rules: &[Rule],
    instances: &BTreeMap<String, Instance>,
    broken: &BTreeSet<String>,
    errors: &mut Vec<String>,
) {
    let mut catch_all: Option<&Rule> = None;
    for rule in rules {
        let mut fail = |msg: String| errors.push(format!("{}: {msg}", rule.label()));
        if let Some(earlier) = catch_all {
            fail(format!("can never match: {} before it matches every payment", earlier.label()));
        }
        if let Some(why) = rule.when.contradiction() {
            fail(format!("can never match: {why}"));
        }
        let targets = rule.route.instances();
        if targets.is_empty() {
            fail("routes to no instance".into());
        }
        if let Route::Split(parts) = &rule.route {
            let total: u64 = parts.iter().map(|(_, w)| u64::from(*w)).sum();
            if total != 100 {
                fail(format!("split weights add up to {total}, not 100"));
            }
        }
        for target in targets {
            let Some(inst) = instances.get(target) else {
                if !broken.contains(target) {
                    let hint = did_you_mean(target, instances.keys().map(String::as_str))
                        .map(|k| format!(" (did you mean {k:?}?)"))
                        .unwrap_or_default();
                    fail(format!("unknown instance {target:?}{hint}"));
                }
                continue;
            };
            let caps = &inst.caps;
            if let Some(currencies) = &rule.when.currencies
                && let Some(c) = currencies.iter().find(|c| !caps.supports_currency(**c))
            {
                fail(format!(
                    "sends {} payments to instance {target:?}, which does not support {}",
                    c.code(),
                    c.code()
                ));
            }
            if rule.when.capture == Some(paymux_core::CaptureMode::Manual)
                && !caps.supports(Operation::CapturePayment)
            {
                fail(format!(
                    "sends manual-capture payments to instance {target:?}, which cannot capture_payment"
                ));
            }
            for op in rule.requires.iter().filter(|op| !caps.supports(**op)) {
                fail(format!(
                    "requires {}, which instance {target:?} does not support{}",
                    op.as_str(),
                    note(inst, *op)
                ));
            }
        }
        if rule.when.is_empty() && catch_all.is_none() {
            catch_all = Some(rule);
        }
    }
}

/// Whether an error proves the gateway did not take the payment, so another may be tried.
fn certainly_not_taken(e: &Error) -> bool {
    match e.kind() {
        ErrorKind::Transport | ErrorKind::ProviderUnavailable | ErrorKind::Timeout => {
            !e.is_outcome_unknown()
        }
        ErrorKind::RateLimited
        | ErrorKind::Unsupported
        | ErrorKind::Authentication
        | ErrorKind::Configuration => !e.is_outcome_unknown(),
        _ => false,
    }
}

fn is_unavailability(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::ProviderUnavailable
            | ErrorKind::RateLimited
    )
}

/// Which rule chose the candidates (or [`DEFAULT_RULE`] / [`CUSTOMER_RULE`]).
struct Decision<'s> {
    rule: &'s str,
    candidates: Vec<&'s str>,
}

impl Router {
    /// Builds a router in code.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::default()
    }

    /// Builds every instance of a parsed configuration with `registry`, then validates the
    /// rules against the instances' capabilities. Every mistake is reported, one per line of
    /// the error's message. Credentials of a configuration read with serde are read here,
    /// from the process environment or their files.
    pub fn from_config(config: RouterConfig, registry: &Registry) -> Result<Router> {
        Self::assemble(config, registry, Vec::new())
    }

    /// Reads a routing file and builds the router (credentials from the environment). Every
    /// mistake, from the file's syntax to the rules' checks, is reported at once, each on its
    /// own line starting with `file:line:column`.
    pub fn from_file(path: &Path, registry: &Registry) -> Result<Router> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::configuration(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml(&path.display().to_string(), &text, registry)
    }

    /// Parses routing TOML and builds the router (credentials from the environment); messages
    /// name the text `routing.toml`.
    pub fn from_toml_str(text: &str, registry: &Registry) -> Result<Router> {
        Self::from_toml("routing.toml", text, registry)
    }

    fn from_toml(source: &str, text: &str, registry: &Registry) -> Result<Router> {
        Self::parse(source, text, &|v| std::env::var(v).ok(), registry)
    }

    /// Parses routing TOML named `source_name` in messages, resolving credentials with `env`,
    /// and builds the router: [`RouterConfig::parse`] and [`Router::from_config`] in one step,
    /// with the mistakes of both reported together.
    pub fn parse(
        source_name: &str,
        text: &str,
        env: crate::config::EnvLookup<'_>,
        registry: &Registry,
    ) -> Result<Router> {
        let (config, errors) = RouterConfig::parse_all(source_name, text, env);
        Self::assemble(config, registry, errors)
    }

    /// Builds the instances of `config` and validates it, reporting `errors` (found while
    /// parsing) with its own.
    fn assemble(
        config: RouterConfig,
        registry: &Registry,
        mut errors: Vec<String>,
    ) -> Result<Router> {
        let builder = Self::builder_for(config, registry, &mut errors);
        let registry = builder.registry.clone();
        let built = builder.into_state().map_err(|mut e| errors.append(&mut e)).ok();
        match built {
            Some(state) if errors.is_empty() => {
                let caps = union_capabilities(state.instances.values().map(|i| &i.caps));
                Ok(Router {
                    id: ProviderId::new("router"),
                    state: RwLock::new(Arc::new(state)),
                    capabilities: CapabilityChain::new(caps),
                    registry,
                    round_robin: AtomicU64::new(0),
                })
            }
            _ => Err(Error::configuration(errors.join("\n"))),
        }
    }

    /// The builder of a configuration: instances built by their kind's factory, after their
    /// keys are checked against what the kind declared.
    fn builder_for(
        config: RouterConfig,
        registry: &Registry,
        errors: &mut Vec<String>,
    ) -> RouterBuilder {
        let mut builder = RouterBuilder {
            rules: config.rules,
            default_instance: config.default_instance.map(|(n, at)| (n, Some(at))),
            cooldown_failures: Some(config.cooldown_failures.max(1)),
            cooldown: Some(Duration::from_secs(config.cooldown_seconds)),
            requires: config.requires.map(|(ops, at)| (ops, Some(at))),
            broken: config.broken,
            registry: registry.clone(),
            instances: Vec::new(),
        };
        for mut inst in config.instances {
            let before = errors.len();
            let name = inst.spec.name.clone();
            let kind = inst.spec.kind.clone();
            let at = inst.at.clone();
            let Some(factory) = registry.factory(&kind) else {
                errors.push(format!(
                    "{at}: instance {name:?}: unknown kind {kind:?} (known: {})",
                    registry.kinds().join(", ")
                ));
                builder.broken.insert(name);
                continue;
            };
            let keys = registry.keys(&kind);
            if let Some(keys) = keys {
                let mut check = |what: &str, given: &BTreeMap<String, String>, known: Vec<&str>| {
                    for (key, key_at) in given {
                        if known.contains(&key.as_str()) {
                            continue;
                        }
                        let hint = did_you_mean(key, known.iter().copied())
                            .map(|k| format!(" (did you mean {k:?}?)"))
                            .unwrap_or_default();
                        let takes = if known.is_empty() {
                            format!("kind {kind} takes no {what}s")
                        } else {
                            format!("kind {kind} takes: {}", known.join(", "))
                        };
                        errors.push(format!(
                            "{key_at}: instance {name:?}: unknown {what} {key:?}{hint}; {takes}"
                        ));
                    }
                };
                check("credential", &inst.credential_at, keys.credentials().collect());
                check("option", &inst.option_at, keys.options().collect());
                let given_credentials: BTreeSet<&str> = inst
                    .credential_at
                    .keys()
                    .map(String::as_str)
                    .chain(inst.spec.credentials.keys().map(String::as_str))
                    .collect();
                for missing in
                    keys.required_credentials().filter(|c| !given_credentials.contains(c))
                {
                    errors.push(format!(
                        "{at}: instance {name:?} (kind {kind}) needs the credential {missing:?}"
                    ));
                }
                for missing in
                    keys.required_options().filter(|o| !inst.spec.options.contains_key(*o))
                {
                    errors.push(format!(
                        "{at}: instance {name:?} (kind {kind}) needs the option {missing:?}"
                    ));
                }
            }
            // Credentials of a configuration read with serde: from the process, now.
            for (cred, source) in std::mem::take(&mut inst.unresolved) {
                let cred_at = inst.credential_at.get(&cred).cloned().unwrap_or_else(|| at.clone());
                match source.read(&|v| std::env::var(v).ok()) {
                    Ok(secret) => {
                        inst.spec.credentials.insert(cred, secret);
                    }
                    Err(why) => errors.push(format!("{cred_at}: instance {name:?}: {why}")),
                }
            }
            if errors.len() != before || builder.broken.contains(&name) {
                builder.broken.insert(name);
                continue;
            }
            let provider = match factory(&inst.spec) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(format!("{at}: instance {name:?}: {}", e.message()));
                    builder.broken.insert(name);
                    continue;
                }
            };
            let mut caps = provider.capabilities().clone();
            let mut caps_note = None;
            if let Some(secret) = keys.and_then(|k| k.webhook_secret())
                && !inst.spec.credentials.contains_key(secret)
                && caps.supports(Operation::Webhooks)
            {
                // Without the secret no delivery can be verified: the instance takes no
                // webhooks, whatever its connector declares.
                caps = caps.without(Operation::Webhooks);
                caps_note = Some(format!("it has no credentials.{secret}"));
            }
            builder.instances.push(PendingInstance {
                name,
                provider,
                at: Some(at),
                caps,
                caps_note,
            });
        }
        builder
    }

    /// Replaces the configuration: instances are built with the registry the router was built
    /// with, everything is validated, then the new configuration takes over at once. Calls
    /// already in flight finish on the configuration they started with; on an error nothing
    /// changes. Instances keeping their name keep their cooldown and counters.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use paymux::router::{Router, RouterConfig};
    /// let registry = paymux::registry();
    /// let v1 = "[defaults]\ninstance = \"a\"\n[instances.a]\nkind = \"mock\"\n";
    /// let router = Router::from_toml_str(v1, &registry)?;
    /// let v2 = format!("{v1}[instances.b]\nkind = \"mock\"\n[[rules]]\nname = \"all\"\nroute = {{ instance = \"b\" }}\n");
    /// router.reload(RouterConfig::parse("routing.toml", &v2, &|_| None)?)?;
    /// assert_eq!(router.instance_names(), ["a", "b"]);
    /// # Ok::<(), paymux::Error>(())
    /// ```
    pub fn reload(&self, config: RouterConfig) -> Result<()> {
        let registry = self.registry.clone();
        let mut errors = Vec::new();
        let state = Self::builder_for(config, &registry, &mut errors)
            .into_state()
            .map_err(|mut e| errors.append(&mut e))
            .ok();
        let Some(mut state) = state.filter(|_| errors.is_empty()) else {
            return Err(Error::configuration(errors.join("\n")));
        };
        let mut current = self.state.write().unwrap_or_else(PoisonError::into_inner);
        for (name, inst) in &mut state.instances {
            if let Some(old) = current.instances.get(name) {
                inst.health = old.health.clone();
                inst.stats = old.stats.clone();
            }
        }
        self.capabilities.push(union_capabilities(state.instances.values().map(|i| &i.caps)));
        *current = Arc::new(state);
        drop(current);
        tracing::info!("routing configuration reloaded");
        Ok(())
    }

    /// Reads a routing file and [`reload`](Router::reload)s it; every mistake is reported
    /// with `file:line:column`, and on an error the running configuration stays.
    pub fn reload_from_file(&self, path: &Path) -> Result<()> {
        self.reload(RouterConfig::from_file(path)?)
    }

    /// The configuration calls start with now.
    fn state(&self) -> Arc<State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The instance names.
    pub fn instance_names(&self) -> Vec<String> {
        self.state().instances.keys().cloned().collect()
    }

    /// An instance as a provider of its own, speaking routed ids like the router: what it
    /// returns (payments, refunds, customers, webhook events) carries `instance:id` ids, and
    /// it accepts them (bare gateway ids too). Calls go straight to the gateway: no rules,
    /// fallback or cooldown.
    pub fn instance(&self, name: &str) -> Option<Arc<dyn PaymentProvider>> {
        let state = self.state();
        let (name, inst) = state.instances.get_key_value(name)?;
        Some(Arc::new(RoutedInstance {
            id: ProviderId::new(name.as_str()),
            name: name.clone(),
            provider: inst.provider.clone(),
            caps: inst.caps.clone(),
        }))
    }

    /// Counters per instance.
    pub fn stats(&self) -> BTreeMap<String, InstanceStats> {
        self.state()
            .instances
            .iter()
            .map(|(n, i)| (n.clone(), *i.stats.lock().unwrap_or_else(PoisonError::into_inner)))
            .collect()
    }

    /// Which instances a payment would be tried on, in order, before cooldown is applied.
    pub fn plan(&self, req: &CreatePayment) -> Result<Vec<String>> {
        let state = self.state();
        let rr = self.round_robin.fetch_add(1, Ordering::Relaxed);
        let decision = state.decide(req, rr)?;
        Ok(decision.candidates.into_iter().map(str::to_owned).collect())
    }

    /// Lists one instance's payments.
    pub async fn list_payments_of(
        &self,
        instance: &str,
        query: ListPayments,
    ) -> Result<Page<Payment>> {
        let state = self.state();
        let (name, inst) = state.instance(instance)?;
        let page = state.call(inst, inst.provider.list_payments(query)).await?;
        Ok(route_page(page, |p| route_payment(name, p)))
    }

    /// Lists one instance's payouts.
    pub async fn list_payouts_of(
        &self,
        instance: &str,
        query: ListPayouts,
    ) -> Result<Page<Payout>> {
        let state = self.state();
        let (name, inst) = state.instance(instance)?;
        let page = state.call(inst, inst.provider.list_payouts(query)).await?;
        Ok(route_page(page, |p| route_payout(name, p)))
    }

    /// Lists one instance's disputes.
    pub async fn list_disputes_of(
        &self,
        instance: &str,
        query: ListDisputes,
    ) -> Result<Page<Dispute>> {
        let state = self.state();
        let (name, inst) = state.instance(instance)?;
        let page = state.call(inst, inst.provider.list_disputes(query)).await?;
        Ok(route_page(page, |d| route_dispute(name, d)))
    }

    /// Verifies and parses a webhook that arrived for `instance` (e.g. on `/webhooks/{instance}`).
    pub fn parse_webhook_from(
        &self,
        instance: &str,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<WebhookEvent> {
        let state = self.state();
        let (name, inst) = state.instance(instance)?;
        parse_routed(name, &inst.caps, inst.provider.as_ref(), headers, raw_body)
    }
}

/// A webhook verified by `provider` (known as `name`), its ids routed.
fn parse_routed(
    name: &str,
    caps: &Capabilities,
    provider: &dyn PaymentProvider,
    headers: &http::HeaderMap,
    raw_body: &[u8],
) -> Result<WebhookEvent> {
    if !caps.supports(Operation::Webhooks) {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("instance {name:?} takes no webhooks (no webhook secret configured)"),
        ));
    }
    Ok(route_event(name, provider.parse_webhook(headers, raw_body)?))
}

impl State {
    fn instance(&self, name: &str) -> Result<(&str, &Instance)> {
        self.instances.get_key_value(name).map(|(n, i)| (n.as_str(), i)).ok_or_else(|| {
            Error::new(ErrorKind::NotFound, format!("no instance {name:?} in this router"))
        })
    }

    /// The rule that applies to `req` and its candidates.
    fn decide(&self, req: &CreatePayment, rr: u64) -> Result<Decision<'_>> {
        if let Some(PaymentCustomer::Existing(cid)) = &req.customer {
            // A saved customer exists at one gateway only: the payment must go there.
            if let Ok(owner) = cid.as_str().parse::<RoutedId>()
                && let Some((name, _)) = self.instances.get_key_value(&owner.instance)
            {
                return Ok(Decision { rule: CUSTOMER_RULE, candidates: vec![name.as_str()] });
            }
        }
        if let Some(rule) = self.rules.iter().find(|r| r.when.matches(req)) {
            let candidates = rule.route.candidates(stickiness_key(req).as_deref(), rr);
            return Ok(Decision { rule: rule.name.as_str(), candidates });
        }
        self.default_instance
            .as_deref()
            .map(|d| Decision { rule: DEFAULT_RULE, candidates: vec![d] })
            .ok_or_else(|| {
                Error::invalid_request(
                    "no routing rule matches this payment and no default instance is set",
                )
            })
    }

    /// `create_payment` over several candidates, each tried in turn while the previous one
    /// certainly did not take the payment.
    async fn create_with_fallback(
        &self,
        rule: &str,
        plan: Vec<&str>,
        req: CreatePayment,
    ) -> Result<Payment> {
        let mut last_err = None;
        let mut tried_any = false;
        // The instance a payment fell back from, until the next one is tried.
        let mut falling_from: Option<&str> = None;
        // The last candidate gets the request itself; earlier ones a copy, kept for fallback.
        let mut req = Some(req);
        for (i, name) in plan.iter().enumerate() {
            let Some(current) = req.as_ref() else { break };
            let inst = self.instances.get(*name).ok_or_else(|| {
                Error::configuration(format!("route names unknown instance {name:?}"))
            })?;
            if !self.takes(inst, current) {
                continue;
            }
            tried_any = true;
            if let Some(from) = falling_from.take() {
                tracing::info!(rule = %rule, from = %from, to = %name, "payment falls back");
                metrics::counter!(
                    "paymux_router_fallbacks_total",
                    "from" => from.to_owned(),
                    "to" => (*name).to_owned()
                )
                .increment(1);
            }
            let this = if i + 1 == plan.len() { req.take() } else { req.clone() };
            let Some(this) = this else { break };
            routed(rule, name);
            let result = self.call(inst, inst.provider.create_payment(this)).await;
            match result {
                Ok(mut p) => {
                    created(name, inst, &mut p);
                    return Ok(p);
                }
                Err(e) if certainly_not_taken(&e) && i + 1 < plan.len() => {
                    tracing::warn!(instance = %name, error = %e, "falling back to the next instance");
                    inst.stats.lock().unwrap_or_else(PoisonError::into_inner).fallbacks += 1;
                    falling_from = Some(name);
                    last_err = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            let why = if tried_any {
                "every candidate failed"
            } else {
                "every candidate instance is cooling down or lacks the currency"
            };
            Error::new(ErrorKind::ProviderUnavailable, format!("{why} ({})", plan.join(", ")))
        }))
    }

    fn owner<'a>(&'a self, routed: &str) -> Result<(&'a str, &'a Instance, String)> {
        let RoutedId { instance, id } = routed.parse::<RoutedId>()?;
        let (name, inst) = self.instance(&instance)?;
        Ok((name, inst, id))
    }

    /// Whether `inst` can be tried for `req` now: not cooling down, and taking its currency.
    fn takes(&self, inst: &Instance, req: &CreatePayment) -> bool {
        !self.cooling(inst) && inst.caps.supports_currency(req.amount.currency())
    }

    fn cooling(&self, inst: &Instance) -> bool {
        let health = inst.health.lock().unwrap_or_else(PoisonError::into_inner);
        health.cooled_until.is_some_and(|until| Instant::now() < until)
    }

    fn record<T>(&self, inst: &Instance, result: &Result<T>) {
        let mut health = inst.health.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(_) => *health = Health::default(),
            Err(e) if is_unavailability(e) => {
                health.consecutive_unavailable += 1;
                if health.consecutive_unavailable >= self.cooldown_failures {
                    health.cooled_until = Some(Instant::now() + self.cooldown);
                    health.consecutive_unavailable = 0;
                    tracing::warn!(
                        instance = %inst.provider.id(),
                        failures = self.cooldown_failures,
                        cooldown_secs = self.cooldown.as_secs(),
                        "instance cooling down after repeated unavailability"
                    );
                }
            }
            Err(_) => health.consecutive_unavailable = 0,
        }
        if result.is_err() {
            inst.stats.lock().unwrap_or_else(PoisonError::into_inner).errors += 1;
        }
    }

    /// `fut` (a call to `inst`), with its outcome recorded in the instance's health.
    async fn call<T>(&self, inst: &Instance, fut: impl Future<Output = Result<T>>) -> Result<T> {
        let result = fut.await;
        self.record(inst, &result);
        result
    }
}

/// A payment is sent to `instance` because of `rule`: logged and counted.
fn routed(rule: &str, instance: &str) {
    tracing::info!(rule = %rule, instance = %instance, "payment routed");
    metrics::counter!(
        "paymux_router_routed_total",
        "rule" => rule.to_owned(),
        "instance" => instance.to_owned()
    )
    .increment(1);
}

/// A payment `inst` created: counted, and its ids routed.
fn created(name: &str, inst: &Instance, p: &mut Payment) {
    inst.stats.lock().unwrap_or_else(PoisonError::into_inner).payments_created += 1;
    route_payment_in_place(name, p);
}

fn route_payment(instance: &str, mut p: Payment) -> Payment {
    route_payment_in_place(instance, &mut p);
    p
}

/// Routed ids (`instance:id`) and the instance as the provider.
fn route_payment_in_place(instance: &str, p: &mut Payment) {
    p.id = PaymentId::new(ids::join(instance, p.id.as_str()));
    p.provider = ProviderId::new(instance);
    if let Some(c) = p.customer_id.take() {
        p.customer_id = Some(CustomerId::from_gateway(ids::join(instance, c.as_str())));
    }
}

fn route_refund(instance: &str, mut r: Refund) -> Refund {
    r.id = RefundId::new(ids::join(instance, r.id.as_str()));
    r.payment_id = PaymentId::new(ids::join(instance, r.payment_id.as_str()));
    r.provider = ProviderId::new(instance);
    r
}

fn route_payout(instance: &str, mut p: Payout) -> Payout {
    p.id = PayoutId::new(ids::join(instance, p.id.as_str()));
    p.provider = ProviderId::new(instance);
    if let Some(c) = p.customer_id.take() {
        p.customer_id = Some(CustomerId::from_gateway(ids::join(instance, c.as_str())));
    }
    p
}

fn route_dispute(instance: &str, mut d: Dispute) -> Dispute {
    d.id = DisputeId::new(ids::join(instance, d.id.as_str()));
    d.provider = ProviderId::new(instance);
    if let Some(p) = d.payment_id.take() {
        d.payment_id = Some(PaymentId::new(ids::join(instance, p.as_str())));
    }
    d
}

fn route_page<T>(page: Page<T>, route: impl Fn(T) -> T) -> Page<T> {
    Page {
        items: page.items.into_iter().map(route).collect(),
        has_more: page.has_more,
        next: page.next,
        total: page.total,
    }
}

fn route_customer(instance: &str, mut c: Customer) -> Customer {
    c.id = CustomerId::from_gateway(ids::join(instance, c.id.as_str()));
    c.provider = ProviderId::new(instance);
    c
}

fn route_event(instance: &str, mut e: WebhookEvent) -> WebhookEvent {
    e.provider = ProviderId::new(instance);
    e.resource = match e.resource {
        WebhookResource::Payment(p) => WebhookResource::Payment(route_payment(instance, p)),
        WebhookResource::Refund(r) => WebhookResource::Refund(route_refund(instance, r)),
        WebhookResource::Payout(p) => WebhookResource::Payout(route_payout(instance, p)),
        WebhookResource::Dispute(d) => WebhookResource::Dispute(route_dispute(instance, d)),
        other => other,
    };
    e
}

#[async_trait]
impl PaymentProvider for Router {
    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        self.capabilities.latest()
    }

    async fn create_payment(&self, mut req: CreatePayment) -> Result<Payment> {
        req.validate()?;
        let state = self.state();
        let rr = self.round_robin.fetch_add(1, Ordering::Relaxed);
        let Decision { rule, candidates } = state.decide(&req, rr)?;
        // One key for the logical payment, whichever instance takes it.
        req.idempotency_key.get_or_insert_with(IdempotencyKey::generate);
        if let Some(PaymentCustomer::Existing(cid)) = &req.customer
            && let Ok(routed) = cid.as_str().parse::<RoutedId>()
        {
            req.customer = Some(PaymentCustomer::Existing(CustomerId::from_stored(routed.id)));
        }
        if let [only] = candidates.as_slice()
            && let Some((name, inst)) = state.instances.get_key_value(*only)
            && state.takes(inst, &req)
        {
            // One candidate: no copy of the request kept for a fallback that cannot happen.
            routed(rule, name);
            let mut payment = state.call(inst, inst.provider.create_payment(req)).await?;
            created(name, inst, &mut payment);
            return Ok(payment);
        }
        state.create_with_fallback(rule, candidates, req).await
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.get_payment(&PaymentId::new(raw))).await?;
        Ok(route_payment(name, p))
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.confirm_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.capture_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.cancel_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn create_refund(&self, mut req: CreateRefund) -> Result<Refund> {
        let state = self.state();
        let (name, inst, raw) = state.owner(req.payment_id.as_str())?;
        req.payment_id = PaymentId::new(raw);
        let r = state.call(inst, inst.provider.create_refund(req)).await?;
        inst.stats.lock().unwrap_or_else(PoisonError::into_inner).refunds_created += 1;
        Ok(route_refund(name, r))
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let r = state.call(inst, inst.provider.get_refund(&RefundId::new(raw))).await?;
        Ok(route_refund(name, r))
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let state = self.state();
        let name = state.default_instance.as_ref().ok_or_else(|| {
            Error::invalid_request("create_customer needs a default instance in the router")
        })?;
        let inst = state
            .instances
            .get(name)
            .ok_or_else(|| Error::configuration("default instance missing"))?;
        let c = state.call(inst, inst.provider.create_customer(req)).await?;
        Ok(route_customer(name, c))
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let c = state.call(inst, inst.provider.get_customer(&CustomerId::from_stored(raw))).await?;
        Ok(route_customer(name, c))
    }

    /// To the instance of a routed customer, else to the default instance: payouts are not
    /// routed by rules (they have no payment to match); pin one with [`Router::instance`].
    async fn create_payout(&self, mut req: CreatePayout) -> Result<Payout> {
        let state = self.state();
        let (name, inst) = match req.customer.as_ref().map(|c| c.as_str().parse::<RoutedId>()) {
            Some(Ok(routed)) => {
                let (name, inst) = state.instance(&routed.instance)?;
                req.customer = Some(CustomerId::from_stored(routed.id));
                (name, inst)
            }
            _ => {
                let name = state.default_instance.as_deref().ok_or_else(|| {
                    Error::invalid_request(
                        "create_payout needs a routed customer or a default instance in the \
                         router (or call it on Router::instance)",
                    )
                })?;
                state.instance(name)?
            }
        };
        req.idempotency_key.get_or_insert_with(IdempotencyKey::generate);
        let payout = state.call(inst, inst.provider.create_payout(req)).await?;
        Ok(route_payout(name, payout))
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.get_payout(&PayoutId::new(raw))).await?;
        Ok(route_payout(name, p))
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let p = state.call(inst, inst.provider.cancel_payout(&PayoutId::new(raw))).await?;
        Ok(route_payout(name, p))
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let d = state.call(inst, inst.provider.get_dispute(&DisputeId::new(raw))).await?;
        Ok(route_dispute(name, d))
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let d = state.call(inst, inst.provider.accept_dispute(&DisputeId::new(raw))).await?;
        Ok(route_dispute(name, d))
    }

    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        let state = self.state();
        let (name, inst, raw) = state.owner(id.as_str())?;
        let raw = DisputeId::new(raw);
        let d = state.call(inst, inst.provider.submit_dispute_evidence(&raw, evidence)).await?;
        Ok(route_dispute(name, d))
    }

    /// Tries each instance's verification; the signature decides which gateway sent it, so
    /// instances must not share a webhook secret.
    /// Prefer [`Router::parse_webhook_from`] when the endpoint tells the instance.
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let state = self.state();
        let mut last = None;
        for (name, inst) in &state.instances {
            if !inst.caps.supports(Operation::Webhooks) {
                continue;
            }
            match inst.provider.parse_webhook(headers, raw_body) {
                Ok(event) => return Ok(route_event(name, event)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::unsupported("parse_webhook")))
    }
}

/// One instance of a router, speaking routed ids (see [`Router::instance`]).
struct RoutedInstance {
    id: ProviderId,
    name: String,
    provider: Arc<dyn PaymentProvider>,
    caps: Capabilities,
}

impl RoutedInstance {
    /// The gateway's id: `name:id` loses its prefix; any other id is the gateway's already.
    fn raw<'i>(&self, id: &'i str) -> &'i str {
        id.strip_prefix(self.name.as_str()).and_then(|rest| rest.strip_prefix(':')).unwrap_or(id)
    }
}

#[async_trait]
impl PaymentProvider for RoutedInstance {
    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn create_payment(&self, mut req: CreatePayment) -> Result<Payment> {
        if let Some(PaymentCustomer::Existing(cid)) = &req.customer {
            let raw = self.raw(cid.as_str()).to_owned();
            req.customer = Some(PaymentCustomer::Existing(CustomerId::from_stored(raw)));
        }
        Ok(route_payment(&self.name, self.provider.create_payment(req).await?))
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let raw = PaymentId::new(self.raw(id.as_str()));
        Ok(route_payment(&self.name, self.provider.get_payment(&raw).await?))
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let raw = PaymentId::new(self.raw(id.as_str()));
        Ok(route_payment(&self.name, self.provider.confirm_payment(&raw, req).await?))
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let raw = PaymentId::new(self.raw(id.as_str()));
        Ok(route_payment(&self.name, self.provider.capture_payment(&raw, req).await?))
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let raw = PaymentId::new(self.raw(id.as_str()));
        Ok(route_payment(&self.name, self.provider.cancel_payment(&raw, req).await?))
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let page = self.provider.list_payments(query).await?;
        Ok(route_page(page, |p| route_payment(&self.name, p)))
    }

    async fn create_refund(&self, mut req: CreateRefund) -> Result<Refund> {
        req.payment_id = PaymentId::new(self.raw(req.payment_id.as_str()));
        Ok(route_refund(&self.name, self.provider.create_refund(req).await?))
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let raw = RefundId::new(self.raw(id.as_str()));
        Ok(route_refund(&self.name, self.provider.get_refund(&raw).await?))
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        Ok(route_customer(&self.name, self.provider.create_customer(req).await?))
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let raw = CustomerId::from_stored(self.raw(id.as_str()));
        Ok(route_customer(&self.name, self.provider.get_customer(&raw).await?))
    }

    async fn create_payout(&self, mut req: CreatePayout) -> Result<Payout> {
        if let Some(c) = &req.customer {
            req.customer = Some(CustomerId::from_stored(self.raw(c.as_str()).to_owned()));
        }
        Ok(route_payout(&self.name, self.provider.create_payout(req).await?))
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        let raw = PayoutId::new(self.raw(id.as_str()));
        Ok(route_payout(&self.name, self.provider.get_payout(&raw).await?))
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let page = self.provider.list_payouts(query).await?;
        Ok(route_page(page, |p| route_payout(&self.name, p)))
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        let raw = PayoutId::new(self.raw(id.as_str()));
        Ok(route_payout(&self.name, self.provider.cancel_payout(&raw).await?))
    }

    async fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        let page = self.provider.list_disputes(query).await?;
        Ok(route_page(page, |d| route_dispute(&self.name, d)))
    }

    async fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let raw = DisputeId::new(self.raw(id.as_str()));
        Ok(route_dispute(&self.name, self.provider.get_dispute(&raw).await?))
    }

    async fn accept_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        let raw = DisputeId::new(self.raw(id.as_str()));
        Ok(route_dispute(&self.name, self.provider.accept_dispute(&raw).await?))
    }

    async fn submit_dispute_evidence(
        &self,
        id: &DisputeId,
        evidence: DisputeEvidence,
    ) -> Result<Dispute> {
        let raw = DisputeId::new(self.raw(id.as_str()));
        let dispute = self.provider.submit_dispute_evidence(&raw, evidence).await?;
        Ok(route_dispute(&self.name, dispute))
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        parse_routed(&self.name, &self.caps, self.provider.as_ref(), headers, raw_body)
    }
}
