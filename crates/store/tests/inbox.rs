//! The inbox on real databases: SQLite always, PostgreSQL when `CI` is set. Deliveries are
//! the mock gateway's signed events; consumers in other processes are this test binary run
//! again (`common::ChildProc`).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ChildProc, DbSpec, TestDb, env, mark};
use paymux::{
    Currency, ErrorKind, MockProvider, Money, Payment, PaymentId, PaymentStatus, ProviderId,
    WebhookFailure,
};
use paymux_store::{Inbox, InboxConfig, InboxState};

/// A signed body of the mock gateway about `payment_id`.
fn event_body(event_id: &str, payment_id: &str) -> Vec<u8> {
    let payment = Payment::new(
        PaymentId::new(payment_id),
        ProviderId::new("mock"),
        PaymentStatus::Processing,
        "processing",
        Money::from_minor(100, Currency::USD).unwrap(),
    );
    serde_json::to_vec(&serde_json::json!({
        "id": event_id,
        "type": "payment_processing",
        "created_at": "2025-01-01T12:00:00Z",
        "data": { "type": "payment", "object": payment },
    }))
    .unwrap()
}

/// The backoff of the retry tests: long enough that a drain does not meet the retry itself
/// (SQLite commits with an fsync each), short for a test.
const BACKOFF: Duration = Duration::from_millis(500);

fn fast(config: InboxConfig) -> InboxConfig {
    config.with_backoff(BACKOFF, BACKOFF)
}

