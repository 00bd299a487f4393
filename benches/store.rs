//! paymux-store: what durability costs.
//!
//! 1. Journaled creates through the router against the sandbox (Paygentic and Paynectra, a
//!    50/50 split) with 20 ms injected latency and 1,000 payments in flight, against the same
//!    router unjournaled, on SQLite (a file, WAL, `synchronous=FULL`) and on PostgreSQL.
//!    Throughput ratios, measured in one run, rounds interleaved.
//! 2. What the journal alone costs per create (CPU in this process and in PostgreSQL), over a
//!    provider that answers at once.
//! 3. `Inbox::receive` (verify + durable, deduplicated insert) against a bare sqlx insert of
//!    the same row plus the HMAC over the same bytes, one call at a time, paired rounds.
//!
//! PostgreSQL: `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), in a
//! schema of its own dropped at the end; skipped with a note when no server answers.
//!
//! Run: `cargo bench -p paymux-benches --bench store`
#![allow(clippy::float_arithmetic)] // throughput figures, not money

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use paymux::router::{Route, Rule};
use paymux::sandbox::{EmulatorHandle, Fault, Sandbox};
use paymux::{CreatePayment, Currency, MockProvider, Money, PaymentProvider, Router};
use paymux_benches::{Row, compare_async, install_crypto, median_f64, print_table};
use paymux_store::sqlx;
use paymux_store::{Inbox, Journal, Store};
use sha2::Sha256;
use tokio::sync::Semaphore;

const IN_FLIGHT: usize = 1_000;

