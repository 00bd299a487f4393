#![allow(clippy::unwrap_used)]
//! A short, deterministic run of the fuzz harness in CI.
//!
//! The cargo-fuzz targets in `tests/fuzz` and these tests share one harness
//! (`tests/fuzz/harness.rs`): the same signing, the same calls, the same contract checks (see
//! its module docs). Here proptest feeds it, with a fixed seed and a bounded number of cases:
//!
//! - the raw inputs the fuzz targets start from (random bytes, for every target);
//! - structured inputs: well-formed events and answers of every connector with random ids,
//!   texts and status words, edge-case and huge numbers, bad currencies, deep nesting; the
//!   well-formed ones must be *accepted* (and map to the same id, status word and amount), the
//!   rest must fail with a typed error;
//! - signed-looking deliveries that must still be refused (a signature of another body, a
//!   stale timestamp, a scheme's headers on another connector);
//! - the committed seed corpus (`tests/fuzz/seeds/<target>/*`), through its target.
//!
//! Crashes found by fuzzing are kept below as regression cases.

#[path = "fuzz/harness.rs"]
mod harness;

use std::path::Path;

use harness::Connector;
use paymux::{WebhookEvent, WebhookResource};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{Value, json};

/// Cases per property: enough to exercise every branch of the generators, a few seconds in
/// all (run with `PROPTEST_CASES` unset; the config below wins over it anyway).
const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        rng_seed: RngSeed::Fixed(0x0fa2_25ee_d5ee_d001),
        failure_persistence: None,
        max_shrink_iters: 512,
        ..ProptestConfig::default()
    }
}

fn connector() -> impl Strategy<Value = Connector> {
    (0u8..5).prop_map(Connector::from_byte)
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

// ---------------------------------------------------------------------------------------------
// Raw bytes: exactly what the fuzz targets are fed.

proptest! {
    #![proptest_config(config())]

    /// `webhook_<connector>` targets: a random body, correctly signed.
    #[test]
    fn signed_webhook_random_bytes(c in connector(), body in bytes(512)) {
        let event = harness::signed_webhook(c, &body);
        // Random bytes are not JSON, so never an event.
        if serde_json::from_slice::<Value>(&body).is_err() {
            prop_assert!(event.is_none());
        }
    }

    /// `webhook_unsigned`: random selector, headers and body.
    #[test]
    fn unsigned_webhook_random_bytes(data in bytes(512)) {
        harness::unsigned_webhook(&data);
    }

    /// `response_<connector>` targets: a random answer body.
    #[test]
    fn response_random_bytes(c in connector(), data in bytes(512)) {
        harness::response(c, &data);
    }

    /// Random JSON values (not random bytes): reach the wire structs rather than the tokenizer.
    #[test]
    fn random_json_everywhere(c in connector(), value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        let _ = harness::signed_webhook(c, &body);
        harness::response(c, &body);
    }
}

// ---------------------------------------------------------------------------------------------
// Structured generators.

/// A random JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names: mostly the ones the wire structs read, so random values land in real fields.
fn field_name() -> impl Strategy<Value = String> {
    let known = [
        "payment_id",
        "refund_id",
        "customer_id",
        "status",
        "amount",
        "currency",
        "metadata",
        "event_id",
        "event_type",
        "content",
        "type",
        "object",
        "id",
        "data",
        "created",
        "eventType",
        "eventId",
        "paymentId",
        "paymentType",
        "state",
        "parentPaymentId",
        "next_action",
        "redirect_to_url",
        "error_code",
        "error_message",
        "amount_received",
        "dispute_id",
        "dispute_status",
        "payout_id",
        "total_count",
        "pagination",
        "timestamp",
    ];
    prop_oneof![3 => proptest::sample::select(known.to_vec()).prop_map(str::to_owned), 1 => text()]
}

/// Short printable text, any script.
fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

/// An id: mostly plain, sometimes odd (empty, control characters, long).
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{2,4}_[A-Za-z0-9]{1,16}",
        1 => text(),
        1 => Just(String::new()),
        1 => "[\\x00-\\x1f\"\\\\]{1,4}",
        1 => "[a-z0-9]{200,300}",
    ]
}

