//! Paychtec's side of its routes, all through the core [`HttpTransport`]. The routes Paychtec
//! shares with paymnt.cloud (payments, refunds, customers, the lists) are the family's
//! [`Routes`]; here are Paychtec's hosts, its `X-Idempotency-Key` header, and one method per
//! route only Paychtec serves (payment updates and reviews, customer update, delete and list,
//! payment links, payouts, disputes), written with the family's helpers: every mutation
//! carries the key, the same on every attempt of one logical call; reads are plain `GET`s;
//! every id is checked before it goes into a path, so it can never reach another route.
//! Payment answers are parsed [`Checked`]: one whose amounts cannot be money is unreadable,
//! and the transport reports an unreadable answer to a mutation as outcome-unknown.

use std::ops::Deref;

use http::Method;
use paymux_core::connector::Environment;
use paymux_core::transport::{HttpTransport, Request};
use paymux_core::{IdempotencyKey, Result};
use paymux_hyperswitch_family::Routes;
use paymux_hyperswitch_family::mapping::check_id;

use crate::wire::{
    Checked, CustomerListResponse, CustomerRequest, CustomerResponse, DisputeListResponse,
    PaymentLinkCreateRequest, PaymentResponse, PaymentReviewRequest, PaymentUpdateRequest,
    PayoutCreateRequest,
};
use crate::{DeletedCustomer, Dispute, DisputeListQuery, PaymentLink, Payout};

/// The header carrying the idempotency key (the guide's name, not `Idempotency-Key`).
const IDEMPOTENCY_HEADER: &str = "X-Idempotency-Key";

/// The host of each environment.
pub(crate) fn base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://api.sandbox.paychtec.com",
        Environment::Production => "https://api.v2.paychtec.com",
    }
}

/// A decision on a payment held for review, and so the route it goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Review {
    /// `POST /payments/:payment_id/approve`.
    Approve,
    /// `POST /payments/:payment_id/reject`.
    Reject,
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

    // ---- payments ----

    /// `POST /payments/:payment_id` (update).
    pub(crate) async fn update_payment(
        &self,
        id: &str,
        body: &PaymentUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.routes.keyed("update_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/:payment_id/approve` or `/reject`, as `review` decides.
    pub(crate) async fn review_payment(
        &self,
        id: &str,
        review: Review,
        body: &PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let (operation, route) = match review {
            Review::Approve => ("approve_payment", "approve"),
            Review::Reject => ("reject_payment", "reject"),
        };
        let path = format!("/payments/{}/{route}", check_id("payment id", id)?);
        let Checked(answer) = self.routes.keyed(operation, path, body, key).await?;
        Ok(answer)
    }

    // ---- customers ----

    /// `POST /customers/:customer_id` (update).
    pub(crate) async fn update_customer(
        &self,
        id: &str,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        self.routes.keyed("update_customer", path, body, key).await
    }

    /// `DELETE /customers/:customer_id`.
    pub(crate) async fn delete_customer(
        &self,
        id: &str,
        key: IdempotencyKey,
    ) -> Result<DeletedCustomer> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        self.routes.send_keyed(Request::new(Method::DELETE, "delete_customer", path), key).await
    }

    /// `GET /customers/list?limit=&offset=`.
    pub(crate) async fn list_customers(
        &self,
        limit: u32,
        offset: Option<u64>,
    ) -> Result<CustomerListResponse> {
        let req = Request::get("list_customers", "/customers/list")
            .query("limit", limit.to_string())
            .query_opt("offset", offset.map(|v| v.to_string()));
        self.routes.transport().send_json(req).await
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

    /// `GET /payment_link/:payment_link_id`.
    pub(crate) async fn get_payment_link(&self, id: &str) -> Result<PaymentLink> {
        let path = format!("/payment_link/{}", check_id("link id", id)?);
        self.routes.read("get_payment_link", path).await
    }

    // ---- payouts ----

    /// `POST /payouts/create`.
    pub(crate) async fn create_payout(
        &self,
        body: &PayoutCreateRequest,
        key: IdempotencyKey,
    ) -> Result<Payout> {
        self.routes.keyed("create_payout", "/payouts/create", body, key).await
    }

    /// `GET /payouts/:payout_id`.
    pub(crate) async fn get_payout(&self, id: &str) -> Result<Payout> {
        self.routes.read("get_payout", format!("/payouts/{}", check_id("payout id", id)?)).await
    }

    // ---- disputes ----

    /// `GET /disputes/list`.
    pub(crate) async fn list_disputes(
        &self,
        query: &DisputeListQuery,
    ) -> Result<DisputeListResponse> {
        let req = Request::get("list_disputes", "/disputes/list")
            .query_opt("limit", query.limit.map(|v| v.to_string()))
            .query_opt("dispute_status", query.dispute_status.clone())
            .query_opt("dispute_stage", query.dispute_stage.clone());
        self.routes.transport().send_json(req).await
    }

    /// `GET /disputes/:dispute_id`.
    pub(crate) async fn get_dispute(&self, id: &str) -> Result<Dispute> {
        self.routes.read("get_dispute", format!("/disputes/{}", check_id("dispute id", id)?)).await
    }
}
