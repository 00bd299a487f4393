//! Payouts and disputes.
//!
//! A payout is `Processing` when created (or `Failed` when sent to a declining test card) and
//! moves on only when the test says so ([`MockProvider::settle_payout`]); `cancel_payout`
//! cancels it while it is `Processing`. A dispute exists once the test opens one on a
//! succeeded payment ([`MockProvider::open_dispute`]); the merchant accepts it or answers
//! with evidence, and [`MockProvider::decide_dispute`] closes it.
//!
//! [`MockProvider::settle_payout`]: crate::MockProvider::settle_payout
//! [`MockProvider::open_dispute`]: crate::MockProvider::open_dispute
//! [`MockProvider::decide_dispute`]: crate::MockProvider::decide_dispute

use paymux_core::{
    CreatePayout, Dispute, DisputeEvidence, DisputeId, DisputeStage, DisputeStatus, Error,
    EventKind, Failure, ListDisputes, ListPayouts, Money, Page, PaymentId, PaymentStatus, Payout,
    PayoutId, PayoutStatus, Result, WebhookResource,
};
use time::{Duration, OffsetDateTime};

use crate::state::{State, conflict, not_found, page, remember, replay};
use crate::triggers;

impl State {
    pub(crate) fn create_payout(&mut self, req: CreatePayout) -> Result<Payout> {
        let fingerprint = format!(
            "{}|{:?}|{:?}|{:?}",
            req.amount,
            req.card().map(paymux_core::Card::last4),
            req.customer,
            req.merchant_reference
        );
        let key = req.idempotency_key.clone();
        if let Some(p) = replay(&self.payout_replays, key.clone(), &fingerprint)? {
            return Ok(p);
        }
        if req.amount.amount_minor() <= 0 {
            return Err(Error::invalid_request(format!("cannot pay out {}", req.amount))
                .with_http_status(400));
        }
        let decline = req.card().and_then(triggers::payout_decline);
        let status =
            if decline.is_some() { PayoutStatus::Failed } else { PayoutStatus::Processing };
        let id = PayoutId::new(self.next_payout_id());
        let mut payout =
            Payout::new(id, self.provider.clone(), status, status.as_str(), req.amount);
        payout.failure = decline.map(|code| Failure {
            gateway_code: Some(code.as_str().to_owned()),
            code: Some(code),
            message: Some("payout declined".to_owned()),
        });
        payout.customer_id = req.customer;
        payout.merchant_reference = req.merchant_reference;
        payout.description = req.description;
        payout.metadata = req.metadata;
        payout.created_at = Some(OffsetDateTime::now_utc());
        self.payouts.push(payout.clone());
        self.emit(EventKind::for_payout(status), WebhookResource::Payout(payout.clone()))?;
        remember(&mut self.payout_replays, key, fingerprint, payout.clone());
        Ok(payout)
    }

