//! The crash matrix and the two-process race, with real processes.
//!
//! A child process (this test binary run again, see `common::ChildProc`) creates a payment
//! through the journal and is killed with SIGKILL at one of three points: (a) the entry is
//! recorded but the request has not left; (b) the gateway has the request but holds its
//! answer (the sandbox's `Delay` fault); (c) the answer came but the journal has not recorded
//! it. A new process then runs `recover()` and the application's retry of the same payment
//! (same merchant reference). Each of the five gateways must hold exactly one payment, on
//! SQLite and on PostgreSQL. The sandbox runs in this (parent) process, so it outlives the
//! children.
//!
//! Then two processes create the same logical payment at the same moment: one payment, and
//! both get it.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{ChildProc, DbSpec, GATEWAYS, TestDb, env, mark};
use paymux::sandbox::Fault;
use paymux::{CreatePayment, PaymentProvider};
use paymux_store::{Journal, JournalConfig, Stage};

/// Where the child stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    /// (a) recorded, not sent.
    BeforeSend,
    /// (b) sent, the gateway holds the answer.
    GatewayHolds,
    /// (c) answered, not recorded.
    BeforeRecord,
}

impl Kill {
    const ALL: [Kill; 3] = [Kill::BeforeSend, Kill::GatewayHolds, Kill::BeforeRecord];

    fn name(self) -> &'static str {
        match self {
            Kill::BeforeSend => "before-send",
            Kill::GatewayHolds => "gateway-holds",
            Kill::BeforeRecord => "before-record",
        }
    }
}

/// The child side: `PAYMUX_STORE_CHILD` says what to do.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var(common::CHILD) else { return };
    let rt = common::child_runtime();
    rt.block_on(async move {
        let db = DbSpec::decode(&env("PAYMUX_STORE_DB"));
        let store = db.open().await;
        let provider = common::provider_from_spec(&env("PAYMUX_STORE_GATEWAY"));
        let kind = env("PAYMUX_STORE_KIND");
        let reference = env("PAYMUX_STORE_REFERENCE");
        let owner = env("PAYMUX_STORE_OWNER");
        match mode.as_str() {
            "crash" => {
                let stop = env("PAYMUX_STORE_KILL");
                let hook = Arc::new(move |stage: Stage| match (stop.as_str(), stage) {
                    ("before-send", Stage::Recorded) | ("before-record", Stage::Answered) => {
                        mark(&format!("MARK {stage:?}"));
                        std::thread::sleep(Duration::from_secs(3600));
                    }
                    ("gateway-holds", Stage::Recorded) => mark("MARK sending"),
                    _ => {}
                });
                let config = JournalConfig::new().with_owner(owner).on_stage(hook);
                let journal = Journal::with_config(provider, store, config);
                let result =
                    journal.create_payment(common::payment_request(&kind, &reference)).await;
                mark(&format!("UNEXPECTED the call returned: {result:?}"));
            }
            "recover" => {
                let journal =
                    Journal::with_config(provider, store, JournalConfig::new().with_owner(owner));
                let report = journal.recover().await.expect("recover");
                mark(&format!(
                    "RECOVERED done={} not_created={} unknown={} awaiting_caller={} elsewhere={}",
                    report.done,
                    report.not_created,
                    report.still_unknown,
                    report.awaiting_caller.len(),
                    report.in_flight_elsewhere
                ));
                // The application's retry: the same order, the same request.
                let payment = journal
                    .create_payment(common::payment_request(&kind, &reference))
                    .await
                    .expect("the application's retry");
                mark(&format!("PAYMENT {}", payment.id));
            }
            "race" => {
                let journal =
                    Journal::with_config(provider, store, JournalConfig::new().with_owner(owner));
                let req: CreatePayment = common::payment_request(&kind, &reference);
                let start_at: i64 = env("PAYMUX_STORE_START_AT").parse().expect("start time");
                mark("READY");
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                    .unwrap_or(0);
                if start_at > now {
                    let wait = u64::try_from(start_at - now).unwrap_or(0);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                let payment = journal.create_payment(req).await.expect("create");
                mark(&format!("PAYMENT {}", payment.id));
            }
            other => panic!("unknown child mode {other}"),
        }
    });
    drop(rt);
    std::process::exit(0);
}

fn child_env(
    mode: &str,
    db: &DbSpec,
    emulator: &paymux::sandbox::EmulatorHandle,
    reference: &str,
    owner: &str,
) -> Vec<(&'static str, String)> {
    vec![
        (common::CHILD, mode.to_owned()),
        ("PAYMUX_STORE_DB", db.encode()),
        ("PAYMUX_STORE_GATEWAY", common::encode_spec(emulator)),
        ("PAYMUX_STORE_KIND", emulator.name().to_owned()),
        ("PAYMUX_STORE_REFERENCE", reference.to_owned()),
        ("PAYMUX_STORE_OWNER", owner.to_owned()),
    ]
}

