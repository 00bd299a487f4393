//! `parse_webhook` (verify + parse) per gateway against the bare minimum: the same HMAC over
//! the same bytes plus `serde_json::from_slice::<Value>`. Then, per gateway, `parse_webhook`
//! of a delivery carrying the most candidate signatures allowed (`webhook::MAX_SIGNATURES`:
//! the wrong ones first, the genuine one last) against the same delivery with the genuine
//! signature alone, with a body of realistic size and one of 64 KiB.
//!
//! Run: `cargo bench -p paymux-benches --bench webhooks`

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use paymux::PaymentProvider;
use paymux_benches::{Row, compare_sync, print_table};
use sha2::{Sha256, Sha512};

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    parts.iter().for_each(|p| m.update(p));
    m.finalize().into_bytes().to_vec()
}

fn hmac512(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha512> as KeyInit>::new_from_slice(key).expect("any key length");
    parts.iter().for_each(|p| m.update(p));
    m.finalize().into_bytes().to_vec()
}

type Baseline = Box<dyn Fn(&http::HeaderMap, &[u8]) -> bool>;
/// One bare candidate signature over a body at a timestamp.
type Signer = Box<dyn Fn(&[u8], &str) -> String>;
/// The signature header(s) carrying candidates at a timestamp.
type Framer = Box<dyn Fn(&[String], &str) -> http::HeaderMap>;

struct Case {
    name: &'static str,
    provider: Box<dyn PaymentProvider>,
    headers: http::HeaderMap,
    body: Vec<u8>,
    baseline: Baseline,
    /// How the gateway writes candidate signatures (not for the mock).
    candidates: Option<Candidates>,
}

/// How a gateway signs, for the candidate-count case. `t` is the unix timestamp as text.
struct Candidates {
    /// One candidate signature over a body at `t`, bare (hex or base64).
    sign: Signer,
    /// The signature header(s) carrying these candidates at `t`, framed the gateway's way.
    headers: Framer,
}

fn header(map: &mut http::HeaderMap, name: &'static str, value: &str) {
    map.insert(name, http::HeaderValue::from_str(value).expect("ascii header"));
}

