//! The router against the sandbox: fallback only when the first gateway certainly did not
//! take the payment, counted on the gateways' side.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use paymux::router::{Route, Rule};
use paymux::sandbox::{EmulatorHandle, Fault, Sandbox};
use paymux::{
    CreatePayment, Currency, ErrorKind, ListPayments, Money, PaymentProvider, PaymentStatus, Router,
};
use paymux_tests::{profiles, with_card};

fn provider(
    emulator: &EmulatorHandle,
    name: &str,
    options: &[(&str, &str)],
) -> Arc<dyn PaymentProvider> {
    let mut spec = paymux::sandbox::instance_spec(emulator, name);
    for (k, v) in options {
        spec.options.insert((*k).into(), (*v).into());
    }
    let registry = paymux::registry();
    registry.factory(&spec.kind).unwrap()(&spec).unwrap()
}

fn card_payment(reference: &str) -> CreatePayment {
    let paychtec = profiles().into_iter().find(|p| p.kind == "paychtec").unwrap();
    with_card(
        &paychtec,
        CreatePayment::new(Money::from_minor(1500, Currency::USD).unwrap())
            .with_reference(reference),
        "4242424242424242",
    )
}

fn posts(emulator: &EmulatorHandle) -> usize {
    // Creates only: `/payments` exactly, not `/payments/list` or `/payments/{id}/...`.
    emulator.stats().count(&http::Method::POST, "/payments")
        - emulator.stats().count(&http::Method::POST, "/payments/")
}

#[tokio::test]
async fn connection_refused_falls_back_and_makes_one_payment() {
    let sandbox = Sandbox::start().await.unwrap();
    // An instance whose gateway refuses connections: nothing can have been created there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut dead = paymux::sandbox::instance_spec(&sandbox.paychtec, "primary");
    dead.base_url = Some(format!("http://127.0.0.1:{port}"));
    let dead = paymux::registry().factory("paychtec").unwrap()(&dead).unwrap();
    let router = Router::builder()
        .instance("primary", dead)
        .instance("secondary", provider(&sandbox.paymnt, "secondary", &[]))
        .rule(Rule::new("all", Route::Fallback(vec!["primary".into(), "secondary".into()])))
        .build()
        .unwrap();
    let payment = router.create_payment(card_payment("fallback_1")).await.unwrap();
    assert!(payment.id.as_str().starts_with("secondary:"), "{}", payment.id);
    assert_eq!(payment.status, PaymentStatus::Succeeded);
    assert_eq!(posts(&sandbox.paymnt), 1, "one payment at the fallback gateway");
    assert_eq!(sandbox.paychtec.stats().total(), 0);
    assert_eq!(router.stats()["primary"].fallbacks, 1);
}

#[tokio::test]
async fn a_timeout_never_falls_back() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.paychtec.faults().inject(
        Some(http::Method::POST),
        "/payments",
        Fault::Delay(Duration::from_millis(800)),
        Some(1),
    );
    let router = Router::builder()
        .instance(
            "primary",
            provider(&sandbox.paychtec, "primary", &[("timeout_ms", "200"), ("max_attempts", "1")]),
        )
        .instance("secondary", provider(&sandbox.paymnt, "secondary", &[]))
        .rule(Rule::new("all", Route::Fallback(vec!["primary".into(), "secondary".into()])))
        .build()
        .unwrap();
    let err = router.create_payment(card_payment("timeout_1")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert_eq!(posts(&sandbox.paychtec), 1, "exactly one request reached the first gateway");
    assert_eq!(sandbox.paymnt.stats().total(), 0, "none reached the second");
    assert_eq!(router.stats()["primary"].fallbacks, 0);
}

#[tokio::test]
async fn a_timeout_retried_with_one_key_still_makes_one_payment_and_no_fallback() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.paychtec.faults().inject(
        Some(http::Method::POST),
        "/payments",
        Fault::Delay(Duration::from_millis(600)),
        Some(3),
    );
    let primary = provider(&sandbox.paychtec, "primary", &[("timeout_ms", "150")]);
    let router = Router::builder()
        .instance("primary", primary.clone())
        .instance("secondary", provider(&sandbox.paymnt, "secondary", &[]))
        .rule(Rule::new("all", Route::Fallback(vec!["primary".into(), "secondary".into()])))
        .build()
        .unwrap();
    let err = router.create_payment(card_payment("timeout_retried")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(posts(&sandbox.paychtec), 3, "the transport retried the keyed create");
    assert_eq!(sandbox.paymnt.stats().total(), 0);
    // Let the delayed requests finish at the gateway, then count what it made.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let page = primary.list_payments(ListPayments::new().with_limit(100)).await.unwrap();
    let ours = page
        .items
        .iter()
        .filter(|p| p.merchant_reference.as_deref() == Some("timeout_retried"))
        .count();
    assert_eq!(ours, 1, "three attempts with one idempotency key made one payment");
}

