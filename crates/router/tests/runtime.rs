//! Reloads with calls in flight, routed ids through one instance, and the router's metrics.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use paymux_core::{
    Capabilities, CreatePayment, Currency, Error, ErrorKind, Money, Operation, Payment, PaymentId,
    PaymentProvider, ProviderId, Result, WebhookResource,
};
use paymux_mock::MockProvider;
use paymux_router::{DEFAULT_RULE, Registry, Route, Router, RouterConfig, Rule};
use tokio::sync::Semaphore;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

/// A mock whose `create_payment` waits for a permit: calls stay in flight until released.
struct Gated {
    inner: MockProvider,
    gate: Semaphore,
    entered: AtomicUsize,
}

#[async_trait]
impl PaymentProvider for Gated {
    fn id(&self) -> &ProviderId {
        self.inner.id()
    }

    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        self.entered.fetch_add(1, Ordering::SeqCst);
        let permit = self
            .gate
            .acquire()
            .await
            .map_err(|e| Error::new(ErrorKind::ProviderUnavailable, e.to_string()))?;
        permit.forget();
        self.inner.create_payment(req).await
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        self.inner.get_payment(id).await
    }
}

fn registry(gated: Arc<Gated>) -> Registry {
    let mut r = Registry::new();
    let _ = r.register("gated", move |_| Ok(gated.clone() as Arc<dyn PaymentProvider>));
    let _ = r.register("mock", |spec| {
        Ok(Arc::new(MockProvider::builder().id(spec.name.clone()).build())
            as Arc<dyn PaymentProvider>)
    });
    r
}

const V1: &str = "[defaults]\ninstance = \"old\"\n[instances.old]\nkind = \"gated\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_the_configuration_while_calls_in_flight_finish_on_the_old_one() {
    let gated = Arc::new(Gated {
        inner: MockProvider::builder().id("old").build(),
        gate: Semaphore::new(0),
        entered: AtomicUsize::new(0),
    });
    let registry = registry(gated.clone());
    let router = Arc::new(Router::parse("routing.toml", V1, &|_| None, &registry).unwrap());
    let in_flight: Vec<_> = (0..4)
        .map(|i| {
            let router = router.clone();
            tokio::spawn(
                async move { router.create_payment(CreatePayment::new(usd(100 + i))).await },
            )
        })
        .collect();
    while gated.entered.load(Ordering::SeqCst) < 4 {
        tokio::task::yield_now().await;
    }

    // A mistake is refused, and the running configuration stays.
    let broken = RouterConfig::parse(
        "routing.toml",
        &format!("{V1}[instances.new]\nkind = \"nope\"\n"),
        &|_| None,
    )
    .unwrap();
    let e = router.reload(broken).unwrap_err();
    assert_eq!(
        e.message(),
        "routing.toml:6:8: instance \"new\": unknown kind \"nope\" (known: gated, mock)"
    );
    assert_eq!(router.plan(&CreatePayment::new(usd(1))).unwrap(), ["old"]);

    // The new configuration no longer has the instance those four calls are at.
    let v2 = "[defaults]\ninstance = \"new\"\n[instances.new]\nkind = \"mock\"\n";
    router.reload(RouterConfig::parse("routing.toml", v2, &|_| None).unwrap()).unwrap();
    // New calls take the new configuration at once, while four calls are still in flight.
    let fresh = router.create_payment(CreatePayment::new(usd(5))).await.unwrap();
    assert_eq!(fresh.id.as_str(), "new:pay_mock_1");
    assert_eq!(router.instance_names(), ["new"]);
    assert!(in_flight.iter().all(|t| !t.is_finished()));

    // Released, they finish on the configuration they started with.
    gated.gate.add_permits(4);
    for task in in_flight {
        let p = task.await.unwrap().unwrap();
        assert!(p.id.as_str().starts_with("old:"), "{}", p.id);
    }
    assert_eq!(gated.inner.calls_of(Operation::CreatePayment).len(), 4);
    let e = router.get_payment(&PaymentId::new("old:pay_mock_1")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    // Counters of an instance that keeps its name survive a reload.
    let v3 = format!("{v2}[instances.other]\nkind = \"mock\"\n");
    router.reload(RouterConfig::parse("routing.toml", &v3, &|_| None).unwrap()).unwrap();
    assert_eq!(router.stats()["new"].payments_created, 1);
    assert_eq!(router.stats()["other"].payments_created, 0);
}

