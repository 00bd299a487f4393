//! The merchant's routes: business profiles, API keys, analytics metrics. Each with its exact
//! request and its documented answer: profiles and API keys as Hyperswitch's published v1
//! document writes them (`ProfileResponse`, `CreateApiKeyResponse`, ... with the document's
//! example values; `tests/fixtures/paychtec_business_profiles.json`), metrics with the guide's
//! body and Hyperswitch's metrics answer (`queryData`/`metaData`,
//! `tests/fixtures/paychtec_payment_metrics.json`).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use paymux_core::{Decimal, ErrorKind, ExposeSecret, IdempotencyKey};
use paymux_paychtec::{ApiKeyExpiration, CreateApiKey, MetricsQuery, UpdateApiKey};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const MERCHANT: &str = "y3oqhf46pyzuxjbcn2giaqnb44";
const KEY_ID: &str = "5hEEqkgJUyuxgSKGArHA4mWSnX";
const NEW_KEY: &str = "snd_Vn3kYx8QmA1pL0sRt7cZ2bW9eH4uJ6dFgK5";

fn key(k: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey::new(k).unwrap())
}

fn api_key_json() -> Value {
    json!({
        "key_id": KEY_ID,
        "merchant_id": MERCHANT,
        "name": "Sandbox integration key",
        "description": "Key used by our developers to integrate with the sandbox environment",
        "prefix": "snd_Vn3kYx8Q",
        "created": "2022-09-10T10:11:12.000Z",
        "expiration": "2023-09-10T10:11:12.000Z"
    })
}

