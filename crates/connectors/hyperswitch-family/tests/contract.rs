//! The normalized contract (issue 21) as the family reads it: conflicts by code whatever 4xx
//! status they come with, the list filters Hyperswitch takes, the merchant ids derived from an
//! idempotency key, `next_action` only with `RequiresAction`, `amount_capturable` with
//! `RequiresCapture`, and `action_required` a customer action only when the payment is one.
#![allow(clippy::unwrap_used)]

use paymux_core::http::StatusCode;
use paymux_core::{
    Currency, Error, ErrorKind, EventKind, IdempotencyKey, Money, PaymentId, PaymentStatus,
    ProviderId, RefundStatus, WebhookResource,
};
use paymux_hyperswitch_family::mapping::{RefundFilter, time_range};
use paymux_hyperswitch_family::status::{INTENT_STATUS_WORDS, PAYMENT_STATUS_WORDS};
use paymux_hyperswitch_family::{
    Checked, PaymentResponse, error_kind_for_code, error_parser, event_kind_for, id_from_key,
    is_duplicate, parse_event, payment_status, payment_status_filter, refund_list_body,
    refund_status, refund_status_filter, to_payment,
};
use serde_json::{Value, json};

fn provider() -> ProviderId {
    ProviderId::new("paychtec")
}

fn body(kind: &str, code: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"error": {"type": kind, "code": code, "message": "m"}})).unwrap()
}

#[test]
fn bad_state_and_duplicate_are_conflicts_whatever_the_generic_status() {
    let cases = [
        (400, "invalid_request", "IR_14", ErrorKind::Conflict),
        (400, "invalid_request", "HE_01", ErrorKind::Conflict),
        (422, "invalid_request", "HE_01", ErrorKind::Conflict),
        (400, "processing_error", "IR_14", ErrorKind::Conflict),
        (409, "invalid_request", "IR_14", ErrorKind::Conflict),
        // A specific status still wins.
        (401, "authentication_error", "HE_01", ErrorKind::Authentication),
        (404, "invalid_request", "HE_01", ErrorKind::NotFound),
        (429, "rate_limit_error", "IR_14", ErrorKind::RateLimited),
        (500, "api_error", "IR_14", ErrorKind::ProviderUnavailable),
        // Other codes keep the status and type reading.
        (400, "invalid_request", "IR_16", ErrorKind::InvalidRequest),
        (400, "processing_error", "CE_01", ErrorKind::Declined),
    ];
    for (status, kind, code, expected) in cases {
        let status = StatusCode::from_u16(status).unwrap();
        assert_eq!(
            error_kind_for_code(status, Some(kind), Some(code)),
            expected,
            "{status} {code}"
        );
        let parsed = error_parser(status, &body(kind, code)).unwrap();
        assert_eq!(parsed.kind, Some(expected), "{status} {code}");
        if expected == ErrorKind::Conflict {
            assert_eq!(parsed.decline_code, None, "a conflict is not a decline");
        }
    }
}

#[test]
fn a_duplicate_is_told_from_other_conflicts() {
    let dup = Error::new(ErrorKind::Conflict, "x").with_gateway_code("HE_01");
    assert!(is_duplicate(&dup));
    assert!(!is_duplicate(&Error::new(ErrorKind::Conflict, "x").with_gateway_code("IR_14")));
    assert!(!is_duplicate(&Error::new(ErrorKind::InvalidRequest, "x").with_gateway_code("HE_01")));
}

#[test]
fn status_filters_cover_every_intent_status_word_once() {
    let mut seen = Vec::new();
    for status in PaymentStatus::ALL {
        let words = payment_status_filter(status);
        assert!(!words.is_empty(), "{status}");
        for w in words {
            assert!(INTENT_STATUS_WORDS.contains(&w), "{w} is not an IntentStatus word");
            assert_eq!(payment_status(w), status, "{w}");
            seen.push(w);
        }
    }
    seen.sort_unstable();
    let mut all = INTENT_STATUS_WORDS.to_vec();
    all.sort_unstable();
    assert_eq!(seen, all);
    // The guide's answer-only words are IntentStatus-less: never sent as a filter.
    for word in PAYMENT_STATUS_WORDS {
        assert_eq!(
            INTENT_STATUS_WORDS.contains(&word),
            !["requires_redirection", "pending"].contains(&word)
        );
    }
    assert_eq!(refund_status_filter(RefundStatus::Pending), ["pending", "review"]);
    assert_eq!(refund_status_filter(RefundStatus::Succeeded), ["succeeded"]);
    assert_eq!(refund_status_filter(RefundStatus::Failed), ["failed"]);
    assert!(refund_status_filter(RefundStatus::Cancelled).is_empty());
    for status in RefundStatus::ALL {
        for w in refund_status_filter(status) {
            assert_eq!(refund_status(w), status);
        }
    }
}

#[test]
fn the_time_range_always_has_its_start() {
    let t = time::macros::datetime!(2024-01-31 23:59:59 +01:00);
    assert_eq!(time_range(None, None).unwrap(), (None, None));
    assert_eq!(time_range(Some(t), None).unwrap(), (Some("2024-01-31T22:59:59Z".to_owned()), None));
    assert_eq!(
        time_range(None, Some(t)).unwrap(),
        (Some("1970-01-01T00:00:00Z".to_owned()), Some("2024-01-31T22:59:59Z".to_owned()))
    );
}

