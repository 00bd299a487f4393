//! What the store's tests share: databases of both backends, the sandbox's gateways, and
//! child processes (the test binary run again with an environment variable).
#![allow(dead_code)] // each test binary uses its own part

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use paymux::router::InstanceSpec;
use paymux::sandbox::EmulatorHandle;
use paymux::{
    Card, CreatePayment, Currency, ExposeSecret, ListPayments, Money, PaymentProvider, SecretString,
};
use paymux_store::Store;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// The five gateways, in sandbox order.
pub const GATEWAYS: [&str; 5] = ["paychtec", "paytech", "paygentic", "paymnt", "paynectra"];

/// The PostgreSQL server the tests use: only when `CI` is set (then `DATABASE_URL`, or the
/// local server), so `cargo test` passes on a machine without one. With `CI` set and no
/// server answering, the tests that ask for it fail.
pub fn pg_url() -> Option<String> {
    std::env::var_os("CI")?;
    Some(
        std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
    )
}

/// Says a PostgreSQL test is skipped (no `CI`).
pub fn skip_pg(test: &str) {
    eprintln!("{test}: PostgreSQL part skipped (set CI=1, and DATABASE_URL if needed, to run it)");
}

/// Whether `word` stands in `text` on its own, not inside a longer run of letters and digits
/// (a CVC's three digits turn up inside random keys and timestamps).
pub fn contains_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == word)
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A name no other test (of this process or another) uses at the same time.
pub fn unique(prefix: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos:x}", std::process::id())
}

/// Where a test's tables live, in a form a child process can open again.
#[derive(Debug, Clone)]
pub enum DbSpec {
    /// A SQLite file.
    Sqlite(std::path::PathBuf),
    /// A schema of the PostgreSQL database at the URL.
    Postgres { url: String, schema: String },
}

impl DbSpec {
    /// Opens it (the schema is expected to exist).
    pub async fn open(&self) -> Store {
        match self {
            DbSpec::Sqlite(path) => Store::sqlite(path).await.expect("sqlite store"),
            DbSpec::Postgres { url, schema } => {
                use paymux_store::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
                let options: PgConnectOptions = url.parse().expect("DATABASE_URL");
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(20))
                    .connect_with(options.options([("search_path", schema.as_str())]))
                    .await
                    .unwrap_or_else(|e| panic!("CI is set but PostgreSQL does not answer: {e}"));
                Store::from_pg_pool(pool)
            }
        }
    }

    /// For a child's environment.
    pub fn encode(&self) -> String {
        match self {
            DbSpec::Sqlite(path) => format!("sqlite|{}", path.display()),
            DbSpec::Postgres { url, schema } => format!("postgres|{url}|{schema}"),
        }
    }

    /// Back from [`DbSpec::encode`].
    pub fn decode(text: &str) -> DbSpec {
        let parts: Vec<&str> = text.splitn(3, '|').collect();
        match parts.as_slice() {
            ["sqlite", path] => DbSpec::Sqlite(path.into()),
            ["postgres", url, schema] => {
                DbSpec::Postgres { url: (*url).to_owned(), schema: (*schema).to_owned() }
            }
            _ => panic!("bad db spec {text}"),
        }
    }

    /// Short name for messages.
    pub fn backend(&self) -> &'static str {
        match self {
            DbSpec::Sqlite(_) => "sqlite",
            DbSpec::Postgres { .. } => "postgres",
        }
    }
}

/// A fresh, migrated database for one test: a SQLite file in a temporary directory, or a
/// new schema on PostgreSQL. Removed when dropped (the schema by [`TestDb::drop_pg`]).
pub struct TestDb {
    pub spec: DbSpec,
    pub store: Store,
    dir: Option<std::path::PathBuf>,
}

impl TestDb {
    /// A SQLite file.
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique("paymux_store_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spec = DbSpec::Sqlite(dir.join("store.db"));
        let store = spec.open().await;
        store.migrate().await.expect("migrate");
        TestDb { spec, store, dir: Some(dir) }
    }

