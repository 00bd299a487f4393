//! Refund operations beyond the trait: the list with every filter, and updates.

use paymux_core::connector::idempotency_key;
use paymux_core::{Currency, Page, PageCursor, PaymentId, Refund, RefundId, RefundStatus, Result};
use paymux_hyperswitch_family::mapping::refund_update_body;
use time::OffsetDateTime;

use crate::{Paymnt, UpdateRefund, mapping};

/// A query for [`Paymnt::list_refunds`] (Hyperswitch's `RefundListRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRefunds {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, clamped to 1..=100 (default 10).
    pub limit: Option<u32>,
    /// The `next` of the previous page (offset cursors only).
    pub cursor: Option<PageCursor>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before.
    pub created_to: Option<OffsetDateTime>,
    /// Only refunds in this status (every gateway word that reads as it: `Pending` is
    /// `pending` and `review`). `Cancelled`, which no paymnt.cloud refund can be, is refused.
    pub status: Option<RefundStatus>,
    /// Only refunds in this currency.
    pub currency: Option<Currency>,
}

impl Paymnt {
    /// Lists refunds (`POST /refunds/list`), newest first, with the filters of the query.
    pub async fn list_refunds(&self, query: ListRefunds) -> Result<Page<Refund>> {
        let body = mapping::refund_list_body(&query)?;
        let list = self.client.list_refunds(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |r| {
            mapping::to_refund(&self.provider, r)
        })
    }

    /// Changes a refund's reason or metadata (`POST /refunds/{refund_id}`, Hyperswitch's
    /// `RefundUpdateRequest`). A reason over 255 characters, or an update that changes
    /// neither, is refused before any request.
    pub async fn update_refund(&self, id: &RefundId, req: UpdateRefund) -> Result<Refund> {
        let body = refund_update_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_refund(id.as_str(), &body, key).await?;
        mapping::to_refund(&self.provider, &answer)
    }
}
