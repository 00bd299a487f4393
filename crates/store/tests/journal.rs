//! The journal on real databases: SQLite always, PostgreSQL when `CI` is set.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use common::TestDb;
use paymux::sandbox::Fault;
use paymux::{
    CancelPayment, Capabilities, CaptureMode, CapturePayment, Card, ConfirmPayment, CreateCustomer,
    CreatePayment, CreatePayout, CreateRefund, Currency, Error, ErrorKind, IdempotencyKey,
    ListPayouts, MockProvider, Money, Operation, Payment, PaymentId, PaymentProvider,
    PaymentStatus, Payout, ProviderId,
};
use paymux_store::{EntryState, Journal, JournalConfig, OperationKey, Stage, Store};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn by_ref(reference: &str) -> OperationKey {
    OperationKey::PaymentReference(reference.to_owned())
}

/// A provider that records the key and retry mark of every create, then hands it on.
struct Recording {
    inner: Arc<dyn PaymentProvider>,
    creates: Mutex<Vec<(Option<IdempotencyKey>, bool)>>,
    /// When set, the next create never answers (a gateway holding the request).
    hang_next: AtomicBool,
    /// When set, the next create's answer is held back until `release` (a gateway that did
    /// the work but whose answer is late); `reached` tells when it got there.
    hold_next_answer: AtomicBool,
    reached: tokio::sync::Notify,
    release: tokio::sync::Notify,
}

impl Recording {
    fn new(inner: Arc<dyn PaymentProvider>) -> Arc<Recording> {
        Arc::new(Recording {
            inner,
            creates: Mutex::default(),
            hang_next: AtomicBool::new(false),
            hold_next_answer: AtomicBool::new(false),
            reached: tokio::sync::Notify::new(),
            release: tokio::sync::Notify::new(),
        })
    }

    fn creates(&self) -> Vec<(Option<IdempotencyKey>, bool)> {
        self.creates.lock().unwrap().clone()
    }
}

#[async_trait]
impl PaymentProvider for Recording {
    fn id(&self) -> &ProviderId {
        self.inner.id()
    }
    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }
    async fn create_payment(&self, req: CreatePayment) -> paymux::Result<Payment> {
        self.creates.lock().unwrap().push((req.idempotency_key.clone(), req.is_retry));
        if self.hang_next.swap(false, Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        let hold = self.hold_next_answer.swap(false, Ordering::SeqCst);
        let answer = self.inner.create_payment(req).await;
        if hold {
            self.reached.notify_one();
            self.release.notified().await;
        }
        answer
    }
    async fn get_payment(&self, id: &PaymentId) -> paymux::Result<Payment> {
        self.inner.get_payment(id).await
    }
}

