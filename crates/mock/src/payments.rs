//! The payment state machine (documented in the crate docs).

use paymux_core::{
    CancelPayment, Capabilities, CaptureMode, CapturePayment, ConfirmPayment, CreatePayment, Error,
    ErrorKind, Failure, ListPayments, Money, NextAction, Operation, Page, Payment, PaymentCustomer,
    PaymentId, PaymentStatus, Result,
};
use time::OffsetDateTime;

use crate::state::{PaymentRecord, State, conflict, page, remember, replay};
use crate::triggers;

fn set_status(payment: &mut Payment, status: PaymentStatus) {
    payment.status = status;
    payment.raw_status = status.as_str().to_owned();
    // The contract: a capturable amount only while something can be captured.
    if !matches!(status, PaymentStatus::RequiresCapture | PaymentStatus::PartiallyCaptured) {
        payment.amount_capturable = None;
    }
}

/// Runs the authorization step per the record's plan.
fn authorize(rec: &mut PaymentRecord) {
    let p = &mut rec.payment;
    p.next_action = None;
    let Some(plan) = &rec.plan else {
        set_status(p, PaymentStatus::RequiresPaymentMethod);
        return;
    };
    if let Some(redirect) = plan.redirect
        && !rec.action_done
    {
        p.next_action = Some(NextAction::Redirect { url: redirect.url(&p.id) });
        set_status(p, PaymentStatus::RequiresAction);
    } else if let Some(code) = &plan.decline {
        p.failure = Some(Failure {
            code: Some(code.clone()),
            gateway_code: Some(code.as_str().to_owned()),
            message: Some(format!("mock decline: {code}")),
        });
        set_status(p, PaymentStatus::Failed);
    } else if p.capture_mode == Some(CaptureMode::Manual) {
        p.amount_capturable = Some(rec.amount);
        set_status(p, PaymentStatus::RequiresCapture);
    } else {
        p.amount_captured = Some(rec.amount);
        p.amount_received = Some(rec.amount);
        set_status(p, PaymentStatus::Succeeded);
    }
}

fn invalid(message: String) -> Error {
    Error::invalid_request(message).with_http_status(400)
}

impl State {
    /// Emits the event for the payment at `idx` if its status changed, and returns it.
    fn commit(&mut self, idx: usize, before: Option<PaymentStatus>) -> Result<Payment> {
        let payment = self.payments[idx].payment.clone();
        self.emit_payment(before, &payment)?;
        Ok(payment)
    }

    pub(crate) fn create_payment(
        &mut self,
        caps: &Capabilities,
        req: CreatePayment,
    ) -> Result<Payment> {
        req.validate()?;
        let currency = req.amount.currency();
        if !caps.supports_currency(currency) {
            let message = format!("currency {} is not supported by this provider", currency.code());
            return Err(Error::new(ErrorKind::Unsupported, message));
        }
        if req.capture == CaptureMode::Manual {
            caps.require(Operation::CapturePayment)?;
        }
        let key = req.idempotency_key.clone().map(|k| (Operation::CreatePayment, k));
        let fingerprint = format!(
            "{:?}|{:?}|{}|{:?}|{:?}",
            req.amount,
            req.capture,
            req.confirm,
            req.merchant_reference,
            req.payment_method.as_ref().map(|m| m.kind())
        );
        if let Some(p) = replay(&self.payment_replays, key.clone(), &fingerprint)? {
            return Ok(p);
        }
        let customer_id = match &req.customer {
            Some(PaymentCustomer::Existing(id)) => {
                if !self.customers.iter().any(|c| &c.id == id) {
                    return Err(invalid(format!("no such customer: {id}")));
                }
                Some(id.clone())
            }
            _ => None,
        };
        let zero = Money::zero(currency)?;
        let id = self.next_payment_id();
        let mut payment = Payment::new(
            id,
            self.provider.clone(),
            PaymentStatus::RequiresPaymentMethod,
            "",
            req.amount,
        );
        payment.amount_captured = Some(zero);
        payment.amount_refunded = Some(zero);
        payment.capture_mode = Some(req.capture);
        payment.merchant_reference = req.merchant_reference;
        payment.description = req.description;
        payment.customer_id = customer_id;
        payment.metadata = req.metadata;
        payment.created_at = Some(OffsetDateTime::now_utc());
        let plan = req.payment_method.as_ref().map(|m| triggers::plan(m, &req.amount));
        let status = if plan.is_some() {
            PaymentStatus::RequiresConfirmation
        } else {
            PaymentStatus::RequiresPaymentMethod
        };
        set_status(&mut payment, status);
        let mut rec = PaymentRecord { payment, amount: req.amount, plan, action_done: false };
        if req.confirm {
            authorize(&mut rec);
        }
        self.payments.push(rec);
        let payment = self.commit(self.payments.len() - 1, None)?;
        remember(&mut self.payment_replays, key, fingerprint, payment.clone());
        Ok(payment)
    }

