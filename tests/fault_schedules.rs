//! Sequences of faults, not single ones: proptest draws a schedule (in the manner of Jepsen's
//! generators), one step per request a logical call makes, and one `create_payment` runs under
//! it against a fresh emulator, per connector and through a router fallback route; and one
//! `create_payout` per connector that pays out (money leaving the merchant deserves the same). What each
//! step does:
//!
//! | step | at the connection / the emulator | may the gateway have acted? |
//! |---|---|---|
//! | `ok` | handled normally | yes |
//! | `late` | handled after the client's timeout | yes |
//! | `dropped` | handled, then the connection is cut mid-answer | yes |
//! | `truncated` | handled, answer cut in half | yes |
//! | `not_json` | handled, answered with an HTML page | yes |
//! | `e500`, `e503` | answered 500 / 503 unhandled (the client cannot tell) | yes |
//! | `refused` | the connection is refused (never sent) | no |
//! | `throttled` | 429 without `Retry-After` | no |
//! | `throttled_wait` | 429 with `Retry-After: 0` | no |
//! | `throttled_long` | 429 with a `Retry-After` beyond the retry policy's cap | no |
//!
//! Refusals come from a connector layer in the test's own HTTP client (handed to the
//! connector with `with_http_client`); the other steps from the emulator's fault switches,
//! armed for exactly the request that the step's connection carries. The client keeps no idle
//! connections, so each request is one connection and one step.
//!
//! Invariants, checked on the gateways' side (payments, or payouts, listed afterwards):
//! - at most one payment (payout) per logical call, at all gateways together;
//! - a call that returns a payment made exactly one;
//! - an error after any mutation that may have reached a gateway says outcome-unknown, and an
//!   error that does not say so left no payment (so a router may fall back);
//! - through a router, a payment that may have reached the primary gateway never falls back.
//!
//! `PAYMUX_FAULT_SCHEDULES` sets the schedules per target (default 200). A failure prints the
//! schedule; `PAYMUX_FAULT_REPLAY='router:paychtec: late,throttled'` runs just that one.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Method;
use paymux::router::{Route, Rule};
use paymux::sandbox::faults::Faults;
use paymux::sandbox::{EmulatorHandle, Fault};
use paymux::transport::{ConnectionSettings, RetryPolicy};
use paymux::{
    Card, CreatePayment, CreatePayout, Currency, ListPayments, ListPayouts, Money, PaymentProvider,
    Router,
};
use paymux_tests::{Profile, connector, emulator_url, profiles, with_card};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

/// The client's whole-request timeout.
const TIMEOUT: Duration = Duration::from_millis(150);
/// How long a `late` answer takes: well past the timeout.
const LATE: Duration = Duration::from_millis(250);
/// The most steps a schedule holds: three attempts of the create and, for pay.tech, the
/// lookups that recover an ambiguous create.
const MAX_STEPS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Ok,
    Late,
    Dropped,
    Truncated,
    NotJson,
    E500,
    E503,
    Refused,
    Throttled,
    ThrottledWait,
    ThrottledLong,
}

impl Step {
    const ALL: [Step; 11] = [
        Step::Ok,
        Step::Late,
        Step::Dropped,
        Step::Truncated,
        Step::NotJson,
        Step::E500,
        Step::E503,
        Step::Refused,
        Step::Throttled,
        Step::ThrottledWait,
        Step::ThrottledLong,
    ];

