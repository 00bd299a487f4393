//! Payment operations beyond the trait: changing a payment before confirmation, and the
//! payment list with every filter the gateway takes. The requests are the family's
//! ([`UpdatePayment`](crate::UpdatePayment), [`PaymentListQuery`](crate::PaymentListQuery)).

use paymux_core::connector::idempotency_key;
use paymux_core::{Page, Payment, PaymentId, Result};

use crate::{Paychtec, PaymentListQuery, UpdatePayment, mapping};

impl Paychtec {
    /// Changes a payment before confirmation (`POST /payments/:payment_id`): only the fields
    /// set are sent; order lines go out as the guide's `order_details` (`name`, unit price,
    /// `currency`), the amount is positive and at most the family's maximum.
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
