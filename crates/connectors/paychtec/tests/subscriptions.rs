//! Subscriptions: the eight routes of the guide's table, each with its exact request (method,
//! path, `api-key`, `X-Profile-Id`, `X-Idempotency-Key` on mutations, the body compared
//! whole) and its documented answer. Bodies are the guide's create example and the examples
//! of Hyperswitch's published v1 document (`shared/providers`); answers are
//! `SubscriptionResponse`, `PauseSubscriptionResponse`, ... of that document
//! (`tests/fixtures/paychtec_subscription_*.json`).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{
    CaptureMode, CustomerId, ErrorKind, ExposeSecret, IdempotencyKey, PaymentStatus,
};
use paymux_paychtec::{
    AccountReceivablesHandling, AuthenticationType, CancelAt, CancelSubscription, CardType,
    ConfirmSubscription, CreateSubscription, CurrentTermCredit, CustomerAcceptance, FutureUsage,
    OnlineAcceptance, PauseAt, PauseSubscription, RefundableCreditsHandling, ResumeAt,
    ResumeSubscription, SubscriptionPaymentMethod, SubscriptionPaymentType, SubscriptionStatus,
    UnbilledCharges, UnpaidInvoicesHandling, UpdateSubscription,
};
use serde_json::{Value, json};
use wiremock::matchers::header;
use wiremock::{MockBuilder, ResponseTemplate};

fn created() -> Value {
    serde_json::from_str(include_str!("fixtures/paychtec_subscription_created.json")).unwrap()
}

fn confirmed() -> Value {
    serde_json::from_str(include_str!("fixtures/paychtec_subscription_confirmed.json")).unwrap()
}

/// A subscription mutation: every header of `mutation` and `X-Profile-Id`.
fn sub_mutation(verb: &str, route: &str, key: &str, body: Value) -> MockBuilder {
    mutation(verb, route, key, body).and(header("x-profile-id", PROFILE))
}

fn key(k: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey::new(k).unwrap())
}

/// The guide's `POST /subscriptions/create` example, as a request.
fn guide_create() -> CreateSubscription {
    CreateSubscription::new(
        CustomerId::from_stored("cus_acme_42"),
        "standard-plan-USD-Monthly",
        "https://example.com/subscription-return",
    )
    .with_reference("sub_order_123")
    .with_plan("pro_monthly")
    .with_authentication_type(AuthenticationType::NoThreeDs)
    .with_capture(CaptureMode::Automatic)
    .with_setup_future_usage(FutureUsage::OffSession)
    .with_idempotency_key(IdempotencyKey::new("sub_order_123_create").unwrap())
}

fn guide_create_json() -> Value {
    json!({
        "customer_id": "cus_acme_42",
        "item_price_id": "standard-plan-USD-Monthly",
        "payment_details": {
            "return_url": "https://example.com/subscription-return",
            "authentication_type": "no_three_ds",
            "capture_method": "automatic",
            "setup_future_usage": "off_session"
        },
        "merchant_reference_id": "sub_order_123",
        "plan_id": "pro_monthly"
    })
}

fn acceptance() -> CustomerAcceptance {
    CustomerAcceptance {
        accepted_at: Some(time::macros::datetime!(2024-01-22 10:19:58.723 UTC)),
        online: Some(OnlineAcceptance {
            ip_address: "127.0.0.1".into(),
            user_agent: "Mozilla/5.0".into(),
        }),
    }
}

fn acceptance_json() -> Value {
    json!({
        "acceptance_type": "online",
        "accepted_at": "2024-01-22T10:19:58.723Z",
        "online": {"ip_address": "127.0.0.1", "user_agent": "Mozilla/5.0"}
    })
}