/// A status word: the connector's own words, other connectors' words, junk.
fn status(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(known.to_vec()).prop_map(str::to_owned),
        1 => "[a-zA-Z_.]{0,24}",
        1 => text(),
    ]
}

const FAMILY_PAYMENT_WORDS: &[&str] = &[
    "succeeded",
    "partially_captured",
    "failed",
    "cancelled",
    "cancelled_post_capture",
    "requires_customer_action",
    "requires_redirection",
    "requires_payment_method",
    "requires_confirmation",
    "requires_capture",
    "partially_authorized_and_requires_capture",
    "partially_captured_and_capturable",
    "expired",
    "processing",
    "pending",
    "requires_merchant_action",
    "conflicted",
    "SUCCEEDED",
    "",
];
const FAMILY_REFUND_WORDS: &[&str] = &["succeeded", "failed", "pending", "review", "Pending"];
const FAMILY_EVENT_TYPES: &[&str] = &[
    "payment_succeeded",
    "payment_failed",
    "payment_processing",
    "payment_cancelled",
    "payment_authorized",
    "payment_captured",
    "action_required",
    "refund_succeeded",
    "refund_failed",
    "dispute_opened",
    "mandate_active",
    "",
];
const PAYTECH_STATES: &[&str] = &[
    "COMPLETED",
    "DECLINED",
    "CANCELLED",
    "AUTHORIZED",
    "CHECKOUT",
    "PENDING",
    "PROCESSING",
    "completed",
    "",
];
const PAYGENTIC_WORDS: &[&str] =
    &["pending", "processing", "completed", "expired", "cancelled", "failed", "PENDING"];
const PAYNECTRA_PAYMENT_WORDS: &[&str] = &[
    "succeeded",
    "processing",
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "requires_capture",
    "canceled",
    "cancelled",
    "failed",
];
const PAYNECTRA_REFUND_WORDS: &[&str] = &["succeeded", "pending", "failed", "canceled"];

/// A JSON number token (as text, so it can be anything the tokenizer meets) and, when it is a
/// plain amount every connector must accept, its value.
fn minor_amount() -> impl Strategy<Value = (String, Option<i64>)> {
    let odd = [
        "-1",
        "-0",
        "0.5",
        "1e2",
        "1E+2",
        "1e400",
        "-1e400",
        "1e-400",
        "18446744073709551616",
        "-9223372036854775809",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999999999999999999999999999",
        "\"100\"",
        "\" 100 \"",
        "null",
        "true",
        "[]",
        "{}",
        "\"\"",
        "\"1e3\"",
        "\"-5\"",
        "\"9999999999999999999999\"",
    ];
    prop_oneof![
        8 => (0i64..10_000_000).prop_map(|n| (n.to_string(), Some(n))),
        1 => any::<i64>().prop_map(|n| (n.to_string(), None)),
        1 => proptest::sample::select(odd.to_vec()).prop_map(|t| (t.to_owned(), None)),
        1 => "[1-9][0-9]{19,400}".prop_map(|t| (t, None)),
    ]
}

/// A major-unit decimal (pay.tech numbers, Paygentic strings) and its minor units in a
/// two-decimal currency when it is a plain amount.
fn major_amount() -> impl Strategy<Value = (String, Option<i64>)> {
    let odd = [
        "-1.00",
        "0.001",
        "1.",
        ".5",
        "1e2",
        "1E-2",
        "1e400",
        "1e-400",
        "1e99999999999",
        "1e-99999999999",
        "1e-28",
        "1e28",
        "1e29",
        "79228162514264337593543950335",
        "79228162514264337593543950336",
        "-0",
        "0e0",
        "NaN",
        "inf",
        "1_000",
        "0x10",
        "",
        "1.0000000000000000000000000001",
        "0.00000000000000000000000000001",
    ];
    prop_oneof![
        8 => (0i64..10_000_000).prop_map(|n| (format!("{}.{:02}", n / 100, n % 100), Some(n))),
        1 => any::<i64>().prop_map(|n| (n.to_string(), None)),
        1 => proptest::sample::select(odd.to_vec()).prop_map(|t| (t.to_owned(), None)),
        1 => "[0-9]{1,40}\\.[0-9]{0,40}".prop_map(|t| (t, None)),
        1 => "[0-9]{1,3}[eE][+-]?[0-9]{1,12}".prop_map(|t| (t, None)),
    ]
}