/// Creates in flight at once: `IN_FLIGHT`, or `PAYMUX_BENCH_IN_FLIGHT`.
fn in_flight() -> usize {
    env_number("PAYMUX_BENCH_IN_FLIGHT", IN_FLIGHT).max(1)
}
const LATENCY: Duration = Duration::from_millis(20);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn unix_ms() -> i64 {
    let since =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The databases measured: SQLite always, PostgreSQL when it answers.
struct Databases {
    sqlite: sqlx::SqlitePool,
    postgres: Option<(sqlx::PgPool, String, String)>,
    dir: std::path::PathBuf,
}

impl Databases {
    async fn open() -> Databases {
        let dir = std::env::temp_dir().join(format!("paymux-bench-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let sqlite = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(Store::sqlite_options(dir.join("bench.db")))
            .await
            .expect("sqlite");
        let url = std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let schema = format!("paymux_bench_{}", std::process::id());
        let admin = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(3))
            .connect(&url)
            .await;
        let postgres = match admin {
            Ok(admin) => {
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .expect("schema");
                admin.close().await;
                let options: sqlx::postgres::PgConnectOptions = url.parse().expect("url");
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(16)
                    .connect_with(options.options([("search_path", schema.as_str())]))
                    .await
                    .expect("postgres");
                Some((pool, url, schema))
            }
            Err(e) => {
                println!("\nPostgreSQL: not measured (no server at DATABASE_URL: {e})");
                None
            }
        };
        let dbs = Databases { sqlite, postgres, dir };
        for store in dbs.stores() {
            store.1.migrate().await.expect("migrate");
        }
        dbs
    }

    fn stores(&self) -> Vec<(&'static str, Store)> {
        let mut stores = vec![("SQLite", Store::from_sqlite_pool(self.sqlite.clone()))];
        if let Some((pool, _, _)) = &self.postgres {
            stores.push(("PostgreSQL", Store::from_pg_pool(pool.clone())));
        }
        stores
    }

    async fn close(self) {
        self.sqlite.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((pool, url, schema)) = self.postgres {
            pool.close().await;
            if let Ok(admin) = sqlx::PgPool::connect(&url).await {
                let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await;
                admin.close().await;
            }
        }
    }
}

fn creates(e: &EmulatorHandle) -> usize {
    e.stats().count(&http::Method::POST, "/")
}

/// `payments` creates through `provider`, at most [`in_flight`] at once: (errors, seconds).
async fn creates_through(
    provider: Arc<dyn PaymentProvider>,
    tag: &str,
    payments: usize,
) -> (usize, f64) {
    let limit = Arc::new(Semaphore::new(in_flight()));
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..payments {
        let permit = limit.clone().acquire_owned().await.expect("semaphore");
        let provider = provider.clone();
        let reference = format!("{tag}_{i}");
        set.spawn(async move {
            let _permit = permit;
            let req = CreatePayment::new(Money::from_minor(1050, Currency::USD).expect("money"))
                .with_reference(reference)
                .with_return_url("https://shop.example/r");
            provider.create_payment(req).await
        });
    }
    let mut errors = 0;
    let mut first_error = None;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                errors += 1;
                first_error.get_or_insert(e.to_string());
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    if let Some(e) = first_error {
        eprintln!("{tag}: first error: {e}");
    }
    (errors, started.elapsed().as_secs_f64())
}

/// The router of the benchmark over a fresh pair of emulators, each answering creates after
/// `LATENCY`. Fresh for every run: an emulator holding the payments of earlier runs gets
/// slower, which would favour whichever side runs first.
async fn fresh_router() -> (Arc<dyn PaymentProvider>, [EmulatorHandle; 2]) {
    let emulators = [
        paymux::sandbox::paygentic::start().await.expect("paygentic"),
        paymux::sandbox::paynectra::start().await.expect("paynectra"),
    ];
    for e in &emulators {
        e.faults().inject(Some(http::Method::POST), "/", Fault::Delay(LATENCY), None);
    }
    let instance = |e: &EmulatorHandle, name: &str| {
        let spec = paymux::sandbox::instance_spec(e, name);
        paymux::registry().factory(e.name()).expect("kind")(&spec).expect("provider")
    };
    let router: Arc<dyn PaymentProvider> = Arc::new(
        Router::builder()
            .instance("pg", instance(&emulators[0], "pg"))
            .instance("pn", instance(&emulators[1], "pn"))
            .rule(Rule::new("split", Route::Split(vec![("pg".into(), 50), ("pn".into(), 50)])))
            .build()
            .expect("router"),
    );
    (router, emulators)
}

/// CPU time (user + system) of this process and of every `postgres` process on the machine,
/// in clock ticks (`/proc`, Linux only; zero elsewhere).
fn cpu_ticks() -> (u64, u64) {
    fn of(stat: &str) -> Option<(String, u64)> {
        let (head, tail) = stat.rsplit_once(')')?;
        let comm = head.split_once('(')?.1.to_owned();
        let fields: Vec<&str> = tail.split_whitespace().collect();
        // After the command: state is field 3, utime 14 and stime 15 (1-based over the line).
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some((comm, utime + stime))
    }
    let own =
        std::fs::read_to_string("/proc/self/stat").ok().and_then(|s| of(&s)).map_or(0, |(_, t)| t);
    let mut postgres = 0;
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            if let Ok(stat) = std::fs::read_to_string(entry.path().join("stat"))
                && let Some((comm, t)) = of(&stat)
                && comm == "postgres"
            {
                postgres += t;
            }
        }
    }
    (own, postgres)
}

/// What one run measured.
#[derive(Clone, Copy)]
struct RunFigures {
    per_second: f64,
    /// CPU time of this process (client, router, emulators, SQLite) per create, in µs.
    process_us: f64,
    /// CPU time of the PostgreSQL server per create, in µs (other clients of it included).
    postgres_us: f64,
}