#[tokio::test]
async fn a_handler_that_fails_then_succeeds_processes_the_event_once() {
    for db in TestDb::all("fails_then_succeeds").await {
        let mock = MockProvider::new();
        let inbox = Inbox::with_config(db.store.clone(), fast(InboxConfig::new()));
        let body = event_body("evt_1", "pay_1");
        let receipt = inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();
        assert!(!receipt.duplicate && receipt.parsed);
        let calls = AtomicU32::new(0);
        let successes = AtomicU32::new(0);
        let handler = |event: paymux_store::InboxEvent| {
            let (calls, successes) = (&calls, &successes);
            async move {
                assert_eq!(event.event.as_ref().map(|e| e.id.as_str()), Some("evt_1"));
                assert_eq!(
                    event.event.as_ref().map(|e| e.raw.as_str().len()),
                    Some(event.body.len())
                );
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err("the order service is down");
                }
                successes.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        };
        let first = inbox.drain(&handler).await.unwrap();
        assert_eq!((first.handled, first.retrying), (1, 1));
        let pending = inbox.event(receipt.id).await.unwrap().unwrap();
        assert_eq!(pending.state, InboxState::Pending);
        assert_eq!(pending.last_error.as_deref(), Some("the order service is down"));
        assert_eq!(inbox.drain(&handler).await.unwrap().handled, 0, "backing off");
        tokio::time::sleep(BACKOFF * 6 / 5).await; // the longest backoff with its jitter
        assert_eq!(inbox.drain(&handler).await.unwrap().succeeded, 1);
        tokio::time::sleep(BACKOFF * 6 / 5).await;
        assert_eq!(inbox.drain(&handler).await.unwrap().handled, 0, "done is done");
        assert_eq!((calls.load(Ordering::SeqCst), successes.load(Ordering::SeqCst)), (2, 1));
        let done = inbox.event(receipt.id).await.unwrap().unwrap();
        assert_eq!((done.state, done.attempt), (InboxState::Done, 2));
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_deliveries_are_stored_and_processed_once() {
    for db in TestDb::all("duplicate_deliveries").await {
        let mock = Arc::new(MockProvider::new());
        // Two replicas receiving, each with its own pool.
        let inboxes = [Inbox::new(db.store.clone()), Inbox::new(db.spec.open().await)];
        let body = event_body("evt_dup", "pay_dup");
        let headers = mock.sign_webhook(&body);
        let mut set = tokio::task::JoinSet::new();
        for i in 0..10 {
            let (inbox, mock, body, headers) =
                (inboxes[i % 2].clone(), mock.clone(), body.clone(), headers.clone());
            set.spawn(async move { inbox.receive(&*mock, &headers, &body).await.unwrap() });
        }
        let mut receipts = Vec::new();
        while let Some(r) = set.join_next().await {
            receipts.push(r.unwrap());
        }
        assert_eq!(receipts.iter().filter(|r| !r.duplicate).count(), 1);
        assert!(receipts.iter().all(|r| r.id == receipts[0].id));
        let dup = receipts.into_iter().find(|r| r.duplicate).unwrap();
        let refused = dup.require_new().unwrap_err();
        assert_eq!(refused.webhook_failure(), Some(WebhookFailure::Duplicate));

        let handled = AtomicU32::new(0);
        let handler = |_e| {
            handled.fetch_add(1, Ordering::SeqCst);
            async { Ok::<(), String>(()) }
        };
        inboxes[0].drain(&handler).await.unwrap();
        inboxes[1].drain(&handler).await.unwrap();
        // A redelivery after the event was handled.
        assert!(inboxes[1].receive(&*mock, &headers, &body).await.unwrap().duplicate);
        inboxes[0].drain(&handler).await.unwrap();
        assert_eq!(handled.load(Ordering::SeqCst), 1);
        assert_eq!(inboxes[0].counts().await.unwrap().done, 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn events_of_one_payment_are_handled_in_order_of_receipt() {
    for db in TestDb::all("order_per_payment").await {
        let mock = MockProvider::new();
        let inbox = Inbox::with_config(db.store.clone(), fast(InboxConfig::new()));
        for (event, payment) in
            [("a1", "pay_a"), ("b1", "pay_b"), ("a2", "pay_a"), ("a3", "pay_a"), ("b2", "pay_b")]
        {
            let body = event_body(event, payment);
            inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();
        }
        let log = Mutex::new(Vec::new());
        let failed_once = AtomicU32::new(0);
        let handler = |e: paymux_store::InboxEvent| {
            let id = e.event_id.as_str().to_owned();
            let fail = id == "a1" && failed_once.fetch_add(1, Ordering::SeqCst) == 0;
            if !fail {
                log.lock().unwrap().push(id);
            }
            async move { if fail { Err("not yet") } else { Ok(()) } }
        };
        // a1 fails: pay_a waits, pay_b goes on.
        inbox.drain(&handler).await.unwrap();
        assert_eq!(*log.lock().unwrap(), ["b1", "b2"]);
        tokio::time::sleep(BACKOFF * 6 / 5).await;
        inbox.drain(&handler).await.unwrap();
        assert_eq!(*log.lock().unwrap(), ["b1", "b2", "a1", "a2", "a3"]);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_event_that_keeps_failing_is_dead_lettered_then_replayed() {
    for db in TestDb::all("dead_letters").await {
        let mock = MockProvider::new();
        let config = InboxConfig::new()
            .with_max_attempts(3)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(2));
        let inbox = Inbox::with_config(db.store.clone(), config);
        let body = event_body("evt_poison", "pay_p");
        let receipt = inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();
        let later = event_body("evt_after", "pay_p");
        inbox.receive(&mock, &mock.sign_webhook(&later), &later).await.unwrap();
        let healthy = Arc::new(Mutex::new(false));
        let handler = |e: paymux_store::InboxEvent| {
            let ok = *healthy.lock().unwrap() || e.event_id.as_str() != "evt_poison";
            async move { if ok { Ok(()) } else { Err(format!("cannot handle {}", e.event_id)) } }
        };
        let mut dead = 0;
        for _ in 0..20 {
            dead += inbox.drain(&handler).await.unwrap().dead;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(dead, 1);
        let letters = inbox.dead_letters(10).await.unwrap();
        assert_eq!(letters.len(), 1);
        assert_eq!((letters[0].id, letters[0].attempt), (receipt.id, 3));
        assert_eq!(letters[0].last_error.as_deref(), Some("cannot handle evt_poison"));
        // A dead event no longer holds its payment's later events back.
        let counts = inbox.counts().await.unwrap();
        assert_eq!((counts.dead, counts.done, counts.open()), (1, 1, 0));
        *healthy.lock().unwrap() = true;
        assert!(inbox.replay(receipt.id).await.unwrap());
        assert!(!inbox.replay(receipt.id).await.unwrap(), "no longer dead");
        assert_eq!(inbox.drain(&handler).await.unwrap().succeeded, 1);
        assert_eq!(inbox.counts().await.unwrap().done, 2);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(inbox.prune(Duration::ZERO).await.unwrap(), 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_verified_body_is_always_kept_and_a_forged_one_is_refused() {
    for db in TestDb::all("unparsed_and_forged").await {
        let mock = MockProvider::new();
        let inbox = Inbox::new(db.store.clone());
        // Verified JSON of another shape is read, with notes of what is missing.
        let odd = br#"{"id":"evt_x","type":"payment_succeeded","data":"not the documented shape"}"#;
        let receipt = inbox.receive(&mock, &mock.sign_webhook(odd), odd).await.unwrap();
        assert!(receipt.parsed && !receipt.duplicate);
        assert_eq!(receipt.event_id.as_str(), "evt_x");
        // A verified body that is not JSON is kept raw under its bytes' digest.
        let body = b"payment_succeeded evt_y (not JSON)";
        let receipt = inbox.receive(&mock, &mock.sign_webhook(body), body).await.unwrap();
        assert!(!receipt.parsed && !receipt.duplicate);
        assert!(receipt.event_id.as_str().starts_with("unparsed:sha256:"));
        assert!(inbox.receive(&mock, &mock.sign_webhook(body), body).await.unwrap().duplicate);
        let forged = inbox.receive(&mock, &mock.sign_webhook(b"{}"), body).await.unwrap_err();
        assert_eq!(forged.kind(), ErrorKind::WebhookSignature);
        assert_eq!(forged.webhook_failure(), Some(WebhookFailure::Mismatch));
        let seen = Mutex::new(Vec::new());
        inbox
            .drain(|e| {
                seen.lock().unwrap().push((e.event.is_none(), e.body.clone()));
                async { Ok::<(), String>(()) }
            })
            .await
            .unwrap();
        assert_eq!(*seen.lock().unwrap(), [(false, odd.to_vec()), (true, body.to_vec())]);
        assert_eq!(inbox.counts().await.unwrap().done, 2);
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn receipts_processing_lag_and_depth_are_published_as_metrics() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use paymux_core::observability::{INBOX_DEPTH, WEBHOOK_PROCESSING_LAG, WEBHOOKS_RECEIVED};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // For this thread only: the current-thread runtime runs the inbox's calls on it.
    let _guard = metrics::set_default_local_recorder(&recorder);

    let db = TestDb::sqlite().await;
    let mock = MockProvider::new();
    let inbox = Inbox::new(db.store.clone());
    let body = event_body("evt_m1", "pay_m1");
    inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();
    inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();
    let plain = b"not json";
    inbox.receive(&mock, &mock.sign_webhook(plain), plain).await.unwrap();
    inbox.receive(&mock, &mock.sign_webhook(b"{}"), &body).await.unwrap_err();
    inbox.drain(|_| async { Ok::<(), String>(()) }).await.unwrap();
    let counts = inbox.counts().await.unwrap();
    assert_eq!(counts.done, 2);

    let snapshot = snapshotter.snapshot().into_vec();
    let find = |name: &str, labels: &[(&str, &str)]| {
        snapshot
            .iter()
            .find(|(k, _, _, _)| {
                let key = k.key();
                key.name() == name
                    && key.labels().count() == labels.len()
                    && labels
                        .iter()
                        .all(|(lk, lv)| key.labels().any(|l| l.key() == *lk && l.value() == *lv))
            })
            .map(|(_, _, _, value)| value)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in {snapshot:#?}"))
    };
    for outcome in ["stored", "duplicate", "not_json", "rejected"] {
        let received = find(WEBHOOKS_RECEIVED, &[("instance", "mock"), ("outcome", outcome)]);
        assert_eq!(received, &DebugValue::Counter(1), "{outcome}");
    }
    match find(WEBHOOK_PROCESSING_LAG, &[("instance", "mock")]) {
        DebugValue::Histogram(lags) => {
            assert_eq!(lags.len(), 2, "one per event handled");
            assert!(lags.iter().all(|lag| lag.into_inner() >= 0.0 && lag.into_inner() < 60.0));
        }
        other => panic!("not a histogram: {other:?}"),
    }
    for (state, n) in [("pending", 0.0), ("processing", 0.0), ("done", 2.0), ("dead", 0.0)] {
        match find(INBOX_DEPTH, &[("state", state)]) {
            DebugValue::Gauge(v) => assert_eq!(v.into_inner(), n, "{state}"),
            other => panic!("not a gauge: {other:?}"),
        }
    }
    db.cleanup().await;
}

/// The child side: `PAYMUX_STORE_CHILD` says what to do.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var(common::CHILD) else { return };
    let rt = common::child_runtime();
    rt.block_on(async move {
        let db = DbSpec::decode(&env("PAYMUX_STORE_DB"));
        let store = db.open().await;
        let owner = env("PAYMUX_STORE_OWNER");
        let inbox = Inbox::with_config(store, InboxConfig::new().with_owner(owner.clone()));
        match mode.as_str() {
            "hang" => {
                let _ = inbox
                    .process(|e| async move {
                        mark(&format!("HANDLING {} {}", e.event_id, e.attempt));
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Ok::<(), String>(())
                    })
                    .await;
            }
            "drain" => {
                let back = inbox.recover().await.expect("recover");
                mark(&format!("RECOVERED {back}"));
                inbox
                    .drain(|e| async move {
                        mark(&format!("HANDLED {} {}", e.event_id, e.attempt));
                        Ok::<(), String>(())
                    })
                    .await
                    .expect("drain");
            }
            "consume" => {
                let table = match &db {
                    DbSpec::Postgres { url, schema } => {
                        use paymux_store::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
                        let options: PgConnectOptions = url.parse().expect("url");
                        Some(
                            PgPoolOptions::new()
                                .max_connections(8)
                                .connect_with(options.options([("search_path", schema.as_str())]))
                                .await
                                .expect("pool"),
                        )
                    }
                    DbSpec::Sqlite(_) => None,
                };
                let (table, owner) = (&table, owner.as_str());
                let handler = |e: paymux_store::InboxEvent| async move {
                    if let Some(pool) = table {
                        paymux_store::sqlx::query(
                            "INSERT INTO handled (event_id, consumer) VALUES ($1, $2)",
                        )
                        .bind(e.event_id.as_str())
                        .bind(owner)
                        .execute(pool)
                        .await
                        .map_err(|e| e.to_string())?;
                    }
                    mark(&format!("HANDLED {}", e.event_id));
                    Ok::<(), String>(())
                };
                mark("READY");
                loop {
                    inbox.drain(&handler).await.expect("drain");
                    if inbox.counts().await.expect("counts").open() == 0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            other => panic!("unknown child mode {other}"),
        }
    });
    drop(rt);
    std::process::exit(0);
}

fn child_env(mode: &str, db: &DbSpec, owner: &str) -> Vec<(&'static str, String)> {
    vec![
        (common::CHILD, mode.to_owned()),
        ("PAYMUX_STORE_DB", db.encode()),
        ("PAYMUX_STORE_OWNER", owner.to_owned()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_in_its_handler_gets_the_event_again_after_a_restart() {
    for db in TestDb::all("killed_in_the_handler").await {
        let mock = MockProvider::new();
        let inbox = Inbox::new(db.store.clone());
        let body = event_body("evt_kill", "pay_k");
        inbox.receive(&mock, &mock.sign_webhook(&body), &body).await.unwrap();

        let mut worker = ChildProc::spawn("child_entry", &child_env("hang", &db.spec, "worker-1"));
        let handling = worker.line("HANDLING", Duration::from_secs(60)).await;
        assert_eq!(handling.as_deref(), Some("evt_kill 1"));
        worker.kill().await;
        assert_eq!(inbox.counts().await.unwrap().processing, 1);

        let mut restarted =
            ChildProc::spawn("child_entry", &child_env("drain", &db.spec, "worker-1"));
        assert_eq!(
            restarted.line("RECOVERED", Duration::from_secs(60)).await.as_deref(),
            Some("1")
        );
        let handled = restarted.all_lines("HANDLED", Duration::from_secs(60)).await;
        restarted.success().await;
        assert_eq!(handled, ["evt_kill 2"], "{}", db.spec.backend());
        assert_eq!(inbox.counts().await.unwrap().done, 1);
        db.cleanup().await;
    }
}

/// Receives `payments * per_payment` events (event `evt_<p>_<s>` is the `s`-th of payment
/// `p`), 16 deliveries at a time.
async fn receive_many(inbox: &Inbox, payments: usize, per_payment: usize) {
    let mock = Arc::new(MockProvider::new());
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    let mut set = tokio::task::JoinSet::new();
    for s in 0..per_payment {
        for p in 0..payments {
            let (inbox, mock, limit) = (inbox.clone(), mock.clone(), limit.clone());
            set.spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                let body = event_body(&format!("evt_{p}_{s}"), &format!("pay_{p}"));
                inbox.receive(&*mock, &mock.sign_webhook(&body), &body).await.unwrap()
            });
            // Keep receipt order per payment: the next event of a payment after this one.
        }
        while let Some(r) = set.join_next().await {
            assert!(!r.unwrap().duplicate);
        }
    }
}

/// Two consumer processes drain one inbox: every event handled exactly once.
async fn two_consumers(db: &TestDb, payments: usize, per_payment: usize) -> Vec<(String, String)> {
    let inbox = Inbox::new(db.store.clone());
    let started = std::time::Instant::now();
    receive_many(&inbox, payments, per_payment).await;
    eprintln!(
        "{}: received {} events in {:?}",
        db.spec.backend(),
        payments * per_payment,
        started.elapsed()
    );
    let started = std::time::Instant::now();
    let total = payments * per_payment;
    assert_eq!(inbox.counts().await.unwrap().pending, u64::try_from(total).unwrap());
    let mut children: Vec<ChildProc> = ["consumer-1", "consumer-2"]
        .into_iter()
        .map(|owner| ChildProc::spawn("child_entry", &child_env("consume", &db.spec, owner)))
        .collect();
    for child in &mut children {
        assert!(child.line("READY", Duration::from_secs(60)).await.is_some());
    }
    // Both read at once: a child whose output nobody reads blocks on a full pipe, holding its
    // claimed events until their lease runs out.
    let [first, second] = &mut children[..] else { unreachable!() };
    let (one, two) = tokio::join!(
        first.all_lines("HANDLED", Duration::from_secs(120)),
        second.all_lines("HANDLED", Duration::from_secs(120)),
    );
    let mut handled = Vec::new();
    for (events, owner) in [(one, "consumer-1"), (two, "consumer-2")] {
        handled.extend(events.into_iter().map(|e| (e, owner.to_owned())));
    }
    for child in children {
        child.success().await;
    }
    eprintln!("{}: two consumers handled them in {:?}", db.spec.backend(), started.elapsed());
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.done, counts.open()), (u64::try_from(total).unwrap(), 0));
    let mut per_event: HashMap<&str, u32> = HashMap::new();
    for (event, _) in &handled {
        *per_event.entry(event).or_default() += 1;
    }
    assert_eq!(per_event.len(), total, "every event handled");
    let twice: Vec<_> = per_event.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "handled more than once: {twice:?}");
    for owner in ["consumer-1", "consumer-2"] {
        let n = handled.iter().filter(|(_, o)| o == owner).count();
        assert!(n > 0, "{owner} handled nothing: the test shows nothing about two consumers");
        eprintln!("{} {owner}: {n} events", db.spec.backend());
    }
    handled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_consumer_processes_on_postgres_handle_10000_events_exactly_once_in_order() {
    let Some(db) = TestDb::postgres().await else {
        return common::skip_pg("two_consumers_postgres");
    };
    db.store
        .execute(
            "CREATE TABLE handled (seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL, \
             consumer TEXT NOT NULL)",
        )
        .await
        .unwrap();
    let (payments, per_payment) = (1000, 10);
    two_consumers(&db, payments, per_payment).await;
    // The database's own record, in the order the handlers ran: each payment's events in
    // the order they were received, whichever consumer took them.
    let rows = common::column_texts(
        &db.spec,
        "(SELECT event_id FROM handled ORDER BY seq) AS h",
        &["event_id"],
    )
    .await;
    assert_eq!(rows.len(), payments * per_payment);
    let mut next: BTreeMap<usize, usize> = BTreeMap::new();
    for event in rows {
        let mut parts =
            event.trim_start_matches("evt_").split('_').map(|n| n.parse::<usize>().unwrap());
        let (p, s) = (parts.next().unwrap(), parts.next().unwrap());
        let expected = next.entry(p).or_default();
        assert_eq!(s, *expected, "payment {p}: event {s} handled before event {expected}");
        *expected += 1;
    }
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_consumer_processes_on_sqlite_handle_each_event_once() {
    let db = TestDb::sqlite().await;
    two_consumers(&db, 200, 5).await;
    db.cleanup().await;
}