#[tokio::test]
async fn a_repeated_create_gets_the_recorded_payment_even_after_a_restart() {
    for db in TestDb::all("a_repeated_create_gets_the_recorded_payment").await {
        let mock = Arc::new(MockProvider::new());
        let journal = Journal::new(mock.clone(), db.store.clone());
        let req = CreatePayment::new(usd(6540)).with_reference("order_1");
        let first = journal.create_payment(req.clone()).await.unwrap();
        let again = journal.create_payment(req.clone()).await.unwrap();
        assert_eq!(first, again);
        // A restarted process: a new pool, a new journal, the same database.
        let reopened = Journal::new(mock.clone(), db.spec.open().await);
        assert_eq!(reopened.create_payment(req).await.unwrap(), first);
        assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 1, "{}", db.spec.backend());
        let entry = reopened.entry(&by_ref("order_1")).await.unwrap().unwrap();
        assert_eq!(entry.state, EntryState::Done);
        assert_eq!(entry.attempt, 1);
        assert_eq!(entry.result::<Payment>().unwrap().unwrap(), first);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_different_request_under_the_same_key_or_reference_is_refused() {
    for db in TestDb::all("a_different_request_is_refused").await {
        let mock = Arc::new(MockProvider::new());
        let journal = Journal::new(mock.clone(), db.store.clone());
        let key = IdempotencyKey::new("key_1").unwrap();
        let req = CreatePayment::new(usd(100)).with_idempotency_key(key.clone());
        journal.create_payment(req.clone()).await.unwrap();
        let other = journal.create_payment(req.with_amount(usd(200))).await.unwrap_err();
        assert_eq!(other.kind(), ErrorKind::InvalidRequest, "{other}");
        assert!(other.message().contains("key_1"), "{other}");
        // The same key for another operation is another request too.
        let capture = journal
            .capture_payment(
                &PaymentId::new("pay_x"),
                CapturePayment::new().with_idempotency_key(key),
            )
            .await
            .unwrap_err();
        assert_eq!(capture.kind(), ErrorKind::InvalidRequest, "{capture}");

        let by_reference = CreatePayment::new(usd(100)).with_reference("order_2");
        journal.create_payment(by_reference.clone()).await.unwrap();
        let changed = journal.create_payment(by_reference.with_amount(usd(300))).await.unwrap_err();
        assert_eq!(changed.kind(), ErrorKind::Conflict, "{changed}");
        assert!(changed.message().contains("order_2"), "{changed}");
        assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 2);
        assert_eq!(mock.calls_of(Operation::CapturePayment).len(), 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_reference_whose_attempt_certainly_failed_starts_over_with_a_new_key() {
    for db in TestDb::all("a_reference_whose_attempt_failed_starts_over").await {
        let mock = Arc::new(MockProvider::new());
        let journal = Journal::new(mock.clone(), db.store.clone());
        // Declined as an error: nothing was created.
        mock.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Declined, "declined"));
        let req = CreatePayment::new(usd(100))
            .with_reference("order_3")
            .with_card(Card::new("4242424242424242", 12, 2030, "123").unwrap());
        assert_eq!(
            journal.create_payment(req.clone()).await.unwrap_err().kind(),
            ErrorKind::Declined
        );
        assert_eq!(
            journal.entry(&by_ref("order_3")).await.unwrap().unwrap().state,
            EntryState::Failed
        );
        let paid = journal.create_payment(req).await.unwrap();
        assert_eq!(paid.status, PaymentStatus::Succeeded);
        let keys: Vec<_> = mock
            .calls_of(Operation::CreatePayment)
            .into_iter()
            .map(|c| c.idempotency_key)
            .collect();
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1], "a new attempt has a new key");

        // Declined as a failed payment: the reference may start over too, with another card.
        let declined = CreatePayment::new(usd(100))
            .with_reference("order_4")
            .with_card(Card::new(paymux::mock::triggers::CARD_DECLINED, 12, 2030, "123").unwrap());
        assert_eq!(journal.create_payment(declined).await.unwrap().status, PaymentStatus::Failed);
        let retried = CreatePayment::new(usd(100))
            .with_reference("order_4")
            .with_card(Card::new("4242424242424242", 12, 2030, "123").unwrap());
        assert_eq!(journal.create_payment(retried).await.unwrap().status, PaymentStatus::Succeeded);

        // Under the caller's key the recorded error comes back, and nothing is sent again.
        mock.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Declined, "declined"));
        let keyed = CreatePayment::new(usd(100))
            .with_idempotency_key(IdempotencyKey::new("key_2").unwrap());
        let calls = mock.calls_of(Operation::CreatePayment).len();
        assert_eq!(
            journal.create_payment(keyed.clone()).await.unwrap_err().kind(),
            ErrorKind::Declined
        );
        assert_eq!(journal.create_payment(keyed).await.unwrap_err().kind(), ErrorKind::Declined);
        assert_eq!(mock.calls_of(Operation::CreatePayment).len(), calls + 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_outcome_is_retried_with_the_same_key_marked_retrying() {
    for db in TestDb::all("an_unknown_outcome_is_retried").await {
        let mock = Arc::new(MockProvider::new());
        let recording = Recording::new(mock.clone());
        let journal = Journal::new(recording.clone(), db.store.clone());
        mock.fail_next(
            Operation::CreatePayment,
            Error::new(ErrorKind::Timeout, "no answer").with_outcome_unknown(),
        );
        let req = CreatePayment::new(usd(100)).with_reference("order_5");
        let lost = journal.create_payment(req.clone()).await.unwrap_err();
        assert!(lost.is_outcome_unknown());
        assert_eq!(
            journal.entry(&by_ref("order_5")).await.unwrap().unwrap().state,
            EntryState::Unknown
        );
        let paid = journal.create_payment(req).await.unwrap();
        let creates = recording.creates();
        assert_eq!(creates.len(), 2);
        assert_eq!(creates[0].0, creates[1].0, "the same key");
        assert_eq!((creates[0].1, creates[1].1), (false, true), "the second is marked retrying");
        let entry = journal.entry(&by_ref("order_5")).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.attempt), (EntryState::Done, 2));
        assert_eq!(entry.result::<Payment>().unwrap().unwrap(), paid);
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_on_separate_pools_make_one_payment() {
    // pay.tech has no idempotency keys: only the journal keeps a second create from leaving.
    for db in TestDb::all("concurrent_callers_make_one_payment").await {
        for kind in ["paynectra", "paytech"] {
            let emulator = common::emulator(kind).await;
            emulator.faults().inject(
                Some(paymux::http::Method::POST),
                "/",
                Fault::Delay(Duration::from_millis(200)),
                None,
            );
            // Two "replicas": each its own pool and journal, on one database.
            let mut journals = Vec::new();
            for owner in ["replica-a", "replica-b"] {
                let provider = paymux::sandbox::provider(&emulator).unwrap();
                let config = JournalConfig::new().with_owner(owner);
                journals.push(Journal::with_config(provider, db.spec.open().await, config));
            }
            let mut set = tokio::task::JoinSet::new();
            for i in 0..20 {
                let journal = journals[i % 2].clone();
                set.spawn(async move {
                    journal.create_payment(common::payment_request(kind, "order_same")).await
                });
            }
            let mut ids = std::collections::BTreeSet::new();
            while let Some(done) = set.join_next().await {
                ids.insert(done.unwrap().unwrap().id);
            }
            common::settle(&emulator).await;
            assert_eq!(ids.len(), 1, "{} {kind}: {ids:?}", db.spec.backend());
            assert_eq!(emulator.stats().count(&paymux::http::Method::POST, "/"), 1, "{kind}");
            assert_eq!(common::payments_held(&emulator).await, 1, "{kind}");
            // The next gateway starts from an empty journal.
            db.store.execute("DELETE FROM paymux_journal").await.unwrap();
        }
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commit_window_delays_no_lone_call_and_a_burst_is_recorded_in_full() {
    // A window far longer than a commit: were it applied to a lone call, ten calls one after
    // another would take at least 20 seconds (twice per call).
    let window = Duration::from_secs(1);
    for db in TestDb::all("the_commit_window").await {
        let config = JournalConfig::new().with_commit_window(window);
        let journal = Journal::with_config(Arc::new(MockProvider::new()), db.store.clone(), config);
        let started = std::time::Instant::now();
        for i in 0..10 {
            let req = CreatePayment::new(usd(100)).with_reference(format!("alone_{i}"));
            journal.create_payment(req).await.unwrap();
        }
        let alone = started.elapsed();
        assert!(alone < window, "{}: ten lone calls took {alone:?}", db.spec.backend());
        // A burst: every call is recorded, and a repeat of each gets the same payment.
        let mut set = tokio::task::JoinSet::new();
        for i in 0..200 {
            let journal = journal.clone();
            set.spawn(async move {
                let req = CreatePayment::new(usd(100)).with_reference(format!("burst_{i}"));
                (i, journal.create_payment(req).await.unwrap().id)
            });
        }
        let mut made = Vec::new();
        while let Some(done) = set.join_next().await {
            made.push(done.unwrap());
        }
        assert_eq!(made.len(), 200);
        for (i, id) in made {
            let entry = journal.entry(&by_ref(&format!("burst_{i}"))).await.unwrap().unwrap();
            assert_eq!(entry.state, EntryState::Done, "{}: burst_{i}", db.spec.backend());
            let again = CreatePayment::new(usd(100)).with_reference(format!("burst_{i}"));
            assert_eq!(journal.create_payment(again).await.unwrap().id, id);
        }
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_takes_over_after_the_lease_and_leaves_live_leases_alone() {
    for db in TestDb::all("recover_takes_over_after_the_lease").await {
        let emulator = common::emulator("paygentic").await;
        emulator.faults().inject(
            Some(paymux::http::Method::POST),
            "/",
            Fault::Delay(Duration::from_millis(1500)),
            Some(1),
        );
        let provider = paymux::sandbox::provider(&emulator).unwrap();
        let lease = Duration::from_millis(600);
        let a = Journal::with_config(
            provider.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("a").with_lease(lease),
        );
        let req = common::payment_request("paygentic", "order_6");
        // The caller gives up (its task is cancelled) while the gateway holds the request.
        let cut =
            tokio::time::timeout(Duration::from_millis(300), a.create_payment(req.clone())).await;
        assert!(cut.is_err());
        let b = Journal::with_config(
            provider,
            db.spec.open().await,
            JournalConfig::new().with_owner("b"),
        );
        let early = b.recover().await.unwrap();
        assert_eq!(early.in_flight_elsewhere, 1, "a's lease still runs");
        assert_eq!(early.done, 0);
        tokio::time::sleep(lease).await;
        let late = b.recover().await.unwrap();
        assert_eq!(late.done, 1, "{late:?}");
        assert!(late.is_clean());
        common::settle(&emulator).await;
        assert_eq!(common::payments_held(&emulator).await, 1, "{}", db.spec.backend());
        let entry = b.entry(&by_ref("order_6")).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.attempt), (EntryState::Done, 2));
        let recorded: Payment = entry.result().unwrap().unwrap();
        assert_eq!(b.create_payment(req).await.unwrap().id, recorded.id);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_late_answer_of_an_attempt_taken_over_never_replaces_the_current_one() {
    for db in TestDb::all("late_answer_of_taken_over").await {
        // The gateway declines attempt 1 and holds that answer back; attempt 2 goes through.
        let mock = Arc::new(MockProvider::new());
        mock.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Declined, "declined late"));
        let gateway = Recording::new(mock);
        gateway.hold_next_answer.store(true, Ordering::SeqCst);
        let lease = Duration::from_millis(300);
        let a = Journal::with_config(
            gateway.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("a").with_lease(lease),
        );
        let req = CreatePayment::new(usd(1200)).with_reference("order_late");
        let first = tokio::spawn({
            let req = req.clone();
            async move { a.create_payment(req).await }
        });
        gateway.reached.notified().await;
        tokio::time::sleep(lease + Duration::from_millis(50)).await;
        let b = Journal::with_config(
            gateway.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("b"),
        );
        let report = b.recover().await.unwrap();
        assert_eq!(report.done, 1, "{report:?}");
        let paid: Payment =
            b.entry(&by_ref("order_late")).await.unwrap().unwrap().result().unwrap().unwrap();

        // Attempt 1's answer comes now: recorded as attempt 1's, read as nobody's.
        gateway.release.notify_one();
        let late = first.await.unwrap();
        assert_eq!(late.unwrap_err().kind(), ErrorKind::Declined);
        let entry = b.entry(&by_ref("order_late")).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.attempt), (EntryState::Done, 2), "{}", db.spec.backend());
        assert_eq!(
            b.create_payment(req).await.unwrap(),
            paid,
            "the repeat gets attempt 2's payment"
        );
        let outcomes =
            db.store.execute("DELETE FROM paymux_journal_outcome WHERE attempt = 1").await;
        assert_eq!(outcomes.unwrap(), 1, "attempt 1's answer was recorded as its own");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn card_details_are_never_stored_and_a_card_entry_waits_for_the_callers_retry() {
    for db in TestDb::all("card_details_are_never_stored").await {
        let mock = Arc::new(MockProvider::new());
        let recording = Recording::new(mock.clone());
        let config = || JournalConfig::new().with_owner("replica-1");
        let journal = Journal::with_config(recording.clone(), db.store.clone(), config());
        let card = Card::new("4242424242424242", 12, 2030, "987")
            .unwrap()
            .with_holder_name("Jane Q Cardholder");
        let req = CreatePayment::new(usd(2500)).with_reference("order_7").with_card(card);
        recording.hang_next.store(true, Ordering::SeqCst);
        let cut =
            tokio::time::timeout(Duration::from_millis(200), journal.create_payment(req.clone()))
                .await;
        assert!(cut.is_err(), "the gateway never answered");
        // The process restarts under the same owner name.
        drop(journal);
        let restarted = Journal::with_config(recording.clone(), db.spec.open().await, config());
        let report = restarted.recover().await.unwrap();
        assert_eq!(report.awaiting_caller.len(), 1, "{report:?}");
        assert_eq!(report.awaiting_caller[0].state, EntryState::Unknown);
        assert!(!report.awaiting_caller[0].replayable);
        let paid = restarted.create_payment(req.clone()).await.unwrap();
        assert_eq!(restarted.create_payment(req).await.unwrap().id, paid.id);
        let creates = recording.creates();
        assert_eq!(creates.len(), 2);
        assert_eq!(creates[0].0, creates[1].0);
        assert!(creates[1].1, "the caller's retry is marked retrying");
        assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 1);

        let everything = common::column_texts(
            &db.spec,
            "paymux_journal",
            &["logical_key", "request", "fingerprint", "result", "error"],
        )
        .await
        .join("\n");
        assert!(!everything.contains("4242424242424242"), "card number stored: {everything}");
        let requests =
            common::column_texts(&db.spec, "paymux_journal", &["request"]).await.join("\n");
        for secret in ["987", "Cardholder"] {
            assert!(!common::contains_word(&requests, secret), "{secret} stored: {requests}");
        }
        assert!(requests.contains("\"last4\":\"4242\""), "{requests}");
        let shown =
            format!("{:?} {:?}", restarted, restarted.entry(&by_ref("order_7")).await.unwrap());
        // Word by word: a random key or timestamp may hold the CVC's digits inside a longer run.
        assert!(
            !shown.contains("4242424242424242") && !common::contains_word(&shown, "987"),
            "{shown}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn captures_cancels_confirms_refunds_and_customers_are_journaled() {
    for db in TestDb::all("every_mutation_is_journaled").await {
        let mock = Arc::new(MockProvider::new());
        let journal = Journal::new(mock.clone(), db.store.clone());
        let key = |k: &str| IdempotencyKey::new(k).unwrap();
        let card = || Card::new("4242424242424242", 12, 2030, "123").unwrap();

        let manual = journal
            .create_payment(
                CreatePayment::new(usd(1000)).with_card(card()).with_capture(CaptureMode::Manual),
            )
            .await
            .unwrap();
        let capture =
            CapturePayment::new().with_amount(usd(400)).with_idempotency_key(key("cap_1"));
        let once = journal.capture_payment(&manual.id, capture.clone()).await.unwrap();
        assert_eq!(journal.capture_payment(&manual.id, capture).await.unwrap(), once);
        assert_eq!(mock.calls_of(Operation::CapturePayment).len(), 1);

        let refund = CreateRefund::new(manual.id.clone())
            .with_amount(usd(100))
            .with_merchant_refund_id("rf_1");
        let refunded = journal.create_refund(refund.clone()).await.unwrap();
        assert_eq!(journal.create_refund(refund).await.unwrap(), refunded);
        assert_eq!(mock.calls_of(Operation::CreateRefund).len(), 1);
        assert!(
            journal.entry(&OperationKey::RefundReference("rf_1".into())).await.unwrap().is_some()
        );

        let held = journal
            .create_payment(
                CreatePayment::new(usd(500)).with_card(card()).with_capture(CaptureMode::Manual),
            )
            .await
            .unwrap();
        let cancel =
            CancelPayment::new().with_reason("out of stock").with_idempotency_key(key("can_1"));
        let cancelled = journal.cancel_payment(&held.id, cancel.clone()).await.unwrap();
        assert_eq!(journal.cancel_payment(&held.id, cancel).await.unwrap(), cancelled);
        assert_eq!(mock.calls_of(Operation::CancelPayment).len(), 1);

        let open =
            journal.create_payment(CreatePayment::new(usd(700)).with_confirm(false)).await.unwrap();
        let confirm = ConfirmPayment::new().with_card(card()).with_idempotency_key(key("con_1"));
        let confirmed = journal.confirm_payment(&open.id, confirm.clone()).await.unwrap();
        assert_eq!(journal.confirm_payment(&open.id, confirm).await.unwrap(), confirmed);
        assert_eq!(mock.calls_of(Operation::ConfirmPayment).len(), 1);

        let customer =
            CreateCustomer::new().with_email("jane@example.com").with_idempotency_key(key("cus_1"));
        let saved = journal.create_customer(customer.clone()).await.unwrap();
        assert_eq!(journal.create_customer(customer).await.unwrap(), saved);
        assert_eq!(mock.calls_of(Operation::CreateCustomer).len(), 1);

        // Reads pass through.
        assert_eq!(journal.get_payment(&manual.id).await.unwrap().id, manual.id);
        assert!(journal.unsettled().await.unwrap().is_empty());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_journal_wraps_a_router() {
    for db in TestDb::all("the_journal_wraps_a_router").await {
        let router = paymux::Router::builder()
            .instance("eu", Arc::new(MockProvider::builder().id("eu").build()))
            .instance("us", Arc::new(MockProvider::builder().id("us").build()))
            .default_instance("eu")
            .build()
            .unwrap();
        let journal = Journal::new(Arc::new(router), db.store.clone());
        assert_eq!(journal.instance(), "router");
        let req = CreatePayment::new(usd(1200))
            .with_reference("order_8")
            .with_card(Card::new("4242424242424242", 12, 2030, "123").unwrap());
        let first = journal.create_payment(req.clone()).await.unwrap();
        assert!(first.id.as_str().starts_with("eu:"), "{}", first.id);
        assert_eq!(journal.create_payment(req).await.unwrap().id, first.id);
        let refund = journal.create_refund(CreateRefund::new(first.id.clone())).await.unwrap();
        assert!(refund.id.as_str().starts_with("eu:"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn stages_come_in_order_and_prune_keeps_what_is_unsettled() {
    for db in TestDb::all("stages_and_prune").await {
        let mock = Arc::new(MockProvider::new());
        let stages = Arc::new(Mutex::new(Vec::new()));
        let seen = stages.clone();
        let config =
            JournalConfig::new().on_stage(Arc::new(move |s: Stage| seen.lock().unwrap().push(s)));
        let journal = Journal::with_config(mock.clone(), db.store.clone(), config);
        journal
            .create_payment(CreatePayment::new(usd(100)).with_reference("order_9"))
            .await
            .unwrap();
        assert_eq!(*stages.lock().unwrap(), [Stage::Recorded, Stage::Answered]);
        mock.fail_next(
            Operation::CreatePayment,
            Error::new(ErrorKind::Timeout, "t").with_outcome_unknown(),
        );
        let _ =
            journal.create_payment(CreatePayment::new(usd(100)).with_reference("order_10")).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(journal.prune(Duration::from_secs(3600)).await.unwrap(), 0, "nothing that old");
        assert_eq!(journal.prune(Duration::ZERO).await.unwrap(), 1, "the settled entry");
        let left = journal.unsettled().await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].state, EntryState::Unknown);
        assert!(left[0].error.as_deref().unwrap_or_default().contains('t'));
        let report = db.store.prune(Duration::ZERO).await.unwrap();
        assert_eq!(report.journal, 0, "unknown entries are never pruned");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_event_store_is_shared_through_the_database() {
    use paymux::webhook::EventStore;
    for db in TestDb::all("the_event_store_is_shared").await {
        let one = paymux_store::SqlEventStore::new(db.store.clone());
        let other = paymux_store::SqlEventStore::new(db.spec.open().await);
        let (p, e) = (ProviderId::new("paychtec"), paymux::EventId::new("evt_1"));
        assert!(one.first_seen(&p, &e).await.unwrap());
        assert!(!other.first_seen(&p, &e).await.unwrap(), "seen by the other replica");
        assert!(other.first_seen(&ProviderId::new("paynectra"), &e).await.unwrap());
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(db.store.prune(Duration::ZERO).await.unwrap().seen_events, 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn store_urls_and_backends() {
    let memory = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(memory.backend(), paymux_store::Backend::Sqlite);
    memory.migrate().await.unwrap();
    memory.migrate().await.unwrap();
    let bad = Store::connect("mysql://user:hunter2@host/db").await.unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Configuration);
    assert!(!bad.to_string().contains("hunter2"), "{bad}");
    if let Some(url) = common::pg_url() {
        let pg = Store::connect(&url).await.expect("CI is set but PostgreSQL does not answer");
        assert_eq!(pg.backend(), paymux_store::Backend::Postgres);
        pg.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_old_settled_entries_a_chunk_at_a_time_and_keeps_young_ones() {
    for db in TestDb::all("prune_in_chunks").await {
        let journal = Journal::new(Arc::new(MockProvider::new()), db.store.clone());
        let mut set = tokio::task::JoinSet::new();
        for i in 0..2_100 {
            let journal = journal.clone();
            set.spawn(async move {
                journal
                    .create_payment(CreatePayment::new(usd(100)).with_reference(format!("old_{i}")))
                    .await
            });
        }
        while let Some(done) = set.join_next().await {
            done.unwrap().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        let cut = std::time::Instant::now();
        journal.create_payment(CreatePayment::new(usd(100)).with_reference("young")).await.unwrap();
        // Everything before the young entry is older than the cut-off.
        let older_than = cut.elapsed() + Duration::from_millis(10);
        assert_eq!(journal.prune(older_than).await.unwrap(), 2_100, "{}", db.spec.backend());
        assert!(journal.entry(&by_ref("young")).await.unwrap().is_some());
        assert!(journal.entry(&by_ref("old_7")).await.unwrap().is_none());
        db.cleanup().await;
    }
}

/// A gateway that pays out, then loses the answer of the first create (the payout exists,
/// the caller sees a timeout).
struct LosesFirstPayoutAnswer {
    inner: Arc<MockProvider>,
    lost: AtomicBool,
    keys: Mutex<Vec<(Option<IdempotencyKey>, bool)>>,
}

#[async_trait]
impl PaymentProvider for LosesFirstPayoutAnswer {
    fn id(&self) -> &ProviderId {
        self.inner.id()
    }
    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }
    async fn create_payment(&self, req: CreatePayment) -> paymux::Result<Payment> {
        self.inner.create_payment(req).await
    }
    async fn get_payment(&self, id: &PaymentId) -> paymux::Result<Payment> {
        self.inner.get_payment(id).await
    }
    async fn create_payout(&self, req: CreatePayout) -> paymux::Result<Payout> {
        self.keys.lock().unwrap().push((req.idempotency_key.clone(), req.is_retry));
        let payout = self.inner.create_payout(req).await?;
        if !self.lost.swap(true, Ordering::SeqCst) {
            return Err(Error::new(ErrorKind::Timeout, "answer lost").with_outcome_unknown());
        }
        Ok(payout)
    }
}

#[tokio::test]
async fn one_payout_per_reference_across_a_lost_answer_a_restart_and_a_second_replica() {
    for db in TestDb::all("one_payout_per_reference").await {
        let mock = Arc::new(MockProvider::new());
        let gateway = Arc::new(LosesFirstPayoutAnswer {
            inner: mock.clone(),
            lost: AtomicBool::new(false),
            keys: Mutex::default(),
        });
        let journal = Journal::new(gateway.clone(), db.store.clone());
        let card = Card::new("4242424242424242", 12, 2030, "987").unwrap();
        let req = CreatePayout::new(usd(4200)).with_reference("seller_42").with_card(card);
        let lost = journal.create_payout(req.clone()).await.unwrap_err();
        assert!(lost.is_outcome_unknown(), "{lost}");
        let key = OperationKey::PayoutReference("seller_42".into());
        let entry = journal.entry(&key).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.operation.as_str()), (EntryState::Unknown, "create_payout"));
        assert!(!entry.replayable, "a card payout is not rebuilt without the caller");
        let stored = common::column_texts(&db.spec, "paymux_journal", &["request"]).await.join("");
        assert!(stored.contains("\"last4\":\"4242\"") && !stored.contains("4242424242424242"));
        assert!(!common::contains_word(&stored, "987"), "{stored}");

        // The process restarts; the caller retries on another replica with the same reference.
        let replica = Journal::with_config(
            gateway.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("replica-2"),
        );
        let paid = replica.create_payout(req.clone()).await.unwrap();
        assert_eq!(journal.create_payout(req.clone()).await.unwrap(), paid);
        assert_eq!(mock.list_payouts(ListPayouts::new()).await.unwrap().items, vec![paid.clone()]);
        let keys = gateway.keys.lock().unwrap().clone();
        assert_eq!(keys.len(), 2, "sent once, then once more as a marked retry");
        assert_eq!(keys[0].0, keys[1].0, "with the same key");
        assert_eq!((keys[0].1, keys[1].1), (false, true));
        let entry = replica.entry(&key).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.attempt), (EntryState::Done, 2));
        assert_eq!(entry.result::<Payout>().unwrap().unwrap(), paid);

        // Another payout under the same reference is refused, not sent.
        let other = CreatePayout::new(usd(10)).with_reference("seller_42");
        assert_eq!(replica.create_payout(other).await.unwrap_err().kind(), ErrorKind::Conflict);
        assert_eq!(mock.calls_of(Operation::CreatePayout).len(), 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn recover_resends_a_payout_it_can_rebuild_under_its_key() {
    for db in TestDb::all("recover_resends_a_payout").await {
        let mock = Arc::new(MockProvider::new());
        let gateway = Arc::new(LosesFirstPayoutAnswer {
            inner: mock.clone(),
            lost: AtomicBool::new(false),
            keys: Mutex::default(),
        });
        let config = || JournalConfig::new().with_owner("replica-1");
        let journal = Journal::with_config(gateway.clone(), db.store.clone(), config());
        let req = CreatePayout::new(usd(900)).with_reference("seller_9").with_description("May");
        journal.create_payout(req).await.unwrap_err();
        let restarted = Journal::with_config(gateway.clone(), db.spec.open().await, config());
        let report = restarted.recover().await.unwrap();
        assert_eq!(report.done, 1, "{report:?}");
        let entry =
            restarted.entry(&OperationKey::PayoutReference("seller_9".into())).await.unwrap();
        let payout: Payout = entry.unwrap().result().unwrap().unwrap();
        assert_eq!(payout.description.as_deref(), Some("May"));
        assert_eq!(mock.list_payouts(ListPayouts::new()).await.unwrap().items, vec![payout]);
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_finds_an_old_entry_taken_over_after_its_mark_moved_past_it() {
    for db in TestDb::all("recovery_mark_and_takeover").await {
        let mock = Arc::new(MockProvider::new());
        let recording = Recording::new(mock.clone());
        let lease = Duration::from_millis(200);
        let a = Journal::with_config(
            recording.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("a").with_lease(lease),
        );
        mock.fail_next(
            Operation::CreatePayment,
            Error::new(ErrorKind::ProviderUnavailable, "down"),
        );
        let req = CreatePayment::new(usd(100)).with_reference("order_m1");
        a.create_payment(req.clone()).await.unwrap_err();
        for i in 0..3 {
            a.create_payment(
                CreatePayment::new(usd(100)).with_reference(format!("order_m{}", i + 2)),
            )
            .await
            .unwrap();
        }
        tokio::time::sleep(lease * 2).await;
        // Every entry is settled and older than a lease: the mark moves past all of them.
        assert!(a.recover().await.unwrap().is_clean());
        assert!(a.unsettled().await.unwrap().is_empty());

        // The caller retries the failed one; the gateway holds it and the caller is cut off.
        recording.hang_next.store(true, Ordering::SeqCst);
        let cut = tokio::time::timeout(Duration::from_millis(100), a.create_payment(req.clone()));
        assert!(cut.await.is_err());
        let b = Journal::with_config(
            recording.clone(),
            db.spec.open().await,
            JournalConfig::new().with_owner("b").with_lease(lease),
        );
        let unsettled = b.unsettled().await.unwrap();
        assert_eq!(unsettled.len(), 1, "{}: {unsettled:?}", db.spec.backend());
        assert_eq!((unsettled[0].state, unsettled[0].attempt), (EntryState::InFlight, 2));
        tokio::time::sleep(lease * 2).await;
        let report = b.recover().await.unwrap();
        assert_eq!(report.done, 1, "{}: {report:?}", db.spec.backend());
        assert!(b.unsettled().await.unwrap().is_empty());
        let entry = b.entry(&by_ref("order_m1")).await.unwrap().unwrap();
        assert_eq!((entry.state, entry.attempt), (EntryState::Done, 3));
        let paid = mock.calls_of(Operation::CreatePayment).len();
        assert_eq!(
            b.create_payment(req).await.unwrap().id,
            entry.result::<Payment>().unwrap().unwrap().id
        );
        assert_eq!(
            mock.calls_of(Operation::CreatePayment).len(),
            paid,
            "answered from the journal"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_entry_settled_under_schema_1_still_answers_a_repeat() {
    for db in TestDb::all("schema_1_entry").await {
        let mock = Arc::new(MockProvider::new());
        let journal = Journal::new(mock.clone(), db.store.clone());
        let req = CreatePayment::new(usd(700)).with_reference("order_s1");
        let paid = journal.create_payment(req.clone()).await.unwrap();
        // What schema 1 wrote: the outcome on the entry itself, no outcome row.
        let moved = db
            .store
            .execute(
                "UPDATE paymux_journal SET \
                 state = (SELECT o.state FROM paymux_journal_outcome o \
                     WHERE o.entry_id = paymux_journal.id AND o.attempt = paymux_journal.attempt), \
                 result = (SELECT o.result FROM paymux_journal_outcome o \
                     WHERE o.entry_id = paymux_journal.id AND o.attempt = paymux_journal.attempt), \
                 owner = NULL, lease_until = 0",
            )
            .await
            .unwrap();
        assert_eq!(moved, 1);
        assert_eq!(db.store.execute("DELETE FROM paymux_journal_outcome").await.unwrap(), 1);
        let reopened = Journal::new(mock.clone(), db.spec.open().await);
        let entry = reopened.entry(&by_ref("order_s1")).await.unwrap().unwrap();
        assert_eq!(entry.state, EntryState::Done, "{}", db.spec.backend());
        assert_eq!(reopened.create_payment(req).await.unwrap(), paid);
        assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 1, "answered from the entry");
        assert!(reopened.unsettled().await.unwrap().is_empty());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn outcomes_recorded_under_sqlite_schema_2_answer_after_the_move_to_a_rowid_table() {
    use paymux_store::sqlx::{self, migrate::Migrator, sqlite::SqlitePoolOptions};
    let dir = std::env::temp_dir().join(format!("paymux_store_schema2_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.db");
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(Store::sqlite_options(&path))
        .await
        .unwrap();
    let mut schema_2 = Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .unwrap();
    schema_2.migrations = schema_2.migrations[..2].to_vec().into();
    schema_2.run(&pool).await.unwrap();
    let without_rowid = "SELECT rowid FROM paymux_journal_outcome";
    assert!(sqlx::query(without_rowid).fetch_all(&pool).await.is_err(), "schema 2: no rowid");

    let mock = Arc::new(MockProvider::new());
    let store = Store::from_sqlite_pool(pool.clone());
    let req = CreatePayment::new(usd(900)).with_reference("order_s2");
    let paid = Journal::new(mock.clone(), store.clone()).create_payment(req.clone()).await.unwrap();

    store.migrate().await.unwrap();
    let rows = sqlx::query(without_rowid).fetch_all(&pool).await.unwrap();
    assert_eq!(rows.len(), 1, "the outcome was copied into the rowid table");
    let reopened = Journal::new(mock.clone(), Store::from_sqlite_pool(pool.clone()));
    let entry = reopened.entry(&by_ref("order_s2")).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Done);
    assert_eq!(reopened.create_payment(req).await.unwrap(), paid);
    assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 1, "answered from the outcome");
    let again = CreatePayment::new(usd(901)).with_reference("order_s3");
    reopened.create_payment(again).await.unwrap();
    assert_eq!(sqlx::query(without_rowid).fetch_all(&pool).await.unwrap().len(), 2);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_compares_identifiers_byte_by_byte() {
    use paymux_store::sqlx;
    let Some(db) = TestDb::postgres().await else {
        return common::skip_pg("postgres_compares_identifiers_byte_by_byte");
    };
    let common::DbSpec::Postgres { url, schema } = &db.spec else { unreachable!("postgres") };
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let columns: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, collation_name::text \
         FROM information_schema.columns WHERE table_schema = $1 \
           AND column_name IN ('instance', 'logical_key', 'event_id', 'resource') \
         ORDER BY 1, 2",
    )
    .bind(schema)
    .fetch_all(&pool)
    .await
    .unwrap();
    let named = |t: &str, c: &str| (t.to_owned(), c.to_owned(), Some("C".to_owned()));
    assert_eq!(
        columns,
        [
            named("paymux_inbox", "event_id"),
            named("paymux_inbox", "instance"),
            named("paymux_inbox", "resource"),
            named("paymux_journal", "instance"),
            named("paymux_journal", "logical_key"),
            named("paymux_journal_mark", "instance"),
            named("paymux_seen_events", "event_id"),
            named("paymux_seen_events", "instance"),
        ]
    );
    // The unique index still answers a lookup by key: the journal finds a repeat.
    let mock = Arc::new(MockProvider::new());
    let journal = Journal::new(mock.clone(), db.store.clone());
    let req = CreatePayment::new(usd(900)).with_reference("order_é_Z");
    let first = journal.create_payment(req.clone()).await.unwrap();
    assert_eq!(journal.create_payment(req).await.unwrap(), first);
    assert_eq!(mock.calls_of(Operation::CreatePayment).len(), 1);
    pool.close().await;
    db.cleanup().await;
}