#[tokio::test]
async fn create_subscription_sends_the_guides_example_with_the_profile_header() {
    let (server, paychtec) = setup().await;
    sub_mutation("POST", "/subscriptions/create", "sub_order_123_create", guide_create_json())
        .respond_with(ResponseTemplate::new(200).set_body_json(created()))
        .expect(1)
        .mount(&server)
        .await;
    let sub = paychtec.create_subscription(guide_create()).await.unwrap();
    assert_eq!(sub.id, "sub_8yQ2n0Bx4kLr7Vt3pWc1");
    assert_eq!(sub.status, SubscriptionStatus::Created);
    assert_eq!(sub.customer_id, Some(CustomerId::from_gateway("cus_acme_42")));
    assert_eq!(sub.profile_id.as_deref(), Some(PROFILE));
    assert_eq!(sub.merchant_reference_id.as_deref(), Some("sub_order_123"));
    assert_eq!(sub.item_price_id.as_deref(), Some("standard-plan-USD-Monthly"));
    assert!(sub.payment.is_none() && sub.invoice.is_none());
    let secret = "sub_8yQ2n0Bx4kLr7Vt3pWc1_secret_Hq7ZkP2mXb";
    assert_eq!(sub.client_secret.as_ref().unwrap().expose_secret(), secret);
    assert!(!format!("{sub:?}").contains(secret), "Debug shows the client secret");
}

#[tokio::test]
async fn a_retried_create_carries_the_same_key() {
    let (server, paychtec) = setup().await;
    sub_mutation("POST", "/subscriptions/create", "sub_order_123_create", guide_create_json())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    sub_mutation("POST", "/subscriptions/create", "sub_order_123_create", guide_create_json())
        .respond_with(ResponseTemplate::new(200).set_body_json(created()))
        .expect(1)
        .mount(&server)
        .await;
    let sub = paychtec.create_subscription(guide_create()).await.unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Created);
}

#[tokio::test]
async fn create_with_billing_shipping_coupon_and_payment_type() {
    let (server, paychtec) = setup().await;
    let mut body = guide_create_json();
    body["coupon_code"] = json!("WELCOME10");
    body["payment_details"]["payment_type"] = json!("setup_mandate");
    body["billing"] = guide_billing_json();
    body["shipping"] = guide_billing_json();
    sub_mutation("POST", "/subscriptions/create", "sub_order_123_create", body)
        .respond_with(ResponseTemplate::new(200).set_body_json(created()))
        .expect(1)
        .mount(&server)
        .await;
    let req = guide_create()
        .with_coupon("WELCOME10")
        .with_payment_type(SubscriptionPaymentType::SetupMandate)
        .with_billing(guide_billing())
        .with_shipping(guide_billing());
    paychtec.create_subscription(req).await.unwrap();
}

#[tokio::test]
async fn create_and_confirm_sends_card_billing_and_acceptance() {
    let (server, paychtec) = setup().await;
    let mut body = guide_create_json();
    body["billing"] = guide_billing_json();
    body["payment_details"]["payment_method"] = json!("card");
    body["payment_details"]["payment_method_type"] = json!("debit");
    body["payment_details"]["payment_method_data"] = guide_card_json();
    body["payment_details"]["customer_acceptance"] = acceptance_json();
    sub_mutation("POST", "/subscriptions", "sub_order_123_create", body)
        .respond_with(ResponseTemplate::new(200).set_body_json(confirmed()))
        .expect(1)
        .mount(&server)
        .await;
    let req = guide_create()
        .with_billing(guide_billing())
        .with_payment_method(SubscriptionPaymentMethod::Card(guide_card()))
        .with_card_type(CardType::Debit)
        .with_customer_acceptance(acceptance());
    let sub = paychtec.create_and_confirm_subscription(req).await.unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    let payment = sub.payment.as_ref().unwrap();
    assert_eq!(payment.payment_id, "pay_sub_0001");
    assert_eq!(payment.payment_status(), PaymentStatus::Succeeded);
    assert_eq!(payment.money().unwrap(), usd(1999));
    assert_eq!(payment.payment_method_id.as_deref(), Some("pm_01926c58bc6e77c09e809964e72af8c8"));
    assert_eq!(payment.redirect_url(), None);
    let invoice = sub.invoice.as_ref().unwrap();
    assert_eq!(invoice.status, "invoice_paid");
    assert_eq!(invoice.money().unwrap(), usd(1999));
    assert_eq!(invoice.payment_intent_id.as_deref(), Some("pay_sub_0001"));
    let debug = format!("{sub:?}");
    for secret in ["pay_sub_0001_secret_Zq8aB1", "token_sxJdmpUnpNsJk5VWzcjl"] {
        assert!(!debug.contains(secret), "Debug shows {secret}");
    }
}