#[test]
fn refund_list_body_is_hyperswitchs_refund_list_request() {
    let filter = RefundFilter {
        payment_id: Some(PaymentId::new("pay_1")),
        limit: Some(500),
        cursor: Some(paymux_core::PageCursor::Offset(3)),
        created_from: Some(time::macros::datetime!(2024-01-01 00:00:00 UTC)),
        created_to: None,
        status: Some(RefundStatus::Pending),
        currency: Some(Currency::EUR),
    };
    assert_eq!(
        serde_json::to_value(refund_list_body(&filter).unwrap()).unwrap(),
        json!({
            "limit": 100, "offset": 3, "payment_id": "pay_1",
            "start_time": "2024-01-01T00:00:00Z",
            "refund_status": ["pending", "review"], "currency": ["EUR"]
        })
    );
    let cancelled =
        RefundFilter { status: Some(RefundStatus::Cancelled), ..RefundFilter::default() };
    assert_eq!(refund_list_body(&cancelled).unwrap_err().kind(), ErrorKind::InvalidRequest);
}

#[test]
fn merchant_ids_derived_from_a_key_match_the_python_vectors() {
    let vectors: Value = serde_json::from_str(include_str!("fixtures/id_vectors.json")).unwrap();
    for v in vectors.as_array().unwrap() {
        let key = IdempotencyKey::new(v["idempotency_key"].as_str().unwrap()).unwrap();
        let id = id_from_key(
            v["prefix"].as_str().unwrap(),
            v["label"].as_str().unwrap().as_bytes(),
            &key,
        );
        assert_eq!(id, v["id"].as_str().unwrap());
        assert_eq!(id.len(), 30);
    }
}

fn answer(status: &str, extra: Value) -> PaymentResponse {
    let mut v = json!({
        "payment_id": "pay_1", "status": status, "amount": 10_000, "currency": "USD",
        "next_action": {"type": "redirect_to_url", "redirect_to_url": "https://bank.example/r"},
        "amount_capturable": 5000
    });
    v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(v).unwrap()
}

#[test]
fn next_action_and_amount_capturable_follow_the_status() {
    for word in PAYMENT_STATUS_WORDS.into_iter().chain(["unknown_word"]) {
        let p = to_payment(&provider(), &answer(word, json!({}))).unwrap();
        let acting = p.status == PaymentStatus::RequiresAction;
        assert_eq!(p.next_action.is_some(), acting, "{word}");
        let capturing = p.status == PaymentStatus::RequiresCapture;
        assert_eq!(p.amount_capturable.is_some(), capturing, "{word}");
        if capturing {
            assert_eq!(p.amount_capturable, Some(Money::from_minor(5000, Currency::USD).unwrap()));
        }
    }
}

#[test]
fn an_unreadable_capturable_amount_matters_only_where_it_is_read() {
    let text = |status: &str| {
        json!({"payment_id": "pay_1", "status": status, "amount": 100, "currency": "USD",
               "amount_capturable": -1})
        .to_string()
    };
    // Awaiting capture: the amount is read, and a negative one cannot be money.
    assert!(serde_json::from_str::<Checked<PaymentResponse>>(&text("requires_capture")).is_err());
    let wire: PaymentResponse = serde_json::from_str(&text("requires_capture")).unwrap();
    assert_eq!(to_payment(&provider(), &wire).unwrap_err().kind(), ErrorKind::InvalidResponse);
    // Any other status: not read, not checked.
    let Checked(wire) =
        serde_json::from_str::<Checked<PaymentResponse>>(&text("succeeded")).unwrap();
    assert_eq!(to_payment(&provider(), &wire).unwrap().amount_capturable, None);
}

#[test]
fn action_required_is_a_customer_action_only_for_a_customer_status() {
    let cases = [
        (Some(PaymentStatus::RequiresAction), EventKind::PaymentActionRequired),
        (Some(PaymentStatus::Processing), EventKind::PaymentProcessing),
        (None, EventKind::Other("action_required".into())),
    ];
    for (status, expected) in cases {
        assert_eq!(event_kind_for("action_required", status), expected, "{status:?}");
    }
    // Every other type reads as its word alone.
    assert_eq!(
        event_kind_for("payment_succeeded", Some(PaymentStatus::Processing)),
        EventKind::PaymentSucceeded
    );
    let event = |status: &str| {
        json!({"event_id": "evt_1", "event_type": "action_required", "content": {
        "type": "payment_details", "object": {
            "payment_id": "pay_1", "status": status, "amount": 100, "currency": "USD",
            "next_action": {"type": "redirect_to_url", "redirect_to_url": "https://x.example"}
        }}})
        .to_string()
    };
    for (word, kind, acting) in [
        ("requires_customer_action", EventKind::PaymentActionRequired, true),
        ("requires_redirection", EventKind::PaymentActionRequired, true),
        ("requires_merchant_action", EventKind::PaymentProcessing, false),
        ("conflicted", EventKind::PaymentProcessing, false),
    ] {
        let e = parse_event(&provider(), event(word).as_bytes()).unwrap();
        assert_eq!(e.kind, kind, "{word}");
        let WebhookResource::Payment(p) = e.resource else { panic!("{word}: payment") };
        assert_eq!(p.next_action.is_some(), acting, "{word}");
    }
}
