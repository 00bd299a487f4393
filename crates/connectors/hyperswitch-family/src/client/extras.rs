//! The routes beyond creating and reading payments, refunds and customers that both family
//! gateways serve (Paychtec's Route Reference, Hyperswitch's v1 API): payment updates and
//! reviews, refund updates, customer update, delete and list, reading and listing payment
//! links, payouts and disputes. One method per route, written like the others: the key in the
//! connector's header on every mutation, reads and list bodies without one, every id checked
//! before it goes into a path or a body.

use http::Method;
use paymux_core::transport::Request;
use paymux_core::{IdempotencyKey, Result};

use super::Routes;
use crate::mapping::check_id;
use crate::wire::{
    Checked, CustomerDeleteResponse, CustomerListResponse, CustomerRequest, CustomerResponse,
    DeleteEvidenceRequest, DisputeEvidenceBlock, DisputeListRequest, DisputeListResponse,
    DisputeResponse, ListResponse, PaymentLinkListRequest, PaymentLinkListResponse,
    PaymentLinkResponse, PaymentResponse, PaymentReviewRequest, PaymentUpdateRequest,
    PayoutActionRequest, PayoutCreateRequest, PayoutListRequest, PayoutResponse,
    PayoutUpdateRequest, RefundResponse, RefundUpdateRequest, SubmitEvidenceRequest,
};

/// A decision on a payment held for review (`requires_merchant_action`), and so the route it
/// goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentReview {
    /// `POST /payments/{payment_id}/approve`.
    Approve,
    /// `POST /payments/{payment_id}/reject`.
    Reject,
}

impl Routes {
    // ---- payments ----

    /// `POST /payments/{payment_id}` (update before confirmation).
    pub async fn update_payment(
        &self,
        id: &str,
        body: &PaymentUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let path = format!("/payments/{}", check_id("payment id", id)?);
        let Checked(answer) = self.keyed("update_payment", path, body, key).await?;
        Ok(answer)
    }

    /// `POST /payments/{payment_id}/approve` or `/reject`, as `review` decides.
    pub async fn review_payment(
        &self,
        id: &str,
        review: PaymentReview,
        body: &PaymentReviewRequest,
        key: IdempotencyKey,
    ) -> Result<PaymentResponse> {
        let (operation, route) = match review {
            PaymentReview::Approve => ("approve_payment", "approve"),
            PaymentReview::Reject => ("reject_payment", "reject"),
        };
        let path = format!("/payments/{}/{route}", check_id("payment id", id)?);
        let Checked(answer) = self.keyed(operation, path, body, key).await?;
        Ok(answer)
    }

    // ---- refunds ----

    /// `POST /refunds/{refund_id}` (update: reason, metadata).
    pub async fn update_refund(
        &self,
        id: &str,
        body: &RefundUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<RefundResponse> {
        let path = format!("/refunds/{}", check_id("refund id", id)?);
        let Checked(answer) = self.keyed("update_refund", path, body, key).await?;
        Ok(answer)
    }

    // ---- customers ----

    /// `POST /customers/{customer_id}` (update).
    pub async fn update_customer(
        &self,
        id: &str,
        body: &CustomerRequest,
        key: IdempotencyKey,
    ) -> Result<CustomerResponse> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        self.keyed("update_customer", path, body, key).await
    }

    /// `DELETE /customers/{customer_id}`.
    pub async fn delete_customer(
        &self,
        id: &str,
        key: IdempotencyKey,
    ) -> Result<CustomerDeleteResponse> {
        let path = format!("/customers/{}", check_id("customer id", id)?);
        self.send_keyed(Request::new(Method::DELETE, "delete_customer", path), key).await
    }

    /// `GET /customers/list?limit=&offset=`.
    pub async fn list_customers(
        &self,
        limit: u32,
        offset: Option<u64>,
    ) -> Result<CustomerListResponse> {
        let req = Request::get("list_customers", "/customers/list")
            .query("limit", limit.to_string())
            .query_opt("offset", offset.map(|v| v.to_string()));
        self.transport.send_json(req).await
    }

    // ---- payment links ----

    /// `GET /payment_link/{payment_link_id}`.
    pub async fn get_payment_link(&self, id: &str) -> Result<PaymentLinkResponse> {
        let path = format!("/payment_link/{}", check_id("payment link id", id)?);
        self.read("get_payment_link", path).await
    }

    /// `POST /payment_link/list` (a read sent as `POST`: no key).
    pub async fn list_payment_links(
        &self,
        body: &PaymentLinkListRequest,
    ) -> Result<PaymentLinkListResponse> {
        self.list("list_payment_links", "/payment_link/list", body).await
    }

    // ---- payouts ----

    /// `POST /payouts/create`.
    pub async fn create_payout(
        &self,
        body: &PayoutCreateRequest,
        key: IdempotencyKey,
    ) -> Result<PayoutResponse> {
        let Checked(answer) = self.keyed("create_payout", "/payouts/create", body, key).await?;
        Ok(answer)
    }