#[tokio::test]
async fn create_and_confirm_with_a_saved_payment_method() {
    let (server, paychtec) = setup().await;
    let mut body = guide_create_json();
    body["payment_details"]["payment_method"] = json!("card");
    body["payment_details"]["payment_method_id"] = json!("pm_01926c58bc6e77c09e809964e72af8c8");
    sub_mutation("POST", "/subscriptions", "sub_order_123_create", body)
        .respond_with(ResponseTemplate::new(200).set_body_json(confirmed()))
        .expect(1)
        .mount(&server)
        .await;
    let req = guide_create().with_payment_method(SubscriptionPaymentMethod::Saved(
        "pm_01926c58bc6e77c09e809964e72af8c8".into(),
    ));
    paychtec.create_and_confirm_subscription(req).await.unwrap();
}

#[tokio::test]
async fn a_payment_waiting_for_3ds_gives_its_redirect() {
    let (server, paychtec) = setup().await;
    let mut answer = confirmed();
    answer["status"] = json!("pending");
    answer["payment"]["status"] = json!("requires_customer_action");
    answer["payment"]["next_action"] = json!({
        "type": "redirect_to_url",
        "redirect_to_url": "https://api.sandbox.paychtec.com/payments/redirect/pay_sub_0001"
    });
    read("GET", "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1")
        .and(header("x-profile-id", PROFILE))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let sub = paychtec.get_subscription("sub_8yQ2n0Bx4kLr7Vt3pWc1").await.unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Pending);
    let payment = sub.payment.unwrap();
    assert_eq!(payment.payment_status(), PaymentStatus::RequiresAction);
    assert_eq!(
        payment.redirect_url(),
        Some("https://api.sandbox.paychtec.com/payments/redirect/pay_sub_0001")
    );
}

#[tokio::test]
async fn get_subscription_is_a_get_with_the_profile_header_and_no_key() {
    let (server, paychtec) = setup().await;
    read("GET", "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1")
        .and(header("x-profile-id", PROFILE))
        .respond_with(ResponseTemplate::new(200).set_body_json(confirmed()))
        .expect(1)
        .mount(&server)
        .await;
    let sub = paychtec.get_subscription("sub_8yQ2n0Bx4kLr7Vt3pWc1").await.unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(sub.plan_id.as_deref(), Some("pro_monthly"));
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("x-idempotency-key").is_none());
    assert!(sent.body.is_empty());
}

