//! Payments held for manual review (status `requires_merchant_action`): approve or reject.

use paymux_core::connector::idempotency_key;
use paymux_core::{IdempotencyKey, Payment, PaymentId, Result};
use paymux_hyperswitch_family::{PaymentReview, PaymentReviewRequest};

use crate::{Paychtec, mapping};

impl Paychtec {
    /// Approves a payment held for review (`POST /payments/:payment_id/approve`): `{}`, or
    /// `{"reason"}` when a reason is given.
    pub async fn approve_payment(
        &self,
        id: &PaymentId,
        reason: Option<String>,
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        self.review(id, PaymentReview::Approve, reason, key).await
    }

    /// Rejects a payment held for review (`POST /payments/:payment_id/reject`): `{}`, or
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
