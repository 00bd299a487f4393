//! Shared wire structs to the core model.
#![allow(clippy::unwrap_used)]

use paymux_core::{
    Address, CaptureMode, Card, CreateCustomer, Currency, CustomerId, DeclineCode, ErrorKind,
    ListPayments, Money, NextAction, PageCursor, PaymentStatus, Phone, ProviderId, RefundStatus,
};
use paymux_hyperswitch_family::mapping::{
    MAX_AMOUNT_MINOR, check_id, decline_code, format_time, parse_time, wire_amount,
};
use paymux_hyperswitch_family::{
    CardData, CustomerResponse, ListResponse, PaymentMethodData, PaymentResponse, RefundResponse,
};
use paymux_hyperswitch_family::{
    customer_body, list_body, to_customer, to_page, to_payment, to_refund,
};
use serde_json::json;

fn provider() -> ProviderId {
    ProviderId::new("paymnt")
}

#[test]
fn full_payment_answer() {
    let wire: PaymentResponse = serde_json::from_value(json!({
        "payment_id": "pay_abc",
        "merchant_id": "merchant_1",
        "status": "partially_captured_and_capturable",
        "amount": 6540,
        "amount_capturable": 2540,
        "amount_received": 4000,
        "currency": "EUR",
        "customer_id": "cus_42",
        "description": "Order #1001",
        "capture_method": "manual_multiple",
        "metadata": {"order_id": "order_123", "attempt": 2, "flag": true},
        "created": "2024-01-22T10:20:00.000Z",
        "next_action": null,
        "error_code": null,
        "error_message": null,
        "connector": "stripe"
    }))
    .unwrap();
    let p = to_payment(&provider(), &wire).unwrap();
    assert_eq!(p.id.as_str(), "pay_abc");
    assert_eq!(p.provider, provider());
    assert_eq!(p.status, PaymentStatus::PartiallyCaptured);
    assert_eq!(p.raw_status, "partially_captured_and_capturable");
    assert_eq!(p.amount.unwrap().amount_minor(), 6540);
    assert_eq!(p.amount.unwrap().currency().code(), "EUR");
    assert_eq!(p.amount_received.unwrap().amount_minor(), 4000);
    assert_eq!(p.amount_captured.unwrap().amount_minor(), 4000);
    assert_eq!(p.capture_mode, Some(CaptureMode::Manual));
    assert_eq!(p.customer_id, Some(CustomerId::from_stored("cus_42")));
    assert_eq!(p.description.as_deref(), Some("Order #1001"));
    assert_eq!(p.metadata["order_id"], "order_123");
    assert_eq!(p.metadata["attempt"], "2");
    assert_eq!(p.metadata["flag"], "true");
    assert_eq!(p.created_at.unwrap().unix_timestamp(), 1_705_918_800);
    assert_eq!(p.failure, None);
    assert_eq!(p.next_action, None);
}

#[test]
fn redirect_and_other_next_actions() {
    let wire: PaymentResponse = serde_json::from_value(json!({
        "payment_id": "pay_1", "status": "requires_customer_action", "amount": 100, "currency": "USD",
        "next_action": {"type": "redirect_to_url", "redirect_to_url": "https://bank.example/3ds"}
    }))
    .unwrap();
    let p = to_payment(&provider(), &wire).unwrap();
    assert_eq!(p.status, PaymentStatus::RequiresAction);
    assert_eq!(
        p.next_action,
        Some(NextAction::Redirect { url: "https://bank.example/3ds".into() })
    );

    let wire: PaymentResponse = serde_json::from_value(json!({
        "payment_id": "pay_1", "status": "requires_customer_action", "amount": 100, "currency": "USD",
        "next_action": {"type": "display_bank_transfer_information", "bank_transfer_steps_and_charges_details": {"iban": "DE00"}}
    }))
    .unwrap();
    let p = to_payment(&provider(), &wire).unwrap();
    let Some(NextAction::Instructions { data }) = p.next_action else { panic!("instructions") };
    assert_eq!(data["type"], "display_bank_transfer_information");
    assert_eq!(data["bank_transfer_steps_and_charges_details"]["iban"], "DE00");
}

