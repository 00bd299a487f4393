//! Configuration mistakes: each refused at start-up with its exact message, all at once.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use paymux_core::{
    Capabilities, CreatePayment, Currency, ErrorKind, Money, Operation, PaymentProvider,
};
use paymux_mock::MockProvider;
use paymux_router::{Registry, Router, RouterConfig};

/// `mock` declares nothing (its keys go unchecked, as a custom factory's may);
/// `gateway` declares what a real connector does: an API key, a webhook secret, a profile id
/// and the connection options.
fn registry() -> Registry {
    let mut r = Registry::new();
    let _ = r.register("mock", |spec| {
        Ok(Arc::new(MockProvider::builder().id(spec.name.clone()).build())
            as Arc<dyn PaymentProvider>)
    });
    r.register("gateway", |spec| {
        let mut b = MockProvider::builder().id(spec.name.clone());
        // Like a connector that declares webhooks whatever its configuration says: the
        // router must not believe it.
        b = b.capabilities(Capabilities::all());
        if let Some(s) = spec.optional_credential("webhook_secret") {
            b = b.webhook_secret(paymux_core::ExposeSecret::expose_secret(s).to_owned());
        }
        spec.credential("api_key")?;
        spec.option("profile_id")?;
        Ok(Arc::new(b.build()) as Arc<dyn PaymentProvider>)
    })
    .credential("api_key")
    .webhook_secret("webhook_secret")
    .option("profile_id")
    .connection_options();
    r
}

fn env(name: &str) -> Option<String> {
    (name == "KEY").then(|| "sk_test_1".to_owned())
}

fn build(toml: &str) -> paymux_core::Result<Router> {
    let config = RouterConfig::parse("routing.toml", toml, &env)?;
    Router::from_config(config, &registry())
}

