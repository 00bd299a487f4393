//! Router behaviour with mock gateways.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use paymux_core::{
    Address, BillingDetails, Capabilities, CaptureMode, CapturePayment, Card, CreatePayment,
    CreatePayout, CreateRefund, Currency, DisputeEvidence, DisputeId, DisputeStatus, Error,
    ErrorKind, ListDisputes, ListPayouts, Money, Operation, PaymentProvider, PaymentStatus,
    PayoutStatus, WebhookResource,
};
use paymux_mock::MockProvider;
use paymux_router::{Conditions, Registry, Route, Router, RouterConfig, Rule};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

fn mock(name: &str) -> Arc<MockProvider> {
    Arc::new(MockProvider::builder().id(name).webhook_secret(format!("whsec_{name}")).build())
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.register("mock", |spec| {
        let mut b = MockProvider::builder().id(spec.name.clone());
        if spec.options.get("refunds").map(String::as_str) == Some("off") {
            b = b.capabilities(Capabilities::all().without(Operation::CreateRefund));
        }
        if let Some(list) = spec.options.get("currencies") {
            let cs = list.split(',').map(|c| paymux_core::parse_currency(c).unwrap());
            b = b.capabilities(Capabilities::all().with_currencies(cs));
        }
        if spec.options.get("capture").map(String::as_str) == Some("off") {
            b = b.capabilities(Capabilities::all().without(Operation::CapturePayment));
        }
        Ok(Arc::new(b.build()) as Arc<dyn PaymentProvider>)
    });
    r
}

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

fn build(toml: &str) -> paymux_core::Result<Router> {
    let config = RouterConfig::parse("routing.toml", toml, &env(&[("KEY_A", "secret-a")]))?;
    Router::from_config(config, &registry())
}