/// One cell of the matrix: a fresh emulator, a crash at `kill`, recovery, the retry.
async fn crash_cell(db: DbSpec, kind: &'static str, kill: Kill) -> Result<(), String> {
    let cell = format!("{} {kind} {}", db.backend(), kill.name());
    let emulator = common::emulator(kind).await;
    let reference = common::unique("order");
    let owner = format!("replica-{kind}-{}", kill.name());
    if kill == Kill::GatewayHolds {
        emulator.faults().inject(
            Some(paymux::http::Method::POST),
            "/",
            Fault::Delay(Duration::from_millis(1500)),
            Some(1),
        );
    }
    let mut env = child_env("crash", &db, &emulator, &reference, &owner);
    env.push(("PAYMUX_STORE_KILL", kill.name().to_owned()));
    let mut child = ChildProc::spawn("child_entry", &env);
    let marker = child.line("MARK ", Duration::from_secs(60)).await;
    if marker.is_none() {
        return Err(format!("{cell}: the child ended before its stage; saw {:?}", child.seen));
    }
    if kill == Kill::GatewayHolds {
        // The request has reached the gateway, which holds it.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while emulator.stats().count(&paymux::http::Method::POST, "/") == 0 {
            if tokio::time::Instant::now() > deadline {
                return Err(format!("{cell}: the request never reached the gateway"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        if emulator.stats().in_flight() == 0 {
            return Err(format!("{cell}: the gateway answered before the kill"));
        }
    }
    child.kill().await;
    // Whatever the gateway received it finishes, as a real one would.
    common::settle(&emulator).await;
    let before = common::payments_held(&emulator).await;
    let expected_before = if kill == Kill::BeforeSend { 0 } else { 1 };
    if before != expected_before {
        return Err(format!(
            "{cell}: {before} payments after the kill, expected {expected_before}"
        ));
    }

    let mut recovery =
        ChildProc::spawn("child_entry", &child_env("recover", &db, &emulator, &reference, &owner));
    let report = recovery.line("RECOVERED", Duration::from_secs(60)).await;
    let paid = recovery.line("PAYMENT", Duration::from_secs(60)).await;
    recovery.success().await;
    let (Some(report), Some(paid)) = (report, paid) else {
        return Err(format!("{cell}: the recovery process did not finish"));
    };
    common::settle(&emulator).await;
    let held = common::payments_held(&emulator).await;
    if held != 1 {
        return Err(format!("{cell}: the sandbox holds {held} payments (recovery: {report})"));
    }
    let provider = paymux::sandbox::provider(&emulator).map_err(|e| e.to_string())?;
    let id = paymux::PaymentId::new(paid.clone());
    let found = provider.get_payment(&id).await.map_err(|e| format!("{cell}: {e}"))?;
    if found.id != id {
        return Err(format!("{cell}: the retry returned {paid}, the gateway holds {}", found.id));
    }
    eprintln!("{cell}: one payment ({paid}); recovery {report}");
    Ok(())
}

/// Every cell on `backend`, each with a database of its own.
async fn crash_matrix(postgres: bool) {
    let cells: Vec<_> = Kill::ALL
        .into_iter()
        .flat_map(|kill| GATEWAYS.into_iter().map(move |kind| (kind, kill)))
        .collect();
    // Five cells at a time: each runs two processes and an emulator.
    let limit = Arc::new(tokio::sync::Semaphore::new(5));
    let mut set = tokio::task::JoinSet::new();
    for (kind, kill) in cells {
        let limit = limit.clone();
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore");
            let db = if postgres {
                TestDb::postgres().await.expect("CI is set")
            } else {
                TestDb::sqlite().await
            };
            let result = crash_cell(db.spec.clone(), kind, kill).await;
            if result.is_ok() {
                db.cleanup().await;
            }
            result
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Err(why) = done.expect("cell task") {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "crash matrix failures:\n{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_matrix_sqlite() {
    crash_matrix(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_matrix_postgres() {
    if common::pg_url().is_none() {
        return common::skip_pg("crash_matrix_postgres");
    }
    crash_matrix(true).await;
}

/// Two processes, one database, the same logical payment at the same moment. The gateway
/// holds the first create for 300 ms, so the second call finds it in flight.
async fn race_cell(db: DbSpec, kind: &'static str) -> Result<(), String> {
    let cell = format!("{} {kind} race", db.backend());
    let emulator = common::emulator(kind).await;
    emulator.faults().inject(
        Some(paymux::http::Method::POST),
        "/",
        Fault::Delay(Duration::from_millis(300)),
        None,
    );
    let reference = common::unique("race");
    let start_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() + 3000)
        .unwrap_or(0);
    let mut children: Vec<ChildProc> = ["replica-a", "replica-b"]
        .into_iter()
        .map(|owner| {
            let mut env = child_env("race", &db, &emulator, &reference, owner);
            env.push(("PAYMUX_STORE_START_AT", start_at.to_string()));
            ChildProc::spawn("child_entry", &env)
        })
        .collect();
    let mut ids = Vec::new();
    for child in &mut children {
        if child.line("READY", Duration::from_secs(60)).await.is_none() {
            return Err(format!("{cell}: a child did not start"));
        }
    }
    for child in &mut children {
        match child.line("PAYMENT", Duration::from_secs(60)).await {
            Some(id) => ids.push(id),
            None => return Err(format!("{cell}: a child got no payment; saw {:?}", child.seen)),
        }
    }
    for child in children {
        child.success().await;
    }
    common::settle(&emulator).await;
    let creates = emulator.stats().count(&paymux::http::Method::POST, "/");
    let held = common::payments_held(&emulator).await;
    if ids[0] != ids[1] || held != 1 || creates != 1 {
        return Err(format!(
            "{cell}: the two processes got {ids:?}; {creates} creates reached the gateway, which \
             holds {held} payments"
        ));
    }
    eprintln!("{cell}: both got {} ({creates} create request(s) reached the gateway)", ids[0]);
    Ok(())
}

async fn race(db: &TestDb) {
    let mut set = tokio::task::JoinSet::new();
    for kind in GATEWAYS {
        set.spawn(race_cell(db.spec.clone(), kind));
    }
    let mut failures = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Err(why) = done.expect("race task") {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "race failures:\n{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_same_payment_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return common::skip_pg("two_processes_same_payment_postgres");
    };
    race(&db).await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_same_payment_sqlite() {
    let db = TestDb::sqlite().await;
    race(&db).await;
    db.cleanup().await;
}
