//! Everything one Hyperswitch-shaped emulator stores: payments, refunds, customers, and (in
//! [`super::extra`]) payouts, disputes, payment links and mandates. Pure and synchronous.

use std::collections::HashMap;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Config;
use super::api::{ApiError, CustomerRequest, RefundListFilter, RefundRequest, RefundUpdate};
use super::extra::{Dispute, Link, Mandate, Payout};
use super::state::{Event, Payment, fmt_time};
use crate::kit::deadlines::Deadlines;
use crate::kit::server::IdGen;

/// A refund's status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefundStatus {
    Succeeded,
    Failed,
    Pending,
    Review,
}

impl RefundStatus {
    pub(crate) fn word(self) -> &'static str {
        match self {
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Pending => "pending",
            RefundStatus::Review => "review",
        }
    }

    /// Refund amount triggers: 9995 fails, 7777 stays `pending`, 5555 goes to `review`.
    fn for_amount(amount: i64) -> RefundStatus {
        match amount {
            9995 => RefundStatus::Failed,
            7777 => RefundStatus::Pending,
            5555 => RefundStatus::Review,
            _ => RefundStatus::Succeeded,
        }
    }

    /// The webhook of entering this state (`pending` and `review` have none).
    pub(crate) fn event(self) -> Option<&'static str> {
        match self {
            RefundStatus::Succeeded => Some("refund_succeeded"),
            RefundStatus::Failed => Some("refund_failed"),
            RefundStatus::Pending | RefundStatus::Review => None,
        }
    }
}

/// One refund.
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: String,
    pub seq: u64,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub status: RefundStatus,
    pub reason: Option<String>,
    pub refund_type: String,
    pub metadata: Option<Value>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub profile_id: String,
}

impl Refund {
    pub(crate) fn json(&self) -> Value {
        let failed = self.status == RefundStatus::Failed;
        json!({
            "refund_id": self.id, "payment_id": self.payment_id, "amount": self.amount,
            "currency": self.currency, "status": self.status.word(), "reason": self.reason,
            "refund_type": self.refund_type, "metadata": self.metadata,
            "error_code": failed.then_some("refund_failed"),
            "error_message": failed.then_some("The processor refused the refund."),
            "created_at": fmt_time(self.created), "updated_at": fmt_time(self.updated),
            "connector": "sandbox", "profile_id": self.profile_id,
        })
    }
}

/// One customer, kept as answered.
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub seq: u64,
    pub object: serde_json::Map<String, Value>,
}

/// All of an emulator's state.
#[derive(Debug, Default)]
pub(crate) struct Records {
    pub payments: HashMap<String, Payment>,
    pub refunds: HashMap<String, Refund>,
    pub customers: HashMap<String, Customer>,
    pub payouts: HashMap<String, Payout>,
    pub disputes: HashMap<String, Dispute>,
    pub links: HashMap<String, Link>,
    pub mandates: HashMap<String, Mandate>,
    /// When each payment created with a `session_expiry` expires (by id).
    pub expiries: Deadlines<String>,
    seq: u64,
    pub ids: IdGen,
}