/// The signature header sent once per candidate (schemes with one signature per value).
fn one_per_value(name: &'static str, candidates: &[String]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for c in candidates {
        map.append(name, http::HeaderValue::from_str(c).expect("ascii header"));
    }
    map
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let now = time::OffsetDateTime::now_utc().unix_timestamp().to_string();

    // Mock: HMAC-SHA256 hex over the body.
    let mock = paymux::MockProvider::new();
    let body = br#"{"id":"evt_mock_1","type":"payment_succeeded","created_at":"2026-01-01T00:00:00Z","data":{"type":"payment","object":{"id":"pay_mock_1","provider":"mock","status":"succeeded","raw_status":"succeeded","amount":{"amount_minor":6540,"currency":"USD"},"amount_received":null,"amount_captured":null,"amount_refunded":null,"capture_mode":null,"merchant_reference":"order_123","description":null,"customer_id":null,"next_action":null,"failure":null,"metadata":{},"created_at":null}}}"#.to_vec();
    let headers = mock.sign_webhook(&body);
    cases.push(Case {
        name: "mock (HMAC-SHA256 hex)",
        provider: Box::new(mock),
        headers,
        body,
        baseline: Box::new(|h, b| {
            let sig = hex::decode(h["x-mock-signature"].as_bytes()).unwrap_or_default();
            hmac256(b"whsec_mock", &[b]) == sig
                && serde_json::from_slice::<serde_json::Value>(b).is_ok()
        }),
        candidates: None,
    });

    // Paynectra: t=..,v1=.. over "{t}.{body}".
    let secret = "whsec_bench_paynectra";
    let paynectra = paymux::paynectra::Paynectra::new(
        paymux::paynectra::PaynectraConfig::new(
            "sk_test_bench".into(),
            paymux::paynectra::Environment::Sandbox,
        )
        .with_webhook_secret(secret.into()),
    )
    .expect("paynectra");
    let body = br#"{"id":"evt_1","type":"payment.succeeded","created":1700000000,"data":{"object":{"id":"pay_1","object":"payment","amount":6540,"currency":"usd","status":"succeeded","capture_method":"automatic","created":1700000000,"metadata":{}}}}"#.to_vec();
    let candidates = Candidates {
        sign: Box::new(move |b, t| {
            hex::encode(hmac256(secret.as_bytes(), &[t.as_bytes(), b".", b]))
        }),
        headers: Box::new(|sigs, t| {
            let v1: String = sigs.iter().map(|s| format!(",v1={s}")).collect();
            let mut headers = http::HeaderMap::new();
            header(&mut headers, "paynectra-signature", &format!("t={t}{v1}"));
            headers
        }),
    };
    let headers = (candidates.headers)(&[(candidates.sign)(&body, &now)], &now);
    cases.push(Case {
        name: "paynectra (t.body SHA256 hex)",
        provider: Box::new(paynectra),
        headers,
        body,
        baseline: Box::new(move |h, b| {
            let v = h["paynectra-signature"].to_str().unwrap_or_default();
            let (t, s) = v.split_once(",v1=").unwrap_or_default();
            let t = t.trim_start_matches("t=");
            hmac256(secret.as_bytes(), &[t.as_bytes(), b".", b])
                == hex::decode(s).unwrap_or_default()
                && serde_json::from_slice::<serde_json::Value>(b).is_ok()
        }),
        candidates: Some(candidates),
    });

    // Paygentic: Svix.
    let key = b"bench-svix-key-0123456789abcdef";
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key));
    let paygentic = paymux::paygentic::Paygentic::new(
        paymux::paygentic::PaygenticConfig::new(
            "sk_test_bench".into(),
            paymux::paygentic::Environment::Sandbox,
        )
        .with_webhook_secret(secret.into()),
    )
    .expect("paygentic");
    let body = br#"{"eventType":"payment.completed.v0","eventId":"evt_1","timestamp":"2026-01-01T00:00:00Z","data":{"paymentId":"pay_1","amount":"65.40","currency":"USD","status":"completed"}}"#.to_vec();
    let candidates = Candidates {
        sign: Box::new(move |b, t| {
            let mac = hmac256(key, &[b"msg_1", b".", t.as_bytes(), b".", b]);
            base64::engine::general_purpose::STANDARD.encode(mac)
        }),
        headers: Box::new(|sigs, t| {
            let entries: Vec<String> = sigs.iter().map(|s| format!("v1,{s}")).collect();
            let mut headers = http::HeaderMap::new();
            header(&mut headers, "svix-id", "msg_1");
            header(&mut headers, "svix-timestamp", t);
            header(&mut headers, "svix-signature", &entries.join(" "));
            headers
        }),
    };
    let headers = (candidates.headers)(&[(candidates.sign)(&body, &now)], &now);
    cases.push(Case {
        name: "paygentic (Svix SHA256 base64)",
        provider: Box::new(paygentic),
        headers,
        body,
        baseline: Box::new(move |h, b| {
            let id = h["svix-id"].as_bytes();
            let t = h["svix-timestamp"].as_bytes();
            let s = h["svix-signature"].to_str().unwrap_or_default().trim_start_matches("v1,");
            hmac256(key, &[id, b".", t, b".", b])
                == base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
                && serde_json::from_slice::<serde_json::Value>(b).is_ok()
        }),
        candidates: Some(candidates),
    });
    // Paychtec and paymnt.cloud: HMAC-SHA512 hex over the body (the Hyperswitch envelope).
    let body = br#"{"merchant_id":"1234567890","event_id":"evt_1234567890","event_type":"payment_succeeded","content":{"type":"payment_details","object":{"payment_id":"pay_order_123","status":"succeeded","amount":6540,"currency":"USD","metadata":{"order_id":"order_123"}}},"timestamp":"2024-01-22T10:20:00Z"}"#.to_vec();
    let secret = "bench_hash_key";
    let sha512_candidates = move || Candidates {
        sign: Box::new(move |b, _| hex::encode(hmac512(secret.as_bytes(), &[b]))),
        headers: Box::new(|sigs, _| one_per_value("x-webhook-signature-512", sigs)),
    };
    let headers =
        one_per_value("x-webhook-signature-512", &[(sha512_candidates().sign)(&body, "")]);
    let sha512_baseline = move |h: &http::HeaderMap, b: &[u8]| {
        hmac512(secret.as_bytes(), &[b])
            == hex::decode(h["x-webhook-signature-512"].as_bytes()).unwrap_or_default()
            && serde_json::from_slice::<serde_json::Value>(b).is_ok()
    };
    let paychtec = paymux::paychtec::Paychtec::new(
        paymux::paychtec::PaychtecConfig::new(
            "snd_bench".into(),
            paymux::paychtec::Environment::Sandbox,
            "pro_bench",
        )
        .with_webhook_secret(secret.into()),
    )
    .expect("paychtec");
    cases.push(Case {
        name: "paychtec (SHA512 hex)",
        provider: Box::new(paychtec),
        headers: headers.clone(),
        body: body.clone(),
        baseline: Box::new(sha512_baseline),
        candidates: Some(sha512_candidates()),
    });
    let paymnt = paymux::paymnt::Paymnt::new(
        paymux::paymnt::PaymntConfig::new("bench_key".into(), paymux::paymnt::Environment::Sandbox)
            .with_webhook_secret(secret.into()),
    )
    .expect("paymnt");
    // pay.tech: HMAC-SHA256 hex over the unwrapped payment result.
    let key = "bench_signing_key";
    let tbody = br#"{"id":"d4f2c1b0a9e8f7d6c5b4a3f2e1d0c9b8","referenceId":"order_123","paymentType":"DEPOSIT","state":"COMPLETED","amount":65.40,"currency":"USD","customerAmount":65.40,"customerCurrency":"USD","created":"2026-01-01T00:00:00.000Z","updated":"2026-01-01T00:00:01.000Z"}"#.to_vec();
    let paytech_candidates = Candidates {
        sign: Box::new(move |b, _| hex::encode(hmac256(key.as_bytes(), &[b]))),
        headers: Box::new(|sigs, _| one_per_value("signature", sigs)),
    };
    let theaders = one_per_value("signature", &[(paytech_candidates.sign)(&tbody, "")]);
    let paytech = paymux::paytech::Paytech::new(
        paymux::paytech::PaytechConfig::new(
            "bench_api_key".into(),
            paymux::paytech::Environment::Sandbox,
        )
        .with_signing_key(key.into()),
    )
    .expect("paytech");
    cases.push(Case {
        name: "paytech (SHA256 hex)",
        provider: Box::new(paytech),
        headers: theaders,
        body: tbody,
        baseline: Box::new(move |h, b| {
            hmac256(key.as_bytes(), &[b])
                == hex::decode(h["signature"].as_bytes()).unwrap_or_default()
                && serde_json::from_slice::<serde_json::Value>(b).is_ok()
        }),
        candidates: Some(paytech_candidates),
    });
    cases.push(Case {
        name: "paymnt (SHA512 hex)",
        provider: Box::new(paymnt),
        headers,
        body,
        baseline: Box::new(sha512_baseline),
        candidates: Some(sha512_candidates()),
    });
    cases
}