fn error(toml: &str) -> String {
    let e = build(toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
    e.message().to_owned()
}

const GATEWAY: &str = r#"[instances.us]
kind = "gateway"
credentials.api_key = { env = "KEY" }
credentials.webhook_secret = { env = "KEY" }
options.profile_id = "pro_1"
"#;

#[test]
fn a_misspelled_credential_is_named_with_the_right_one() {
    let toml = GATEWAY.replace("credentials.webhook_secret", "credentials.webhok_secret");
    assert_eq!(
        error(&toml),
        "routing.toml:4:13: instance \"us\": unknown credential \"webhok_secret\" (did you mean \"webhook_secret\"?); kind gateway takes: api_key, webhook_secret"
    );
}

#[test]
fn a_misspelled_option_is_named_with_the_right_one_and_the_missing_one() {
    let toml = GATEWAY.replace("options.profile_id", "options.profil_id");
    assert_eq!(
        error(&toml),
        "routing.toml:5:9: instance \"us\": unknown option \"profil_id\" (did you mean \"profile_id\"?); kind gateway takes: max_attempts, max_in_flight, profile_id, timeout_ms\n\
         routing.toml:2:8: instance \"us\" (kind gateway) needs the option \"profile_id\""
    );
}

#[test]
fn a_missing_required_credential_is_refused_before_the_factory_runs() {
    let toml = GATEWAY.replace("credentials.api_key = { env = \"KEY\" }\n", "");
    assert_eq!(
        error(&toml),
        "routing.toml:2:8: instance \"us\" (kind gateway) needs the credential \"api_key\""
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let toml = format!(
        r#"{GATEWAY}colour = "red"
[instances.eu]
kind = "gateway"
enviroment = "production"
credentials.api_key = {{ env = "KEY" }}
options.profile_id = "pro_2"
options.timeout = "10"
[[rules]]
name = "big"
when = {{ currency = ["EUR", "XYZ"], amount_max = 100.5 }}
route = {{ instance = "euu" }}
[[rules]]
name = "split"
route = {{ split = [ {{ instance = "us", weight = 60 }}, {{ instance = "eu", weight = 30 }} ] }}
"#
    );
    // Router::parse reports the file's mistakes and the router's checks together.
    let e = Router::parse("routing.toml", &toml, &env, &registry()).unwrap_err();
    assert_eq!(
        e.message(),
        "routing.toml:9:1: unknown field `enviroment` in instance \"eu\" (did you mean `environment`?), expected one of `kind`, `environment`, `base_url`, `credentials`, `options`\n\
         routing.toml:6:1: unknown field `colour` in instance \"us\", expected one of `kind`, `environment`, `base_url`, `credentials`, `options`\n\
         routing.toml:15:29: rule \"big\": unknown currency code \"XYZ\"\n\
         routing.toml:15:50: rule \"big\": amount_max 100.5 has no currency and is a TOML float: write amount_max = { EUR = \"100.5\" }\n\
         routing.toml:12:9: instance \"eu\": unknown option \"timeout\" (did you mean \"timeout_ms\"?); kind gateway takes: max_attempts, max_in_flight, profile_id, timeout_ms\n\
         routing.toml:17:1: rule \"split\": split weights add up to 90, not 100"
    );
}

#[test]
fn an_amount_without_a_currency_is_refused() {
    let toml = format!(
        "{GATEWAY}[[rules]]\nname = \"big\"\nwhen = {{ amount_max = \"100.00\" }}\nroute = {{ instance = \"us\" }}\n"
    );
    assert_eq!(
        error(&toml),
        "routing.toml:8:23: rule \"big\": amount_max \"100.00\" has no currency: amounts are compared per currency, write amount_max = { EUR = \"100.00\" } (one threshold per currency)"
    );
}

#[test]
fn a_float_amount_is_refused() {
    let toml = format!(
        "{GATEWAY}[[rules]]\nname = \"big\"\nwhen = {{ amount_min = {{ EUR = 100.0 }} }}\nroute = {{ instance = \"us\" }}\n"
    );
    assert_eq!(
        error(&toml),
        "routing.toml:8:31: rule \"big\": amount_min.EUR: 100.0 is a TOML float, and amounts are never floats: write \"100.0\""
    );
    let integer = format!(
        "{GATEWAY}[[rules]]\nname = \"big\"\nwhen = {{ amount_min = {{ EUR = 100 }} }}\nroute = {{ instance = \"us\" }}\n"
    );
    assert_eq!(
        error(&integer),
        "routing.toml:8:31: rule \"big\": amount_min.EUR: write the amount as text in major units (\"100.00\"), found an integer"
    );
}

#[tokio::test]
async fn amounts_compare_within_their_currency_only() {
    let toml = r#"
[defaults]
instance = "small"
[instances.small]
kind = "mock"
[instances.big]
kind = "mock"
[[rules]]
name = "big"
when = { amount_min = { EUR = "100.00", JPY = "15000", KWD = "30.000" } }
route = { instance = "big" }
"#;
    let router = build(toml).unwrap();
    let to = |minor, currency| {
        let router = &router;
        async move {
            let p = router
                .create_payment(CreatePayment::new(Money::from_minor(minor, currency).unwrap()))
                .await
                .unwrap();
            p.id.as_str().split(':').next().unwrap().to_owned()
        }
    };
    // 15,000 JPY (about 90 EUR) is big for JPY, 15.000 KWD (about 45 EUR) is not big for KWD.
    assert_eq!(to(15_000, Currency::JPY).await, "big");
    assert_eq!(to(15_000, Currency::KWD).await, "small");
    assert_eq!(to(10_000, Currency::EUR).await, "big");
    assert_eq!(to(9_999, Currency::EUR).await, "small");
    // A currency without a threshold does not match the rule.
    assert_eq!(to(1_000_000, Currency::USD).await, "small");
}

#[test]
fn an_instance_without_webhook_secret_takes_no_webhooks() {
    let without = GATEWAY.replace("credentials.webhook_secret = { env = \"KEY\" }\n", "");
    let rule = "[[rules]]\nname = \"hosted\"\nwhen = { payment_method = [\"hosted_page\"] }\nrequires = [\"webhooks\"]\nroute = { instance = \"us\" }\n";
    assert_eq!(
        error(&format!("{without}{rule}")),
        "routing.toml:5:1: rule \"hosted\": requires webhooks, which instance \"us\" does not support (it has no credentials.webhook_secret)"
    );
    let everywhere = format!("[defaults]\nrequires = [\"webhooks\"]\n{without}");
    assert_eq!(
        error(&everywhere),
        "routing.toml:2:12: defaults.requires: instance \"us\" does not support webhooks (it has no credentials.webhook_secret)"
    );
    // The router no longer claims webhooks through that instance either.
    let router = build(&format!("[defaults]\ninstance = \"us\"\n{without}")).unwrap();
    assert!(!router.capabilities().supports(Operation::Webhooks));
    let e = router.instance("us").unwrap().parse_webhook(&Default::default(), b"{}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    // With the secret, the same rules start.
    build(&format!("[defaults]\nrequires = [\"webhooks\"]\n{GATEWAY}{rule}")).unwrap();
    let misspelled = format!("{GATEWAY}{}", rule.replace("\"webhooks\"", "\"webhook\""));
    assert_eq!(
        error(&misspelled),
        "routing.toml:9:12: rule \"hosted\": requires: unknown operation \"webhook\" (did you mean \"webhooks\"?)"
    );
}

#[test]
fn a_syntax_error_names_its_position() {
    assert_eq!(
        error("[instances.a]\nkind = \"mock\n"),
        "routing.toml:2:13: invalid basic string, expected `\"`"
    );
}

#[derive(serde::Deserialize)]
struct AppConfig {
    #[allow(dead_code)]
    listen: String,
    routing: RouterConfig,
}

#[test]
fn the_configuration_lives_inside_an_apps_own() {
    let text = r#"
listen = "0.0.0.0:8080"
[routing.defaults]
instance = "us"
[routing.instances.us]
kind = "gateway"
credentials.api_key = { env = "PAYMUX_ROUTER_TEST_NEVER_SET" }
options.profil_id = "pro_1"
"#;
    let app: AppConfig = toml::from_str(text).unwrap();
    assert_eq!(app.routing.instance_names(), ["us"]);
    // Credentials are read when the router is built; keys are checked then, by path.
    let e = Router::from_config(app.routing, &registry()).unwrap_err();
    assert_eq!(
        e.message(),
        "instances.us.options.profil_id: instance \"us\": unknown option \"profil_id\" (did you mean \"profile_id\"?); kind gateway takes: max_attempts, max_in_flight, profile_id, timeout_ms\n\
         instances.us.kind: instance \"us\" (kind gateway) needs the option \"profile_id\"\n\
         instances.us.credentials.api_key: instance \"us\": environment variable PAYMUX_ROUTER_TEST_NEVER_SET is not set"
    );
    // Mistakes serde sees are reported by path, all at once.
    let bad = text.replace("kind = \"gateway\"", "kind = \"gateway\"\ncolour = 1")
        + "[[routing.rules]]\nname = \"x\"\nwhen = { amount_max = \"1\" }\nroute = { instance = \"us\" }\n";
    let e = toml::from_str::<AppConfig>(&bad).err().unwrap();
    let message = e.message();
    assert!(
        message.contains("instances.us.colour: unknown field `colour` in instance \"us\""),
        "{message}"
    );
    assert!(
        message.contains("rules[0].when.amount_max: rule \"x\": amount_max \"1\" has no currency"),
        "{message}"
    );
}