    fn name(self) -> &'static str {
        match self {
            Step::Ok => "ok",
            Step::Late => "late",
            Step::Dropped => "dropped",
            Step::Truncated => "truncated",
            Step::NotJson => "not_json",
            Step::E500 => "e500",
            Step::E503 => "e503",
            Step::Refused => "refused",
            Step::Throttled => "throttled",
            Step::ThrottledWait => "throttled_wait",
            Step::ThrottledLong => "throttled_long",
        }
    }

    fn parse(name: &str) -> Step {
        Step::ALL
            .into_iter()
            .find(|s| s.name() == name.trim())
            .unwrap_or_else(|| panic!("unknown step {name:?}"))
    }

    /// What the emulator does to the request this step's connection carries.
    fn fault(self) -> Option<Fault> {
        match self {
            Step::Ok | Step::Refused => None,
            Step::Late => Some(Fault::Delay(LATE)),
            Step::Dropped => Some(Fault::DropConnection),
            Step::Truncated => Some(Fault::MalformedBody),
            Step::NotJson => Some(Fault::NotJson),
            Step::E500 => Some(Fault::Status(500)),
            Step::E503 => Some(Fault::Status(503)),
            Step::Throttled => Some(Fault::Status(429)),
            Step::ThrottledWait => Some(Fault::RateLimited { retry_after_secs: 0 }),
            Step::ThrottledLong => Some(Fault::RateLimited { retry_after_secs: 3600 }),
        }
    }

    /// Whether, seen from the client, the gateway may have acted on the request.
    fn may_have_reached(self) -> bool {
        !matches!(self, Step::Refused | Step::Throttled | Step::ThrottledWait | Step::ThrottledLong)
    }
}

/// A schedule as a replayable line: `late, throttled, ok`.
fn show(schedule: &[Step]) -> String {
    schedule.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
}

/// The network between one connector and its emulator for one case: hands out the schedule's
/// steps, one per connection, in order, and remembers which were used.
struct Network {
    steps: Mutex<VecDeque<Step>>,
    used: Mutex<Vec<Step>>,
    faults: Faults,
}

impl Network {
    fn new(schedule: &[Step], emulator: &EmulatorHandle) -> Arc<Network> {
        Arc::new(Network {
            steps: Mutex::new(schedule.iter().copied().collect()),
            used: Mutex::new(Vec::new()),
            faults: emulator.faults().clone(),
        })
    }

    /// The next step (`ok` once the schedule is used up), with the emulator armed for it.
    fn next(&self) -> Step {
        let step = self.steps.lock().unwrap().pop_front().unwrap_or(Step::Ok);
        self.used.lock().unwrap().push(step);
        if let Some(fault) = step.fault() {
            self.faults.inject(None, "/", fault, Some(1));
        }
        step
    }

    fn used(&self) -> Vec<Step> {
        self.used.lock().unwrap().clone()
    }

    /// Ends the schedule: every later connection is `ok` (to count payments afterwards).
    fn finish(&self) {
        self.steps.lock().unwrap().clear();
    }
}

/// One lane of concurrent cases: a client that opens one connection per request, each under
/// the next step of the lane's current [`Network`], and a plain client for healthy gateways.
/// Clients are built once per lane (building one costs more than a whole case).
#[derive(Clone)]
struct Lane {
    network: Arc<Mutex<Option<Arc<Network>>>>,
    scheduled: reqwest::Client,
    plain: reqwest::Client,
}

impl Lane {
    fn new() -> Lane {
        // What paymux's own transports do before building a client (reqwest is built here
        // without a default TLS provider).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let network = Arc::new(Mutex::new(None));
        let scheduled = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .connector_layer(StepLayer(network.clone()))
            .build()
            .unwrap();
        Lane { network, scheduled, plain: reqwest::Client::new() }
    }

    /// Wires the lane's scheduled client to `network` for the next case.
    fn wire(&self, network: &Arc<Network>) {
        *self.network.lock().unwrap() = Some(network.clone());
    }
}

#[derive(Clone)]
struct StepLayer(Arc<Mutex<Option<Arc<Network>>>>);

impl<S> tower::Layer<S> for StepLayer {
    type Service = StepConnector<S>;

    fn layer(&self, inner: S) -> StepConnector<S> {
        StepConnector { inner, network: self.0.clone() }
    }
}

