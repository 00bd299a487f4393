//! The mock's memory: resources, counters, idempotency records, scripted failures, outbox.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use paymux_core::{
    Customer, Error, ErrorKind, EventId, EventKind, ExposeSecret, IdempotencyKey, Money, Operation,
    Payment, PaymentId, PaymentStatus, ProviderId, Refund, Result, SecretString, WebhookResource,
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
