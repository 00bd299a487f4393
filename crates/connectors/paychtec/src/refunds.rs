//! Listing refunds, beyond the trait.

use paymux_core::{Page, PageCursor, PaymentId, Refund, Result};
use time::OffsetDateTime;

use crate::{Paychtec, mapping};

/// `POST /refunds/list` filters.
#[derive(Debug, Clone, Default)]
pub struct RefundListQuery {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, 1 to 100 (default 10).
    pub limit: Option<u32>,
    /// The `next` of the previous page ([`PageCursor::Offset`]).
    pub cursor: Option<PageCursor>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before.
    pub created_to: Option<OffsetDateTime>,
}

impl Paychtec {
    /// Lists refunds (`POST /refunds/list`), newest first.
    pub async fn list_refunds(&self, query: RefundListQuery) -> Result<Page<Refund>> {
        let body = mapping::refund_list_body(&query)?;
        let list = self.client.list_refunds(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |r| {
            mapping::to_refund(&self.provider, r)
        })
    }
}
