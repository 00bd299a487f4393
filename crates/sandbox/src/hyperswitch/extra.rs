//! Payouts, disputes, payment links and mandates of a Hyperswitch-shaped emulator: the routes
//! of Paychtec's guide beyond payments and refunds, and the webhooks they send. Pure.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Config;
use super::api::{ApiError, EvidenceRequest, PageFilter, PaymentLinkRequest, PayoutRequest};
use super::records::Records;
use super::state::{Event, fmt_time};

/// Payout status words reached (of Hyperswitch's `PayoutStatus`).
pub(crate) const PAYOUT_STATUSES: &[&str] = &[
    "requires_confirmation",
    "requires_fulfillment",
    "initiated",
    "pending",
    "success",
    "failed",
    "cancelled",
    "expired",
    "reversed",
];

/// One payout.
#[derive(Debug, Clone)]
pub(crate) struct Payout {
    pub seq: u64,
    pub object: serde_json::Map<String, Value>,
}

impl Payout {
    fn status(&self) -> &str {
        self.object.get("status").and_then(Value::as_str).unwrap_or_default()
    }

    fn set(&mut self, status: &str) {
        self.object.insert("status".into(), status.into());
        self.object.insert("updated".into(), fmt_time(crate::kit::now()).into());
    }

    fn amount(&self) -> i64 {
        self.object.get("amount").and_then(Value::as_i64).unwrap_or_default()
    }
}

/// One dispute.
#[derive(Debug, Clone)]
pub(crate) struct Dispute {
    pub seq: u64,
    pub object: serde_json::Map<String, Value>,
    pub evidence: Vec<Value>,
}

/// One payment link.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub seq: u64,
    pub object: Value,
}

/// One mandate.
#[derive(Debug, Clone)]
pub(crate) struct Mandate {
    pub object: serde_json::Map<String, Value>,
}

fn payout_event(status: &str) -> Option<&'static str> {
    Some(match status {
        "success" => "payout_success",
        "failed" => "payout_failed",
        "initiated" => "payout_initiated",
        "pending" => "payout_processing",
        "cancelled" => "payout_cancelled",
        "expired" => "payout_expired",
        "reversed" => "payout_reversed",
        _ => return None,
    })
}

fn page_of(mut items: Vec<(u64, Value)>, f: &PageFilter) -> Result<Value, ApiError> {
    items.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
    super::api::page(items.into_iter().map(|(_, v)| v).collect(), f.limit, f.offset)
}