#[derive(Clone)]
struct StepConnector<S> {
    inner: S,
    network: Arc<Mutex<Option<Arc<Network>>>>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, R> tower::Service<R> for StepConnector<S>
where
    S: tower::Service<R, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, target: R) -> Self::Future {
        let network = self.network.lock().unwrap().clone();
        if network.is_some_and(|n| n.next() == Step::Refused) {
            let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
            return Box::pin(async move { Err(refused.into()) });
        }
        Box::pin(self.inner.call(target))
    }
}

fn profile(kind: &str) -> Profile {
    profiles().into_iter().find(|p| p.kind == kind).unwrap()
}

async fn start(kind: &str) -> EmulatorHandle {
    let started = match kind {
        "paychtec" => paymux::sandbox::paychtec::start().await,
        "paytech" => paymux::sandbox::paytech::start().await,
        "paygentic" => paymux::sandbox::paygentic::start().await,
        "paymnt" => paymux::sandbox::paymnt::start().await,
        "paynectra" => paymux::sandbox::paynectra::start().await,
        other => panic!("unknown gateway {other}"),
    };
    started.unwrap()
}

/// The connector under the schedule: the lane's scheduled client, short timeout, fast
/// retries.
fn scheduled(
    kind: &str,
    emulator: &EmulatorHandle,
    lane: &Lane,
    name: &str,
) -> Arc<dyn PaymentProvider> {
    let settings = ConnectionSettings {
        provider_id: Some(paymux::ProviderId::new(name)),
        retry: RetryPolicy::default()
            .with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        timeout: TIMEOUT,
        http_client: Some(lane.scheduled.clone()),
        ..ConnectionSettings::default()
    };
    connector(kind, &emulator_url(emulator), emulator.credentials(), settings)
}

/// A connector with default settings over the lane's plain client (a healthy gateway).
fn healthy(
    kind: &str,
    emulator: &EmulatorHandle,
    lane: &Lane,
    name: &str,
) -> Arc<dyn PaymentProvider> {
    let settings = ConnectionSettings {
        provider_id: Some(paymux::ProviderId::new(name)),
        http_client: Some(lane.plain.clone()),
        ..ConnectionSettings::default()
    };
    connector(kind, &emulator_url(emulator), emulator.credentials(), settings)
}

/// The payments on the emulator, listed with `provider` once its schedule is used up (faults
/// cleared first, and no step left: every connection is `ok`).
async fn payments(emulator: &EmulatorHandle, provider: &Arc<dyn PaymentProvider>) -> usize {
    emulator.faults().clear();
    let page = provider.list_payments(ListPayments::new().with_limit(100)).await.unwrap();
    page.items.len()
}

fn request(kind: &str) -> CreatePayment {
    let p = profile(kind);
    let req = CreatePayment::new(Money::from_minor(1050, Currency::USD).unwrap())
        .with_reference(format!("sched_{}", &paymux::IdempotencyKey::generate().as_str()[..12]));
    with_card(&p, req, p.success_card)
}