/// The router gives every create an idempotency key; that alone is not a retry, so a routed
/// pay.tech create is one request and does not depend on the list route (here broken).
#[tokio::test]
async fn a_routed_paytech_create_is_one_request_even_when_its_list_route_fails() {
    use paymux::paytech::{Environment, Paytech, PaytechConfig};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "timestamp": "2024-09-24T20:29:11.632+00:00",
            "status": 200,
            "result": {
                "id": "96365a23dca04a5a9bcbb0031e7b06ac",
                "paymentType": "DEPOSIT",
                "state": "CHECKOUT",
                "currency": "EUR",
                "redirectUrl": "https://gateway-domain.com/payment/96365a23dca04a5a9bcbb0031e7b06ac"
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/payments"))
        .respond_with(ResponseTemplate::new(500).set_body_string("list is down"))
        .expect(0)
        .mount(&server)
        .await;
    let creds = paymux::sandbox::paytech::credentials();
    let config =
        PaytechConfig::new(paymux::SecretString::from(creds.api_key), Environment::Sandbox)
            .with_base_url(server.uri());
    let router = Router::builder()
        .instance("pt", Arc::new(Paytech::new(config).unwrap()))
        .default_instance("pt")
        .build()
        .unwrap();
    let payment = router
        .create_payment(CreatePayment::new(Money::from_minor(1112, Currency::EUR).unwrap()))
        .await
        .unwrap();
    assert_eq!(payment.id.as_str(), "pt:96365a23dca04a5a9bcbb0031e7b06ac");
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
    let received = server.received_requests().await.unwrap();
    let sent: Vec<_> = received.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect();
    assert_eq!(sent, ["POST /api/v1/payments"], "one request per routed create");
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert!(body["referenceId"].as_str().is_some_and(|r| !r.is_empty()), "{body}");
}

/// A platform that pays sellers out declares it: an instance whose gateway has no payouts is
/// refused at start-up, not at the first payout.
#[tokio::test]
async fn a_configuration_requiring_payouts_is_checked_against_each_gateway_at_start_up() {
    use paymux::ExposeSecret;
    let sandbox = paymux::sandbox::Sandbox::start().await.unwrap();
    let specs = [
        paymux::sandbox::instance_spec(&sandbox.paychtec, "sellers"),
        paymux::sandbox::instance_spec(&sandbox.paymnt, "backup"),
        paymux::sandbox::instance_spec(&sandbox.paygentic, "cards"),
    ];
    let instance = |spec: &paymux::router::InstanceSpec| {
        let mut t = format!(
            "[instances.{0}]\nkind = \"{1}\"\nbase_url = \"{2}\"\n\
             credentials.api_key = {{ env = \"{0}_KEY\" }}\n\
             credentials.webhook_secret = {{ env = \"{0}_SECRET\" }}\n",
            spec.name,
            spec.kind,
            spec.base_url.as_deref().unwrap()
        );
        for (k, v) in &spec.options {
            t.push_str(&format!("options.{k} = \"{v}\"\n"));
        }
        t
    };
    let env = |name: &str| {
        let (instance, what) = name.rsplit_once('_')?;
        let spec = specs.iter().find(|s| s.name == instance)?;
        let key = if what == "KEY" { "api_key" } else { "webhook_secret" };
        Some(spec.credentials[key].expose_secret().to_owned())
    };
    let config = |names: &[&str]| {
        let mut toml = "[defaults]\nrequires = [\"create_payout\", \"list_disputes\"]\n".to_owned();
        for spec in specs.iter().filter(|s| names.contains(&s.name.as_str())) {
            toml.push_str(&instance(spec));
        }
        paymux::RouterConfig::parse("routing.toml", &toml, &env).unwrap()
    };
    let router =
        paymux::Router::from_config(config(&["sellers", "backup"]), &paymux::registry()).unwrap();
    assert!(router.capabilities().supports(paymux::Operation::CreatePayout));
    let e = paymux::Router::from_config(config(&["sellers", "cards"]), &paymux::registry())
        .unwrap_err();
    assert_eq!(e.kind(), paymux::ErrorKind::Configuration, "{e}");
    assert!(e.message().contains("instance \"cards\" does not support create_payout"), "{e}");
}