    pub(crate) fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        Ok(self.payments[self.payment_index(id)?].payment.clone())
    }

    pub(crate) fn confirm_payment(
        &mut self,
        id: &PaymentId,
        req: ConfirmPayment,
    ) -> Result<Payment> {
        let idx = self.payment_index(id)?;
        let key = req.idempotency_key.clone().map(|k| (Operation::ConfirmPayment, k));
        let fingerprint = format!("{id}|{:?}", req.payment_method.as_ref().map(|m| m.kind()));
        if let Some(p) = replay(&self.payment_replays, key.clone(), &fingerprint)? {
            return Ok(p);
        }
        let rec = &mut self.payments[idx];
        let before = rec.payment.status;
        match before {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresConfirmation => {
                if let Some(method) = &req.payment_method {
                    rec.plan = Some(triggers::plan(method, &rec.amount));
                }
                if rec.plan.is_none() {
                    return Err(invalid(format!(
                        "payment {id} has no payment method; pass one to confirm it"
                    )));
                }
            }
            PaymentStatus::RequiresAction => rec.action_done = true,
            other => {
                return Err(conflict(format!("cannot confirm payment {id} in status {other}")));
            }
        }
        authorize(rec);
        let payment = self.commit(idx, Some(before))?;
        remember(&mut self.payment_replays, key, fingerprint, payment.clone());
        Ok(payment)
    }

    pub(crate) fn capture_payment(
        &mut self,
        caps: &Capabilities,
        id: &PaymentId,
        req: CapturePayment,
    ) -> Result<Payment> {
        let idx = self.payment_index(id)?;
        let key = req.idempotency_key.clone().map(|k| (Operation::CapturePayment, k));
        let fingerprint = format!("{id}|{:?}", req.amount);
        if let Some(p) = replay(&self.payment_replays, key.clone(), &fingerprint)? {
            return Ok(p);
        }
        let before = self.payments[idx].payment.status;
        if before != PaymentStatus::RequiresCapture {
            return Err(conflict(format!("cannot capture payment {id} in status {before}")));
        }
        let authorized = self.payments[idx].amount;
        let amount = req.amount.unwrap_or(authorized);
        if amount.currency() != authorized.currency() {
            return Err(invalid(format!(
                "capture is in {} but payment {id} is in {}",
                amount.currency().code(),
                authorized.currency().code()
            )));
        }
        if amount.is_zero() || amount.amount_minor() > authorized.amount_minor() {
            return Err(invalid(format!("cannot capture {amount}: {authorized} is authorized")));
        }
        if amount != authorized {
            caps.require(Operation::PartialCapture)?;
            if let Some(e) = self.take_failure(Operation::PartialCapture) {
                return Err(e);
            }
        }
        let p = &mut self.payments[idx].payment;
        p.amount_captured = Some(amount);
        p.amount_received = Some(amount);
        set_status(p, PaymentStatus::Succeeded);
        let payment = self.commit(idx, Some(before))?;
        remember(&mut self.payment_replays, key, fingerprint, payment.clone());
        Ok(payment)
    }

    pub(crate) fn cancel_payment(&mut self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        let idx = self.payment_index(id)?;
        let key = req.idempotency_key.clone().map(|k| (Operation::CancelPayment, k));
        let fingerprint = id.to_string();
        if let Some(p) = replay(&self.payment_replays, key.clone(), &fingerprint)? {
            return Ok(p);
        }
        let p = &mut self.payments[idx].payment;
        let before = p.status;
        match before {
            PaymentStatus::RequiresCapture
            | PaymentStatus::RequiresConfirmation
            | PaymentStatus::RequiresPaymentMethod
            | PaymentStatus::RequiresAction => {}
            other => return Err(conflict(format!("cannot cancel payment {id} in status {other}"))),
        }
        p.next_action = None;
        set_status(p, PaymentStatus::Cancelled);
        let payment = self.commit(idx, Some(before))?;
        remember(&mut self.payment_replays, key, fingerprint, payment.clone());
        Ok(payment)
    }

    /// Newest first; offset cursors only.
    pub(crate) fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let matching: Vec<&Payment> = self
            .payments
            .iter()
            .rev()
            .map(|r| &r.payment)
            .filter(|p| query.status.is_none_or(|s| p.status == s))
            .filter(|p| query.customer.is_none() || p.customer_id == query.customer)
            .filter(|p| {
                query.merchant_reference.is_none()
                    || p.merchant_reference == query.merchant_reference
            })
            .filter(|p| query.created_from.is_none_or(|t| p.created_at.is_some_and(|c| c >= t)))
            .filter(|p| query.created_to.is_none_or(|t| p.created_at.is_some_and(|c| c <= t)))
            .collect();
        page(&matching, query.cursor.as_ref(), query.limit)
    }
}
