//! The routing file: TOML (or any serde format) checked key by key, every mistake reported at
//! once, each message naming `file:line:column` when the text is TOML, else the key's path.
//!
//! The file is read into a small tree of values first ([`Node`]) instead of straight into typed
//! structs: serde stops at the first mistake, and a configuration check that shows one error
//! per run makes a user fix a file one line at a time.
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
//! when = { currency = ["EUR"], amount_max = { EUR = "5000.00" } }
//! route = { split = [ { instance = "paychtec_eu", weight = 90 }, { instance = "paynectra", weight = 10 } ] }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use paymux_core::{CaptureMode, Currency, Decimal, Error, Operation, Result, SecretString};
use serde::Deserialize;

use crate::registry::{Environment, InstanceSpec};
use crate::rules::{Conditions, Route, Rule};

/// Where a secret comes from. Secrets are never written in the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable's value.
    Env(String),
    /// A file's content, trailing newline removed.
    File(PathBuf),
}

impl SecretSource {
    /// The secret's value, or why it cannot be read (naming the variable or file, never the
    /// value).
    pub(crate) fn read(&self, env: EnvLookup<'_>) -> std::result::Result<SecretString, String> {
        match self {
            SecretSource::Env(var) => env(var)
                .map(SecretString::from)
                .ok_or_else(|| format!("environment variable {var} is not set")),
            SecretSource::File(path) => std::fs::read_to_string(path)
                .map(|s| SecretString::from(s.trim_end_matches(['\n', '\r']).to_owned()))
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// Looks up environment variables; replaceable in tests.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One instance as configured. Credentials read with [`RouterConfig::parse`] are resolved;
/// those of a configuration deserialized with serde are resolved by
/// [`crate::Router::from_config`], from the process environment.
#[derive(Debug, Clone)]
pub(crate) struct InstanceConfig {
    pub(crate) spec: InstanceSpec,
    /// Where `kind` is written: the instance's position in messages.
    pub(crate) at: String,
    pub(crate) unresolved: BTreeMap<String, SecretSource>,
    /// Where each credential and option key is written, for messages about them.
    pub(crate) credential_at: BTreeMap<String, String>,
    pub(crate) option_at: BTreeMap<String, String>,
}

/// A parsed routing file, ready for [`crate::Router::from_config`] or
/// [`crate::Router::reload`].
///
/// Read one with [`RouterConfig::from_file`] / [`RouterConfig::parse`] (messages name
/// `file:line:column`), or embed it in your application's own configuration: it implements
/// [`serde::Deserialize`] (messages then name the key's path, `instances.eu.options`), and its
/// credentials are read from the process environment or files when the router is built.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct AppConfig {
///     listen: String,
///     routing: paymux::router::RouterConfig,
/// }
/// let app: AppConfig = toml::from_str(r#"
///     listen = "0.0.0.0:8080"
///     [routing.instances.main]
///     kind = "mock"
///     [routing.defaults]
///     instance = "main"
/// "#).expect("valid");
/// let router = paymux::router::Router::from_config(app.routing, &paymux::registry())?;
/// assert_eq!(router.instance_names(), ["main"]);
/// # Ok::<(), paymux::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RouterConfig {
    pub(crate) instances: Vec<InstanceConfig>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) default_instance: Option<(String, String)>,
    pub(crate) cooldown_failures: u32,
    pub(crate) cooldown_seconds: u64,
    /// Operations every instance must support (`[defaults] requires`), with where it is written.
    pub(crate) requires: Option<(BTreeSet<Operation>, String)>,
    /// Instances and rules that had a mistake: left out, and not reported again as unknown.
    pub(crate) broken: BTreeSet<String>,
}

impl RouterConfig {
    /// Reads and resolves a routing file (credentials from the process environment).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::configuration(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&path.display().to_string(), &text, &|v| std::env::var(v).ok())
    }

    /// Parses `text` (named `source_name` in messages), resolving credentials with `env`.
    /// Every mistake is reported, one per line of the error's message.
    pub fn parse(source_name: &str, text: &str, env: EnvLookup<'_>) -> Result<Self> {
        let (config, errors) = Self::parse_all(source_name, text, env);
        if errors.is_empty() { Ok(config) } else { Err(Error::configuration(errors.join("\n"))) }
    }

