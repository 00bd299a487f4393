//! The mock's memory: resources, counters, idempotency records, scripted failures, outbox.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use paymux_core::{
    Customer, Dispute, Error, ErrorKind, EventId, EventKind, ExposeSecret, IdempotencyKey, Money,
    Operation, Page, PageCursor, Payment, PaymentId, PaymentStatus, Payout, ProviderId, Refund,
    Result, SecretString, WebhookResource,
};

use crate::calls::RecordedCall;
use crate::triggers::Plan;
use crate::webhook::{self, MockWebhook};

/// A payment plus what the mock needs to move it on.
#[derive(Debug)]
pub(crate) struct PaymentRecord {
    pub(crate) payment: Payment,
    /// The amount requested (the mock holds only amounts `Money` holds).
    pub(crate) amount: Money,
    /// `None` until a payment method is attached.
    pub(crate) plan: Option<Plan>,
    /// The customer completed the redirect step.
    pub(crate) action_done: bool,
}

/// Responses kept per idempotency key, with a fingerprint of the request they answered.
pub(crate) type Replays<K, T> = HashMap<K, (String, T)>;

#[derive(Debug, Default)]
struct Counters {
    payment: u64,
    refund: u64,
    customer: u64,
    payout: u64,
    dispute: u64,
    event: u64,
}

/// Everything behind the mock's one lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) provider: ProviderId,
    secret: SecretString,
    emit_webhooks: bool,
    counters: Counters,
    /// In creation order.
    pub(crate) payments: Vec<PaymentRecord>,
    pub(crate) refunds: Vec<Refund>,
    pub(crate) customers: Vec<Customer>,
    pub(crate) payouts: Vec<Payout>,
    pub(crate) disputes: Vec<Dispute>,
    pub(crate) payout_replays: Replays<IdempotencyKey, Payout>,
    pub(crate) payment_replays: Replays<(Operation, IdempotencyKey), Payment>,
    pub(crate) refund_replays: Replays<IdempotencyKey, Refund>,
    pub(crate) customer_replays: Replays<IdempotencyKey, Customer>,
    failures: HashMap<Operation, VecDeque<Error>>,
    pub(crate) calls: Vec<RecordedCall>,
    pub(crate) outbox: Vec<MockWebhook>,
}

impl State {
    pub(crate) fn new(provider: ProviderId, secret: SecretString, emit_webhooks: bool) -> Self {
        State {
            provider,
            secret,
            emit_webhooks,
            counters: Counters::default(),
            payments: Vec::new(),
            refunds: Vec::new(),
            customers: Vec::new(),
            payouts: Vec::new(),
            disputes: Vec::new(),
            payout_replays: HashMap::new(),
            payment_replays: HashMap::new(),
            refund_replays: HashMap::new(),
            customer_replays: HashMap::new(),
            failures: HashMap::new(),
            calls: Vec::new(),
            outbox: Vec::new(),
        }
    }

    pub(crate) fn secret(&self) -> &[u8] {
        self.secret.expose_secret().as_bytes()
    }

    pub(crate) fn next_payment_id(&mut self) -> PaymentId {
        PaymentId::new(format!("pay_mock_{}", bump(&mut self.counters.payment)))
    }

    pub(crate) fn next_refund_id(&mut self) -> String {
        format!("re_mock_{}", bump(&mut self.counters.refund))
    }

    pub(crate) fn next_customer_id(&mut self) -> String {
        format!("cus_mock_{}", bump(&mut self.counters.customer))
    }

    pub(crate) fn next_payout_id(&mut self) -> String {
        format!("po_mock_{}", bump(&mut self.counters.payout))
    }

    pub(crate) fn next_dispute_id(&mut self) -> String {
        format!("dp_mock_{}", bump(&mut self.counters.dispute))
    }

    /// The index of a payment, or [`ErrorKind::NotFound`].
    pub(crate) fn payment_index(&self, id: &PaymentId) -> Result<usize> {
        self.payments
            .iter()
            .position(|r| &r.payment.id == id)
            .ok_or_else(|| not_found("payment", id.as_str()))
    }

