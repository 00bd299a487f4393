//! Routing rules: conditions on a payment, and where matching payments go.

use std::collections::{BTreeMap, BTreeSet};

use paymux_core::{
    CaptureMode, CreatePayment, Currency, Decimal, Operation, PaymentCustomer, PaymentMethod,
};

/// What a payment must look like for a rule to apply. Empty conditions match every payment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// The payment's currency is one of these.
    pub currencies: Option<BTreeSet<Currency>>,
    /// The amount, in major units of the payment's currency, is at least the threshold of
    /// that currency. Thresholds are per currency because "100.00" is not the same sum in JPY
    /// and in KWD: a payment in a currency without a threshold does not match. Empty: no
    /// lower bound.
    pub amount_min: BTreeMap<Currency, Decimal>,
    /// The amount, in major units of the payment's currency, is at most the threshold of that
    /// currency (a currency without one does not match). Empty: no upper bound.
    pub amount_max: BTreeMap<Currency, Decimal>,
    /// The billing address country (ISO 3166 alpha-2) is one of these.
    pub countries: Option<BTreeSet<String>>,
    /// The payment method is one of these: `card`, `hosted_page`, or `none` (none given yet).
    pub payment_methods: Option<BTreeSet<String>>,
    /// The capture mode is this.
    pub capture: Option<CaptureMode>,
    /// Each of these metadata entries is present with this value.
    pub metadata: BTreeMap<String, String>,
}

impl Conditions {
    /// `true` when there is no condition at all.
    pub fn is_empty(&self) -> bool {
        self == &Conditions::default()
    }

    /// Whether `req` satisfies every condition.
    pub fn matches(&self, req: &CreatePayment) -> bool {
        let amount = req.amount.to_major();
        let currency = req.amount.currency();
        let country = req
            .billing
            .as_ref()
            .and_then(|b| b.address.as_ref())
            .and_then(|a| a.country.as_deref())
            .map(str::to_ascii_uppercase);
        let method = req.payment_method.as_ref().map_or("none", PaymentMethod::kind);
        self.currencies.as_ref().is_none_or(|c| c.contains(&req.amount.currency()))
            && (self.amount_min.is_empty()
                || self.amount_min.get(&currency).is_some_and(|min| amount >= *min))
            && (self.amount_max.is_empty()
                || self.amount_max.get(&currency).is_some_and(|max| amount <= *max))
            && self
                .countries
                .as_ref()
                .is_none_or(|set| country.as_ref().is_some_and(|c| set.contains(c)))
            && self.payment_methods.as_ref().is_none_or(|set| set.contains(method))
            && self.capture.is_none_or(|c| c == req.capture)
            && self.metadata.iter().all(|(k, v)| req.metadata.get(k) == Some(v))
    }

