//! Payout operations beyond the trait (creating, reading, listing and cancelling payouts are
//! the trait's): changing a payout before it is sent, and sending one that waits for
//! fulfillment. The routes are Hyperswitch's.

use paymux_core::connector::idempotency_key;
use paymux_core::{IdempotencyKey, Payout, PayoutId, Result};
use paymux_hyperswitch_family::mapping::payout_update_body;

use crate::{Paymnt, UpdatePayout, mapping};

impl Paymnt {
    /// Changes a payout before it is fulfilled (`PUT /payouts/{payout_id}`): only the fields
    /// set are sent, with the checks of `create_payout`; `flow` confirms it (or confirms and
    /// sends it). An update that changes nothing is refused before any request.
    pub async fn update_payout(&self, id: &PayoutId, req: UpdatePayout) -> Result<Payout> {
        let body = payout_update_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_payout(id.as_str(), &body, key).await?;
        mapping::to_payout(&self.provider, &answer)
    }

    /// Sends a payout that waits for fulfillment (`POST /payouts/{payout_id}/fulfill`, body
    /// `{payout_id}`): `requires_fulfillment` (or `requires_confirmation`) moves on to
    /// `initiated` and then `success`, `failed` or `pending`.
    pub async fn fulfill_payout(
        &self,
        id: &PayoutId,
        key: Option<IdempotencyKey>,
    ) -> Result<Payout> {
        let answer = self.client.fulfill_payout(id.as_str(), idempotency_key(key)).await?;
        mapping::to_payout(&self.provider, &answer)
    }
}