    /// A new schema on the CI PostgreSQL, or `None` without `CI`.
    pub async fn postgres() -> Option<TestDb> {
        let url = pg_url()?;
        let schema = unique("paymux_store_t");
        let admin = paymux_store::sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                panic!("CI is set but PostgreSQL at DATABASE_URL does not answer: {e}")
            });
        paymux_store::sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let spec = DbSpec::Postgres { url, schema };
        let store = spec.open().await;
        store.migrate().await.expect("migrate");
        Some(TestDb { spec, store, dir: None })
    }

    /// Both backends where available: SQLite always, PostgreSQL with `CI`.
    pub async fn all(test: &str) -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        match TestDb::postgres().await {
            Some(pg) => dbs.push(pg),
            None => skip_pg(test),
        }
        dbs
    }

    /// Drops the PostgreSQL schema (call at the end of a test that passed).
    pub async fn cleanup(self) {
        self.store.close().await;
        if let DbSpec::Postgres { url, schema } = &self.spec
            && let Ok(admin) = paymux_store::sqlx::PgPool::connect(url).await
        {
            let _ = paymux_store::sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A new emulator of `kind`.
pub async fn emulator(kind: &str) -> EmulatorHandle {
    let started = match kind {
        "paychtec" => paymux::sandbox::paychtec::start().await,
        "paytech" => paymux::sandbox::paytech::start().await,
        "paygentic" => paymux::sandbox::paygentic::start().await,
        "paymnt" => paymux::sandbox::paymnt::start().await,
        "paynectra" => paymux::sandbox::paynectra::start().await,
        other => panic!("unknown gateway {other}"),
    };
    started.expect("emulator")
}

/// The emulator's instance spec as one line of JSON, for a child process (test keys only).
pub fn encode_spec(emulator: &EmulatorHandle) -> String {
    let spec = paymux::sandbox::instance_spec(emulator, emulator.name());
    let credentials: BTreeMap<&str, &str> =
        spec.credentials.iter().map(|(k, v)| (k.as_str(), v.expose_secret())).collect();
    serde_json::json!({
        "name": spec.name,
        "kind": spec.kind,
        "base_url": spec.base_url,
        "credentials": credentials,
        "options": spec.options,
    })
    .to_string()
}

/// The connector a child builds from [`encode_spec`]'s line.
pub fn provider_from_spec(line: &str) -> Arc<dyn PaymentProvider> {
    let v: serde_json::Value = serde_json::from_str(line).expect("spec json");
    let text = |k: &str| v[k].as_str().expect("spec field").to_owned();
    let mut spec = InstanceSpec::new(text("name"), text("kind"));
    spec.base_url = v["base_url"].as_str().map(str::to_owned);
    for (k, val) in v["credentials"].as_object().expect("credentials") {
        spec.credentials
            .insert(k.clone(), SecretString::from(val.as_str().unwrap_or_default().to_owned()));
    }
    for (k, val) in v["options"].as_object().expect("options") {
        spec.options.insert(k.clone(), val.as_str().unwrap_or_default().to_owned());
    }
    let registry = paymux::registry();
    let factory = registry.factory(&spec.kind).expect("kind");
    factory(&spec).expect("provider")
}

/// A 10.50 USD payment as each gateway takes one: a card in the request (Paychtec,
/// paymnt.cloud, pay.tech with its own sandbox card) or a hosted page (Paygentic, Paynectra).
pub fn payment_request(kind: &str, reference: &str) -> CreatePayment {
    let base = CreatePayment::new(Money::from_minor(1050, Currency::USD).expect("money"))
        .with_reference(reference);
    let card = |number: &str| Card::new(number, 12, 2030, "123").expect("card");
    match kind {
        "paychtec" | "paymnt" => {
            base.with_card(card("4242424242424242")).with_billing(paymux::sandbox::test_billing())
        }
        "paytech" => {
            base.with_card(card("4000000000000408")).with_billing(paymux::sandbox::test_billing())
        }
        _ => base.with_return_url("https://shop.example/return"),
    }
}

/// Payments the emulator holds, listed through `provider` (faults cleared first).
pub async fn payments_held(emulator: &EmulatorHandle) -> usize {
    emulator.faults().clear();
    let provider = paymux::sandbox::provider(emulator).expect("provider");
    let page = provider.list_payments(ListPayments::new().with_limit(100)).await.expect("list");
    page.items.len()
}

/// Waits until the emulator has finished every request it received.
pub async fn settle(emulator: &EmulatorHandle) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while emulator.stats().in_flight() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "emulator still busy");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The environment variable that turns a run of a test binary into a child.
pub const CHILD: &str = "PAYMUX_STORE_CHILD";

/// A child process: this test binary run again with only `test` selected and `env` set.
pub struct ChildProc {
    pub child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    pub seen: Vec<String>,
}

impl ChildProc {
    /// Starts it.
    pub fn spawn(test: &str, env: &[(&str, String)]) -> ChildProc {
        let exe = std::env::current_exe().expect("test binary");
        let mut cmd = Command::new(exe);
        cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        ChildProc { child, lines: BufReader::new(stdout).lines(), seen: Vec::new() }
    }

    /// The next line starting with `prefix` (others are kept in `seen`), or `None` when the
    /// child closed its output first.
    pub async fn line(&mut self, prefix: &str, within: Duration) -> Option<String> {
        let found = tokio::time::timeout(within, async {
            while let Ok(Some(line)) = self.lines.next_line().await {
                // The harness may have begun the line ("test child_entry ... ").
                if let Some(at) = line.find(prefix) {
                    return Some(line[at + prefix.len()..].trim().to_owned());
                }
                self.seen.push(line);
            }
            None
        })
        .await;
        found
            .unwrap_or_else(|_| panic!("no {prefix:?} line within {within:?}; saw {:?}", self.seen))
    }

    /// Every line starting with `prefix` until the child closes its output.
    pub async fn all_lines(&mut self, prefix: &str, within: Duration) -> Vec<String> {
        let mut out = Vec::new();
        let done = tokio::time::timeout(within, async {
            while let Ok(Some(line)) = self.lines.next_line().await {
                match line.find(prefix) {
                    Some(at) => out.push(line[at + prefix.len()..].trim().to_owned()),
                    None => self.seen.push(line),
                }
            }
        })
        .await;
        assert!(done.is_ok(), "child did not finish within {within:?}");
        out
    }

    /// SIGKILL, and reaped.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("kill");
    }

    /// Waits for a clean exit.
    pub async fn success(mut self) {
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("child did not exit")
            .expect("wait");
        assert!(status.success(), "child failed: {status}; output {:?}", self.seen);
    }
}

/// In a child: prints a marker line the parent waits for, at once.
pub fn mark(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// In a child: a runtime for its work.
pub fn child_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The value of a child's environment variable.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("child needs {name}"))
}

/// Every value of the text columns `columns` of `table`, read straight from the database
/// (for checks on what is stored).
pub async fn column_texts(spec: &DbSpec, table: &str, columns: &[&str]) -> Vec<String> {
    let list = columns
        .iter()
        .map(|c| format!("COALESCE({c}, '')"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ");
    let sql = format!("SELECT {list} FROM {table}");
    match spec {
        DbSpec::Sqlite(path) => {
            let pool =
                paymux_store::sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("sqlite");
            let rows: Vec<String> =
                paymux_store::sqlx::query_scalar(&sql).fetch_all(&pool).await.expect("query");
            pool.close().await;
            rows
        }
        DbSpec::Postgres { url, schema } => {
            use paymux_store::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
            let options: PgConnectOptions = url.parse().expect("url");
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.options([("search_path", schema.as_str())]))
                .await
                .expect("postgres");
            let rows: Vec<String> =
                paymux_store::sqlx::query_scalar(&sql).fetch_all(&pool).await.expect("query");
            pool.close().await;
            rows
        }
    }
}