/// Waits until the emulator has received every request a connection carried and finished
/// handling them (a `late` request is handled after its client gave up). Then says whether a
/// mutation the connector sent may have reached the gateway: `None` when a request was lost
/// on the way (its client timed out before the emulator read it, which happens under load),
/// so requests and steps cannot be paired.
async fn settle(network: &Network, emulator: &EmulatorHandle) -> Option<bool> {
    let sent: Vec<Step> = network.used().into_iter().filter(|s| *s != Step::Refused).collect();
    // Idle: nothing in flight and nothing new for a moment (a request whose client gave up
    // may still be on its way). Bounded, so a lost request costs a second, not the run.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    let mut last = usize::MAX;
    while tokio::time::Instant::now() < deadline {
        let stats = emulator.stats();
        let total = stats.total();
        if stats.in_flight() == 0 && (total == last || total >= sent.len()) {
            break;
        }
        last = total;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let seen = emulator.stats().requests();
    (seen.len() == sent.len()).then(|| {
        sent.iter()
            .zip(&seen)
            .any(|(step, (method, _))| *method != Method::GET && step.may_have_reached())
    })
}

/// The invariants of one call, given what it returned, whether a mutation may have reached
/// the (first) gateway (`None`: cannot tell), and the payments at all gateways afterwards.
fn check(
    result: Result<&str, &paymux::Error>,
    reached: Option<bool>,
    payments: usize,
) -> Result<(), String> {
    if payments > 1 {
        return Err(format!("{payments} payments for one logical call ({result:?})"));
    }
    match result {
        Ok(id) if payments != 1 => Err(format!("returned {id} but {payments} payments exist")),
        Ok(_) => Ok(()),
        Err(e) if e.is_outcome_unknown() => Ok(()),
        Err(e) if reached == Some(true) => Err(format!(
            "a mutation may have reached the gateway, but the error says the outcome is known: {e}"
        )),
        Err(e) if payments != 0 => {
            Err(format!("{payments} payment exists after a 'not taken' error: {e}"))
        }
        Err(_) => Ok(()),
    }
}

/// One create against `kind` under `schedule`.
/// `Ok(true)` when every invariant held and each step could be paired with its request.
async fn direct(kind: &str, schedule: &[Step], lane: &Lane) -> Result<bool, String> {
    let emulator = start(kind).await;
    let network = Network::new(schedule, &emulator);
    lane.wire(&network);
    let provider = scheduled(kind, &emulator, lane, kind);
    let result = provider.create_payment(request(kind)).await;
    let reached = settle(&network, &emulator).await;
    let steps = show(&network.used());
    network.finish();
    let count = payments(&emulator, &provider).await;
    let result = result.as_ref().map(|p| p.id.as_str());
    check(result, reached, count).map_err(|why| format!("{why}; steps used: {steps}"))?;
    Ok(reached.is_some())
}

/// The payouts on the emulator, listed once the schedule is used up (as [`payments`]).
async fn payouts(emulator: &EmulatorHandle, provider: &Arc<dyn PaymentProvider>) -> usize {
    emulator.faults().clear();
    let page = provider.list_payouts(ListPayouts::new().with_limit(20)).await.unwrap();
    page.items.len()
}

/// One `create_payout` against `kind` under `schedule`, with the same invariants as a create.
async fn direct_payout(kind: &str, schedule: &[Step], lane: &Lane) -> Result<bool, String> {
    let emulator = start(kind).await;
    let network = Network::new(schedule, &emulator);
    lane.wire(&network);
    let provider = scheduled(kind, &emulator, lane, kind);
    let card = Card::new(profile(kind).success_card, 12, 2030, "123")
        .unwrap()
        .with_holder_name("Jane Seller");
    let req = CreatePayout::new(Money::from_minor(1050, Currency::USD).unwrap())
        .with_card(card)
        .with_reference(format!("sched_{}", &paymux::IdempotencyKey::generate().as_str()[..12]));
    let result = provider.create_payout(req).await;
    let reached = settle(&network, &emulator).await;
    let steps = show(&network.used());
    network.finish();
    let count = payouts(&emulator, &provider).await;
    // A schedule whose first step is `ok` lets the create through: a payout must come back
    // (so the run is known to exercise payouts, not a request the gateway refuses).
    if schedule.first() == Some(&Step::Ok) && (result.is_err() || count != 1) {
        return Err(format!(
            "a clean create made {count} payouts: {result:?}; steps used: {steps}"
        ));
    }
    let result = result.as_ref().map(|p| p.id.as_str());
    check(result, reached, count).map_err(|why| format!("{why}; steps used: {steps}"))?;
    Ok(reached.is_some())
}

/// The gateway a router falls back to from `primary`: one that takes the same request.
fn fallback_of(primary: &str) -> &'static str {
    match primary {
        "paychtec" => "paymnt",
        "paymnt" | "paytech" => "paychtec",
        "paygentic" => "paynectra",
        "paynectra" => "paygentic",
        other => panic!("unknown gateway {other}"),
    }
}

