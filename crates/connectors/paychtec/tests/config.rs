//! Configuration rules and capabilities.
#![allow(clippy::unwrap_used)]

mod common;

use paymux_core::{ErrorKind, Operation, PaymentProvider, SecretString};
use paymux_paychtec::{Environment, Paychtec, PaychtecConfig};

fn cfg(key: &str, env: Environment) -> PaychtecConfig {
    PaychtecConfig::new(SecretString::from(key.to_owned()), env, "pro_1")
}

#[test]
fn key_prefix_must_match_the_environment() {
    let cases = [
        ("snd_abc", Environment::Sandbox, true),
        ("prd_abc", Environment::Production, true),
        ("prd_abc", Environment::Sandbox, false),
        ("snd_abc", Environment::Production, false),
        ("sk_live_abc", Environment::Production, false),
        ("abc", Environment::Sandbox, false),
        ("snd_", Environment::Sandbox, false),
    ];
    for (key, env, ok) in cases {
        let result = Paychtec::new(cfg(key, env));
        match (ok, result) {
            (true, Ok(_)) => {}
            (false, Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::Configuration, "{key} {env:?}");
                assert!(!e.to_string().contains(key), "the key must not leak: {e}");
            }
            (expected, got) => panic!("{key} {env:?}: expected ok={expected}, got {got:?}"),
        }
    }
}

#[test]
fn base_url_override_only_with_sandbox() {
    assert!(
        Paychtec::new(cfg("snd_abc", Environment::Sandbox).with_base_url("http://127.0.0.1:1"))
            .is_ok()
    );
    let err =
        Paychtec::new(cfg("prd_abc", Environment::Production).with_base_url("http://127.0.0.1:1"))
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    // The hosts are private now; the constants SANDBOX_URL and PRODUCTION_URL are gone.
    assert_eq!(
        cfg("snd_a", Environment::Sandbox).resolved_base_url(),
        "https://api.sandbox.paychtec.com"
    );
    assert_eq!(
        cfg("prd_a", Environment::Production).resolved_base_url(),
        "https://api.v2.paychtec.com"
    );
}

#[test]
fn empty_profile_or_webhook_secret_is_refused() {
    let mut c = cfg("snd_abc", Environment::Sandbox);
    c.profile_id = " ".into();
    assert_eq!(Paychtec::new(c).unwrap_err().kind(), ErrorKind::Configuration);
    let c = cfg("snd_abc", Environment::Sandbox).with_webhook_secret(SecretString::from(""));
    assert_eq!(Paychtec::new(c).unwrap_err().kind(), ErrorKind::Configuration);
}

#[test]
fn debug_never_shows_secrets() {
    let c = cfg("snd_very_secret_key", Environment::Sandbox)
        .with_webhook_secret(SecretString::from("whsec_very_secret"));
    let text = format!("{c:?}");
    assert!(!text.contains("snd_very_secret_key") && !text.contains("whsec_very_secret"), "{text}");
    let p = Paychtec::new(c).unwrap();
    let text = format!("{p:?}");
    assert!(!text.contains("snd_very_secret_key") && !text.contains("whsec_very_secret"), "{text}");
}

#[test]
fn capabilities_are_every_operation_webhooks_only_with_a_secret() {
    let with = Paychtec::new(
        cfg("snd_abc", Environment::Sandbox).with_webhook_secret(SecretString::from("whsec")),
    )
    .unwrap();
    for op in Operation::ALL {
        assert!(with.capabilities().supports(op), "{}", op.as_str());
    }
    assert!(with.capabilities().currencies().is_none());
    assert_eq!(with.id().as_str(), "paychtec");

    let without = Paychtec::new(cfg("snd_abc", Environment::Sandbox)).unwrap();
    assert!(!without.capabilities().supports(Operation::Webhooks));
    assert!(without.capabilities().supports(Operation::PartialRefund));
    let err = without.parse_webhook(&http::HeaderMap::new(), b"{}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[tokio::test]
async fn every_trait_operation_is_implemented_not_unsupported() {
    // Paychtec has every core operation: none answers Unsupported. Each is pointed at a
    // server that answers 404, so a real request must have been made.
    let (server, paychtec) = common::setup().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "error": {"type": "invalid_request", "code": "HE_02", "message": "not found"}
        })))
        .mount(&server)
        .await;
    use paymux_core::*;
    let id = PaymentId::new("pay_missing");
    let results: Vec<Result<()>> = vec![
        paychtec.get_payment(&id).await.map(drop),
        paychtec.capture_payment(&id, CapturePayment::default()).await.map(drop),
        paychtec.cancel_payment(&id, CancelPayment::default()).await.map(drop),
        paychtec.confirm_payment(&id, ConfirmPayment::default()).await.map(drop),
        paychtec.list_payments(ListPayments::default()).await.map(drop),
        paychtec.create_refund(CreateRefund::new(id.clone())).await.map(drop),
        paychtec.get_refund(&RefundId::new("ref_missing")).await.map(drop),
        paychtec.create_customer(CreateCustomer::default()).await.map(drop),
        paychtec.get_customer(&CustomerId::from_stored("cus_missing")).await.map(drop),
    ];
    for r in results {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 9);
}