    /// `GET /payouts/{payout_id}`.
    pub async fn get_payout(&self, id: &str) -> Result<PayoutResponse> {
        let path = format!("/payouts/{}", check_id("payout id", id)?);
        let Checked(answer) = self.read("get_payout", path).await?;
        Ok(answer)
    }

    /// `POST /payouts/list` (a read sent as `POST`: no key).
    pub async fn list_payouts(
        &self,
        body: &PayoutListRequest,
    ) -> Result<ListResponse<PayoutResponse>> {
        self.list("list_payouts", "/payouts/list", body).await
    }

    /// `PUT /payouts/{payout_id}` (update before fulfillment).
    pub async fn update_payout(
        &self,
        id: &str,
        body: &PayoutUpdateRequest,
        key: IdempotencyKey,
    ) -> Result<PayoutResponse> {
        let path = format!("/payouts/{}", check_id("payout id", id)?);
        let req = Request::new(Method::PUT, "update_payout", path).json(body)?;
        let Checked(answer) = self.send_keyed(req, key).await?;
        Ok(answer)
    }

    /// `POST /payouts/{payout_id}/cancel` with `{payout_id}`.
    pub async fn cancel_payout(&self, id: &str, key: IdempotencyKey) -> Result<PayoutResponse> {
        self.payout_action("cancel_payout", "cancel", id, key).await
    }

    /// `POST /payouts/{payout_id}/fulfill` with `{payout_id}`.
    pub async fn fulfill_payout(&self, id: &str, key: IdempotencyKey) -> Result<PayoutResponse> {
        self.payout_action("fulfill_payout", "fulfill", id, key).await
    }

    /// `POST /payouts/{payout_id}/{action}` with the documented `{payout_id}` body.
    async fn payout_action(
        &self,
        operation: &'static str,
        action: &str,
        id: &str,
        key: IdempotencyKey,
    ) -> Result<PayoutResponse> {
        let id = check_id("payout id", id)?;
        let body = PayoutActionRequest { payout_id: id.to_owned() };
        let path = format!("/payouts/{id}/{action}");
        let Checked(answer) = self.keyed(operation, path, &body, key).await?;
        Ok(answer)
    }

    // ---- disputes ----

    /// `GET /disputes/list?limit=&offset=&dispute_status=&dispute_stage=&payment_id=` (the
    /// lists of words comma-separated, as Hyperswitch reads them).
    pub async fn list_disputes(&self, query: &DisputeListRequest) -> Result<DisputeListResponse> {
        if let Some(id) = &query.payment_id {
            check_id("payment id", id)?;
        }
        let req = Request::get("list_disputes", "/disputes/list")
            .query("limit", query.limit.to_string())
            .query_opt("offset", query.offset.map(|v| v.to_string()))
            .query_opt("dispute_status", query.dispute_status.as_ref().map(|w| w.join(",")))
            .query_opt("dispute_stage", query.dispute_stage.as_ref().map(|w| w.join(",")))
            .query_opt("payment_id", query.payment_id.clone());
        self.transport.send_json(req).await
    }

    /// `GET /disputes/{dispute_id}`.
    pub async fn get_dispute(&self, id: &str) -> Result<DisputeResponse> {
        let path = format!("/disputes/{}", check_id("dispute id", id)?);
        let Checked(answer) = self.read("get_dispute", path).await?;
        Ok(answer)
    }

    /// `POST /disputes/accept/{dispute_id}` with `{}` (the route reads no body).
    pub async fn accept_dispute(&self, id: &str, key: IdempotencyKey) -> Result<DisputeResponse> {
        let path = format!("/disputes/accept/{}", check_id("dispute id", id)?);
        let body = serde_json::Map::new();
        let Checked(answer) = self.keyed("accept_dispute", path, &body, key).await?;
        Ok(answer)
    }

    /// `POST /disputes/evidence`.
    pub async fn submit_dispute_evidence(
        &self,
        body: &SubmitEvidenceRequest,
        key: IdempotencyKey,
    ) -> Result<DisputeResponse> {
        check_id("dispute id", &body.dispute_id)?;
        let path = "/disputes/evidence";
        let Checked(answer) = self.keyed("submit_dispute_evidence", path, body, key).await?;
        Ok(answer)
    }

    /// `GET /disputes/evidence/{dispute_id}`.
    pub async fn get_dispute_evidence(&self, id: &str) -> Result<Vec<DisputeEvidenceBlock>> {
        let path = format!("/disputes/evidence/{}", check_id("dispute id", id)?);
        self.read("get_dispute_evidence", path).await
    }

    /// `DELETE /disputes/evidence` with `{dispute_id, evidence_type}`. Hyperswitch answers
    /// `200` with no body: the answer's body, whatever it is, is not read.
    pub async fn delete_dispute_evidence(
        &self,
        body: &DeleteEvidenceRequest,
        key: IdempotencyKey,
    ) -> Result<()> {
        check_id("dispute id", &body.dispute_id)?;
        let req = Request::new(Method::DELETE, "delete_dispute_evidence", "/disputes/evidence")
            .json(body)?
            .idempotent_header((self.key_rule)(key)?, self.idempotency_header)?;
        self.transport.execute(req).await.map(drop)
    }
}