/// One routed create, `primary` under `schedule`, falling back to a healthy gateway.
async fn routed(primary: &str, schedule: &[Step], lane: &Lane) -> Result<bool, String> {
    let second = fallback_of(primary);
    let (first_emu, second_emu) = (start(primary).await, start(second).await);
    let network = Network::new(schedule, &first_emu);
    lane.wire(&network);
    let first = scheduled(primary, &first_emu, lane, "primary");
    let fallback = healthy(second, &second_emu, lane, "fallback");
    let router = Router::builder()
        .instance("primary", first.clone())
        .instance("fallback", fallback.clone())
        .rule(Rule::new("all", Route::Fallback(vec!["primary".into(), "fallback".into()])))
        .build()
        .unwrap();
    let result = router.create_payment(request(primary)).await;
    let reached = settle(&network, &first_emu).await;
    let steps = show(&network.used());
    network.finish();
    let count = payments(&first_emu, &first).await + payments(&second_emu, &fallback).await;
    let ids = result.as_ref().map(|p| p.id.as_str());
    check(ids, reached, count).map_err(|why| format!("{why}; steps used: {steps}"))?;
    match &result {
        Ok(p) if reached == Some(true) && !p.id.as_str().starts_with("primary:") => Err(format!(
            "fell back to {} after a create that may have reached the primary; steps used: {steps}",
            p.id
        )),
        _ => Ok(reached.is_some()),
    }
}

/// How many schedules run at once: each has its own emulators, and most of a case is waiting
/// (timeouts, late answers), so they overlap well even on two cores.
const CONCURRENT: usize = 16;

/// One case: `Ok(paired)` when the invariants held (`paired`: each step's request was seen,
/// so the check that needs them ran), `Err(why)` when one broke.
type Case = dyn Fn(Vec<Step>, Lane) -> Pin<Box<dyn Future<Output = Result<bool, String>>>>;

/// Runs `case` for `PAYMUX_FAULT_SCHEDULES` drawn schedules (or the one in
/// `PAYMUX_FAULT_REPLAY` naming `target`); a failing schedule is shrunk to a minimal one and
/// printed with the line that replays it.
fn explore(target: &str, case: &Case) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let lanes: Vec<Lane> = (0..CONCURRENT).map(|_| Lane::new()).collect();
    if let Ok(replay) = std::env::var("PAYMUX_FAULT_REPLAY") {
        let Some(steps) = replay.strip_prefix(target).and_then(|r| r.strip_prefix(':')) else {
            return;
        };
        let schedule: Vec<Step> =
            steps.split(',').filter(|s| !s.trim().is_empty()).map(Step::parse).collect();
        if let Err(why) = rt.block_on(case(schedule.clone(), lanes[0].clone())) {
            panic!("{target}: schedule [{}] fails: {why}", show(&schedule));
        }
        return;
    }
    let cases: usize =
        std::env::var("PAYMUX_FAULT_SCHEDULES").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let strategy =
        proptest::collection::vec(proptest::sample::select(Step::ALL.to_vec()), 1..=MAX_STEPS);
    let mut runner = TestRunner::new(Config::default());
    let mut trees: Vec<_> = (0..cases).map(|_| strategy.new_tree(&mut runner).unwrap()).collect();
    let mut unpaired = 0;
    for (batch, chunk) in trees.chunks_mut(CONCURRENT).enumerate() {
        let results = rt.block_on(futures_util::future::join_all(
            chunk.iter().zip(&lanes).map(|(tree, lane)| case(tree.current(), lane.clone())),
        ));
        unpaired += results.iter().filter(|r| matches!(r, Ok(false))).count();
        let Some(at) = results.iter().position(Result::is_err) else { continue };
        let first_failure = batch * CONCURRENT + at + 1;
        let (schedule, why) = shrink(&rt, case, &lanes[0], &mut chunk[at]);
        panic!(
            "{target}: schedule [{}] breaks an invariant: {why}\n\
             (the first failing schedule was number {first_failure} of this run; shrunk)\n\
             replay: PAYMUX_FAULT_REPLAY='{target}: {}' cargo test -p paymux-tests --test fault_schedules",
            show(&schedule),
            show(&schedule),
        );
    }
    println!("{target}: {cases} schedules, every invariant held ({unpaired} not paired)");
    // A request lost on its way (a client timing out before the emulator read it) only skips
    // the one check that needs the pairing; many would mean the run checked less than it says.
    assert!(unpaired * 4 <= cases, "{target}: {unpaired} of {cases} cases could not be paired");
}

