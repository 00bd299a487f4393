//! Shared test helpers: every payment the connector returns is checked against the contract.
#![allow(dead_code)]

use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Customer, CustomerId, ListPayments, Page, Payment, PaymentId, PaymentProvider,
    ProviderId, Refund, RefundId, Result, WebhookEvent, WebhookResource,
};

/// Panics when `p` breaks the contract's field rules ([`Payment::contract_breach`]).
pub fn check(p: &Payment) {
    assert_eq!(p.contract_breach(), None, "{p:?}");
}

/// Checks the payment a webhook event carries, if any.
pub fn check_event(e: &WebhookEvent) {
    if let WebhookResource::Payment(p) = &e.resource {
        check(p);
    }
}

/// A provider whose every payment answer is checked with [`check`] before the test sees it;
/// the connector's own methods are reached through `Deref`.
pub struct Checked<P>(pub P);

impl<P> std::ops::Deref for Checked<P> {
    type Target = P;
    fn deref(&self) -> &P {
        &self.0
    }
}

fn checked(p: Result<Payment>) -> Result<Payment> {
    if let Ok(p) = &p {
        check(p);
    }
    p
}

#[paymux_core::async_trait]
impl<P: PaymentProvider> PaymentProvider for Checked<P> {
    fn id(&self) -> &ProviderId {
        self.0.id()
    }
    fn capabilities(&self) -> &Capabilities {
        self.0.capabilities()
    }
    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        checked(self.0.create_payment(req).await)
    }
    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        checked(self.0.get_payment(id).await)
    }
    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        checked(self.0.confirm_payment(id, req).await)
    }
    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        checked(self.0.capture_payment(id, req).await)
    }
    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        checked(self.0.cancel_payment(id, req).await)
    }
    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        let page = self.0.list_payments(query).await;
        if let Ok(page) = &page {
            page.items.iter().for_each(check);
        }
        page
    }
    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        self.0.create_refund(req).await
    }
    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        self.0.get_refund(id).await
    }
    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        self.0.create_customer(req).await
    }
    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        self.0.get_customer(id).await
    }
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let event = self.0.parse_webhook(headers, raw_body);
        if let Ok(e) = &event {
            check_event(e);
        }
        event
    }
}
