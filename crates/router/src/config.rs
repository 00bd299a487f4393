//! The routing file: TOML read with serde, validated with messages that name the position.
//!
//! ```toml
//! [defaults]
//! instance = "paychtec_eu"          # where payments go when no rule matches
//! cooldown_failures = 3             # skip an instance after 3 unavailability errors in a row...
//! cooldown_seconds = 30             # ...for 30 s
//!
//! [instances.paychtec_eu]
//! kind = "paychtec"
//! environment = "sandbox"           # or "production"
//! credentials.api_key = { env = "PAYCHTEC_API_KEY" }
//! credentials.webhook_secret = { file = "/run/secrets/paychtec_webhook" }
//! options.profile_id = "pro_123"
//!
//! [[rules]]
//! name = "eur migration"
//! when = { currency = ["EUR"], amount_max = "5000.00" }
//! route = { split = [ { instance = "paychtec_eu", weight = 90 }, { instance = "paynectra", weight = 10 } ] }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use paymux_core::{CaptureMode, Decimal, Error, Result, SecretString, parse_currency};
use serde::Deserialize;
use toml::Spanned;

use crate::registry::{Environment, InstanceSpec};
use crate::rules::{Conditions, Route, Rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileToml {
    #[serde(default)]
    defaults: DefaultsToml,
    instances: BTreeMap<String, Spanned<InstanceToml>>,
    #[serde(default)]
    rules: Vec<Spanned<RuleToml>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsToml {
    instance: Option<Spanned<String>>,
    cooldown_failures: Option<u32>,
    cooldown_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceToml {
    kind: Spanned<String>,
    #[serde(default)]
    environment: Environment,
    base_url: Option<String>,
    #[serde(default)]
    credentials: BTreeMap<String, Spanned<SecretToml>>,
    #[serde(default)]
    options: BTreeMap<String, String>,
}

/// A credential as written: a `{ env = ... }` / `{ file = ... }` table, or (refused) an inline
/// value, which is never kept nor echoed in messages.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SecretToml {
    Table(SecretTable),
    Inline(serde::de::IgnoredAny),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretTable {
    env: Option<String>,
    file: Option<PathBuf>,
}

impl SecretToml {
    fn source(&self) -> std::result::Result<SecretSource, &'static str> {
        match self {
            SecretToml::Table(SecretTable { env: Some(v), file: None }) => {
                Ok(SecretSource::Env(v.clone()))
            }
            SecretToml::Table(SecretTable { env: None, file: Some(p) }) => {
                Ok(SecretSource::File(p.clone()))
            }
            SecretToml::Table(_) => Err("a credential sets exactly one of env or file"),
            SecretToml::Inline(_) => Err(
                "credentials are read from { env = \"VAR\" } or { file = \"path\" }, never written inline",
            ),
        }
    }
}

/// Where a secret comes from. Secrets are never written in the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable's value.
    Env(String),
    /// A file's content, trailing newline removed.
    File(PathBuf),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    name: String,
    #[serde(default)]
    when: WhenToml,
    route: RouteToml,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenToml {
    currency: Option<Vec<String>>,
    amount_min: Option<Decimal>,
    amount_max: Option<Decimal>,
    country: Option<Vec<String>>,
    payment_method: Option<Vec<String>>,
    capture: Option<CaptureMode>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteToml {
    instance: Option<String>,
    split: Option<Vec<SplitToml>>,
    fallback: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitToml {
    instance: String,
    weight: u32,
}

/// A parsed and resolved routing file, ready for [`crate::Router::from_config`].
#[derive(Debug)]
pub struct RouterConfig {
    pub(crate) instances: Vec<(InstanceSpec, String)>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) default_instance: Option<(String, String)>,
    pub(crate) cooldown_failures: u32,
    pub(crate) cooldown_seconds: u64,
}

/// Looks up environment variables; replaceable in tests.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn at(&self, span: Range<usize>) -> String {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{col}", self.name)
    }
}

const METHODS: [&str; 3] = ["card", "hosted_page", "none"];

impl RouterConfig {
    /// Reads and resolves a routing file (credentials from the process environment).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::configuration(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&path.display().to_string(), &text, &|v| std::env::var(v).ok())
    }

    /// Parses `text` (named `source_name` in messages), resolving credentials with `env`.
    pub fn parse(source_name: &str, text: &str, env: EnvLookup<'_>) -> Result<Self> {
        let src = Source { name: source_name, text };
        let file: FileToml = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or_else(|| source_name.to_owned(), |s| src.at(s));
            Error::configuration(format!("{at}: {}", e.message()))
        })?;
        let mut instances = Vec::new();
        for (name, spanned) in &file.instances {
            let at = src.at(spanned.span());
            if name.is_empty()
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(Error::configuration(format!(
                    "{at}: instance name {name:?} may only hold letters, digits, '_' and '-'"
                )));
            }
            let inst = spanned.get_ref();
            let mut spec = InstanceSpec::new(name.clone(), inst.kind.get_ref().clone());
            spec.environment = inst.environment;
            spec.base_url = inst.base_url.clone();
            spec.options = inst.options.clone();
            for (cred, source) in &inst.credentials {
                let cred_at = src.at(source.span());
                let resolved = source.get_ref().source().map_err(|why| {
                    Error::configuration(format!("{cred_at}: instance {name:?}: {cred}: {why}"))
                })?;
                let value = match &resolved {
                    SecretSource::Env(var) => env(var).ok_or_else(|| {
                        Error::configuration(format!(
                            "{cred_at}: instance {name:?}: environment variable {var} is not set"
                        ))
                    })?,
                    SecretSource::File(path) => std::fs::read_to_string(path)
                        .map(|s| s.trim_end_matches(['\n', '\r']).to_owned())
                        .map_err(|e| {
                            Error::configuration(format!(
                                "{cred_at}: instance {name:?}: cannot read {}: {e}",
                                path.display()
                            ))
                        })?,
                };
                spec.credentials.insert(cred.clone(), SecretString::from(value));
            }
            instances.push((spec, src.at(inst.kind.span())));
        }
        let mut rules = Vec::new();
        for spanned in &file.rules {
            let at = src.at(spanned.span());
            rules.push(convert_rule(spanned.get_ref(), at)?);
        }
        Ok(RouterConfig {
            instances,
            rules,
            default_instance: file
                .defaults
                .instance
                .as_ref()
                .map(|s| (s.get_ref().clone(), src.at(s.span()))),
            cooldown_failures: file.defaults.cooldown_failures.unwrap_or(3),
            cooldown_seconds: file.defaults.cooldown_seconds.unwrap_or(30),
        })
    }
}

