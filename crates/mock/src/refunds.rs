//! Refunds and customers.

use paymux_core::{
    Capabilities, CreateCustomer, CreateRefund, Customer, CustomerId, Error, EventKind, Money,
    Operation, PaymentStatus, Refund, RefundId, RefundStatus, Result, WebhookResource,
};
use time::OffsetDateTime;

use crate::state::{State, conflict, not_found, remember, replay};

fn invalid(message: String) -> Error {
    Error::invalid_request(message).with_http_status(400)
}

impl State {
    /// Refunds settle at once (`Succeeded`); the payment's `amount_refunded` grows.
    pub(crate) fn create_refund(
        &mut self,
        caps: &Capabilities,
        req: CreateRefund,
    ) -> Result<Refund> {
        let id = &req.payment_id;
        let fingerprint = format!("{id}|{:?}", req.amount);
        let key = req.idempotency_key.clone();
        if let Some(r) = replay(&self.refund_replays, key.clone(), &fingerprint)? {
            return Ok(r);
        }
        let idx = self.payment_index(id)?;
        let (payment, requested) = (&self.payments[idx].payment, self.payments[idx].amount);
        if payment.status != PaymentStatus::Succeeded {
            let status = payment.status;
            return Err(conflict(format!("cannot refund payment {id} in status {status}")));
        }
        let zero = Money::zero(requested.currency())?;
        let captured = payment.amount_captured.unwrap_or(zero);
        let refunded = payment.amount_refunded.unwrap_or(zero);
        let remaining = captured.checked_sub(refunded)?;
        let amount = req.amount.unwrap_or(remaining);
        if amount.currency() != captured.currency() {
            return Err(invalid(format!(
                "refund is in {} but payment {id} is in {}",
                amount.currency().code(),
                captured.currency().code()
            )));
        }
        if amount.is_zero() || amount.amount_minor() > remaining.amount_minor() {
            return Err(invalid(format!(
                "cannot refund {amount}: {captured} captured, {refunded} already refunded"
            )));
        }
        if amount != captured {
            caps.require(Operation::PartialRefund)?;
            if let Some(e) = self.take_failure(Operation::PartialRefund) {
                return Err(e);
            }
        }
        let refund_id = RefundId::new(self.next_refund_id());
        let mut refund = Refund::new(
            refund_id,
            self.provider.clone(),
            id.clone(),
            RefundStatus::Succeeded,
            RefundStatus::Succeeded.as_str(),
            amount,
        );
        refund.reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
        refund.merchant_refund_id = req.merchant_refund_id;
        refund.metadata = req.metadata;
        refund.created_at = Some(OffsetDateTime::now_utc());
        self.payments[idx].payment.amount_refunded = Some(refunded.checked_add(amount)?);
        self.refunds.push(refund.clone());
        self.emit(EventKind::RefundSucceeded, WebhookResource::Refund(refund.clone()))?;
        remember(&mut self.refund_replays, key, fingerprint, refund.clone());
        Ok(refund)
    }

    pub(crate) fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        self.refunds
            .iter()
            .find(|r| &r.id == id)
            .cloned()
            .ok_or_else(|| not_found("refund", id.as_str()))
    }

    pub(crate) fn create_customer(&mut self, req: CreateCustomer) -> Result<Customer> {
        let fingerprint = format!("{:?}|{:?}", req.email, req.name);
        let key = req.idempotency_key.clone();
        if let Some(c) = replay(&self.customer_replays, key.clone(), &fingerprint)? {
            return Ok(c);
        }
        let customer = Customer {
            id: CustomerId::from_gateway(self.next_customer_id()),
            provider: self.provider.clone(),
            email: req.email,
            name: req.name,
            phone: req.phone,
            address: req.address,
            description: req.description,
            metadata: req.metadata,
            created_at: Some(OffsetDateTime::now_utc()),
        };
        self.customers.push(customer.clone());
        remember(&mut self.customer_replays, key, fingerprint, customer.clone());
        Ok(customer)
    }

    pub(crate) fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        self.customers
            .iter()
            .find(|c| &c.id == id)
            .cloned()
            .ok_or_else(|| not_found("customer", id.as_str()))
    }
}