impl Records {
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh id with `prefix` that no record of `taken` has.
    pub(crate) fn fresh_id(&self, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = self.ids.next(prefix);
            if !taken(&id) {
                return id;
            }
        }
    }

    pub(crate) fn payment(&self, id: &str) -> Result<&Payment, ApiError> {
        self.payments.get(id).ok_or_else(|| ApiError::not_found("Payment"))
    }

    pub(crate) fn payment_mut(&mut self, id: &str) -> Result<&mut Payment, ApiError> {
        self.payments.get_mut(id).ok_or_else(|| ApiError::not_found("Payment"))
    }

    /// The webhook envelope of one change.
    pub(crate) fn event(
        &self,
        event_type: &'static str,
        content_type: &'static str,
        object: Value,
    ) -> Event {
        (event_type, content_type, object)
    }

    /// The refunds of a payment, oldest first, as answered.
    pub(crate) fn refunds_of(&self, payment_id: &str) -> Vec<Value> {
        let mut found: Vec<&Refund> =
            self.refunds.values().filter(|r| r.payment_id == payment_id).collect();
        found.sort_by_key(|r| r.seq);
        found.into_iter().map(Refund::json).collect()
    }

    /// `customer` of a payment answer.
    pub(crate) fn customer_summary(&self, id: Option<&str>) -> Option<Value> {
        let id = id?;
        Some(match self.customers.get(id) {
            Some(c) => {
                let o = &c.object;
                json!({"id": id, "name": o.get("name"), "email": o.get("email"), "phone": o.get("phone"), "phone_country_code": o.get("phone_country_code")})
            }
            None => json!({"id": id}),
        })
    }

    /// The payment as answered, with the webhook of its current status (if it has one).
    pub(crate) fn payment_done(&self, cfg: &Config, id: &str) -> (Value, Vec<Event>) {
        let Some(p) = self.payments.get(id) else { return (Value::Null, vec![]) };
        let body = p.json(cfg, self);
        let events = p
            .status
            .event()
            .map(|t| vec![self.event(t, "payment_details", body.clone())])
            .unwrap_or_default();
        (body, events)
    }

    fn refunded(&self, payment_id: &str) -> i64 {
        self.refunds
            .values()
            .filter(|r| r.payment_id == payment_id && r.status != RefundStatus::Failed)
            .map(|r| r.amount)
            .sum()
    }

    /// `POST /refunds`.
    pub(crate) fn create_refund(
        &mut self,
        cfg: &Config,
        b: RefundRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let payment_id = b.payment_id.ok_or_else(|| ApiError::missing("payment_id"))?;
        if let Some(r) = &b.refund_id {
            super::check_id("refund_id", r, 30)?;
        }
        if b.amount.is_some_and(|a| a <= 0) {
            return Err(ApiError::invalid("amount", "must be greater than 0 (minor units)"));
        }
        if b.reason.as_ref().is_some_and(|r| r.chars().count() > 255) {
            return Err(ApiError::invalid("reason", "at most 255 characters"));
        }
        let refund_type = b.refund_type.unwrap_or_else(|| "Instant".into());
        if !matches!(refund_type.to_ascii_lowercase().as_str(), "instant" | "scheduled") {
            return Err(ApiError::invalid("refund_type", "expected Instant or Scheduled"));
        }
        let p = self.payment(&payment_id)?;
        if let Some(existing) = b.refund_id.as_ref().and_then(|r| self.refunds.get(r)) {
            if existing.payment_id == payment_id && b.amount.is_none_or(|a| a == existing.amount) {
                return Ok((existing.json(), vec![]));
            }
            return Err(ApiError::duplicate(
                "Duplicate refund request. Refund already attempted with the refund ID",
            ));
        }
        if !p.refundable() {
            return Err(ApiError::bad_state(
                "Payment",
                "refunded",
                p.status.word(),
                "succeeded, partially_captured",
            ));
        }
        let remaining = p.amount_received - self.refunded(&payment_id);
        let amount = b.amount.unwrap_or(remaining);
        if amount > remaining || amount <= 0 {
            let message = format!(
                "The refund amount exceeds the amount captured: {amount} asked, {remaining} left to refund"
            );
            return Err(ApiError::new(400, "invalid_request", "IR_13", message));
        }
        let currency = p.currency.clone();
        let id = b
            .refund_id
            .unwrap_or_else(|| self.fresh_id("ref_", |id| self.refunds.contains_key(id)));
        let now = crate::kit::now();
        let refund = Refund {
            id: id.clone(),
            seq: self.next_seq(),
            payment_id,
            amount,
            currency,
            status: RefundStatus::for_amount(amount),
            reason: b.reason,
            refund_type,
            metadata: b.metadata.map(Value::Object),
            created: now,
            updated: now,
            profile_id: cfg.profile_id().to_owned(),
        };
        let answer = refund.json();
        let events = refund
            .status
            .event()
            .map(|t| vec![self.event(t, "refund_details", answer.clone())])
            .unwrap_or_default();
        self.refunds.insert(id, refund);
        Ok((answer, events))
    }

    /// `POST /refunds/{id}`: `reason` and `metadata`.
    pub(crate) fn update_refund(
        &mut self,
        id: &str,
        b: RefundUpdate,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let r = self.refunds.get_mut(id).ok_or_else(|| ApiError::not_found("Refund"))?;
        if b.reason.is_some() {
            r.reason = b.reason;
        }
        if let Some(m) = b.metadata {
            r.metadata = Some(Value::Object(m));
        }
        r.updated = crate::kit::now();
        Ok((r.json(), vec![]))
    }

    /// Sandbox only: a `pending` or `review` refund succeeds.
    pub(crate) fn settle_refund(&mut self, id: &str) -> Result<(Value, Vec<Event>), ApiError> {
        let r = self.refunds.get_mut(id).ok_or_else(|| ApiError::not_found("Refund"))?;
        if !matches!(r.status, RefundStatus::Pending | RefundStatus::Review) {
            return Err(ApiError::bad_state(
                "Refund",
                "settled",
                r.status.word(),
                "pending, review",
            ));
        }
        r.status = RefundStatus::Succeeded;
        r.updated = crate::kit::now();
        let answer = r.json();
        Ok((answer.clone(), vec![("refund_succeeded", "refund_details", answer)]))
    }

    /// `POST /refunds/list`.
    pub(crate) fn list_refunds(&self, f: RefundListFilter) -> Result<Value, ApiError> {
        let (from, to) = (
            super::time_of("start_time", f.start_time.as_deref())?,
            super::time_of("end_time", f.end_time.as_deref())?,
        );
        let amount = f.amount_filter.unwrap_or_default();
        let mut found: Vec<&Refund> = self
            .refunds
            .values()
            .filter(|r| f.payment_id.as_ref().is_none_or(|p| &r.payment_id == p))
            .filter(|r| f.refund_id.as_ref().is_none_or(|id| &r.id == id))
            .filter(|r| {
                f.refund_status.as_ref().is_none_or(|s| s.iter().any(|w| w == r.status.word()))
            })
            .filter(|r| f.currency.as_ref().is_none_or(|c| c.contains(&r.currency)))
            .filter(|r| from.is_none_or(|t| r.created >= t) && to.is_none_or(|t| r.created <= t))
            .filter(|r| {
                amount.start_amount.is_none_or(|a| r.amount >= a)
                    && amount.end_amount.is_none_or(|a| r.amount <= a)
            })
            .collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        super::api::page(found.into_iter().map(Refund::json).collect(), f.limit, f.offset)
    }

    fn customer_fields(
        b: &CustomerRequest,
        o: &mut serde_json::Map<String, Value>,
    ) -> Result<(), ApiError> {
        if let Some(e) = &b.email {
            super::check_email("email", e)?;
        }
        let fields = [
            ("name", &b.name),
            ("email", &b.email),
            ("phone", &b.phone),
            ("phone_country_code", &b.phone_country_code),
            ("description", &b.description),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                o.insert(k.into(), v.clone().into());
            }
        }
        if let Some(a) = &b.address {
            o.insert("address".into(), a.clone());
        }
        if let Some(m) = &b.metadata {
            o.insert("metadata".into(), Value::Object(m.clone()));
        }
        Ok(())
    }

    /// `POST /customers`.
    pub(crate) fn create_customer(
        &mut self,
        b: CustomerRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        if let Some(id) = &b.customer_id {
            super::check_id("customer_id", id, 64)?;
            if self.customers.contains_key(id) {
                return Err(ApiError::duplicate(
                    "Customer with the given `customer_id` already exists",
                ));
            }
        }
        let id = b
            .customer_id
            .clone()
            .unwrap_or_else(|| self.fresh_id("cus_", |id| self.customers.contains_key(id)));
        let mut object = serde_json::Map::new();
        for k in [
            "name",
            "email",
            "phone",
            "phone_country_code",
            "description",
            "address",
            "metadata",
            "default_payment_method_id",
        ] {
            object.insert(k.into(), Value::Null);
        }
        object.insert("customer_id".into(), id.clone().into());
        object.insert("created_at".into(), fmt_time(crate::kit::now()).into());
        Self::customer_fields(&b, &mut object)?;
        let seq = self.next_seq();
        self.customers.insert(id, Customer { seq, object: object.clone() });
        Ok((Value::Object(object), vec![]))
    }

    /// `POST /customers/{id}`.
    pub(crate) fn update_customer(
        &mut self,
        id: &str,
        b: CustomerRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        if b.customer_id.as_deref().is_some_and(|c| c != id) {
            return Err(ApiError::invalid("customer_id", "cannot be changed"));
        }
        let c = self.customers.get_mut(id).ok_or_else(|| ApiError::not_found("Customer"))?;
        let mut object = c.object.clone();
        Self::customer_fields(&b, &mut object)?;
        c.object = object.clone();
        Ok((Value::Object(object), vec![]))
    }

    /// `GET /customers/list`: a bare array, newest first.
    pub(crate) fn list_customers(&self, limit: usize, offset: usize) -> Value {
        let mut found: Vec<&Customer> = self.customers.values().collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        Value::Array(
            found
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|c| Value::Object(c.object.clone()))
                .collect(),
        )
    }
}