/// A currency code and whether it is one every connector must accept.
fn currency() -> impl Strategy<Value = (String, bool)> {
    let odd = ["usd", "JPY", "KWD", "XXX", "XAU", "", "US", "USDD", "€", "U\u{0}D", "123"];
    prop_oneof![
        8 => proptest::sample::select(vec!["USD", "EUR", "GBP"]).prop_map(|c| (c.to_owned(), true)),
        1 => proptest::sample::select(odd.to_vec()).prop_map(|c| (c.to_owned(), false)),
        1 => "[A-Za-z]{0,5}".prop_map(|c| (c, false)),
    ]
}

/// A `metadata` value (raw JSON text) and whether it is a flat string map.
fn metadata() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        3 => Just(("null".to_owned(), true)),
        3 => proptest::collection::btree_map("[a-z_]{1,8}", text(), 0..4)
            .prop_map(|m| (serde_json::to_string(&m).unwrap(), true)),
        1 => json_value().prop_map(|v| (v.to_string(), false)),
        1 => (1usize..400, any::<bool>()).prop_map(|(depth, arrays)| (nested(depth, arrays), false)),
    ]
}

/// `depth` levels of `[[...]]` or `{"a":{"a":...}}` (serde_json stops at 128).
fn nested(depth: usize, arrays: bool) -> String {
    let (open, close) = if arrays { ("[", "]") } else { ("{\"a\":", "}") };
    let mut s = open.repeat(depth);
    s.push_str(if arrays { "1" } else { "null" });
    s.push_str(&close.repeat(depth));
    s
}

/// What a well-formed event or answer must map to.
#[derive(Debug, Clone)]
struct Expect {
    refund: bool,
    id: String,
    raw_status: String,
    amount_minor: i64,
}

/// A generated input: the bytes, and the mapping they must produce when well-formed.
#[derive(Debug, Clone)]
struct Case {
    body: Vec<u8>,
    expect: Option<Expect>,
}

/// Fills `"@AMOUNT@"` and `"@META@"` placeholders with raw JSON text.
fn fill(template: &Value, amount: &str, meta: &str) -> Vec<u8> {
    template.to_string().replace("\"@AMOUNT@\"", amount).replace("\"@META@\"", meta).into_bytes()
}

/// A Hyperswitch-family (Paychtec, paymnt.cloud) payment or refund object.
fn family_object() -> impl Strategy<Value = (Value, bool, Expect, bool)> {
    (any::<bool>(), id(), id(), status(FAMILY_PAYMENT_WORDS), status(FAMILY_REFUND_WORDS))
        .prop_flat_map(|(refund, id, pid, pay_word, refund_word)| {
            (Just((refund, id, pid, pay_word, refund_word)), currency(), any::<Option<String>>())
        })
        .prop_map(|((refund, id, pid, pay_word, refund_word), (cur, cur_ok), code)| {
            let (object, word) = if refund {
                let o = json!({"refund_id": id, "payment_id": pid, "amount": "@AMOUNT@",
                    "currency": cur, "status": refund_word, "error_code": code,
                    "metadata": "@META@", "created_at": "2024-01-22T10:20:00"});
                (o, refund_word)
            } else {
                let o = json!({"payment_id": id, "status": pay_word, "amount": "@AMOUNT@",
                    "amount_received": "@AMOUNT@", "currency": cur, "error_code": code,
                    "metadata": "@META@", "created": "2024-01-22T10:20:00Z",
                    "next_action": {"redirect_to_url": "https://example.invalid/3ds"}});
                (o, pay_word)
            };
            (object, refund, Expect { refund, id, raw_status: word, amount_minor: 0 }, cur_ok)
        })
}

fn with_amount(
    object: impl Strategy<Value = (Value, bool, Expect, bool)>,
    amount: impl Strategy<Value = (String, Option<i64>)>,
    wrap: fn(Value, bool) -> Value,
) -> impl Strategy<Value = Case> {
    (object, amount, metadata()).prop_map(move |((object, refund, expect, cur_ok), a, m)| {
        let (amount, amount_ok) = a;
        let (meta, meta_ok) = m;
        let body = fill(&wrap(object, refund), &amount, &meta);
        let expect = match amount_ok {
            Some(n) if cur_ok && meta_ok => Some(Expect { amount_minor: n, ..expect }),
            _ => None,
        };
        Case { body, expect }
    })
}