fn convert_rule(r: &RuleToml, at: String) -> Result<Rule> {
    let fail = |msg: String| Error::configuration(format!("{at}: rule {:?}: {msg}", r.name));
    let currencies = match &r.when.currency {
        None => None,
        Some(list) => Some(
            list.iter()
                .map(|c| parse_currency(c).map_err(|e| fail(e.to_string())))
                .collect::<Result<BTreeSet<_>>>()?,
        ),
    };
    if let Some(methods) = &r.when.payment_method
        && let Some(bad) = methods.iter().find(|m| !METHODS.contains(&m.as_str()))
    {
        return Err(fail(format!(
            "unknown payment_method {bad:?} (known: card, hosted_page, none)"
        )));
    }
    let when = Conditions {
        currencies,
        amount_min: r.when.amount_min,
        amount_max: r.when.amount_max,
        countries: r
            .when
            .country
            .as_ref()
            .map(|l| l.iter().map(|c| c.to_ascii_uppercase()).collect()),
        payment_methods: r.when.payment_method.as_ref().map(|l| l.iter().cloned().collect()),
        capture: r.when.capture,
        metadata: r.when.metadata.clone(),
    };
    let route = match (&r.route.instance, &r.route.split, &r.route.fallback) {
        (Some(i), None, None) => Route::Instance(i.clone()),
        (None, Some(parts), None) => {
            Route::Split(parts.iter().map(|p| (p.instance.clone(), p.weight)).collect())
        }
        (None, None, Some(list)) => Route::Fallback(list.clone()),
        _ => return Err(fail("route must set exactly one of instance, split, fallback".into())),
    };
    Ok(Rule { name: r.name.clone(), when, route, position: Some(at) })
}