    /// Like [`RouterConfig::parse`], but keeps what is valid and returns the mistakes, so the
    /// router's own checks can be reported with them.
    pub(crate) fn parse_all(
        source_name: &str,
        text: &str,
        env: EnvLookup<'_>,
    ) -> (RouterConfig, Vec<String>) {
        let mut check = Check { source: Some((source_name, text)), errors: Vec::new() };
        let (doc, syntax) = toml::de::DeTable::parse_recoverable(text);
        for e in syntax {
            let at = e.span().map_or_else(|| source_name.to_owned(), |s| check.pos(Some(&s), ""));
            check.errors.push(format!("{at}: {}", e.message().trim_end()));
        }
        if !check.errors.is_empty() {
            // A file that is not TOML has no structure worth checking further.
            return (RouterConfig::empty(), check.errors);
        }
        let span = doc.span();
        let node = Node { val: Val::from_table(doc.into_inner()), span: Some(span) };
        let config = check.config(&node, Some(env));
        (config, check.errors)
    }

    fn empty() -> Self {
        RouterConfig {
            instances: Vec::new(),
            rules: Vec::new(),
            default_instance: None,
            cooldown_failures: 3,
            cooldown_seconds: 30,
            requires: None,
            broken: BTreeSet::new(),
        }
    }

    /// The instance names, sorted.
    pub fn instance_names(&self) -> Vec<&str> {
        self.instances.iter().map(|i| i.spec.name.as_str()).collect()
    }
}

impl<'de> Deserialize<'de> for RouterConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        let node = Node::from_value(value);
        let mut check = Check { source: None, errors: Vec::new() };
        let config = check.config(&node, None);
        if check.errors.is_empty() {
            Ok(config)
        } else {
            Err(serde::de::Error::custom(check.errors.join("\n")))
        }
    }
}

/// One value of the file, with its byte range when read from TOML text.
#[derive(Debug)]
struct Node {
    val: Val,
    span: Option<Range<usize>>,
}

#[derive(Debug)]
enum Val {
    Str(String),
    /// `None` when it does not fit an `i64`.
    Int(Option<i64>),
    Float(String),
    Bool,
    Datetime,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_span: Option<Range<usize>>,
    node: Node,
}

impl Val {
    fn from_table(t: toml::de::DeTable<'_>) -> Val {
        Val::Table(
            t.into_iter()
                .map(|(k, v)| Entry {
                    key_span: Some(k.span()),
                    key: k.into_inner().into_owned(),
                    node: Node::from_de(v),
                })
                .collect(),
        )
    }
}

impl Node {
    fn from_de(v: toml::Spanned<toml::de::DeValue<'_>>) -> Node {
        use toml::de::DeValue;
        let span = Some(v.span());
        let val = match v.into_inner() {
            DeValue::String(s) => Val::Str(s.into_owned()),
            DeValue::Integer(i) => Val::Int(i64::from_str_radix(i.as_str(), i.radix()).ok()),
            DeValue::Float(f) => Val::Float(f.as_str().to_owned()),
            DeValue::Boolean(_) => Val::Bool,
            DeValue::Datetime(_) => Val::Datetime,
            DeValue::Array(a) => Val::Array(a.into_iter().map(Node::from_de).collect()),
            DeValue::Table(t) => Val::from_table(t),
        };
        Node { val, span }
    }

    fn from_value(v: toml::Value) -> Node {
        use toml::Value;
        let val = match v {
            Value::String(s) => Val::Str(s),
            Value::Integer(i) => Val::Int(Some(i)),
            Value::Float(f) => Val::Float(f.to_string()),
            Value::Boolean(_) => Val::Bool,
            Value::Datetime(_) => Val::Datetime,
            Value::Array(a) => Val::Array(a.into_iter().map(Node::from_value).collect()),
            Value::Table(t) => Val::Table(
                t.into_iter()
                    .map(|(key, v)| Entry { key, key_span: None, node: Node::from_value(v) })
                    .collect(),
            ),
        };
        Node { val, span: None }
    }

    fn type_name(&self) -> &'static str {
        match self.val {
            Val::Str(_) => "text",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool => "a boolean",
            Val::Datetime => "a date",
            Val::Array(_) => "a list",
            Val::Table(_) => "a table",
        }
    }
}