/// A family webhook: `{event_id, event_type, content: {type, object}, timestamp}`.
fn family_event() -> impl Strategy<Value = Case> {
    let event_type = status(FAMILY_EVENT_TYPES);
    (family_object(), event_type, id()).prop_flat_map(
        |((object, refund, expect, cur_ok), et, eid)| {
            let wrap = |object: Value, refund: bool| {
                json!({"merchant_id": "merchant_fuzz", "event_id": "@EID@", "event_type": "@ET@",
                "content": {"type": if refund { "refund_details" } else { "payment_details" },
                "object": object}, "timestamp": "2024-01-22T10:20:00.000Z"})
            };
            with_amount(Just((object, refund, expect, cur_ok)), minor_amount(), wrap).prop_map(
                move |mut case| {
                    let text = String::from_utf8(case.body).unwrap();
                    let text = text
                        .replace("\"@EID@\"", &Value::from(eid.as_str()).to_string())
                        .replace("\"@ET@\"", &Value::from(et.as_str()).to_string());
                    case.body = text.into_bytes();
                    case
                },
            )
        },
    )
}

/// A family payment or refund answer (the body of `GET /payments/{id}`, `/refunds/{id}`).
fn family_answer() -> impl Strategy<Value = Case> {
    with_amount(family_object(), minor_amount(), |o, _| o)
}

/// A pay.tech `PaymentResult` (its webhooks' body and its answers).
fn paytech_result() -> impl Strategy<Value = Case> {
    let kind = prop_oneof![
        3 => Just("DEPOSIT".to_owned()),
        2 => Just("REFUND".to_owned()),
        1 => Just("WITHDRAWAL".to_owned()),
        1 => "[A-Z]{0,10}",
    ];
    let object = (kind, id(), id(), status(PAYTECH_STATES), currency(), any::<bool>()).prop_map(
        |(kind, id, parent, state, (cur, cur_ok), with_parent)| {
            let mut o = json!({"id": id, "paymentType": kind, "state": state,
                "amount": "@AMOUNT@", "currency": cur, "referenceId": "order_1",
                "redirectUrl": "https://example.invalid/checkout", "customer": {"referenceId": "c1"},
                "externalRefs": "@META@", "created": "2024-01-22T10:20:00Z"});
            if with_parent {
                o["parentPaymentId"] = Value::from(parent);
            }
            let refund = kind == "REFUND";
            // Only deposits and refunds with a parent carry a resource to compare.
            let comparable = kind == "DEPOSIT" || (refund && with_parent);
            let expect = Expect { refund, id, raw_status: state, amount_minor: 0 };
            (o, refund, expect, cur_ok && comparable)
        },
    );
    // `externalRefs` is an object of any JSON values: every generated metadata but deep nesting.
    with_amount(object, major_amount(), |o, _| o)
}

