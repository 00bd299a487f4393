//! Paygentic's payments in memory and their state machine
//! `pending -> processing -> completed | expired | cancelled` (a pending payment may also
//! expire or be cancelled directly). Pure: no HTTP here.

use std::collections::{BTreeMap, HashMap};

use time::OffsetDateTime;

use super::api::{CreateRequest, LineItem};
use crate::kit::deadlines::Deadlines;

/// Amount trigger: the hosted page expires the payment instead of completing it.
pub(crate) const TRIGGER_EXPIRE_MINOR: u64 = 1313;
/// Amount trigger: the customer cancels on the hosted page (`cancelled`).
pub(crate) const TRIGGER_CANCEL_MINOR: u64 = 6666;
/// Amount trigger: the hosted page leaves the payment `processing` (never settles).
pub(crate) const TRIGGER_PROCESSING_MINOR: u64 = 7777;

/// A payment's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Processing,
    Completed,
    Expired,
    Cancelled,
}

impl Status {
    pub(crate) const ALL: [Status; 5] = [
        Status::Pending,
        Status::Processing,
        Status::Completed,
        Status::Expired,
        Status::Cancelled,
    ];

    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Completed => "completed",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.word() == word)
    }

    /// Whether `self -> to` is a move of the state machine.
    pub(crate) fn can_move_to(self, to: Status) -> bool {
        matches!(
            (self, to),
            (Status::Pending, Status::Processing | Status::Expired | Status::Cancelled)
                | (Status::Processing, Status::Completed | Status::Expired | Status::Cancelled)
        )
    }
}

/// One stored payment.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub id: String,
    pub amount_minor: u64,
    pub currency: String,
    pub status: Status,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub payment_url: String,
    pub customer_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub reference: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub line_items: Option<Vec<LineItem>>,
}

impl Payment {
    /// A new `pending` payment.
    pub(crate) fn new(
        id: String,
        payment_url: String,
        req: CreateRequest,
        now: OffsetDateTime,
    ) -> Self {
        let secs = i64::try_from(req.expires_in_secs).unwrap_or(i64::MAX);
        Payment {
            id,
            amount_minor: req.amount_minor,
            currency: req.currency,
            status: Status::Pending,
            created_at: now,
            expires_at: now.checked_add(time::Duration::seconds(secs)).unwrap_or(now),
            payment_url,
            customer_id: req.customer_id,
            idempotency_key: req.idempotency_key,
            reference: req.reference,
            metadata: req.metadata,
            line_items: req.line_items,
        }
    }

    /// What the customer's visit of the hosted page does, by amount.
    pub(crate) fn visit_outcome(&self) -> &'static [Status] {
        match self.amount_minor {
            TRIGGER_EXPIRE_MINOR => &[Status::Expired],
            TRIGGER_CANCEL_MINOR => &[Status::Cancelled],
            TRIGGER_PROCESSING_MINOR => &[Status::Processing],
            _ => &[Status::Processing, Status::Completed],
        }
    }
}

/// All payments of the emulator's one merchant. Every change is answered with the payment as
/// it is after the change (a snapshot to announce by webhook).
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// In creation order.
    payments: Vec<Payment>,
    by_id: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
    /// When each payment created pending expires (by index).
    expiries: Deadlines<usize>,
}

impl Store {
    /// The payment created earlier with `key`, if any.
    pub(crate) fn by_idempotency_key(&self, key: &str) -> Option<&Payment> {
        self.by_key.get(key).and_then(|&i| self.payments.get(i))
    }

    /// Stores a new payment.
    pub(crate) fn insert(&mut self, payment: Payment) -> &Payment {
        let idx = self.payments.len();
        self.by_id.insert(payment.id.clone(), idx);
        if let Some(k) = &payment.idempotency_key {
            self.by_key.insert(k.clone(), idx);
        }
        self.expiries.add(payment.expires_at, idx);
        self.payments.push(payment);
        &self.payments[idx]
    }

    /// A payment by id.
    pub(crate) fn get(&self, id: &str) -> Option<&Payment> {
        self.by_id.get(id).and_then(|&i| self.payments.get(i))
    }

    /// Moves payment `id` to `to` if the state machine allows it.
    pub(crate) fn transition(&mut self, id: &str, to: Status) -> Option<Payment> {
        let idx = *self.by_id.get(id)?;
        let p = self.payments.get_mut(idx)?;
        if !p.status.can_move_to(to) {
            return None;
        }
        p.status = to;
        Some(p.clone())
    }

    /// Runs the customer's visit of the hosted page (a pending payment only).
    pub(crate) fn visit(&mut self, id: &str) -> Vec<Payment> {
        let Some(p) = self.get(id).filter(|p| p.status == Status::Pending) else { return vec![] };
        let outcome = p.visit_outcome();
        outcome.iter().filter_map(|to| self.transition(id, *to)).collect()
    }

    /// Expires every pending payment whose `expiresAt` has passed.
    pub(crate) fn expire_due(&mut self, now: OffsetDateTime) -> Vec<Payment> {
        let mut changed = Vec::new();
        for idx in self.expiries.take_due(now) {
            if let Some(p) = self.payments.get_mut(idx)
                && p.status == Status::Pending
            {
                p.status = Status::Expired;
                changed.push(p.clone());
            }
        }
        changed
    }

    /// Payments matching the filters, newest first.
    pub(crate) fn filtered(
        &self,
        status: Option<Status>,
        customer_id: Option<&str>,
    ) -> Vec<&Payment> {
        self.payments
            .iter()
            .rev()
            .filter(|p| status.is_none_or(|s| p.status == s))
            .filter(|p| customer_id.is_none_or(|c| p.customer_id.as_deref() == Some(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine() {
        assert!(Status::Pending.can_move_to(Status::Processing));
        assert!(Status::Processing.can_move_to(Status::Completed));
        assert!(!Status::Pending.can_move_to(Status::Completed));
        assert!(!Status::Completed.can_move_to(Status::Expired));
        assert!(!Status::Expired.can_move_to(Status::Processing));
    }
}
