//! Paychtec's side of its routes, all through the core [`HttpTransport`]. The routes Paychtec
//! shares with paymnt.cloud (payments and their updates and reviews, refunds and their
//! updates, customers, the lists, reading and listing payment links, payouts, disputes) are
//! the family's [`Routes`]; here are Paychtec's hosts, its `X-Idempotency-Key` header, and one
//! method per route only Paychtec serves (creating a payment link), written with the family's
//! helpers: every mutation carries the key, the same on every attempt of one logical call;
//! every id is checked before it goes into a path, so it can never reach another route.

use std::ops::Deref;

use paymux_core::connector::Environment;
use paymux_core::transport::HttpTransport;
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::Routes;

use crate::PaymentLink;
use crate::wire::PaymentLinkCreateRequest;

/// The header carrying the idempotency key (the guide's name, not `Idempotency-Key`).
const IDEMPOTENCY_HEADER: &str = "X-Idempotency-Key";

/// The host of each environment.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://api.sandbox.paychtec.com",
        Environment::Production => "https://api.v2.paychtec.com",
    }
}

/// Paychtec's routes: the family's ([`Routes`], reached through `Deref`) with the key in
/// `X-Idempotency-Key`, and the ones only Paychtec serves (the methods below).
#[derive(Debug, Clone)]
pub(crate) struct Client {
    routes: Routes,
}

impl Deref for Client {
    type Target = Routes;

    fn deref(&self) -> &Routes {
        &self.routes
    }
}

impl Client {
    pub(crate) fn new(transport: HttpTransport) -> Self {
        Client { routes: Routes::new(transport, IDEMPOTENCY_HEADER) }
    }

    // ---- payment links ----

    /// `POST /payment_link`.
    pub(crate) async fn create_payment_link(
        &self,
        body: &PaymentLinkCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentLink> {
        self.routes.keyed("create_payment_link", "/payment_link", body, key).await
    }
}

// ---- subscriptions (every route with `X-Profile-Id`) and the merchant's routes ----

/// The routes of `subscriptions.rs` and `merchant.rs`, with their own imports.
mod subscription_and_merchant_routes {
    use http::Method;
    use paymux_core::transport::Request;
    use paymux_core::{IdempotencyKey, Result};
    use paymux_hyperswitch_family::mapping::check_id;

    use super::Client;
    use crate::merchant::{ApiKeyBody, Metrics, MetricsBody, key_id};
    use crate::subscriptions::{
        Schedule, SubscriptionConfirmBody, SubscriptionCreateBody, SubscriptionScheduleBody,
        SubscriptionUpdateBody, subscription_id,
    };
    use crate::{
        ApiKey, BusinessProfile, CreatedApiKey, MetricsReport, RevokedApiKey, Subscription,
    };

    /// The header naming the business profile of a subscription route.
    const PROFILE_HEADER: &str = "X-Profile-Id";

    impl Client {
        /// `POST /subscriptions/create`.
        pub(crate) async fn create_subscription(
            &self,
            profile_id: &str,
            body: &SubscriptionCreateBody,
            key: IdempotencyKey,
        ) -> Result<Subscription> {
            let req = Request::post("create_subscription", "/subscriptions/create").json(body)?;
            self.routes.send_keyed(req.header(PROFILE_HEADER, profile_id)?, key).await
        }

        /// `POST /subscriptions` (create and confirm).
        pub(crate) async fn create_and_confirm_subscription(
            &self,
            profile_id: &str,
            body: &SubscriptionCreateBody,
            key: IdempotencyKey,
        ) -> Result<Subscription> {
            let req =
                Request::post("create_and_confirm_subscription", "/subscriptions").json(body)?;
            self.routes.send_keyed(req.header(PROFILE_HEADER, profile_id)?, key).await
        }

        /// `GET /subscriptions/:subscription_id`.
        pub(crate) async fn get_subscription(
            &self,
            profile_id: &str,
            id: &str,
        ) -> Result<Subscription> {
            let path = format!("/subscriptions/{}", subscription_id(id)?);
            let req = Request::get("get_subscription", path).header(PROFILE_HEADER, profile_id)?;
            self.routes.transport().send_json(req).await
        }

        /// `PUT /subscriptions/:subscription_id/update`.
        pub(crate) async fn update_subscription(
            &self,
            profile_id: &str,
            id: &str,
            body: &SubscriptionUpdateBody,
            key: IdempotencyKey,
        ) -> Result<Subscription> {
            let path = format!("/subscriptions/{}/update", subscription_id(id)?);
            let req = Request::new(Method::PUT, "update_subscription", path).json(body)?;
            self.routes.send_keyed(req.header(PROFILE_HEADER, profile_id)?, key).await
        }