/// A Paygentic (Svix) event `{eventType, eventId, timestamp, data}`.
fn paygentic_event() -> impl Strategy<Value = Case> {
    let name = prop_oneof![
        4 => proptest::sample::select(PAYGENTIC_WORDS.to_vec()).prop_map(|w| format!("payment.{w}.v0")),
        1 => "payment\\.[a-z]{0,10}\\.v[0-9]",
        1 => "[a-z.]{0,20}",
    ];
    let timestamp = prop_oneof![
        Just(json!("2024-01-22T10:20:00Z")),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    let object = (name, id(), proptest::option::of(status(PAYGENTIC_WORDS)), currency(), timestamp)
        .prop_map(|(name, id, word, (cur, cur_ok), ts)| {
            let o = json!({"eventType": name, "eventId": "evt_1", "timestamp": ts,
                "data": {"paymentId": id, "amount": "@AMOUNT@", "currency": cur, "status": word,
                "paymentUrl": "https://example.invalid/pay", "metadata": "@META@"}});
            let name_word = name.strip_prefix("payment.").and_then(|n| n.strip_suffix(".v0"));
            let known = name_word.is_some_and(|w| PAYGENTIC_WORDS[..5].contains(&w));
            let raw_status = word.clone().or(name_word.map(str::to_owned)).unwrap_or_default();
            (o, false, Expect { refund: false, id, raw_status, amount_minor: 0 }, cur_ok && known)
        });
    with_amount(object, major_amount(), |o, _| o).prop_map(|mut case| {
        // Paygentic amounts are decimal strings.
        let text = String::from_utf8(case.body).unwrap();
        let quoted = regex_lite_quote_amount(&text);
        case.body = quoted.into_bytes();
        case
    })
}

/// Paygentic writes amounts as strings: quote the raw `"amount":` token of the `data` object
/// (a number token, or anything else left as generated).
fn regex_lite_quote_amount(text: &str) -> String {
    let key = "\"amount\":";
    let Some(start) = text.find(key).map(|i| i + key.len()) else { return text.to_owned() };
    let end = text[start..].find([',', '}']).map_or(text.len(), |i| start + i);
    let token = &text[start..end];
    if token.starts_with('"') {
        return text.to_owned();
    }
    format!("{}\"{}\"{}", &text[..start], token, &text[end..])
}

/// A Paynectra event `{id, type, created, data: {object}}`.
fn paynectra_event() -> impl Strategy<Value = Case> {
    let object = (
        any::<bool>(),
        id(),
        id(),
        status(PAYNECTRA_PAYMENT_WORDS),
        status(PAYNECTRA_REFUND_WORDS),
        currency(),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(|(refund, id, pid, pay_word, refund_word, (cur, cur_ok), created)| {
            let cur = cur.to_ascii_lowercase();
            let (object, word, kind) = if refund {
                let o = json!({"id": id, "object": "refund", "payment_id": pid,
                    "amount": "@AMOUNT@", "currency": cur, "status": refund_word,
                    "metadata": "@META@", "created": created});
                (o, refund_word, "refund.succeeded")
            } else {
                let o = json!({"id": id, "object": "payment", "amount": "@AMOUNT@",
                    "currency": cur, "status": pay_word, "metadata": "@META@",
                    "next_action": {"redirect_to_url": {"url": "https://example.invalid/3ds"}},
                    "created": created});
                (o, pay_word, "payment.succeeded")
            };
            let event = json!({"id": "evt_1", "type": kind, "created": created,
                "data": {"object": object}});
            // `time` holds years -9999 to 9999.
            let created_ok =
                created.is_none_or(|s| (-377_705_116_800..=253_402_300_799).contains(&s));
            (
                event,
                refund,
                Expect { refund, id, raw_status: word, amount_minor: 0 },
                cur_ok && created_ok,
            )
        });
    with_amount(object, minor_amount(), |o, _| o)
}

/// A structured body for `c`'s webhook.
fn event_for(c: Connector) -> BoxedStrategy<Case> {
    match c {
        Connector::Paychtec | Connector::Paymnt => family_event().boxed(),
        Connector::Paytech => paytech_result().boxed(),
        Connector::Paygentic => paygentic_event().boxed(),
        Connector::Paynectra => paynectra_event().boxed(),
    }
}

/// A structured body for `c`'s response target.
fn answer_for(c: Connector) -> BoxedStrategy<Case> {
    match c {
        Connector::Paychtec | Connector::Paymnt => family_answer().boxed(),
        Connector::Paytech => paytech_result().boxed(),
        // Paygentic and Paynectra answers are re-delivered as events by the harness; their
        // generated events hold the same objects.
        Connector::Paygentic => paygentic_event().boxed(),
        Connector::Paynectra => paynectra_event().boxed(),
    }
}

fn connector_and(
    f: fn(Connector) -> BoxedStrategy<Case>,
) -> impl Strategy<Value = (Connector, Case)> {
    connector().prop_flat_map(move |c| (Just(c), f(c)))
}

/// A well-formed event must be accepted and keep its id, status word and amount.
fn check_expected(c: Connector, case: &Case, event: Option<&WebhookEvent>) {
    let Some(expect) = &case.expect else { return };
    // An empty id names nothing: a connector may keep such an event as `Other`, noted.
    if expect.id.is_empty() {
        return;
    }
    let body = String::from_utf8_lossy(&case.body);
    let Some(event) = event else { panic!("{c:?}: a well-formed event was refused: {body}") };
    let (id, raw_status, minor) = match (&event.resource, expect.refund) {
        (WebhookResource::Payment(p), false) => {
            (p.id.as_str(), &p.raw_status, p.amount.map(|m| m.amount_minor()))
        }
        (WebhookResource::Refund(r), true) => {
            (r.id.as_str(), &r.raw_status, Some(r.amount.amount_minor()))
        }
        (other, _) => panic!(
            "{c:?}: expected a {} from {body}, got {other:?}",
            if expect.refund { "refund" } else { "payment" }
        ),
    };
    assert_eq!(id, expect.id, "{c:?}: id changed; body {body}");
    assert_eq!(raw_status, &expect.raw_status, "{c:?}: status word changed; body {body}");
    assert_eq!(minor, Some(expect.amount_minor), "{c:?}: amount changed; body {body}");
}

proptest! {
    #![proptest_config(config())]

    /// Structured events, correctly signed: well-formed ones accepted and mapped faithfully,
    /// the rest read with notes of what is missing (only a body that is not JSON is refused).
    #[test]
    fn signed_structured_events((c, case) in connector_and(event_for)) {
        let event = harness::signed_webhook(c, &case.body);
        check_expected(c, &case, event.as_ref());
    }

    /// Structured answers through every public response parser.
    #[test]
    fn structured_answers((c, case) in connector_and(answer_for)) {
        harness::response(c, &case.body);
    }

    /// Structured events that are *not* correctly signed: always refused by verification.
    #[test]
    fn forged_structured_events(
        (c, case) in connector_and(event_for),
        forgery in 0u8..6,
        other in connector(),
        stale in 301u64..100_000,
        extra in "[ -~]{0,40}",
    ) {
        let now = harness::now_unix();
        let headers = match forgery {
            // Signed for another body.
            0 => harness::sign(c, b"{}"),
            // Signed with another connector's scheme and secret.
            1 if other != c => harness::sign(other, &case.body),
            1 => harness::sign(c, &[case.body.as_slice(), b" "].concat()),
            // Correctly signed, but outside the timestamp window (timestamped schemes only).
            2 if matches!(c, Connector::Paygentic | Connector::Paynectra) => {
                harness::sign_at(c, &case.body, now - stale)
            }
            2 => harness::sign(c, &case.body[..case.body.len() / 2]),
            // Correctly signed, but the signature text damaged.
            3 => {
                let mut h = harness::sign(c, &case.body);
                let names: Vec<_> = h.keys().cloned().collect();
                for n in names {
                    let v = h.get(&n).unwrap().to_str().unwrap().to_owned();
                    let damaged = format!("{}{extra}", &v[..v.len().saturating_sub(3)]);
                    if let Ok(v) = paymux::http::HeaderValue::from_str(&damaged) {
                        h.insert(n, v);
                    }
                }
                if h == harness::sign(c, &case.body) { paymux::http::HeaderMap::new() } else { h }
            }
            // No headers at all.
            4 => paymux::http::HeaderMap::new(),
            // Random headers named like the real ones.
            _ => {
                let lines = ["x-webhook-signature-512", "signature", "svix-id", "svix-timestamp",
                    "svix-signature", "paynectra-signature"]
                    .iter().map(|n| format!("{n}: {extra}")).collect::<Vec<_>>().join("\n");
                harness::split_headers(lines.as_bytes()).0
            }
        };
        let mut data = vec![c as u8];
        for (name, value) in &headers {
            data.extend_from_slice(name.as_str().as_bytes());
            data.extend_from_slice(b": ");
            data.extend_from_slice(value.as_bytes());
            data.push(b'\n');
        }
        data.push(b'\n');
        data.extend_from_slice(&case.body);
        harness::unsigned_webhook(&data);
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed cases.

/// The harness signs exactly like the gateways: a sample event of each connector is accepted.
#[test]
fn harness_reaches_every_parser() {
    let samples: [(Connector, &str); 5] = [
        (
            Connector::Paychtec,
            r#"{"event_id":"evt_1","event_type":"payment_succeeded","content":{"type":"payment_details","object":{"payment_id":"pay_1","status":"succeeded","amount":6540,"currency":"USD","metadata":{"order_id":"order_1"}}}}"#,
        ),
        (
            Connector::Paytech,
            r#"{"id":"pt_1","paymentType":"DEPOSIT","state":"COMPLETED","amount":65.40,"currency":"USD"}"#,
        ),
        (
            Connector::Paygentic,
            r#"{"eventType":"payment.completed.v0","eventId":"evt_1","data":{"paymentId":"pay_1","amount":"65.40","currency":"USD"}}"#,
        ),
        (
            Connector::Paymnt,
            r#"{"event_id":"evt_1","event_type":"refund_succeeded","content":{"type":"refund_details","object":{"refund_id":"ref_1","payment_id":"pay_1","status":"succeeded","amount":6540,"currency":"USD"}}}"#,
        ),
        (
            Connector::Paynectra,
            r#"{"id":"evt_1","type":"payment.succeeded","created":1700000000,"data":{"object":{"id":"pay_1","object":"payment","amount":6540,"currency":"usd","status":"succeeded"}}}"#,
        ),
    ];
    for (c, body) in samples {
        let event = harness::signed_webhook(c, body.as_bytes());
        let event = event.unwrap_or_else(|| panic!("{c:?}: sample event refused"));
        let minor = match &event.resource {
            WebhookResource::Payment(p) => p.amount.map(|m| m.amount_minor()),
            WebhookResource::Refund(r) => Some(r.amount.amount_minor()),
            WebhookResource::Payout(p) => p.amount.map(|m| m.amount_minor()),
            WebhookResource::Dispute(d) => d.amount.map(|m| m.amount_minor()),
            WebhookResource::Other => panic!("{c:?}: sample event without its resource"),
        };
        assert_eq!(minor, Some(6540), "{c:?}");
        // The same body, unsigned, is refused.
        let mut data = vec![c as u8];
        data.extend_from_slice(b"\n\n");
        data.extend_from_slice(body.as_bytes());
        harness::unsigned_webhook(&data);
        harness::response(c, body.as_bytes());
    }
}

/// Every committed seed (`tests/fuzz/seeds/<target>/*`) through its target.
#[test]
fn seed_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut seen = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let target = dir.file_name().unwrap().to_str().unwrap().to_owned();
        for file in std::fs::read_dir(&dir).unwrap() {
            let data = std::fs::read(file.unwrap().path()).unwrap();
            run_target(&target, &data);
            seen += 1;
        }
    }
    assert!(seen > 0, "no seeds under {}", root.display());
}

/// Runs `data` through the fuzz target named `target`, as `cargo fuzz run` would.
fn run_target(target: &str, data: &[u8]) {
    if target == "webhook_unsigned" {
        return harness::unsigned_webhook(data);
    }
    let (kind, name) = target.split_once('_').unwrap();
    let c = Connector::ALL.into_iter().find(|c| c.id() == name).unwrap();
    match kind {
        "webhook" => {
            let _ = harness::signed_webhook(c, data);
        }
        "response" => harness::response(c, data),
        _ => panic!("unknown fuzz target {target}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions found by fuzzing (inputs from tests/fuzz/artifacts/<target>/).

/// `response_paychtec`, `response_paygentic`, `response_paymnt`: a 2xx answer that carries the
/// API key where the wire struct expects something else. The body snippet in the error is
/// masked, but serde_json's message quoted the offending string whole, key included (fixed: the
/// transport now redacts that message like the body excerpt).
#[test]
fn regression_api_key_in_parse_error() {
    use paymux_hyperswitch_family::{ListResponse, PaymentResponse};
    let key = harness::TRANSPORT_KEY;
    // crash-df1808d7 (response_paychtec): a JSON string where PaymentResponse is expected.
    let paychtec = format!("\"{}{key}{}c\"", "a".repeat(43), "a".repeat(56));
    // crash-1cdd10ed (response_paygentic): the same where Paygentic's Payment object is
    // expected (read as a JSON map here: the connector's wire structs are private).
    let paygentic = format!("\"st{key}\"");
    // crash-f5c4c8e5 (response_paymnt): a list answer written as an array.
    let paymnt = format!("[\"{key}:\"bcd\"}}}}");
    let _ = harness::parse_answer_checked::<PaymentResponse>(paychtec.as_bytes(), true);
    let _ =
        harness::parse_answer_checked::<serde_json::Map<String, Value>>(paygentic.as_bytes(), true);
    let _ = harness::parse_answer_checked::<ListResponse<PaymentResponse>>(paymnt.as_bytes(), true);
}