/// `side` of `base`: `base` alone (0), else `base` wrapped in a journal on store `side - 1`.
fn side_of(
    side: usize,
    base: Arc<dyn PaymentProvider>,
    stores: &[(&'static str, Store)],
) -> Arc<dyn PaymentProvider> {
    match side {
        0 => base,
        i => Arc::new(Journal::new(base, stores[i - 1].1.clone())),
    }
}

/// One timed run of `side` through the router, then the gateways' count of creates.
async fn run_side(
    side: usize,
    stores: &[(&'static str, Store)],
    tag: &str,
    payments: usize,
) -> RunFigures {
    let (router, emulators) = fresh_router().await;
    let figures = timed_creates(side_of(side, router, stores), tag, payments).await;
    let made: usize = emulators.iter().map(creates).sum();
    assert_eq!(made, WARM_UP + payments, "{tag}: a payment was lost or sent twice");
    figures
}

/// `payments` creates through `provider`, timed and with CPU read, after a warm-up of its new
/// connections; every call must succeed.
async fn timed_creates(
    provider: Arc<dyn PaymentProvider>,
    tag: &str,
    payments: usize,
) -> RunFigures {
    let (errors, _) = creates_through(provider.clone(), &format!("{tag}_warm"), WARM_UP).await;
    let before = cpu_ticks();
    let (timed_errors, secs) = creates_through(provider, tag, payments).await;
    let after = cpu_ticks();
    assert_eq!(errors + timed_errors, 0, "{tag}: errors");
    figures_of(payments, secs, before, after)
}

/// The figures of `payments` creates in `secs`, between two readings of [`cpu_ticks`].
fn figures_of(payments: usize, secs: f64, before: (u64, u64), after: (u64, u64)) -> RunFigures {
    let n = f64::from(u32::try_from(payments).unwrap_or(u32::MAX));
    // Clock ticks are 10 ms on Linux (USER_HZ = 100).
    let us = |ticks: u64| f64::from(u32::try_from(ticks).unwrap_or(u32::MAX)) * 10_000.0 / n;
    RunFigures {
        per_second: n / secs,
        process_us: us(after.0.saturating_sub(before.0)),
        postgres_us: us(after.1.saturating_sub(before.1)),
    }
}

const WARM_UP: usize = 1_000;

/// The sides of a comparison: `base` alone, then `base` wrapped in a `Journal` per store.
fn side_names(base: &str, stores: &[(&'static str, Store)]) -> Vec<String> {
    let mut names = vec![base.to_owned()];
    names.extend(stores.iter().map(|(name, _)| format!("{base} + journal ({name})")));
    names
}

/// Runs every side once per round, the order rotating each round so that no side always runs
/// on a warmer or colder machine: `run(side, round)`. With `PAYMUX_BENCH_SIDE=N` only side N
/// runs, for a profiler: each run is printed as it ends and there is no table (`None`).
async fn rotate(
    names: &[String],
    rounds: usize,
    mut run: impl AsyncFnMut(usize, usize) -> RunFigures,
) -> Option<Vec<Vec<RunFigures>>> {
    let only = std::env::var("PAYMUX_BENCH_SIDE").ok().and_then(|s| s.parse::<usize>().ok());
    let mut figures: Vec<Vec<RunFigures>> = vec![Vec::new(); names.len()];
    for round in 0..rounds {
        for k in 0..names.len() {
            let side = (k + round) % names.len();
            if only.is_some_and(|only| only != side) {
                continue;
            }
            let f = run(side, round).await;
            if only.is_some() {
                println!(
                    "{}: {:.0}/s, CPU per create: process {:.0} µs, postgres {:.0} µs",
                    names[side], f.per_second, f.process_us, f.postgres_us
                );
            }
            figures[side].push(f);
        }
    }
    only.is_none().then_some(figures)
}

async fn journal_bench(dbs: &Databases) {
    let payments = env_number("PAYMUX_BENCH_PAYMENTS", 10_000);
    let rounds = env_number("PAYMUX_BENCH_ROUNDS", 15);
    let stores = dbs.stores();
    let names = side_names("router", &stores);
    let Some(figures) = rotate(&names, rounds, async |side, round| {
        run_side(side, &stores, &format!("r{round}s{side}"), payments).await
    })
    .await
    else {
        return;
    };
    let rates: Vec<Vec<f64>> =
        figures.iter().map(|runs| runs.iter().map(|f| f.per_second).collect()).collect();
    let median_of = |runs: &[RunFigures], pick: fn(&RunFigures) -> f64| {
        median_f64(&mut runs.iter().map(pick).collect::<Vec<_>>())
    };
    println!(
        "\n### Journaled creates through the router ({payments} payments per run after {WARM_UP} to warm up, {} in flight, {} ms injected latency, {rounds} rounds)\n",
        in_flight(),
        LATENCY.as_millis()
    );
    println!(
        "| path | median throughput | throughput per round | ratio to unjournaled per round | median ratio | goal | CPU per create: process, postgres (median) |"
    );
    println!("|---|---:|---|---|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        let per_round = rates[i].iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ");
        let median = median_f64(&mut rates[i].clone());
        let cpu = format!(
            "{:.0} µs, {:.0} µs",
            median_of(&figures[i], |f| f.process_us),
            median_of(&figures[i], |f| f.postgres_us)
        );
        if i == 0 {
            println!("| {name} | {median:.0}/s | {per_round} | | 1 | | {cpu} |");
            continue;
        }
        let mut ratios: Vec<f64> = rates[i].iter().zip(&rates[0]).map(|(j, u)| j / u).collect();
        let listed = ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", ");
        let ratio = median_f64(&mut ratios);
        let verdict = if ratio >= 0.8 { "met" } else { "**missed**" };
        println!(
            "| {name} | {median:.0}/s | {per_round} | {listed} | {ratio:.3} | >= 0.80 {verdict} | {cpu} |"
        );
    }
    println!("\nNo errors; every run's creates counted by the gateways: one per payment.");
}

/// What the journal alone costs per create: creates through a `Journal` over a provider that
/// answers at once (`MockProvider`), against the same provider bare, 1,000 in flight. The
/// difference in CPU per create is the journal's own work (this process) and PostgreSQL's; the
/// router's figure above, over this, tells what ratio the CPU leaves room for.
async fn journal_cost_bench(dbs: &Databases) {
    let payments = env_number("PAYMUX_BENCH_PAYMENTS", 20_000);
    let rounds = env_number("PAYMUX_BENCH_ROUNDS", 7);
    let stores = dbs.stores();
    let names = side_names("mock provider", &stores);
    let Some(figures) = rotate(&names, rounds, async |side, round| {
        let mock: Arc<dyn PaymentProvider> = Arc::new(MockProvider::new());
        timed_creates(side_of(side, mock, &stores), &format!("c{round}s{side}"), payments).await
    })
    .await
    else {
        return;
    };
    let median_of = |runs: &[RunFigures], pick: fn(&RunFigures) -> f64| {
        median_f64(&mut runs.iter().map(pick).collect::<Vec<_>>())
    };
    println!(
        "\n### What the journal costs per create ({payments} creates per run, {} in flight, over a provider that answers at once, {rounds} rounds)\n",
        in_flight()
    );
    println!(
        "| path | median throughput | CPU per create: process (median) | PostgreSQL (median) | the journal's own: process + PostgreSQL |"
    );
    println!("|---|---:|---:|---:|---:|");
    let bare = median_of(&figures[0], |f| f.process_us);
    for (i, name) in names.iter().enumerate() {
        let rate = median_of(&figures[i], |f| f.per_second);
        let process = median_of(&figures[i], |f| f.process_us);
        let server = median_of(&figures[i], |f| f.postgres_us);
        let own =
            if i == 0 { String::new() } else { format!("{:.0} + {server:.0} µs", process - bare) };
        println!("| {name} | {rate:.0}/s | {process:.1} µs | {server:.1} µs | {own} |");
    }
}

fn hmac256_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    parts.iter().for_each(|p| m.update(p));
    hex::encode(m.finalize().into_bytes())
}

/// One delivery, and the row a bare insert of it writes.
struct Delivery {
    headers: http::HeaderMap,
    body: Vec<u8>,
    event_id: String,
}

/// A gateway's deliveries for the inbox case.
struct InboxCase {
    name: &'static str,
    provider: Arc<dyn PaymentProvider>,
    /// A new signed delivery with event id `id`.
    deliver: Box<dyn Fn(&str) -> Delivery>,
    /// The bare verification of a delivery: the HMAC over the same bytes, compared.
    verify: Box<dyn Fn(&Delivery) -> bool>,
}

fn inbox_cases(sandbox: &Sandbox) -> Vec<InboxCase> {
    let mock = Arc::new(MockProvider::new());
    let signer = mock.clone();
    let mock_case = InboxCase {
        name: "mock (HMAC-SHA256 hex)",
        provider: mock,
        deliver: Box::new(move |id| {
            let body = format!(r#"{{"id":"{id}","type":"payment_succeeded","created_at":"2026-01-01T00:00:00Z","data":{{"type":"payment","object":{{"id":"pay_{id}","provider":"mock","status":"succeeded","raw_status":"succeeded","amount":{{"amount_minor":6540,"currency":"USD"}},"amount_received":null,"amount_captured":null,"amount_refunded":null,"capture_mode":null,"merchant_reference":"order_123","description":null,"customer_id":null,"next_action":null,"failure":null,"metadata":{{}},"created_at":null}}}}}}"#).into_bytes();
            Delivery { headers: signer.sign_webhook(&body), body, event_id: id.to_owned() }
        }),
        verify: Box::new(|d| {
            let sig = d.headers.get("x-mock-signature").map(|v| v.as_bytes()).unwrap_or_default();
            hmac256_hex(b"whsec_mock", &[&d.body]).as_bytes() == sig
        }),
    };
    let secret = sandbox.paynectra.credentials().webhook_secret.clone();
    let verify_secret = secret.clone();
    let paynectra_case = InboxCase {
        name: "paynectra (t.body SHA256 hex)",
        provider: paymux::sandbox::provider(&sandbox.paynectra).expect("paynectra"),
        deliver: Box::new(move |id| {
            let t = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
            let body = format!(r#"{{"id":"{id}","type":"payment.succeeded","created":1700000000,"data":{{"object":{{"id":"pay_{id}","object":"payment","amount":6540,"currency":"usd","status":"succeeded","capture_method":"automatic","created":1700000000,"metadata":{{}}}}}}}}"#).into_bytes();
            let sig = hmac256_hex(secret.as_bytes(), &[t.as_bytes(), b".", &body]);
            let mut headers = http::HeaderMap::new();
            headers.insert(
                "paynectra-signature",
                http::HeaderValue::from_str(&format!("t={t},v1={sig}")).expect("header"),
            );
            Delivery { headers, body, event_id: id.to_owned() }
        }),
        verify: Box::new(move |d| {
            let v = d
                .headers
                .get("paynectra-signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let (t, s) = v.split_once(",v1=").unwrap_or_default();
            let t = t.trim_start_matches("t=");
            hmac256_hex(verify_secret.as_bytes(), &[t.as_bytes(), b".", &d.body]) == s
        }),
    };
    vec![mock_case, paynectra_case]
}

/// The bare insert of the row `receive` writes for `d`: `columns` are the event's kind and its
/// stored JSON (taken from one parse), the resource is derived as `receive` derives it.
async fn bare_insert(pool: &BarePool, instance: &str, d: &Delivery, columns: &(String, String)) {
    const SQL: &str = "INSERT INTO paymux_inbox (instance, event_id, resource, kind, event, body, \
         state, attempts, next_attempt_at, lease_until, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, 0, $7)";
    let now = unix_ms();
    let (kind, event) = columns;
    let resource = format!("payment:pay_{}", d.event_id);
    match pool {
        BarePool::Sqlite(pool) => {
            sqlx::query(SQL)
                .bind(instance)
                .bind(&d.event_id)
                .bind(resource)
                .bind(kind)
                .bind(event)
                .bind(&d.body)
                .bind(now)
                .execute(pool)
                .await
                .expect("bare insert");
        }
        BarePool::Postgres(pool) => {
            sqlx::query(SQL)
                .bind(instance)
                .bind(&d.event_id)
                .bind(resource)
                .bind(kind)
                .bind(event)
                .bind(&d.body)
                .bind(now)
                .execute(pool)
                .await
                .expect("bare insert");
        }
    }
}

enum BarePool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

async fn inbox_bench(dbs: &Databases) {
    let rounds = env_number("PAYMUX_BENCH_INBOX_ROUNDS", 21);
    let batch = env_number("PAYMUX_BENCH_INBOX_BATCH", 100);
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut pools = vec![("SQLite", BarePool::Sqlite(dbs.sqlite.clone()))];
    if let Some((pool, _, _)) = &dbs.postgres {
        pools.push(("PostgreSQL", BarePool::Postgres(pool.clone())));
    }
    let mut rows: Vec<Row> = Vec::new();
    for ((db_name, pool), (_, store)) in pools.iter().zip(dbs.stores()) {
        let inbox = Inbox::new(store.clone());
        for case in inbox_cases(&sandbox) {
            let n = rounds * batch + batch;
            let tag = format!(
                "{}_{}",
                db_name.to_lowercase(),
                case.name.split(' ').next().unwrap_or("x")
            );
            let subject: Vec<Delivery> =
                (0..n).map(|i| (case.deliver)(&format!("evt_s_{tag}_{i}"))).collect();
            let bare: Vec<Delivery> =
                (0..n).map(|i| (case.deliver)(&format!("evt_b_{tag}_{i}"))).collect();
            // What receive stores besides the body, read off one parse (outside the timing).
            let sample =
                case.provider.parse_webhook(&bare[0].headers, &bare[0].body).expect("verifies");
            let instance = sample.provider.as_str().to_owned();
            let mut stored = serde_json::to_value(&sample).expect("event json");
            if let Some(map) = stored.as_object_mut() {
                map.remove("raw");
            }
            let columns = (sample.kind.as_str().to_owned(), stored.to_string());
            let (next_s, next_b) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
            let samples = compare_async(
                rounds,
                u32::try_from(batch).unwrap_or(u32::MAX),
                || {
                    let d = &subject[next_s.replace(next_s.get() + 1)];
                    let (inbox, provider) = (&inbox, &case.provider);
                    async move {
                        let receipt =
                            inbox.receive(&**provider, &d.headers, &d.body).await.expect("receive");
                        assert!(!receipt.duplicate);
                    }
                },
                || {
                    let d = &bare[next_b.replace(next_b.get() + 1)];
                    let (instance, columns, verify) = (&instance, &columns, &case.verify);
                    async move {
                        assert!(verify(d), "bare verification");
                        bare_insert(pool, instance, d, columns).await;
                    }
                },
            )
            .await;
            rows.push(samples.row(format!("{db_name}, {}", case.name), 1.3));
        }
    }
    print_table(
        &format!(
            "Inbox receive against a bare insert + HMAC ({rounds} rounds of {batch} calls, one at a time)"
        ),
        "Inbox::receive",
        "HMAC + bare sqlx insert",
        &rows,
    );
}

fn main() {
    install_crypto();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dbs = Databases::open().await;
        if std::env::var("PAYMUX_BENCH_CASE").map_or(true, |c| c == "journal") {
            journal_bench(&dbs).await;
        }
        if std::env::var("PAYMUX_BENCH_CASE").map_or(true, |c| c == "journal-cost") {
            journal_cost_bench(&dbs).await;
        }
        if std::env::var("PAYMUX_BENCH_CASE").map_or(true, |c| c == "inbox") {
            inbox_bench(&dbs).await;
        }
        dbs.close().await;
    });
}