#[test]
fn failed_payment_keeps_codes() {
    let wire: PaymentResponse = serde_json::from_value(json!({
        "payment_id": "pay_1", "status": "failed", "amount": 100, "currency": "JPY",
        "error_code": "insufficient_funds", "error_message": "Your card has insufficient funds."
    }))
    .unwrap();
    let p = to_payment(&provider(), &wire).unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    assert_eq!(p.amount.unwrap().amount_minor(), 100);
    assert_eq!(p.decline_code(), Some(&DeclineCode::InsufficientFunds));
    let f = p.failure.unwrap();
    assert_eq!(f.gateway_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(f.message.as_deref(), Some("Your card has insufficient funds."));

    let wire: PaymentResponse = serde_json::from_value(json!({
        "payment_id": "pay_1", "status": "failed", "amount": 100, "currency": "USD"
    }))
    .unwrap();
    assert!(to_payment(&provider(), &wire).unwrap().failure.is_some());
}

#[test]
fn unreadable_amounts_are_invalid_responses() {
    for (amount, currency) in [(-1, "USD"), (1, "XAU"), (1, "ABC")] {
        let wire: PaymentResponse = serde_json::from_value(json!({
            "payment_id": "pay_1", "status": "succeeded", "amount": amount, "currency": currency
        }))
        .unwrap();
        let e = to_payment(&provider(), &wire).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{amount} {currency}");
    }
    // A float amount is not a minor-unit integer: refused at parse time.
    assert!(
        serde_json::from_value::<PaymentResponse>(json!({
            "payment_id": "p", "status": "succeeded", "amount": 10.5, "currency": "USD"
        }))
        .is_err()
    );
}

#[test]
fn refund_answer() {
    let wire: RefundResponse = serde_json::from_value(json!({
        "refund_id": "ref_1", "payment_id": "pay_1", "amount": 500, "currency": "USD",
        "status": "review", "reason": "requested_by_customer", "error_code": null,
        "error_message": null, "created_at": "2024-01-22T11:00:00Z", "metadata": {"ticket": "t_1"}
    }))
    .unwrap();
    let r = to_refund(&provider(), &wire).unwrap();
    assert_eq!(r.id.as_str(), "ref_1");
    assert_eq!(r.payment_id.as_str(), "pay_1");
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.raw_status, "review");
    assert_eq!(r.amount.amount_minor(), 500);
    assert_eq!(r.reason.as_deref(), Some("requested_by_customer"));
    assert_eq!(r.metadata["ticket"], "t_1");
    assert!(r.created_at.is_some());
    assert_eq!(r.failure, None);

    let wire: RefundResponse = serde_json::from_value(json!({
        "refund_id": "ref_2", "payment_id": "pay_1", "amount": 500, "currency": "USD",
        "status": "failed", "error_code": "R01", "error_message": "refund window closed"
    }))
    .unwrap();
    let r = to_refund(&provider(), &wire).unwrap();
    assert_eq!(r.status, RefundStatus::Failed);
    assert_eq!(r.failure.unwrap().gateway_code.as_deref(), Some("R01"));
}

#[test]
fn customers_both_ways() {
    let req = {
        let mut q = CreateCustomer::new()
            .with_email("jane@example.com")
            .with_name("Jane Customer")
            .with_phone(Phone::from_e164("+16502530000", 1).unwrap())
            .with_address(Address {
                line1: Some("1600 Amphitheatre Parkway".into()),
                city: Some("Mountain View".into()),
                postal_code: Some("94043".into()),
                country: Some("US".into()),
                ..Address::default()
            });
        q.metadata = [("internal_customer_id".to_owned(), "42".to_owned())].into();
        q
    };
    assert_eq!(
        serde_json::to_value(customer_body(&req)).unwrap(),
        json!({
            "email": "jane@example.com",
            "name": "Jane Customer",
            "phone": "6502530000",
            "phone_country_code": "+1",
            "address": {"line1": "1600 Amphitheatre Parkway", "city": "Mountain View", "zip": "94043", "country": "US"},
            "metadata": {"internal_customer_id": "42"}
        })
    );
    let wire: CustomerResponse = serde_json::from_value(json!({
        "customer_id": "cus_9", "name": "Jane", "email": "jane@example.com", "phone": "6502530000",
        "phone_country_code": "+1", "description": null,
        "address": {"line1": "x", "zip": "94043", "country": "US"},
        "created_at": "2024-01-22T10:20:00Z", "metadata": null
    }))
    .unwrap();
    let c = to_customer(&provider(), &wire);
    assert_eq!(c.id.as_str(), "cus_9");
    assert_eq!(c.phone.unwrap().to_e164().unwrap(), "+16502530000");
    assert_eq!(c.address.unwrap().postal_code.as_deref(), Some("94043"));
    assert!(c.metadata.is_empty());
}