    /// Why the conditions can never hold, if they cannot.
    pub fn contradiction(&self) -> Option<String> {
        for (currency, min) in &self.amount_min {
            if let Some(max) = self.amount_max.get(currency)
                && min > max
            {
                let code = currency.code();
                return Some(format!("amount_min {min} {code} is above amount_max {max} {code}"));
            }
        }
        if let Some((c, _)) =
            self.amount_max.iter().find(|(_, max)| max.is_sign_negative() && !max.is_zero())
        {
            return Some(format!("amount_max is negative for {}", c.code()));
        }
        // Both bounds set: a currency bounded on one side only has no threshold on the other,
        // so it never matches; with no currency in both, nothing does.
        if !self.amount_min.is_empty()
            && !self.amount_max.is_empty()
            && !self.amount_min.keys().any(|c| self.amount_max.contains_key(c))
        {
            return Some("amount_min and amount_max name no currency in common".into());
        }
        if let Some(currencies) = &self.currencies {
            for (name, bounds) in
                [("amount_min", &self.amount_min), ("amount_max", &self.amount_max)]
            {
                if !bounds.is_empty() && !currencies.iter().any(|c| bounds.contains_key(c)) {
                    return Some(format!(
                        "{name} sets no threshold for any of its currencies ({})",
                        currencies.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        for (name, empty) in [
            ("currency", self.currencies.as_ref().is_some_and(BTreeSet::is_empty)),
            ("country", self.countries.as_ref().is_some_and(BTreeSet::is_empty)),
            ("payment_method", self.payment_methods.as_ref().is_some_and(BTreeSet::is_empty)),
        ] {
            if empty {
                return Some(format!("{name} is an empty list"));
            }
        }
        None
    }
}

/// Where matching payments go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Always this instance.
    Instance(String),
    /// One of these instances, chosen by weight, deterministically per customer (or merchant
    /// reference), so retries and returning customers land on the same instance.
    Split(Vec<(String, u32)>),
    /// The first instance; the next ones only when the previous certainly did not take the
    /// payment.
    Fallback(Vec<String>),
}

impl Route {
    /// Every instance the route can send to.
    pub fn instances(&self) -> Vec<&str> {
        match self {
            Route::Instance(i) => vec![i.as_str()],
            Route::Split(parts) => parts.iter().map(|(i, _)| i.as_str()).collect(),
            Route::Fallback(list) => list.iter().map(String::as_str).collect(),
        }
    }

    /// The candidates for one payment, in the order to try them.
    pub(crate) fn candidates(&self, stickiness: Option<&str>, round_robin: u64) -> Vec<&str> {
        match self {
            Route::Instance(i) => vec![i.as_str()],
            Route::Fallback(list) => list.iter().map(String::as_str).collect(),
            Route::Split(parts) => {
                let total: u64 = parts.iter().map(|(_, w)| u64::from(*w)).sum();
                if total == 0 {
                    return Vec::new();
                }
                let point = stickiness.map_or(round_robin, fnv1a) % total;
                let mut acc = 0_u64;
                for (instance, weight) in parts {
                    acc += u64::from(*weight);
                    if point < acc {
                        return vec![instance.as_str()];
                    }
                }
                Vec::new()
            }
        }
    }
}

/// A named rule: conditions and a route. Rules are tried in order; the first match wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's name, used in messages.
    pub name: String,
    /// What it matches.
    pub when: Conditions,
    /// Where it sends.
    pub route: Route,
    /// Operations every instance it routes to must support (`requires = ["webhooks"]`),
    /// checked at start-up.
    pub requires: BTreeSet<Operation>,
    /// Where it was written (`"routing.toml:12:1"`), for messages.
    pub(crate) position: Option<String>,
}

impl Rule {
    /// A rule matching every payment, sending to `route`.
    pub fn new(name: impl Into<String>, route: Route) -> Self {
        Rule {
            name: name.into(),
            when: Conditions::default(),
            route,
            requires: BTreeSet::new(),
            position: None,
        }
    }

    /// Requires every instance the rule routes to to support `op` (e.g.
    /// [`Operation::Webhooks`] when the service learns outcomes by webhook).
    pub fn requires(mut self, op: Operation) -> Self {
        self.requires.insert(op);
        self
    }

    /// Sets the conditions.
    pub fn when(mut self, when: Conditions) -> Self {
        self.when = when;
        self
    }

    pub(crate) fn label(&self) -> String {
        match &self.position {
            Some(p) => format!("{p}: rule {:?}", self.name),
            None => format!("rule {:?}", self.name),
        }
    }
}

/// What keeps a customer on one side of a split: the saved customer, else the inline email,
/// else the merchant reference, else the idempotency key.
pub(crate) fn stickiness_key(req: &CreatePayment) -> Option<String> {
    match &req.customer {
        Some(PaymentCustomer::Existing(id)) => return Some(format!("customer:{id}")),
        Some(PaymentCustomer::Inline(d)) if d.email.is_some() => {
            return d.email.as_ref().map(|e| format!("email:{}", e.to_ascii_lowercase()));
        }
        _ => {}
    }
    if let Some(r) = &req.merchant_reference {
        return Some(format!("reference:{r}"));
    }
    req.idempotency_key.as_ref().map(|k| format!("key:{k}"))
}

/// FNV-1a, 64 bit: stable across builds and platforms, unlike `DefaultHasher`.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
