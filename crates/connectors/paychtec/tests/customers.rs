//! Customers: create and retrieve (trait), update, delete, list (typed).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{CreateCustomer, CustomerId, ErrorKind, IdempotencyKey, PaymentProvider};
use paymux_paychtec::PaychtecCustomerOptions;
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::query_param;

fn customer_json(id: &str) -> serde_json::Value {
    json!({
        "customer_id": id,
        "name": "Jane Customer",
        "email": "customer@example.com",
        "phone": "6502530000",
        "phone_country_code": "+1",
        "description": "Customer from checkout",
        "address": {
            "line1": "1600 Amphitheatre Parkway", "line2": null, "line3": null,
            "city": "Mountain View", "state": "CA", "zip": "94043", "country": "US",
            "first_name": "Jane", "last_name": "Customer"
        },
        "created_at": "2024-01-20T08:00:00.000Z",
        "metadata": {"internal_customer_id": "42"},
        "default_payment_method_id": null
    })
}

fn guide_customer_request() -> CreateCustomer {
    let mut req = CreateCustomer::new()
        .with_email("customer@example.com")
        .with_name("Jane Customer")
        .with_phone(guide_phone())
        .with_address(guide_address())
        .with_description("Customer from checkout")
        .with_idempotency_key(IdempotencyKey::new("cus_create_42").unwrap());
    req.metadata.insert("internal_customer_id".into(), "42".into());
    req.extensions.insert(PaychtecCustomerOptions { customer_id: Some("cus_acme_42".into()) });
    req
}

#[tokio::test]
async fn create_customer_sends_the_guides_payload() {
    let (server, paychtec) = setup().await;
    mutation(
        "POST",
        "/customers",
        "cus_create_42",
        json!({
            "customer_id": "cus_acme_42",
            "email": "customer@example.com",
            "name": "Jane Customer",
            "phone": "6502530000",
            "phone_country_code": "+1",
            "description": "Customer from checkout",
            "address": {
                "line1": "1600 Amphitheatre Parkway",
                "city": "Mountain View",
                "state": "CA",
                "zip": "94043",
                "country": "US",
                "first_name": "Jane",
                "last_name": "Customer"
            },
            "metadata": {"internal_customer_id": "42"}
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(customer_json("cus_acme_42")))
    .expect(1)
    .mount(&server)
    .await;
    let c = paychtec.create_customer(guide_customer_request()).await.unwrap();
    // The only way to hold a CustomerId is from the gateway (or explicitly from storage).
    assert_eq!(c.id, CustomerId::from_stored("cus_acme_42"));
    assert_eq!(c.phone, Some(guide_phone()));
    assert_eq!(c.address, Some(guide_address()));
    assert_eq!(c.metadata["internal_customer_id"], "42");
    assert!(c.created_at.is_some());
}

#[tokio::test]
async fn get_update_delete_and_list_customers() {
    let (server, paychtec) = setup().await;
    let id = CustomerId::from_stored("cus_acme_42");
    read("GET", "/customers/cus_acme_42")
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json("cus_acme_42")))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(paychtec.get_customer(&id).await.unwrap().name.as_deref(), Some("Jane Customer"));

    mutation("POST", "/customers/cus_acme_42", "cus_upd_1", json!({"email": "jane@example.com"}))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut c = customer_json("cus_acme_42");
            c["email"] = json!("jane@example.com");
            c
        }))
        .expect(1)
        .mount(&server)
        .await;
    let updated = paychtec
        .update_customer(
            &id,
            CreateCustomer::new()
                .with_email("jane@example.com")
                .with_idempotency_key(IdempotencyKey::new("cus_upd_1").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(updated.email.as_deref(), Some("jane@example.com"));

    read("DELETE", "/customers/cus_acme_42")
        .and(wiremock::matchers::header("x-idempotency-key", "cus_del_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "customer_id": "cus_acme_42", "customer_deleted": true,
            "address_deleted": true, "payment_methods_deleted": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = paychtec
        .delete_customer(&id, Some(IdempotencyKey::new("cus_del_1").unwrap()))
        .await
        .unwrap();
    assert_eq!(deleted.customer_deleted, Some(true));

    read("GET", "/customers/list")
        .and(query_param("limit", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([customer_json("cus_b"), customer_json("cus_a")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = paychtec.list_customers(Some(2), None).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.has_more, "a full page may have more");
    assert_eq!(page.next, Some(paymux_core::PageCursor::Offset(2)));
}

#[tokio::test]
async fn an_update_cannot_change_the_customer_id() {
    let (server, paychtec) = setup().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let mut req = CreateCustomer::default();
    req.extensions.insert(PaychtecCustomerOptions { customer_id: Some("cus_other".into()) });
    let err =
        paychtec.update_customer(&CustomerId::from_stored("cus_acme_42"), req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}