    pub(crate) fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        self.payouts
            .iter()
            .find(|p| &p.id == id)
            .cloned()
            .ok_or_else(|| not_found("payout", id.as_str()))
    }

    pub(crate) fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let matching: Vec<&Payout> = self
            .payouts
            .iter()
            .rev()
            .filter(|p| query.status.is_none_or(|s| p.status == s))
            .filter(|p| query.created_from.is_none_or(|t| p.created_at.is_some_and(|c| c >= t)))
            .filter(|p| query.created_to.is_none_or(|t| p.created_at.is_some_and(|c| c <= t)))
            .collect();
        page(&matching, query.cursor.as_ref(), query.limit)
    }

    /// Moves a payout on: `Processing` to any other status; `Succeeded` to `Reversed`.
    pub(crate) fn settle_payout(&mut self, id: &PayoutId, to: PayoutStatus) -> Result<Payout> {
        let payout = self
            .payouts
            .iter_mut()
            .find(|p| &p.id == id)
            .ok_or_else(|| not_found("payout", id.as_str()))?;
        let allowed = match payout.status {
            PayoutStatus::Processing | PayoutStatus::RequiresAction => to != payout.status,
            PayoutStatus::Succeeded => to == PayoutStatus::Reversed,
            _ => false,
        };
        if !allowed {
            return Err(conflict(format!(
                "payout {id} cannot move from {} to {to}",
                payout.status
            )));
        }
        payout.status = to;
        payout.raw_status = to.as_str().to_owned();
        payout.failure = (to == PayoutStatus::Failed)
            .then(|| Failure { message: Some("payout failed".to_owned()), ..Failure::default() });
        let payout = payout.clone();
        self.emit(EventKind::for_payout(to), WebhookResource::Payout(payout.clone()))?;
        Ok(payout)
    }

    pub(crate) fn cancel_payout(&mut self, id: &PayoutId) -> Result<Payout> {
        let status = self.get_payout(id)?.status;
        if !matches!(status, PayoutStatus::Processing | PayoutStatus::RequiresAction) {
            return Err(conflict(format!("cannot cancel payout {id} in status {status}")));
        }
        self.settle_payout(id, PayoutStatus::Cancelled)
    }

    pub(crate) fn open_dispute(
        &mut self,
        payment_id: &PaymentId,
        amount: Option<Money>,
    ) -> Result<Dispute> {
        let idx = self.payment_index(payment_id)?;
        let payment = &self.payments[idx].payment;
        if payment.status != PaymentStatus::Succeeded {
            return Err(conflict(format!(
                "payment {payment_id} is {}: only a succeeded payment can be disputed",
                payment.status
            )));
        }
        let amount = amount.or(payment.amount_captured).or(payment.amount);
        let id = DisputeId::new(self.next_dispute_id());
        let mut dispute = Dispute::new(
            id,
            self.provider.clone(),
            DisputeStatus::NeedsResponse,
            DisputeStatus::NeedsResponse.as_str(),
        );
        let now = OffsetDateTime::now_utc();
        dispute.payment_id = Some(payment_id.clone());
        dispute.stage = Some(DisputeStage::Chargeback);
        dispute.amount = amount;
        dispute.reason = Some("fraudulent".to_owned());
        dispute.reason_code = Some("10.4".to_owned());
        dispute.evidence_due_by = Some(now + Duration::days(7));
        dispute.created_at = Some(now);
        self.disputes.push(dispute.clone());
        self.emit(EventKind::DisputeOpened, WebhookResource::Dispute(dispute.clone()))?;
        Ok(dispute)
    }

    pub(crate) fn get_dispute(&self, id: &DisputeId) -> Result<Dispute> {
        self.disputes
            .iter()
            .find(|d| &d.id == id)
            .cloned()
            .ok_or_else(|| not_found("dispute", id.as_str()))
    }

    pub(crate) fn list_disputes(&self, query: ListDisputes) -> Result<Page<Dispute>> {
        let matching: Vec<&Dispute> = self
            .disputes
            .iter()
            .rev()
            .filter(|d| query.status.is_none_or(|s| d.status == s))
            .collect();
        page(&matching, query.cursor.as_ref(), query.limit)
    }

    /// Moves a dispute from `from` (one of them) to `to`, with its event.
    fn move_dispute(
        &mut self,
        id: &DisputeId,
        from: &[DisputeStatus],
        to: DisputeStatus,
    ) -> Result<Dispute> {
        let dispute = self
            .disputes
            .iter_mut()
            .find(|d| &d.id == id)
            .ok_or_else(|| not_found("dispute", id.as_str()))?;
        if !from.contains(&dispute.status) {
            return Err(conflict(format!(
                "dispute {id} is {}: cannot become {to}",
                dispute.status
            )));
        }
        dispute.status = to;
        dispute.raw_status = to.as_str().to_owned();
        let dispute = dispute.clone();
        self.emit(EventKind::for_dispute(to), WebhookResource::Dispute(dispute.clone()))?;
        Ok(dispute)
    }

    pub(crate) fn accept_dispute(&mut self, id: &DisputeId) -> Result<Dispute> {
        self.move_dispute(id, &[DisputeStatus::NeedsResponse], DisputeStatus::Accepted)
    }

    pub(crate) fn submit_dispute_evidence(
        &mut self,
        id: &DisputeId,
        evidence: &DisputeEvidence,
    ) -> Result<Dispute> {
        if evidence.is_empty() {
            return Err(Error::invalid_request("no evidence to submit").with_http_status(400));
        }
        self.move_dispute(id, &[DisputeStatus::NeedsResponse], DisputeStatus::UnderReview)
    }

    pub(crate) fn decide_dispute(&mut self, id: &DisputeId, won: bool) -> Result<Dispute> {
        let to = if won { DisputeStatus::Won } else { DisputeStatus::Lost };
        self.move_dispute(id, &[DisputeStatus::NeedsResponse, DisputeStatus::UnderReview], to)
    }
}