/// A table's entries by key, each with its path (`instances.eu.kind`) for messages.
struct Fields<'n> {
    path: String,
    entries: BTreeMap<&'n str, &'n Entry>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<(&'n Node, String)> {
        self.entries.get(key).map(|e| (&e.node, join_path(&self.path, key)))
    }
}

fn join_path(path: &str, key: &str) -> String {
    let key = if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if path.is_empty() { key } else { format!("{path}.{key}") }
}

/// Collects every mistake, each prefixed with where it is.
struct Check<'a> {
    /// The file's name and text, when read from TOML text.
    source: Option<(&'a str, &'a str)>,
    errors: Vec<String>,
}

const METHODS: [&str; 3] = ["card", "hosted_page", "none"];

impl Check<'_> {
    /// `file:line:column` of `span`, or the key path when there is no text to point into.
    fn pos(&self, span: Option<&Range<usize>>, path: &str) -> String {
        match (self.source, span) {
            (Some((name, text)), Some(span)) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{name}:{line}:{col}")
            }
            (Some((name, _)), None) if path.is_empty() => name.to_owned(),
            _ if path.is_empty() => "routing configuration".to_owned(),
            _ => path.to_owned(),
        }
    }

    fn at(&self, node: &Node, path: &str) -> String {
        self.pos(node.span.as_ref(), path)
    }

    fn fail(&mut self, at: String, msg: impl fmt::Display) {
        self.errors.push(format!("{at}: {msg}"));
    }

    /// The entries of a table whose keys must be among `known`; every other key is reported,
    /// with the nearest known one when it looks like a misspelling.
    fn table<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        known: &[&str],
    ) -> Option<Fields<'n>> {
        let Val::Table(entries) = &node.val else {
            let at = self.at(node, path);
            self.fail(at, format!("{what} must be a table, found {}", node.type_name()));
            return None;
        };
        let mut fields = Fields { path: path.to_owned(), entries: BTreeMap::new() };
        for e in entries {
            if known.contains(&e.key.as_str()) {
                fields.entries.insert(e.key.as_str(), e);
            } else {
                let at = self.pos(e.key_span.as_ref(), &join_path(path, &e.key));
                let expected = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>();
                let hint = did_you_mean(&e.key, known.iter().copied())
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                self.fail(
                    at,
                    format!(
                        "unknown field `{}` in {what}{hint}, expected one of {}",
                        e.key,
                        expected.join(", ")
                    ),
                );
            }
        }
        Some(fields)
    }

    fn string(&mut self, node: &Node, path: &str, what: &str) -> Option<String> {
        match &node.val {
            Val::Str(s) => Some(s.clone()),
            _ => {
                let at = self.at(node, path);
                self.fail(at, format!("{what} must be text, found {}", node.type_name()));
                None
            }
        }
    }

    fn strings(&mut self, node: &Node, path: &str, what: &str) -> Option<Vec<String>> {
        let Val::Array(items) = &node.val else {
            let at = self.at(node, path);
            self.fail(at, format!("{what} must be a list of text, found {}", node.type_name()));
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.string(item, &format!("{path}[{i}]"), what) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn integer<T: TryFrom<i64>>(&mut self, node: &Node, path: &str, what: &str) -> Option<T> {
        let parsed = match node.val {
            Val::Int(Some(i)) => T::try_from(i).ok(),
            _ => None,
        };
        if parsed.is_none() {
            let at = self.at(node, path);
            let found = match node.val {
                Val::Int(_) => "an integer out of range".to_owned(),
                _ => node.type_name().to_owned(),
            };
            self.fail(at, format!("{what} must be a whole number, found {found}"));
        }
        parsed
    }

    fn operations(&mut self, node: &Node, path: &str, what: &str) -> Option<BTreeSet<Operation>> {
        let names = self.strings(node, path, what)?;
        let mut ops = BTreeSet::new();
        let mut ok = true;
        for name in names {
            match Operation::ALL.iter().find(|op| op.as_str() == name) {
                Some(op) => {
                    ops.insert(*op);
                }
                None => {
                    ok = false;
                    let hint = did_you_mean(&name, Operation::ALL.iter().map(|op| op.as_str()))
                        .map(|k| format!(" (did you mean {k:?}?)"))
                        .unwrap_or_default();
                    let at = self.at(node, path);
                    self.fail(at, format!("{what}: unknown operation {name:?}{hint}"));
                }
            }
        }
        ok.then_some(ops)
    }

    /// The whole file. What is wrong is reported and left out; what is right is kept.
    fn config(&mut self, root: &Node, env: Option<EnvLookup<'_>>) -> RouterConfig {
        let mut config = RouterConfig::empty();
        let Some(top) =
            self.table(root, "", "the routing file", &["defaults", "instances", "rules"])
        else {
            return config;
        };
        if let Some((node, path)) = top.get("defaults") {
            self.defaults(node, &path, &mut config);
        }
        match top.get("instances") {
            Some((node, path)) => {
                if let Val::Table(entries) = &node.val {
                    for e in entries {
                        let path = join_path(&path, &e.key);
                        let before = self.errors.len();
                        let inst = self.instance(e, &path, env);
                        if self.errors.len() != before {
                            // Kept so its keys are still checked against its kind, but
                            // never built.
                            config.broken.insert(e.key.clone());
                        }
                        config.instances.extend(inst);
                    }
                } else {
                    let at = self.at(node, &path);
                    self.fail(at, format!("instances must be a table, found {}", node.type_name()));
                }
            }
            None => {
                let at = self.pos(None, "");
                self.fail(at, "missing field `instances`: at least one [instances.NAME] table");
            }
        }
        if let Some((node, path)) = top.get("rules") {
            if let Val::Array(items) = &node.val {
                for (i, item) in items.iter().enumerate() {
                    if let Some(rule) = self.rule(item, &format!("{path}[{i}]")) {
                        config.rules.push(rule);
                    }
                }
            } else {
                let at = self.at(node, &path);
                self.fail(
                    at,
                    format!(
                        "rules must be a list of tables ([[rules]]), found {}",
                        node.type_name()
                    ),
                );
            }
        }
        config
    }

    fn defaults(&mut self, node: &Node, path: &str, config: &mut RouterConfig) {
        let known = ["instance", "cooldown_failures", "cooldown_seconds", "requires"];
        let Some(f) = self.table(node, path, "[defaults]", &known) else { return };
        if let Some((n, p)) = f.get("instance")
            && let Some(name) = self.string(n, &p, "defaults.instance")
        {
            config.default_instance = Some((name, self.at(n, &p)));
        }
        if let Some((n, p)) = f.get("cooldown_failures")
            && let Some(v) = self.integer::<u32>(n, &p, "defaults.cooldown_failures")
        {
            config.cooldown_failures = v;
        }
        if let Some((n, p)) = f.get("cooldown_seconds")
            && let Some(v) = self.integer::<u64>(n, &p, "defaults.cooldown_seconds")
        {
            config.cooldown_seconds = v;
        }
        if let Some((n, p)) = f.get("requires")
            && let Some(ops) = self.operations(n, &p, "defaults.requires")
        {
            config.requires = Some((ops, self.at(n, &p)));
        }
    }

    fn instance(
        &mut self,
        entry: &Entry,
        path: &str,
        env: Option<EnvLookup<'_>>,
    ) -> Option<InstanceConfig> {
        let name = entry.key.as_str();
        let here = self.pos(entry.key_span.as_ref(), path);
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.fail(
                here.clone(),
                format!("instance name {name:?} may only hold letters, digits, '_' and '-'"),
            );
        }
        let what = format!("instance {name:?}");
        let known = ["kind", "environment", "base_url", "credentials", "options"];
        let f = self.table(&entry.node, path, &what, &known)?;
        let kind = match f.get("kind") {
            Some((n, p)) => {
                self.string(n, &p, &format!("{what}: kind")).map(|k| (k, self.at(n, &p)))
            }
            None => {
                self.fail(here.clone(), format!("{what}: missing field `kind`"));
                None
            }
        };
        let mut spec = InstanceSpec::new(name, String::new());
        if let Some((n, p)) = f.get("environment")
            && let Some(text) = self.string(n, &p, &format!("{what}: environment"))
        {
            match text.as_str() {
                "sandbox" => spec.environment = Environment::Sandbox,
                "production" => spec.environment = Environment::Production,
                other => {
                    let at = self.at(n, &p);
                    self.fail(
                        at,
                        format!("{what}: environment {other:?} is neither \"sandbox\" nor \"production\""),
                    );
                }
            }
        }
        if let Some((n, p)) = f.get("base_url") {
            spec.base_url = self.string(n, &p, &format!("{what}: base_url"));
        }
        let mut out = InstanceConfig {
            spec,
            at: here,
            unresolved: BTreeMap::new(),
            credential_at: BTreeMap::new(),
            option_at: BTreeMap::new(),
        };
        if let Some((n, p)) = f.get("options")
            && let Val::Table(entries) = &n.val
        {
            for e in entries {
                let key_path = join_path(&p, &e.key);
                let key_at = self.pos(e.key_span.as_ref(), &key_path);
                let value = match &e.node.val {
                    Val::Str(s) => Some(s.clone()),
                    // A number is unambiguous as text; kinds read options as text.
                    Val::Int(Some(i)) => Some(i.to_string()),
                    _ => {
                        let at = self.at(&e.node, &key_path);
                        self.fail(
                            at,
                            format!(
                                "{what}: option {} must be text, found {}",
                                e.key,
                                e.node.type_name()
                            ),
                        );
                        None
                    }
                };
                if let Some(v) = value {
                    out.spec.options.insert(e.key.clone(), v);
                    out.option_at.insert(e.key.clone(), key_at);
                }
            }
        } else if let Some((n, p)) = f.get("options") {
            let at = self.at(n, &p);
            self.fail(at, format!("{what}: options must be a table, found {}", n.type_name()));
        }
        if let Some((n, p)) = f.get("credentials")
            && let Val::Table(entries) = &n.val
        {
            for e in entries {
                let key_path = join_path(&p, &e.key);
                let at = self.at(&e.node, &key_path);
                out.credential_at.insert(e.key.clone(), self.pos(e.key_span.as_ref(), &key_path));
                let Some(source) = self.secret_source(&e.node, &key_path, &what, &e.key) else {
                    continue;
                };
                match env {
                    Some(env) => match source.read(env) {
                        Ok(secret) => {
                            out.spec.credentials.insert(e.key.clone(), secret);
                        }
                        Err(why) => self.fail(at, format!("{what}: {why}")),
                    },
                    None => {
                        out.unresolved.insert(e.key.clone(), source);
                    }
                }
            }
        } else if let Some((n, p)) = f.get("credentials") {
            let at = self.at(n, &p);
            self.fail(at, format!("{what}: credentials must be a table, found {}", n.type_name()));
        }
        let (kind, kind_at) = kind?;
        out.spec.kind = kind;
        out.at = kind_at;
        Some(out)
    }

    /// A credential's `{ env = ... }` / `{ file = ... }`. An inline value is refused without
    /// being echoed.
    fn secret_source(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
        name: &str,
    ) -> Option<SecretSource> {
        let at = self.at(node, path);
        let Val::Table(_) = node.val else {
            self.fail(
                at,
                format!("{what}: {name}: credentials are read from {{ env = \"VAR\" }} or {{ file = \"path\" }}, never written inline"),
            );
            return None;
        };
        let f = self.table(node, path, &format!("{what}: credential {name}"), &["env", "file"])?;
        let env =
            f.get("env").and_then(|(n, p)| self.string(n, &p, &format!("{what}: {name}.env")));
        let file =
            f.get("file").and_then(|(n, p)| self.string(n, &p, &format!("{what}: {name}.file")));
        match (env, file, f.entries.len()) {
            (Some(v), None, 1) => Some(SecretSource::Env(v)),
            (None, Some(p), 1) => Some(SecretSource::File(PathBuf::from(p))),
            (_, _, 1) => None,
            _ => {
                self.fail(
                    at,
                    format!("{what}: {name}: a credential sets exactly one of env or file"),
                );
                None
            }
        }
    }

    fn rule(&mut self, node: &Node, path: &str) -> Option<Rule> {
        let at = self.at(node, path);
        let errors_before = self.errors.len();
        let name = match &node.val {
            Val::Table(entries) => entries
                .iter()
                .find(|e| e.key == "name")
                .and_then(|e| if let Val::Str(s) = &e.node.val { Some(s.clone()) } else { None }),
            _ => None,
        };
        let what = match &name {
            Some(n) => format!("rule {n:?}"),
            None => "rule".to_owned(),
        };
        let f = self.table(node, path, &what, &["name", "when", "route", "requires"])?;
        // Messages about the rule's content start as the router's own rule messages do.
        let mut scoped = Check { source: self.source, errors: Vec::new() };
        if let Some((n, p)) = f.get("name") {
            scoped.string(n, &p, "name");
        } else {
            scoped.fail(at.clone(), "missing field `name`");
        }
        let when = match f.get("when") {
            Some((n, p)) => scoped.conditions(n, &p),
            None => Some(Conditions::default()),
        };
        let route = match f.get("route") {
            Some((n, p)) => scoped.route(n, &p),
            None => {
                scoped.fail(at.clone(), "missing field `route`");
                None
            }
        };
        let requires = match f.get("requires") {
            Some((n, p)) => scoped.operations(n, &p, "requires"),
            None => Some(BTreeSet::new()),
        };
        for e in scoped.errors {
            // "file:1:2: msg" -> "file:1:2: rule "x": msg" (the rule's own position is kept
            // when the mistake has none of its own).
            match e.split_once(": ") {
                Some((pos, msg)) => self.errors.push(format!("{pos}: {what}: {msg}")),
                None => self.errors.push(format!("{at}: {what}: {e}")),
            }
        }
        if self.errors.len() != errors_before {
            return None;
        }
        Some(Rule {
            name: name?,
            when: when?,
            route: route?,
            requires: requires?,
            position: Some(at),
        })
    }

    fn conditions(&mut self, node: &Node, path: &str) -> Option<Conditions> {
        let known = [
            "currency",
            "amount_min",
            "amount_max",
            "country",
            "payment_method",
            "capture",
            "metadata",
        ];
        let f = self.table(node, path, "when", &known)?;
        let before = self.errors.len();
        let mut when = Conditions::default();
        if let Some((n, p)) = f.get("currency")
            && self.strings(n, &p, "currency").is_some()
            && let Val::Array(items) = &n.val
        {
            let mut set = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                let Val::Str(code) = &item.val else { continue };
                match paymux_core::parse_currency(code) {
                    Ok(c) => {
                        set.insert(c);
                    }
                    Err(e) => {
                        let at = self.at(item, &format!("{p}[{i}]"));
                        self.fail(at, e);
                    }
                }
            }
            when.currencies = Some(set);
        }
        for (key, slot) in
            [("amount_min", &mut when.amount_min), ("amount_max", &mut when.amount_max)]
        {
            if let Some((n, p)) = f.get(key) {
                *slot = self.thresholds(n, &p, key);
            }
        }
        if let Some((n, p)) = f.get("country")
            && let Some(list) = self.strings(n, &p, "country")
        {
            when.countries = Some(list.iter().map(|c| c.to_ascii_uppercase()).collect());
        }
        if let Some((n, p)) = f.get("payment_method")
            && let Some(list) = self.strings(n, &p, "payment_method")
        {
            if let Some(bad) = list.iter().find(|m| !METHODS.contains(&m.as_str())) {
                let at = self.at(n, &p);
                self.fail(
                    at,
                    format!("unknown payment_method {bad:?} (known: card, hosted_page, none)"),
                );
            }
            when.payment_methods = Some(list.into_iter().collect());
        }
        if let Some((n, p)) = f.get("capture")
            && let Some(text) = self.string(n, &p, "capture")
        {
            match text.as_str() {
                "automatic" => when.capture = Some(CaptureMode::Automatic),
                "manual" => when.capture = Some(CaptureMode::Manual),
                other => {
                    let at = self.at(n, &p);
                    self.fail(
                        at,
                        format!("capture {other:?} is neither \"automatic\" nor \"manual\""),
                    );
                }
            }
        }
        if let Some((n, p)) = f.get("metadata")
            && let Val::Table(entries) = &n.val
        {
            for e in entries {
                if let Some(v) =
                    self.string(&e.node, &join_path(&p, &e.key), &format!("metadata {}", e.key))
                {
                    when.metadata.insert(e.key.clone(), v);
                }
            }
        } else if let Some((n, p)) = f.get("metadata") {
            let at = self.at(n, &p);
            self.fail(at, format!("metadata must be a table, found {}", n.type_name()));
        }
        (self.errors.len() == before).then_some(when)
    }

    /// `{ EUR = "5000.00", USD = "5500.00" }`: one threshold per currency, in major units as
    /// text. A bare amount is refused: "100.00" is not the same sum in JPY and in KWD.
    fn thresholds(&mut self, node: &Node, path: &str, key: &str) -> BTreeMap<Currency, Decimal> {
        let at = self.at(node, path);
        let mut out = BTreeMap::new();
        let entries = match &node.val {
            Val::Table(entries) => entries,
            Val::Str(s) => {
                self.fail(
                    at,
                    format!("{key} {s:?} has no currency: amounts are compared per currency, write {key} = {{ EUR = {s:?} }} (one threshold per currency)"),
                );
                return out;
            }
            Val::Float(f) => {
                self.fail(
                    at,
                    format!("{key} {f} has no currency and is a TOML float: write {key} = {{ EUR = \"{f}\" }}"),
                );
                return out;
            }
            _ => {
                self.fail(
                    at,
                    format!("{key} must be a table of thresholds per currency ({key} = {{ EUR = \"100.00\" }}), found {}", node.type_name()),
                );
                return out;
            }
        };
        for e in entries {
            let entry_path = join_path(path, &e.key);
            let key_at = self.pos(e.key_span.as_ref(), &entry_path);
            let value_at = self.at(&e.node, &entry_path);
            let currency = match paymux_core::parse_currency(&e.key) {
                Ok(c) => Some(c),
                Err(err) => {
                    self.fail(key_at, format!("{key}: {err}"));
                    None
                }
            };
            let amount = match &e.node.val {
                Val::Str(s) => match Decimal::from_str(s.trim()) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        self.fail(
                            value_at,
                            format!("{key}.{}: {s:?} is not a decimal amount", e.key),
                        );
                        None
                    }
                },
                Val::Float(f) => {
                    self.fail(
                        value_at,
                        format!("{key}.{}: {f} is a TOML float, and amounts are never floats: write \"{f}\"", e.key),
                    );
                    None
                }
                Val::Int(_) => {
                    self.fail(
                        value_at,
                        format!("{key}.{}: write the amount as text in major units (\"100.00\"), found {}", e.key, e.node.type_name()),
                    );
                    None
                }
                _ => {
                    self.fail(
                        value_at,
                        format!(
                            "{key}.{}: the amount must be text (\"100.00\"), found {}",
                            e.key,
                            e.node.type_name()
                        ),
                    );
                    None
                }
            };
            if let (Some(c), Some(a)) = (currency, amount) {
                out.insert(c, a);
            }
        }
        out
    }

    fn route(&mut self, node: &Node, path: &str) -> Option<Route> {
        let f = self.table(node, path, "route", &["instance", "split", "fallback"])?;
        let at = self.at(node, path);
        match (f.get("instance"), f.get("split"), f.get("fallback")) {
            (Some((n, p)), None, None) => self.string(n, &p, "route.instance").map(Route::Instance),
            (None, Some((n, p)), None) => {
                let Val::Array(items) = &n.val else {
                    let at = self.at(n, &p);
                    self.fail(at, format!("route.split must be a list, found {}", n.type_name()));
                    return None;
                };
                let mut parts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{p}[{i}]");
                    let f = self.table(item, &item_path, "a split", &["instance", "weight"])?;
                    let here = self.at(item, &item_path);
                    let instance =
                        f.get("instance").and_then(|(n, p)| self.string(n, &p, "split instance"));
                    let weight = f
                        .get("weight")
                        .and_then(|(n, p)| self.integer::<u32>(n, &p, "split weight"));
                    if f.get("instance").is_none() || f.get("weight").is_none() {
                        self.fail(here, "a split part sets both instance and weight");
                    }
                    parts.push((instance?, weight?));
                }
                Some(Route::Split(parts))
            }
            (None, None, Some((n, p))) => {
                self.strings(n, &p, "route.fallback").map(Route::Fallback)
            }
            _ => {
                self.fail(at, "route must set exactly one of instance, split, fallback");
                None
            }
        }
    }
}

/// The known name closest to `typo`, when close enough to be a misspelling of it.
pub(crate) fn did_you_mean<'k>(
    typo: &str,
    known: impl Iterator<Item = &'k str>,
) -> Option<&'k str> {
    known
        .map(|k| (edit_distance(typo, k), k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_recognized() {
        let known = ["api_key", "webhook_secret"];
        assert_eq!(did_you_mean("webhok_secret", known.iter().copied()), Some("webhook_secret"));
        assert_eq!(did_you_mean("profil_id", ["profile_id"].into_iter()), Some("profile_id"));
        assert_eq!(did_you_mean("colour", known.iter().copied()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