fn config_error(toml: &str) -> String {
    let e = build(toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
    e.message().to_owned()
}

const TWO: &str = r#"
[defaults]
instance = "a"
[instances.a]
kind = "mock"
[instances.b]
kind = "mock"
"#;

async fn route_of(router: &Router, req: CreatePayment) -> String {
    let p = router.create_payment(req).await.unwrap();
    p.id.as_str().split(':').next().unwrap().to_owned()
}

#[tokio::test]
async fn each_rule_kind_routes() {
    let rules = r#"
[[rules]]
name = "eur"
when = { currency = ["EUR"] }
route = { instance = "b" }
[[rules]]
name = "big"
when = { amount_min = { USD = "1000.00" }, amount_max = { USD = "5000.00" } }
route = { instance = "b" }
[[rules]]
name = "german"
when = { country = ["de"] }
route = { instance = "b" }
[[rules]]
name = "hosted"
when = { payment_method = ["hosted_page"] }
route = { instance = "b" }
[[rules]]
name = "manual"
when = { capture = "manual" }
route = { instance = "b" }
[[rules]]
name = "channel"
when = { metadata = { channel = "app" } }
route = { instance = "b" }
"#;
    let router = build(&format!("{TWO}{rules}")).unwrap();
    let base = || CreatePayment::new(usd(500)).with_reference("r");
    assert_eq!(route_of(&router, base()).await, "a");
    assert_eq!(
        route_of(&router, CreatePayment::new(Money::from_minor(500, Currency::EUR).unwrap())).await,
        "b"
    );
    assert_eq!(route_of(&router, CreatePayment::new(usd(100_000))).await, "b");
    assert_eq!(route_of(&router, CreatePayment::new(usd(500_001))).await, "a");
    let billing = BillingDetails {
        address: Some(Address { country: Some("DE".into()), ..Default::default() }),
        ..Default::default()
    };
    assert_eq!(route_of(&router, base().with_billing(billing)).await, "b");
    let mut hosted = base();
    hosted.payment_method = Some(paymux_core::PaymentMethod::HostedPage);
    assert_eq!(route_of(&router, hosted).await, "b");
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    assert_eq!(route_of(&router, base().with_card(card.clone())).await, "a");
    assert_eq!(
        route_of(&router, base().with_card(card).with_capture(CaptureMode::Manual)).await,
        "b"
    );
    assert_eq!(route_of(&router, base().with_metadata("channel", "app")).await, "b");
    assert_eq!(route_of(&router, base().with_metadata("channel", "web")).await, "a");
    assert_eq!(router.stats()["b"].payments_created, 6);
    assert_eq!(router.stats()["a"].payments_created, 4);
}

#[tokio::test]
async fn weighted_split_is_accurate_and_sticky() {
    let toml = format!(
        "{TWO}[[rules]]\nname = \"migration\"\nroute = {{ split = [ {{ instance = \"a\", weight = 70 }}, {{ instance = \"b\", weight = 30 }} ] }}\n"
    );
    let router = build(&toml).unwrap();
    let mut to_b = 0;
    for i in 0..10_000 {
        let plan = router
            .plan(&CreatePayment::new(usd(100)).with_reference(format!("order_{i}")))
            .unwrap();
        if plan == ["b"] {
            to_b += 1;
        }
    }
    let share = f64::from(to_b) / 10_000.0;
    assert!((0.28..=0.32).contains(&share), "b got {share}");
    // The same customer always lands on the same side, whatever else changes.
    let details = |amount| {
        CreatePayment::new(usd(amount)).with_customer_details(paymux_core::CustomerDetails {
            email: Some("Jane@Example.com".into()),
            ..Default::default()
        })
    };
    let first = router.plan(&details(100)).unwrap();
    for amount in 101..200 {
        assert_eq!(router.plan(&details(amount)).unwrap(), first);
    }
}

#[tokio::test]
async fn fallback_only_when_the_first_certainly_did_not_take_it() {
    let a = mock("a");
    let b = mock("b");
    let router = Router::builder()
        .instance("a", a.clone())
        .instance("b", b.clone())
        .rule(Rule::new("all", Route::Fallback(vec!["a".into(), "b".into()])))
        .build()
        .unwrap();
    // Connection refused: nothing reached a, so b takes it.
    a.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Transport, "connection refused"));
    let p = router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    assert!(p.id.as_str().starts_with("b:"), "{}", p.id);
    assert_eq!(router.stats()["a"].fallbacks, 1);

    // A timeout may have charged: no fallback, b untouched.
    let b_calls = b.calls_of(Operation::CreatePayment).len();
    a.fail_next(
        Operation::CreatePayment,
        Error::new(ErrorKind::Timeout, "no answer").with_outcome_unknown(),
    );
    let e = router.create_payment(CreatePayment::new(usd(100))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_outcome_unknown());
    assert_eq!(b.calls_of(Operation::CreatePayment).len(), b_calls);

    // A decline is an answer, not an outage: no fallback either.
    let declined = CreatePayment::new(usd(100))
        .with_card(Card::new("4000000000000002", 12, 2030, "123").unwrap());
    let p = router.create_payment(declined).await.unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert!(p.id.as_str().starts_with("a:"));
}

#[tokio::test(start_paused = true)]
async fn cooldown_skips_then_restores_an_instance() {
    let a = mock("a");
    let b = mock("b");
    let router = Router::builder()
        .instance("a", a.clone())
        .instance("b", b.clone())
        .rule(Rule::new("all", Route::Fallback(vec!["a".into(), "b".into()])))
        .cooldown(2, Duration::from_secs(30))
        .build()
        .unwrap();
    for _ in 0..2 {
        a.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Transport, "refused"));
        router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    }
    let a_calls = a.calls_of(Operation::CreatePayment).len();
    // Cooling down: a is skipped without a call.
    let p = router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    assert!(p.id.as_str().starts_with("b:"));
    assert_eq!(a.calls_of(Operation::CreatePayment).len(), a_calls);
    tokio::time::advance(Duration::from_secs(31)).await;
    let p = router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    assert!(p.id.as_str().starts_with("a:"), "a is tried again after the cooldown");
}

#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_cooldown_warning_names_the_instance() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let a = mock("eu_primary");
    let router = Router::builder()
        .instance("eu_primary", a.clone())
        .instance("b", mock("b"))
        .rule(Rule::new("all", Route::Fallback(vec!["eu_primary".into(), "b".into()])))
        .cooldown(2, Duration::from_secs(30))
        .build()
        .unwrap();
    for _ in 0..2 {
        a.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Transport, "refused"));
        router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    }
    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let warning: Vec<&str> = out.lines().filter(|l| l.contains("cooling down")).collect();
    assert_eq!(warning.len(), 1, "{out}");
    assert!(warning[0].contains("instance=eu_primary"), "{}", warning[0]);
    assert!(warning[0].contains("cooldown_secs=30"), "{}", warning[0]);
}