#[tokio::test]
async fn one_instance_speaks_routed_ids_like_the_router() {
    let a = Arc::new(MockProvider::builder().id("a").webhook_secret("whsec_a").build());
    let b = Arc::new(MockProvider::builder().id("b").webhook_secret("whsec_b").build());
    let router = Router::builder()
        .instance("a", a.clone())
        .instance("b", b.clone())
        .rule(Rule::new("all to b", Route::Instance("b".into())))
        .build()
        .unwrap();
    let card = paymux_core::Card::new("4242424242424242", 12, 2030, "123").unwrap();
    let p = router.create_payment(CreatePayment::new(usd(100)).with_card(card)).await.unwrap();
    assert_eq!(p.id.as_str(), "b:pay_mock_1");

    let hook = b.take_webhooks().pop().unwrap();
    let via_instance =
        router.instance("b").unwrap().parse_webhook(&hook.headers, &hook.body).unwrap();
    let via_router = router.parse_webhook_from("b", &hook.headers, &hook.body).unwrap();
    for event in [&via_instance, &via_router] {
        assert_eq!(event.provider.as_str(), "b");
        match &event.resource {
            WebhookResource::Payment(wp) => assert_eq!(wp.id, p.id),
            other => panic!("{other:?}"),
        }
    }
    // The instance takes the routed ids the router gave out, and its answers are routed.
    let b_alone = router.instance("b").unwrap();
    assert_eq!(b_alone.id().as_str(), "b");
    let got = b_alone.get_payment(&p.id).await.unwrap();
    assert_eq!(got.id, p.id);
    let direct = b_alone.create_payment(CreatePayment::new(usd(7))).await.unwrap();
    assert_eq!(direct.id.as_str(), "b:pay_mock_2");
    // Another instance's signature does not pass.
    let e = router.instance("a").unwrap().parse_webhook(&hook.headers, &hook.body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    assert!(router.instance("zzz").is_none());
}

/// A counter's name, labels and value.
type Counter = (String, Vec<(String, String)>, u64);

#[test]
fn routed_calls_and_fallbacks_are_counted_with_their_labels() {
    let a = Arc::new(MockProvider::builder().id("a").build());
    let b = Arc::new(MockProvider::builder().id("b").build());
    let router = Router::builder()
        .instance("a", a.clone())
        .instance("b", b.clone())
        .default_instance("b")
        .rule(Rule::new("eur", Route::Fallback(vec!["a".into(), "b".into()])).when(
            paymux_router::Conditions {
                currencies: Some([Currency::EUR].into()),
                ..Default::default()
            },
        ))
        .build()
        .unwrap();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    metrics::with_local_recorder(&recorder, || {
        rt.block_on(async {
            let eur = || CreatePayment::new(Money::from_minor(100, Currency::EUR).unwrap());
            router.create_payment(eur()).await.unwrap();
            a.fail_next(Operation::CreatePayment, Error::new(ErrorKind::Transport, "refused"));
            let p = router.create_payment(eur()).await.unwrap();
            assert!(p.id.as_str().starts_with("b:"));
            router.create_payment(CreatePayment::new(usd(100))).await.unwrap();
        });
    });
    let mut counters: Vec<Counter> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let DebugValue::Counter(n) = value else { panic!("{value:?}") };
            let labels =
                key.key().labels().map(|l| (l.key().to_owned(), l.value().to_owned())).collect();
            (key.key().name().to_owned(), labels, n)
        })
        .collect();
    counters.sort();
    let l = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    assert_eq!(
        counters,
        vec![
            ("paymux_router_fallbacks_total".to_owned(), l(&[("from", "a"), ("to", "b")]), 1),
            (
                "paymux_router_routed_total".to_owned(),
                l(&[("rule", DEFAULT_RULE), ("instance", "b")]),
                1
            ),
            ("paymux_router_routed_total".to_owned(), l(&[("rule", "eur"), ("instance", "a")]), 2),
            ("paymux_router_routed_total".to_owned(), l(&[("rule", "eur"), ("instance", "b")]), 1),
        ]
    );
}
