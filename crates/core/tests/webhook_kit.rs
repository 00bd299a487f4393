//! The webhook kit against vectors computed with Python's `hmac` (see fixtures/).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use base64::Engine as _;
use paymux_core::webhook::{
    self, Algorithm, Encoding, EventStore, InMemoryEventStore, Scheme, Window,
};
use paymux_core::{ErrorKind, EventId, ProviderId, WebhookFailure};
use serde_json::Value;

fn fixtures() -> Value {
    serde_json::from_str(include_str!("fixtures/webhook_vectors.json")).unwrap()
}

fn alg(name: &str) -> Algorithm {
    match name {
        "sha256" => Algorithm::Sha256,
        _ => Algorithm::Sha512,
    }
}

fn enc(name: &str) -> Encoding {
    match name {
        "hex" => Encoding::Hex,
        _ => Encoding::Base64,
    }
}

fn failure(r: paymux_core::Result<()>) -> WebhookFailure {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookSignature);
    e.webhook_failure().unwrap()
}

#[test]
fn python_vectors_verify_and_tampering_is_refused() {
    let f = fixtures();
    let body = f["body"].as_str().unwrap().as_bytes();
    let secret = f["secret"].as_str().unwrap().as_bytes();
    let vectors = f["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        let (a, e) = (alg(v["algorithm"].as_str().unwrap()), enc(v["encoding"].as_str().unwrap()));
        let sig = v["signature"].as_str().unwrap();
        webhook::verify(a, secret, body, sig, e).unwrap();
        // Our signer agrees with Python's.
        assert_eq!(webhook::sign(a, secret, body, e), sig);
        let mut tampered = body.to_vec();
        tampered[30] ^= 1;
        assert_eq!(
            failure(webhook::verify(a, secret, &tampered, sig, e)),
            WebhookFailure::Mismatch
        );
        assert_eq!(failure(webhook::verify(a, b"wrong", body, sig, e)), WebhookFailure::Mismatch);
        assert_eq!(
            failure(webhook::verify(a, secret, body, "!!not-encoded!!", e)),
            WebhookFailure::BadEncoding
        );
    }
}

#[test]
fn uppercase_hex_is_accepted() {
    let f = fixtures();
    let body = f["body"].as_str().unwrap().as_bytes();
    let secret = f["secret"].as_str().unwrap().as_bytes();
    let sig = f["vectors"][0]["signature"].as_str().unwrap().to_uppercase();
    webhook::verify(Algorithm::Sha256, secret, body, &sig, Encoding::Hex).unwrap();
}

#[test]
fn timestamped_scheme_checks_window_both_ways() {
    let f = fixtures();
    let body = f["body"].as_str().unwrap().as_bytes();
    let secret = f["secret"].as_str().unwrap().as_bytes();
    let t = f["timestamped"]["t"].as_str().unwrap();
    let sig = f["timestamped"]["signature_hex"].as_str().unwrap();
    let at = |s: i64| time::OffsetDateTime::from_unix_timestamp(1_700_000_000 + s).unwrap();
    let tol = Duration::from_secs(300);
    let check = |now, sigs: &[&str]| {
        let scheme = Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Hex };
        webhook::verify_timestamped(scheme, secret, t, body, sigs, Window { now, tolerance: tol })
    };
    check(at(10), &[sig]).unwrap();
    check(at(10), &["00ff", sig]).unwrap();
    assert_eq!(failure(check(at(301), &[sig])), WebhookFailure::StaleTimestamp);
    assert_eq!(failure(check(at(-301), &[sig])), WebhookFailure::StaleTimestamp);
    assert_eq!(failure(check(at(0), &["00ff"])), WebhookFailure::Mismatch);
    assert_eq!(failure(check(at(0), &[])), WebhookFailure::MissingHeader);
}

#[test]
fn id_timestamped_scheme_matches_python() {
    let f = fixtures();
    let body = f["body"].as_str().unwrap().as_bytes();
    let v = &f["id_timestamped"];
    let key = base64::engine::general_purpose::STANDARD
        .decode(v["key_base64"].as_str().unwrap())
        .unwrap();
    let now = time::OffsetDateTime::from_unix_timestamp(1_700_000_100).unwrap();
    let sig = v["signature_base64"].as_str().unwrap();
    let verify = |id: &str, sigs: &[&str]| {
        webhook::verify_id_timestamped(
            Scheme { algorithm: Algorithm::Sha256, encoding: Encoding::Base64 },
            &key,
            id,
            v["t"].as_str().unwrap(),
            body,
            sigs,
            Window { now, tolerance: Duration::from_secs(300) },
        )
    };
    verify(v["id"].as_str().unwrap(), &[sig]).unwrap();
    assert_eq!(failure(verify("msg_other", &[sig])), WebhookFailure::Mismatch);
}

#[test]
fn headers_and_body_size() {
    let mut headers = http::HeaderMap::new();
    assert_eq!(
        failure(webhook::header(&headers, "x-sig").map(|_| ())),
        WebhookFailure::MissingHeader
    );
    headers.insert("x-sig", http::HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    assert_eq!(
        failure(webhook::header(&headers, "x-sig").map(|_| ())),
        WebhookFailure::BadEncoding
    );
    assert_eq!(failure(webhook::check_body_size(&[0; 11], 10)), WebhookFailure::BodyTooLarge);
    webhook::check_body_size(&[0; 10], 10).unwrap();
}

#[tokio::test]
async fn duplicate_event_ids_are_caught_by_the_store() {
    let store = InMemoryEventStore::new(1000, Duration::from_secs(3600));
    let p = ProviderId::new("paychtec");
    let id = EventId::new("evt_1234567890");
    assert!(store.first_seen(&p, &id).await.unwrap());
    assert!(!store.first_seen(&p, &id).await.unwrap());
    // Same id from another provider is a different event.
    assert!(store.first_seen(&ProviderId::new("paymnt"), &id).await.unwrap());
}
