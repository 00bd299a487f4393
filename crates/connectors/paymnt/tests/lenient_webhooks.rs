//! Webhooks in two steps, through the connector: every body of the family's lenient vectors
//! (`hyperswitch-family/tests/fixtures/lenient_webhooks.json`, whose cases that crate's
//! `tests/lenient_webhooks.rs` checks one by one) verifies with the connector's webhook secret
//! and reads exactly as the family reads it (accepted with the raw body and its notes, or
//! `WebhookNotJson` for the body that is not JSON); another body's signature is a signature
//! error, named for this connector. Every documented event type is read whole.
#![allow(clippy::unwrap_used)]

mod common;

use common::KEY;

use paymux_core::http::{HeaderMap, HeaderValue};
use paymux_core::{ErrorKind, PaymentProvider, ProviderId, SecretString};
use paymux_hyperswitch_family::parse_event;
use paymux_paymnt::{Environment, Paymnt, PaymntConfig};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!(
        "../../hyperswitch-family/tests/fixtures/lenient_webhooks.json"
    ))
    .unwrap()
}

fn connector() -> Paymnt {
    let secret = vectors()["secret"].as_str().unwrap().to_owned();
    Paymnt::new(
        PaymntConfig::new(SecretString::from(KEY), Environment::Sandbox)
            .with_webhook_secret(SecretString::from(secret)),
    )
    .unwrap()
}

fn headers(sig: &Value) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("X-Webhook-Signature-512", HeaderValue::from_str(sig.as_str().unwrap()).unwrap());
    h
}

/// Every case and every documented event type, as (name, body, signature).
fn all_vectors() -> Vec<(String, String, Value)> {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap().iter().map(|c| (c["name"].clone(), c));
    let types = v["event_types"].as_array().unwrap().iter().map(|c| (c["event_type"].clone(), c));
    cases
        .chain(types)
        .map(|(name, c)| {
            (
                name.as_str().unwrap().to_owned(),
                c["body"].as_str().unwrap().to_owned(),
                c["signature"].clone(),
            )
        })
        .collect()
}

#[test]
fn every_verified_body_reads_as_the_family_reads_it() {
    let connector = connector();
    let provider = ProviderId::new("paymnt");
    let vectors = all_vectors();
    assert!(vectors.len() >= 60);
    for (name, body, sig) in &vectors {
        let got = connector.parse_webhook(&headers(sig), body.as_bytes());
        match (got, parse_event(&provider, body.as_bytes())) {
            (Ok(got), Ok(want)) => {
                assert_eq!(got, want, "{name}");
                assert_eq!(got.raw.as_str(), body, "{name}: the raw body is kept");
            }
            (Err(got), Err(want)) => {
                assert_eq!(got.kind(), ErrorKind::WebhookNotJson, "{name}: {got}");
                assert_eq!(want.kind(), ErrorKind::WebhookNotJson, "{name}: {want}");
            }
            (got, want) => panic!("{name}: connector {got:?}, family {want:?}"),
        }
    }
}

#[test]
fn only_a_bad_signature_is_a_signature_error() {
    let connector = connector();
    let vectors = all_vectors();
    for (i, (name, body, _)) in vectors.iter().enumerate() {
        // Another body's signature: verification fails before anything is read.
        let other = &vectors[(i + 1) % vectors.len()].2;
        let err = connector.parse_webhook(&headers(other), body.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookSignature, "{name}");
        assert_eq!(err.provider().map(|p| p.as_str()), Some("paymnt"));
    }
}
