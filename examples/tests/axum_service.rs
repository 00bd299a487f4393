//! Acceptance for issue 23's webhook endpoint: drives `examples/axum_service.rs` end to end.
//! The sandbox's gateways post signed webhooks over HTTP to the example's server, the ready
//! route stores them in the SQLite inbox, and the worker hands them to the example's handler.

#[allow(dead_code)] // the example's `main` and the helpers this test does not call
#[path = "../axum_service.rs"]
mod axum_service;

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use axum_service::{Service, demo, sent_about, tamper};
use paymux::{Currency, EventKind};

async fn service() -> Service {
    Service::start(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("service starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_webhook_reaches_the_handler_through_the_inbox_with_routed_ids() {
    let service = service().await;
    let payment = service.checkout("order_e2e", "65.40", Currency::USD).await.expect("checkout");
    assert!(payment.payment_id.starts_with("paychtec:"), "{}", payment.payment_id);
    assert_eq!(payment.status, "succeeded");

    let handled = service.handled_for(&payment.payment_id).await.expect("the handler saw it");
    assert_eq!(handled.instance, "paychtec");
    assert_eq!(handled.kind, Some(EventKind::PaymentSucceeded));
    // The event names the payment as the checkout did: the router's id, not the gateway's.
    assert_eq!(handled.payment_id.as_deref(), Some(payment.payment_id.as_str()));
    let counts = service.inbox.counts().await.expect("counts");
    assert_eq!((counts.done, counts.open(), counts.dead), (1, 0, 0));
    // The sandbox saw a 2xx at its first attempt.
    let deliveries = service.sandbox.paychtec.webhooks().deliveries();
    assert!(deliveries.iter().all(|d| d.delivered && d.attempts == 1), "{deliveries:?}");

    // EUR goes to paymnt.cloud by the routing rule, and its webhook to its own URL.
    let euro = service.checkout("order_eur", "12.00", Currency::EUR).await.expect("checkout");
    assert!(euro.payment_id.starts_with("paymnt:"), "{}", euro.payment_id);
    let handled = service.handled_for(&euro.payment_id).await.expect("the handler saw it");
    assert_eq!(handled.instance, "paymnt");

    let report = service.stop().await.expect("stops");
    assert_eq!((report.succeeded, report.retrying, report.dead), (2, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_delivery_is_refused_with_400_and_nothing_is_stored() {
    let service = service().await;
    let payment = service.checkout("order_t", "65.40", Currency::USD).await.expect("checkout");
    service.handled_for(&payment.payment_id).await.expect("the genuine one is handled");
    let original = sent_about(&service, "paychtec", &payment.payment_id).expect("sent");
    let before = service.stored().await.expect("stored");

    let forged = tamper(&original);
    assert_ne!(forged.body, original.body);
    assert_eq!(service.deliver("paychtec", &forged).await.expect("post"), StatusCode::BAD_REQUEST);
    // Signed for another instance: its secret is not this instance's.
    assert_eq!(service.deliver("paymnt", &original).await.expect("post"), StatusCode::BAD_REQUEST);
    assert_eq!(service.stored().await.expect("stored"), before);
    service.wake_worker();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(service.handled_now(&payment.payment_id).len(), 1);
    let all = service.handled.lock().expect("log").clone();
    assert!(all.iter().all(|h| h.kind != Some(EventKind::PaymentFailed)), "{all:?}");
    service.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_delivery_is_answered_200_and_processed_once() {
    let service = service().await;
    let payment = service.checkout("order_d", "65.40", Currency::USD).await.expect("checkout");
    service.handled_for(&payment.payment_id).await.expect("handled");
    let original = sent_about(&service, "paychtec", &payment.payment_id).expect("sent");
    let before = service.stored().await.expect("stored");

    for _ in 0..3 {
        assert_eq!(service.deliver("paychtec", &original).await.expect("post"), StatusCode::OK);
    }
    service.wake_worker();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(service.stored().await.expect("stored"), before, "redeliveries are not stored");
    let report = service.stop().await.expect("stops");
    // One handler call in all: the worker's own count, not only the handler's log.
    assert_eq!(report.handled, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_that_cargo_run_prints_succeeds() {
    let report = demo(service().await).await.expect("demo");
    assert_eq!(report.payments.len(), 2);
    assert_eq!(report.tampered, StatusCode::BAD_REQUEST);
    assert_eq!(report.redelivery, StatusCode::OK);
    assert_eq!(report.stored, 2);
    assert_eq!((report.worker.handled, report.worker.succeeded), (2, 2));
}
