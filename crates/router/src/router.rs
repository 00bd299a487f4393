//! The router: a `PaymentProvider` over many instances.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Customer, CustomerId, Error, ErrorKind, IdempotencyKey, ListPayments, Operation,
    Page, Payment, PaymentCustomer, PaymentId, PaymentProvider, ProviderId, Refund, RefundId,
    Result, WebhookEvent, WebhookResource,
};
use tokio::time::Instant;

use crate::config::RouterConfig;
use crate::ids::{self, RoutedId};
use crate::registry::Registry;
use crate::rules::{Route, Rule, stickiness_key};

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
    health: Mutex<Health>,
    stats: Mutex<InstanceStats>,
}

/// Gateways chosen by rules, with owner-aware ids, safe fallback and cooldown.
///
/// Build it from a file with [`Router::from_config`] or in code with [`Router::builder`]. It
/// implements [`PaymentProvider`], so it stands in wherever one gateway did. Every id it
/// returns is a [`RoutedId`] (`instance:gateway_id`), so later calls reach the owner even
/// after the rules changed.
pub struct Router {
    id: ProviderId,
    instances: BTreeMap<String, Instance>,
    rules: Vec<Rule>,
    default_instance: Option<String>,
    cooldown_failures: u32,
    cooldown: Duration,
    capabilities: Capabilities,
    round_robin: AtomicU64,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("instances", &self.instances.keys().collect::<Vec<_>>())
            .field("rules", &self.rules)
            .field("default_instance", &self.default_instance)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Router`] in code.
#[derive(Default)]
pub struct RouterBuilder {
    instances: Vec<(String, Arc<dyn PaymentProvider>, Option<String>)>,
    rules: Vec<Rule>,
    default_instance: Option<(String, Option<String>)>,
    cooldown_failures: Option<u32>,
    cooldown: Option<Duration>,
}

impl RouterBuilder {
    /// Adds a named instance.
    pub fn instance(mut self, name: impl Into<String>, provider: Arc<dyn PaymentProvider>) -> Self {
        self.instances.push((name.into(), provider, None));
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

    /// Validates and builds.
    pub fn build(self) -> Result<Router> {
        let mut instances = BTreeMap::new();
        for (name, provider, at) in self.instances {
            if name.contains(':') || name.is_empty() {
                return Err(Error::configuration(format!("instance name {name:?} is invalid")));
            }
            let inst = Instance { provider, health: Mutex::default(), stats: Mutex::default() };
            if instances.insert(name.clone(), inst).is_some() {
                let at = at.map(|a| format!("{a}: ")).unwrap_or_default();
                return Err(Error::configuration(format!(
                    "{at}instance {name:?} is defined twice"
                )));
            }
        }
        if let Some((name, at)) = &self.default_instance
            && !instances.contains_key(name)
        {
            let at = at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default();
            return Err(Error::configuration(format!(
                "{at}default instance {name:?} is not defined"
            )));
        }
        validate_rules(&self.rules, &instances)?;
        let capabilities =
            union_capabilities(instances.values().map(|i| i.provider.capabilities()));
        Ok(Router {
            id: ProviderId::new("router"),
            instances,
            rules: self.rules,
            default_instance: self.default_instance.map(|(n, _)| n),
            cooldown_failures: self.cooldown_failures.unwrap_or(3),
            cooldown: self.cooldown.unwrap_or(Duration::from_secs(30)),
            capabilities,
            round_robin: AtomicU64::new(0),
        })
    }
}

fn union_capabilities<'a>(caps: impl Iterator<Item = &'a Capabilities>) -> Capabilities {
    let mut union = Capabilities::only([]);
    let mut currencies = Some(std::collections::BTreeSet::new());
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
    // Listing across gateways has no single cursor: use `Router::list_payments_of`.
    union = union.without(Operation::ListPayments);
    match currencies {
        Some(set) => union.with_currencies(set),
        None => union,
    }
}

fn validate_rules(rules: &[Rule], instances: &BTreeMap<String, Instance>) -> Result<()> {
    let mut catch_all: Option<&Rule> = None;
    for rule in rules {
        let fail = |msg: String| Error::configuration(format!("{}: {msg}", rule.label()));
        if let Some(earlier) = catch_all {
            return Err(fail(format!(
                "can never match: {} before it matches every payment",
                earlier.label()
            )));
        }
        if let Some(why) = rule.when.contradiction() {
            return Err(fail(format!("can never match: {why}")));
        }
        let targets = rule.route.instances();
        if targets.is_empty() {
            return Err(fail("routes to no instance".into()));
        }
        if let Route::Split(parts) = &rule.route {
            let total: u32 = parts.iter().map(|(_, w)| *w).sum();
            if total != 100 {
                return Err(fail(format!("split weights add up to {total}, not 100")));
            }
        }
        for target in targets {
            let inst = instances
                .get(target)
                .ok_or_else(|| fail(format!("unknown instance {target:?}")))?;
            let caps = inst.provider.capabilities();
            if let Some(currencies) = &rule.when.currencies
                && let Some(c) = currencies.iter().find(|c| !caps.supports_currency(**c))
            {
                return Err(fail(format!(
                    "sends {} payments to instance {target:?}, which does not support {}",
                    c.code(),
                    c.code()
                )));
            }
            if rule.when.capture == Some(paymux_core::CaptureMode::Manual)
                && !caps.supports(Operation::CapturePayment)
            {
                return Err(fail(format!(
                    "sends manual-capture payments to instance {target:?}, which cannot capture_payment"
                )));
            }
        }
        if rule.when.is_empty() {
            catch_all = Some(rule);
        }
    }
    Ok(())
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

impl Router {
    /// Builds a router in code.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::default()
    }

    /// Builds every instance of a parsed file with `registry`, then validates the rules
    /// against the instances' capabilities.
    pub fn from_config(config: RouterConfig, registry: &Registry) -> Result<Router> {
        let mut builder = RouterBuilder {
            rules: config.rules,
            default_instance: config.default_instance.map(|(n, at)| (n, Some(at))),
            cooldown_failures: Some(config.cooldown_failures.max(1)),
            cooldown: Some(Duration::from_secs(config.cooldown_seconds)),
            instances: Vec::new(),
        };
        for (spec, at) in config.instances {
            let factory = registry.factory(&spec.kind).ok_or_else(|| {
                Error::configuration(format!(
                    "{at}: instance {:?}: unknown kind {:?} (known: {})",
                    spec.name,
                    spec.kind,
                    registry.kinds().join(", ")
                ))
            })?;
            let provider = factory(&spec).map_err(|e| {
                Error::configuration(format!("{at}: instance {:?}: {}", spec.name, e.message()))
            })?;
            builder.instances.push((spec.name.clone(), provider, Some(at)));
        }
        builder.build()
    }

    /// Reads a routing file and builds the router (credentials from the environment).
    pub fn from_file(path: &std::path::Path, registry: &Registry) -> Result<Router> {
        Self::from_config(RouterConfig::from_file(path)?, registry)
    }

    /// Parses routing TOML and builds the router (credentials from the environment).
    pub fn from_toml_str(text: &str, registry: &Registry) -> Result<Router> {
        let config = RouterConfig::parse("routing.toml", text, &|v| std::env::var(v).ok())?;
        Self::from_config(config, registry)
    }

    /// The instance names.
    pub fn instance_names(&self) -> Vec<&str> {
        self.instances.keys().map(String::as_str).collect()
    }

    /// An instance's provider.
    pub fn instance(&self, name: &str) -> Option<&Arc<dyn PaymentProvider>> {
        self.instances.get(name).map(|i| &i.provider)
    }

    /// Counters per instance.
    pub fn stats(&self) -> BTreeMap<String, InstanceStats> {
        self.instances
            .iter()
            .map(|(n, i)| (n.clone(), *i.stats.lock().unwrap_or_else(|p| p.into_inner())))
            .collect()
    }

    /// Which instances a payment would be tried on, in order, before cooldown is applied.
    pub fn plan(&self, req: &CreatePayment) -> Result<Vec<&str>> {
        if let Some(PaymentCustomer::Existing(cid)) = &req.customer {
            // A saved customer exists at one gateway only: the payment must go there.
            if let Ok(owner) = cid.as_str().parse::<RoutedId>()
                && let Some((name, _)) = self.instances.get_key_value(&owner.instance)
            {
                return Ok(vec![name.as_str()]);
            }
        }
        let rr = self.round_robin.fetch_add(1, Ordering::Relaxed);
        if let Some(rule) = self.rules.iter().find(|r| r.when.matches(req)) {
            tracing::debug!(rule = %rule.name, "routing rule matched");
            return Ok(rule.route.candidates(stickiness_key(req).as_deref(), rr));
        }
        self.default_instance.as_deref().map(|d| vec![d]).ok_or_else(|| {
            Error::invalid_request(
                "no routing rule matches this payment and no default instance is set",
            )
        })
    }

    /// `create_payment` over several candidates, each tried in turn while the previous one
    /// certainly did not take the payment.
    async fn create_with_fallback(&self, plan: Vec<&str>, req: CreatePayment) -> Result<Payment> {
        let mut last_err = None;
        let mut tried_any = false;
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
            let this = if i + 1 == plan.len() { req.take() } else { req.clone() };
            let Some(this) = this else { break };
            let result = self.call(inst, inst.provider.create_payment(this)).await;
            match result {
                Ok(mut p) => {
                    created(name, inst, &mut p);
                    return Ok(p);
                }
                Err(e) if certainly_not_taken(&e) && i + 1 < plan.len() => {
                    tracing::warn!(instance = %name, error = %e, "falling back to the next instance");
                    inst.stats.lock().unwrap_or_else(|p| p.into_inner()).fallbacks += 1;
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
        let (name, inst) = self.instances.get_key_value(&instance).ok_or_else(|| {
            Error::new(ErrorKind::NotFound, format!("no instance {instance:?} in this router"))
        })?;
        Ok((name.as_str(), inst, id))
    }

    /// Whether `inst` can be tried for `req` now: not cooling down, and taking its currency.
    fn takes(&self, inst: &Instance, req: &CreatePayment) -> bool {
        !self.cooling(inst) && inst.provider.capabilities().supports_currency(req.amount.currency())
    }

    fn cooling(&self, inst: &Instance) -> bool {
        let health = inst.health.lock().unwrap_or_else(|p| p.into_inner());
        health.cooled_until.is_some_and(|until| Instant::now() < until)
    }

    fn record<T>(&self, inst: &Instance, result: &Result<T>) {
        let mut health = inst.health.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(_) => *health = Health::default(),
            Err(e) if is_unavailability(e) => {
                health.consecutive_unavailable += 1;
                if health.consecutive_unavailable >= self.cooldown_failures {
                    health.cooled_until = Some(Instant::now() + self.cooldown);
                    health.consecutive_unavailable = 0;
                    tracing::warn!("instance cooling down after repeated unavailability");
                }
            }
            Err(_) => health.consecutive_unavailable = 0,
        }
        if result.is_err() {
            inst.stats.lock().unwrap_or_else(|p| p.into_inner()).errors += 1;
        }
    }

    /// `fut` (a call to `inst`), with its outcome recorded in the instance's health.
    async fn call<T>(&self, inst: &Instance, fut: impl Future<Output = Result<T>>) -> Result<T> {
        let result = fut.await;
        self.record(inst, &result);
        result
    }

    /// Lists one instance's payments.
    pub async fn list_payments_of(
        &self,
        instance: &str,
        query: ListPayments,
    ) -> Result<Page<Payment>> {
        let (name, inst) = self.instances.get_key_value(instance).ok_or_else(|| {
            Error::new(ErrorKind::NotFound, format!("no instance {instance:?} in this router"))
        })?;
        let page = self.call(inst, inst.provider.list_payments(query)).await?;
        Ok(Page {
            items: page.items.into_iter().map(|p| route_payment(name, p)).collect(),
            has_more: page.has_more,
            next: page.next,
            total: page.total,
        })
    }

    /// Verifies and parses a webhook that arrived for `instance` (e.g. on `/webhooks/{instance}`).
    pub fn parse_webhook_from(
        &self,
        instance: &str,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<WebhookEvent> {
        let (name, inst) = self.instances.get_key_value(instance).ok_or_else(|| {
            Error::new(ErrorKind::NotFound, format!("no instance {instance:?} in this router"))
        })?;
        let event = inst.provider.parse_webhook(headers, raw_body)?;
        Ok(route_event(name, event))
    }
}

/// A payment `inst` created: counted, and its ids routed.
fn created(name: &str, inst: &Instance, p: &mut Payment) {
    inst.stats.lock().unwrap_or_else(|p| p.into_inner()).payments_created += 1;
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

fn route_event(instance: &str, mut e: WebhookEvent) -> WebhookEvent {
    e.provider = ProviderId::new(instance);
    e.resource = match e.resource {
        WebhookResource::Payment(p) => WebhookResource::Payment(route_payment(instance, p)),
        WebhookResource::Refund(r) => WebhookResource::Refund(route_refund(instance, r)),
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
        &self.capabilities
    }

    async fn create_payment(&self, mut req: CreatePayment) -> Result<Payment> {
        req.validate()?;
        let plan = self.plan(&req)?;
        // One key for the logical payment, whichever instance takes it.
        req.idempotency_key.get_or_insert_with(IdempotencyKey::generate);
        if let Some(PaymentCustomer::Existing(cid)) = &req.customer
            && let Ok(routed) = cid.as_str().parse::<RoutedId>()
        {
            req.customer = Some(PaymentCustomer::Existing(CustomerId::from_stored(routed.id)));
        }
        if let [only] = plan.as_slice()
            && let Some((name, inst)) = self.instances.get_key_value(*only)
            && self.takes(inst, &req)
        {
            // One candidate: no copy of the request kept for a fallback that cannot happen.
            let mut payment = self.call(inst, inst.provider.create_payment(req)).await?;
            created(name, inst, &mut payment);
            return Ok(payment);
        }
        self.create_with_fallback(plan, req).await
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let p = self.call(inst, inst.provider.get_payment(&PaymentId::new(raw))).await?;
        Ok(route_payment(name, p))
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let p = self.call(inst, inst.provider.confirm_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let p = self.call(inst, inst.provider.capture_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let p = self.call(inst, inst.provider.cancel_payment(&PaymentId::new(raw), req)).await?;
        Ok(route_payment(name, p))
    }

    async fn create_refund(&self, mut req: CreateRefund) -> Result<Refund> {
        let (name, inst, raw) = self.owner(req.payment_id.as_str())?;
        req.payment_id = PaymentId::new(raw);
        let r = self.call(inst, inst.provider.create_refund(req)).await?;
        inst.stats.lock().unwrap_or_else(|p| p.into_inner()).refunds_created += 1;
        Ok(route_refund(name, r))
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let r = self.call(inst, inst.provider.get_refund(&RefundId::new(raw))).await?;
        Ok(route_refund(name, r))
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        let name = self.default_instance.as_ref().ok_or_else(|| {
            Error::invalid_request("create_customer needs a default instance in the router")
        })?;
        let inst = self
            .instances
            .get(name)
            .ok_or_else(|| Error::configuration("default instance missing"))?;
        let mut c = self.call(inst, inst.provider.create_customer(req)).await?;
        c.id = CustomerId::from_gateway(ids::join(name, c.id.as_str()));
        c.provider = ProviderId::new(name.as_str());
        Ok(c)
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        let (name, inst, raw) = self.owner(id.as_str())?;
        let mut c =
            self.call(inst, inst.provider.get_customer(&CustomerId::from_stored(raw))).await?;
        c.id = CustomerId::from_gateway(ids::join(name, c.id.as_str()));
        c.provider = ProviderId::new(name);
        Ok(c)
    }

    /// Tries each instance's verification; the signature decides which gateway sent it, so
    /// instances must not share a webhook secret.
    /// Prefer [`Router::parse_webhook_from`] when the endpoint tells the instance.
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let mut last = None;
        for (name, inst) in &self.instances {
            if !inst.provider.capabilities().supports(Operation::Webhooks) {
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