#[tokio::test]
async fn owner_aware_ids_survive_rule_changes() {
    let old = mock("old");
    let new = mock("new");
    let before = Router::builder()
        .instance("old", old.clone())
        .instance("new", new.clone())
        .default_instance("old")
        .build()
        .unwrap();
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let p = before
        .create_payment(
            CreatePayment::new(usd(1000)).with_card(card).with_capture(CaptureMode::Manual),
        )
        .await
        .unwrap();
    assert_eq!(p.id.as_str(), "old:pay_mock_1");
    assert_eq!(p.provider.as_str(), "old");
    // All new payments now go to `new`; the old payment still belongs to `old`.
    let after = Router::builder()
        .instance("old", old.clone())
        .instance("new", new.clone())
        .rule(Rule::new("everything", Route::Instance("new".into())))
        .build()
        .unwrap();
    let captured = after.capture_payment(&p.id, CapturePayment::default()).await.unwrap();
    assert_eq!(captured.status, PaymentStatus::Succeeded);
    let refund =
        after.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(400))).await.unwrap();
    assert_eq!(refund.id.as_str(), "old:re_mock_1");
    assert_eq!(refund.payment_id, p.id);
    assert_eq!(after.get_refund(&refund.id).await.unwrap().amount, usd(400));
    assert!(new.calls().is_empty());
    let fresh = after.create_payment(CreatePayment::new(usd(5))).await.unwrap();
    assert!(fresh.id.as_str().starts_with("new:"));
    let e = after.get_payment(&paymux_core::PaymentId::new("pay_mock_1")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn customers_pin_payments_to_their_gateway_and_webhooks_are_routed() {
    let a = mock("a");
    let b = mock("b");
    let router: Arc<dyn PaymentProvider> = Arc::new(
        Router::builder()
            .instance("a", a.clone())
            .instance("b", b.clone())
            .default_instance("b")
            .rule(Rule::new("all to a", Route::Instance("a".into())))
            .build()
            .unwrap(),
    );
    let customer = router.create_customer(Default::default()).await.unwrap();
    assert_eq!(customer.id.as_str(), "b:cus_mock_1");
    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let req = CreatePayment::new(usd(100)).with_customer(customer.id.clone()).with_card(card);
    let p = router.create_payment(req).await.unwrap();
    assert!(p.id.as_str().starts_with("b:"), "the customer lives at b: {}", p.id);
    assert_eq!(p.customer_id.as_ref(), Some(&customer.id));

    let hook = b.take_webhooks().pop().unwrap();
    let event = router.parse_webhook(&hook.headers, &hook.body).unwrap();
    assert_eq!(event.provider.as_str(), "b");
    match event.resource {
        paymux_core::WebhookResource::Payment(wp) => assert_eq!(wp.id, p.id),
        other => panic!("{other:?}"),
    }
    let mut tampered = hook.body.clone();
    tampered[5] ^= 1;
    assert_eq!(
        router.parse_webhook(&hook.headers, &tampered).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
}

#[test]
fn validation_messages_name_the_position() {
    let unknown_kind = config_error("[instances.x]\nkind = \"nope\"\n");
    assert_eq!(
        unknown_kind,
        "routing.toml:2:8: instance \"x\": unknown kind \"nope\" (known: mock)"
    );
    let missing_env = config_error(
        "[instances.x]\nkind = \"mock\"\ncredentials.api_key = { env = \"MISSING_VAR\" }\n",
    );
    assert_eq!(
        missing_env,
        "routing.toml:3:23: instance \"x\": environment variable MISSING_VAR is not set"
    );
    let inline_secret =
        config_error("[instances.x]\nkind = \"mock\"\ncredentials.api_key = \"sk_live_123\"\n");
    assert_eq!(
        inline_secret,
        "routing.toml:3:23: instance \"x\": api_key: credentials are read from { env = \"VAR\" } or { file = \"path\" }, never written inline"
    );
    assert!(!inline_secret.contains("sk_live_123"), "the secret is not echoed: {inline_secret}");
    let unknown_field = config_error("[instances.x]\nkind = \"mock\"\ncolour = \"red\"\n");
    assert!(
        unknown_field.starts_with("routing.toml:3:1: unknown field `colour`"),
        "{unknown_field}"
    );

    let currency = config_error(&format!(
        "{TWO}[instances.c]\nkind = \"mock\"\noptions.currencies = \"USD\"\n[[rules]]\nname = \"jpy\"\nwhen = {{ currency = [\"JPY\"] }}\nroute = {{ instance = \"c\" }}\n"
    ));
    assert_eq!(
        currency,
        "routing.toml:11:1: rule \"jpy\": sends JPY payments to instance \"c\", which does not support JPY"
    );
    let capture = config_error(&format!(
        "{TWO}[instances.c]\nkind = \"mock\"\noptions.capture = \"off\"\n[[rules]]\nname = \"auth only\"\nwhen = {{ capture = \"manual\" }}\nroute = {{ instance = \"c\" }}\n"
    ));
    assert_eq!(
        capture,
        "routing.toml:11:1: rule \"auth only\": sends manual-capture payments to instance \"c\", which cannot capture_payment"
    );
    let weights = config_error(&format!(
        "{TWO}[[rules]]\nname = \"split\"\nroute = {{ split = [ {{ instance = \"a\", weight = 60 }}, {{ instance = \"b\", weight = 30 }} ] }}\n"
    ));
    assert_eq!(weights, "routing.toml:8:1: rule \"split\": split weights add up to 90, not 100");
    let shadowed = config_error(&format!(
        "{TWO}[[rules]]\nname = \"all\"\nroute = {{ instance = \"a\" }}\n[[rules]]\nname = \"eur\"\nwhen = {{ currency = [\"EUR\"] }}\nroute = {{ instance = \"b\" }}\n"
    ));
    assert_eq!(
        shadowed,
        "routing.toml:11:1: rule \"eur\": can never match: routing.toml:8:1: rule \"all\" before it matches every payment"
    );
    let empty_range = config_error(&format!(
        "{TWO}[[rules]]\nname = \"odd\"\nwhen = {{ amount_min = {{ USD = \"10\" }}, amount_max = {{ USD = \"5\" }} }}\nroute = {{ instance = \"a\" }}\n"
    ));
    assert_eq!(
        empty_range,
        "routing.toml:8:1: rule \"odd\": can never match: amount_min 10 USD is above amount_max 5 USD"
    );
    let unknown_instance = config_error(&format!(
        "{TWO}[[rules]]\nname = \"ghost\"\nroute = {{ instance = \"zzz\" }}\n"
    ));
    assert_eq!(unknown_instance, "routing.toml:8:1: rule \"ghost\": unknown instance \"zzz\"");
    let bad_default =
        config_error("[defaults]\ninstance = \"zzz\"\n[instances.a]\nkind = \"mock\"\n");
    assert_eq!(bad_default, "routing.toml:2:12: default instance \"zzz\" is not defined");
}

#[test]
fn credentials_resolve_from_env_and_files_and_debug_hides_them() {
    let dir = std::env::temp_dir().join(format!("paymux-router-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    std::fs::write(&file, "file-secret\n").unwrap();
    let toml = format!(
        "[instances.a]\nkind = \"mock\"\ncredentials.api_key = {{ env = \"KEY_A\" }}\ncredentials.webhook_secret = {{ file = {:?} }}\n",
        file.display().to_string()
    );
    let config =
        RouterConfig::parse("routing.toml", &toml, &env(&[("KEY_A", "secret-a")])).unwrap();
    let dbg = format!("{config:?}");
    assert!(!dbg.contains("secret-a") && !dbg.contains("file-secret"), "{dbg}");
    assert!(dbg.contains("api_key") && dbg.contains("webhook_secret"), "{dbg}");
}

#[tokio::test]
async fn the_router_is_a_payment_provider() {
    let router: Arc<dyn PaymentProvider> =
        Arc::new(Router::builder().instance("a", mock("a")).default_instance("a").build().unwrap());
    assert!(router.capabilities().supports(Operation::CreateRefund));
    assert!(!router.capabilities().supports(Operation::ListPayments));
    let p = router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
    assert_eq!(router.get_payment(&p.id).await.unwrap().id, p.id);
    let conditions = Conditions { capture: Some(CaptureMode::Manual), ..Default::default() };
    assert!(!conditions.is_empty());
}

#[tokio::test]
async fn payouts_and_disputes_are_routed_by_their_ids() {
    let a = mock("a");
    let b = mock("b");
    let router = Router::builder()
        .instance("a", a.clone())
        .instance("b", b.clone())
        .default_instance("b")
        .build()
        .unwrap();
    // No routed customer: the default instance pays out.
    let payout = router.create_payout(CreatePayout::new(usd(700))).await.unwrap();
    assert_eq!(payout.id.as_str(), "b:po_mock_1");
    assert_eq!(payout.provider.as_str(), "b");
    assert!(
        b.calls_of(Operation::CreatePayout)[0].idempotency_key.is_some(),
        "one key per logical payout"
    );
    // A routed customer: the payout goes where the customer lives, with the gateway's id.
    let at_a = router.instance("a").unwrap();
    let customer = at_a.create_customer(Default::default()).await.unwrap();
    assert_eq!(customer.id.as_str(), "a:cus_mock_1");
    let to_customer = CreatePayout::new(usd(300)).with_customer(customer.id.clone());
    let payout_a = router.create_payout(to_customer).await.unwrap();
    assert_eq!(payout_a.id.as_str(), "a:po_mock_1");
    assert_eq!(payout_a.customer_id.as_ref(), Some(&customer.id));
    assert_eq!(
        a.calls_of(Operation::CreatePayout)[0].customer_id.as_ref().unwrap().as_str(),
        "cus_mock_1"
    );
    assert_eq!(router.get_payout(&payout_a.id).await.unwrap(), payout_a);
    let cancelled = router.cancel_payout(&payout.id).await.unwrap();
    assert_eq!((cancelled.id.as_str(), cancelled.status), ("b:po_mock_1", PayoutStatus::Cancelled));
    // Lists have no cursor across gateways: per instance.
    assert!(!router.capabilities().supports(Operation::ListPayouts));
    let page = router.list_payouts_of("a", ListPayouts::new()).await.unwrap();
    assert_eq!(page.items, vec![payout_a]);

    let card = Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let paid = at_a.create_payment(CreatePayment::new(usd(900)).with_card(card)).await.unwrap();
    let raw_payment = paymux_core::PaymentId::new("pay_mock_1");
    let opened = a.open_dispute(&raw_payment, None).unwrap();
    let disputes = router.list_disputes_of("a", ListDisputes::new()).await.unwrap();
    assert_eq!(disputes.items[0].id.as_str(), "a:dp_mock_1");
    assert_eq!(disputes.items[0].payment_id.as_ref(), Some(&paid.id));
    let evidence = DisputeEvidence::new().with_text("delivered");
    let answered = router.submit_dispute_evidence(&disputes.items[0].id, evidence).await.unwrap();
    assert_eq!(answered.status, DisputeStatus::UnderReview);
    assert_eq!(a.calls_of(Operation::SubmitDisputeEvidence)[0].dispute_id, Some(opened.id));
    let hook = a.take_webhooks().pop().unwrap();
    let event = router.parse_webhook(&hook.headers, &hook.body).unwrap();
    match event.resource {
        WebhookResource::Dispute(d) => {
            assert_eq!(d.id.as_str(), "a:dp_mock_1");
            assert_eq!(d.payment_id.as_ref(), Some(&paid.id));
        }
        other => panic!("{other:?}"),
    }
    let unknown = router.get_dispute(&DisputeId::new("c:dp_1")).await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn a_payout_without_a_default_instance_or_routed_customer_is_refused() {
    let router = Router::builder().instance("a", mock("a")).build().unwrap();
    let e = router.create_payout(CreatePayout::new(usd(100))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.message().contains("Router::instance"), "{e}");
}