/// `body` (a JSON object) grown to `size` bytes by an extra string field in front, as an
/// event with a large metadata or description field would be.
fn padded(body: &[u8], size: usize) -> Vec<u8> {
    let frame = br#"{"zz_padding":"","#.len() + body.len() - 1;
    let mut out = format!("{{\"zz_padding\":\"{}\",", "x".repeat(size - frame)).into_bytes();
    out.extend_from_slice(&body[1..]);
    assert_eq!(out.len(), size);
    out
}

/// `parse_webhook` with the most candidates allowed (the genuine one last) against the
/// genuine signature alone, over `body`: `rounds` pairs of batches of `batch` calls. The
/// headers are signed now, so timestamped schemes stay inside their window whatever ran
/// before.
fn max_candidates_row(case: &Case, c: &Candidates, body: &[u8], rounds: usize, batch: u32) -> Row {
    let max = paymux::webhook::MAX_SIGNATURES;
    let now = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
    let genuine = (c.sign)(body, &now);
    let mut all: Vec<String> =
        (1..max).map(|i| (c.sign)(format!("forged {i}").as_bytes(), &now)).collect();
    all.push(genuine.clone());
    let many = (c.headers)(&all, &now);
    let one = (c.headers)(&[genuine], &now);
    let check = |when: &str| {
        for (what, headers) in [("max candidates", &many), ("one candidate", &one)] {
            if let Err(e) = case.provider.parse_webhook(headers, body) {
                panic!("{}, {} bytes, {what}: refused {when} timing: {e}", case.name, body.len());
            }
        }
    };
    check("before");
    let samples = compare_sync(
        rounds,
        batch,
        || {
            std::hint::black_box(case.provider.parse_webhook(&many, body).is_ok());
        },
        || {
            std::hint::black_box(case.provider.parse_webhook(&one, body).is_ok());
        },
    );
    check("after");
    let size = match body.len() {
        n if n >= 1024 => format!("{} KiB", n / 1024),
        n => format!("{n} B"),
    };
    samples.row(format!("{}, {size} body", case.name), 2.0)
}

fn main() {
    let rounds = 41;
    let batch = 2000;
    let mut rows = Vec::new();
    let cases = cases();
    for case in &cases {
        assert!(
            case.provider.parse_webhook(&case.headers, &case.body).is_ok(),
            "{} verifies",
            case.name
        );
        assert!((case.baseline)(&case.headers, &case.body), "{} baseline verifies", case.name);
        let samples = compare_sync(
            rounds,
            batch,
            || {
                std::hint::black_box(
                    case.provider.parse_webhook(&case.headers, &case.body).is_ok(),
                );
            },
            || {
                std::hint::black_box((case.baseline)(&case.headers, &case.body));
            },
        );
        rows.push(samples.row(case.name, 1.5));
    }
    print_table(
        "Webhook verification + parsing",
        "parse_webhook",
        "bare HMAC + from_slice::<Value>",
        &rows,
    );

    // The most candidates against one: realistic bodies in batches of 2,000 calls, 64 KiB
    // bodies in batches of 100 (a batch of each takes a few milliseconds).
    let mut rows = Vec::new();
    for case in &cases {
        let Some(c) = &case.candidates else { continue };
        rows.push(max_candidates_row(case, c, &case.body, rounds, batch));
        rows.push(max_candidates_row(case, c, &padded(&case.body, 64 * 1024), rounds, 100));
    }
    print_table(
        &format!(
            "Candidate signatures: {} (the genuine one last) against 1",
            paymux::webhook::MAX_SIGNATURES
        ),
        &format!("{} candidates", paymux::webhook::MAX_SIGNATURES),
        "1 candidate",
        &rows,
    );
}