impl Records {
    fn payout_change(&mut self, id: &str, to: &[&str]) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payouts.get_mut(id).ok_or_else(|| ApiError::not_found("Payout"))?;
        let mut events = Vec::new();
        for status in to {
            p.set(status);
            if let Some(t) = payout_event(status) {
                events.push((t, "payout_details", Value::Object(p.object.clone())));
            }
        }
        Ok((Value::Object(p.object.clone()), events))
    }

    /// `POST /payouts/create`.
    pub(crate) fn create_payout(
        &mut self,
        cfg: &Config,
        b: PayoutRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let amount = b.amount.ok_or_else(|| ApiError::missing("amount"))?;
        if amount <= 0 {
            return Err(ApiError::invalid("amount", "must be greater than 0 (minor units)"));
        }
        let currency =
            super::currency(b.currency.clone())?.ok_or_else(|| ApiError::missing("currency"))?;
        let id = self.fresh_id("payout_", |id| self.payouts.contains_key(id));
        let status = if b.confirm.unwrap_or(false) {
            "requires_fulfillment"
        } else {
            "requires_confirmation"
        };
        let now = fmt_time(crate::kit::now());
        let object = json!({
            "payout_id": id, "merchant_id": cfg.merchant_id, "amount": amount, "currency": currency,
            "customer_id": b.customer_id, "payout_type": b.payout_type, "description": b.description,
            "metadata": b.metadata, "status": status, "error_code": null, "error_message": null,
            "connector": "sandbox", "auto_fulfill": b.auto_fulfill.unwrap_or(false),
            "merchant_order_reference_id": b.merchant_order_reference_id,
            "profile_id": cfg.profile_id(), "created": now, "updated": now,
        });
        let Value::Object(object) = object else { return Err(ApiError::missing("payout")) };
        let seq = self.next_seq();
        self.payouts.insert(id.clone(), Payout { seq, object });
        if b.confirm.unwrap_or(false) && b.auto_fulfill.unwrap_or(false) {
            return self.fulfill_payout(&id);
        }
        Ok((Value::Object(self.payouts[&id].object.clone()), vec![]))
    }

    /// `PUT /payouts/{id}`: before fulfillment only.
    pub(crate) fn update_payout(
        &mut self,
        id: &str,
        b: PayoutRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payouts.get_mut(id).ok_or_else(|| ApiError::not_found("Payout"))?;
        if !matches!(p.status(), "requires_confirmation" | "requires_fulfillment") {
            return Err(ApiError::bad_state(
                "Payout",
                "updated",
                p.status(),
                "requires_confirmation, requires_fulfillment",
            ));
        }
        if let Some(a) = b.amount {
            p.object.insert("amount".into(), a.into());
        }
        if let Some(d) = b.description {
            p.object.insert("description".into(), d.into());
        }
        if let Some(m) = b.metadata {
            p.object.insert("metadata".into(), Value::Object(m));
        }
        if let Some(r) = b.merchant_order_reference_id {
            p.object.insert("merchant_order_reference_id".into(), r.into());
        }
        if b.confirm == Some(true) && b.auto_fulfill == Some(true) {
            return self.fulfill_payout(id);
        }
        if b.confirm == Some(true) {
            p.set("requires_fulfillment");
        }
        Ok((Value::Object(p.object.clone()), vec![]))
    }

    /// `POST /payouts/{id}/fulfill`: amount 9995 fails, 7777 stays `pending`, any other
    /// succeeds (`initiated`, then `success`).
    pub(crate) fn fulfill_payout(&mut self, id: &str) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payouts.get(id).ok_or_else(|| ApiError::not_found("Payout"))?;
        if !matches!(p.status(), "requires_confirmation" | "requires_fulfillment") {
            return Err(ApiError::bad_state(
                "Payout",
                "fulfilled",
                p.status(),
                "requires_fulfillment",
            ));
        }
        let path: &[&str] = match p.amount() {
            9995 => &["initiated", "failed"],
            7777 => &["initiated", "pending"],
            _ => &["initiated", "success"],
        };
        self.payout_change(id, path)
    }

    /// `POST /payouts/{id}/cancel`.
    pub(crate) fn cancel_payout(&mut self, id: &str) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payouts.get(id).ok_or_else(|| ApiError::not_found("Payout"))?;
        if !matches!(p.status(), "requires_confirmation" | "requires_fulfillment" | "pending") {
            return Err(ApiError::bad_state(
                "Payout",
                "cancelled",
                p.status(),
                "requires_confirmation, requires_fulfillment, pending",
            ));
        }
        self.payout_change(id, &["cancelled"])
    }

    /// Sandbox only: a payout moves to `to` (`success` from `pending`, `expired`, `reversed`
    /// from `success`).
    pub(crate) fn move_payout(
        &mut self,
        id: &str,
        to: &str,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payouts.get(id).ok_or_else(|| ApiError::not_found("Payout"))?;
        let ok = matches!(
            (p.status(), to),
            ("pending", "success" | "failed" | "expired")
                | ("requires_fulfillment", "expired")
                | ("success", "reversed")
        );
        if !ok {
            return Err(ApiError::bad_state(
                "Payout",
                to,
                p.status(),
                "pending, requires_fulfillment or success",
            ));
        }
        let to = PAYOUT_STATUSES.iter().find(|s| **s == to).copied().unwrap_or("expired");
        self.payout_change(id, &[to])
    }

    pub(crate) fn get_payout(&self, id: &str) -> Result<Value, ApiError> {
        self.payouts
            .get(id)
            .map(|p| Value::Object(p.object.clone()))
            .ok_or_else(|| ApiError::not_found("Payout"))
    }

    pub(crate) fn list_payouts(&self, f: PageFilter) -> Result<Value, ApiError> {
        let items = self
            .payouts
            .values()
            .filter(|p| {
                f.customer_id
                    .as_ref()
                    .is_none_or(|c| p.object.get("customer_id").and_then(Value::as_str) == Some(c))
            })
            .filter(|p| f.status.as_ref().is_none_or(|s| s.iter().any(|w| w == p.status())))
            .map(|p| (p.seq, Value::Object(p.object.clone())))
            .collect();
        page_of(items, &f)
    }

    /// Opens a dispute on a succeeded payment (`dispute_opened`).
    pub(crate) fn open_dispute(
        &mut self,
        cfg: &Config,
        payment_id: &str,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let p = self.payment(payment_id)?;
        if !p.refundable() {
            return Err(ApiError::bad_state("Payment", "disputed", p.status.word(), "succeeded"));
        }
        let (amount, currency) = (p.amount_received, p.currency.clone());
        let id = self.fresh_id("dp_", |id| self.disputes.contains_key(id));
        let now = crate::kit::now();
        let object = json!({
            "dispute_id": id, "payment_id": payment_id, "attempt_id": format!("{payment_id}_1"),
            "amount": amount.to_string(), "currency": currency, "dispute_stage": "dispute",
            "dispute_status": "dispute_opened", "connector": "sandbox", "connector_status": "needs_response",
            "connector_dispute_id": format!("sbx_{id}"), "connector_reason": "fraudulent",
            "challenge_required_by": fmt_time(now + time::Duration::days(7)), "created_at": fmt_time(now),
            "profile_id": cfg.profile_id(), "merchant_connector_id": "mca_sandbox",
        });
        let Value::Object(object) = object else { return Err(ApiError::missing("dispute")) };
        let seq = self.next_seq();
        self.disputes.insert(id.clone(), Dispute { seq, object: object.clone(), evidence: vec![] });
        Ok((
            Value::Object(object.clone()),
            vec![("dispute_opened", "dispute_details", Value::Object(object))],
        ))
    }

    /// Moves a dispute to `to` if it is in one of `from`.
    pub(crate) fn move_dispute(
        &mut self,
        id: &str,
        from: &[&str],
        to: &'static str,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let d = self.disputes.get_mut(id).ok_or_else(|| ApiError::not_found("Dispute"))?;
        let now =
            d.object.get("dispute_status").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !from.contains(&now.as_str()) {
            return Err(ApiError::bad_state("Dispute", to, &now, &from.join(", ")));
        }
        d.object.insert("dispute_status".into(), to.into());
        d.object.insert("modified_at".into(), fmt_time(crate::kit::now()).into());
        let object = Value::Object(d.object.clone());
        Ok((object.clone(), vec![(to, "dispute_details", object)]))
    }

    /// `POST /disputes/evidence`: the dispute is challenged.
    pub(crate) fn submit_evidence(
        &mut self,
        b: EvidenceRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let id = b.dispute_id.clone().ok_or_else(|| ApiError::missing("dispute_id"))?;
        let done = self.move_dispute(&id, &["dispute_opened"], "dispute_challenged")?;
        if let Some(d) = self.disputes.get_mut(&id) {
            let documents = b.documents();
            if documents.is_empty() {
                d.evidence.push(json!({"evidence_type": b.evidence_type.clone().unwrap_or_else(|| "uncategorized_file".into()), "submitted_at": fmt_time(crate::kit::now())}));
            }
            for (kind, file_id) in documents {
                d.evidence.retain(|e| e["evidence_type"] != kind);
                d.evidence.push(json!({
                    "evidence_type": kind,
                    "file_metadata_response": {"file_id": file_id, "file_name": null, "file_size": 0, "file_type": "application/pdf", "available": true},
                }));
            }
        }
        Ok(done)
    }

    pub(crate) fn get_dispute(&self, id: &str) -> Result<&Dispute, ApiError> {
        self.disputes.get(id).ok_or_else(|| ApiError::not_found("Dispute"))
    }

    /// `GET /disputes/list`: a bare array, newest first, from `offset`, only the disputes in
    /// one of `statuses` when given.
    pub(crate) fn list_disputes(
        &self,
        limit: usize,
        offset: usize,
        statuses: Option<&[&str]>,
    ) -> Value {
        let mut found: Vec<&Dispute> = self
            .disputes
            .values()
            .filter(|d| {
                let status = d.object.get("dispute_status").and_then(Value::as_str);
                statuses.is_none_or(|s| status.is_some_and(|w| s.contains(&w)))
            })
            .collect();
        found.sort_by_key(|d| std::cmp::Reverse(d.seq));
        Value::Array(
            found
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|d| Value::Object(d.object.clone()))
                .collect(),
        )
    }

    /// `POST /payment_link`.
    pub(crate) fn create_link(
        &mut self,
        public_url: &str,
        b: PaymentLinkRequest,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let amount = b.amount.ok_or_else(|| ApiError::missing("amount"))?;
        if amount <= 0 {
            return Err(ApiError::invalid("amount", "must be greater than 0 (minor units)"));
        }
        let currency = super::currency(b.currency)?.ok_or_else(|| ApiError::missing("currency"))?;
        if let Some(t) = b.link_type.as_deref().filter(|t| !matches!(*t, "one_time" | "reusable")) {
            return Err(ApiError::invalid(
                "link_type",
                &format!("{t}: expected one_time or reusable"),
            ));
        }
        let expiry = super::time_of("expiry", b.expiry.as_deref())?;
        let id = self.fresh_id("plink_", |id| self.links.contains_key(id));
        let status =
            if expiry.is_some_and(|t| t <= crate::kit::now()) { "expired" } else { "active" };
        let object = json!({
            "payment_link_id": id, "link": format!("{public_url}/payment_link/{id}"), "amount": amount,
            "currency": currency, "description": b.description, "link_type": b.link_type.unwrap_or_else(|| "one_time".into()),
            "status": status, "expiry": expiry.map(fmt_time), "customer_id": b.customer_id,
            "created_at": fmt_time(crate::kit::now()), "metadata": b.metadata,
        });
        let seq = self.next_seq();
        self.links.insert(id, Link { seq, object: object.clone() });
        Ok((object, vec![]))
    }

    pub(crate) fn list_links(&self, f: PageFilter) -> Result<Value, ApiError> {
        page_of(self.links.values().map(|l| (l.seq, l.object.clone())).collect(), &f)
    }

    /// A mandate for a payment confirmed with `setup_future_usage: off_session` and a
    /// `customer_acceptance` (`mandate_active`).
    pub(crate) fn create_mandate(
        &mut self,
        payment_id: &str,
        acceptance: Value,
        customer_id: Option<String>,
    ) -> (String, Event) {
        let id = self.fresh_id("man_", |id| self.mandates.contains_key(id));
        let object = json!({
            "mandate_id": id, "status": "active", "payment_method": "card", "payment_method_id": format!("pm_{payment_id}"),
            "customer_id": customer_id, "customer_acceptance": acceptance, "created_at": fmt_time(crate::kit::now()),
        });
        let Value::Object(map) = object.clone() else {
            return (id, ("mandate_active", "mandate_details", object));
        };
        self.mandates.insert(id.clone(), Mandate { object: map });
        (id, ("mandate_active", "mandate_details", object))
    }

    /// Sandbox only: revokes a mandate (`mandate_revoked`).
    pub(crate) fn revoke_mandate(&mut self, id: &str) -> Result<(Value, Vec<Event>), ApiError> {
        let m = self.mandates.get_mut(id).ok_or_else(|| ApiError::not_found("Mandate"))?;
        if m.object.get("status").and_then(Value::as_str) != Some("active") {
            return Err(ApiError::bad_state("Mandate", "revoked", "revoked", "active"));
        }
        m.object.insert("status".into(), "revoked".into());
        let object = Value::Object(m.object.clone());
        Ok((object.clone(), vec![("mandate_revoked", "mandate_details", object)]))
    }

    /// Sandbox only: a subscription invoice is paid (`invoice_paid`).
    pub(crate) fn invoice_paid(
        &mut self,
        amount: i64,
        currency: &str,
        now: OffsetDateTime,
    ) -> (Value, Vec<Event>) {
        let id = self.ids.next("inv_");
        let object = json!({
            "id": id, "subscription_id": self.ids.next("sub_"), "status": "paid", "amount": amount,
            "currency": currency, "paid_at": fmt_time(now),
        });
        (object.clone(), vec![("invoice_paid", "subscription_details", object)])
    }
}
