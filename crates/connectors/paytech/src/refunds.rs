//! What a refund without an amount asks for: what is left of its deposit (the crate docs,
//! "Refunds").
//!
//! pay.tech keeps no refunded amount on a deposit, and its list route has no parent filter, so
//! the refunds of a deposit are found by listing every payment created since the deposit and
//! keeping the refunds that name it as their parent.

use paymux_core::{CreateRefund, Error, Money, Result};
use time::OffsetDateTime;

use crate::Paytech;
use crate::mapping;
use crate::wire::PaymentType;

/// How many pages of [`mapping::REFUND_SCAN_PAGE`] payments the scan reads at most before it
/// gives up (and asks for an explicit amount) rather than walk a shop's whole history.
pub(crate) const MAX_REFUND_SCAN_PAGES: u64 = 10;

impl Paytech {
    /// The deposit's amount (in the currency of its request) less every refund of it that
    /// still counts. Refused with `InvalidRequest`, nothing sent, when nothing is left or when
    /// the refunds cannot all be counted.
    pub(crate) async fn refund_remainder(&self, req: &CreateRefund) -> Result<Money> {
        let parent = self.client.get_payment("create_refund", req.payment_id.as_str()).await?;
        mapping::expect_type(&parent, PaymentType::Deposit)?;
        let total = mapping::refundable(&parent, &req.payment_id)?;
        // Without a creation time, every payment of the shop is a candidate.
        let since = parent
            .created
            .as_deref()
            .and_then(mapping::parse_time)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut refunded = Money::zero(total.currency())
            .map_err(|e| Error::invalid_request(format!("refund currency: {e}")))?;
        let mut offset = 0_u64;
        for _ in 0..MAX_REFUND_SCAN_PAGES {
            let query = mapping::refund_scan_query(since, offset)?;
            let page = self.client.list_payments("list_payments", &query).await?;
            let results = page.result.unwrap_or_default();
            refunded = mapping::add_refunds(refunded, &results, &req.payment_id)?;
            if !page.has_more.unwrap_or(false) || results.is_empty() {
                return mapping::remainder(total, refunded, &req.payment_id);
            }
            offset = offset.saturating_add(u64::try_from(results.len()).unwrap_or(u64::MAX));
        }
        Err(Error::invalid_request(format!(
            "payment {} has more than {} payments created after it, too many to count its \
             refunds: give the refund an amount",
            req.payment_id,
            MAX_REFUND_SCAN_PAGES * u64::from(mapping::REFUND_SCAN_PAGE)
        )))
    }
}