/// Proptest's shrinking, run by hand (the cases above ran concurrently): the simplest
/// schedule that still fails, and why it fails.
fn shrink(
    rt: &tokio::runtime::Runtime,
    case: &Case,
    lane: &Lane,
    tree: &mut impl ValueTree<Value = Vec<Step>>,
) -> (Vec<Step>, String) {
    let mut failing = tree.current();
    let mut why = rt.block_on(case(failing.clone(), lane.clone())).err().unwrap_or_else(|| {
        "failed once, passed when run again (a timing-dependent failure)".to_owned()
    });
    'simplify: while tree.simplify() {
        loop {
            match rt.block_on(case(tree.current(), lane.clone())) {
                Err(again) => {
                    failing = tree.current();
                    why = again;
                    continue 'simplify;
                }
                Ok(_) if !tree.complicate() => break 'simplify,
                Ok(_) => {}
            }
        }
    }
    (failing, why)
}

fn direct_case(kind: &'static str) -> Box<Case> {
    Box::new(move |schedule, lane| Box::pin(async move { direct(kind, &schedule, &lane).await }))
}

fn payout_case(kind: &'static str) -> Box<Case> {
    Box::new(move |schedule, lane| {
        Box::pin(async move { direct_payout(kind, &schedule, &lane).await })
    })
}

fn routed_case(kind: &'static str) -> Box<Case> {
    Box::new(move |schedule, lane| Box::pin(async move { routed(kind, &schedule, &lane).await }))
}

#[test]
fn paychtec_never_two_payments() {
    explore("paychtec", &direct_case("paychtec"));
}

#[test]
fn paytech_never_two_payments() {
    explore("paytech", &direct_case("paytech"));
}

#[test]
fn paygentic_never_two_payments() {
    explore("paygentic", &direct_case("paygentic"));
}

#[test]
fn paymnt_never_two_payments() {
    explore("paymnt", &direct_case("paymnt"));
}

#[test]
fn paynectra_never_two_payments() {
    explore("paynectra", &direct_case("paynectra"));
}

// The router: each gateway in turn as the primary, under its schedule, with a healthy
// gateway to fall back to.

#[test]
fn router_from_paychtec_never_two_payments() {
    explore("router:paychtec", &routed_case("paychtec"));
}

#[test]
fn router_from_paytech_never_two_payments() {
    explore("router:paytech", &routed_case("paytech"));
}

#[test]
fn router_from_paygentic_never_two_payments() {
    explore("router:paygentic", &routed_case("paygentic"));
}

#[test]
fn router_from_paymnt_never_two_payments() {
    explore("router:paymnt", &routed_case("paymnt"));
}

#[test]
fn router_from_paynectra_never_two_payments() {
    explore("router:paynectra", &routed_case("paynectra"));
}

// Payouts, on every gateway that pays out.

#[test]
fn paychtec_never_two_payouts() {
    explore("payout:paychtec", &payout_case("paychtec"));
}

#[test]
fn paytech_never_two_payouts() {
    explore("payout:paytech", &payout_case("paytech"));
}

#[test]
fn paymnt_never_two_payouts() {
    explore("payout:paymnt", &payout_case("paymnt"));
}