    /// Queues a scripted failure.
    pub(crate) fn push_failure(&mut self, op: Operation, error: Error) {
        self.failures.entry(op).or_default().push_back(error);
    }

    /// The next scripted failure for `op`, if any.
    pub(crate) fn take_failure(&mut self, op: Operation) -> Option<Error> {
        self.failures.get_mut(&op).and_then(VecDeque::pop_front)
    }

    /// Queues a signed event in the outbox (when the Webhooks capability is on).
    pub(crate) fn emit(&mut self, kind: EventKind, resource: WebhookResource) -> Result<()> {
        if !self.emit_webhooks {
            return Ok(());
        }
        let id = EventId::new(format!("evt_mock_{}", bump(&mut self.counters.event)));
        let hook = webhook::build(self.secret(), id, kind, resource)?;
        self.outbox.push(hook);
        Ok(())
    }

    /// Emits the event for a payment that moved to a new status.
    pub(crate) fn emit_payment(
        &mut self,
        before: Option<PaymentStatus>,
        payment: &Payment,
    ) -> Result<()> {
        if before == Some(payment.status) {
            return Ok(());
        }
        let kind = match payment.status {
            PaymentStatus::Succeeded => EventKind::PaymentSucceeded,
            PaymentStatus::Failed => EventKind::PaymentFailed,
            PaymentStatus::RequiresCapture => EventKind::PaymentAuthorized,
            PaymentStatus::Cancelled => EventKind::PaymentCancelled,
            PaymentStatus::RequiresAction => EventKind::PaymentActionRequired,
            _ => return Ok(()),
        };
        self.emit(kind, WebhookResource::Payment(payment.clone()))
    }
}

fn bump(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter
}

/// [`ErrorKind::NotFound`] for a resource id.
pub(crate) fn not_found(what: &str, id: &str) -> Error {
    Error::new(ErrorKind::NotFound, format!("no such {what}: {id}")).with_http_status(404)
}

/// [`ErrorKind::Conflict`] with a message.
pub(crate) fn conflict(message: String) -> Error {
    Error::new(ErrorKind::Conflict, message).with_http_status(409)
}

/// The stored response for `key`, if the same request was made before. A key reused with a
/// different request is refused, as gateways do.
pub(crate) fn replay<K: Eq + Hash, T: Clone>(
    replays: &Replays<K, T>,
    key: Option<K>,
    fingerprint: &str,
) -> Result<Option<T>> {
    match key.and_then(|k| replays.get(&k)) {
        None => Ok(None),
        Some((fp, value)) if fp == fingerprint => Ok(Some(value.clone())),
        Some(_) => {
            Err(Error::invalid_request("idempotency key reused with different request parameters")
                .with_http_status(400))
        }
    }
}

/// Stores the response for `key`, if there is one.
pub(crate) fn remember<K: Eq + Hash, T>(
    replays: &mut Replays<K, T>,
    key: Option<K>,
    fingerprint: String,
    value: T,
) {
    if let Some(k) = key {
        replays.insert(k, (fingerprint, value));
    }
}

/// Page size when a query gives none, and the most the mock returns at once.
const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 100;

/// One page of `matching` (in list order) from an offset cursor.
pub(crate) fn page<T: Clone>(
    matching: &[&T],
    cursor: Option<&PageCursor>,
    limit: Option<u32>,
) -> Result<Page<T>> {
    let offset = match cursor {
        None => 0,
        Some(PageCursor::Offset(n)) => usize::try_from(*n).unwrap_or(usize::MAX),
        Some(_) => {
            return Err(Error::invalid_request("the mock pages with offset cursors only")
                .with_http_status(400));
        }
    };
    let limit = usize::try_from(limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)).unwrap_or(1);
    let items: Vec<T> = matching.iter().skip(offset).take(limit).map(|t| (*t).clone()).collect();
    let end = offset.saturating_add(items.len());
    let has_more = end < matching.len();
    Ok(Page {
        next: has_more.then(|| PageCursor::Offset(u64::try_from(end).unwrap_or(u64::MAX))),
        has_more,
        total: u64::try_from(matching.len()).ok(),
        items,
    })
}
