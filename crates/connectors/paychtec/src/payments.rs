//! Payment operations beyond the trait: changing a payment before confirmation, and the
//! payment list with every filter the gateway takes.

use paymux_core::connector::idempotency_key;
use paymux_core::{
    CaptureMode, Currency, CustomerDetails, IdempotencyKey, ListPayments, Metadata, Money,
    OrderLine, Page, Payment, PaymentId, Result,
};

use crate::{Paychtec, mapping};

/// Fields to change on a payment before confirmation (`POST /payments/:id`); only the fields
/// set are sent.
#[derive(Debug, Clone, Default)]
pub struct UpdatePayment {
    /// New amount.
    pub amount: Option<Money>,
    /// New capture mode.
    pub capture: Option<CaptureMode>,
    /// New description.
    pub description: Option<String>,
    /// New return URL.
    pub return_url: Option<String>,
    /// New one-off customer details (top-level `email`, `name`, `phone`, `phone_country_code`).
    pub customer_details: Option<CustomerDetails>,
    /// New order contents.
    pub order_lines: Option<Vec<OrderLine>>,
    /// New metadata.
    pub metadata: Option<Metadata>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// `POST /payments/list` filters: the core ones plus `currency`.
#[derive(Debug, Clone, Default)]
pub struct PaymentListQuery {
    /// Limit, offset cursor, status, customer, creation window.
    pub list: ListPayments,
    /// Only payments in this currency.
    pub currency: Option<Currency>,
}

impl Paychtec {
    /// Changes a payment before confirmation (`POST /payments/:id`).
    pub async fn update_payment(&self, id: &PaymentId, req: UpdatePayment) -> Result<Payment> {
        let body = mapping::update_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_payment(id.as_str(), &body, key).await?;
        mapping::to_payment(&self.provider, &answer)
    }

    /// Lists payments with every filter `POST /payments/list` takes, `currency` included.
    pub async fn list_payments_filtered(&self, query: PaymentListQuery) -> Result<Page<Payment>> {
        let body = mapping::list_body(&query.list, query.currency)?;
        let list = self.client.list_payments(&body).await?;
        mapping::to_page(&list, body.offset.unwrap_or(0), body.limit, |p| {
            mapping::to_payment(&self.provider, p)
        })
    }
}