#[test]
fn list_request_and_pages() {
    let q = ListPayments::new()
        .with_limit(500)
        .with_cursor(PageCursor::Offset(20))
        .with_status(PaymentStatus::RequiresCapture)
        .with_customer(CustomerId::from_stored("cus_1"))
        .with_created_from(time::macros::datetime!(2024-01-01 00:00 +02:00));
    assert_eq!(
        serde_json::to_value(list_body(&q).unwrap()).unwrap(),
        json!({"limit": 100, "offset": 20, "status": ["requires_capture", "partially_authorized_and_requires_capture"], "customer_id": "cus_1", "start_time": "2023-12-31T22:00:00Z"})
    );
    assert_eq!(
        serde_json::to_value(list_body(&ListPayments::default()).unwrap()).unwrap(),
        json!({"limit": 10})
    );
    let q = ListPayments::new().with_limit(0);
    assert_eq!(list_body(&q).unwrap().limit, 1);
    let q = ListPayments::new().with_cursor(PageCursor::After("pay_1".into()));
    assert_eq!(list_body(&q).unwrap_err().kind(), ErrorKind::InvalidRequest);
    let q = ListPayments::new().with_merchant_reference("o");
    assert_eq!(list_body(&q).unwrap().merchant_order_reference_id.as_deref(), Some("o"));
    let q = ListPayments::new().with_merchant_reference("o".repeat(256));
    assert_eq!(list_body(&q).unwrap_err().kind(), ErrorKind::InvalidRequest);

    let pay =
        |id: &str| json!({"payment_id": id, "status": "succeeded", "amount": 1, "currency": "USD"});
    let list: ListResponse<PaymentResponse> =
        serde_json::from_value(json!({"count": 2, "total_count": 5, "data": [pay("a"), pay("b")]}))
            .unwrap();
    let page = to_page(&list, 2, 2, |w| to_payment(&provider(), w)).unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.has_more);
    assert_eq!(page.next, Some(PageCursor::Offset(4)));
    assert_eq!(page.total, Some(5));
    let page = to_page(&list, 3, 2, |w| to_payment(&provider(), w)).unwrap();
    assert!(!page.has_more);
    assert_eq!(page.next, None);
    // Without total_count, a full page means there may be more.
    let list: ListResponse<PaymentResponse> =
        serde_json::from_value(json!({"data": [pay("a")]})).unwrap();
    assert!(to_page(&list, 0, 1, |w| to_payment(&provider(), w)).unwrap().has_more);
    assert!(!to_page(&list, 0, 2, |w| to_payment(&provider(), w)).unwrap().has_more);
}

#[test]
fn card_data_serializes_but_never_debugs_the_number() {
    let card = Card::new("4242424242424242", 5, 2028, "123").unwrap().with_holder_name("Jane");
    let data = PaymentMethodData { card: CardData::from_card(&card) };
    assert_eq!(
        serde_json::to_value(&data).unwrap(),
        json!({"card": {"card_number": "4242424242424242", "card_exp_month": "05", "card_exp_year": "2028", "card_cvc": "123", "card_holder_name": "Jane"}})
    );
    let dbg = format!("{data:?}");
    assert!(!dbg.contains("4242424242424242") && !dbg.contains("123"), "{dbg}");
    assert!(dbg.contains("**** 4242"));
}

#[test]
fn helpers() {
    assert_eq!(decline_code("do_not_honor"), Some(DeclineCode::CardDeclined));
    assert_eq!(decline_code("EXPIRED_CARD"), Some(DeclineCode::ExpiredCard));
    assert_eq!(decline_code("CE_01"), None);
    assert_eq!(parse_time("2024-01-22T10:20:00").unwrap().unix_timestamp(), 1_705_918_800);
    assert_eq!(parse_time("garbage"), None);
    assert_eq!(
        format_time(time::macros::datetime!(2024-01-22 10:20 UTC)).unwrap(),
        "2024-01-22T10:20:00Z"
    );
}

#[test]
fn amounts_above_hyperswitchs_maximum_are_refused() {
    let jpy = |minor| Money::from_minor(minor, Currency::JPY).unwrap();
    assert_eq!(MAX_AMOUNT_MINOR, 999_999_999);
    assert_eq!(wire_amount(jpy(MAX_AMOUNT_MINOR), "payment").unwrap(), 999_999_999);
    for minor in [MAX_AMOUNT_MINOR + 1, i64::MAX] {
        let err = wire_amount(jpy(minor), "refund").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.message().contains("refund") && err.message().contains("999999999"), "{err}");
    }
}

#[test]
fn ids_follow_the_path_segment_rule_with_64_characters() {
    assert_eq!(check_id("customer id", "cus_y3oqhf46pyzuxjbcn2giaqnb44").unwrap().len(), 30);
    assert!(check_id("customer id", &"c".repeat(64)).is_ok());
    for bad in ["c".repeat(65), "cus_1\u{0}".to_owned(), "cus_1\n".to_owned(), String::new()] {
        let err = check_id("customer id", &bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
    }
    let list = ListPayments::new().with_customer(CustomerId::from_stored("cus_1\n"));
    assert_eq!(list_body(&list).unwrap_err().kind(), ErrorKind::InvalidRequest);
}