        /// `POST /subscriptions/:subscription_id/confirm`.
        pub(crate) async fn confirm_subscription(
            &self,
            profile_id: &str,
            id: &str,
            body: &SubscriptionConfirmBody,
            key: IdempotencyKey,
        ) -> Result<Subscription> {
            let path = format!("/subscriptions/{}/confirm", subscription_id(id)?);
            let req = Request::post("confirm_subscription", path).json(body)?;
            self.routes.send_keyed(req.header(PROFILE_HEADER, profile_id)?, key).await
        }

        /// `POST /subscriptions/:subscription_id/pause`, `/resume` or `/cancel`, as `schedule`
        /// decides.
        pub(crate) async fn schedule_subscription(
            &self,
            profile_id: &str,
            id: &str,
            schedule: Schedule,
            body: &SubscriptionScheduleBody,
            key: IdempotencyKey,
        ) -> Result<Subscription> {
            let (operation, route) = match schedule {
                Schedule::Pause => ("pause_subscription", "pause"),
                Schedule::Resume => ("resume_subscription", "resume"),
                Schedule::Cancel => ("cancel_subscription", "cancel"),
            };
            let path = format!("/subscriptions/{}/{route}", subscription_id(id)?);
            let req = Request::post(operation, path).json(body)?;
            self.routes.send_keyed(req.header(PROFILE_HEADER, profile_id)?, key).await
        }

        /// `GET /account/:merchant_id/business_profile`.
        pub(crate) async fn list_business_profiles(
            &self,
            merchant_id: &str,
        ) -> Result<Vec<BusinessProfile>> {
            let path =
                format!("/account/{}/business_profile", check_id("merchant id", merchant_id)?);
            self.routes.read("list_business_profiles", path).await
        }

        /// `POST /api_keys/:merchant_id`.
        pub(crate) async fn create_api_key(
            &self,
            merchant_id: &str,
            body: &ApiKeyBody,
            key: IdempotencyKey,
        ) -> Result<CreatedApiKey> {
            let path = format!("/api_keys/{}", check_id("merchant id", merchant_id)?);
            self.routes.keyed("create_api_key", path, body, key).await
        }

        /// `GET /api_keys/:merchant_id/list?limit=&skip=`.
        pub(crate) async fn list_api_keys(
            &self,
            merchant_id: &str,
            limit: Option<u32>,
            skip: Option<u32>,
        ) -> Result<Vec<ApiKey>> {
            let path = format!("/api_keys/{}/list", check_id("merchant id", merchant_id)?);
            let req = Request::get("list_api_keys", path)
                .query_opt("limit", limit.map(|v| v.to_string()))
                .query_opt("skip", skip.map(|v| v.to_string()));
            self.routes.transport().send_json(req).await
        }

        /// `GET /api_keys/:merchant_id/:key_id`.
        pub(crate) async fn get_api_key(&self, merchant_id: &str, id: &str) -> Result<ApiKey> {
            let merchant = check_id("merchant id", merchant_id)?;
            let path = format!("/api_keys/{merchant}/{}", key_id(id)?);
            self.routes.read("get_api_key", path).await
        }

        /// `POST /api_keys/:merchant_id/:key_id` (update).
        pub(crate) async fn update_api_key(
            &self,
            merchant_id: &str,
            id: &str,
            body: &ApiKeyBody,
            key: IdempotencyKey,
        ) -> Result<ApiKey> {
            let merchant = check_id("merchant id", merchant_id)?;
            let path = format!("/api_keys/{merchant}/{}", key_id(id)?);
            self.routes.keyed("update_api_key", path, body, key).await
        }

        /// `DELETE /api_keys/:merchant_id/:key_id` (revoke).
        pub(crate) async fn revoke_api_key(
            &self,
            merchant_id: &str,
            id: &str,
            key: IdempotencyKey,
        ) -> Result<RevokedApiKey> {
            let merchant = check_id("merchant id", merchant_id)?;
            let path = format!("/api_keys/{merchant}/{}", key_id(id)?);
            self.routes.send_keyed(Request::new(Method::DELETE, "revoke_api_key", path), key).await
        }

        /// `POST /analytics/v1/merchant/metrics/payments`, `/refunds` or `/disputes`, as `metrics`
        /// decides: reads sent as `POST`, without a key.
        pub(crate) async fn metrics(
            &self,
            metrics: Metrics,
            body: &MetricsBody,
        ) -> Result<MetricsReport> {
            let (operation, path) = match metrics {
                Metrics::Payments => ("payment_metrics", "/analytics/v1/merchant/metrics/payments"),
                Metrics::Refunds => ("refund_metrics", "/analytics/v1/merchant/metrics/refunds"),
                Metrics::Disputes => ("dispute_metrics", "/analytics/v1/merchant/metrics/disputes"),
            };
            self.routes.list(operation, path, body).await
        }
    }
}