#[tokio::test]
async fn list_business_profiles_reads_the_documented_answer() {
    let (server, paychtec) = setup().await;
    let answer: Value =
        serde_json::from_str(include_str!("fixtures/paychtec_business_profiles.json")).unwrap();
    read("GET", &format!("/account/{MERCHANT}/business_profile"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let profiles = paychtec.list_business_profiles(MERCHANT).await.unwrap();
    assert_eq!(profiles.len(), 2);
    let p = &profiles[0];
    assert_eq!(p.profile_id, "pro_abcdefghijklmnopqrstuvwxyz");
    assert_eq!(p.profile_name, "default");
    assert_eq!(p.merchant_id, MERCHANT);
    assert_eq!(p.return_url.as_deref(), Some("https://www.example.com/success"));
    assert!(p.enable_payment_response_hash && p.redirect_to_merchant_with_http_post);
    assert_eq!(
        p.payment_response_hash_key.as_ref().unwrap().expose_secret(),
        "whsec_paychtec_response_hash_key"
    );
    let webhooks = p.webhook_details.as_ref().unwrap();
    assert_eq!(webhooks.webhook_url.as_deref(), Some("www.ekart.com/webhooks"));
    assert_eq!(webhooks.webhook_password.as_ref().unwrap().expose_secret(), "ekart@123");
    assert_eq!(webhooks.refund_statuses_enabled, ["success", "failure"]);
    assert_eq!(p.intent_fulfillment_time, Some(900));
    assert_eq!(p.session_expiry, Some(900));
    let debug = format!("{profiles:?}");
    for secret in ["whsec_paychtec_response_hash_key", "ekart@123"] {
        assert!(!debug.contains(secret), "Debug shows {secret}");
    }
    let q = &profiles[1];
    assert_eq!(q.profile_id, "pro_subscriptions_eu");
    assert!(q.payment_response_hash_key.is_none() && q.webhook_details.is_none());
    assert_eq!(q.metadata, Some(json!({"region": "eu"})));
}

#[tokio::test]
async fn create_api_key_sends_the_body_and_holds_the_key_as_a_secret() {
    let (server, paychtec) = setup().await;
    let mut answer = api_key_json();
    answer.as_object_mut().unwrap().remove("prefix");
    answer["api_key"] = json!(NEW_KEY);
    mutation(
        "POST",
        &format!("/api_keys/{MERCHANT}"),
        "api_key_sandbox_1",
        json!({
            "name": "Sandbox integration key",
            "description": "Key used by our developers to integrate with the sandbox environment",
            "expiration": "2023-09-10T10:11:12Z"
        }),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CreateApiKey::new(
        "Sandbox integration key",
        ApiKeyExpiration::At(time::macros::datetime!(2023-09-10 10:11:12 UTC)),
    );
    req.description =
        Some("Key used by our developers to integrate with the sandbox environment".into());
    req.idempotency_key = key("api_key_sandbox_1");
    let created = paychtec.create_api_key(MERCHANT, req).await.unwrap();
    assert_eq!(created.key_id, KEY_ID);
    assert_eq!(created.api_key.expose_secret(), NEW_KEY);
    assert_eq!(created.created, Some(time::macros::datetime!(2022-09-10 10:11:12 UTC)));
    assert_eq!(
        created.expiration,
        ApiKeyExpiration::At(time::macros::datetime!(2023-09-10 10:11:12 UTC))
    );
    assert!(!format!("{created:?}").contains(NEW_KEY), "Debug shows the new key");
}

#[tokio::test]
async fn a_key_that_never_expires() {
    let (server, paychtec) = setup().await;
    let mut answer = api_key_json();
    answer["api_key"] = json!(NEW_KEY);
    answer["expiration"] = json!("never");
    mutation(
        "POST",
        &format!("/api_keys/{MERCHANT}"),
        "api_key_ci",
        json!({"name": "CI", "expiration": "never"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer))
    .expect(1)
    .mount(&server)
    .await;
    let mut req = CreateApiKey::new("CI", ApiKeyExpiration::Never);
    req.idempotency_key = key("api_key_ci");
    let created = paychtec.create_api_key(MERCHANT, req).await.unwrap();
    assert_eq!(created.expiration, ApiKeyExpiration::Never);
}

#[tokio::test]
async fn list_api_keys_with_limit_and_skip() {
    let (server, paychtec) = setup().await;
    let mut second = api_key_json();
    second["key_id"] = json!("k2");
    second["expiration"] = json!("never");
    read("GET", &format!("/api_keys/{MERCHANT}/list"))
        .and(query_param("limit", "10"))
        .and(query_param("skip", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([api_key_json(), second])))
        .expect(1)
        .mount(&server)
        .await;
    let keys = paychtec.list_api_keys(MERCHANT, Some(10), Some(20)).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].prefix.as_deref(), Some("snd_Vn3kYx8Q"));
    assert_eq!(keys[1].expiration, ApiKeyExpiration::Never);
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("x-idempotency-key").is_none());
}

#[tokio::test]
async fn list_api_keys_without_paging_sends_no_query() {
    let (server, paychtec) = setup().await;
    read("GET", &format!("/api_keys/{MERCHANT}/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    assert!(paychtec.list_api_keys(MERCHANT, None, None).await.unwrap().is_empty());
    assert_eq!(server.received_requests().await.unwrap()[0].url.query(), None);
}

#[tokio::test]
async fn get_api_key() {
    let (server, paychtec) = setup().await;
    read("GET", &format!("/api_keys/{MERCHANT}/{KEY_ID}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json()))
        .expect(1)
        .mount(&server)
        .await;
    let k = paychtec.get_api_key(MERCHANT, KEY_ID).await.unwrap();
    assert_eq!(k.name, "Sandbox integration key");
    assert_eq!(k.merchant_id, MERCHANT);
    assert_eq!(
        k.description.as_deref(),
        Some("Key used by our developers to integrate with the sandbox environment")
    );
}

#[tokio::test]
async fn update_api_key_sends_only_what_changes() {
    let (server, paychtec) = setup().await;
    let mut answer = api_key_json();
    answer["name"] = json!("Renamed key");
    answer["expiration"] = json!("never");
    mutation(
        "POST",
        &format!("/api_keys/{MERCHANT}/{KEY_ID}"),
        "api_key_rename_1",
        json!({"name": "Renamed key", "expiration": "never"}),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(answer))
    .expect(1)
    .mount(&server)
    .await;
    let k = paychtec
        .update_api_key(
            MERCHANT,
            KEY_ID,
            UpdateApiKey {
                name: Some("Renamed key".into()),
                expiration: Some(ApiKeyExpiration::Never),
                idempotency_key: key("api_key_rename_1"),
                ..UpdateApiKey::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(k.name, "Renamed key");
    assert_eq!(k.expiration, ApiKeyExpiration::Never);
}

#[tokio::test]
async fn revoke_api_key_is_a_keyed_delete() {
    let (server, paychtec) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api_keys/{MERCHANT}/{KEY_ID}")))
        .and(header("api-key", KEY))
        .and(header("x-idempotency-key", "api_key_revoke_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "merchant_id": MERCHANT, "key_id": KEY_ID, "revoked": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let revoked = paychtec.revoke_api_key(MERCHANT, KEY_ID, key("api_key_revoke_1")).await.unwrap();
    assert!(revoked.revoked);
    assert_eq!(revoked.key_id, KEY_ID);
    assert!(server.received_requests().await.unwrap()[0].body.is_empty());
}

/// The guide's analytics example, as a query.
fn guide_metrics() -> MetricsQuery {
    MetricsQuery::new(
        time::macros::datetime!(2024-01-01 00:00:00 UTC),
        ["payment_count", "payment_success_rate", "payment_processed_amount"],
    )
    .with_end_time(time::macros::datetime!(2024-01-31 23:59:59 UTC))
    .with_source("BATCH")
    .with_delta()
    .with_granularity("G_ONE_DAY")
    .with_group_by("currency")
    .with_filter("currency", ["USD"])
    .with_filter("status", ["succeeded"])
}

fn guide_metrics_json() -> Value {
    json!({
        "timeRange": {
            "startTime": "2024-01-01T00:00:00Z",
            "endTime": "2024-01-31T23:59:59Z"
        },
        "metrics": ["payment_count", "payment_success_rate", "payment_processed_amount"],
        "source": "BATCH",
        "delta": true,
        "timeSeries": {
            "granularity": "G_ONE_DAY"
        },
        "groupByNames": ["currency"],
        "filters": {
            "currency": ["USD"],
            "status": ["succeeded"]
        }
    })
}

#[tokio::test]
async fn payment_metrics_send_the_guides_body_and_read_exact_numbers() {
    let (server, paychtec) = setup().await;
    let answer: Value =
        serde_json::from_str(include_str!("fixtures/paychtec_payment_metrics.json")).unwrap();
    read("POST", "/analytics/v1/merchant/metrics/payments")
        .and(body_json(guide_metrics_json()))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let report = paychtec.payment_metrics(&guide_metrics()).await.unwrap();
    assert_eq!(report.buckets.len(), 1);
    let b = &report.buckets[0];
    assert_eq!(b.count("payment_count"), Some(13));
    assert_eq!(b.count("payment_processed_amount"), Some(71940));
    assert_eq!(b.decimal("payment_success_rate"), Some("84.61538461538461".parse().unwrap()));
    assert_eq!(b.raw("payment_success_rate"), Some("84.61538461538461"));
    assert_eq!(b.text("currency").as_deref(), Some("USD"));
    assert_eq!(b.text("time_bucket").as_deref(), Some("2024-01-01 00:00:00"));
    assert_eq!(b.count("avg_ticket_size"), None, "null");
    assert_eq!(b.count("currency"), None, "not a number");
    assert_eq!(b.count("no_such_metric"), None);
    assert_eq!(b.decimal("payment_count"), Some(Decimal::from(13)));
    assert!(b.names().any(|n| n == "time_range"));
    assert_eq!(report.meta[0].count("total_payment_processed_amount"), Some(71940));
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("x-idempotency-key").is_none(), "a read sends no key");
}

#[tokio::test]
async fn refund_and_dispute_metrics_use_their_paths() {
    let (server, paychtec) = setup().await;
    let refund_query = MetricsQuery::new(
        time::macros::datetime!(2024-01-01 00:00:00 UTC),
        ["refund_count", "refund_success_rate"],
    );
    read("POST", "/analytics/v1/merchant/metrics/refunds")
        .and(body_json(json!({
            "timeRange": {"startTime": "2024-01-01T00:00:00Z"},
            "metrics": ["refund_count", "refund_success_rate"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "queryData": [{"refund_count": 4, "refund_success_rate": 75.0, "currency": null,
                           "time_bucket": "2024-01-01 00:00:00"}],
            "metaData": [{"total_refund_processed_amount": 1500}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let report = paychtec.refund_metrics(&refund_query).await.unwrap();
    assert_eq!(report.buckets[0].count("refund_count"), Some(4));
    assert_eq!(report.buckets[0].decimal("refund_success_rate"), Some(Decimal::new(750, 1)));
    assert_eq!(report.buckets[0].text("currency"), None);

    let dispute_query = MetricsQuery::new(
        time::macros::datetime!(2024-01-01 00:00:00 UTC),
        ["dispute_status_metric", "total_amount_disputed"],
    )
    .with_filter("dispute_stage", ["dispute"]);
    read("POST", "/analytics/v1/merchant/metrics/disputes")
        .and(body_json(json!({
            "timeRange": {"startTime": "2024-01-01T00:00:00Z"},
            "metrics": ["dispute_status_metric", "total_amount_disputed"],
            "filters": {"dispute_stage": ["dispute"]}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "queryData": [{"disputes_challenged": 1, "disputes_won": 0, "disputes_lost": 1,
                           "total_amount_disputed": 6540, "total_dispute_lost_amount": 6540}],
            "metaData": [{"total_disputed_amount": 6540, "total_dispute_lost_amount": 6540}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let report = paychtec.dispute_metrics(&dispute_query).await.unwrap();
    assert_eq!(report.buckets[0].count("total_amount_disputed"), Some(6540));
    assert_eq!(report.meta[0].count("total_dispute_lost_amount"), Some(6540));
}

#[tokio::test]
async fn refused_before_any_request() {
    let (server, paychtec) = setup().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(0)
        .mount(&server)
        .await;
    let start = time::macros::datetime!(2024-01-31 00:00:00 UTC);
    let no_metric: [&str; 0] = [];
    let cases = [
        paychtec.payment_metrics(&MetricsQuery::new(start, no_metric)).await.unwrap_err(),
        paychtec.payment_metrics(&MetricsQuery::new(start, [""])).await.unwrap_err(),
        paychtec
            .refund_metrics(
                &MetricsQuery::new(start, ["refund_count"])
                    .with_end_time(time::macros::datetime!(2024-01-01 00:00:00 UTC)),
            )
            .await
            .unwrap_err(),
        paychtec
            .create_api_key(MERCHANT, CreateApiKey::new("", ApiKeyExpiration::Never))
            .await
            .unwrap_err(),
        paychtec
            .create_api_key(MERCHANT, CreateApiKey::new("k".repeat(65), ApiKeyExpiration::Never))
            .await
            .unwrap_err(),
        paychtec
            .update_api_key(
                MERCHANT,
                KEY_ID,
                UpdateApiKey { description: Some("d".repeat(257)), ..UpdateApiKey::default() },
            )
            .await
            .unwrap_err(),
        paychtec.get_api_key(MERCHANT, "list").await.unwrap_err(),
        paychtec.get_api_key("merchant/../x", KEY_ID).await.unwrap_err(),
        paychtec.revoke_api_key(MERCHANT, "k 1", None).await.unwrap_err(),
        paychtec.list_api_keys("", None, None).await.unwrap_err(),
        paychtec.list_business_profiles("m?x=1").await.unwrap_err(),
    ];
    for (i, err) in cases.iter().enumerate() {
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "case {i}: {err}");
    }
}

#[tokio::test]
async fn an_unreadable_key_answer_does_not_leak_the_key() {
    let (server, paychtec) = setup().await;
    // The key arrives, but the answer misses a field the document requires.
    Mock::given(method("POST"))
        .and(path(format!("/api_keys/{MERCHANT}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key_id": KEY_ID, "merchant_id": MERCHANT, "api_key": NEW_KEY
        })))
        .mount(&server)
        .await;
    let err = paychtec
        .create_api_key(MERCHANT, CreateApiKey::new("CI", ApiKeyExpiration::Never))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_outcome_unknown(), "the key may have been created");
    assert!(!format!("{err} {err:?}").contains(NEW_KEY), "{err:?}");
}
