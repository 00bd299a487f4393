//! Withdrawals are pay.tech's payouts: `create_payout`, `get_payout`, `list_payouts` and
//! `cancel_payout` of the trait (`lib.rs`) work on `paymentType: WITHDRAWAL` payments. What is
//! left here is the merchant's decision on a withdrawal waiting in `AWAITING_APPROVAL`:
//! approve it, or reject it with a reason (`cancel_payout` rejects without one).
//!
//! These methods are not behind the connector layer, so each names the instance on its
//! errors itself.

use paymux_core::{Payout, PayoutId, Result};

use crate::{Paytech, mapping};

impl Paytech {
    /// Approves a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/approve`,
    /// without a body); it goes on `PENDING` (`Processing`). Sent once, unkeyed: after an
    /// outcome-unknown error, fetch the payout before trying again.
    pub async fn approve_withdrawal(&self, id: &PayoutId) -> Result<Payout> {
        let approved = async {
            let approved = self.client.approve_payment(id.as_str()).await?;
            mapping::to_payout(&self.id, approved, None)
        };
        approved.await.map_err(|e| e.or_provider(&self.id))
    }

    /// Rejects a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/reject`,
    /// `{rejectReason}`); it becomes `CANCELLED`, and pay.tech stores the reason as the
    /// payment's external result code.
    /// [`cancel_payout`](paymux_core::PaymentProvider::cancel_payout) is the same call without
    /// a reason.
    pub async fn reject_withdrawal(&self, id: &PayoutId, reason: Option<String>) -> Result<Payout> {
        let rejected = async {
            let body = mapping::reject_body(reason);
            let rejected =
                self.client.reject_payment("reject_withdrawal", id.as_str(), &body).await?;
            mapping::to_payout(&self.id, rejected, None)
        };
        rejected.await.map_err(|e| e.or_provider(&self.id))
    }
}
