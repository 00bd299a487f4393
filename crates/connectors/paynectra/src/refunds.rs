//! Listing refunds, which Paynectra offers beyond the trait.

use paymux_core::{Page, PageCursor, PaymentId, Refund, Result};
use time::OffsetDateTime;

use crate::{Paynectra, mapping};

/// Filters and position for [`Paynectra::list_refunds`].
#[derive(Debug, Clone, Default)]
pub struct ListRefunds {
    /// Page size, clamped to 1..=100; the gateway's default (20) when `None`.
    pub limit: Option<u32>,
    /// `After(id)` / `Before(id)`: the `next` of the previous page.
    pub cursor: Option<PageCursor>,
    /// Only refunds of this payment (sent as `payment`).
    pub payment: Option<PaymentId>,
    /// Created at or after (`created[gte]`).
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before (`created[lte]`).
    pub created_to: Option<OffsetDateTime>,
}

impl Paynectra {
    /// Lists refunds, newest first (`GET /v1/refunds`).
    pub async fn list_refunds(&self, query: ListRefunds) -> Result<Page<Refund>> {
        let listed = async {
            let q = mapping::refunds_query(&query)?;
            let list = self.client.list_refunds(q).await?;
            mapping::to_refund_page(list, query.cursor.as_ref(), &self.id)
        };
        // Named here: callers reach this method directly, not through the core's layer.
        listed.await.map_err(|e| e.or_provider(&self.id))
    }
}
