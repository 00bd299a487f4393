//! Listing refunds, beyond the trait.

use paymux_core::{Page, PageCursor, PaymentId, Refund, Result};

use crate::{Paymnt, mapping};

/// A query for [`Paymnt::list_refunds`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRefunds {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, clamped to 1..=100 (default 10).
    pub limit: Option<u32>,
    /// The `next` of the previous page (offset cursors only).
    pub cursor: Option<PageCursor>,
}

impl Paymnt {
    /// Lists refunds (`POST /refunds/list`), newest first, optionally of one payment.
    pub async fn list_refunds(&self, query: ListRefunds) -> Result<Page<Refund>> {
        let body = mapping::refund_list_body(
            query.payment_id.as_ref(),
            query.limit,
            query.cursor.as_ref(),
        )?;
        let list = self.client.list_refunds(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |r| {
            mapping::to_refund(&self.provider, r)
        })
    }
}
