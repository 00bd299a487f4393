//! The list route with every filter pay.tech has (`updated.*` too), beyond what
//! `list_payments` can ask for.
//!
//! Not behind the connector layer, so `list_deposits` names the instance on its errors itself.

use paymux_core::{Page, Payment, Result};
use time::OffsetDateTime;

use crate::{Paytech, mapping};

/// Filters of `GET /api/v1/payments`, all of them.
///
/// ```
/// use paymux::paytech::ListDeposits;
/// let last_hour = ListDeposits::new()
///     .with_limit(100)
///     .with_updated_from(time::OffsetDateTime::now_utc() - time::Duration::HOUR);
/// assert_eq!(last_hour.limit, Some(100));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListDeposits {
    /// Items to skip (0 to 1,000,000).
    pub offset: Option<u64>,
    /// Page size, clamped to 1..=1000 (gateway default 50).
    pub limit: Option<u32>,
    /// `created.gte` (the gateway defaults it to 24 hours ago).
    pub created_from: Option<OffsetDateTime>,
    /// `created.lt` (strictly before).
    pub created_before: Option<OffsetDateTime>,
    /// `updated.gte`.
    pub updated_from: Option<OffsetDateTime>,
    /// `updated.lt` (strictly before).
    pub updated_before: Option<OffsetDateTime>,
    /// `referenceId.eq`.
    pub reference_id: Option<String>,
}

impl ListDeposits {
    /// The first page, no filters, the gateway's default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Skips `offset` items.
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets the page size.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Created at or after `from`.
    pub fn with_created_from(mut self, from: OffsetDateTime) -> Self {
        self.created_from = Some(from);
        self
    }

    /// Created strictly before `before`.
    pub fn with_created_before(mut self, before: OffsetDateTime) -> Self {
        self.created_before = Some(before);
        self
    }

    /// Updated at or after `from`.
    pub fn with_updated_from(mut self, from: OffsetDateTime) -> Self {
        self.updated_from = Some(from);
        self
    }

    /// Updated strictly before `before`.
    pub fn with_updated_before(mut self, before: OffsetDateTime) -> Self {
        self.updated_before = Some(before);
        self
    }

    /// Only payments with this `referenceId`.
    pub fn with_reference_id(mut self, reference: impl Into<String>) -> Self {
        self.reference_id = Some(reference.into());
        self
    }
}

impl Paytech {
    /// Lists deposits with every filter pay.tech has (see the crate docs, "Lists").
    pub async fn list_deposits(&self, query: ListDeposits) -> Result<Page<Payment>> {
        let page = async {
            let wire = mapping::list_query(&query)?;
            let answer = self.client.list_payments("list_payments", &wire).await?;
            mapping::to_deposit_page(&self.id, answer, query.offset.unwrap_or(0))
        };
        page.await.map_err(|e| e.or_provider(&self.id))
    }
}
