//! Payment operations beyond the trait: changing a payment before confirmation, the payment
//! list with every filter the gateway takes, and the decision on a payment held for review
//! (`requires_merchant_action`). The requests are the family's
//! ([`UpdatePayment`](crate::UpdatePayment), [`PaymentListQuery`](crate::PaymentListQuery)).

use paymux_core::connector::idempotency_key;
use paymux_core::{IdempotencyKey, Page, Payment, PaymentId, Result};
use paymux_hyperswitch_family::mapping::currency_filter;
use paymux_hyperswitch_family::{PaymentListRequest, PaymentReview, PaymentReviewRequest};

use crate::{PaymentListQuery, Paymnt, UpdatePayment, mapping};

impl Paymnt {
    /// Changes a payment before confirmation (`POST /payments/{payment_id}`): only the fields
    /// set are sent; order lines go out as Hyperswitch's `order_details` (`product_name`,
    /// `quantity`, unit `amount`); the amount is positive and at most the family's maximum.
    pub async fn update_payment(&self, id: &PaymentId, req: UpdatePayment) -> Result<Payment> {
        let body = mapping::update_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_payment(id.as_str(), &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    /// Lists payments with every filter `POST /payments/list` takes, `currency` included.
    pub async fn list_payments_filtered(&self, query: PaymentListQuery) -> Result<Page<Payment>> {
        let body = PaymentListRequest {
            currency: currency_filter(query.currency),
            ..mapping::list_body(&query.list)?
        };
        let list = self.client.list_payments(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |p| {
            mapping::to_payment(&self.provider, p)
        })
    }

    /// Approves a payment held for review (`POST /payments/{payment_id}/approve`): `{}`, or
    /// `{"reason"}` when a reason is given.
    pub async fn approve_payment(
        &self,
        id: &PaymentId,
        reason: Option<String>,
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        self.review(id, PaymentReview::Approve, reason, key).await
    }

    /// Rejects a payment held for review (`POST /payments/{payment_id}/reject`): `{}`, or
    /// `{"reason"}` when a reason is given.
    pub async fn reject_payment(
        &self,
        id: &PaymentId,
        reason: Option<String>,
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        self.review(id, PaymentReview::Reject, reason, key).await
    }

    async fn review(
        &self,
        id: &PaymentId,
        review: PaymentReview,
        reason: Option<String>,
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        let body = PaymentReviewRequest { reason };
        let key = idempotency_key(key);
        let answer = self.client.review_payment(id.as_str(), review, &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }
}