#[tokio::test]
async fn update_subscription_puts_the_documented_body() {
    let (server, paychtec) = setup().await;
    let mut answer = confirmed();
    answer["plan_id"] = json!("cbdemo_enterprise-suite");
    answer["item_price_id"] = json!("cbdemo_enterprise-suite-monthly");
    sub_mutation(
        "PUT",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/update",
        "sub_upgrade_1",
        json!({
            "item_price_id": "cbdemo_enterprise-suite-monthly",
            "plan_id": "cbdemo_enterprise-suite"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer))
    .expect(1)
    .mount(&server)
    .await;
    let sub = paychtec
        .update_subscription(
            "sub_8yQ2n0Bx4kLr7Vt3pWc1",
            UpdateSubscription {
                plan_id: "cbdemo_enterprise-suite".into(),
                item_price_id: "cbdemo_enterprise-suite-monthly".into(),
                idempotency_key: key("sub_upgrade_1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(sub.plan_id.as_deref(), Some("cbdemo_enterprise-suite"));
    assert_eq!(sub.item_price_id.as_deref(), Some("cbdemo_enterprise-suite-monthly"));
}

#[tokio::test]
async fn confirm_subscription_sends_the_payment_details() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/confirm",
        "sub_confirm_1",
        json!({
            "payment_details": {
                "billing": guide_billing_json(),
                "shipping": guide_billing_json(),
                "customer_acceptance": acceptance_json(),
                "payment_method": "card",
                "payment_method_type": "credit",
                "payment_method_data": guide_card_json(),
                "payment_type": "setup_mandate"
            }
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(confirmed()))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = ConfirmSubscription::new(SubscriptionPaymentMethod::Card(guide_card()));
    req.billing = Some(guide_billing());
    req.shipping = Some(guide_billing());
    req.customer_acceptance = Some(acceptance());
    req.payment_type = Some(SubscriptionPaymentType::SetupMandate);
    req.idempotency_key = key("sub_confirm_1");
    let sub = paychtec.confirm_subscription("sub_8yQ2n0Bx4kLr7Vt3pWc1", req).await.unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(sub.invoice.unwrap().billing_processor_invoice_id.as_deref(), Some("cb_inv_77"));
}

#[tokio::test]
async fn confirm_subscription_with_a_payment_token() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/confirm",
        "sub_confirm_2",
        json!({
            "payment_details": {
                "payment_method": "card",
                "payment_token": "token_sxJdmpUnpNsJk5VWzcjl"
            }
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(confirmed()))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = ConfirmSubscription::new(SubscriptionPaymentMethod::Token(
        "token_sxJdmpUnpNsJk5VWzcjl".into(),
    ));
    req.idempotency_key = key("sub_confirm_2");
    assert!(!format!("{req:?}").contains("token_sxJdmpUnpNsJk5VWzcjl"), "Debug shows the token");
    paychtec.confirm_subscription("sub_8yQ2n0Bx4kLr7Vt3pWc1", req).await.unwrap();
}

#[tokio::test]
async fn pause_subscription_sends_the_documented_body_and_reads_paused_at() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/pause",
        "sub_pause_1",
        json!({"pause_option": "immediately"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "id": "sub_8yQ2n0Bx4kLr7Vt3pWc1",
        "status": "paused",
        "merchant_reference_id": "sub_order_123",
        "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000",
        "customer_id": "cus_acme_42",
        "paused_at": "2024-02-01T00:00:00.000Z"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let sub = paychtec
        .pause_subscription(
            "sub_8yQ2n0Bx4kLr7Vt3pWc1",
            PauseSubscription {
                when: Some(PauseAt::Immediately),
                idempotency_key: key("sub_pause_1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Paused);
    assert_eq!(sub.paused_at, Some(time::macros::datetime!(2024-02-01 00:00:00 UTC)));
    assert_eq!(sub.plan_id, None);
}

#[tokio::test]
async fn pause_on_a_date_and_at_the_end_of_term() {
    let (server, paychtec) = setup().await;
    let answer = json!({
        "id": "sub_1", "status": "active", "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000", "customer_id": "cus_acme_42", "paused_at": null
    });
    sub_mutation(
        "POST",
        "/subscriptions/sub_1/pause",
        "sub_pause_2",
        json!({"pause_option": "specific_date", "pause_at": "2024-03-01T00:00:00Z"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
    .expect(1)
    .mount(&server)
    .await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_1/pause",
        "sub_pause_3",
        json!({"pause_option": "end_of_term"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
    .expect(1)
    .mount(&server)
    .await;
    sub_mutation("POST", "/subscriptions/sub_1/pause", "sub_pause_4", json!({}))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let on = time::macros::datetime!(2024-03-01 01:00:00 +01:00);
    for (when, k) in [
        (Some(PauseAt::Date(on)), "sub_pause_2"),
        (Some(PauseAt::EndOfTerm), "sub_pause_3"),
        (None, "sub_pause_4"),
    ] {
        let req = PauseSubscription { when, idempotency_key: key(k) };
        let sub = paychtec.pause_subscription("sub_1", req).await.unwrap();
        assert_eq!(sub.paused_at, None);
    }
}

#[tokio::test]
async fn resume_subscription_sends_the_documented_body_and_reads_next_billing() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/resume",
        "sub_resume_1",
        json!({
            "resume_option": "immediately",
            "unpaid_invoices_handling": "schedule_payment_collection",
            "charges_handling": "invoice_immediately"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "id": "sub_8yQ2n0Bx4kLr7Vt3pWc1",
        "status": "active",
        "merchant_reference_id": "sub_order_123",
        "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000",
        "customer_id": "cus_acme_42",
        "next_billing_at": "2024-03-01T00:00:00"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let sub = paychtec
        .resume_subscription(
            "sub_8yQ2n0Bx4kLr7Vt3pWc1",
            ResumeSubscription {
                when: Some(ResumeAt::Immediately),
                charges_handling: Some(paymux_paychtec::ChargesHandling::InvoiceImmediately),
                unpaid_invoices_handling: Some(UnpaidInvoicesHandling::SchedulePaymentCollection),
                idempotency_key: key("sub_resume_1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(sub.next_billing_at, Some(time::macros::datetime!(2024-03-01 00:00:00 UTC)));
}

#[tokio::test]
async fn resume_on_a_date() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_1/resume",
        "sub_resume_2",
        json!({"resume_option": "specific_date", "resume_date": "2024-04-01T12:00:00Z"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "id": "sub_1", "status": "paused", "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000", "customer_id": "cus_acme_42",
        "next_billing_at": [2024, 92, 12, 0, 0, 0]
    })))
    .expect(1)
    .mount(&server)
    .await;
    let req = ResumeSubscription {
        when: Some(ResumeAt::Date(time::macros::datetime!(2024-04-01 12:00:00 UTC))),
        idempotency_key: key("sub_resume_2"),
        ..ResumeSubscription::default()
    };
    let sub = paychtec.resume_subscription("sub_1", req).await.unwrap();
    // A date in a shape the family does not read is left out, never a failed answer.
    assert_eq!(sub.next_billing_at, None);
    assert_eq!(sub.status, SubscriptionStatus::Paused);
}

#[tokio::test]
async fn cancel_subscription_sends_the_documented_body_and_reads_cancelled_at() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_8yQ2n0Bx4kLr7Vt3pWc1/cancel",
        "sub_cancel_1",
        json!({
            "cancel_option": "immediately",
            "credit_option_for_current_term_charges": "prorate",
            "refundable_credits_handling": "schedule_refund",
            "unbilled_charges_option": "invoice",
            "account_receivables_handling": "write_off",
            "cancel_reason_code": "customer_request"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "id": "sub_8yQ2n0Bx4kLr7Vt3pWc1",
        "status": "cancelled",
        "merchant_reference_id": "sub_order_123",
        "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000",
        "customer_id": "cus_acme_42",
        "cancelled_at": "2024-02-15T09:30:00Z"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let sub = paychtec
        .cancel_subscription(
            "sub_8yQ2n0Bx4kLr7Vt3pWc1",
            CancelSubscription {
                when: Some(CancelAt::Immediately),
                unbilled_charges: Some(UnbilledCharges::Invoice),
                current_term_credit: Some(CurrentTermCredit::Prorate),
                account_receivables: Some(AccountReceivablesHandling::WriteOff),
                refundable_credits: Some(RefundableCreditsHandling::ScheduleRefund),
                reason_code: Some("customer_request".into()),
                idempotency_key: key("sub_cancel_1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Cancelled);
    assert_eq!(sub.cancelled_at, Some(time::macros::datetime!(2024-02-15 09:30:00 UTC)));
}

#[tokio::test]
async fn cancel_at_the_end_of_term_without_credit() {
    let (server, paychtec) = setup().await;
    sub_mutation(
        "POST",
        "/subscriptions/sub_1/cancel",
        "sub_cancel_2",
        json!({"cancel_option": "end_of_term", "credit_option_for_current_term_charges": "none"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "id": "sub_1", "status": "active", "profile_id": PROFILE,
        "merchant_id": "merchant_1700000000", "customer_id": "cus_acme_42"
    })))
    .expect(1)
    .mount(&server)
    .await;
    let req = CancelSubscription {
        when: Some(CancelAt::EndOfTerm),
        current_term_credit: Some(CurrentTermCredit::NoCredit),
        idempotency_key: key("sub_cancel_2"),
        ..CancelSubscription::default()
    };
    let sub = paychtec.cancel_subscription("sub_1", req).await.unwrap();
    assert_eq!(sub.cancelled_at, None);
}

#[test]
fn every_documented_status_word_is_read_and_unknown_words_are_kept() {
    let table = [
        ("active", SubscriptionStatus::Active),
        ("created", SubscriptionStatus::Created),
        ("in_active", SubscriptionStatus::Inactive),
        ("pending", SubscriptionStatus::Pending),
        ("trial", SubscriptionStatus::Trial),
        ("paused", SubscriptionStatus::Paused),
        ("unpaid", SubscriptionStatus::Unpaid),
        ("onetime", SubscriptionStatus::Onetime),
        ("cancelled", SubscriptionStatus::Cancelled),
        ("failed", SubscriptionStatus::Failed),
    ];
    assert_eq!(table.len(), SubscriptionStatus::WORDS.len());
    for (word, status) in table {
        assert!(SubscriptionStatus::WORDS.contains(&word), "{word}");
        assert_eq!(SubscriptionStatus::from_word(word), status, "{word}");
        assert_eq!(status.as_str(), word);
        let read: SubscriptionStatus = serde_json::from_value(json!(word)).unwrap();
        assert_eq!(read, status);
    }
    for unknown in ["non_renewing", "Active", ""] {
        let status = SubscriptionStatus::from_word(unknown);
        assert_eq!(status, SubscriptionStatus::Other(unknown.into()));
        assert_eq!(status.to_string(), unknown);
    }
}

#[tokio::test]
async fn refused_before_any_request() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(created()))
        .expect(0)
        .mount(&server)
        .await;
    let card = || SubscriptionPaymentMethod::Card(guide_card());
    let cases: Vec<(&str, paymux_core::Error)> = vec![
        (
            "card without billing",
            paychtec
                .create_and_confirm_subscription(guide_create().with_payment_method(card()))
                .await
                .unwrap_err(),
        ),
        (
            "billing without a phone",
            paychtec
                .create_and_confirm_subscription(
                    guide_create()
                        .with_billing(paymux_core::BillingDetails {
                            phone: None,
                            ..guide_billing()
                        })
                        .with_payment_method(card()),
                )
                .await
                .unwrap_err(),
        ),
        (
            "token on create and confirm",
            paychtec
                .create_and_confirm_subscription(
                    guide_create()
                        .with_payment_method(SubscriptionPaymentMethod::Token("tok_1".into())),
                )
                .await
                .unwrap_err(),
        ),
        (
            "confirm card without billing",
            paychtec
                .confirm_subscription("sub_1", ConfirmSubscription::new(card()))
                .await
                .unwrap_err(),
        ),
        (
            "saved id on confirm",
            paychtec
                .confirm_subscription(
                    "sub_1",
                    ConfirmSubscription::new(SubscriptionPaymentMethod::Saved("pm_1".into())),
                )
                .await
                .unwrap_err(),
        ),
        (
            "empty token",
            paychtec
                .confirm_subscription(
                    "sub_1",
                    ConfirmSubscription::new(SubscriptionPaymentMethod::Token("  ".into())),
                )
                .await
                .unwrap_err(),
        ),
        (
            "customer id with a slash",
            paychtec
                .create_subscription(CreateSubscription {
                    customer: CustomerId::from_stored("cus/../x"),
                    ..guide_create()
                })
                .await
                .unwrap_err(),
        ),
        (
            "price id with a space",
            paychtec
                .create_subscription(CreateSubscription {
                    item_price_id: "standard plan".into(),
                    ..guide_create()
                })
                .await
                .unwrap_err(),
        ),
        (
            "empty return url",
            paychtec
                .create_subscription(CreateSubscription {
                    return_url: " ".into(),
                    ..guide_create()
                })
                .await
                .unwrap_err(),
        ),
        (
            "empty coupon",
            paychtec.create_subscription(guide_create().with_coupon("")).await.unwrap_err(),
        ),
        (
            "plan id with a query",
            paychtec
                .update_subscription(
                    "sub_1",
                    UpdateSubscription {
                        plan_id: "pro?x=1".into(),
                        item_price_id: "p".into(),
                        idempotency_key: None,
                    },
                )
                .await
                .unwrap_err(),
        ),
    ];
    for (what, err) in cases {
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}: {err}");
    }
    for bad in ["..", "sub/1", "sub 1", "", "plans", "estimate", "create"] {
        let err = paychtec.get_subscription(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        let err = paychtec.pause_subscription(bad, PauseSubscription::default()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
    }
}

#[tokio::test]
async fn gateway_errors_keep_their_kind() {
    let (server, paychtec) = setup().await;
    read("GET", "/subscriptions/sub_missing")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"type": "invalid_request", "code": "HE_02", "message": "Subscription does not exist"}
        })))
        .mount(&server)
        .await;
    let err = paychtec.get_subscription("sub_missing").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.provider().map(|p| p.as_str()), Some("paychtec"));
}

#[test]
fn acceptance_debug_hides_the_ip_and_user_agent() {
    let debug = format!("{:?}", acceptance());
    assert!(!debug.contains("127.0.0.1") && !debug.contains("Mozilla"), "{debug}");
}
